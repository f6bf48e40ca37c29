"""`pivotal doctor`: check the setup end to end, one line per check, a fix under each problem.

The command gathers facts (config file, key, keyring, /health, /me, directories,
import journal, versions); the verdicts on them are pure functions in
`domain/doctor.py`; the fixes, which name commands, are worded here. Only a failure
makes the exit code non-zero: a warning never does, so CI can run doctor as a gate.
Every network call is tried once with a short budget, and the keyring is time-boxed,
so a down API or a hung keyring costs seconds, not minutes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import JsonOpt, group

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext, Target
    from pivotal_cli.client.meta import HealthProbe
    from pivotal_cli.domain.doctor import Check

app = group("Check the setup: config, key, keyring, API, clock, directories.")

# Seconds each API call of a check may take in all: one try, no retries.
API_BUDGET = 5.0
# Seconds the keyring may take to answer before doctor reports it as hung.
KEYRING_SECONDS = 3.0

TITLES = {
    "config": "Config file",
    "key_source": "API key source",
    "keyring": "Keyring",
    "key_format": "API key format",
    "api": "API reachable",
    "tls": "Transport security",
    "proxy": "Proxy variables",
    "clock": "Clock",
    "me": "Key identity (/me)",
    "directories": "Local directories",
    "imports": "Import jobs",
    "versions": "Versions",
}
SYMBOLS = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "bold red")}


@app.command("doctor")
@handle_errors
@jq_flags
def doctor(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Check config, key, keyring, API, clock skew, /me, directories and versions.

    Each check prints ✓, ! or ✗ (ok, warn, fail in a pipe) with a fix under each
    problem. Exits 1 only when a check fails; warnings exit 0.
    """
    from pivotal_cli.domain.doctor import failed

    app_ctx: AppContext = ctx.obj
    checks = gather(app_ctx)
    out = app_ctx.output
    if json_:
        out.json([c.to_json() for c in checks])
    else:
        render(app_ctx, checks)
    if failed(checks):
        raise typer.Exit(1)


def gather(app_ctx: AppContext) -> list[Check]:
    """Run every check in order; later ones use what earlier ones found."""
    checks = [check_config(app_ctx)]
    keyring_check = check_keyring(app_ctx)
    source_check, target = check_key_source(app_ctx)
    checks += [source_check, keyring_check]
    if target is not None and target.api_key:
        checks.append(check_key_format(target.api_key))
    base_target = target or _keyless_target(app_ctx)
    if base_target is not None:
        api_check, probe = check_api(app_ctx, base_target)
        checks += [
            api_check,
            check_tls(base_target),
            check_proxy(base_target),
        ]
        if probe is not None:
            checks.append(check_clock(probe))
            if target is not None and target.api_key:
                # Closing a client closes the embedded sandbox's transport with it:
                # /me gets a sandbox connection of its own.
                if target.source == "sandbox":
                    target = app_ctx.target()
                checks.append(check_me(app_ctx, target))
    checks += [check_directories(), check_imports(), check_versions()]
    return checks


# -- config and key -------------------------------------------------------------------


def check_config(app_ctx: AppContext) -> Check:
    from pivotal_cli.domain.doctor import FAIL, OK, Check
    from pivotal_cli.errors import PivotalError
    from pivotal_cli.settings.config import Config
    from pivotal_cli.settings.paths import config_dir

    path = config_dir() / "config.json"
    try:
        config = Config.load(path)
    except PivotalError as exc:
        return Check(
            "config",
            FAIL,
            [exc.message],
            f"Fix the JSON in {path} or move the file aside, then run `pivotal auth login`.",
        )
    if not path.exists():
        return Check("config", OK, [f"{path} (not created yet: no stored keys)"])
    n = len(config.workspaces)
    return Check("config", OK, [str(path), f"{n} workspace{'' if n == 1 else 's'} stored"])


