"""Identifiers: cuid-style `id`s and the display_id-or-cuid rule for path parameters.

A cuid here is `c` + 24 lowercase base36 characters (25 in all), laid out like cuid v1:
8 of timestamp, 4 of a per-factory counter, 4 of fingerprint, 8 random. The counter and
the random block make two ids from one millisecond differ; the store's UNIQUE constraint
is the last word.
"""

from __future__ import annotations

import random
import secrets
import threading

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_MAX_DISPLAY_ID = 2**63 - 1  # SQLite INTEGER; larger digit strings cannot match a row.


def _base36(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, rest = divmod(value, 36)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits))


class CuidFactory:
    """Makes cuids; pass a seeded `random.Random` for reproducible ids (demo data)."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng
        self._counter = 0
        self._lock = threading.Lock()
        self._fingerprint = _base36(self._randbits(32), 4)

    def _randbits(self, bits: int) -> int:
        return self._rng.getrandbits(bits) if self._rng else secrets.randbits(bits)

    def new(self, now_us: int) -> str:
        with self._lock:
            self._counter = (self._counter + 1) % 36**4
            counter = self._counter
        return (
            "c"
            + _base36(now_us // 1000, 8)
            + _base36(counter, 4)
            + self._fingerprint
            + _base36(self._randbits(41), 8)
        )


def parse_id(value: str) -> tuple[str, int | str]:
    """`("display_id", 245)` for all digits, else `("id", value)`; the docs' rule.

    A digit string too large for any display_id resolves to display_id -1, which
    matches nothing, so the caller answers 404 like for any unknown id.
    """
    if value.isascii() and value.isdigit():
        number = int(value)
        return "display_id", number if number <= _MAX_DISPLAY_ID else -1
    return "id", value
