"""HTTP: the masters and Marathon, each on its own 127.0.0.1 port, and on
every port the control API (POST /_control/<command>, GET /_state)."""

import argparse
import http.server
import json
import os
import signal
import socket
import sys
import threading
import time

from . import control, endpoints, model
from .model import quote

MAX_BODY = 1 << 20
# Longest piece of a request body kept in the call log.
MAX_LOGGED_BODY = 4096


# The longest a held reply waits for "release".
HOLD_LIMIT_S = 600


class App:
    def __init__(self, args, master_ports, marathon_port):
        self.world = model.World(master_ports, marathon_port, args.version)
        self.credentials = (args.user, args.password) if args.user else None
        self.faults = control.Faults()
        self.calls = []
        self.lock = threading.Lock()
        # Cleared while a "hold" fault is set: held replies wait for it.
        self.released = threading.Event()
        self.released.set()

    def serve(self, name, index, method, path, headers, body):
        """(status, headers, body) for a master (index) or Marathon."""
        with self.lock:
            # CLOCK_MONOTONIC is one clock for every process on the host, so
            # calls to this fake and to others can be put in one order.
            received_ns = time.monotonic_ns()
            fault = self.faults.take("marathon" if index is None else
                                     "master", method, path)
            if fault and fault["mode"] == "status":
                # Answered instead of the endpoint: nothing is applied.
                status, out_headers = fault["status"], dict(endpoints.TEXT)
                data = fault["body"].encode()
            elif index is None:
                status, out_headers, data = endpoints.marathon(
                    self, method, path, headers, body)
            else:
                status, out_headers, data = endpoints.master(
                    self, index, method, path, headers, body)
            if fault and fault["mode"] == "truncate":
                data = data[:len(data) // 2]
            elif fault and fault["mode"] == "garble":
                data = data[::-1]  # the same bytes, backwards
            call = {
                "server": name, "method": method, "path": path,
                "body": body[:MAX_LOGGED_BODY].decode("utf-8", "replace"),
                "status": status, "monotonic_ns": received_ns}
            if fault and fault["mode"] == "hold":
                call["held"] = True
            self.calls.append(call)
        if fault and fault["mode"] == "hold":
            # Applied; the reply waits (outside the lock) for "release", as
            # a reply still on its way when the client dies.
            self.released.wait(HOLD_LIMIT_S)
        return status, out_headers, data


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app = None     # set by main()
    name = None    # "master0", ..., "marathon"
    index = None   # the master's index; None for Marathon

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's
        # algorithm and the client's delayed ACK hold the body ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        print(f"fake_mesos {self.name}: " + fmt % args, file=sys.stderr,
              flush=True)

    def _send(self, status, headers, data):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status, value):
        self._send(status, {"Content-Type": "application/json"},
                   (json.dumps(value) + "\n").encode())

    def _read_body(self):
        """The body, or None after answering a body that cannot be read."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._json(411, {"error": "send a Content-Length"})
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

    def _handle(self):
        body = self._read_body()
        if body is None:
            return
        if self.path == "/_state" and self.command == "GET":
            with self.app.lock:
                self._json(200, control.state(self.app))
            return
        if self.path.startswith("/_control/") and self.command == "POST":
            self._control(self.path[len("/_control/"):], body)
            return
        reply = self.app.serve(self.name, self.index, self.command, self.path,
                               self.headers, body)
        try:
            self._send(*reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (held reply)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

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
            self._json(404, {"error": f"no control command {quote(command)}"})
            return
        self._json(200, answer)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Mesos masters and a Marathon on 127.0.0.1, for tests. "
                    "Serves until stdin reaches EOF or SIGTERM.")
    parser.add_argument("--masters", type=int, default=3,
                        help="how many masters (1-9); master 0 leads")
    parser.add_argument("--version", default=model.NEW_VERSION,
                        choices=model.VERSIONS)
    parser.add_argument("--user", help="HTTP basic auth on the masters and "
                        "Marathon (with --password)")
    parser.add_argument("--password")
    args = parser.parse_args(argv)
    if not 1 <= args.masters <= 9:
        parser.error("--masters: 1 to 9")
    if (args.user is None) != (args.password is None):
        parser.error("give --user and --password together")
    return args


def main(argv):
    args = parse_args(argv)
    handlers = [type(f"Master{i}", (Handler,), {"name": f"master{i}",
                                                 "index": i})
                for i in range(args.masters)]
    handlers.append(type("Marathon", (Handler,), {"name": "marathon"}))
    servers = []
    for handler in handlers:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        servers.append(server)
    ports = [s.server_address[1] for s in servers]
    Handler.app = App(args, ports[:-1], ports[-1])
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
    for server in servers:
        # A short poll so that shutdown() returns soon after stdin closes.
        threading.Thread(target=server.serve_forever, args=(0.05,),
                         daemon=True).start()
    print(f"fake-mesos ready masters={','.join(map(str, ports[:-1]))} "
          f"marathon={ports[-1]}", flush=True)
    while not stop.wait(3600):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    print("fake_mesos: stopped", file=sys.stderr, flush=True)
