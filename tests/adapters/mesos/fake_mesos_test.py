#!/usr/bin/python3
"""fake_mesos.py: the Mesos + Marathon test endpoint keeps to the wire
formats of Mesos masters and Marathon, and keeps its state the way the
Mesos adapter's tests rely on. Standard library only."""

import base64
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import unittest

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "fake_mesos.py")
MASTER_ID = "5c3bd2a2-0a0e-4c33-9b8e-0d6a6f2b8e10"

PRIVATE = {"hostname": "10.20.1.17", "attributes": {"cloud_type": "private",
                                                    "rack": 12},
           "resources": {"cpus": 16, "mem": 61952, "disk": 460800,
                         "ports": "[31000-32000]"},
           "used": {"cpus": 14.5, "mem": 49152, "disk": 20480}}
BURST = {"hostname": "10.30.0.5", "attributes": {"cloud_type": "burst",
                                                 "instance_id": "i-0abc"},
         "resources": {"cpus": 2, "mem": 3840, "disk": 10000},
         "used": {"cpus": 1, "mem": 1024},
         "region": "us-east-1", "zone": "us-east-1a"}
QUEUE = [{
    "app": {"id": "/etl/worker", "instances": 40, "cpus": 2.0, "mem": 4096.0,
            "disk": 0.0, "gpus": 0, "constraints": [["hostname", "UNIQUE"]]},
    "count": 12, "role": "*",
    "delay": {"timeLeftSeconds": 0, "overdue": True},
    "since": "2024-05-02T09:14:03.120Z",
    "processedOffersSummary": {
        "processedOffersCount": 84, "unusedOffersCount": 84,
        "rejectSummaryLastOffers": [
            {"reason": "InsufficientCpus", "declined": 5, "processed": 6}]}}]


