"""XML of instances and spot requests, shared by several actions."""

from . import model
from .xmlout import items, node, price, tag_set, text, timestamp


def state(name):
    return text("code", model.STATE_CODES[name]) + text("name", name)


def groups(ids):
    return items("groupSet", [text("groupId", g) for g in ids])


def instance(i):
    reason = ""
    if i.state_reason:
        reason = node("stateReason", text("code", i.state_reason[0]),
                      text("message", i.state_reason[1]))
    dns = "ip-" + i.private_ip.replace(".", "-") + ".ec2.internal"
    profile = ""
    if i.iam_profile:
        profile = node("iamInstanceProfile", text(
            "arn", f"arn:aws:iam::{model.OWNER_ID}:instance-profile/"
                   f"{i.iam_profile}"))
    return "".join([
        text("instanceId", i.id),
        text("imageId", i.image_id),
        node("instanceState", state(i.state)),
        text("privateDnsName", dns if i.state != "terminated" else ""),
        text("keyName", i.key_name),
        text("amiLaunchIndex", i.index),
        text("instanceType", i.instance_type),
        text("launchTime", timestamp(i.launch_time)),
        node("placement", text("availabilityZone", i.zone),
             text("tenancy", "default")),
        text("subnetId", i.subnet_id),
        text("vpcId", model.VPC_ID if i.state != "terminated" else None),
        text("privateIpAddress",
             i.private_ip if i.state != "terminated" else None),
        groups(i.security_groups),
        reason,
        text("instanceLifecycle", "spot" if i.lifecycle == "spot" else None),
        text("spotInstanceRequestId", i.spot_request_id),
        text("clientToken", i.client_token),
        profile,
        tag_set(i.tags),
    ])


def reservations(instances):
    """reservationSet items: consecutive instances of one reservation
    share an item."""
    parts = []
    group = []
    for i in instances:
        if group and group[-1].reservation_id != i.reservation_id:
            parts.append(reservation(group))
            group = []
        group.append(i)
    if group:
        parts.append(reservation(group))
    return items("reservationSet", parts)


def reservation(group):
    return (text("reservationId", group[0].reservation_id) +
            text("ownerId", model.OWNER_ID) + node("groupSet") +
            items("instancesSet", [instance(i) for i in group]))


def spot_request(r):
    spec = [
        text("imageId", r.image_id),
        text("keyName", r.key_name),
        groups(r.security_groups),
        text("instanceType", r.instance_type),
    ]
    if r.zone:
        spec.append(node("placement", text("availabilityZone", r.zone)))
    spec.append(text("subnetId", r.subnet_id))
    if r.iam_profile:
        spec.append(node("iamInstanceProfile", text("name", r.iam_profile)))
    spec.append(node("monitoring", text("enabled", False)))
    return "".join([
        text("spotInstanceRequestId", r.id),
        text("spotPrice", price(r.spot_price)),
        text("type", "one-time"),
        text("state", r.state),
        node("status", text("code", r.status),
             text("updateTime", timestamp(r.update_time)),
             text("message", model.STATUS_MESSAGES.get(r.status, r.status))),
        node("launchSpecification", *spec),
        text("instanceId", r.instance_id),
        text("createTime", timestamp(r.create_time)),
        text("productDescription", model.DEFAULT_PRODUCT),
        text("launchedAvailabilityZone", r.launched_zone),
        text("validUntil", timestamp(r.valid_until)),
        text("instanceInterruptionBehavior", "terminate"),
        tag_set(r.tags),
    ])
