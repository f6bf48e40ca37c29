"""API keys: format, PBKDF2 hashing, the verification cache, and the sandbox keys file.

Live keys are `pivotal_` + 32 base62 characters, test keys `pivotal_test_` + 32. The
visible prefix is the mode prefix plus the first four secret characters
(`pivotal_abc1`, `pivotal_test_def4`). The store keeps only PBKDF2-SHA256 hashes, as the
docs say Pivotal does. Because these are sandbox keys, their plaintext is also written
to a 0600 `keys.json` next to the database so `serve`, `keys` and `--sandbox` can use
them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import secrets
import string
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from pivotal_cli.settings.paths import write_private

LIVE_PREFIX = "pivotal_"
TEST_PREFIX = "pivotal_test_"
SECRET_LENGTH = 32
# Modest on purpose: the plaintext of these sandbox keys sits in keys.json beside the
# database anyway, and every `pivotal --sandbox` process pays one verification.
DEFAULT_ITERATIONS = 20_000

_BASE62 = string.ascii_letters + string.digits
_KEY_RE = re.compile(r"pivotal_(test_)?([A-Za-z0-9]{32})")
_CACHE_LIMIT = 1024


@dataclass(frozen=True)
class SandboxKey:
    """A sandbox key with its plaintext, as `keys.json` and `running_server` expose it."""

    workspace: str
    name: str
    mode: str
    key: str
    revoked: bool


@dataclass(frozen=True)
class KeyHash:
    """What the store keeps instead of the key."""

    salt: str
    iterations: int
    digest: str


def generate_key(mode: str, rng: random.Random | None = None) -> str:
    """A fresh random key of the given mode (`live` or `test`).

    `rng` is for reproducible runs only (conformance, tests): a seeded generator makes
    the same keys every time. Without it the secret comes from `secrets`.
    """
    choice = rng.choice if rng is not None else secrets.choice
    secret = "".join(choice(_BASE62) for _ in range(SECRET_LENGTH))
    return (TEST_PREFIX if mode == "test" else LIVE_PREFIX) + secret


def parse_key(key: str) -> tuple[str, str] | None:
    """`(mode, visible_prefix)` for a well-formed key, else None."""
    match = _KEY_RE.fullmatch(key)
    if match is None:
        return None
    mode_prefix = TEST_PREFIX if match.group(1) else LIVE_PREFIX
    return ("test" if match.group(1) else "live"), mode_prefix + match.group(2)[:4]


def hash_key(key: str, iterations: int = DEFAULT_ITERATIONS) -> KeyHash:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", key.encode(), salt, iterations)
    return KeyHash(salt.hex(), iterations, digest.hex())


def verify_key(key: str, stored: KeyHash) -> bool:
    digest = hashlib.pbkdf2_hmac(
        "sha256", key.encode(), bytes.fromhex(stored.salt), stored.iterations
    )
    return hmac.compare_digest(digest.hex(), stored.digest)


def fingerprint(key: str) -> str:
    """A cheap stand-in for the key in memory (never the key itself)."""
    return hashlib.sha256(key.encode()).hexdigest()


class VerificationCache:
    """Remembers which key id a key verified as, so PBKDF2 runs once per key.

    Only the mapping is cached: the caller re-reads the key row on every request, so a
    revocation (even by another process) takes effect on the next request.
    """

    def __init__(self) -> None:
        self._known: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._known.get(fingerprint(key))

    def knows(self, key: str) -> bool:
        """Whether `key` has verified before (so no PBKDF2 runs for it now)."""
        return self.get(key) is not None

    def put(self, key: str, key_id: str) -> None:
        with self._lock:
            if len(self._known) >= _CACHE_LIMIT:
                self._known.clear()
            self._known[fingerprint(key)] = key_id

    def forget(self, key: str) -> None:
        with self._lock:
            self._known.pop(fingerprint(key), None)


def keys_file_for(db_path: Path) -> Path:
    """`keys.json` beside `sandbox.db`; `<stem>.keys.json` beside any other database."""
    if db_path.name == "sandbox.db":
        return db_path.with_name("keys.json")
    return db_path.with_name(db_path.stem + ".keys.json")


def write_keys_file(path: Path, keys: list[SandboxKey]) -> None:
    """Writes the plaintext sandbox keys, readable by the owner only, atomically."""
    payload = {
        "note": "Sandbox keys for the local Pivotal sandbox only; they open nothing else.",
        "keys": [asdict(key) for key in keys],
    }
    write_private(path, json.dumps(payload, indent=2) + "\n")


def read_keys_file(path: Path) -> list[SandboxKey]:
    """The keys in `path`, or an empty list when it is missing or unreadable."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return [SandboxKey(**entry) for entry in payload["keys"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []
