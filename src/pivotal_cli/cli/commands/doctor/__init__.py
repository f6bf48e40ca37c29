"""`pivotal doctor`: check the setup end to end, one line per check, a fix under each problem.

The command gathers facts (config file, key, keyring, /health, /me, directories,
import journal, versions) in checks grouped by theme: the local setup
(`local_setup`), the API (`api`), this machine (`machine`). The verdicts on the facts
are pure functions in `domain/doctor.py`, the probes are `client/meta.py`; the fixes,
which name commands, are worded beside each check, and `report` prints them. Only a
failure makes the exit code non-zero: a warning never does, so CI can run doctor as
a gate. Every network call is tried once with a short budget, and the keyring is
time-boxed, so a down API or a hung keyring costs seconds, not minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import JsonOpt, group

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.domain.doctor import Check

app = group("Check the setup: config, key, keyring, API, clock, directories.")


@app.command("doctor")
@handle_errors
@jq_flags
def doctor(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Check config, key, keyring, API, clock skew, /me, directories and versions.

    Each check prints ✓, ! or ✗ (ok, warn, fail in a pipe) with a fix under each
    problem. Exits 1 only when a check fails; warnings exit 0.
    """
    from pivotal_cli.cli.commands.doctor.report import render
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
    from pivotal_cli.cli.commands.doctor.api import (
        check_api,
        check_clock,
        check_me,
        check_proxy,
        check_tls,
        keyless_target,
    )
    from pivotal_cli.cli.commands.doctor.local_setup import (
        check_config,
        check_key_format,
        check_key_source,
        check_keyring,
    )
    from pivotal_cli.cli.commands.doctor.machine import (
        check_directories,
        check_imports,
        check_versions,
    )

    checks = [check_config(app_ctx)]
    keyring_check = check_keyring(app_ctx)
    source_check, target = check_key_source(app_ctx)
    checks += [source_check, keyring_check]
    if target is not None and target.api_key:
        checks.append(check_key_format(target.api_key))
    base_target = target or keyless_target(app_ctx)
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
