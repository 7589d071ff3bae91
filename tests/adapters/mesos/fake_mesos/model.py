"""The fake cluster's state: masters, the leader, agents, Marathon's queue,
and how it renders as Mesos and Marathon render it."""

import re
import time

MASTER_ID = "5c3bd2a2-0a0e-4c33-9b8e-0d6a6f2b8e10"
NEW_VERSION = "1.11.0"
OLD_VERSION = "0.28.2"
VERSIONS = (NEW_VERSION, OLD_VERSION)
SCALARS = ("cpus", "gpus", "mem", "disk")
HOST = "127.0.0.1"
# Longest piece of client input an error message quotes.
MAX_QUOTE = 64


def quote(value):
    """The value for an error message, cut to MAX_QUOTE characters."""
    text = str(value)
    if len(text) > MAX_QUOTE:
        return text[:MAX_QUOTE] + "..."
    return text


class Agent:
    def __init__(self, agent_id, hostname, port, attributes, resources, used,
                 domain, registered_time):
        self.id = agent_id
        self.hostname = hostname
        self.port = port
        self.attributes = attributes  # name -> str or number
        self.resources = resources    # cpus, gpus, mem, disk (+ "ports")
        self.used = used
        self.domain = domain          # None or (region, zone)
        self.registered_time = registered_time
        self.deactivated = False
        self.drain = None             # None or {"state", "max_grace_ns"}
        self.drain_started = None

    def draining_done(self):
        """The rule for DRAINING -> DRAINED on its own: nothing is used."""
        return all(self.used.get(k, 0) == 0 for k in SCALARS)


