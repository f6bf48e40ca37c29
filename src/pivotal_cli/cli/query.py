"""`--jq EXPR`: run a jq expression over a command's JSON result, the way gh does.

The expression is evaluated once over the whole result (a list's pages collected
into one array first). Each output value becomes one line: strings raw, everything
else as JSON (pretty on a terminal, compact in a pipe, as `Output.json` writes).

The `jq` package (a compiled extension) is imported only here, and this module only
when `--jq` is given, so it costs nothing on start-up. Any command that prints JSON
(including `pivotal api`) can call `run_jq`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pivotal_cli.errors import PivotalError, UsageError


def parse_args(pairs: Sequence[str] | None) -> dict[str, str]:
    """`--arg NAME=VALUE` options to jq's `$NAME` variables (strings, as `jq --arg`).

    One word per variable: Typer cannot take a repeated option of two words.
    """
    args: dict[str, str] = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--arg takes NAME=VALUE, not '{pair}'.")
        args[name] = value
    return args


def check(expr: str, args: Mapping[str, str] | None = None) -> None:
    """Compile `expr` only, so a bad expression stops a command before any request."""
    _compile(expr, args)


def run_jq(
    data: Any, expr: str, args: Mapping[str, str] | None = None, *, pretty: bool = False
) -> list[str]:
    """The lines jq prints for `expr` over `data` (strings unquoted, as gh prints them).

    `args` become `$NAME` variables (strings, as `jq --arg`). A bad expression raises
    `UsageError` (exit 2) with jq's message on one line; an error while running it
    (`.a + 1` on a string) a `PivotalError` (exit 1), as nothing was wrong with the
    command line itself.
    """
    program = _compile(expr, args)
    try:
        values = program.input_value(data).all()
    except ValueError as exc:
        raise PivotalError(f"jq: {_one_line(str(exc))}") from None
    return [_text(value, pretty) for value in values]


def _compile(expr: str, args: Mapping[str, str] | None) -> Any:
    import jq

    try:
        return jq.compile(expr, args=dict(args or {}))
    except ValueError as exc:
        raise UsageError(f"--jq: {_one_line(str(exc))}") from None


def _text(value: Any, pretty: bool) -> str:
    if isinstance(value, str):
        return value
    if pretty:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _one_line(message: str) -> str:
    """jq's multi-line message (with its caret drawing) as one line for stderr."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    # The caret line carries no words; the trailing count repeats what the first says.
    lines = [ln for ln in lines if set(ln) != {"^"} and not ln.endswith("compile error")]
    return " ".join(lines) or message.strip()


def check_template(template: str) -> None:
    """Parse `--template` only, so a malformed one stops a command before any request."""
    import string

    try:
        list(string.Formatter().parse(template))
    except ValueError as exc:
        raise UsageError(f"--template: {exc}.") from None


def render_template(template: str, record: Mapping[str, Any]) -> str:
    """`template` with `{field}` and dotted `{metadata.tier}` filled from `record`.

    Python format fields (`{mrr:>10}` works); a field the record lacks is empty, as a
    missing column is, so one sparse record does not stop a whole list.
    """
    import string

    class _Fields(string.Formatter):
        def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
            value: Any = record
            for part in field_name.split("."):
                value = value.get(part) if isinstance(value, Mapping) else None
            return ("" if value is None else value), field_name

    try:
        return _Fields().format(template)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--template: {exc}.") from None
