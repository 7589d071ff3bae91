"""The fake cloud's state: its clock, prices, markets, instances and spot
requests, and what happens to them when the clock moves.

Time moves only when told (World.advance), in one step: everything due by
the new time happens at the new time, in this order: interrupted instances
end, shutting-down instances end, pending instances whose boot time has
passed run, open spot requests expire or are fulfilled (their instances
start pending), and terminated instances an hour old are forgotten.
"""

import calendar
import csv
import dataclasses
import os
import time
from decimal import Decimal

STATE_CODES = {"pending": 0, "running": 16, "shutting-down": 32,
               "terminated": 48, "stopping": 64, "stopped": 80}
LIVE = ("pending", "running")
DEFAULT_BOOT_S = 60
INTERRUPTION_NOTICE_S = 120
TERMINATED_VISIBLE_S = 3600
DEFAULT_PRODUCT = "Linux/UNIX"
OWNER_ID = "123456789012"
VPC_ID = "vpc-0f00dfake0000001"

STATUS_MESSAGES = {
    "pending-evaluation": "Your Spot request has been submitted for review, "
                          "and is pending evaluation.",
    "fulfilled": "Your spot request is fulfilled.",
    "capacity-not-available": "There is no capacity available for the "
                              "instance type in the requested zone.",
    "price-too-low": "Your Spot request price is lower than the minimum "
                     "required Spot request fulfillment price.",
    "canceled-before-fulfillment": "Your Spot request was canceled before "
                                   "it was fulfilled.",
    "request-canceled-and-instance-running": "Spot request was canceled, "
                                             "but the instance is still "
                                             "running.",
    "marked-for-termination": "Your Spot Instance is marked for "
                              "termination.",
    "instance-terminated-no-capacity": "Your Spot Instance was terminated "
                                       "because there was no capacity "
                                       "available.",
    "instance-terminated-by-user": "Spot Instance terminated due to user-"
                                   "initiated termination.",
    "schedule-expired": "Your Spot request has expired before it could be "
                        "fulfilled.",
}


@dataclasses.dataclass
class Instance:
    id: str
    reservation_id: str
    image_id: str
    instance_type: str
    zone: str
    launch_time: float
    lifecycle: str  # "spot" or "on-demand"
    index: int  # amiLaunchIndex
    seq: int  # launch order, for listings
    private_ip: str
    subnet_id: str = None
    key_name: str = None
    security_groups: list = dataclasses.field(default_factory=list)
    iam_profile: str = None
    user_data: str = None
    client_token: str = None
    spot_request_id: str = None
    tags: dict = dataclasses.field(default_factory=dict)
    state: str = "pending"
    state_reason: tuple = None  # (code, message)
    ended_at: float = None  # when it became terminated
    interrupt_at: float = None  # the end of an interruption notice


@dataclasses.dataclass
class SpotRequest:
    id: str
    seq: int
    spot_price: Decimal
    create_time: float
    valid_until: float
    image_id: str
    instance_type: str
    zone: str  # None: any zone of the region
    subnet_id: str = None
    key_name: str = None
    security_groups: list = dataclasses.field(default_factory=list)
    iam_profile: str = None
    user_data: str = None
    client_token: str = None
    tags: dict = dataclasses.field(default_factory=dict)
    state: str = "open"
    status: str = "pending-evaluation"
    update_time: float = None
    instance_id: str = None
    launched_zone: str = None


class World:
    def __init__(self, region, now, catalogue_path=None):
        self.region = region
        self.start = now
        self.catalogue = _read_catalogue(catalogue_path, region)
        self.reset()

    def reset(self):
        self.now = self.start
        self.boot_time_s = DEFAULT_BOOT_S
        # (type, zone, product) -> [(time, price)] sorted by time.
        self.prices = {}
        self.on_demand = {}  # type -> Decimal, over the catalogue
        # (type, zone, lifecycle) -> False where there is no capacity.
        self.capacity = {}
        self.quota = {}  # lifecycle -> max instances
        self.instances = {}
        self.requests = {}
        self._seq = 0

    # Ids, made from a counter so that runs repeat.
    def next_seq(self):
        self._seq += 1
        return self._seq

    # Prices and markets.
    def set_price(self, instance_type, zone, product, time, price):
        points = self.prices.setdefault((instance_type, zone, product), [])
        points[:] = [p for p in points if p[0] != time]
        points.append((time, price))
        points.sort(key=lambda p: p[0])

    def spot_price(self, instance_type, zone, product=DEFAULT_PRODUCT):
        """The price in effect now, or None when the market has none."""
        current = None
        for t, p in self.prices.get((instance_type, zone, product), []):
            if t <= self.now:
                current = p
        return current

    def on_demand_price(self, instance_type):
        if instance_type in self.on_demand:
            return self.on_demand[instance_type]
        rows = self.catalogue.get(instance_type, [])
        for start, end, price in rows:
            if start <= self.now < end:
                return price
        return rows[-1][2] if rows else None

    def zones_priced(self, instance_type):
        return sorted({z for (t, z, _) in self.prices if t == instance_type})

    def has_capacity(self, instance_type, zone, lifecycle):
        return self.capacity.get((instance_type, zone, lifecycle), True)

    def default_zone(self):
        return self.region + "a"

    def live_count(self, lifecycle):
        return sum(1 for i in self.instances.values()
                   if i.lifecycle == lifecycle and i.state in LIVE)

    def open_request_count(self):
        return sum(1 for r in self.requests.values() if r.state == "open")

    # Instances.
    def launch(self, *, image_id, instance_type, zone, lifecycle, index,
               reservation_id, subnet_id=None, key_name=None,
               security_groups=(), iam_profile=None, user_data=None,
               client_token=None, spot_request_id=None, tags=None):
        seq = self.next_seq()
        instance = Instance(
            id=f"i-{seq:017x}", reservation_id=reservation_id,
            image_id=image_id, instance_type=instance_type, zone=zone,
            launch_time=self.now, lifecycle=lifecycle, index=index, seq=seq,
            private_ip=f"10.0.{seq // 250 % 250}.{seq % 250 + 4}",
            subnet_id=subnet_id, key_name=key_name,
            security_groups=list(security_groups), iam_profile=iam_profile,
            user_data=user_data, client_token=client_token,
            spot_request_id=spot_request_id, tags=dict(tags or {}))
        self.instances[instance.id] = instance
        return instance

    def new_reservation_id(self):
        return f"r-{self.next_seq():017x}"

    def terminate(self, instance):
        """(previous state, current state), as TerminateInstances reports."""
        previous = instance.state
        if previous in LIVE:
            instance.state = "shutting-down"
            instance.state_reason = ("Client.UserInitiatedShutdown",
                                     "Client.UserInitiatedShutdown: User "
                                     "initiated shutdown")
            instance.interrupt_at = None
            request = self.requests.get(instance.spot_request_id)
            if request is not None and request.state in ("active",
                                                         "cancelled"):
                if request.state == "active":
                    request.state = "closed"
                self._set_status(request, "instance-terminated-by-user")
        return previous, instance.state

    def interrupt(self, instance):
        instance.interrupt_at = self.now + INTERRUPTION_NOTICE_S
        request = self.requests.get(instance.spot_request_id)
        if request is not None and request.state == "active":
            self._set_status(request, "marked-for-termination")

    # Spot requests.
    def new_request(self, **fields):
        seq = self.next_seq()
        request = SpotRequest(id=f"sir-{seq:08x}", seq=seq,
                              create_time=self.now, update_time=self.now,
                              **fields)
        self.requests[request.id] = request
        return request

    def cancel(self, request):
        if request.state == "open":
            request.state = "cancelled"
            self._set_status(request, "canceled-before-fulfillment")
        elif request.state == "active":
            request.state = "cancelled"
            self._set_status(request, "request-canceled-and-instance-running")

    def _set_status(self, request, status):
        if request.status != status:
            request.status = status
            request.update_time = self.now

    def _evaluate(self, request):
        """Fulfils an open request if a market takes it, else says why not."""
        if self.now >= request.valid_until:
            request.state = "cancelled"
            self._set_status(request, "schedule-expired")
            return
        zones = ([request.zone] if request.zone
                 else self.zones_priced(request.instance_type) or
                 [self.default_zone()])
        reason = "capacity-not-available"
        for zone in zones:
            price = self.spot_price(request.instance_type, zone)
            if (price is None or
                    not self.has_capacity(request.instance_type, zone,
                                          "spot")):
                continue
            if price > request.spot_price:
                reason = "price-too-low"
                continue
            limit = self.quota.get("spot")
            if limit is not None and self.live_count("spot") >= limit:
                continue  # stays open until the quota has room
            instance = self.launch(
                image_id=request.image_id,
                instance_type=request.instance_type, zone=zone,
                lifecycle="spot", index=0,
                reservation_id=self.new_reservation_id(),
                subnet_id=request.subnet_id, key_name=request.key_name,
                security_groups=request.security_groups,
                iam_profile=request.iam_profile, user_data=request.user_data,
                spot_request_id=request.id, tags=request.tags)
            request.state = "active"
            request.instance_id = instance.id
            request.launched_zone = zone
            self._set_status(request, "fulfilled")
            return
        self._set_status(request, reason)

    # The clock.
    def advance(self, seconds):
        self.now += seconds
        for i in self.instances.values():
            if i.interrupt_at is not None and self.now >= i.interrupt_at:
                i.interrupt_at = None
                i.state = "terminated"
                i.ended_at = self.now
                i.state_reason = ("Server.SpotInstanceTermination",
                                  "Server.SpotInstanceTermination: Spot "
                                  "instance termination")
                request = self.requests.get(i.spot_request_id)
                if request is not None and request.state == "active":
                    request.state = "closed"
                    self._set_status(request,
                                     "instance-terminated-no-capacity")
            elif i.state == "shutting-down":
                i.state = "terminated"
                i.ended_at = self.now
            elif (i.state == "pending" and
                  self.now >= i.launch_time + self.boot_time_s):
                i.state = "running"
        for request in sorted(self.requests.values(), key=lambda r: r.seq):
            if request.state == "open":
                self._evaluate(request)
        for i in list(self.instances.values()):
            if (i.state == "terminated" and
                    self.now >= i.ended_at + TERMINATED_VISIBLE_S):
                del self.instances[i.id]


def _read_catalogue(path, region):
    """type -> [(valid from, valid to, on-demand price)] for the region."""
    catalogue = {}
    if not path or not os.path.exists(path):
        return catalogue
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row.get("region") != region or not row.get(
                    "on_demand_usd_per_hour"):
                continue
            catalogue.setdefault(row["instance_type"], []).append(
                (_day(row["valid_from"]), _day(row["valid_to"]),
                 Decimal(row["on_demand_usd_per_hour"])))
    for rows in catalogue.values():
        rows.sort()
    return catalogue


def _day(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%d"))
