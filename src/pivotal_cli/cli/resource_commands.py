"""get, create, update, delete and open for a resource group, made from its description.

The three resource groups (customers, contacts, onboardings) run the same flows for
these commands; what differs is said once, in a `Resource`: the noun, the id argument,
the help texts and the messages. `register` adds the commands to the group's Typer app
as real functions whose signatures Typer reads, built with `inspect` the way
`body_flags` adds the schema's fields; the group module keeps its own commands (list,
the phase verbs, import) and the order the group's help lists them in.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.body_flags import body_flags, build_body
from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.flows import emit_record, select_columns, soft_delete, write_record
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import (
    ColumnsOpt,
    DataOpt,
    IdempotencyKeyOpt,
    JqArgOpt,
    JqOpt,
    JsonOpt,
    TemplateOpt,
    YesOpt,
)
from pivotal_cli.cli.web import WebOpt

if TYPE_CHECKING:  # types only: nothing here is imported at start-up
    from types import ModuleType

    from pivotal_cli.client.http import Client
    from pivotal_cli.domain.records import Record
    from pivotal_cli.render.output import Column

Command = Callable[..., Any]
PrintOpt = Annotated[bool, typer.Option("--print", help="Only print the URL.")]


@dataclass(frozen=True)
class Resource:
    """What the shared commands of one resource group need to know about it."""

    name: str  # the schema's resource name, singular: "customer"
    ref: Any  # the `Annotated` id argument of get, update, delete and open
    help: Mapping[str, str]  # each command's help (its docstring), by command name
    created: Callable[[Record], str]  # the line after a create
    updated: Callable[[Record], str]  # the line after an update
    describe: Callable[[Record], str]  # what a delete names, in its question and report
    delete_note: str = ""  # appended to the soft-delete report
    # The id argument of create, when records are created under another (a contact
    # under its customer): (parameter name, `Annotated` argument).
    parent: tuple[str, Any] | None = None
    opens: bool = False  # has a page in the app: `open`, and `get --web`
    launch: bool = False  # writes may enter the launch phase: --yes, and a live key asks
    # Swaps in columns that need the client (a customer's name for its id) for `get`.
    humanise: Callable[[Client, list[Column]], list[Column]] | None = None

    @property
    def plural(self) -> str:
        return f"{self.name}s"

    def client_module(self) -> ModuleType:
        """The resource's module in `client/`, imported when a command runs."""
        import importlib

        return importlib.import_module(f"pivotal_cli.client.{self.plural}")

    def columns(self) -> list[Column]:
        from pivotal_cli.render import views

        return list(getattr(views, f"{self.name.upper()}_COLUMNS"))


def register(app: typer.Typer, resource: Resource, *names: str) -> dict[str, Command]:
    """Add the named commands (get, create or add, update, delete, open) in that order.

    Returns the registered functions by name, for the group's hidden aliases.
    """
    made = {}
    for name in names:
        command = _BUILDERS["create" if name == "add" else name](resource)
        command.__doc__ = resource.help[name]
        command.__name__ = command.__qualname__ = f"{name}_{resource.name}"  # for tracebacks
        made[name] = app.command(name)(handle_errors(command))
    return made


def _function(run: Callable[..., None], parameters: Sequence[tuple[str, Any, Any]]) -> Command:
    """A function Typer reads as `(name: annotation = default, ...)` that calls `run`.

    Typer passes every parameter by name, so `run` gets them as keyword arguments.
    """
    signature = inspect.Signature(
        [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind
            )
            for name, kind, default in parameters
        ]
    )

    def command(**kwargs: Any) -> None:
        run(**kwargs)

    command.__signature__ = signature  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return command


_EMPTY = inspect.Parameter.empty
_CTX = ("ctx", typer.Context, _EMPTY)


def _get(res: Resource) -> Command:
    def run(*, ctx: typer.Context, columns: str | None, json_: bool, **kwargs: Any) -> None:
        ref = kwargs.pop(res.name)
        if kwargs.pop("web", False):
            return _open_page(res, ctx, ref)
        available = res.columns()
        if columns:  # a typo is exit 2 before any request
            select_columns(available, (), columns)
        with ctx.obj.client() as client:
            found = res.client_module().get(client, ref)
            emit_record(
                ctx.obj,
                found,
                res.humanise(client, available) if res.humanise else available,
                json_,
                jq=kwargs["jq"],
                jq_args=kwargs["jq_arg"],
                template=kwargs["template"],
                requested=columns,
            )

    web = [("web", WebOpt, False)] if res.opens else []
    return _function(
        run,
        [
            _CTX,
            (res.name, res.ref, _EMPTY),
            ("columns", ColumnsOpt, None),
            ("json_", JsonOpt, False),
            *web,
            ("jq", JqOpt, None),
            ("jq_arg", JqArgOpt, None),
            ("template", TemplateOpt, None),
        ],
    )


