"""The control API: JSON commands that set up the fake cluster and its
faults, and the state dump tests assert on. See README.md for the shapes.
"""

import math
import re
import time

from . import model
from .model import SCALARS, quote

FAULT_MODES = ("status", "truncate", "garble", "hold")
SERVERS = ("master", "marathon")
_PORTS = re.compile(r"^\[\d+-\d+(,\d+-\d+)*\]$")
_ATTRIBUTE_TEXT = re.compile(r"^[a-zA-Z0-9_/.-]+$")


class ControlError(Exception):
    pass


class Faults:
    """One-shot answers: [server, method, path, spec, calls left]."""

    def __init__(self):
        self.rules = []

    def take(self, server, method, path):
        """The fault this request gets (and counts), or None."""
        bare = path.partition("?")[0]
        for rule in self.rules:
            if rule[0] == server and rule[1] in (None, method) and \
                    rule[2] == bare and rule[4] > 0:
                rule[4] -= 1
                return rule[3]
        return None


def _field(body, name, kind, required=True, default=None):
    if name not in body or body[name] is None:
        if required:
            raise ControlError(f"{name}: missing")
        return default
    value = body[name]
    if kind is float:
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value))
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ControlError(f"{name}: {quote(value)} has the wrong type")
    return value


def _resources(body, name):
    value = _field(body, name, dict, required=False, default={})
    out = {}
    for key, amount in value.items():
        if key == "ports":
            if not isinstance(amount, str) or not _PORTS.match(amount):
                raise ControlError(f"{name}.ports: {quote(amount)} is not "
                                   "like [31000-32000]")
            out[key] = amount
            continue
        if key not in SCALARS:
            raise ControlError(f"{name}.{quote(key)}: not one of cpus, gpus, "
                               "mem, disk, ports")
        try:
            amount = _field(value, key, float)
        except ControlError as e:
            raise ControlError(f"{name}.{e}")
        if amount < 0:
            raise ControlError(f"{name}.{key}: must be >= 0")
        out[key] = amount
    return out


def _agent(spec, where, taken):
    """An Agent from a control spec; raises ControlError naming `where`."""
    try:
        if not isinstance(spec, dict):
            raise ControlError("not an object")
        agent_id = _field(spec, "id", str, required=False)
        if agent_id is not None and (agent_id in taken or not agent_id):
            raise ControlError(f"id: {quote(agent_id)} is empty or taken")
        hostname = _field(spec, "hostname", str, required=False,
                          default=f"10.20.1.{len(taken) + 10}")
        port = _field(spec, "port", int, required=False, default=5051)
        attributes = _field(spec, "attributes", dict, required=False,
                            default={})
        for key, value in attributes.items():
            text_ok = isinstance(value, str) and _ATTRIBUTE_TEXT.match(value)
            number_ok = (isinstance(value, (int, float)) and
                         not isinstance(value, bool) and
                         math.isfinite(value) and value >= 0)
            if not key or not (text_ok or number_ok):
                raise ControlError(f"attributes.{quote(key)}: {quote(value)} "
                                   "is neither text [a-zA-Z0-9_/.-]+ nor a "
                                   "number >= 0")
        resources = _resources(spec, "resources")
        used = _resources(spec, "used")
        region = _field(spec, "region", str, required=False)
        zone = _field(spec, "zone", str, required=False)
        if (region is None) != (zone is None):
            raise ControlError("give both region and zone, or neither")
    except ControlError as e:
        raise ControlError(f"{where}.{e}")
    return model.Agent(agent_id, hostname, port, attributes, resources, used,
                       (region, zone) if region else None,
                       round(time.time(), 2))


def _agent_id(world, body):
    agent_id = _field(body, "id", str)
    if agent_id not in world.agents:
        raise ControlError(f"id: no agent {quote(agent_id)}")
    return world.agents[agent_id]


