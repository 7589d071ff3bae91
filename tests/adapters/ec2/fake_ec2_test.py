#!/usr/bin/python3
"""fake_ec2.py: the EC2 test endpoint keeps to EC2's wire format, checks
signatures like EC2, and keeps its state the way the EC2 client's tests
rely on. Run with Debian's /usr/bin/python3 (python3-botocore)."""

import datetime
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import unittest
import xml.etree.ElementTree as ET
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "fake_ec2.py")
KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
START = "2024-05-02T09:00:00Z"
NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
AMI = "ami-0abcdef1234567890"


def epoch(iso):
    return datetime.datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def amz_date(iso):
    return iso[:19].replace("-", "").replace(":", "") + "Z"


class Fake:
    """One fake_ec2.py process, and a client that signs like botocore."""

    def __init__(self, *extra):
        self.process = subprocess.Popen(
            ["/usr/bin/python3", SERVER, "--port", "0", "--region",
             "us-east-1", "--access-key", KEY, "--secret-key", SECRET,
             "--now", START, *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"fake_ec2.py printed {line!r}")
        self.port = int(line.rsplit(":", 1)[1])
        self.now = START  # the date requests are signed with

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()

    def send(self, method, path, body=b"", headers=()):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body, dict(headers))
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def signed_headers(self, body, *, key=KEY, secret=SECRET, date=None,
                       token=None, sign_token=True):
        date = amz_date(date or self.now)
        host = f"127.0.0.1:{self.port}"
        request = AWSRequest(method="POST", url=f"http://{host}/", data=body)
        request.headers["Host"] = host
        request.headers["Content-Type"] = ("application/x-www-form-urlencoded;"
                                           " charset=utf-8")
        request.headers["X-Amz-Date"] = date
        if token and sign_token:
            request.headers["X-Amz-Security-Token"] = token
        request.context["timestamp"] = date
        signer = SigV4Auth(Credentials(key, secret, token), "ec2",
                           "us-east-1")
        canonical = signer.canonical_request(request)
        signature = signer.signature(
            signer.string_to_sign(request, canonical), request)
        signer._inject_signature_to_request(request, signature)
        headers = list(request.headers.items())
        if token and not sign_token:
            headers.append(("X-Amz-Security-Token", token))
        return headers

    def call(self, action, params=None, **signing):
        """(HTTP status, the XML root with namespaces stripped)."""
        body = form(action, params)
        status, data = self.send("POST", "/", body,
                                 self.signed_headers(body, **signing))
        return status, parse(data)

    def ok(self, action, params=None, **signing):
        status, root = self.call(action, params, **signing)
        if status != 200:
            raise AssertionError(f"{action}: {status} {error_code(root)}")
        return root

    def control(self, command, body=None, expect=200):
        status, data = self.send("POST", "/_control/" + command,
                                 json.dumps(body or {}).encode())
        answer = json.loads(data)
        if status != expect:
            raise AssertionError(f"{command}: {status} {answer}")
        return answer

    def advance(self, seconds):
        """Moves the fake clock; later calls are signed with its time."""
        self.now = self.control("clock", {"advance_s": seconds})["now"]

    def state(self):
        status, data = self.send("GET", "/_state")
        assert status == 200
        return json.loads(data)


def form(action, params):
    pairs = [("Action", action), ("Version", "2016-11-15")]
    pairs += list((params or {}).items())
    return "&".join(f"{quote(str(k), safe='-_.~')}={quote(str(v), safe='-_.~')}"
                    for k, v in pairs).encode()


def parse(data):
    root = ET.fromstring(data)
    for element in root.iter():
        if element.tag.startswith(NS):
            element.tag = element.tag[len(NS):]
    return root


def error_code(root):
    return root.findtext("Errors/Error/Code") if root.tag == "Response" \
        else None


def instances(root):
    return root.findall("reservationSet/item/instancesSet/item")


def ids(elements, name="instanceId"):
    return [e.findtext(name) for e in elements]


def tags(element):
    return {i.findtext("key"): i.findtext("value")
            for i in element.findall("tagSet/item")}


def run_params(count=1, **extra):
    params = {"MinCount": count, "MaxCount": count, "ImageId": AMI,
              "InstanceType": "m5.large",
              "Placement.AvailabilityZone": "us-east-1a"}
    params.update(extra)
    return params


def spot_params(count=1, **extra):
    params = {"InstanceCount": count, "LaunchSpecification.ImageId": AMI,
              "LaunchSpecification.InstanceType": "m5.large",
              "LaunchSpecification.Placement.AvailabilityZone": "us-east-1a",
              "TagSpecification.1.ResourceType": "spot-instances-request",
              "TagSpecification.1.Tag.1.Key": "burst-pool",
              "TagSpecification.1.Tag.1.Value": "mesos-a"}
    params.update(extra)
    return params


FAKE = None


def setUpModule():
    global FAKE
    FAKE = Fake()


def tearDownModule():
    FAKE.stop()


