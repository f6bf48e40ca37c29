"""Create and update flags generated from the schema, and the body they build.

`@body_flags("customer", "create")` gives a command one option per field of the
schema's create (or update) body, so a field added to the schema is a flag at once,
with its type, choices and completion. `FLAG_STYLES` only says where a flag is not
simply `--field-name` or needs a friendlier metavar or help. `build_body` merges
`--data` with the flags (flags win), checks the result against the schema and words
any problem in terms of the flag the user typed.
"""

import inspect
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache
from typing import Annotated, Any, NamedTuple, TypeVar

import typer

from pivotal_cli.cli.choices import choices
from pivotal_cli.domain import schema
from pivotal_cli.domain.records import JSONValue, Record
from pivotal_cli.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


class FlagStyle(NamedTuple):
    """How a field looks on the command line, where the schema's name is not enough."""

    name: str | None = None  # default: --field-name
    short: str | None = None
    metavar: str | None = None
    help: str | None = None
    off: str | None = None  # the negative form of a boolean flag (default: --no-NAME)


FLAG_STYLES: dict[str, FlagStyle] = {
    "name": FlagStyle(metavar="NAME", help="Name."),
    "slug": FlagStyle(metavar="SLUG", help="URL-safe handle, unique in the workspace."),
    "domain": FlagStyle(metavar="DOMAIN", help="Primary domain (unique)."),
    "plan": FlagStyle(metavar="PLAN", help="Plan name."),
    "mrr": FlagStyle(metavar="CENTS"),
    "metadata": FlagStyle(
        short="-m",
        metavar="KEY=VALUE",
        help="KEY=VALUE into metadata (repeatable; JSON values kept).",
    ),
    "email": FlagStyle(metavar="EMAIL", help="Email (stored lowercased)."),
    "title": FlagStyle(metavar="TITLE", help="Job title."),
    "is_primary": FlagStyle(
        "--primary", off="--not-primary", help="Make (or stop making) this the primary contact."
    ),
    "labels": FlagStyle(
        "--label", "-l", metavar="LABEL", help="A label (repeatable); replaces all labels."
    ),
    "customer_id": FlagStyle(
        "--customer", metavar="CUSTOMER", help="The customer: display_id, cuid or slug."
    ),
    "template_id": FlagStyle("--template", metavar="ID", help="Template id."),
    "target_launch_date": FlagStyle(
        "--target-launch", metavar="DATE", help="Target launch: YYYY-MM-DD or ISO 8601."
    ),
    "completed_at": FlagStyle(metavar="DATE", help="Completion date: YYYY-MM-DD or ISO 8601."),
    "csm_id": FlagStyle("--csm", metavar="USER_ID", help="CSM user id."),
    "se_id": FlagStyle("--se", metavar="USER_ID", help="Solutions engineer user id."),
    "designer_id": FlagStyle("--designer", metavar="USER_ID", help="Designer user id."),
    "product_ops_id": FlagStyle("--product-ops", metavar="USER_ID", help="Product-ops user id."),
    "notes": FlagStyle(metavar="TEXT", help="Free-text notes."),
    "phase": FlagStyle(help="Phase."),
    "state": FlagStyle(help="State (engagement health)."),
    "waiting_on_customer": FlagStyle(
        off="--not-waiting-on-customer", help="A customer task blocks it."
    ),
    "reminder_email": FlagStyle(help="Email reminders."),
    "reminder_slack": FlagStyle(help="Slack reminders."),
    "reminder_frequency_days": FlagStyle(
        "--reminder-every", metavar="DAYS", help="Days between reminders."
    ),
}


def flag_for(field: str) -> str:
    """The flag that sets `field`: `--target-launch` for target_launch_date."""
    style = FLAG_STYLES.get(field)
    return (style.name if style and style.name else None) or "--" + field.replace("_", "-")


def _help(spec: schema.Field, style: FlagStyle) -> str:
    if style.help:
        return style.help
    first = spec.description.split(". ")[0].rstrip(".")
    return f"{first}." if first else spec.name.replace("_", " ").capitalize() + "."


