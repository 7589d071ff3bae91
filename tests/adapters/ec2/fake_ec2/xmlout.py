"""Response bodies: EC2's XML, written from the reference's element names.

Success bodies are <ActionResponse xmlns=NS><requestId>...; error bodies
<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>
without a namespace, as EC2 sends them.
"""

import datetime
from xml.sax.saxutils import escape

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def text(tag, value):
    """<tag>value</tag>; None gives nothing (absent optional fields)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def node(tag, *children):
    """<tag>children</tag>, the children already XML."""
    inner = "".join(children)
    return f"<{tag}>{inner}</{tag}>" if inner else f"<{tag}/>"


def items(tag, parts):
    """<tag><item>part</item>...</tag>, parts already XML."""
    return node(tag, *(node("item", p) for p in parts))


def tag_set(tags):
    if not tags:
        return ""
    return items("tagSet", [text("key", k) + text("value", v)
                            for k, v in tags.items()])


def timestamp(epoch):
    """EC2's timestamps: UTC with milliseconds, 2024-05-02T09:16:40.000Z."""
    if epoch is None:
        return None
    t = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def price(value):
    """Prices as EC2 writes them: a decimal string with 6 places."""
    return f"{value:.6f}"


def response(action, request_id, *children):
    return (DECLARATION + f'<{action}Response xmlns="{NS}">' +
            text("requestId", request_id) + "".join(children) +
            f"</{action}Response>")


def error(code, message, request_id):
    return (DECLARATION + "<Response><Errors><Error>" + text("Code", code) +
            text("Message", message) + "</Error></Errors>" +
            text("RequestID", request_id) + "</Response>")
