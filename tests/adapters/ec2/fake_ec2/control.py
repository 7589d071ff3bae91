"""The control API: JSON commands that set up the fake cloud and its
faults, and the state dump tests assert on. See README.md for the shapes.
"""

import math
from decimal import Decimal, InvalidOperation

from . import model
from .errors import quote
from .params import MAX_PRICE, parse_time
from .xmlout import timestamp

FAULTS = ("throttle", "server_errors", "drop_reply", "hold_reply")
_KIND_NAMES = {str: "string", int: "whole number", float: "number",
               bool: "boolean (true or false)", list: "list"}


class ControlError(Exception):
    pass


class Faults:
    """Calls still to fail, per fault kind: [calls left, action or None]."""

    def __init__(self):
        self.rules = {}

    def take(self, kind, action):
        """True if this call gets the fault (and counts it)."""
        rule = self.rules.get(kind)
        if not rule or rule[0] <= 0 or rule[1] not in (None, action):
            return False
        rule[0] -= 1
        return True


def _field(body, name, kind, required=True, default=None):
    if name not in body or body[name] is None:
        if required:
            raise ControlError(f"{name}: missing")
        return default
    value = body[name]
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value))
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ControlError(f"{name}: {quote(value)} is not a "
                           f"{_KIND_NAMES[kind]}")
    return value


def _time(name, value):
    try:
        return parse_time(name, value)
    except Exception:
        raise ControlError(f"{name}: {quote(value)} is not an ISO-8601 UTC "
                           "time like 2024-05-02T09:00:00Z")


def _price(name, value):
    if value is None:
        raise ControlError(f"{name}: missing")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ControlError(f"{name}: not a number or a decimal string")
    try:
        p = Decimal(str(value))
    except InvalidOperation:
        p = None
    if p is None or not p.is_finite() or p <= 0 or p > MAX_PRICE:
        raise ControlError(f"{name}: {quote(value)} is not a price in USD "
                           f"per hour (above 0, at most {MAX_PRICE})")
    return p


def _lifecycle(body):
    value = _field(body, "lifecycle", str)
    if value not in ("spot", "on-demand"):
        raise ControlError(f"lifecycle: {quote(value)} is not spot or "
                           "on-demand")
    return value


def _list(body, name):
    value = _field(body, name, list)
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            raise ControlError(f"{name}[{n}]: not an object")
    return value


def run(app, command, body):
    """Applies one command (the caller holds app.lock); returns the JSON
    answer. Checks everything before it changes anything."""
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    world = app.world
    if command == "prices":
        points = []
        for n, p in enumerate(_list(body, "prices")):
            try:
                points.append((
                    _field(p, "instance_type", str), _field(p, "zone", str),
                    _field(p, "product", str, False, model.DEFAULT_PRODUCT),
                    _time("time", _field(p, "time", str))
                    if p.get("time") is not None else world.now,
                    _price("price", p.get("price"))))
            except ControlError as e:
                raise ControlError(f"prices[{n}].{e}")
        for point in points:
            world.set_price(*point)
    elif command == "on_demand_prices":
        prices = []
        for n, p in enumerate(_list(body, "prices")):
            try:
                prices.append((_field(p, "instance_type", str),
                               _price("price", p.get("price"))))
            except ControlError as e:
                raise ControlError(f"prices[{n}].{e}")
        world.on_demand.update(prices)
    elif command == "clock":
        if ("advance_s" in body) == ("now" in body):
            raise ControlError("give exactly one of advance_s and now")
        if "now" in body:
            step = _time("now", _field(body, "now", str)) - world.now
        else:
            step = _field(body, "advance_s", float)
        if step < 0:
            raise ControlError("the clock does not go back")
        world.advance(step)
    elif command == "capacity":
        key = (_field(body, "instance_type", str), _field(body, "zone", str),
               _lifecycle(body))
        world.capacity[key] = _field(body, "available", bool)
    elif command == "quota":
        lifecycle = _lifecycle(body)
        limit = _field(body, "max_instances", int, required=False)
        if limit is not None and limit < 0:
            raise ControlError("max_instances: must be >= 0")
        if limit is None:
            world.quota.pop(lifecycle, None)
        else:
            world.quota[lifecycle] = limit
    elif command in FAULTS:
        calls = _field(body, "next_calls", int)
        if calls < 0:
            raise ControlError("next_calls: must be >= 0")
        app.faults.rules[command] = [calls,
                                     _field(body, "action", str, False)]
        if command == "hold_reply":
            app.released.clear()
    elif command == "release":
        app.released.set()
    elif command == "interrupt":
        instance_id = _field(body, "instance_id", str)
        action = _field(body, "action", str, False, "terminate")
        if action != "terminate":
            raise ControlError(f"action: {quote(action)}: only terminate is "
                               "supported")
        instance = world.instances.get(instance_id)
        if instance is None:
            raise ControlError(f"instance_id: no instance "
                               f"{quote(instance_id)}")
        if instance.lifecycle != "spot" or instance.state not in model.LIVE:
            raise ControlError(f"instance_id: {instance_id} is not a pending "
                               "or running spot instance")
        world.interrupt(instance)
    elif command == "boot_time":
        seconds = _field(body, "seconds", float)
        if seconds < 0:
            raise ControlError("seconds: must be >= 0")
        world.boot_time_s = seconds
    elif command == "reset":
        world.reset()
        app.actions.reset()
        app.faults.rules.clear()
        app.calls.clear()
        app.released.set()
    else:
        raise KeyError(command)
    return {"ok": True, "now": timestamp(world.now)}


def state(app):
    world = app.world
    instances = [{
        "id": i.id, "type": i.instance_type, "zone": i.zone,
        "lifecycle": i.lifecycle, "state": i.state, "tags": i.tags,
        "launch_time": timestamp(i.launch_time),
        "client_token": i.client_token, "image_id": i.image_id,
        "reservation_id": i.reservation_id,
        "spot_request_id": i.spot_request_id,
        "interruption_at": timestamp(i.interrupt_at),
        "ended_at": timestamp(i.ended_at),
    } for i in sorted(world.instances.values(), key=lambda i: i.seq)]
    requests = [{
        "id": r.id, "state": r.state, "status": r.status,
        "instance_id": r.instance_id, "spot_price": f"{r.spot_price:.6f}",
        "type": r.instance_type, "zone": r.zone,
        "launched_zone": r.launched_zone, "tags": r.tags,
        "client_token": r.client_token,
        "create_time": timestamp(r.create_time),
        "valid_until": timestamp(r.valid_until),
    } for r in sorted(world.requests.values(), key=lambda r: r.seq)]
    return {"now": timestamp(world.now), "instances": instances,
            "spot_requests": requests, "calls": list(app.calls)}
