"""EC2 errors: a code, a message and the HTTP status EC2 answers with."""

# Statuses EC2 answers with for the codes the fake raises; any other code
# is a client error (400).
_STATUS = {
    "AuthFailure": 401,
    "MissingAuthenticationToken": 401,
    "SignatureDoesNotMatch": 403,
    "UnauthorizedOperation": 403,
    "DryRunOperation": 412,
    "RequestLimitExceeded": 503,
    "InsufficientInstanceCapacity": 500,
    "InternalError": 500,
}

# Longest piece of client input an error message quotes.
MAX_QUOTE = 64


class Ec2Error(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def status(self):
        return _STATUS.get(self.code, 400)


def quote(value):
    """The value for an error message, cut to MAX_QUOTE characters."""
    text = str(value)
    if len(text) > MAX_QUOTE:
        return text[:MAX_QUOTE] + "..."
    return text