class FakeTestCase(unittest.TestCase):
    def setUp(self):
        self.fake = FAKE
        self.fake.control("reset")
        self.fake.now = START
        self.fake.control("prices", {"prices": [
            {"instance_type": "m5.large", "zone": "us-east-1a",
             "price": "0.0381", "time": "2024-05-02T06:31:12Z"}]})

    def assertError(self, result, status, code):
        got_status, root = result
        self.assertEqual((got_status, error_code(root)), (status, code))
        # EC2's error body: one Error with a message, and a RequestID.
        self.assertTrue(root.findtext("Errors/Error/Message"))
        self.assertTrue(root.findtext("RequestID"))
        return root.findtext("Errors/Error/Message")


class SignatureTest(FakeTestCase):
    def test_signed_call_is_answered_in_the_ec2_namespace(self):
        body = form("DescribeInstances", {})
        status, data = self.fake.send("POST", "/", body,
                                      self.fake.signed_headers(body))
        self.assertEqual(status, 200)
        root = ET.fromstring(data)
        self.assertEqual(root.tag, NS + "DescribeInstancesResponse")
        self.assertTrue(root.findtext(NS + "requestId"))

    def test_calls_share_a_kept_alive_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.fake.port,
                                          timeout=10)
        try:
            sockets = []
            for action in ("DescribeInstances", "DescribeSpotPriceHistory"):
                body = form(action, {})
                conn.request("POST", "/", body,
                             dict(self.fake.signed_headers(body)))
                response = conn.getresponse()
                self.assertEqual(response.status, 200)
                self.assertEqual(parse(response.read()).tag,
                                 action + "Response")
                sockets.append(conn.sock)
            self.assertIsNotNone(sockets[0])
            self.assertIs(sockets[0], sockets[1])
        finally:
            conn.close()

    def test_get_with_the_parameters_in_a_signed_query(self):
        host = f"127.0.0.1:{self.fake.port}"
        path = "/?" + form("DescribeInstances", {
            "Filter.1.Name": "tag:pool", "Filter.1.Value.1": "a b"}).decode()
        request = AWSRequest(method="GET", url=f"http://{host}{path}")
        request.headers["Host"] = host
        request.headers["X-Amz-Date"] = amz_date(START)
        request.context["timestamp"] = amz_date(START)
        signer = SigV4Auth(Credentials(KEY, SECRET), "ec2", "us-east-1")
        signer._inject_signature_to_request(request, signer.signature(
            signer.string_to_sign(request, signer.canonical_request(request)),
            request))
        status, data = self.fake.send("GET", path, b"",
                                      request.headers.items())
        self.assertEqual(status, 200)
        self.assertEqual(parse(data).tag, "DescribeInstancesResponse")
        # The query is signed: changing it breaks the signature.
        status, _ = self.fake.send("GET", path.replace("a%20b", "c"), b"",
                                   request.headers.items())
        self.assertEqual(status, 403)

    def test_wrong_secret_is_refused_and_changes_nothing(self):
        self.assertError(
            self.fake.call("RunInstances", run_params(), secret="x" * 40),
            403, "SignatureDoesNotMatch")
        self.assertEqual(self.fake.state()["instances"], [])

    def test_unknown_access_key_is_an_auth_failure(self):
        self.assertError(self.fake.call("DescribeInstances",
                                        key="AKIDUNKNOWN00000"),
                         401, "AuthFailure")

    def test_missing_authorization(self):
        body = form("DescribeInstances", {})
        status, data = self.fake.send(
            "POST", "/", body,
            [("Content-Type", "application/x-www-form-urlencoded"),
             ("X-Amz-Date", amz_date(START))])
        self.assertError((status, parse(data)), 401,
                         "MissingAuthenticationToken")

    def test_body_changed_after_signing_is_refused(self):
        body = form("RunInstances", run_params())
        headers = self.fake.signed_headers(body)
        status, data = self.fake.send(
            "POST", "/", body.replace(b"MaxCount=1", b"MaxCount=9"), headers)
        self.assertError((status, parse(data)), 403, "SignatureDoesNotMatch")
        self.assertEqual(self.fake.state()["instances"], [])

    def test_dates_more_than_15_minutes_off_the_fake_clock_expire(self):
        self.fake.ok("DescribeInstances", date="2024-05-02T08:46:00Z")
        self.fake.ok("DescribeInstances", date="2024-05-02T09:14:00Z")
        self.assertError(self.fake.call("DescribeInstances",
                                        date="2024-05-02T08:44:00Z"),
                         400, "RequestExpired")
        self.assertError(self.fake.call("DescribeInstances",
                                        date="2024-05-02T09:16:00Z"),
                         400, "RequestExpired")
        # The fake's clock, not the real one, is what counts.
        self.fake.control("clock", {"advance_s": 3600})
        self.assertError(self.fake.call("DescribeInstances", date=START),
                         400, "RequestExpired")
        self.fake.ok("DescribeInstances", date="2024-05-02T10:00:00Z")

    def test_session_token_is_required_when_configured(self):
        fake = Fake("--session-token", "tok3n")
        try:
            self.assertEqual(fake.call("DescribeInstances")[0], 401)
            self.assertEqual(
                error_code(fake.call("DescribeInstances",
                                     token="other")[1]), "AuthFailure")
            fake.ok("DescribeInstances", token="tok3n")
            # A token sent but left out of the signature is refused.
            self.assertEqual(fake.call("DescribeInstances", token="tok3n",
                                       sign_token=False)[0], 403)
        finally:
            fake.stop()
        # And one sent to a server with none configured.
        self.assertError(self.fake.call("DescribeInstances", token="tok3n"),
                         401, "AuthFailure")