def check_key_source(app_ctx: AppContext) -> tuple[Check, Target | None]:
    """Where the key comes from, and whether PIVOTAL_API_KEY hides a stored one."""
    import os

    from pivotal_cli.cli.hints import hint_for
    from pivotal_cli.domain.api_keys import key_prefix, mode_of_key
    from pivotal_cli.domain.doctor import FAIL, OK, WARN, Check, bare_key
    from pivotal_cli.errors import PivotalError

    try:
        target = app_ctx.target()
    except PivotalError as exc:
        return Check(
            "key_source", FAIL, [exc.message], hint_for(exc) or "Run `pivotal auth login`."
        ), None
    label = {
        "sandbox": "the sandbox's built-in key",
        "PIVOTAL_API_KEY": "the PIVOTAL_API_KEY environment variable",
        "keyring": "the system keyring",
        "file": "the credentials file (--insecure-storage)",
    }.get(target.source, target.source)
    bare = bare_key(target.api_key or "")
    mode = mode_of_key(bare) if bare else target.mode
    detail = [f"from {label}", f"key {key_prefix(bare)}… ({mode or 'unknown'} mode)"]
    env_set = bool(os.environ.get("PIVOTAL_API_KEY", "").strip())
    if target.source == "sandbox":
        if env_set:
            detail.append("PIVOTAL_API_KEY is set but not used: --sandbox uses its own key")
        return Check("key_source", OK, detail), target
    if target.source == "PIVOTAL_API_KEY":
        stored = _stored_keys(app_ctx)
        if stored:
            detail.append(f"PIVOTAL_API_KEY shadows the stored key for {', '.join(stored)}")
            return Check(
                "key_source",
                WARN,
                detail,
                "Unset PIVOTAL_API_KEY to use the stored key, or keep it set on purpose "
                "(CI); `pivotal auth status` lists both.",
            ), target
    return Check("key_source", OK, detail), target


def _stored_keys(app_ctx: AppContext) -> list[str]:
    """`acme (test)` for each key in the config; none when the config is unreadable."""
    from pivotal_cli.errors import PivotalError

    try:
        config = app_ctx.config
    except PivotalError:
        return []
    return [
        f"{slug} ({mode})"
        for slug, ws in sorted(config.workspaces.items())
        for mode in sorted(ws.keys)
    ]


def _keyless_target(app_ctx: AppContext) -> Target | None:
    """Where /health goes when no key could be resolved (it needs none)."""
    from pivotal_cli.errors import PivotalError

    try:
        return app_ctx.target(require_key=False)
    except PivotalError:
        return None


def check_keyring(app_ctx: AppContext) -> Check:
    from pivotal_cli.domain.doctor import FAIL, OK, WARN, Check
    from pivotal_cli.errors import CredentialsError

    store = app_ctx.keystore
    try:
        name = store.backend_name(timeout=min(KEYRING_SECONDS, store.timeout))
    except CredentialsError as exc:
        if exc.reason == "no_keyring":
            return Check(
                "keyring",
                WARN,
                ["no keyring: use PIVOTAL_API_KEY or --insecure-storage"],
                "Set PIVOTAL_API_KEY, or store the key in a 0600 file with "
                "`pivotal auth login --insecure-storage`.",
            )
        return Check(
            "keyring",
            FAIL if _needs_keyring(app_ctx) else WARN,
            [exc.message],
            "Unlock the system keyring (or restart its service), or set PIVOTAL_API_KEY.",
        )
    return Check("keyring", OK, [f"backend: {name}"])


def _needs_keyring(app_ctx: AppContext) -> bool:
    """Whether the key this command would use lives in the keyring."""
    import os

    from pivotal_cli.errors import PivotalError

    if app_ctx.settings.sandbox or os.environ.get("PIVOTAL_API_KEY", "").strip():
        return False
    try:
        config = app_ctx.config
    except PivotalError:
        return False
    slug, mode = config.resolve(app_ctx.settings.workspace, app_ctx.settings.mode)
    ws = config.workspaces.get(slug) if slug else None
    record = ws.keys.get(mode) if ws and mode else None
    return record is not None and record.storage == "keyring"


def check_key_format(key: str) -> Check:
    from pivotal_cli.domain.api_keys import key_prefix
    from pivotal_cli.domain.doctor import (
        BEARER,
        CONTROL,
        FAIL,
        OK,
        PREFIX,
        SHORT,
        WHITESPACE,
        Check,
        bare_key,
        key_format_issues,
    )

    issues = key_format_issues(key)
    bare = bare_key(key)
    if not issues:
        return Check("key_format", OK, [f"{key_prefix(bare)}… (pivotal_ prefix, no whitespace)"])
    words = {
        BEARER: "a `Bearer ` prefix was pasted with the key (the key alone is needed)",
        WHITESPACE: "the key contains whitespace",
        CONTROL: "the key contains control characters",
        PREFIX: "the key does not start with pivotal_ or pivotal_test_",
        SHORT: "the key is too short to be a Pivotal API key",
    }
    fix = (
        "Drop the `Bearer ` prefix: set only the key, pivotal_…"
        if BEARER in issues
        else "Copy the key again from Admin > API Keys, then run `pivotal auth login`."
    )
    return Check("key_format", FAIL, [words[i] for i in issues], fix)


