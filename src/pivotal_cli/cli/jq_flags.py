"""`@jq_flags`: `--jq EXPR` and `--arg NAME=VALUE` on a command that prints JSON.

For commands that print one JSON document with `--json` (writes, `me`, `status`, …).
The decorator adds the two options to the command's signature, checks the expression
before the command runs (a bad one is exit 2 before any request), turns `--json` on,
and has the invocation's `Output` print what jq makes of the JSON instead of the JSON
itself. List and get commands filter their whole result themselves (`flows.show_list`,
`flows.emit_record`), so they do not use this.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from pivotal_cli.cli.options import JqArgOpt, JqOpt

F = TypeVar("F", bound=Callable[..., Any])


def jq_flags(func: F) -> F:
    """Add --jq/--arg to `func`, a command with a `ctx` and a `json_` parameter."""
    # eval_str: Typer reads the annotations from this signature, so they must be
    # objects, not the strings a module with postponed annotations holds.
    signature = inspect.signature(func, eval_str=True)
    if "json_" not in signature.parameters or "ctx" not in signature.parameters:
        raise TypeError(f"{func.__name__} needs ctx and json_ parameters for --jq")

    @functools.wraps(func)
    def command(*, jq: str | None = None, jq_arg: list[str] | None = None, **kwargs: Any) -> Any:
        # Typer passes every parameter by name.
        from pivotal_cli.cli.flows import check_jq

        variables = check_jq(jq, jq_arg)
        if jq is not None:
            from pivotal_cli.cli.query import stream_jq

            out = kwargs["ctx"].obj.output
            out.json_filter = lambda data: stream_jq(data, jq, variables, pretty=out.is_tty)
            kwargs["json_"] = True
        return func(**kwargs)

    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
        for name, kind in (("jq", JqOpt), ("jq_arg", JqArgOpt))
    ]
    parameters = [*signature.parameters.values(), *extra]
    command.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return command  # type: ignore[return-value]
