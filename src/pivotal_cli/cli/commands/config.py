"""`pivotal config`: read and change the non-secret settings kept in config.json.

Four keys: `default.workspace` and `default.mode` (what `auth use` sets), `pager` (a
command line, or `off`) and `output` (the format of lists without a format flag).
Every value is checked before it is written. Keys are secrets and never settings:
anything that looks like one is refused and pointed at `auth login`.

`get` of a key that is not set prints nothing and exits 1, as `git config` does, so a
script can write `pivotal config get output || echo table`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import group

if TYPE_CHECKING:
    from pivotal_cli.settings.config import Config

app = group("Read and change settings: default workspace and mode, pager, output format.")

# Every key, in the order `list` prints them, and what it says about its values.
KEYS = {
    "default.workspace": "a stored workspace's slug",
    "default.mode": "live or test",
    "pager": "a pager command line, or off",
    "output": "table, json, jsonl or csv",
}
# Words in a key name that mean a secret: keys live in the keyring, never here.
_SECRET_WORDS = ("key", "token", "secret", "password", "credential")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the settings as one JSON object.")]
KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="One of: " + ", ".join(KEYS) + ".")]


def _getters() -> dict[str, Callable[[Config], str | None]]:
    return {
        "default.workspace": lambda c: c.default_workspace,
        "default.mode": lambda c: c.default_mode,
        "pager": lambda c: c.pager,
        "output": lambda c: c.output,
    }


def _assign(config: Config, key: str, value: str | None) -> None:
    if key == "default.workspace":
        config.default_workspace = value
    elif key == "default.mode":
        config.default_mode = value
    elif key == "pager":
        config.pager = value
    else:
        config.output = value


def _check_key(key: str) -> str:
    from pivotal_cli.errors import UsageError

    name = key.strip().lower()
    if name in KEYS:
        return name
    if any(word in name for word in _SECRET_WORDS):
        raise UsageError(
            f"'{key}' looks like a secret: API keys are never stored in the config file.",
            hint="Store a key with `pivotal auth login` (it goes to the OS keyring).",
            reason="secret_setting",
        )
    raise UsageError(
        f"Unknown setting '{key}'. Known settings: {', '.join(KEYS)}.",
        reason="unknown_setting",
    )


def _check_value(config: Config, key: str, value: str) -> str:
    from pivotal_cli.errors import UsageError
    from pivotal_cli.settings.config import MODES, OUTPUT_FORMATS

    value = value.strip()
    # An API key pasted as a value (e.g. as a "pager") would be written in clear.
    if value.startswith("pivotal_"):
        raise UsageError(
            f"The value for {key} looks like an API key: keys are never stored in the config file.",
            hint="Store a key with `pivotal auth login` (it goes to the OS keyring).",
            reason="secret_setting",
        )
    choices: tuple[str, ...] | None = None
    if key == "default.mode":
        choices = MODES
    elif key == "output":
        choices = OUTPUT_FORMATS
    if choices is not None:
        if value.lower() not in choices:
            raise UsageError(
                f"'{value}' is not a valid {key}. Allowed values: {', '.join(choices)}.",
                reason="bad_setting_value",
            )
        return value.lower()
    if key == "default.workspace" and value not in config.workspaces:
        known = ", ".join(sorted(config.workspaces)) or "none"
        raise UsageError(
            f"No workspace '{value}' is stored (stored: {known}).",
            hint="Run `pivotal auth login` first.",
            reason="bad_setting_value",
        )
    if key == "pager":
        import shlex

        try:
            words = shlex.split(value)
        except ValueError as exc:
            raise UsageError(
                f"The pager '{value}' is not a command line ({exc}). "
                "Allowed values: a command, or off.",
                reason="bad_setting_value",
            ) from None
        if not words:
            raise UsageError("The pager must be a command, or off.", reason="bad_setting_value")
        if value.lower() == "off":
            return "off"
    return value


@app.command("list")
@handle_errors
@jq_flags
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Print every setting that is set, as KEY=VALUE lines (--json: an object)."""
    app_ctx = ctx.obj
    config = app_ctx.config
    values = {key: value for key, get in _getters().items() if (value := get(config)) is not None}
    out = app_ctx.output
    if json_:
        out.json(values)
        return
    for key, value in values.items():
        out.line(f"{key}={value}")
    if not values and out.err_is_tty:
        out.info(f"Nothing is set. Settings: {', '.join(KEYS)}.")


@app.command("get")
@handle_errors
def get(ctx: typer.Context, key: KeyArg) -> None:
    """Print one setting's value; exit 1, printing nothing, when it is not set."""
    name = _check_key(key)
    value = _getters()[name](ctx.obj.config)
    if value is None:
        raise typer.Exit(1)
    ctx.obj.output.line(value)


@app.command("set")
@handle_errors
def set_(
    ctx: typer.Context,
    key: KeyArg,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value.")],
) -> None:
    """Change a setting, after checking the value."""
    app_ctx = ctx.obj
    name = _check_key(key)
    config = app_ctx.config
    checked = _check_value(config, name, value)
    _assign(config, name, checked)
    config.save()
    app_ctx.output.success(f"Set {name} to {checked}.")


@app.command("unset")
@handle_errors
def unset(ctx: typer.Context, key: KeyArg) -> None:
    """Remove a setting, so its default applies again."""
    app_ctx = ctx.obj
    name = _check_key(key)
    config = app_ctx.config
    if _getters()[name](config) is None:
        app_ctx.output.info(f"{name} was not set.")
        return
    _assign(config, name, None)
    config.save()
    app_ctx.output.success(f"Unset {name}.")
