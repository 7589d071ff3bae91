#!/usr/bin/python3
"""Signs random requests with botocore's SigV4Auth, for sigv4_botocore_test.

Usage: botocore_sign.py SEED COUNT

Prints one JSON object per line: the request (method, host, path, query as
sent, headers, body as hex), the credentials, region, service and time, and
what botocore makes of them: canonical_request, string_to_sign, signature
and authorization. Run it with Debian's /usr/bin/python3 (package
python3-botocore).

The requests are what a client may send to any service but S3 (whose paths
are neither normalized nor encoded twice): paths with characters that need
encoding, "." and ".." segments and runs of "/"; queries encoded the
canonical way (the way botocore's own serializer writes them, which is
what it signs as given), with repeated names, reserved and UTF-8
characters and names without values; headers in mixed case, repeated, with
runs of spaces and tabs; empty, form and binary bodies; with and without a
session token. Header names botocore 1.29 signs but spotburst leaves out
(connection, keep-alive, ...) are not used.
"""

import datetime
import json
import random
import sys
from urllib.parse import quote

try:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:
    sys.exit(f"botocore_sign.py: cannot import botocore ({e}); "
             "install the Debian package python3-botocore")

METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "post", "get"]
SERVICES = ["ec2", "ec2", "iam", "sts", "monitoring", "service",
            "execute-api"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1",
           "cn-north-1", "sa-east-1"]
# Pieces of path segments: unreserved, reserved, space, percent escapes
# (encoded again), a lone "%", UTF-8 of 2, 3 and 4 bytes. No raw "?" or "#":
# they would end the path of a URL.
PATH_PIECES = ["a", "Z", "9", "-", "_", ".", "~", "!", "$", "&", "'", "(",
               ")", "*", "+", ",", ";", "=", ":", "@", " ", "%20", "%2F",
               "%3F", "%", "\\", "[", "]", "\u00e9", "\u1234", "\U0001F600",
               "example", "dir"]
QUERY_NAMES = ["Action", "Version", "Param1", "param1", "a", "A", "b",
               "Filter.1.Name", "x-y", "\u00fc", "a b", "k=v", ""]
QUERY_PIECES = ["v", "V", "1", " ", "+", "/", "=", "&", "?", "#", "*", "~",
                "%", ":", "\u00e9", "\u1234", "\U0001F600", "value"]
HEADER_NAMES = ["X-Custom", "x-custom", "X-CUSTOM", "Accept",
                "Content-Type", "X-Amz-Meta-Thing", "x-amz-meta-thing",
                "My-Header1", "my-header2", "Cache-Control", "User-Agent",
                "Expect", "X-Amzn-Trace-Id"]
HEADER_PIECES = ["a", "B", "1", " ", "  ", "   ", "\t", ",", ";", "=", "\"",
                 "'", ":", "/", "(", ")", "text", "x y"]
BASE64 = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
          "+/")


def pieces(rng, choices, low, high):
    return "".join(rng.choice(choices) for _ in range(rng.randint(low, high)))


def random_path(rng):
    segments = []
    for _ in range(rng.randint(0, 5)):
        kind = rng.random()
        if kind < 0.15:
            segments.append(".")
        elif kind < 0.3:
            segments.append("..")
        elif kind < 0.45:
            segments.append("")  # makes "//"
        else:
            segments.append(pieces(rng, PATH_PIECES, 1, 4))
    path = "/" + "/".join(segments)
    if rng.random() < 0.3:
        path += "/"
    return path


def random_query(rng):
    if rng.random() < 0.4:
        return ""
    params = []
    for _ in range(rng.randint(1, 5)):
        name = quote(rng.choice(QUERY_NAMES), safe="-_.~")
        if rng.random() < 0.1:
            params.append(name)  # no "=": an empty value
        else:
            value = quote(pieces(rng, QUERY_PIECES, 0, 4), safe="-_.~")
            params.append(f"{name}={value}")
    return "&".join(params)


def random_headers(rng, method):
    headers = []
    if method.upper() == "POST" and rng.random() < 0.7:
        headers.append(["Content-Type",
                        "application/x-www-form-urlencoded; charset=utf-8"])
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(HEADER_NAMES)
        if rng.random() < 0.3:
            name = "".join(c.upper() if rng.random() < 0.5 else c.lower()
                           for c in name)
        headers.append([name, pieces(rng, HEADER_PIECES, 0, 6)])
    return headers


def random_body(rng):
    kind = rng.random()
    if kind < 0.3:
        return b""
    if kind < 0.6:
        return ("Action=DescribeSpotPriceHistory&Version=2016-11-15"
                f"&MaxResults={rng.randint(1, 1000)}").encode()
    return bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))


def random_request(rng):
    method = rng.choice(METHODS)
    service = rng.choice(SERVICES)
    region = rng.choice(REGIONS)
    host = f"{service}.{region}.amazonaws.com"
    if rng.random() < 0.2:
        host += f":{rng.choice([8080, 8443, 4566])}"
    epoch = rng.randrange(946684800, 4102444800)  # 2000 to 2099
    token = ""
    if rng.random() < 0.4:
        token = "".join(rng.choice(BASE64)
                        for _ in range(rng.randint(16, 400)))
    return {
        "method": method,
        "host": host,
        "path": random_path(rng),
        "query": random_query(rng),
        "headers": random_headers(rng, method),
        "body_hex": random_body(rng).hex(),
        "access_key_id": "AKIA" + "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
        "secret_access_key": "".join(rng.choice(BASE64) for _ in range(40)),
        "session_token": token,
        "region": region,
        "service": service,
        "epoch": epoch,
    }


def sign(r):
    amz_date = datetime.datetime.fromtimestamp(
        r["epoch"], datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    url = f"https://{r['host']}{r['path']}"
    if r["query"]:
        url += "?" + r["query"]
    request = AWSRequest(method=r["method"], url=url,
                         data=bytes.fromhex(r["body_hex"]))
    # Assigning appends: repeated names stay, in order.
    request.headers["Host"] = r["host"]
    for name, value in r["headers"]:
        request.headers[name] = value
    request.headers["X-Amz-Date"] = amz_date
    if r["session_token"]:
        request.headers["X-Amz-Security-Token"] = r["session_token"]
    # The time comes from the request, not the clock (no patching needed).
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(
        Credentials(r["access_key_id"], r["secret_access_key"],
                    r["session_token"] or None),
        r["service"], r["region"])
    # Before any Authorization header exists, or it would be signed too.
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    signature = signer.signature(string_to_sign, request)
    signer._inject_signature_to_request(request, signature)
    return {
        "canonical_request": canonical,
        "string_to_sign": string_to_sign,
        "signature": signature,
        "authorization": request.headers["Authorization"],
    }


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: botocore_sign.py SEED COUNT")
    rng = random.Random(int(sys.argv[1]))
    for _ in range(int(sys.argv[2])):
        r = random_request(rng)
        r.update(sign(r))
        print(json.dumps(r, ensure_ascii=True))


if __name__ == "__main__":
    main()