class SpotPriceHistoryTest(FakeTestCase):
    def setUp(self):
        super().setUp()
        self.fake.control("prices", {"prices": [
            {"instance_type": "m5.large", "zone": "us-east-1a",
             "price": "0.04", "time": "2024-05-02T07:00:00Z"},
            {"instance_type": "m5.large", "zone": "us-east-1a",
             "price": "0.042", "time": "2024-05-02T08:30:00Z"},
            {"instance_type": "m5.large", "zone": "us-east-1a",
             "price": 0.05, "time": "2024-05-02T09:30:00Z"},  # future
            {"instance_type": "m5.large", "zone": "us-east-1b",
             "price": "0.039", "time": "2024-05-02T08:00:00Z"},
            {"instance_type": "c5.xlarge", "zone": "us-east-1b",
             "price": "0.0664", "time": "2024-05-01T23:02:47Z"},
            {"instance_type": "m5.large", "zone": "us-east-1a",
             "product": "Windows", "price": "0.1",
             "time": "2024-05-02T08:45:00Z"},
        ]})

    def history(self, **params):
        root = self.fake.ok("DescribeSpotPriceHistory", params)
        return [(i.findtext("instanceType"), i.findtext("availabilityZone"),
                 i.findtext("productDescription"), i.findtext("spotPrice"),
                 i.findtext("timestamp"))
                for i in root.findall("spotPriceHistorySet/item")]

    def test_start_equal_end_gives_the_price_in_effect_per_market(self):
        got = self.history(**{"StartTime": START, "EndTime": START,
                              "ProductDescription.1": "Linux/UNIX"})
        self.assertEqual(got, [
            ("m5.large", "us-east-1a", "Linux/UNIX", "0.042000",
             "2024-05-02T08:30:00.000Z"),
            ("m5.large", "us-east-1b", "Linux/UNIX", "0.039000",
             "2024-05-02T08:00:00.000Z"),
            ("c5.xlarge", "us-east-1b", "Linux/UNIX", "0.066400",
             "2024-05-01T23:02:47.000Z"),
        ])

    def test_range_has_every_change_and_the_last_before_it_newest_first(self):
        got = self.history(**{"InstanceType.1": "m5.large",
                              "AvailabilityZone": "us-east-1a",
                              "ProductDescription.1": "Linux/UNIX",
                              "StartTime": "2024-05-02T08:00:00Z"})
        self.assertEqual([g[3] for g in got], ["0.042000", "0.040000"])
        # A change scheduled after the fake's now appears when it arrives.
        self.fake.advance(1800)
        got = self.history(**{"InstanceType.1": "m5.large",
                              "AvailabilityZone": "us-east-1a",
                              "ProductDescription.1": "Linux/UNIX",
                              "StartTime": "2024-05-02T09:15:00Z"})
        self.assertEqual([g[3] for g in got], ["0.050000", "0.042000"])

    def test_filters(self):
        got = self.history(**{"Filter.1.Name": "availability-zone",
                              "Filter.1.Value.1": "us-east-1b"})
        self.assertEqual({(g[0], g[1]) for g in got},
                         {("m5.large", "us-east-1b"),
                          ("c5.xlarge", "us-east-1b")})
        got = self.history(**{"InstanceType.1": "m5.large",
                              "ProductDescription.1": "Windows"})
        self.assertEqual([g[3] for g in got], ["0.100000"])
        got = self.history(**{"InstanceType.1": "c5.xlarge",
                              "InstanceType.2": "m5.large",
                              "Filter.1.Name": "product-description",
                              "Filter.1.Value.1": "Linux*"})
        self.assertEqual(len(got), 5)

    def test_pages_add_up_to_the_whole_listing(self):
        whole = self.history()
        self.assertEqual(len(whole), 6)
        pages, token = [], None
        while True:
            params = {"MaxResults": 4}
            if token:
                params["NextToken"] = token
            root = self.fake.ok("DescribeSpotPriceHistory", params)
            pages.append(len(root.findall("spotPriceHistorySet/item")))
            token = root.findtext("nextToken")
            if not token:
                break
        self.assertEqual(pages, [4, 2])
        # Newest first across pages too: the pages' items are the whole.
        root = self.fake.ok("DescribeSpotPriceHistory", {"MaxResults": 3})
        token = root.findtext("nextToken")
        rest = self.fake.ok("DescribeSpotPriceHistory",
                            {"MaxResults": 3, "NextToken": token})
        stamps = [i.findtext("timestamp") for r in (root, rest)
                  for i in r.findall("spotPriceHistorySet/item")]
        self.assertEqual(stamps, [w[4] for w in whole])

    def test_token_used_with_other_filters_is_refused(self):
        token = self.fake.ok("DescribeSpotPriceHistory",
                             {"MaxResults": 1}).findtext("nextToken")
        self.assertTrue(token)
        self.assertError(self.fake.call(
            "DescribeSpotPriceHistory",
            {"MaxResults": 1, "NextToken": token,
             "InstanceType.1": "c5.xlarge"}), 400, "InvalidPaginationToken")
        self.assertError(self.fake.call(
            "DescribeSpotPriceHistory", {"NextToken": "made-up"}),
            400, "InvalidPaginationToken")


