"""The EC2 actions: parameters in, XML out, over a model.World.

Each action checks every parameter before it changes anything, so a call
that fails changes nothing.
"""

import re

from . import model, render
from .errors import Ec2Error, quote
from .paging import Paginator
from .xmlout import items, node, price, response, text, timestamp

VERSION = "2016-11-15"
N = r"[1-9]\d{0,3}"
COMMON = ["Action", "Version", "DryRun"]
TAGS = [rf"TagSpecification\.{N}\.ResourceType",
        rf"TagSpecification\.{N}\.Tag\.{N}\.(Key|Value)"]
# What a launch takes, with or without the LaunchSpecification. prefix;
# the fake records the first group and accepts (and ignores) the rest.
LAUNCH = [r"ImageId", r"InstanceType", r"KeyName", r"SubnetId", r"UserData",
          r"Placement\.AvailabilityZone", r"Placement\.Tenancy",
          rf"SecurityGroupId\.{N}", r"IamInstanceProfile\.(Name|Arn)",
          r"EbsOptimized", r"Monitoring\.Enabled",
          rf"BlockDeviceMapping\.{N}\.[A-Za-z.]+",
          rf"NetworkInterface\.{N}\.[A-Za-z0-9.]+"]
MAX_USER_DATA = 16 * 1024
MAX_TAGS = 50
VALIDITY_S = 7 * 24 * 3600
INSTANCE_ID = re.compile(r"i-([0-9a-f]{8}|[0-9a-f]{17})")
REQUEST_ID = re.compile(r"sir-[0-9a-z]{8}")
IMAGE_ID = re.compile(r"ami-([0-9a-f]{8}|[0-9a-f]{17})")


