"""A loopback HTTP/1.1 server for the adapters' tests: the HTTP client's and
the EC2 instance metadata client's.

Prints "listening on http://127.0.0.1:PORT" once it accepts connections
(--port 0, the default, takes any free port) and ends when its stdin closes,
so a test that crashes leaves nothing behind. Standard library only.
With --tls-cert and --tls-key (PEM files) it speaks HTTPS instead and
prints "listening on https://127.0.0.1:PORT".

Paths:
  /echo            200, JSON of the request as received: method, target
                   (the path, or the whole URL when the client takes this
                   server for a proxy), headers (in order), body_hex,
                   connection (1 for the
                   first connection accepted, 2 for the next, ...) and
                   client_port
  /status/NNN      status NNN, body "status NNN" (none for 204 and 304),
                   header X-Fake: a  b
                   (inner spaces kept, outer ones to trim)
  /redirect        302 to /echo
  /redirect/307    307 to //127.0.0.1:PORT/echo (protocol-relative, as a
                   Mesos master answers)
  /bytes/N         200 with N bytes
  /stream/N        200 with N bytes, no Content-Length, then closes
  /garbage         answers a line that is not HTTP, then closes
  /truncated       promises 100 bytes, sends 10, then closes
  /hang            reads the request and never answers
  /latest/...      the instance metadata service (IMDSv2), scripted below

Commands, one JSON object per line on stdin; each is answered by one JSON
line on stdout once applied, so a test waits for the answer, not a time:
  {"imds": {...}}      replaces keys of the IMDS script (see IMDS below)
  {"revoke_tokens": true}  every token issued so far stops working
  {"stats": true}      answers {"token_puts": N, "gets": {path: N},
                       "last_ttl": "...", "connections": N,
                       "requests": {path: N}} (gets: IMDS GETs only;
                       requests: every request whose headers were read)
"""

import argparse
import json
import os
import socket
import socketserver
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

TOKEN_PATH = "/latest/api/token"
CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"

