"""The form parameters of one EC2 call, read the way EC2 reads them.

Lists are Name.1, Name.2, ...; structures are dot paths. Every parameter
must match one of the action's accepted patterns, so a misspelt name is an
UnknownParameter error instead of being ignored.
"""

import base64
import binascii
import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from .errors import Ec2Error, quote

MAX_PRICE = Decimal(1000)  # USD per instance-hour


def parse_form(body):
    """The name -> value map of a form body; a name given twice is an error."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Ec2Error("InvalidParameterValue", "the body is not UTF-8")
    params = {}
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                          errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise Ec2Error("InvalidParameterValue",
                       "the body is not a form (name=value&...) in UTF-8")
    for name, value in pairs:
        if name in params:
            raise Ec2Error("InvalidParameterValue",
                           f"The parameter {quote(name)} is given twice")
        params[name] = value
    return params


def parse_time(name, value):
    """ISO-8601 UTC (fractional seconds allowed) to epoch seconds."""
    m = re.fullmatch(
        r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]00:?00)?",
        value)
    if not m:
        raise Ec2Error("InvalidParameterValue",
                       f"Value ({quote(value)}) for parameter {name} is not "
                       "a valid ISO-8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)")
    try:
        t = datetime.datetime(*(int(g) for g in m.groups()[:6]))
    except ValueError:
        raise Ec2Error("InvalidParameterValue",
                       f"Value ({quote(value)}) for parameter {name} is not "
                       "a valid time")
    fraction = float(m.group(7)) if m.group(7) else 0.0
    return calendar.timegm(t.timetuple()) + fraction


def parse_price(name, value):
    try:
        p = Decimal(value)
    except InvalidOperation:
        p = None
    if p is None or not p.is_finite() or p <= 0 or p > MAX_PRICE:
        raise Ec2Error("InvalidParameterValue",
                       f"Value ({quote(value)}) for parameter {name} is not "
                       f"a price in USD per hour (above 0, at most "
                       f"{MAX_PRICE})")
    return p


def wildcard(pattern):
    """An EC2 filter value: * and ? are wildcards, the rest literal."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                    for c in pattern)
    return re.compile(regex, re.DOTALL)


class Params:
    def __init__(self, values):
        self.values = values

    def check_known(self, patterns):
        """UnknownParameter for any name no pattern (a regex) matches."""
        compiled = [re.compile(p) for p in patterns]
        for name in sorted(self.values):
            if not any(c.fullmatch(name) for c in compiled):
                raise Ec2Error("UnknownParameter",
                               f"The parameter {quote(name)} is not "
                               "recognized")

    def get(self, name, default=None):
        return self.values.get(name, default)

    def required(self, name):
        value = self.values.get(name)
        if value is None or value == "":
            raise Ec2Error("MissingParameter",
                           f"The request must contain the parameter {name}")
        return value

    def integer(self, name, default=None, low=None, high=None):
        value = self.values.get(name)
        if value is None:
            return default
        if not re.fullmatch(r"-?\d{1,9}", value):
            raise Ec2Error("InvalidParameterValue",
                           f"Value ({quote(value)}) for parameter {name} is "
                           "not an integer")
        n = int(value)
        if (low is not None and n < low) or (high is not None and n > high):
            raise Ec2Error("InvalidParameterValue",
                           f"Value ({n}) for parameter {name} is out of range "
                           f"[{low}, {high}]")
        return n

    def boolean(self, name):
        value = self.values.get(name)
        if value is None:
            return False
        if value not in ("true", "false"):
            raise Ec2Error("InvalidParameterValue",
                           f"Value ({quote(value)}) for parameter {name} is "
                           "not true or false")
        return value == "true"

    def time(self, name):
        value = self.values.get(name)
        return None if value is None else parse_time(name, value)

    def price(self, name):
        value = self.values.get(name)
        return None if value is None else parse_price(name, value)

    def base64(self, name, max_bytes):
        value = self.values.get(name)
        if value is None:
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except binascii.Error:
            raise Ec2Error("InvalidParameterValue",
                           f"Invalid BASE64 encoding of {name}")
        if len(raw) > max_bytes:
            raise Ec2Error("InvalidParameterValue",
                           f"{name} is {len(raw)} bytes, more than "
                           f"{max_bytes}")
        return value

    def indexes(self, prefix):
        """The N of every prefix.N and prefix.N.*, in numeric order."""
        found = set()
        pattern = re.compile(re.escape(prefix) + r"\.([1-9]\d{0,3})(?:\.|$)")
        for name in self.values:
            m = pattern.match(name)
            if m:
                found.add(int(m.group(1)))
        return sorted(found)

    def strings(self, prefix):
        """prefix.1, prefix.2, ... as a list."""
        return [self.values[f"{prefix}.{n}"] for n in self.indexes(prefix)
                if f"{prefix}.{n}" in self.values]

    def filters(self, known):
        """Filter.N.Name / Filter.N.Value.M as [(name, [regex])]."""
        result = []
        for n in self.indexes("Filter"):
            name = self.required(f"Filter.{n}.Name")
            if not (name in known or
                    (name.startswith("tag:") and "tag:" in known)):
                raise Ec2Error("InvalidParameterValue",
                               f"The filter '{quote(name)}' is invalid")
            values = self.strings(f"Filter.{n}.Value")
            if not values:
                raise Ec2Error("MissingParameter",
                               f"The request must contain the parameter "
                               f"Filter.{n}.Value.1")
            result.append((name, [wildcard(v) for v in values]))
        return result

    def tag_specifications(self, allowed_types):
        """TagSpecification.N as {resource type: {key: value}}."""
        result = {}
        for n in self.indexes("TagSpecification"):
            prefix = f"TagSpecification.{n}"
            kind = self.required(f"{prefix}.ResourceType")
            if kind not in allowed_types:
                raise Ec2Error("InvalidParameterValue",
                               f"'{quote(kind)}' is not a valid taggable "
                               f"resource type for this operation (expected "
                               f"{' or '.join(allowed_types)})")
            tags = result.setdefault(kind, {})
            tags.update(self.tags(f"{prefix}.Tag"))
        return result

    def tags(self, prefix):
        """prefix.N.Key / prefix.N.Value as an ordered {key: value}."""
        tags = {}
        for n in self.indexes(prefix):
            key = self.required(f"{prefix}.{n}.Key")
            value = self.get(f"{prefix}.{n}.Value", "")
            check_tag(key, value)
            tags[key] = value
        return tags


def check_tag(key, value):
    if len(key) > 127 or key.lower().startswith("aws:"):
        raise Ec2Error("InvalidParameterValue",
                       f"Tag key '{quote(key)}' must be at most 127 "
                       "characters and not start with aws:")
    if len(value) > 256:
        raise Ec2Error("InvalidParameterValue",
                       f"The value of tag '{quote(key)}' is longer than 256 "
                       "characters")