def _launch(res: Resource, body: Record, what: str) -> str | None:
    """What enters the launch phase with this body, for the live-key question, if any."""
    if not res.launch:
        return None
    from pivotal_cli.domain.workflow import LAUNCH_PHASE

    return what if body.get("phase") == LAUNCH_PHASE else None


def _create(res: Resource) -> Command:
    def run(
        *,
        ctx: typer.Context,
        data: str | None,
        idempotency_key: str | None,
        json_: bool,
        yes: bool = False,
        **fields: Any,
    ) -> None:
        parent = [fields.pop(res.parent[0])] if res.parent else []
        body = build_body(res.name, "create", fields, data)
        api = res.client_module()
        write_record(
            ctx.obj,
            lambda client: api.create(client, *parent, body, idempotency_key=idempotency_key),
            columns=res.columns(),
            json_=json_,
            done=res.created,
            launch=_launch(res, body, f"the new {res.name}"),
            yes=yes,
        )

    parent = [(res.parent[0], res.parent[1], _EMPTY)] if res.parent else []
    yes = [("yes", YesOpt, False)] if res.launch else []
    command = _function(
        run,
        [
            _CTX,
            *parent,
            ("data", DataOpt, None),
            ("idempotency_key", IdempotencyKeyOpt, None),
            *yes,
            ("json_", JsonOpt, False),
        ],
    )
    return jq_flags(body_flags(res.name, "create")(command))


def _update(res: Resource) -> Command:
    def run(
        *, ctx: typer.Context, data: str | None, json_: bool, yes: bool = False, **fields: Any
    ) -> None:
        ref = fields.pop(res.name)
        body = build_body(res.name, "update", fields, data)
        api = res.client_module()
        write_record(
            ctx.obj,
            lambda client: api.update(client, ref, body),
            columns=res.columns(),
            json_=json_,
            done=res.updated,
            launch=_launch(res, body, f"{res.name} {ref}"),
            yes=yes,
        )

    yes = [("yes", YesOpt, False)] if res.launch else []
    command = _function(
        run,
        [
            _CTX,
            (res.name, res.ref, _EMPTY),
            ("data", DataOpt, None),
            *yes,
            ("json_", JsonOpt, False),
        ],
    )
    return jq_flags(body_flags(res.name, "update")(command))


def _delete(res: Resource) -> Command:
    def run(*, ctx: typer.Context, yes: bool, json_: bool, **kwargs: Any) -> None:
        soft_delete(
            ctx.obj,
            res.client_module(),
            kwargs[res.name],
            res.describe,
            yes=yes,
            json_=json_,
            note=res.delete_note,
        )

    command = _function(
        run,
        [_CTX, (res.name, res.ref, _EMPTY), ("yes", YesOpt, False), ("json_", JsonOpt, False)],
    )
    return jq_flags(command)


def _open(res: Resource) -> Command:
    def run(*, ctx: typer.Context, print_only: bool, **kwargs: Any) -> None:
        _open_page(res, ctx, kwargs[res.name], print_only=print_only)

    return _function(run, [_CTX, (res.name, res.ref, _EMPTY), ("print_only", PrintOpt, False)])


def _open_page(res: Resource, ctx: typer.Context, ref: str, *, print_only: bool = False) -> None:
    """Open the record's page in the app, or print its URL."""
    from pivotal_cli.cli.web import open_or_print
    from pivotal_cli.render import links

    app_ctx = ctx.obj
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        found = res.client_module().get(client, ref)
    url = getattr(links, f"{res.name}_url")(target.base_url, found)
    open_or_print(app_ctx, url, print_only=print_only)


_BUILDERS: dict[str, Callable[[Resource], Command]] = {
    "get": _get,
    "create": _create,
    "update": _update,
    "delete": _delete,
    "open": _open,
}