class Actions:
    def __init__(self, world):
        self.world = world
        self.paginator = Paginator()
        # (action, client token) -> (parameters, result ids)
        self.tokens = {}

    def reset(self):
        self.paginator = Paginator()
        self.tokens = {}

    def call(self, params, request_id):
        """The XML body of a successful call; raises Ec2Error otherwise."""
        action = params.get("Action")
        if not action:
            raise Ec2Error("MissingAction",
                           "The request must contain the parameter Action")
        handler = _ACTIONS.get(action)
        if handler is None:
            raise Ec2Error("InvalidAction",
                           f"The action {quote(action)} is not valid for "
                           "this web service")
        version = params.required("Version")
        if version != VERSION:
            raise Ec2Error("InvalidParameterValue",
                           f"Version {quote(version)} is not {VERSION}, the "
                           "only API version this endpoint speaks")
        method, patterns = handler
        params.check_known(COMMON + patterns)
        return response(action, request_id, method(self, params))

    @staticmethod
    def dry_run(params):
        if params.boolean("DryRun"):
            raise Ec2Error("DryRunOperation",
                           "Request would have succeeded, but DryRun flag "
                           "is set.")

    # Idempotency.
    def replay(self, action, params):
        """The ids a call with this ClientToken made before, or None."""
        token = params.get("ClientToken")
        if token is None:
            return None
        if not token or len(token) > 64 or not token.isascii():
            raise Ec2Error("InvalidParameterValue",
                           "ClientToken must be 1 to 64 ASCII characters")
        saved = self.tokens.get((action, token))
        if saved is None:
            return None
        if saved[0] != _fingerprint(params):
            raise Ec2Error("IdempotentParameterMismatch",
                           f"Client token {quote(token)} was used before "
                           "with other parameters")
        return saved[1]

    def remember(self, action, params, ids):
        token = params.get("ClientToken")
        if token:
            self.tokens[(action, token)] = (_fingerprint(params), ids)

    # Launch parameters shared by RunInstances and RequestSpotInstances.
    def launch_spec(self, params, prefix):
        p = prefix
        image = params.required(p + "ImageId")
        if not IMAGE_ID.fullmatch(image):
            raise Ec2Error("InvalidAMIID.Malformed",
                           f"Invalid id: \"{quote(image)}\" (expecting "
                           "\"ami-...\")")
        zone = params.get(p + "Placement.AvailabilityZone")
        if zone is not None and not re.fullmatch(
                re.escape(self.world.region) + r"[a-z]", zone):
            raise Ec2Error("InvalidParameterValue",
                           f"Invalid availability zone: [{quote(zone)}] "
                           f"(not in {self.world.region})")
        subnet = params.get(p + "SubnetId")
        if subnet is not None and not re.fullmatch(r"subnet-[0-9a-f]{8,17}",
                                                   subnet):
            raise Ec2Error("InvalidSubnetID.Malformed",
                           f"Invalid id: \"{quote(subnet)}\"")
        groups = params.strings(p + "SecurityGroupId")
        for g in groups:
            if not re.fullmatch(r"sg-[0-9a-f]{8,17}", g):
                raise Ec2Error("InvalidGroupId.Malformed",
                               f"Invalid id: \"{quote(g)}\"")
        profile = params.get(p + "IamInstanceProfile.Name")
        arn = params.get(p + "IamInstanceProfile.Arn")
        if profile is None and arn is not None:
            profile = arn.rsplit("/", 1)[-1]
        return {
            "image_id": image,
            "zone": zone,
            "subnet_id": subnet,
            "key_name": params.get(p + "KeyName"),
            "security_groups": groups,
            "iam_profile": profile,
            "user_data": params.base64(p + "UserData", MAX_USER_DATA),
        }

    def max_price(self, name, given, instance_type):
        if given is not None:
            return given
        on_demand = self.world.on_demand_price(instance_type)
        if on_demand is None:
            raise Ec2Error("InvalidParameterValue",
                           f"{name} is omitted and this endpoint knows no "
                           f"on-demand price for {quote(instance_type)}; "
                           "give one with POST /_control/on_demand_prices")
        return on_demand

    def check_quota(self, lifecycle, wanted):
        """How many of `wanted` the quota allows (raises for none)."""
        limit = self.world.quota.get(lifecycle)
        if limit is None:
            return wanted
        used = self.world.live_count(lifecycle)
        if lifecycle == "spot":
            used += self.world.open_request_count()
        room = max(0, limit - used)
        if room < wanted[0]:
            if lifecycle == "spot":
                raise Ec2Error("MaxSpotInstanceCountExceeded",
                               f"Max spot instance count exceeded: {used} of "
                               f"{limit} in use, {wanted[0]} more asked")
            raise Ec2Error("InstanceLimitExceeded",
                           f"You have requested more instances "
                           f"({used + wanted[0]}) than your current "
                           f"instance limit of {limit} allows")
        return (wanted[0], min(wanted[1], room))

    def insufficient(self, instance_type, zone):
        return Ec2Error(
            "InsufficientInstanceCapacity",
            f"We currently do not have sufficient {instance_type} capacity "
            f"in the Availability Zone you requested ({zone}). Our system "
            "will be working on provisioning additional capacity.")

    def run_instances(self, params):
        world = self.world
        low = params.integer("MinCount", low=1, high=1000)
        high = params.integer("MaxCount", low=1, high=1000)
        if low is None:
            params.required("MinCount")
        if high is None:
            params.required("MaxCount")
        if low > high:
            raise Ec2Error("InvalidParameterValue",
                           f"MinCount ({low}) is more than MaxCount ({high})")
        spec = self.launch_spec(params, "")
        instance_type = params.get("InstanceType", "m1.small")
        tags = params.tag_specifications(
            ["instance", "volume", "network-interface",
             "spot-instances-request"])
        market = params.get("InstanceMarketOptions.MarketType")
        if market not in (None, "spot"):
            raise Ec2Error("InvalidParameterValue",
                           f"InstanceMarketOptions.MarketType "
                           f"{quote(market)} is not spot")
        spot = market == "spot"
        if params.get("InstanceMarketOptions.SpotOptions.SpotInstanceType",
                      "one-time") != "one-time":
            raise Ec2Error("InvalidParameterValue",
                           "this endpoint makes one-time spot instances "
                           "only (SpotInstanceType)")
        given = params.price("InstanceMarketOptions.SpotOptions.MaxPrice")
        if not spot and given is not None:
            raise Ec2Error("InvalidParameterCombination",
                           "SpotOptions need InstanceMarketOptions."
                           "MarketType=spot")
        lifecycle = "spot" if spot else "on-demand"
        ids = self.replay("RunInstances", params)
        if ids is not None:
            return self.reservation_xml(ids)
        self.dry_run(params)
        max_price = (self.max_price(
            "InstanceMarketOptions.SpotOptions.MaxPrice", given,
            instance_type) if spot else None)
        zone = spec["zone"] or self.pick_zone(instance_type, lifecycle,
                                              max_price)
        if not world.has_capacity(instance_type, zone, lifecycle):
            raise self.insufficient(instance_type, zone)
        if spot:
            current = world.spot_price(instance_type, zone)
            if current is None:
                raise self.insufficient(instance_type, zone)
            if current > max_price:
                raise Ec2Error("SpotMaxPriceTooLow",
                               f"Your maximum price ({price(max_price)}) is "
                               f"lower than the current Spot price "
                               f"({price(current)}) for {instance_type} in "
                               f"{zone}")
        _, count = self.check_quota(lifecycle, (low, high))
        spec["zone"] = zone
        reservation_id = world.new_reservation_id()
        launched = []
        for index in range(count):
            request_id = None
            if spot:
                request = world.new_request(
                    spot_price=max_price,
                    valid_until=world.now + VALIDITY_S,
                    instance_type=instance_type, zone=zone,
                    subnet_id=spec["subnet_id"], image_id=spec["image_id"],
                    key_name=spec["key_name"],
                    security_groups=spec["security_groups"],
                    iam_profile=spec["iam_profile"],
                    tags=tags.get("spot-instances-request", {}),
                    state="active", status="fulfilled", launched_zone=zone)
                request_id = request.id
            instance = world.launch(
                instance_type=instance_type, lifecycle=lifecycle,
                index=index, reservation_id=reservation_id,
                client_token=params.get("ClientToken"),
                spot_request_id=request_id, tags=tags.get("instance", {}),
                **spec)
            if spot:
                request.instance_id = instance.id
            launched.append(instance.id)
        self.remember("RunInstances", params, launched)
        return self.reservation_xml(launched)

    def pick_zone(self, instance_type, lifecycle, max_price):
        """Where EC2 would put a launch that names no zone: a zone with
        capacity (for spot: the cheapest within the price)."""
        world = self.world
        zones = world.zones_priced(instance_type) or [world.default_zone()]
        usable = [z for z in zones
                  if world.has_capacity(instance_type, z, lifecycle)]
        if lifecycle == "spot":
            priced = [(world.spot_price(instance_type, z), z) for z in usable]
            priced = sorted((p, z) for p, z in priced
                            if p is not None and p <= max_price)
            usable = [z for _, z in priced]
        return usable[0] if usable else zones[0]

    def reservation_xml(self, ids):
        instances = [self.world.instances[i] for i in ids
                     if i in self.world.instances]
        if not instances:
            return ""
        return render.reservation(instances)

    def request_spot_instances(self, params):
        world = self.world
        count = params.integer("InstanceCount", 1, low=1, high=1000)
        kind = params.get("Type", "one-time")
        if kind != "one-time":
            raise Ec2Error("InvalidParameterValue",
                           f"Type {quote(kind)}: this endpoint makes "
                           "one-time requests only")
        spec = self.launch_spec(params, "LaunchSpecification.")
        instance_type = params.required("LaunchSpecification.InstanceType")
        tags = params.tag_specifications(["spot-instances-request"])
        given = params.price("SpotPrice")
        valid_until = params.time("ValidUntil")
        params.time("ValidFrom")
        if valid_until is not None and valid_until <= world.now:
            raise Ec2Error("InvalidParameterValue",
                           "ValidUntil is not in the future")
        ids = self.replay("RequestSpotInstances", params)
        if ids is not None:
            return self.requests_xml(ids)
        self.dry_run(params)
        spot_price = self.max_price("SpotPrice", given, instance_type)
        self.check_quota("spot", (count, count))
        made = []
        for _ in range(count):
            request = world.new_request(
                spot_price=spot_price,
                valid_until=valid_until or world.now + VALIDITY_S,
                instance_type=instance_type,
                client_token=params.get("ClientToken"),
                tags=tags.get("spot-instances-request", {}), **spec)
            made.append(request.id)
        self.remember("RequestSpotInstances", params, made)
        return self.requests_xml(made)

    def requests_xml(self, ids):
        return items("spotInstanceRequestSet",
                     [render.spot_request(self.world.requests[i])
                      for i in ids if i in self.world.requests])

    def describe_spot_instance_requests(self, params):
        ids = params.strings("SpotInstanceRequestId")
        filters = params.filters(
            {"state", "status-code", "tag:", "tag-key", "instance-id",
             "spot-instance-request-id", "launch.instance-type",
             "launched-availability-zone", "type"})
        limit = params.integer("MaxResults", low=5, high=1000)
        self.dry_run(params)
        requests = self.find_requests(ids) if ids else sorted(
            self.world.requests.values(), key=lambda r: r.seq)
        requests = [r for r in requests if _match_all(filters,
                                                      _request_fields(r))]
        page, token = self.paginator.page(
            "DescribeSpotInstanceRequests", params, requests,
            lambda r: r.seq, limit)
        return (items("spotInstanceRequestSet",
                      [render.spot_request(r) for r in page]) +
                _next_token(token, limit))

    def find_requests(self, ids):
        for i in ids:
            if not REQUEST_ID.fullmatch(i):
                raise Ec2Error("InvalidSpotInstanceRequestID.Malformed",
                               f"Invalid id: \"{quote(i)}\" (expecting "
                               "\"sir-...\")")
        missing = [i for i in ids if i not in self.world.requests]
        if missing:
            raise Ec2Error("InvalidSpotInstanceRequestID.NotFound",
                           "The spot instance request ID "
                           f"'{quote(', '.join(missing))}' does not exist")
        return [self.world.requests[i] for i in dict.fromkeys(ids)]

    def cancel_spot_instance_requests(self, params):
        ids = params.strings("SpotInstanceRequestId")
        if not ids:
            params.required("SpotInstanceRequestId.1")
        requests = self.find_requests(ids)
        self.dry_run(params)
        for r in requests:
            self.world.cancel(r)
        return items("spotInstanceRequestSet",
                     [text("spotInstanceRequestId", r.id) +
                      text("state", r.state) for r in requests])

    def describe_instances(self, params):
        ids = params.strings("InstanceId")
        filters = params.filters(
            {"tag:", "tag-key", "instance-state-name", "instance-state-code",
             "instance-lifecycle", "instance-type", "availability-zone",
             "instance-id", "spot-instance-request-id", "client-token",
             "reservation-id", "image-id"})
        limit = params.integer("MaxResults", low=5, high=1000)
        if ids and limit is not None:
            raise Ec2Error("InvalidParameterCombination",
                           "The parameter instancesSet cannot be used with "
                           "the parameter maxResults")
        self.dry_run(params)
        instances = self.find_instances(ids) if ids else sorted(
            self.world.instances.values(), key=lambda i: i.seq)
        instances = [i for i in instances
                     if _match_all(filters, _instance_fields(i))]
        page, token = self.paginator.page(
            "DescribeInstances", params, instances, lambda i: i.seq, limit)
        return render.reservations(page) + _next_token(token, limit)

    def find_instances(self, ids):
        for i in ids:
            if not INSTANCE_ID.fullmatch(i):
                raise Ec2Error("InvalidInstanceID.Malformed",
                               f"Invalid id: \"{quote(i)}\" (expecting "
                               "\"i-...\")")
        missing = [i for i in ids if i not in self.world.instances]
        if missing:
            raise Ec2Error("InvalidInstanceID.NotFound",
                           "The instance ID "
                           f"'{quote(', '.join(missing))}' does not exist")
        return [self.world.instances[i] for i in dict.fromkeys(ids)]

    def terminate_instances(self, params):
        ids = params.strings("InstanceId")
        if not ids:
            params.required("InstanceId.1")
        params.boolean("Force")
        params.boolean("SkipOsShutdown")
        instances = self.find_instances(ids)
        self.dry_run(params)
        parts = []
        for i in instances:
            previous, current = self.world.terminate(i)
            parts.append(text("instanceId", i.id) +
                         node("currentState", render.state(current)) +
                         node("previousState", render.state(previous)))
        return items("instancesSet", parts)

    def create_tags(self, params):
        ids = params.strings("ResourceId")
        if not ids:
            params.required("ResourceId.1")
        if not params.indexes("Tag"):
            params.required("Tag.1.Key")
        tags = params.tags("Tag")
        resources = []
        for rid in ids:
            if rid.startswith("sir-"):
                resources += self.find_requests([rid])
            elif rid.startswith("i-"):
                resources += self.find_instances([rid])
            else:
                raise Ec2Error("InvalidID",
                               f"The ID '{quote(rid)}' is not valid here "
                               "(this endpoint tags i- and sir- ids)")
        for r in resources:
            if len({**r.tags, **tags}) > MAX_TAGS:
                raise Ec2Error("TagLimitExceeded",
                               f"{r.id} would have more than {MAX_TAGS} tags")
        self.dry_run(params)
        for r in resources:
            r.tags.update(tags)
        return text("return", True)

    def describe_spot_price_history(self, params):
        world = self.world
        types = set(params.strings("InstanceType"))
        products = set(params.strings("ProductDescription"))
        zone = params.get("AvailabilityZone")
        filters = params.filters({"availability-zone", "instance-type",
                                  "product-description", "spot-price"})
        start = params.time("StartTime")
        end = params.time("EndTime")
        limit = params.integer("MaxResults", 1000, low=1, high=1000)
        if start is not None and end is not None and start > end:
            raise Ec2Error("InvalidParameterValue",
                           "StartTime is after EndTime")
        self.dry_run(params)
        end = world.now if end is None else min(end, world.now)
        found = []
        for (t, z, product), points in world.prices.items():
            if ((types and t not in types) or
                    (products and product not in products) or
                    (zone and z != zone)):
                continue
            visible = [(when, p) for when, p in points if when <= end]
            if start is not None:
                before = [pt for pt in visible if pt[0] < start]
                visible = before[-1:] + [pt for pt in visible
                                         if pt[0] >= start]
            for when, p in visible:
                fields = {"availability-zone": z, "instance-type": t,
                          "product-description": product,
                          "spot-price": price(p)}
                if _match_all(filters, fields):
                    found.append((when, t, z, product, p))
        found.sort(key=lambda f: (-f[0], f[1], f[2], f[3]))
        page, token = self.paginator.page(
            "DescribeSpotPriceHistory", params, found,
            lambda f: (-f[0], f[1], f[2], f[3]), limit)
        return (items("spotPriceHistorySet", [
            text("instanceType", t) + text("productDescription", product) +
            text("spotPrice", price(p)) + text("timestamp", timestamp(when)) +
            text("availabilityZone", z) for when, t, z, product, p in page]) +
            text("nextToken", token or ""))


