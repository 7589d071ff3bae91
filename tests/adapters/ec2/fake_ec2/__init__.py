"""A stateful EC2 Query API endpoint on loopback, for testing EC2 clients.

fake_ec2.py (beside this package) is the program; README.md the manual.
Modules: errors (EC2 error codes and statuses), xmlout (response bodies),
params (form parameters), auth (SigV4 verification with botocore), paging
(NextToken), model (the fake cloud's state and clock), actions (the EC2
actions), control (the JSON control API), server (HTTP).
"""
