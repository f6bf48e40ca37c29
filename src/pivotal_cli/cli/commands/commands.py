"""`pivotal commands [--json]`: the whole command tree, for scripts, agents and docs.

Read from the live Click tree Typer builds (so it cannot drift from what the command
line accepts): every command and group, its hidden aliases, its arguments and options
with their type, choices, default, required, environment variable and help, and the
global options. Ordered as the help lists them, so the output is stable to diff.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import group

app = group("List every command, option and default, for scripts and agents.")

# Options every command has, which say nothing about it.
_UNIVERSAL = ("help",)
# Click's type names, in JSON Schema's words where it has one.
_TYPES = {
    "text": "string",
    "str": "string",
    "int": "integer",
    "integer range": "integer",
    "int range": "integer",
    "float": "number",
    "float range": "number",
    "bool": "boolean",
}


@app.command("commands")
@handle_errors
@jq_flags
def commands(
    ctx: typer.Context,
    json_: Annotated[
        bool,
        typer.Option(
            "--json", help="The tree as one JSON object: commands, arguments, options, globals."
        ),
    ] = False,
) -> None:
    """List every command with its arguments and options (all of them with --json)."""
    import typer.main

    from pivotal_cli import __version__
    from pivotal_cli.cli.app import build_app

    root = typer.main.get_command(build_app())
    listed = tree(root)
    out = ctx.obj.output
    if json_:
        out.json(
            {
                "name": "pivotal",
                "version": __version__,
                "global_options": [param(p) for p in _params(root)],
                "commands": listed,
            }
        )
        return
    width = max(len(c["path"]) for c in listed)
    for command in listed:
        also = [alias.rsplit(" ", 1)[-1] for alias in command["aliases"]]
        aliases = f"  (also: {', '.join(also)})" if also else ""
        out.line(f"pivotal {command['path']:<{width}}  {command['help']}{aliases}")


def tree(root: Any) -> list[dict[str, Any]]:
    """Every visible command and group under `root`, depth first, in help order."""
    found: list[dict[str, Any]] = []
    _walk(root, [], found)
    return found


def _walk(command: Any, path: list[str], found: list[dict[str, Any]]) -> None:
    subcommands: dict[str, Any] = getattr(command, "commands", {}) or {}
    names = command.list_commands(None) if subcommands else []
    visible = [n for n in names if not subcommands[n].hidden]
    for name in visible:
        sub = subcommands[name]
        entry = {
            "path": " ".join([*path, name]),
            "name": name,
            "kind": "group" if getattr(sub, "commands", None) else "command",
            "help": _summary(sub),
            "aliases": [
                " ".join([*path, n])
                for n in names
                if n != name and subcommands[n].hidden and _same(subcommands[n], sub)
            ],
            "arguments": [param(p) for p in _params(sub) if p.param_type_name == "argument"],
            "options": [param(p) for p in _params(sub) if p.param_type_name == "option"],
        }
        found.append(entry)
        _walk(sub, [*path, name], found)


def _same(alias: Any, command: Any) -> bool:
    """A hidden command is an alias when it runs the very function a listed one runs."""
    return _target(alias) is not None and _target(alias) is _target(command)


def _target(command: Any) -> Any:
    callback = getattr(command, "callback", None)
    return getattr(callback, "__wrapped__", callback)


def _summary(command: Any) -> str:
    text = command.get_short_help_str(limit=200) if hasattr(command, "get_short_help_str") else ""
    return " ".join(str(text).split())


def _params(command: Any) -> list[Any]:
    return [
        p
        for p in getattr(command, "params", ())
        if p.name not in _UNIVERSAL and not getattr(p, "hidden", False)
    ]


def param(p: Any) -> dict[str, Any]:
    """One argument or option, as plain JSON."""
    choices = getattr(p.type, "choices", None)
    is_flag = bool(getattr(p, "is_flag", False))
    entry: dict[str, Any] = {
        "name": p.name,
        "opts": list(p.opts),
        "secondary_opts": list(getattr(p, "secondary_opts", ())),
        "type": "boolean" if is_flag else _type_name(p.type),
        "choices": [_plain(c) for c in choices] if choices else None,
        "default": _default(p),
        "required": bool(p.required),
        "multiple": bool(getattr(p, "multiple", False)) or p.nargs == -1,
        "envvar": _envvar(p),
        "metavar": getattr(p, "metavar", None),
        "help": " ".join(str(getattr(p, "help", None) or "").split()) or None,
    }
    return entry


def _type_name(kind: Any) -> str:
    name = str(getattr(kind, "name", "text")).lower()
    return _TYPES.get(name, name)


def _default(p: Any) -> Any:
    value = p.default
    if callable(value) or value is None:
        return None
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value] or None
    return _plain(value)


def _plain(value: Any) -> Any:
    """A value as JSON holds it: enums by their value, anything odd as text."""
    value = getattr(value, "value", value)
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _envvar(p: Any) -> str | list[str] | None:
    envvar = getattr(p, "envvar", None)
    if isinstance(envvar, list | tuple):
        return list(envvar) or None
    return envvar or None
