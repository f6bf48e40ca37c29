"""The verdicts of `pivotal doctor`, as pure functions of facts gathered elsewhere.

Each function takes what the command line measured (a key, a skew in seconds, a
base URL, proxy variables, file names) and answers with a status and the facts
behind it. No I/O here, and no advice naming commands: the command line words the
fixes, so the thresholds can be tested without a network or a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from pivotal_cli.domain.hosts import is_loopback

OK, WARN, FAIL = "ok", "warn", "fail"

# Clock skew: past a minute is worth a warning; past five minutes webhook signature
# checks (which allow that much drift) fail, so it is a failure.
SKEW_WARN_SECONDS = 60.0
SKEW_FAIL_SECONDS = 300.0

PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


@dataclass
class Check:
    """One line of the report: a name, a status, nested facts, and a fix for a problem."""

    name: str
    status: str
    detail: list[str] = field(default_factory=list)
    fix: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def summary(checks: Sequence[Check]) -> str:
    """`7 ok, 1 warning, 0 failures`."""
    ok = sum(c.status == OK for c in checks)
    warn = sum(c.status == WARN for c in checks)
    fail = sum(c.status == FAIL for c in checks)
    return (
        f"{ok} ok, {warn} warning{'' if warn == 1 else 's'}, "
        f"{fail} failure{'' if fail == 1 else 's'}"
    )


def failed(checks: Iterable[Check]) -> bool:
    """Whether any check failed: warnings alone never fail a run (CI relies on it)."""
    return any(c.status == FAIL for c in checks)


# -- the key's text -------------------------------------------------------------------

BEARER, WHITESPACE, CONTROL, PREFIX, SHORT = (
    "bearer",
    "whitespace",
    "control",
    "prefix",
    "short",
)


def bare_key(key: str) -> str:
    """The key without a pasted `Bearer ` prefix: what prefix and mode are read from."""
    if key.lower().startswith("bearer "):
        return key[len("bearer ") :].strip()
    return key


def key_format_issues(key: str) -> list[str]:
    """What is wrong with a key's text (empty: nothing); never echoes the key."""
    issues = []
    bare = key
    if key.lower().startswith("bearer "):
        # The whole Authorization header value was pasted, not just the key.
        issues.append(BEARER)
        bare = key[len("bearer ") :].lstrip()
    if any(c.isspace() for c in bare):
        issues.append(WHITESPACE)
    if any(ord(c) < 32 or ord(c) == 127 for c in bare if not c.isspace()):
        issues.append(CONTROL)
    if not bare.startswith("pivotal_"):
        issues.append(PREFIX)
    elif len(bare) < 16:
        issues.append(SHORT)
    return issues


# -- transport --------------------------------------------------------------------------


def transport_verdict(base_url: str) -> tuple[str, str]:
    """https anywhere, or plain http to this machine only: the key travels in a header."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if parts.scheme == "https":
        return OK, "TLS (https)"
    if parts.scheme == "http" and is_loopback(host):
        return OK, "plain http to loopback (this machine only)"
    if parts.scheme == "http":
        return FAIL, f"plain http to {host}: the key would cross the network unencrypted"
    return FAIL, f"unsupported scheme '{parts.scheme}'"


def proxy_verdict(environ: Mapping[str, str], base_url: str) -> tuple[str, list[str]]:
    """Which proxy variables are set (either case), and whether they bear on an https URL.

    A proxy in front of an https API sees only an encrypted tunnel, but it is the
    usual reason a request hangs or fails with a TLS error, so it is worth a warning.
    """
    found = []
    for name in PROXY_VARIABLES:
        value = environ.get(name) or environ.get(name.lower())
        if value:
            found.append(name)
    if not found:
        return OK, []
    through = [n for n in found if n != "NO_PROXY"]
    https = urlsplit(base_url).scheme == "https"
    status = WARN if https and through else OK
    return status, found


# -- clock ------------------------------------------------------------------------------


def server_time(date_header: str | None, timestamp: object = None) -> datetime | None:
    """The server's clock from a `Date` header, else an ISO 8601 `timestamp` field."""
    if date_header:
        try:
            parsed = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if isinstance(timestamp, str) and timestamp:
        try:
            parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def skew_verdict(skew_seconds: float) -> str:
    """OK within a minute, a warning up to five minutes, a failure past that."""
    size = abs(skew_seconds)
    if size > SKEW_FAIL_SECONDS:
        return FAIL
    if size > SKEW_WARN_SECONDS:
        return WARN
    return OK
