"""`pivotal auth`: log in with an API key, list and check stored keys, pick the default.

Keys are read from a hidden prompt or, for CI, from stdin (`--with-key`); never from a
plain argument, which would land in shell history and `ps`.
"""

import sys
from typing import Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import JsonOpt, ModeOpt, group

app = group("Log in, list stored keys, pick the default workspace and mode.")

WithKeyOpt = Annotated[
    bool, typer.Option("--with-key", help="Read the key from standard input (for CI).")
]
InsecureOpt = Annotated[
    bool,
    typer.Option(
        "--insecure-storage",
        help="Keep the key in a 0600 file instead of the OS keyring (for machines without one).",
    ),
]


def _read_key(with_key: bool, interactive: bool) -> str:
    from pivotal_cli.errors import CancelledError, UsageError

    if with_key:
        key = sys.stdin.read().strip()
    elif interactive:
        import getpass

        key = getpass.getpass("Paste your Pivotal API key (input is hidden): ").strip()
    else:  # a prompt nobody can answer: exit 3, as every prompt without a terminal
        raise CancelledError(
            "No terminal to prompt for the key on.",
            reason="no_terminal_for_key",
            hint="Pipe it in: `printenv PIVOTAL_KEY | pivotal auth login --with-key`.",
        )
    if not key:
        raise UsageError("No key was given.")
    if not key.startswith("pivotal_") or any(c.isspace() for c in key) or len(key) < 16:
        raise UsageError(
            "That does not look like a Pivotal API key "
            "(they start with pivotal_ or pivotal_test_).",
            hint="Copy it again from Admin > API Keys.",
        )
    return key


@app.command("login")
@handle_errors
def login(
    ctx: typer.Context,
    with_key: WithKeyOpt = False,
    insecure_storage: InsecureOpt = False,
    live: ModeOpt = None,
) -> None:
    """Store an API key after checking it against /me.

    The workspace comes from /me; the mode from the key's prefix (pivotal_test_ = test).
    """
    from pivotal_cli.cli.context import DEFAULT_BASE_URL, parse_mode
    from pivotal_cli.client.meta import get_me
    from pivotal_cli.domain.api_keys import key_prefix, mode_of_key
    from pivotal_cli.errors import UsageError
    from pivotal_cli.settings.config import KeyRecord, Workspace

    app_ctx = ctx.obj
    out = app_ctx.output
    if app_ctx.settings.sandbox:
        raise UsageError(
            "The sandbox needs no login: its keys are built in.",
            hint="Run `pivotal sandbox keys` to see them.",
        )
    if not insecure_storage:
        app_ctx.keystore.ensure_usable()  # before the user pastes a key for nothing
    key = _read_key(with_key, out.interactive)
    mode = mode_of_key(key)
    wanted = parse_mode(live) or app_ctx.settings.mode
    if wanted and wanted != mode:
        raise UsageError(
            f"You asked for a {wanted} key, but this is a {mode} key ({key_prefix(key)}…)."
        )
    base_url = app_ctx.base_url_for(app_ctx.settings.workspace)
    with app_ctx.client_for(base_url, key) as client:
        identity, _raw, _bucket = get_me(client)
    if identity.mode and identity.mode != mode:
        out.warn(f"/me reports mode '{identity.mode}' but the key's prefix says '{mode}'.")
    slug = identity.org_slug
    if app_ctx.settings.workspace and app_ctx.settings.workspace != slug:
        raise UsageError(
            f"This key belongs to workspace '{slug}', not '{app_ctx.settings.workspace}'."
        )
    storage = app_ctx.keystore.set(slug, mode, key, insecure=insecure_storage)
    config = app_ctx.config
    workspace = config.workspaces.setdefault(slug, Workspace(slug=slug))
    workspace.name = identity.org_name or workspace.name
    if base_url != DEFAULT_BASE_URL:
        workspace.base_url = base_url
    workspace.keys[mode] = KeyRecord(
        name=identity.key_name, prefix=key_prefix(key), storage=storage
    )
    if config.default_workspace is None:
        config.default_workspace, config.default_mode = slug, mode
    config.save()
    out.success(f"Logged in to {slug} with {mode} key '{identity.key_name}' ({key_prefix(key)}…).")
    if storage == "file":
        out.warn(
            f"The key is stored in {app_ctx.keystore.file} (readable only by you), not a keyring."
        )
    if config.default_workspace != slug or config.default_mode != mode:
        out.info(f"Run `pivotal auth use {slug} --{mode}` to make it the default.")


# `auth status` is a check: every key is tried once, all at the same time, each for
# at most this long, so a down API costs seconds, not minutes.
CHECK_SECONDS = 5.0
CHECK_WORKERS = 8

