"""SigV4 verification of an EC2 call, by botocore's own signer.

The signature is recomputed for the request as received: its method, path
and query, the headers it names in SignedHeaders with the values it sent,
its body and its own X-Amz-Date, with the fake's credentials, region and
service "ec2"; then compared with the one sent.
"""

import calendar
import hashlib
import hmac
import re
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .errors import Ec2Error, quote

# EC2 refuses requests whose X-Amz-Date is further than this from its clock.
MAX_SKEW_S = 15 * 60

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 +Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/"
    r"aws4_request, *SignedHeaders=([a-z0-9;_.-]+), *Signature=([0-9a-f]{64})")


class Verifier:
    def __init__(self, access_key, secret_key, session_token, region):
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token
        self.region = region

    def verify(self, method, path, headers, body, now):
        """Raises Ec2Error unless the call is signed by the fake's key.

        headers: [(name, value)] as received, in order.
        """
        authorization = _all(headers, "authorization")
        if not authorization:
            raise Ec2Error("MissingAuthenticationToken",
                           "Request is missing Authentication Token")
        m = _AUTHORIZATION.fullmatch(authorization[0].strip())
        if len(authorization) > 1 or not m:
            raise Ec2Error(
                "IncompleteSignature",
                "The Authorization header is not 'AWS4-HMAC-SHA256 "
                "Credential=KEY/DATE/REGION/ec2/aws4_request, "
                "SignedHeaders=..., Signature=<64 hex digits>'")
        key, scope_date, region, service, signed, signature = m.groups()
        if key != self.access_key:
            raise Ec2Error("AuthFailure",
                           "AWS was not able to validate the provided access "
                           f"credentials (unknown access key id {quote(key)})")
        tokens = _all(headers, "x-amz-security-token")
        if self.session_token is not None:
            if tokens != [self.session_token]:
                raise Ec2Error("AuthFailure",
                               "The security token included in the request "
                               "is missing or invalid")
        elif tokens:
            raise Ec2Error("AuthFailure",
                           "The security token included in the request is "
                           "invalid (these credentials have none)")
        amz_date = _all(headers, "x-amz-date")
        if len(amz_date) != 1:
            raise Ec2Error("IncompleteSignature",
                           "The request must have one X-Amz-Date header")
        amz_date = amz_date[0].strip()
        sent = _parse_amz_date(amz_date)
        if abs(sent - now) > MAX_SKEW_S:
            raise Ec2Error(
                "RequestExpired",
                f"Request has expired: X-Amz-Date {quote(amz_date)} is more "
                f"than 15 minutes from the server's time "
                f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(now))}")
        if scope_date != amz_date[:8]:
            raise Ec2Error("SignatureDoesNotMatch",
                           f"Date in Credential scope ({scope_date}) does not "
                           f"match the date of X-Amz-Date ({amz_date[:8]})")
        if region != self.region or service != "ec2":
            raise Ec2Error("SignatureDoesNotMatch",
                           f"Credential should be scoped to "
                           f"{self.region}/ec2, not {quote(region)}/"
                           f"{quote(service)}")
        signed_names = signed.split(";")
        for required in ("host", "x-amz-date"):
            if required not in signed_names:
                raise Ec2Error("SignatureDoesNotMatch",
                               f"SignedHeaders must include {required}")
        if tokens and "x-amz-security-token" not in signed_names:
            raise Ec2Error("SignatureDoesNotMatch",
                           "SignedHeaders must include x-amz-security-token")
        content_sha = _all(headers, "x-amz-content-sha256")
        if content_sha and content_sha[0] != hashlib.sha256(body).hexdigest():
            raise Ec2Error("SignatureDoesNotMatch",
                           "X-Amz-Content-SHA256 is not the body's SHA-256")

        request = AWSRequest(method=method, url=f"http://localhost{path}",
                             data=body)
        for name in signed_names:
            values = _all(headers, name)
            if not values:
                raise Ec2Error("SignatureDoesNotMatch",
                               f"Signed header {quote(name)} is not in the "
                               "request")
            for value in values:  # assigning appends: repeats stay
                request.headers[name] = value
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(
            Credentials(self.access_key, self.secret_key, self.session_token),
            "ec2", self.region)
        botocore_signs = sorted(set(signer.headers_to_sign(request)))
        if botocore_signs != sorted(set(signed_names)):
            raise Ec2Error("SignatureDoesNotMatch",
                           "SignedHeaders names headers that are never "
                           "signed (" + quote(";".join(
                               sorted(set(signed_names) -
                                      set(botocore_signs)))) + ")")
        canonical = signer.canonical_request(request)
        expected = signer.signature(
            signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, signature):
            # The canonical request helps whoever debugs the client; the
            # session token is a secret, so it stays out of the log.
            shown = canonical
            if self.session_token:
                shown = shown.replace(self.session_token, "<session token>")
            print(f"fake_ec2: signature mismatch; canonical request the "
                  f"server computed:\n{shown}", file=sys.stderr, flush=True)
            raise Ec2Error(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the "
                "signature you provided. Check your AWS Secret Access Key "
                "and signing method.")


def _all(headers, name):
    return [v for n, v in headers if n.lower() == name]


def _parse_amz_date(value):
    if not re.fullmatch(r"\d{8}T\d{6}Z", value):
        raise Ec2Error("IncompleteSignature",
                       f"X-Amz-Date {quote(value)} is not YYYYMMDDTHHMMSSZ")
    try:
        return calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        raise Ec2Error("IncompleteSignature",
                       f"X-Amz-Date {quote(value)} is not a valid time")
