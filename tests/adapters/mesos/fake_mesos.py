#!/usr/bin/python3
"""Mesos masters and a Marathon on loopback for testing the Mesos adapter.

  /usr/bin/python3 tests/adapters/mesos/fake_mesos.py [--masters 3] \\
      [--version 1.11.0|0.28.2] [--user U --password P]

prints "fake-mesos ready masters=PORT,PORT,PORT marathon=PORT" once every
port accepts connections and serves until its stdin reaches EOF or it gets
SIGTERM. Standard library only. The manual, with the control API, is
fake_mesos/README.md; the code is the fake_mesos package.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_mesos.server import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])
