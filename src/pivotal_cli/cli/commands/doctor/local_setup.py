"""The doctor's checks of the local setup: the config file, where the key comes from,
the keyring, and the key's text. Each gathers facts and words the fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext, Target
    from pivotal_cli.domain.doctor import Check
    from pivotal_cli.errors import PivotalError

# Seconds the keyring may take to answer before doctor reports it as hung.
KEYRING_SECONDS = 3.0


def login_fix(exc: PivotalError) -> str:
    """The next step for an error about the key: its own hint, else logging in."""
    from pivotal_cli.cli.hints import hint_for

    return hint_for(exc) or "Run `pivotal auth login`."


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

    from pivotal_cli.domain.api_keys import key_prefix, mode_of_key
    from pivotal_cli.domain.doctor import FAIL, OK, WARN, Check, bare_key
    from pivotal_cli.errors import PivotalError

    try:
        target = app_ctx.target()
    except PivotalError as exc:
        return Check("key_source", FAIL, [exc.message], login_fix(exc)), None
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