lock = threading.Lock()
connections = 0
token_puts = 0
last_ttl = None
gets = {}
requests = {}
tokens = set()
# The server's TLS context, when it speaks HTTPS.
tls = None
imds = {
    # The role name served at CREDENTIALS_PATH; None answers 404.
    "role": "burst-role",
    # The JSON served for the role, or "body" to serve these bytes instead.
    "credentials": {
        "Code": "Success",
        "LastUpdated": "2024-05-02T09:00:00Z",
        "Type": "AWS-HMAC",
        "AccessKeyId": "ASIAFAKE",
        "SecretAccessKey": "secret",
        "Token": "token",
        "Expiration": "2024-05-02T15:00:00Z",
    },
    "body": None,
    # Status of the role's document (200 serves it).
    "credentials_status": 200,
    # Status of the token PUT (200 issues a token).
    "token_status": 200,
    # Every metadata GET answers 401, whatever its token.
    "reject_tokens": False,
    # Every IMDS request is read and never answered.
    "hang": False,
    # Other metadata, by path under /latest/meta-data/, e.g.
    # {"instance-id": "i-0abc", "placement/availability-zone": "us-east-1b"}.
    "metadata": {},
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global connections
        if tls is not None:
            # The handshake runs on the connection's own thread; a client
            # that refuses the certificate ends only its connection.
            self.request = tls.wrap_socket(self.request, server_side=True)
        super().setup()
        # Headers and body go out in separate writes; without this the
        # body waits for the client's delayed acknowledgement.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with lock:
            connections += 1
            self.connection_number = connections

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path
        if path.startswith("http://"):
            # A proxy's request: the target is the whole URL; route on its
            # path, echo it as received.
            path = "/" + path[len("http://"):].partition("/")[2]
        with lock:
            requests[path] = requests.get(path, 0) + 1
        if path.startswith("/latest/"):
            return self.handle_imds(path)
        if path == "/echo":
            echo = {
                "method": self.command,
                "target": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body_hex": body.hex(),
                "connection": self.connection_number,
                "client_port": self.client_address[1],
            }
            return self.reply(200, json.dumps(echo).encode(),
                              [("Content-Type", "application/json")])
        if path.startswith("/status/"):
            status = int(path[len("/status/"):])
            # 204 and 304 answers have no body.
            body = b"" if status in (204, 304) else b"status %d" % status
            return self.reply(status, body, [("X-Fake", "  a  b  ")])
        if path == "/redirect":
            return self.reply(302, b"", [("Location", "/echo")])
        if path == "/redirect/307":
            port = self.server.server_address[1]
            return self.reply(307, b"",
                              [("Location", "//127.0.0.1:%d/echo" % port)])
        if path.startswith("/bytes/"):
            return self.reply(200, b"x" * int(path[len("/bytes/"):]))
        if path.startswith("/stream/"):
            # No Content-Length: the size shows only as the bytes arrive.
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"x" * int(path[len("/stream/"):]))
            self.close_connection = True
            return
        if path == "/garbage":
            self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
            self.close_connection = True
            return
        if path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"only ten b")
            self.close_connection = True
            return
        if path == "/hang":
            threading.Event().wait()  # until the process ends
        return self.reply(404, b"no such path")

    def handle_imds(self, path):
        global token_puts, last_ttl
        with lock:
            script = dict(imds)
        if script["hang"]:
            threading.Event().wait()  # until the process ends
        if path == TOKEN_PATH:
            if self.command != "PUT":
                return self.reply(405)
            with lock:
                token_puts += 1
                last_ttl = self.headers.get(
                    "X-aws-ec2-metadata-token-ttl-seconds")
                token = "imds-token-%d" % token_puts
                if script["token_status"] == 200 and last_ttl:
                    tokens.add(token)
            if script["token_status"] != 200:
                return self.reply(script["token_status"])
            if not last_ttl:
                return self.reply(400)
            return self.reply(200, token.encode(),
                              [("X-aws-ec2-metadata-token-ttl-seconds",
                                last_ttl)])
        with lock:
            gets[path] = gets.get(path, 0) + 1
            valid = (self.headers.get("X-aws-ec2-metadata-token") in tokens
                     and not script["reject_tokens"])
        if self.command != "GET":
            return self.reply(405)
        if not valid:
            return self.reply(401)
        key = path[len("/latest/meta-data/"):]
        if path.startswith("/latest/meta-data/") and key in script["metadata"]:
            return self.reply(200, script["metadata"][key].encode())
        if path == CREDENTIALS_PATH:
            if script["role"] is None:
                return self.reply(404)
            return self.reply(200, script["role"].encode())
        if script["role"] is not None and path == CREDENTIALS_PATH + script[
                "role"]:
            if script["credentials_status"] != 200:
                return self.reply(script["credentials_status"])
            body = script["body"]
            if body is None:
                body = json.dumps(script["credentials"])
            return self.reply(200, body.encode())
        return self.reply(404)

    do_GET = do_PUT = do_POST = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A refused handshake or a dropped connection: the test sees it on
        # its side; nothing to print here.
        pass

    def server_bind(self):
        # HTTPServer's looks the host name up, which can stall on a
        # machine without DNS; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def answer(command):
    with lock:
        if "imds" in command:
            imds.update(command["imds"])
        if command.get("revoke_tokens"):
            tokens.clear()
        if command.get("stats"):
            return {"token_puts": token_puts, "gets": gets,
                    "last_ttl": last_ttl, "connections": connections,
                    "requests": requests}
    return {"ok": True}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    global tls
    scheme = "http"
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        scheme = "https"
    server = Server(("127.0.0.1", args.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening on %s://127.0.0.1:%d" % (scheme, server.server_address[1]),
          flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(json.loads(line))), flush=True)
    # stdin closed: end now, connections held open (/hang) included.
    os._exit(0)


if __name__ == "__main__":
    main()