# -- the API --------------------------------------------------------------------------


def _check_client(app_ctx: AppContext, target: Target, key: str | None) -> Any:
    from pivotal_cli.client.http import RetryPolicy

    # One try, short budget: doctor reports a down API, it does not wait it out.
    return app_ctx.client_for(
        target.base_url,
        key,
        transport=target.transport,
        retry=RetryPolicy(max_attempts=1, max_connect_attempts=1),
        budget=API_BUDGET,
    )


def check_api(app_ctx: AppContext, target: Target) -> tuple[Check, HealthProbe | None]:
    from pivotal_cli.client.meta import probe_health
    from pivotal_cli.domain.doctor import FAIL, OK, Check
    from pivotal_cli.errors import PivotalError

    try:
        # /health is unauthenticated: never send a key to it.
        with _check_client(app_ctx, target, None) as client:
            probe = probe_health(client)
    except PivotalError as exc:
        return Check(
            "api",
            FAIL,
            [target.base_url, exc.message],
            "Check the network and the base URL (--base-url / PIVOTAL_BASE_URL), "
            "then run `pivotal health`.",
        ), None
    body = probe.body if isinstance(probe.body, dict) else {}
    status = body.get("status")
    detail = [target.base_url, f"GET /health: {status} in {probe.latency_ms:.0f} ms"]
    if status != "ok":
        return Check("api", FAIL, detail, "The API reports a problem; try again later."), probe
    return Check("api", OK, detail), probe


def check_tls(target: Target) -> Check:
    from pivotal_cli.domain.doctor import OK, Check, transport_verdict

    status, text = transport_verdict(target.base_url)
    if target.source == "sandbox":
        return Check("tls", OK, ["in-process sandbox: nothing leaves this machine"])
    fix = None if status == OK else "Use the https:// base URL of the API."
    return Check("tls", status, [text], fix)


def check_proxy(target: Target) -> Check:
    import os

    from pivotal_cli.domain.doctor import OK, Check, proxy_verdict

    status, names = proxy_verdict(os.environ, target.base_url)
    if target.source == "sandbox":
        detail = ["not used: the sandbox runs in-process"]
        if names:
            detail.append(f"set: {', '.join(names)}")
        return Check("proxy", OK, detail)
    if not names:
        return Check("proxy", OK, ["none set"])
    fix = (
        None
        if status == OK
        else "If requests hang or fail with TLS errors, unset the proxy variables "
        "or add the API's host to NO_PROXY."
    )
    return Check("proxy", status, [f"set: {', '.join(names)}"], fix)


def check_clock(probe: HealthProbe) -> Check:
    import time
    from datetime import datetime, timezone

    from pivotal_cli.domain.doctor import OK, WARN, Check, server_time, skew_verdict

    headers = {k.lower(): v for k, v in probe.headers.items()}
    body = probe.body if isinstance(probe.body, dict) else {}
    server = server_time(headers.get("date"), body.get("timestamp"))
    if server is None:
        return Check(
            "clock", WARN, ["the server sent no Date header or timestamp: skew not checked"]
        )
    # The server stamped its clock about half a round trip ago.
    local = datetime.fromtimestamp(time.time() - probe.latency_ms / 2000, timezone.utc)
    skew = (server - local).total_seconds()
    status = skew_verdict(skew)
    way = "behind" if skew > 0 else "ahead of"
    detail = [f"local clock {abs(skew):.0f} s {way} the server's"]
    if status == OK:
        return Check("clock", OK, detail)
    detail.append("webhook signatures fail past 5 minutes of skew")
    return Check("clock", status, detail, "Sync the system clock (turn on NTP / automatic time).")