class Fake:
    """One fake_mesos.py process and a plain HTTP client."""

    def __init__(self, *extra):
        self.process = subprocess.Popen(
            ["/usr/bin/python3", SERVER, *extra], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("fake-mesos ready "):
            self.stop()
            raise RuntimeError(f"fake_mesos.py printed {line!r}")
        words = dict(w.split("=", 1) for w in line.split()[2:])
        self.masters = [int(p) for p in words["masters"].split(",")]
        self.marathon = int(words["marathon"])

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()

    def send(self, port, method, path, body=None, headers=None):
        """(status, headers as a dict, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            data = body if isinstance(body, (bytes, type(None))) \
                else json.dumps(body).encode()
            conn.request(method, path, data, dict(headers or {}))
            response = conn.getresponse()
            return (response.status, dict(response.getheaders()),
                    response.read())
        finally:
            conn.close()

    def get_json(self, port, path, headers=None):
        status, _, data = self.send(port, "GET", path, headers=headers)
        assert status == 200, (path, status, data)
        return json.loads(data)

    def call(self, port, call, content_type="application/json"):
        return self.send(port, "POST", "/api/v1", call,
                         {"Content-Type": content_type,
                          "Accept": "application/json"})

    def control(self, command, body=None, expect=200):
        status, _, data = self.send(self.masters[0], "POST",
                                    "/_control/" + command, body or {})
        answer = json.loads(data)
        if status != expect:
            raise AssertionError(f"{command}: {status} {answer}")
        return answer

    def state(self):
        return self.get_json(self.masters[0], "/_state")


FAKE = None


def setUpModule():
    global FAKE
    FAKE = Fake()


def tearDownModule():
    FAKE.stop()


class FakeMesosTest(unittest.TestCase):
    def setUp(self):
        self.fake = FAKE
        self.fake.control("reset")
        self.ids = self.fake.control(
            "agents", {"agents": [PRIVATE, BURST]})["ids"]
        self.leader = self.fake.masters[0]
        self.other = self.fake.masters[1]

    def test_ready_line_names_every_port(self):
        self.assertEqual(len(self.fake.masters), 3)
        self.assertEqual(len(set(self.fake.masters + [self.fake.marathon])), 4)

    def test_leader_snapshot_sums_registered_agents(self):
        metrics = self.fake.get_json(self.leader, "/metrics/snapshot")
        self.assertEqual(metrics["master/elected"], 1.0)
        self.assertEqual(metrics["master/cpus_total"], 18.0)
        self.assertEqual(metrics["master/cpus_used"], 15.5)
        self.assertAlmostEqual(metrics["master/cpus_percent"], 15.5 / 18)
        self.assertEqual(metrics["master/mem_total"], 65792.0)
        self.assertEqual(metrics["master/disk_used"], 20480.0)
        self.assertEqual(metrics["master/gpus_percent"], 0.0)
        self.assertEqual(metrics["master/slaves_active"], 2.0)
        self.assertEqual(metrics["master/slaves_inactive"], 0.0)
        for value in metrics.values():
            self.assertIsInstance(value, float)

    def test_non_leader_snapshot_is_not_redirected_and_reports_zero(self):
        status, _, data = self.fake.send(self.other, "GET",
                                         "/metrics/snapshot?timeout=5secs")
        self.assertEqual(status, 200)
        metrics = json.loads(data)
        self.assertEqual(metrics["master/elected"], 0.0)
        self.assertEqual(metrics["master/cpus_total"], 0.0)
        self.assertEqual(metrics["master/mem_used"], 0.0)
        status, _, _ = self.fake.send(self.other, "GET",
                                      "/metrics/snapshot?timeout=soon")
        self.assertEqual(status, 400)

    def test_redirect_points_at_the_leader_without_a_scheme(self):
        for port in self.fake.masters:
            for path in ("/master/redirect", "/redirect"):
                status, headers, _ = self.fake.send(port, "GET", path)
                self.assertEqual(status, 307)
                self.assertEqual(headers["Location"], f"//127.0.0.1:{self.leader}")
        status, _, _ = self.fake.send(self.other, "GET", "/master/redirect/x")
        self.assertEqual(status, 404)
        self.fake.control("leader", {"master": 2})
        _, headers, _ = self.fake.send(self.leader, "GET", "/master/redirect")
        self.assertEqual(headers["Location"],
                         f"//127.0.0.1:{self.fake.masters[2]}")
        self.fake.control("leader", {"master": None})
        status, _, data = self.fake.send(self.leader, "GET",
                                         "/master/redirect")
        self.assertEqual((status, data), (503, b"No leader elected"))

    def test_slaves_shape(self):
        body = self.fake.get_json(self.leader, "/master/slaves")
        self.assertEqual(body["recovered_slaves"], [])
        private, burst = body["slaves"]
        self.assertEqual(private["id"], f"{MASTER_ID}-S0")
        self.assertEqual(private["attributes"],
                         {"cloud_type": "private", "rack": 12})
        self.assertEqual(private["pid"], "slave(1)@10.20.1.17:5051")
        self.assertEqual(private["resources"],
                         {"cpus": 16.0, "gpus": 0.0, "mem": 61952.0,
                          "disk": 460800.0, "ports": "[31000-32000]"})
        self.assertEqual(private["used_resources"],
                         {"cpus": 14.5, "gpus": 0.0, "mem": 49152.0,
                          "disk": 20480.0})
        self.assertEqual(private["offered_resources"],
                         {"cpus": 0.0, "gpus": 0.0, "mem": 0.0, "disk": 0.0})
        self.assertTrue(private["active"])
        self.assertFalse(private["deactivated"])
        self.assertEqual(private["version"], "1.11.0")
        self.assertNotIn("drain_info", private)
        self.assertNotIn("domain", private)
        self.assertIn({"name": "ports", "type": "RANGES", "ranges": {
            "range": [{"begin": 31000, "end": 32000}]}},
            private["unreserved_resources_full"])
        self.assertIn({"name": "cpus", "type": "SCALAR",
                       "scalar": {"value": 14.5}},
                      private["used_resources_full"])
        self.assertEqual(burst["domain"], {"fault_domain": {
            "region": {"name": "us-east-1"}, "zone": {"name": "us-east-1a"}}})
        self.assertIsInstance(burst["registered_time"], float)

    def test_state_lists_agents_without_the_full_resources(self):
        body = self.fake.get_json(self.leader, "/master/state")
        self.assertEqual(body["version"], "1.11.0")
        self.assertEqual(body["leader"], f"master@127.0.0.1:{self.leader}")
        self.assertEqual(body["leader_info"]["port"], self.leader)
        self.assertEqual(body["activated_slaves"], 2.0)
        self.assertEqual(len(body["slaves"]), 2)
        self.assertNotIn("used_resources_full", body["slaves"][0])
        self.assertEqual(self.fake.get_json(self.leader, "/state")["id"],
                         MASTER_ID)

    def test_leader_only_endpoints_redirect_with_the_path(self):
        for path in ("/master/slaves", "/master/state?x=1", "/slaves"):
            status, headers, _ = self.fake.send(self.other, "GET", path)
            self.assertEqual(status, 307)
            self.assertEqual(headers["Location"],
                             f"//127.0.0.1:{self.leader}{path}")
        status, headers, _ = self.fake.call(self.other, {"type": "GET_AGENTS"})
        self.assertEqual(status, 307)
        self.assertEqual(headers["Location"],
                         f"//127.0.0.1:{self.leader}/api/v1")
        self.fake.control("leader", {"master": None})
        for port in self.fake.masters:
            status, _, _ = self.fake.send(port, "GET", "/master/slaves")
            self.assertEqual(status, 503)

    def test_get_agents(self):
        status, headers, data = self.fake.call(self.leader,
                                               {"type": "GET_AGENTS"})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        body = json.loads(data)
        self.assertEqual(body["type"], "GET_AGENTS")
        agents = body["get_agents"]["agents"]
        self.assertEqual(body["get_agents"]["recovered_agents"], [])
        info = agents[1]["agent_info"]
        self.assertEqual(info["id"], {"value": self.ids[1]})
        self.assertIn({"name": "cloud_type", "type": "TEXT",
                       "text": {"value": "burst"}}, info["attributes"])
        self.assertIn({"name": "rack", "type": "SCALAR",
                       "scalar": {"value": 12.0}},
                      agents[0]["agent_info"]["attributes"])
        self.assertIn({"name": "mem", "type": "SCALAR",
                       "scalar": {"value": 1024.0}},
                      agents[1]["allocated_resources"])
        self.assertFalse(agents[1]["deactivated"])
        self.assertIsInstance(agents[1]["registered_time"]["nanoseconds"], int)

    def test_api_refuses_other_methods_and_types(self):
        status, _, _ = self.fake.send(self.leader, "GET", "/api/v1")
        self.assertEqual(status, 405)
        status, _, _ = self.fake.call(self.leader, {"type": "GET_AGENTS"},
                                      "text/plain")
        self.assertEqual(status, 415)
        status, _, data = self.fake.call(self.leader, {"type": "NO_SUCH"})
        self.assertEqual(status, 400)
        self.assertIn(b"NO_SUCH", data)
        status, _, data = self.fake.call(self.leader, b"{")
        self.assertEqual(status, 400)

    def drain(self, agent_id, grace_ns=None):
        args = {"agent_id": {"value": agent_id}}
        if grace_ns is not None:
            args["max_grace_period"] = {"nanoseconds": grace_ns}
        return self.fake.call(self.leader, {"type": "DRAIN_AGENT",
                                            "drain_agent": args})

    def slave(self, index):
        return self.fake.get_json(self.leader, "/master/slaves")["slaves"][index]

    def test_drain_then_finish(self):
        status, _, data = self.drain(self.ids[1], 60_000_000_000)
        self.assertEqual((status, data), (200, b""))
        burst = self.slave(1)
        self.assertTrue(burst["deactivated"])
        self.assertFalse(burst["active"])
        self.assertEqual(burst["drain_info"], {
            "state": "DRAINING",
            "config": {"max_grace_period": {"nanoseconds": 60_000_000_000},
                       "mark_gone": False}})
        self.assertIn("estimated_drain_start_time_seconds", burst)
        metrics = self.fake.get_json(self.leader, "/metrics/snapshot")
        self.assertEqual(metrics["master/slaves_inactive"], 1.0)
        self.fake.control("finish_drain", {"id": self.ids[1]})
        self.assertEqual(self.slave(1)["drain_info"]["state"], "DRAINED")
        # REACTIVATE_AGENT ends it.
        status, _, _ = self.fake.call(self.leader, {
            "type": "REACTIVATE_AGENT",
            "reactivate_agent": {"agent_id": {"value": self.ids[1]}}})
        self.assertEqual(status, 200)
        self.assertFalse(self.slave(1)["deactivated"])
        self.assertNotIn("drain_info", self.slave(1))

    def test_a_held_drain_is_applied_and_answered_on_release(self):
        self.fake.control("fault", {"server": "master", "path": "/api/v1",
                                    "mode": "hold"})
        answered = []
        sender = threading.Thread(target=lambda: answered.append(
            self.drain(self.ids[1])))
        sender.start()
        deadline = time.monotonic() + 30
        while not any(c.get("held") for c in self.fake.state()["calls"]):
            self.assertLess(time.monotonic(), deadline)
        # Applied while the reply waits; other requests are answered.
        self.assertEqual(self.slave(1)["drain_info"]["state"], "DRAINING")
        self.assertEqual(answered, [])
        self.fake.control("release")
        sender.join(30)
        self.assertEqual(answered[0][0], 200)

    def test_an_idle_draining_agent_is_drained(self):
        self.drain(self.ids[1])
        self.assertEqual(self.slave(1)["drain_info"]["state"], "DRAINING")
        self.fake.control("used", {"id": self.ids[1], "used": {}})
        self.assertEqual(self.slave(1)["drain_info"]["state"], "DRAINED")
        # Already idle: drained at once.
        self.fake.control("used", {"id": self.ids[0], "used": {}})
        self.drain(self.ids[0])
        self.assertEqual(self.slave(0)["drain_info"],
                         {"state": "DRAINED", "config": {"mark_gone": False}})

    def test_deactivate_only_deactivates(self):
        status, _, _ = self.fake.call(self.leader, {
            "type": "DEACTIVATE_AGENT",
            "deactivate_agent": {"agent_id": {"value": self.ids[0]}}})
        self.assertEqual(status, 200)
        private = self.slave(0)
        self.assertTrue(private["deactivated"])
        self.assertNotIn("drain_info", private)

    def test_unknown_agent_and_missing_arguments(self):
        status, _, data = self.drain("no-such-agent")
        self.assertEqual(status, 400)
        self.assertEqual(data, b"Unknown agent no-such-agent")
        status, _, _ = self.fake.call(self.leader, {"type": "DRAIN_AGENT"})
        self.assertEqual(status, 400)
        status, _, _ = self.drain(self.ids[0], -1)
        self.assertEqual(status, 400)
        self.assertFalse(self.slave(0)["deactivated"])

    def test_old_master(self):
        self.fake.control("version", {"version": "0.28.2"})
        private = self.slave(0)
        self.assertEqual(private["version"], "0.28.2")
        for key in ("used_resources", "deactivated", "drain_info",
                    "used_resources_full"):
            self.assertNotIn(key, private)
        status, _, data = self.drain(self.ids[1])
        self.assertEqual(status, 400)
        self.assertIn(b"DRAIN_AGENT", data)
        self.assertEqual(self.fake.get_json(self.leader,
                                            "/master/state")["version"],
                         "0.28.2")
        self.assertEqual(self.fake.state()["agents"][1]["drain"], None)
        self.fake.control("version", {"version": "2.0"}, expect=400)

    def test_marathon_queue_and_leader(self):
        self.fake.control("queue", {"queue": QUEUE})
        self.assertEqual(self.fake.get_json(self.fake.marathon,
                                            "/v2/queue?embed=lastUnusedOffers"),
                         {"queue": QUEUE})
        self.assertEqual(self.fake.get_json(self.fake.marathon, "/v2/leader"),
                         {"leader": f"127.0.0.1:{self.fake.marathon}"})
        self.fake.control("leader", {"marathon": False})
        status, _, data = self.fake.send(self.fake.marathon, "GET",
                                         "/v2/leader")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(data), {"message": "There is no leader"})

    def test_faults_answer_once(self):
        self.fake.control("queue", {"queue": QUEUE})
        whole = self.fake.send(self.fake.marathon, "GET", "/v2/queue")[2]
        self.fake.control("fault", {"server": "marathon", "path": "/v2/queue",
                                    "mode": "truncate"})
        status, _, data = self.fake.send(self.fake.marathon, "GET",
                                         "/v2/queue")
        self.assertEqual(status, 200)
        self.assertEqual(data, whole[:len(whole) // 2])
        self.assertEqual(self.fake.send(self.fake.marathon, "GET",
                                        "/v2/queue")[2], whole)
        self.fake.control("fault", {"server": "master",
                                    "path": "/metrics/snapshot",
                                    "mode": "garble"})
        data = self.fake.send(self.other, "GET", "/metrics/snapshot")[2]
        with self.assertRaises(ValueError):
            json.loads(data)
        self.fake.control("fault", {"server": "master", "path": "/api/v1",
                                    "status": 503, "body": "busy",
                                    "next_calls": 2})
        for _ in range(2):
            self.assertEqual(self.fake.call(self.leader,
                                            {"type": "GET_AGENTS"})[:3:2],
                             (503, b"busy"))
        self.assertEqual(self.fake.call(self.leader,
                                        {"type": "GET_AGENTS"})[0], 200)
        # A status fault answers instead of the master: no drain happens.
        self.fake.control("fault", {"server": "master", "path": "/api/v1",
                                    "status": 503})
        self.assertEqual(self.drain(self.ids[1])[0], 503)
        self.assertFalse(self.slave(1)["deactivated"])

    def test_call_log_keeps_the_order(self):
        self.drain(self.ids[1])
        self.fake.send(self.fake.marathon, "GET", "/v2/queue")
        calls = self.fake.state()["calls"]
        self.assertEqual([(c["server"], c["method"], c["path"], c["status"])
                          for c in calls],
                         [("master0", "POST", "/api/v1", 200),
                          ("marathon", "GET", "/v2/queue", 200)])
        self.assertEqual(json.loads(calls[0]["body"])["type"], "DRAIN_AGENT")

    def test_calls_carry_the_hosts_monotonic_time(self):
        # One clock for every process on the host: another fake's calls and
        # these can be put in one order.
        before = time.monotonic_ns()
        self.drain(self.ids[1])
        self.fake.send(self.fake.marathon, "GET", "/v2/queue")
        after = time.monotonic_ns()
        stamps = [c["monotonic_ns"] for c in self.fake.state()["calls"]]
        self.assertEqual(len(stamps), 2)
        self.assertTrue(before <= stamps[0] <= stamps[1] <= after, stamps)

    def test_control_changes_agents(self):
        added = self.fake.control("add_agent", {"agent": {
            "attributes": {"cloud_type": "burst"},
            "resources": {"cpus": 4, "mem": 8192}}})["id"]
        self.assertEqual(added, f"{MASTER_ID}-S2")
        self.assertEqual(len(self.fake.get_json(
            self.leader, "/master/slaves")["slaves"]), 3)
        self.fake.control("remove_agent", {"id": self.ids[0]})
        ids = [s["id"] for s in self.fake.get_json(
            self.leader, "/master/slaves")["slaves"]]
        self.assertEqual(ids, [self.ids[1], added])

    def test_control_refuses_bad_input_and_changes_nothing(self):
        answer = self.fake.control("agents", {"agents": [
            PRIVATE, {"resources": {"cpus": -1}}]}, expect=400)
        self.assertIn("agents[1].resources.cpus", answer["error"])
        answer = self.fake.control("agents", {"agents": [
            {"used": {"mem": "lots"}}]}, expect=400)
        self.assertIn("agents[0].used.mem", answer["error"])
        answer = self.fake.control("agents", {"agents": [
            {"attributes": {"cloud_type": "has space"}}]}, expect=400)
        self.assertIn("agents[0].attributes.cloud_type", answer["error"])
        self.fake.control("leader", {"master": 7}, expect=400)
        self.fake.control("fault", {"server": "zk", "path": "/"}, expect=400)
        self.fake.control("finish_drain", {"id": self.ids[0]}, expect=400)
        self.fake.control("no_such_command", {}, expect=404)
        self.assertEqual(len(self.fake.state()["agents"]), 2)
        self.assertEqual(self.fake.state()["leader"], 0)


class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = Fake("--masters", "1", "--user", "spotburst",
                        "--password", "s3cret")

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def auth(self, user, password):
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def test_masters_and_marathon_want_credentials(self):
        master, marathon = self.fake.masters[0], self.fake.marathon
        for port, path in ((master, "/metrics/snapshot"),
                           (master, "/master/slaves"),
                           (marathon, "/v2/queue")):
            status, headers, _ = self.fake.send(port, "GET", path)
            self.assertEqual(status, 401)
            self.assertTrue(headers["WWW-Authenticate"].startswith("Basic"))
            status, _, _ = self.fake.send(port, "GET", path,
                                          headers=self.auth("spotburst", "no"))
            self.assertEqual(status, 401)
            status, _, _ = self.fake.send(
                port, "GET", path, headers=self.auth("spotburst", "s3cret"))
            self.assertEqual(status, 200)
        # The redirect needs none, as in Mesos.
        status, _, _ = self.fake.send(master, "GET", "/master/redirect")
        self.assertEqual(status, 307)


class LifecycleTest(unittest.TestCase):
    def test_server_exits_when_stdin_closes(self):
        fake = Fake("--masters", "1")
        fake.stop()
        self.assertEqual(fake.process.returncode, 0)

    def test_server_exits_on_sigterm(self):
        fake = Fake("--masters", "1")
        try:
            fake.process.send_signal(signal.SIGTERM)
            self.assertEqual(fake.process.wait(timeout=10), 0)
        finally:
            fake.stop()


if __name__ == "__main__":
    unittest.main()