def _date(value: str | None) -> str | None:
    from pivotal_cli.domain.validate import iso_datetime

    if value is None:
        return None
    try:
        return iso_datetime(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _email(value: str | None) -> str | None:
    from pivotal_cli.domain.validate import is_email

    if value is not None and not is_email(value):
        raise typer.BadParameter(f"'{value}' is not an email address.")
    return value


def _parameter(spec: schema.Field) -> inspect.Parameter:
    """The Typer option for one schema field, keyed by the field's own name."""
    style = FLAG_STYLES.get(spec.name, FlagStyle())
    flag = flag_for(spec.name)
    names = [flag, style.short] if style.short else [flag]
    option: dict[str, Any] = {"help": _help(spec, style), "show_default": False}
    kind: Any
    if spec.enum:
        kind = choices(spec.enum)
    elif spec.type == "boolean":
        kind = bool
        names = [f"{flag}/{style.off or '--no-' + flag[2:]}"]
    elif spec.type == "integer":
        kind = int
        option.update(metavar=style.metavar or "N", min=spec.minimum)
    elif spec.type in ("array", "object"):
        kind = list[str]
        option["metavar"] = style.metavar or "VALUE"
    else:
        kind = str
        option["metavar"] = style.metavar or spec.name.upper()
        if spec.is_datetime:
            option.update(callback=_date, metavar=style.metavar or "DATE")
        elif spec.is_email:
            option["callback"] = _email
    annotation = Annotated[kind | None, typer.Option(*names, **option)]
    return inspect.Parameter(
        spec.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


def body_flags(
    resource: str, operation: schema.Operation, *, skip: tuple[str, ...] = ()
) -> Callable[[F], F]:
    """Give a command one option per field of the resource's create or update body.

    The command receives them in `**fields`, keyed by API field name. They are listed
    after the command's arguments and before its other options.
    """

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in signature.parameters.values()
            if p.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        leading = [p for p in own if p.default is inspect.Parameter.empty]
        trailing = [p for p in own if p.default is not inspect.Parameter.empty]
        generated = [
            _parameter(spec) for spec in schema.fields(resource, operation) if spec.name not in skip
        ]
        func.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*leading, *generated, *trailing]
        )
        func.__annotations__ = {
            **func.__annotations__,
            **{p.name: p.annotation for p in generated},
        }
        return func

    return decorate


def build_body(
    resource: str,
    operation: schema.Operation,
    fields: Mapping[str, object],
    data: str | None,
) -> Record:
    """Merge `--data` and the flags (flags win), check it against the schema."""
    from pivotal_cli.domain.bodies import BodyError, EmptyBodyError, MissingFieldError, check

    body = load_json_body(data) if data is not None else {}
    # A flag not given is None (a repeatable one may be empty): it leaves --data alone.
    body.update(
        {
            name: _flag_value(name, value)
            for name, value in fields.items()
            if value not in (None, [])
        }
    )
    try:
        return check(resource, operation, body)
    except EmptyBodyError:
        raise UsageError(
            "Nothing to change.", hint="Pass at least one flag, or --data with a JSON body."
        ) from None
    except MissingFieldError as exc:
        raise UsageError(
            f"{flag_for(exc.field)} is required (or give `{exc.field}` in --data)."
        ) from None
    except BodyError as exc:
        tail = f" ({exc.more} more problem{'s' if exc.more > 1 else ''})" if exc.more else ""
        raise UsageError(
            f"{flag_for(exc.field)}: {exc.problem} (field {exc.path}){tail}."
        ) from None


def _flag_value(name: str, value: object) -> JSONValue:
    """A flag's value as the API wants it: enum members as strings, KEY=VALUE as a dict."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        texts = [str(item) for item in value]
        if name in _object_fields():
            return parse_key_values(texts, flag=flag_for(name))
        return list[JSONValue](texts)
    if isinstance(value, (str, int, float)):  # bool is an int
        return value
    raise TypeError(f"unexpected value for {name}: {type(value).__name__}")


@cache
def _object_fields() -> frozenset[str]:
    return frozenset(
        spec.name
        for resource in schema.RESOURCES
        for operation in ("create", "update")
        for spec in schema.fields(resource, operation)
        if spec.type == "object"
    )


def load_json_body(source: str, *, flag: str = "--data") -> Record:
    """Read a JSON object from `--data`: inline JSON, `@file`, or `-` for stdin.

    Read within `domain.bounded`'s limits (64 MiB, 500 levels deep): exit 2 past them.
    """
    from pivotal_cli.cli.input_source import read_text
    from pivotal_cli.domain import bounded

    if source == "-" or source.startswith("@"):
        path = source if source == "-" else source[1:]
        text, where = read_text(path, flag), "stdin" if source == "-" else path
    else:
        text, where = source, "the argument"
    try:
        # An argument that was not UTF-8 arrives with lone surrogates; it could never
        # be encoded into the request, so refuse it here, where it can be named.
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{flag}: {where} is not UTF-8 text.") from None
    if len(text) > bounded.MAX_DOCUMENT_BYTES:
        raise bounded.too_large(f"{flag}: {where}", bounded.MAX_DOCUMENT_BYTES)
    try:
        body = bounded.loads(text, f"{flag}: {where}")
    except ValueError as exc:  # JSONDecodeError, or a number past Python's digit limit
        raise UsageError(f"{flag}: {where} is not valid JSON ({_json_error(exc)}).") from None
    if not isinstance(body, dict):
        raise UsageError(f"{flag}: {where} must hold a JSON object, not {type(body).__name__}.")
    return body


def _json_error(exc: ValueError) -> str:
    import json

    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    return str(exc)


def parse_key_values(pairs: list[str], *, flag: str) -> Record:
    """`KEY=VALUE` pairs -> dict. A value that parses as JSON keeps its type
    (`count=3` is a number, `vip=true` a boolean); anything else is a string."""
    from pivotal_cli.domain import bounded

    result: Record = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{flag}: '{pair}' is not KEY=VALUE.")
        try:
            result[key] = bounded.loads(raw, f"{flag} {key}")
        except ValueError:
            result[key] = raw
    return result