# What a key's check found: how the command words it and which exit code it earns.
OK, REJECTED, UNREACHABLE, FAILED = "ok", "rejected", "unreachable", "failed"


def _classify(exc: Exception) -> tuple[str, str]:
    """(kind, status column) for a check that failed with `exc`."""
    from pivotal_cli.errors import (
        AuthenticationError,
        CredentialsError,
        NetworkError,
        PermissionDeniedError,
        PivotalError,
        ServerError,
    )

    if isinstance(exc, NetworkError):
        # No answer says nothing about the key: it is not "rejected".
        return UNREACHABLE, "API unreachable"
    if isinstance(exc, ServerError):
        return UNREACHABLE, f"API unreachable (HTTP {exc.status})"
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return REJECTED, exc.code or exc.message
    if isinstance(exc, CredentialsError):
        return REJECTED, exc.message
    if isinstance(exc, PivotalError):
        return FAILED, getattr(exc, "code", None) or exc.message
    raise exc


def _check_keys(app_ctx: Any, checks: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(kind, status column) for each (base URL, read_key), the API calls in parallel.

    Keys are read one after the other first (a keyring may prompt to be unlocked, and
    is not known to be thread-safe); only the HTTP checks run side by side.
    """
    from concurrent.futures import ThreadPoolExecutor

    from pivotal_cli.client.meta import get_me
    from pivotal_cli.client.retry import RetryPolicy
    from pivotal_cli.errors import PivotalError

    results: list[tuple[str, str] | None] = [None] * len(checks)
    clients: dict[int, Any] = {}
    try:
        for i, (base_url, read_key) in enumerate(checks):
            try:
                key = read_key()
                if not key:
                    results[i] = (REJECTED, "missing from storage")
                    continue
                clients[i] = app_ctx.client_for(
                    base_url, key, retry=RetryPolicy(max_attempts=1), budget=CHECK_SECONDS
                )
            except PivotalError as exc:
                results[i] = _classify(exc)

        def check(i: int) -> tuple[str, str]:
            try:
                get_me(clients[i])
            except PivotalError as exc:
                return _classify(exc)
            return OK, "ok"

        if clients:
            with ThreadPoolExecutor(max_workers=min(CHECK_WORKERS, len(clients))) as pool:
                for i, result in zip(clients, pool.map(check, clients), strict=True):
                    results[i] = result
    finally:
        for client in clients.values():
            client.close()
    return [r or (FAILED, "unchecked") for r in results]


OfflineOpt = Annotated[bool, typer.Option("--offline", help="Do not check keys against the API.")]


@app.command("status")
@handle_errors
@jq_flags
def status(
    ctx: typer.Context,
    offline: OfflineOpt = False,
    json_: JsonOpt = False,
) -> None:
    """List every stored workspace and mode, check each key, mark the default.

    Each key is checked once, all in parallel, for at most 5 s. Exits 4 when a key is
    rejected or none is stored, 8 when the API does not answer.
    """
    import os

    from pivotal_cli.domain.api_keys import key_prefix, mode_of_key
    from pivotal_cli.errors import CredentialsError, ExitCode
    from pivotal_cli.render.columns import Column
    from pivotal_cli.render.formats import Format

    app_ctx = ctx.obj
    config = app_ctx.config
    out = app_ctx.output
    rows: list[dict[str, Any]] = []
    checks: list[tuple[str, Any]] = []
    env_key = os.environ.get("PIVOTAL_API_KEY", "").strip()
    if env_key:
        base = app_ctx.base_url_for(None)
        rows.append(
            {
                "workspace": "(PIVOTAL_API_KEY)",
                "mode": mode_of_key(env_key),
                "key_name": "",
                "prefix": key_prefix(env_key),
                "storage": "environment",
                "default": True,
                "base_url": base,
            }
        )
        checks.append((base, lambda: env_key))
    for slug, ws in sorted(config.workspaces.items()):
        for mode, rec in sorted(ws.keys.items()):
            base = app_ctx.base_url_for(slug)
            rows.append(
                {
                    "workspace": slug,
                    "mode": mode,
                    "key_name": rec.name,
                    "prefix": rec.prefix,
                    "storage": rec.storage,
                    "default": not env_key
                    and slug == config.default_workspace
                    and mode == config.default_mode,
                    "base_url": base,
                }
            )
            checks.append(
                (base, lambda s=slug, m=mode, st=rec.storage: app_ctx.keystore.get(s, m, st))
            )
    if not rows:
        if json_:
            out.json(rows)
        raise CredentialsError(
            "No keys stored, and PIVOTAL_API_KEY is not set.", reason="not_logged_in"
        )
    found = [("unchecked", "unchecked")] * len(rows) if offline else _check_keys(app_ctx, checks)
    for row, (_kind, text) in zip(rows, found, strict=True):
        row["status"] = text
    if json_:
        out.json(rows)
    else:
        columns = [
            Column("default", "", human=lambda r: "*" if r["default"] else ""),
            Column("workspace", "WORKSPACE"),
            Column(
                "mode",
                "MODE",
                human=lambda r: "[bold red]LIVE[/]" if r["mode"] == "live" else "[green]test[/]",
            ),
            Column("key_name", "KEY"),
            Column("prefix", "PREFIX"),
            Column("storage", "STORED IN"),
            Column(
                "status",
                "STATUS",
                human=lambda r: (
                    f"[green]{r['status']}[/]"
                    if r["status"] == "ok"
                    else f"[yellow]{r['status']}[/]"
                ),
            ),
        ]
        out.rows(rows, columns, Format.table)
    kinds = [kind for kind, _text in found]
    rejected, unreachable, failed = (kinds.count(k) for k in (REJECTED, UNREACHABLE, FAILED))
    if unreachable:
        out.error(
            f"The API did not answer for {unreachable} key(s), so they are unchecked; "
            "run `pivotal health` to see whether it is up."
        )
    if failed:
        out.error(f"{failed} key(s) could not be checked.")
    if rejected:
        out.error(
            f"{rejected} stored key(s) do not work; run `pivotal auth login` to replace them."
        )
        raise typer.Exit(ExitCode.AUTH)
    if unreachable:
        raise typer.Exit(ExitCode.SERVER)
    if failed:
        raise typer.Exit(ExitCode.ERROR)


@app.command("use")
@handle_errors
def use(
    ctx: typer.Context,
    workspace: Annotated[str, typer.Argument(help="Workspace slug, as `auth status` shows it.")],
    live: ModeOpt = None,
) -> None:
    """Make a stored workspace (and mode) the default."""
    from pivotal_cli.cli.context import parse_mode
    from pivotal_cli.errors import UsageError

    app_ctx = ctx.obj
    config = app_ctx.config
    stored = config.workspaces.get(workspace)
    if stored is None:
        known = ", ".join(sorted(config.workspaces)) or "none"
        raise UsageError(
            f"No workspace '{workspace}' is stored (stored: {known}).",
            hint="Run `pivotal auth login` first.",
        )
    mode = parse_mode(live) or app_ctx.settings.mode
    if mode is None:
        mode = (
            "test"
            if list(stored.keys) == ["test"]
            else ("live" if "live" in stored.keys else next(iter(stored.keys)))
        )
    if mode not in stored.keys:
        raise UsageError(
            f"Workspace '{workspace}' has no stored {mode} key.",
            hint=f"Run `pivotal auth login` with a {mode} key.",
        )
    config.default_workspace, config.default_mode = workspace, mode
    config.save()
    app_ctx.output.success(f"Default is now {workspace} ({mode}).")


@app.command("logout")
@handle_errors
def logout(
    ctx: typer.Context,
    workspace: Annotated[
        str | None, typer.Argument(help="Workspace slug (default: the current one).")
    ] = None,
    live: ModeOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Remove every stored key.")] = False,
) -> None:
    """Remove stored keys from the keyring (or the credentials file) and the config."""
    from pivotal_cli.cli.context import parse_mode
    from pivotal_cli.errors import UsageError

    app_ctx = ctx.obj
    config = app_ctx.config
    if all_:
        pairs = [(s, m) for s, ws in config.workspaces.items() for m in ws.keys]
    else:
        slug, mode = config.resolve(
            workspace or app_ctx.settings.workspace, parse_mode(live) or app_ctx.settings.mode
        )
        stored = config.workspaces.get(slug) if slug else None
        if stored is None:
            raise UsageError(
                "Nothing to log out of: no such stored workspace.",
                hint="See `pivotal auth status`.",
            )
        pairs = [(stored.slug, mode)] if mode else [(stored.slug, m) for m in stored.keys]
    removed = []
    for slug, mode in pairs:
        record = config.workspaces[slug].keys.pop(mode, None)
        if record is None:
            continue
        app_ctx.keystore.delete(slug, mode, record.storage)
        removed.append(f"{slug} ({mode})")
        if not config.workspaces[slug].keys:
            del config.workspaces[slug]
        if config.default_workspace == slug and config.default_mode == mode:
            config.default_workspace = config.default_mode = None
    if not removed:
        raise UsageError("No matching key is stored.", hint="See `pivotal auth status`.")
    config.save()
    app_ctx.output.success("Logged out of " + ", ".join(removed) + ".")


@app.command("token")
@handle_errors
def token(ctx: typer.Context) -> None:
    """Print the key the CLI would use, for scripts.

    Example: curl -H "Authorization: Bearer $(pivotal auth token)" …
    """
    target = ctx.obj.target()
    ctx.obj.output.line(target.api_key)
