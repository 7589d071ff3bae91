"""HTTP: EC2 calls (POST /, SigV4-signed form bodies) and the control API
(POST /_control/<command>, GET /_state), on 127.0.0.1.
"""

import argparse
import http.server
import json
import os
import signal
import socket
import sys
import threading
import time
import uuid

from . import control, xmlout
from .actions import Actions
from .auth import Verifier
from .errors import Ec2Error, quote
from .model import World
from .params import Params, parse_form, parse_time

MAX_BODY = 1 << 20
CATALOGUE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "..", "..", "..", "data", "instance_types.csv")


# The longest a held reply waits for "release".
HOLD_LIMIT_S = 600


class App:
    def __init__(self, args):
        now = parse_time("--now", args.now) if args.now else time.time()
        self.world = World(args.region, now, CATALOGUE)
        self.actions = Actions(self.world)
        self.verifier = Verifier(args.access_key, args.secret_key,
                                 args.session_token, args.region)
        self.faults = control.Faults()
        self.calls = []
        self.lock = threading.Lock()
        # Cleared while a "hold_reply" fault is set: held replies wait for
        # it.
        self.released = threading.Event()
        self.released.set()

    def ec2_call(self, method, path, headers, body):
        """(status, XML body, log entry); XML None: drop the reply."""
        request_id = str(uuid.uuid4())
        entry = {"action": None, "client_token": None, "status": 200}
        with self.lock:
            # CLOCK_MONOTONIC is one clock for every process on the host, so
            # calls to this fake and to others can be put in one order.
            entry["monotonic_ns"] = time.monotonic_ns()
            try:
                form = body if method == "POST" else path.partition(
                    "?")[2].encode()
                try:
                    values = parse_form(form)
                    entry["action"] = values.get("Action")
                    entry["client_token"] = values.get("ClientToken")
                    instance_ids = Params(values).strings("InstanceId")
                    if instance_ids:
                        entry["instance_ids"] = instance_ids
                except Ec2Error as e:
                    values, bad_form = None, e
                self.verifier.verify(method, path, headers, body,
                                     self.world.now)
                if values is None:
                    raise bad_form
                action = values.get("Action")
                if self.faults.take("throttle", action):
                    raise Ec2Error("RequestLimitExceeded",
                                   "Request limit exceeded.")
                if self.faults.take("server_errors", action):
                    raise Ec2Error("InternalError",
                                   "An internal error has occurred")
                xml = self.actions.call(Params(values), request_id)
                if self.faults.take("drop_reply", action):
                    entry["dropped"] = True
                    xml = None
                elif self.faults.take("hold_reply", action):
                    entry["held"] = True
                status = 200
            except Ec2Error as e:
                status = e.status
                entry["code"] = e.code
                xml = xmlout.error(e.code, e.message, request_id)
            entry["status"] = status
            self.calls.append(entry)
        return status, xml, entry


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app = None  # set by main()

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's
        # algorithm and the client's delayed ACK hold the body ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        print("fake_ec2: " + fmt % args, file=sys.stderr, flush=True)

    def log_request(self, code="-", size="-"):
        pass  # ec2 calls log their own line

    def _send(self, status, content_type, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status, value):
        self._send(status, "application/json", json.dumps(value) + "\n")

    def _read_body(self):
        """The body, or None after answering a body that cannot be read."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._json(411, {"error": "send a Content-Length, not "
                                      "Transfer-Encoding"})
            return None
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._json(413, {"error": f"Content-Length must be 0 to "
                                      f"{MAX_BODY}"})
            return None
        return self.rfile.read(length)

    def do_GET(self):
        if self.path == "/_state":
            with self.app.lock:
                self._json(200, control.state(self.app))
        elif self.path.startswith("/?"):
            self._ec2(b"")
        else:
            self._json(404, {"error": "GET /_state, or EC2 calls on /"})

    def do_POST(self):
        body = self._read_body()
        if body is None:
            return
        if self.path.startswith("/_control/"):
            self._control(self.path[len("/_control/"):], body)
        elif self.path == "/":
            self._ec2(body)
        else:
            self._json(404, {"error": "EC2 calls go to POST /, control "
                                      "commands to POST /_control/<name>"})

    def _control(self, command, body):
        try:
            value = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            self._json(400, {"error": "the body is not JSON"})
            return
        try:
            with self.app.lock:
                answer = control.run(self.app, command, value)
        except control.ControlError as e:
            self._json(400, {"error": f"{command}: {e}"})
            return
        except KeyError:
            self._json(404, {"error": f"no control command "
                                      f"{quote(command)}"})
            return
        self._json(200, answer)

    def _ec2(self, body):
        headers = list(self.headers.items())
        status, xml, entry = self.app.ec2_call(self.command, self.path,
                                               headers, body)
        print(f"fake_ec2: {entry['action'] and quote(entry['action'])} "
              f"{status} {entry.get('code', '')}"
              f"{' (reply dropped)' if xml is None else ''}",
              file=sys.stderr, flush=True)
        if xml is None:
            # Applied, and no answer at all: the client sees the
            # connection close, as when a reply is lost on the way.
            self.close_connection = True
            return
        if entry.get("held"):
            # Applied; the reply waits for "release", as a reply still on
            # its way when the client dies.
            self.app.released.wait(HOLD_LIMIT_S)
        try:
            self._send(status, "text/xml;charset=UTF-8", xml)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="A stateful EC2 Query API endpoint on 127.0.0.1, for "
                    "tests. Serves until stdin reaches EOF or SIGTERM.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--session-token")
    parser.add_argument("--now", help="the fake clock's start, "
                        "2024-05-02T09:00:00Z (default: the real time)")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    try:
        app = App(args)
    except Ec2Error as e:
        sys.exit(f"fake_ec2: {e.message}")
    Handler.app = app
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                             Handler)
    server.daemon_threads = True
    stop = threading.Event()

    def watch_stdin():
        # A test that dies closes the pipe, and the server goes with it.
        # os.read, not sys.stdin: a buffered reader still busy in this
        # thread would abort the interpreter's exit.
        try:
            while os.read(sys.stdin.fileno(), 4096):
                pass
        except OSError:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # A short poll so that shutdown() returns soon after stdin closes.
    threading.Thread(target=server.serve_forever, args=(0.05,),
                     daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}",
          flush=True)
    while not stop.wait(3600):
        pass
    server.shutdown()
    server.server_close()
    print("fake_ec2: stopped", file=sys.stderr, flush=True)
