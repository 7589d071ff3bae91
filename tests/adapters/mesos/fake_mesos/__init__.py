"""Mesos masters and a Marathon on loopback, for testing the Mesos adapter.

fake_mesos.py (beside this package) is the program; README.md (here) the
manual.
Modules: model (the cluster's state and how Mesos renders it), endpoints
(the masters' and Marathon's HTTP endpoints), control (the JSON control
API), server (HTTP on one port per master and one for Marathon).
"""
