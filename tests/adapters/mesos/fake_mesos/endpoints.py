"""The masters' and Marathon's HTTP endpoints. Each handler takes the
request and answers (status, headers, body bytes); the caller holds the
world's lock."""

import base64
import json
import re
import time

from . import model
from .model import quote

# The v1 master calls Mesos knows (master.proto); the fake answers the ones
# the adapter uses and 501 to the others.
KNOWN_CALLS = (
    "GET_HEALTH", "GET_FLAGS", "GET_VERSION", "GET_METRICS",
    "GET_LOGGING_LEVEL", "SET_LOGGING_LEVEL", "LIST_FILES", "READ_FILE",
    "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_EXECUTORS",
    "GET_OPERATIONS", "GET_TASKS", "GET_ROLES", "GET_WEIGHTS",
    "UPDATE_WEIGHTS", "GET_MASTER", "SUBSCRIBE", "RESERVE_RESOURCES",
    "UNRESERVE_RESOURCES", "CREATE_VOLUMES", "DESTROY_VOLUMES",
    "GROW_VOLUME", "SHRINK_VOLUME", "GET_MAINTENANCE_STATUS",
    "GET_MAINTENANCE_SCHEDULE", "UPDATE_MAINTENANCE_SCHEDULE",
    "START_MAINTENANCE", "STOP_MAINTENANCE", "DRAIN_AGENT",
    "DEACTIVATE_AGENT", "REACTIVATE_AGENT", "GET_QUOTA", "UPDATE_QUOTA",
    "SET_QUOTA", "REMOVE_QUOTA", "TEARDOWN", "MARK_AGENT_GONE")
# Added with agent draining (Mesos 1.9): unknown to an old master.
DRAIN_CALLS = ("DRAIN_AGENT", "DEACTIVATE_AGENT", "REACTIVATE_AGENT")
_TIMEOUT = re.compile(r"^\d+(\.\d+)?(ns|us|ms|secs|mins|hrs|days|weeks)$")

JSON = {"Content-Type": "application/json"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def _json(status, value, headers=None):
    return status, dict(JSON, **(headers or {})), \
        (json.dumps(value) + "\n").encode()


def _text(status, text, headers=None):
    return status, dict(TEXT, **(headers or {})), text.encode()


def authorized(credentials, headers):
    """True without credentials configured, or with the right Basic ones."""
    if credentials is None:
        return True
    value = headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(
            token.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return (user, password) == credentials


def _to_leader(world, path):
    """A non-leading master's answer to a leader-only endpoint."""
    leader = world.leader_address()
    if leader is None:
        return _text(503, "No leader elected")
    return _text(307, "", {"Location": f"//{leader}{path}"})


def master(app, index, method, path, headers, body):
    world = app.world
    world.settle()
    bare, _, query = path.partition("?")
    is_leader = world.leader == index
    if bare in ("/master/redirect", "/redirect"):
        # No authentication here, as in Mesos.
        leader = world.leader_address()
        if leader is None:
            return _text(503, "No leader elected")
        return _text(307, "", {"Location": f"//{leader}"})
    if bare.startswith(("/master/redirect/", "/redirect/")):
        return _text(404, "")
    if not authorized(app.credentials, headers):
        return _text(401, "", {"WWW-Authenticate": 'Basic realm="mesos"'})
    if bare == "/metrics/snapshot":
        for pair in query.split("&") if query else []:
            name, _, value = pair.partition("=")
            if name == "timeout" and not _TIMEOUT.match(value):
                return _text(400, f"Invalid timeout '{quote(value)}'")
        return _json(200, world.snapshot(is_leader))
    if bare in ("/master/slaves", "/slaves", "/master/state", "/state"):
        if not is_leader:
            return _to_leader(world, path)
        if bare.endswith("slaves"):
            return _json(200, world.slaves())
        return _json(200, world.state(world.master_ports[index]))
    if bare in ("/api/v1", "/master/api/v1"):
        if method != "POST":
            return _text(405, f"Expecting a 'POST' request, received "
                              f"'{quote(method)}'")
        if not is_leader:
            return _to_leader(world, path)
        content_type = (headers.get("Content-Type") or "").split(";")[0]
        if content_type.strip() != "application/json":
            return _text(415, "Expecting 'Content-Type' of application/json "
                              "or application/x-protobuf")
        return _call(world, body)
    return _text(404, "")


def _call(world, body):
    try:
        call = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        return _text(400, f"Failed to parse body into JSON: {quote(e)}")
    if not isinstance(call, dict) or "type" not in call:
        return _text(400, "Expecting 'type' to be present")
    kind = call["type"]
    if not isinstance(kind, str) or kind not in KNOWN_CALLS or (
            world.version == model.OLD_VERSION and kind in DRAIN_CALLS):
        # What protobuf's JSON mapping says of an enum value it lacks.
        return _text(400, "Failed to convert JSON into Call protobuf: "
                          f"Failed to find enum for '{quote(kind)}'")
    if kind == "GET_AGENTS":
        return _json(200, world.get_agents())
    if kind not in DRAIN_CALLS:
        return _text(501, f"fake-mesos does not implement {kind}")
    field = kind.lower()
    args = call.get(field)
    if not isinstance(args, dict):
        return _text(400, f"Expecting '{field}' to be present")
    agent_id = args.get("agent_id")
    agent_id = agent_id.get("value") if isinstance(agent_id, dict) else None
    if not isinstance(agent_id, str):
        return _text(400, f"Expecting '{field}.agent_id' to be present")
    agent = world.agents.get(agent_id)
    if agent is None:
        return _text(400, f"Unknown agent {quote(agent_id)}")
    if kind == "DRAIN_AGENT":
        grace = args.get("max_grace_period")
        grace_ns = None
        if grace is not None:
            grace_ns = grace.get("nanoseconds") if isinstance(grace, dict) \
                else None
            if not isinstance(grace_ns, int) or isinstance(grace_ns, bool) \
                    or grace_ns < 0:
                return _text(400, "Invalid 'drain_agent.max_grace_period': "
                                  "expecting {\"nanoseconds\": N}, N >= 0")
        mark_gone = args.get("mark_gone", False)
        if not isinstance(mark_gone, bool):
            return _text(400, "Invalid 'drain_agent.mark_gone'")
        agent.deactivated = True
        if not (agent.drain and agent.drain["state"] == "DRAINED"):
            agent.drain = {"state": "DRAINING", "max_grace_ns": grace_ns,
                           "mark_gone": mark_gone}
            agent.drain_started = round(time.time(), 3)
        world.settle()
    elif kind == "DEACTIVATE_AGENT":
        agent.deactivated = True
    else:  # REACTIVATE_AGENT also ends a drain
        agent.deactivated = False
        agent.drain = None
        agent.drain_started = None
    return 200, {}, b""


def marathon(app, method, path, headers, body):
    world = app.world
    bare = path.partition("?")[0]
    if not authorized(app.credentials, headers):
        return _json(401, {"message": "Invalid username or password."},
                     {"WWW-Authenticate": 'Basic realm="Mesosphere"'})
    if method != "GET":
        return _json(405, {"message": "HTTP 405 Method Not Allowed"})
    if bare == "/v2/queue":
        return _json(200, {"queue": world.queue})
    if bare == "/v2/leader":
        if not world.marathon_leader:
            return _json(404, {"message": "There is no leader"})
        return _json(200, {"leader": f"{model.HOST}:{world.marathon_port}"})
    return _json(404, {"message": "HTTP 404 Not Found"})