def _fingerprint(params):
    return tuple(sorted((k, v) for k, v in params.values.items()
                        if k not in ("ClientToken", "DryRun")))


def _next_token(token, limit):
    if limit is None:
        return ""
    return text("nextToken", token or "")


def _match_all(filters, fields):
    """Every filter matches (AND); one of a filter's values suffices (OR).

    fields: name -> value (or a list of values); "tags" -> {key: value}.
    """
    tags = fields.get("tags", {})
    for name, patterns in filters:
        if name.startswith("tag:"):
            value = tags.get(name[4:])
            candidates = [] if value is None else [value]
        elif name == "tag-key":
            candidates = list(tags)
        else:
            value = fields.get(name)
            candidates = [] if value is None else [str(value)]
        if not any(p.fullmatch(c) for p in patterns for c in candidates):
            return False
    return True


def _instance_fields(i):
    return {
        "tags": i.tags, "instance-state-name": i.state,
        "instance-state-code": model.STATE_CODES[i.state],
        "instance-lifecycle": "spot" if i.lifecycle == "spot" else None,
        "instance-type": i.instance_type, "availability-zone": i.zone,
        "instance-id": i.id, "spot-instance-request-id": i.spot_request_id,
        "client-token": i.client_token, "reservation-id": i.reservation_id,
        "image-id": i.image_id,
    }