def _add(world, agents):
    for agent in agents:
        if agent.id is None:
            agent.id = world.new_agent_id()
            while agent.id in world.agents:
                agent.id = world.new_agent_id()
        world.agents[agent.id] = agent


def run(app, command, body):
    """Applies one command (the caller holds app.lock); returns the JSON
    answer. Checks everything before it changes anything."""
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    world = app.world
    answer = {"ok": True}
    if command == "agents":
        specs = _field(body, "agents", list)
        agents, taken = [], set()
        for n, spec in enumerate(specs):
            agent = _agent(spec, f"agents[{n}]", taken)
            taken.add(agent.id)
            agents.append(agent)
        world.agents = {}
        _add(world, agents)
        answer["ids"] = [a.id for a in agents]
    elif command == "add_agent":
        agent = _agent(_field(body, "agent", dict), "agent",
                       set(world.agents))
        _add(world, [agent])
        answer["id"] = agent.id
    elif command == "remove_agent":
        del world.agents[_agent_id(world, body).id]
    elif command == "used":
        agent = _agent_id(world, body)
        agent.used = _resources(body, "used")
    elif command == "finish_drain":
        agent = _agent_id(world, body)
        if not agent.drain:
            raise ControlError(f"id: {quote(agent.id)} is not draining")
        agent.drain["state"] = "DRAINED"
    elif command == "leader":
        leader = _field(body, "master", int, required=False)
        if leader is not None and not 0 <= leader < len(world.master_ports):
            raise ControlError(f"master: {leader} is not 0 to "
                               f"{len(world.master_ports) - 1}")
        marathon = _field(body, "marathon", bool, required=False,
                          default=world.marathon_leader)
        world.leader = leader
        world.marathon_leader = marathon
    elif command == "version":
        version = _field(body, "version", str)
        if version not in model.VERSIONS:
            raise ControlError(f"version: {quote(version)} is not one of "
                               f"{', '.join(model.VERSIONS)}")
        world.version = version
    elif command == "queue":
        items = _field(body, "queue", list)
        world.queue = items
    elif command == "fault":
        server = _field(body, "server", str)
        if server not in SERVERS:
            raise ControlError(f"server: {quote(server)} is not master or "
                               "marathon")
        path = _field(body, "path", str)
        if not path.startswith("/"):
            raise ControlError("path: must start with /")
        method = _field(body, "method", str, required=False)
        mode = _field(body, "mode", str, required=False, default="status")
        if mode not in FAULT_MODES:
            raise ControlError(f"mode: {quote(mode)} is not one of "
                               f"{', '.join(FAULT_MODES)}")
        spec = {"mode": mode}
        if mode == "status":
            status = _field(body, "status", int)
            if not 200 <= status <= 599:
                raise ControlError("status: must be 200 to 599")
            spec["status"] = status
            spec["body"] = _field(body, "body", str, required=False,
                                  default="")
        calls = _field(body, "next_calls", int, required=False, default=1)
        if calls < 0:
            raise ControlError("next_calls: must be >= 0")
        if mode == "hold":
            app.released.clear()
        app.faults.rules.insert(0, [server, method, path, spec, calls])
    elif command == "release":
        app.released.set()
    elif command == "reset":
        world.reset()
        app.faults.rules.clear()
        app.released.set()
        app.calls.clear()
    else:
        raise KeyError(command)
    return answer


def state(app):
    world = app.world
    world.settle()
    return {
        "masters": list(world.master_ports),
        "marathon": world.marathon_port,
        "leader": world.leader,
        "marathon_leader": world.marathon_leader,
        "version": world.version,
        "agents": [{
            "id": a.id, "hostname": a.hostname,
            "attributes": a.attributes, "resources": a.resources,
            "used": a.used, "deactivated": a.deactivated,
            "drain": dict(a.drain) if a.drain else None,
        } for a in world.agents.values()],
        "queue": world.queue,
        "calls": list(app.calls),
    }
