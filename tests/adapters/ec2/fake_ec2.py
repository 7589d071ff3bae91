#!/usr/bin/python3
"""A stateful EC2 endpoint on loopback for testing EC2 clients.

  /usr/bin/python3 tests/adapters/ec2/fake_ec2.py --port 0 \\
      --region us-east-1 --access-key AKIDEXAMPLE --secret-key SECRET \\
      [--session-token T] [--now 2024-05-02T09:00:00Z]

prints "listening on http://127.0.0.1:PORT" once it accepts connections
and serves until its stdin reaches EOF or it gets SIGTERM. Needs Debian's
python3-botocore. The manual, with the control API, is README.md beside
this file; the code is the fake_ec2 package.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    from fake_ec2.server import main
except ImportError as e:
    sys.exit(f"fake_ec2.py: cannot import its package or botocore ({e}); "
             "run it with /usr/bin/python3 and python3-botocore installed")

if __name__ == "__main__":
    main(sys.argv[1:])
