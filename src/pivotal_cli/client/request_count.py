"""How many requests a command sent, by method and path: the `--cost` line.

The HTTP core (`client/http.py`) adds every attempt it sends, retries included, since
each one spends the key's rate budget. Paths are grouped with their ids replaced by
`{id}`, so a hundred name lookups read as one entry. Bulk jobs send from several
threads, hence the lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from functools import lru_cache
from urllib.parse import urlsplit

ID = "{id}"


@lru_cache(maxsize=256)  # a bulk job sends thousands of requests to the same few paths
def path_template(path: str) -> str:
    """`/customers/cus_1/contacts` -> `/customers/{id}/contacts`; the query left out.

    The API's paths alternate collection and id (`/customers/{id}/contacts/{id}`), so
    every second segment is an id; a one-word path (`/me`, `/health`) has none.
    """
    parts = urlsplit(path).path.strip("/").split("/")
    shown = [ID if i % 2 and part else part for i, part in enumerate(parts)]
    return "/" + "/".join(shown)


class RequestCount:
    """Requests sent so far, by `METHOD /path/{id}`; shared by every client of a command."""

    def __init__(self) -> None:
        self._by_route: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, method: str, path: str) -> None:
        route = f"{method.upper()} {path_template(path)}"
        with self._lock:
            self._by_route[route] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._by_route.values())

    def summary(self) -> str:
        """`3 requests (2 GET /onboardings, 1 GET /customers)`, most frequent first."""
        with self._lock:
            routes = self._by_route.most_common()
        total = sum(count for _, count in routes)
        noun = "request" if total == 1 else "requests"
        if not routes:
            return f"0 {noun}"
        return f"{total} {noun} ({', '.join(f'{n} {route}' for route, n in routes)})"