def check_me(app_ctx: AppContext, target: Target) -> Check:
    import time

    from pivotal_cli.cli.hints import hint_for
    from pivotal_cli.client.meta import get_me
    from pivotal_cli.domain.doctor import FAIL, OK, WARN, Check
    from pivotal_cli.errors import PivotalError

    try:
        with _check_client(app_ctx, target, target.api_key) as client:
            identity, _raw, bucket = get_me(client)
    except PivotalError as exc:
        return Check("me", FAIL, [exc.message], hint_for(exc) or "Run `pivotal auth login`.")
    mode = identity.mode or target.mode or "unknown"
    workspace = identity.org_slug + (f" ({identity.org_name})" if identity.org_name else "")
    if bucket.limit is not None:
        reset = f", resets in {max(0, int(bucket.reset - time.time()))} s" if bucket.reset else ""
        left = f"requests left: {bucket.remaining}/{bucket.limit}{reset}"
    else:
        left = "requests left: not reported"
    detail = [
        f"workspace: {workspace}",
        f"key: {identity.key_name} ({identity.key_prefix}…)",
        f"mode: {'LIVE' if mode == 'live' else mode}",
        f"rate tier: {identity.rate_limit_tier or 'not reported'}",
        left,
    ]
    wanted = app_ctx.settings.mode
    if wanted and wanted != mode:
        detail.append(f"{wanted} mode was asked for, but this key is a {mode} key")
        return Check(
            "me",
            WARN,
            detail,
            f"Use a pivotal_{'test_' if wanted == 'test' else ''}… key for {wanted} mode.",
        )
    return Check("me", OK, detail)


# -- this machine ---------------------------------------------------------------------


def _writable(path: Path) -> tuple[bool, str]:
    """Whether files can be created in `path`, creating nothing that stays."""
    import os
    import tempfile

    if path.is_dir():
        try:
            fd, name = tempfile.mkstemp(dir=path, prefix=".doctor-")
        except OSError as exc:
            return False, f"{path}: not writable ({exc.strerror})"
        os.close(fd)
        os.unlink(name)
        return True, f"{path}: writable"
    if path.exists():
        return False, f"{path}: exists but is not a directory"
    # Not created yet: it will be, under its nearest existing ancestor.
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
        return True, f"{path}: not created yet (can be)"
    return False, f"{path}: cannot be created ({parent} is not writable)"


def check_directories() -> Check:
    from pivotal_cli.domain.doctor import FAIL, OK, WARN, Check
    from pivotal_cli.settings.paths import cache_dir, config_dir, state_dir

    results = [
        ("config", config_dir(), FAIL),
        ("state", state_dir(), WARN),
        ("cache", cache_dir(), WARN),
    ]
    detail = []
    status = OK
    for label, path, severity in results:
        ok, text = _writable(path)
        detail.append(f"{label} {text}")
        if not ok and (status == OK or severity == FAIL):
            status = severity
    fix = None if status == OK else "Fix the permissions of the directories named above."
    return Check("directories", status, detail, fix)


def check_imports() -> Check:
    import os

    from pivotal_cli.domain.doctor import OK, WARN, Check
    from pivotal_cli.jobs import paths

    folder = paths.imports_dir()
    if folder.exists() and not os.access(folder, os.R_OK | os.X_OK):
        return Check("imports", WARN, [f"{folder}: unreadable"])
    jobs = paths.unfinished_jobs()
    if not jobs:
        return Check("imports", OK, ["no import jobs"])
    return Check(
        "imports",
        WARN,
        [f"unfinished: {job} (resume: pivotal import resume {job})" for job in jobs],
        "Resume each job with `pivotal import resume <name>`, or delete its file.",
    )


def check_versions() -> Check:
    import platform
    import sys
    from importlib.metadata import PackageNotFoundError, version

    from pivotal_cli import __version__
    from pivotal_cli.domain.doctor import OK, Check

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    return Check(
        "versions",
        OK,
        [
            f"pivotal {__version__}",
            f"Python {sys.version.split()[0]} ({platform.python_implementation()})",
            f"platform {platform.platform()}",
            f"httpx {of('httpx')}, typer {of('typer')}, rich {of('rich')}",
        ],
    )


# -- output ---------------------------------------------------------------------------


def render(app_ctx: AppContext, checks: list[Check]) -> None:
    """✓ / ! / ✗ lines with nested detail on a terminal; ok / warn / fail in a pipe."""
    from rich.markup import escape

    from pivotal_cli.domain.doctor import summary

    out = app_ctx.output
    for check in checks:
        title = TITLES.get(check.name, check.name)
        if out.is_tty:
            symbol, style = SYMBOLS[check.status]
            out.console.print(f"[{style}]{symbol}[/] {escape(title)}")
            for text in check.detail:
                out.console.print(f"    [dim]{escape(text)}[/]")
            if check.fix and check.status != "ok":
                out.console.print(f"    [{style}]fix:[/] {escape(check.fix)}")
        else:
            out.line(f"{check.status:<4}  {title}")
            for text in check.detail:
                out.line(f"      {text}")
            if check.fix and check.status != "ok":
                out.line(f"      fix: {check.fix}")
    line = summary(checks)
    if out.is_tty:
        out.console.print(f"\n{escape(line)}")
    else:
        out.line(line)
