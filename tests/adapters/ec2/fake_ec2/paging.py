"""NextToken pagination with opaque tokens kept by the server.

A token remembers the filters of the call that made it (every parameter
but NextToken and MaxResults) and the sort key of the last item returned;
the next page starts after that key, so items added or removed between
pages neither repeat nor shift the listing.
"""

import secrets

from .errors import Ec2Error


class Paginator:
    def __init__(self):
        self._tokens = {}

    def page(self, action, params, items, key, max_results):
        """(the page of items, the next token or None).

        items: sorted by key; key(item) must be comparable.
        """
        fingerprint = (action, tuple(sorted(
            (k, v) for k, v in params.values.items()
            if k not in ("NextToken", "MaxResults"))))
        token = params.get("NextToken")
        if token:
            saved = self._tokens.get(token)
            if saved is None or saved[0] != fingerprint:
                raise Ec2Error("InvalidPaginationToken",
                               "The pagination token is invalid or was made "
                               "by a call with other parameters")
            after = saved[1]
            items = [i for i in items if key(i) > after]
        if max_results is None or len(items) <= max_results:
            return items, None
        page = items[:max_results]
        next_token = secrets.token_urlsafe(24)
        self._tokens[next_token] = (fingerprint, key(page[-1]))
        return page, next_token