class World:
    def __init__(self, master_ports, marathon_port, version=NEW_VERSION):
        self.master_ports = master_ports
        self.marathon_port = marathon_port
        self.initial_version = version
        self.start_time = time.time()
        self.reset()

    def reset(self):
        self.leader = 0            # index into master_ports, or None
        self.marathon_leader = True
        self.version = self.initial_version
        self.agents = {}           # id -> Agent, in insertion order
        self.next_agent = 0
        self.queue = []            # Marathon's queue items, as given

    # -- agents ---------------------------------------------------------

    def new_agent_id(self):
        agent_id = f"{MASTER_ID}-S{self.next_agent}"
        self.next_agent += 1
        return agent_id

    def settle(self):
        """Draining agents with nothing in use become DRAINED."""
        for agent in self.agents.values():
            if agent.drain and agent.drain["state"] == "DRAINING" and \
                    agent.draining_done():
                agent.drain["state"] = "DRAINED"

    def leader_address(self):
        if self.leader is None:
            return None
        return f"{HOST}:{self.master_ports[self.leader]}"

    # -- rendering --------------------------------------------------------

    def snapshot(self, is_leader):
        """/metrics/snapshot: a leader sums its agents; others report 0."""
        totals = {k: 0.0 for k in SCALARS}
        used = {k: 0.0 for k in SCALARS}
        active = inactive = 0
        if is_leader:
            for agent in self.agents.values():
                for k in SCALARS:
                    totals[k] += float(agent.resources.get(k, 0))
                    used[k] += float(agent.used.get(k, 0))
                if agent.deactivated:
                    inactive += 1
                else:
                    active += 1
        metrics = {
            "master/elected": 1.0 if is_leader else 0.0,
            "master/uptime_secs": round(time.time() - self.start_time, 3),
        }
        for k in SCALARS:
            metrics[f"master/{k}_total"] = totals[k]
            metrics[f"master/{k}_used"] = used[k]
            metrics[f"master/{k}_percent"] = \
                used[k] / totals[k] if totals[k] else 0.0
            metrics[f"master/{k}_revocable_total"] = 0.0
            metrics[f"master/{k}_revocable_used"] = 0.0
            metrics[f"master/{k}_revocable_percent"] = 0.0
        metrics.update({
            "master/slaves_active": float(active),
            "master/slaves_inactive": float(inactive),
            "master/slaves_connected": float(active + inactive),
            "master/slaves_disconnected": 0.0,
            "master/slaves_unreachable": 0.0,
            "master/outstanding_offers": 0.0,
            "master/frameworks_active": 1.0 if is_leader else 0.0,
            "master/tasks_staging": 0.0,
            "master/tasks_running": 0.0,
            "system/cpus_total": 2.0,
        })
        for k in ("cpus", "mem", "disk"):
            metrics[f"allocator/mesos/resources/{k}/total"] = totals[k]
            metrics[f"allocator/mesos/resources/{k}/offered_or_allocated"] = \
                used[k]
        return metrics

    def _flat(self, values):
        """A resources object: the four scalars always, then the rest."""
        out = {k: float(values.get(k, 0)) for k in SCALARS}
        if "ports" in values:
            out["ports"] = values["ports"]
        return out

    def slave(self, agent, full):
        """One element of `slaves` (/master/slaves with full=True)."""
        new = self.version == NEW_VERSION
        value = {
            "id": agent.id,
            "hostname": agent.hostname,
            "port": agent.port,
            "attributes": dict(agent.attributes),
            "pid": f"slave(1)@{agent.hostname}:{agent.port}",
            "registered_time": agent.registered_time,
            "resources": self._flat(agent.resources),
            "offered_resources": self._flat({}),
            "reserved_resources": {},
            "unreserved_resources": self._flat(agent.resources),
            "active": not agent.deactivated,
            "version": self.version,
            "capabilities": (["MULTI_ROLE", "HIERARCHICAL_ROLE",
                              "RESERVATION_REFINEMENT", "AGENT_DRAINING"]
                             if new else []),
        }
        if agent.domain:
            value["domain"] = domain_json(agent.domain)
        if new:
            value["used_resources"] = self._flat(agent.used)
            value["deactivated"] = agent.deactivated
            if agent.drain:
                value["drain_info"] = drain_info(agent.drain)
                value["estimated_drain_start_time_seconds"] = \
                    agent.drain_started
        if full:
            value["reserved_resources_full"] = {}
            value["unreserved_resources_full"] = full_resources(
                agent.resources)
            value["offered_resources_full"] = []
            if new:
                value["used_resources_full"] = full_resources(agent.used)
        return value

    def slaves(self):
        return {"slaves": [self.slave(a, True) for a in self.agents.values()],
                "recovered_slaves": []}

    def state(self, port):
        leader = self.leader_address()
        agents = list(self.agents.values())
        return {
            "version": self.version,
            "git_sha": "0" * 40,
            "build_date": "2024-08-01 00:00:00",
            "start_time": self.start_time,
            "elected_time": self.start_time,
            "id": MASTER_ID,
            "pid": f"master@{HOST}:{port}",
            "hostname": HOST,
            "activated_slaves": float(sum(not a.deactivated for a in agents)),
            "deactivated_slaves": float(sum(a.deactivated for a in agents)),
            "unreachable_slaves": 0.0,
            "leader": f"master@{leader}",
            "leader_info": {"id": MASTER_ID, "pid": f"master@{leader}",
                            "port": self.master_ports[self.leader],
                            "hostname": HOST},
            "flags": {"port": str(port), "authenticate_http_readonly": "false"},
            "slaves": [self.slave(a, False) for a in agents],
            "recovered_slaves": [],
            "frameworks": [],
            "completed_frameworks": [],
            "orphan_tasks": [],
            "unregistered_frameworks": [],
        }

    def get_agents(self):
        """The v1 operator API's GET_AGENTS response."""
        agents = []
        for agent in self.agents.values():
            info = {
                "id": {"value": agent.id},
                "hostname": agent.hostname,
                "port": agent.port,
                "resources": full_resources(agent.resources),
                "attributes": [attribute_json(k, v)
                               for k, v in agent.attributes.items()],
            }
            if agent.domain:
                info["domain"] = domain_json(agent.domain)
            value = {
                "agent_info": info,
                "active": not agent.deactivated,
                "deactivated": agent.deactivated,
                "version": self.version,
                "pid": f"slave(1)@{agent.hostname}:{agent.port}",
                "registered_time": {
                    "nanoseconds": int(agent.registered_time * 1e9)},
                "total_resources": full_resources(agent.resources),
                "allocated_resources": full_resources(agent.used),
                "offered_resources": [],
                "capabilities": [{"type": c} for c in (
                    "MULTI_ROLE", "HIERARCHICAL_ROLE",
                    "RESERVATION_REFINEMENT", "AGENT_DRAINING")],
            }
            if agent.drain:
                value["drain_info"] = drain_info(agent.drain)
            agents.append(value)
        return {"type": "GET_AGENTS",
                "get_agents": {"agents": agents, "recovered_agents": []}}


def domain_json(domain):
    region, zone = domain
    return {"fault_domain": {"region": {"name": region},
                             "zone": {"name": zone}}}


def drain_info(drain):
    return {"state": drain["state"],
            "config": {"max_grace_period": {
                "nanoseconds": drain["max_grace_ns"]},
                "mark_gone": drain["mark_gone"]}} \
        if drain["max_grace_ns"] is not None else \
        {"state": drain["state"], "config": {"mark_gone": drain["mark_gone"]}}


def attribute_json(name, value):
    if isinstance(value, str):
        return {"name": name, "type": "TEXT", "text": {"value": value}}
    return {"name": name, "type": "SCALAR", "scalar": {"value": float(value)}}


_RANGE = re.compile(r"(\d+)-(\d+)")


def full_resources(values):
    """Resource protobuf objects, as the operator API and *_full give them
    (unreserved: no reservations)."""
    out = []
    for k in SCALARS:
        amount = float(values.get(k, 0))
        if amount:
            out.append({"name": k, "type": "SCALAR",
                        "scalar": {"value": amount}})
    if "ports" in values:
        out.append({"name": "ports", "type": "RANGES", "ranges": {"range": [
            {"begin": int(b), "end": int(e)}
            for b, e in _RANGE.findall(values["ports"])]}})
    return out