class InstancesTest(FakeTestCase):
    def test_run_instances_pending_then_running_after_boot_time(self):
        root = self.fake.ok("RunInstances", run_params(
            2, **{"TagSpecification.1.ResourceType": "instance",
                  "TagSpecification.1.Tag.1.Key": "burst-pool",
                  "TagSpecification.1.Tag.1.Value": "mesos-a"}))
        items = root.findall("instancesSet/item")
        self.assertEqual(len(items), 2)
        self.assertTrue(root.findtext("reservationId").startswith("r-"))
        for i in items:
            self.assertEqual(i.findtext("instanceState/code"), "0")
            self.assertEqual(i.findtext("instanceState/name"), "pending")
            self.assertEqual(i.findtext("launchTime"),
                             "2024-05-02T09:00:00.000Z")
            self.assertIsNone(i.find("instanceLifecycle"))
            self.assertEqual(tags(i), {"burst-pool": "mesos-a"})
        self.fake.advance(59)
        states = {i.findtext("instanceState/name") for i in instances(
            self.fake.ok("DescribeInstances"))}
        self.assertEqual(states, {"pending"})
        self.fake.advance(1)
        described = instances(self.fake.ok("DescribeInstances"))
        self.assertEqual([i.findtext("instanceState/code")
                          for i in described], ["16", "16"])

    def test_boot_time_is_configurable(self):
        self.fake.control("boot_time", {"seconds": 5})
        self.fake.ok("RunInstances", run_params())
        self.fake.advance(5)
        self.assertEqual(self.fake.state()["instances"][0]["state"],
                         "running")

    def test_min_and_max_count_and_missing_parameters(self):
        message = self.assertError(
            self.fake.call("RunInstances", {"ImageId": AMI, "MaxCount": 1}),
            400, "MissingParameter")
        self.assertIn("MinCount", message)
        self.assertError(self.fake.call("RunInstances", run_params(
            MinCount=3, MaxCount=2)), 400, "InvalidParameterValue")
        self.assertError(self.fake.call("RunInstances", run_params(
            **{"SecurityGroupIds.1": "sg-12345678"})), 400,
            "UnknownParameter")
        self.assertError(self.fake.call("DescribeEverything"), 400,
                         "InvalidAction")
        self.assertEqual(self.fake.state()["instances"], [])

    def test_dry_run_launches_nothing(self):
        self.assertError(self.fake.call("RunInstances", run_params(
            DryRun="true")), 412, "DryRunOperation")
        self.assertEqual(self.fake.state()["instances"], [])

    def test_describe_filters(self):
        self.fake.ok("RunInstances", run_params(2, **{
            "TagSpecification.1.ResourceType": "instance",
            "TagSpecification.1.Tag.1.Key": "burst-pool",
            "TagSpecification.1.Tag.1.Value": "mesos-a"}))
        self.fake.ok("RunInstances", run_params(
            1, InstanceType="c5.xlarge",
            **{"Placement.AvailabilityZone": "us-east-1b"}))
        spot = self.fake.ok("RunInstances", run_params(
            1, **{"InstanceMarketOptions.MarketType": "spot"}))
        spot_id = spot.findtext("instancesSet/item/instanceId")

        def find(*filters):
            params = {}
            for n, (name, values) in enumerate(filters, 1):
                params[f"Filter.{n}.Name"] = name
                for m, v in enumerate(values, 1):
                    params[f"Filter.{n}.Value.{m}"] = v
            return ids(instances(self.fake.ok("DescribeInstances", params)))

        self.assertEqual(len(find(("tag:burst-pool", ["mesos-a"]))), 2)
        self.assertEqual(len(find(("tag-key", ["burst-*"]))), 2)
        self.assertEqual(find(("instance-lifecycle", ["spot"])), [spot_id])
        self.assertEqual(len(find(("instance-type", ["c5.xlarge"]))), 1)
        self.assertEqual(len(find(("availability-zone", ["us-east-1a"]))), 3)
        self.assertEqual(len(find(("instance-state-name",
                                   ["pending", "running"]))), 4)
        # Filters AND, values OR.
        self.assertEqual(find(("instance-type", ["m5.large"]),
                              ("instance-lifecycle", ["spot"])), [spot_id])
        self.assertError(self.fake.call("DescribeInstances", {
            "Filter.1.Name": "colour", "Filter.1.Value.1": "red"}),
            400, "InvalidParameterValue")

    def test_describe_pages_and_ids(self):
        launched = ids(self.fake.ok("RunInstances", run_params(7)).findall(
            "instancesSet/item"))
        seen, token = [], None
        while True:
            params = {"MaxResults": 5}
            if token:
                params["NextToken"] = token
            root = self.fake.ok("DescribeInstances", params)
            seen += ids(instances(root))
            token = root.findtext("nextToken")
            if not token:
                break
        self.assertEqual(seen, launched)
        got = ids(instances(self.fake.ok("DescribeInstances", {
            "InstanceId.1": launched[3], "InstanceId.2": launched[0]})))
        self.assertEqual(sorted(got), sorted([launched[0], launched[3]]))
        self.assertError(self.fake.call("DescribeInstances", {
            "InstanceId.1": launched[0], "MaxResults": 5}), 400,
            "InvalidParameterCombination")

    def test_terminate_then_listed_as_terminated_for_an_hour(self):
        iid = self.fake.ok("RunInstances", run_params()).findtext(
            "instancesSet/item/instanceId")
        self.fake.advance(60)
        root = self.fake.ok("TerminateInstances", {"InstanceId.1": iid})
        item = root.find("instancesSet/item")
        self.assertEqual(item.findtext("previousState/name"), "running")
        self.assertEqual(item.findtext("currentState/code"), "32")
        self.assertIsNone(self.fake.state()["instances"][0]["ended_at"])
        self.fake.advance(1)
        state = self.fake.state()
        self.assertEqual(state["instances"][0]["state"], "terminated")
        # Ended (and billed until) on EC2's clock: when it became terminated.
        self.assertEqual(state["instances"][0]["ended_at"], state["now"])
        # Terminating it again succeeds.
        again = self.fake.ok("TerminateInstances", {"InstanceId.1": iid})
        self.assertEqual(again.findtext("instancesSet/item/currentState/name"),
                         "terminated")
        self.fake.advance(3599)
        self.assertEqual(ids(instances(self.fake.ok(
            "DescribeInstances", {"Filter.1.Name": "instance-state-name",
                                  "Filter.1.Value.1": "terminated"}))), [iid])
        self.fake.advance(1)
        self.assertError(self.fake.call("DescribeInstances",
                                        {"InstanceId.1": iid}),
                         400, "InvalidInstanceID.NotFound")

    def test_call_log_names_the_instances_and_the_hosts_monotonic_time(self):
        before = time.monotonic_ns()
        iid = self.fake.ok("RunInstances", run_params()).findtext(
            "instancesSet/item/instanceId")
        self.fake.ok("TerminateInstances", {"InstanceId.1": iid})
        after = time.monotonic_ns()
        calls = self.fake.state()["calls"]
        self.assertEqual([(c["action"], c.get("instance_ids")) for c in calls],
                         [("RunInstances", None),
                          ("TerminateInstances", [iid])])
        # One clock for every process on the host: another fake's calls and
        # these can be put in one order.
        stamps = [c["monotonic_ns"] for c in calls]
        self.assertTrue(before <= stamps[0] <= stamps[1] <= after, stamps)

    def test_terminate_with_an_unknown_id_terminates_nothing(self):
        iid = self.fake.ok("RunInstances", run_params()).findtext(
            "instancesSet/item/instanceId")
        message = self.assertError(self.fake.call("TerminateInstances", {
            "InstanceId.1": iid, "InstanceId.2": "i-0123456789abcdef0"}),
            400, "InvalidInstanceID.NotFound")
        self.assertIn("i-0123456789abcdef0", message)
        self.assertEqual(self.fake.state()["instances"][0]["state"],
                         "pending")
        self.assertError(self.fake.call("TerminateInstances",
                                        {"InstanceId.1": "bogus"}),
                         400, "InvalidInstanceID.Malformed")

    def test_create_tags_makes_an_instance_findable(self):
        iid = self.fake.ok("RunInstances", run_params()).findtext(
            "instancesSet/item/instanceId")
        root = self.fake.ok("CreateTags", {
            "ResourceId.1": iid, "Tag.1.Key": "burst-pool",
            "Tag.1.Value": "mesos-b"})
        self.assertEqual(root.findtext("return"), "true")
        self.assertEqual(ids(instances(self.fake.ok("DescribeInstances", {
            "Filter.1.Name": "tag:burst-pool",
            "Filter.1.Value.1": "mesos-b"}))), [iid])
        self.assertError(self.fake.call("CreateTags", {
            "ResourceId.1": iid, "Tag.1.Key": "aws:reserved",
            "Tag.1.Value": "x"}), 400, "InvalidParameterValue")


