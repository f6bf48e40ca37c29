"""The doctor's report: a line per check with its facts and fix, then the tally."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.domain.doctor import Check

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