def _request_fields(r):
    return {
        "tags": r.tags, "state": r.state, "status-code": r.status,
        "instance-id": r.instance_id, "spot-instance-request-id": r.id,
        "launch.instance-type": r.instance_type,
        "launched-availability-zone": r.launched_zone, "type": "one-time",
    }


_ACTIONS = {
    "DescribeSpotPriceHistory": (
        Actions.describe_spot_price_history,
        ["StartTime", "EndTime", rf"InstanceType\.{N}",
         rf"ProductDescription\.{N}", "AvailabilityZone", "MaxResults",
         "NextToken", rf"Filter\.{N}\.Name", rf"Filter\.{N}\.Value\.{N}"]),
    "RunInstances": (
        Actions.run_instances,
        LAUNCH + TAGS + [
            "MinCount", "MaxCount", "ClientToken",
            r"InstanceMarketOptions\.MarketType",
            r"InstanceMarketOptions\.SpotOptions\.(MaxPrice|SpotInstanceType"
            r"|InstanceInterruptionBehavior|ValidUntil)",
            r"MetadataOptions\.[A-Za-z]+", "DisableApiTermination",
            "InstanceInitiatedShutdownBehavior"]),
    "RequestSpotInstances": (
        Actions.request_spot_instances,
        ["LaunchSpecification." + p for p in LAUNCH] + TAGS + [
            "SpotPrice", "InstanceCount", "Type", "ValidFrom", "ValidUntil",
            "ClientToken", "InstanceInterruptionBehavior", "LaunchGroup",
            "AvailabilityZoneGroup"]),
    "DescribeSpotInstanceRequests": (
        Actions.describe_spot_instance_requests,
        [rf"SpotInstanceRequestId\.{N}", "MaxResults", "NextToken",
         rf"Filter\.{N}\.Name", rf"Filter\.{N}\.Value\.{N}"]),
    "CancelSpotInstanceRequests": (
        Actions.cancel_spot_instance_requests,
        [rf"SpotInstanceRequestId\.{N}"]),
    "DescribeInstances": (
        Actions.describe_instances,
        [rf"InstanceId\.{N}", "MaxResults", "NextToken",
         rf"Filter\.{N}\.Name", rf"Filter\.{N}\.Value\.{N}"]),
    "TerminateInstances": (
        Actions.terminate_instances,
        [rf"InstanceId\.{N}", "Force", "SkipOsShutdown"]),
    "CreateTags": (
        Actions.create_tags,
        [rf"ResourceId\.{N}", rf"Tag\.{N}\.(Key|Value)"]),
}