class SpotTest(FakeTestCase):
    def describe(self, **params):
        return self.fake.ok("DescribeSpotInstanceRequests",
                            params).findall("spotInstanceRequestSet/item")

    def test_run_instances_spot(self):
        root = self.fake.ok("RunInstances", run_params(
            1, **{"InstanceMarketOptions.MarketType": "spot",
                  "InstanceMarketOptions.SpotOptions.MaxPrice": "0.05"}))
        item = root.find("instancesSet/item")
        self.assertEqual(item.findtext("instanceLifecycle"), "spot")
        sir = item.findtext("spotInstanceRequestId")
        request = self.describe(**{"SpotInstanceRequestId.1": sir})[0]
        self.assertEqual((request.findtext("state"),
                          request.findtext("status/code"),
                          request.findtext("instanceId"),
                          request.findtext("spotPrice")),
                         ("active", "fulfilled", item.findtext("instanceId"),
                          "0.050000"))
        self.assertError(self.fake.call("RunInstances", run_params(
            1, **{"InstanceMarketOptions.MarketType": "spot",
                  "InstanceMarketOptions.SpotOptions.MaxPrice": "0.03"})),
            400, "SpotMaxPriceTooLow")

    def test_request_is_fulfilled_when_the_clock_moves(self):
        items = self.fake.ok("RequestSpotInstances", spot_params(2)).findall(
            "spotInstanceRequestSet/item")
        self.assertEqual(len(items), 2)
        for r in items:
            self.assertEqual((r.findtext("state"), r.findtext("status/code")),
                             ("open", "pending-evaluation"))
            # No SpotPrice: the on-demand price of m5.large.
            self.assertEqual(r.findtext("spotPrice"), "0.096000")
            self.assertIsNone(r.find("instanceId"))
        self.fake.advance(10)
        requests = self.describe()
        self.assertEqual({(r.findtext("state"), r.findtext("status/code"))
                          for r in requests}, {("active", "fulfilled")})
        launched = [r.findtext("instanceId") for r in requests]
        # The instances carry the request's tags.
        found = instances(self.fake.ok("DescribeInstances", {
            "Filter.1.Name": "tag:burst-pool", "Filter.1.Value.1": "mesos-a"}))
        self.assertEqual(sorted(ids(found)), sorted(launched))
        for i in found:
            self.assertEqual(i.findtext("instanceLifecycle"), "spot")
            self.assertEqual(i.findtext("launchTime"),
                             "2024-05-02T09:00:10.000Z")
        self.assertEqual(len(self.describe(**{
            "Filter.1.Name": "tag:burst-pool",
            "Filter.1.Value.1": "mesos-a",
            "Filter.2.Name": "state", "Filter.2.Value.1": "active"})), 2)

    def test_describe_requests_in_pages(self):
        made = ids(self.fake.ok("RequestSpotInstances", spot_params(
            7)).findall("spotInstanceRequestSet/item"),
            "spotInstanceRequestId")
        first = self.fake.ok("DescribeSpotInstanceRequests",
                             {"MaxResults": 5})
        token = first.findtext("nextToken")
        rest = self.fake.ok("DescribeSpotInstanceRequests",
                            {"MaxResults": 5, "NextToken": token})
        self.assertEqual(rest.findtext("nextToken"), "")
        self.assertEqual(
            [i for r in (first, rest) for i in ids(
                r.findall("spotInstanceRequestSet/item"),
                "spotInstanceRequestId")], made)
        self.assertError(self.fake.call("DescribeSpotInstanceRequests", {
            "MaxResults": 5, "NextToken": token, "Filter.1.Name": "state",
            "Filter.1.Value.1": "open"}), 400, "InvalidPaginationToken")

    def test_a_zero_clock_move_evaluates_requests_at_the_same_time(self):
        self.fake.ok("RequestSpotInstances", spot_params())
        self.fake.advance(0)
        request = self.describe()[0]
        self.assertEqual(request.findtext("status/code"), "fulfilled")
        self.assertEqual(self.fake.state()["instances"][0]["launch_time"],
                         "2024-05-02T09:00:00.000Z")

    def test_price_too_low_and_no_capacity_stay_open(self):
        low = self.fake.ok("RequestSpotInstances", spot_params(
            SpotPrice="0.03")).findtext(
            "spotInstanceRequestSet/item/spotInstanceRequestId")
        self.fake.control("capacity", {
            "instance_type": "m5.large", "zone": "us-east-1b",
            "lifecycle": "spot", "available": False})
        self.fake.control("prices", {"prices": [{
            "instance_type": "m5.large", "zone": "us-east-1b",
            "price": "0.03"}]})
        full = self.fake.ok("RequestSpotInstances", spot_params(**{
            "LaunchSpecification.Placement.AvailabilityZone": "us-east-1b"})
        ).findtext("spotInstanceRequestSet/item/spotInstanceRequestId")
        self.fake.advance(300)
        status = {r.findtext("spotInstanceRequestId"):
                  (r.findtext("state"), r.findtext("status/code"))
                  for r in self.describe()}
        self.assertEqual(status, {low: ("open", "price-too-low"),
                                  full: ("open", "capacity-not-available")})
        self.assertEqual(self.fake.state()["instances"], [])
        # Capacity back: fulfilled at the next move of the clock.
        self.fake.control("capacity", {
            "instance_type": "m5.large", "zone": "us-east-1b",
            "lifecycle": "spot", "available": True})
        self.fake.advance(1)
        request = self.describe(**{"SpotInstanceRequestId.1": full})[0]
        self.assertEqual(request.findtext("status/code"), "fulfilled")
        self.assertEqual(request.findtext("launchedAvailabilityZone"),
                         "us-east-1b")

    def test_cancel_open_and_active_requests(self):
        made = [r.findtext("spotInstanceRequestId") for r in self.fake.ok(
            "RequestSpotInstances", spot_params()).findall(
            "spotInstanceRequestSet/item")]
        self.fake.advance(1)
        made.append(self.fake.ok("RequestSpotInstances", spot_params(
            SpotPrice="0.01")).findtext(
            "spotInstanceRequestSet/item/spotInstanceRequestId"))
        root = self.fake.ok("CancelSpotInstanceRequests", {
            "SpotInstanceRequestId.1": made[0],
            "SpotInstanceRequestId.2": made[1]})
        self.assertEqual([i.findtext("state") for i in root.findall(
            "spotInstanceRequestSet/item")], ["cancelled", "cancelled"])
        status = {r.findtext("spotInstanceRequestId"): r.findtext(
            "status/code") for r in self.describe()}
        self.assertEqual(status, {
            made[0]: "request-canceled-and-instance-running",
            made[1]: "canceled-before-fulfillment"})
        # Cancelling does not end the instance.
        self.assertEqual(self.fake.state()["instances"][0]["state"],
                         "pending")
        self.assertError(self.fake.call("CancelSpotInstanceRequests", {
            "SpotInstanceRequestId.1": "sir-zzzzzzzz"}), 400,
            "InvalidSpotInstanceRequestID.NotFound")

    def test_interruption(self):
        iid = self.fake.ok("RunInstances", run_params(1, **{
            "InstanceMarketOptions.MarketType": "spot"})).findtext(
            "instancesSet/item/instanceId")
        self.fake.advance(60)
        self.fake.control("interrupt", {"instance_id": iid,
                                        "action": "terminate"})
        request = self.describe()[0]
        self.assertEqual((request.findtext("state"),
                          request.findtext("status/code")),
                         ("active", "marked-for-termination"))
        self.fake.advance(119)
        self.assertEqual(self.fake.state()["instances"][0]["state"],
                         "running")
        self.fake.advance(1)
        instance = instances(self.fake.ok("DescribeInstances"))[0]
        self.assertEqual(instance.findtext("instanceState/name"),
                         "terminated")
        self.assertEqual(instance.findtext("stateReason/code"),
                         "Server.SpotInstanceTermination")
        request = self.describe()[0]
        self.assertEqual((request.findtext("state"),
                          request.findtext("status/code")),
                         ("closed", "instance-terminated-no-capacity"))


class FaultsTest(FakeTestCase):
    def test_no_capacity_is_insufficient_instance_capacity(self):
        self.fake.control("capacity", {
            "instance_type": "m5.large", "zone": "us-east-1a",
            "lifecycle": "on-demand", "available": False})
        message = self.assertError(self.fake.call("RunInstances",
                                                  run_params()),
                                   500, "InsufficientInstanceCapacity")
        self.assertIn("m5.large", message)
        self.assertIn("us-east-1a", message)
        # Spot capacity in the same market is another matter.
        self.fake.ok("RunInstances", run_params(**{
            "InstanceMarketOptions.MarketType": "spot"}))

    def test_quotas(self):
        self.fake.control("quota", {"lifecycle": "on-demand",
                                    "max_instances": 3})
        self.fake.control("quota", {"lifecycle": "spot", "max_instances": 1})
        # MinCount 1, MaxCount 5: as many as the quota has room for.
        self.assertEqual(len(self.fake.ok("RunInstances", run_params(
            MinCount=1, MaxCount=5)).findall("instancesSet/item")), 3)
        self.assertError(self.fake.call("RunInstances", run_params()),
                         400, "InstanceLimitExceeded")
        self.fake.ok("RequestSpotInstances", spot_params())
        self.assertError(self.fake.call("RequestSpotInstances",
                                        spot_params()),
                         400, "MaxSpotInstanceCountExceeded")
        self.assertError(self.fake.call("RunInstances", run_params(**{
            "InstanceMarketOptions.MarketType": "spot"})), 400,
            "MaxSpotInstanceCountExceeded")

    def test_throttling_and_server_errors_for_the_next_calls(self):
        self.fake.control("throttle", {"next_calls": 2})
        for _ in range(2):
            self.assertError(self.fake.call("DescribeInstances"), 503,
                             "RequestLimitExceeded")
        self.fake.ok("DescribeInstances")
        self.fake.control("server_errors", {"next_calls": 1,
                                            "action": "RunInstances"})
        self.fake.ok("DescribeInstances")  # another action: untouched
        self.assertError(self.fake.call("RunInstances", run_params()), 500,
                         "InternalError")
        self.assertEqual(self.fake.state()["instances"], [])
        self.fake.ok("RunInstances", run_params())
        self.assertEqual([(c["action"], c["status"])
                          for c in self.fake.state()["calls"]],
                         [("DescribeInstances", 503)] * 2 +
                         [("DescribeInstances", 200)] * 2 +
                         [("RunInstances", 500), ("RunInstances", 200)])

    def test_dropped_reply_is_applied_once_with_its_token(self):
        self.fake.control("drop_reply", {"next_calls": 1,
                                         "action": "RunInstances"})
        params = run_params(2, ClientToken="burst-0917-a")
        body = form("RunInstances", params)
        with self.assertRaises(http.client.RemoteDisconnected):
            self.fake.send("POST", "/", body, self.fake.signed_headers(body))
        launched = [i["id"] for i in self.fake.state()["instances"]]
        self.assertEqual(len(launched), 2)
        # The client's retry with the same token gets the same instances.
        root = self.fake.ok("RunInstances", params)
        self.assertEqual(ids(root.findall("instancesSet/item")), launched)
        self.assertEqual(len(self.fake.state()["instances"]), 2)
        calls = self.fake.state()["calls"]
        self.assertEqual([(c["client_token"], c["status"], c.get("dropped"))
                          for c in calls],
                         [("burst-0917-a", 200, True),
                          ("burst-0917-a", 200, None)])

    def test_held_reply_is_applied_and_answered_on_release(self):
        self.fake.control("hold_reply", {"next_calls": 1,
                                         "action": "RunInstances"})
        body = form("RunInstances", run_params(1, ClientToken="held-1"))
        answered = []
        sender = threading.Thread(target=lambda: answered.append(
            self.fake.send("POST", "/", body, self.fake.signed_headers(body))))
        sender.start()
        # Applied and logged while the reply waits; other calls go on.
        deadline = time.monotonic() + 30
        while not any(c.get("held") for c in self.fake.state()["calls"]):
            self.assertLess(time.monotonic(), deadline)
        self.assertEqual(len(self.fake.state()["instances"]), 1)
        self.fake.ok("DescribeInstances")
        self.assertEqual(answered, [])
        self.fake.control("release")
        sender.join(30)
        self.assertEqual(answered[0][0], 200)

    def test_failed_calls_are_answered_while_a_drop_waits(self):
        self.fake.control("drop_reply", {"next_calls": 1})
        self.assertError(self.fake.call("RunInstances", {"ImageId": AMI}),
                         400, "MissingParameter")
        body = form("DescribeInstances", {})
        with self.assertRaises(http.client.RemoteDisconnected):
            self.fake.send("POST", "/", body, self.fake.signed_headers(body))
        self.fake.ok("DescribeInstances")

    def test_client_token_with_other_parameters_is_a_mismatch(self):
        first = self.fake.ok("RequestSpotInstances", spot_params(
            ClientToken="t-1"))
        again = self.fake.ok("RequestSpotInstances", spot_params(
            ClientToken="t-1"))
        self.assertEqual(
            ids(first.findall("spotInstanceRequestSet/item"),
                "spotInstanceRequestId"),
            ids(again.findall("spotInstanceRequestSet/item"),
                "spotInstanceRequestId"))
        self.assertEqual(len(self.fake.state()["spot_requests"]), 1)
        self.assertError(self.fake.call("RequestSpotInstances", spot_params(
            2, ClientToken="t-1")), 400, "IdempotentParameterMismatch")
        self.fake.ok("RunInstances", run_params(ClientToken="t-2"))
        self.assertError(self.fake.call("RunInstances", run_params(
            InstanceType="c5.xlarge", ClientToken="t-2")), 400,
            "IdempotentParameterMismatch")
        self.assertEqual(len(self.fake.state()["instances"]), 1)


class ControlTest(FakeTestCase):
    def test_bad_control_input_names_the_field_and_changes_nothing(self):
        answer = self.fake.control("prices", {"prices": [
            {"instance_type": "m5.large", "zone": "us-east-1a",
             "price": "0.05"},
            {"instance_type": "m5.large", "zone": "us-east-1a",
             "price": "cheap"}]}, expect=400)
        self.assertIn("prices[1].price", answer["error"])
        root = self.fake.ok("DescribeSpotPriceHistory")
        self.assertEqual([i.findtext("spotPrice") for i in root.findall(
            "spotPriceHistorySet/item")], ["0.038100"])
        self.assertIn("advance_s", self.fake.control(
            "clock", {"advance_s": "soon"}, expect=400)["error"])
        self.fake.control("clock", {"advance_s": -1}, expect=400)
        self.fake.control("no_such_command", {}, expect=404)
        self.assertEqual(self.fake.state()["now"], "2024-05-02T09:00:00.000Z")

    def test_clock_set_to_a_time(self):
        self.fake.control("clock", {"now": "2024-05-02T10:00:00Z"})
        self.assertEqual(self.fake.state()["now"], "2024-05-02T10:00:00.000Z")

    def test_server_exits_when_stdin_closes(self):
        fake = Fake()
        fake.stop()  # closes stdin and waits, with a timeout
        self.assertEqual(fake.process.returncode, 0)

    def test_server_exits_on_sigterm(self):
        fake = Fake()
        try:
            fake.process.send_signal(signal.SIGTERM)
            self.assertEqual(fake.process.wait(timeout=10), 0)
        finally:
            fake.stop()


if __name__ == "__main__":
    unittest.main()
