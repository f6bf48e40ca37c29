"""list, get, create, update, delete and open for a resource group, from its description.

The three resource groups (customers, contacts, onboardings) run the same flows for
these commands; what differs is said once, in a `Resource`: the noun, the id argument,
the list's filters and how it fetches, the help texts and the messages. `register` adds
the commands to the group's Typer app as real functions whose signatures Typer reads,
built with `inspect` the way `body_flags` adds the schema's fields; the group module
keeps its own commands (the phase verbs, import) and the order its help lists them in.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from pivotal_cli.cli.body_flags import body_flags, build_body
from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.field_check import check_template
from pivotal_cli.cli.flows import (
    Paging,
    emit_record,
    select_columns,
    show_list,
    soft_delete,
    write_record,
)
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import (
    AllOpt,
    ColumnsOpt,
    CsvOpt,
    CursorOpt,
    DataOpt,
    IdempotencyKeyOpt,
    JqArgOpt,
    JqOpt,
    JsonFieldsOpt,
    JsonlOpt,
    JsonOpt,
    LimitOpt,
    TemplateOpt,
    YesOpt,
)
from pivotal_cli.cli.web import WebOpt

if TYPE_CHECKING:  # types only: nothing here is imported at start-up
    from types import ModuleType

    from pivotal_cli.cli.flows import Humanise
    from pivotal_cli.domain.records import Record
    from pivotal_cli.render.output import Column

Command = Callable[..., Any]
Param = tuple[str, Any, Any]  # a parameter of a command: name, `Annotated` type, default
REQUIRED = inspect.Parameter.empty  # the default of a parameter that has none
PrintOpt = Annotated[bool, typer.Option("--print", help="Only print the URL.")]


class Resource(NamedTuple):
    """What the shared commands of one resource group need to know about it.

    A NamedTuple, as `schema.Field` is: it is defined on every start-up that shows a
    group's help, where a dataclass costs several times as much.
    """

    name: str  # the schema's resource name, singular: "customer"
    ref: Any  # the `Annotated` id argument of get, update, delete and open
    help: Mapping[str, str]  # each command's help (its docstring), by command name
    created: Callable[[Record], str]  # the line after a create
    updated: Callable[[Record], str]  # the line after an update
    describe: Callable[[Record], str]  # what a delete names, in its question and report
    # `list`'s rows for its filters and paging: rows(client, paging, **filters) -> the
    # rows and the next page's cursor (see `flows.show_list`).
    rows: Callable[..., tuple[Iterable[Record], Any]]
    list_filters: Sequence[Param] = ()  # `list`'s own parameters, before the shared ones
    paginated: bool = False  # `list` takes --limit, --cursor and --all
    delete_note: str = ""  # appended to the soft-delete report
    # The id argument of create, when records are created under another (a contact
    # under its customer): (parameter name, `Annotated` argument).
    parent: tuple[str, Any] | None = None
    opens: bool = False  # has pages in the app: `open`, and `get --web` and `list --web`
    launch: bool = False  # writes may enter the launch phase: --yes, and a live key asks
    # Swaps in columns that need the client (a customer's name for its id).
    humanise: Humanise | None = None

    @property
    def plural(self) -> str:
        return f"{self.name}s"

    def client_module(self) -> ModuleType:
        """The resource's module in `client/`, imported when a command runs."""
        import importlib

        return importlib.import_module(f"pivotal_cli.client.{self.plural}")

    def columns(self) -> list[Column]:
        """A column for every field (the views' `CUSTOMER_COLUMNS`, ...)."""
        from pivotal_cli.render import views

        return list(getattr(views, f"{self.name.upper()}_COLUMNS"))

    def default_columns(self) -> list[str]:
        """The fields a list shows without --columns (the views' `CUSTOMER_DEFAULT`, ...)."""
        from pivotal_cli.render import views

        return list(getattr(views, f"{self.name.upper()}_DEFAULT"))


def register(app: typer.Typer, resource: Resource, *names: str) -> dict[str, Command]:
    """Add the named commands (list, get, create or add, update, delete, open) in order.

    Returns the registered functions by name, for the group's hidden aliases.
    """
    made = {}
    for name in names:
        command = _BUILDERS["create" if name == "add" else name](resource)
        command.__doc__ = resource.help[name]
        command.__name__ = command.__qualname__ = f"{name}_{resource.name}"  # for tracebacks
        made[name] = app.command(name)(handle_errors(command))
    return made


def _function(
    run: Callable[..., None], parameters: Sequence[Param], *, ref: str | None = None
) -> Command:
    """A function Typer reads as `(name: annotation = default, ...)` that calls `run`.

    Typer passes every parameter by name, so `run` gets them as keyword arguments; the
    parameter named `ref` (the id argument, named after the resource for its help) as
    `ref`.
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
        if ref is not None:
            kwargs["ref"] = kwargs.pop(ref)
        run(**kwargs)

    command.__signature__ = signature  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return command


_CTX = ("ctx", typer.Context, REQUIRED)


def _list(res: Resource) -> Command:
    def run(
        *,
        ctx: typer.Context,
        columns: str | None,
        json_: bool,
        jsonl: bool,
        csv_: bool,
        jq: str | None,
        jq_arg: list[str] | None,
        template: str | None,
        web: bool = False,
        all_: bool = False,
        limit: int | None = None,
        cursor: str | None = None,
        **filters: Any,
    ) -> None:
        if web:  # the app's list page: no request needed
            from pivotal_cli.cli.web import open_or_print
            from pivotal_cli.render.links import list_url

            open_or_print(ctx.obj, list_url(ctx.obj.target().base_url, res.plural))
            return
        paging = Paging(all_, limit, cursor)
        show_list(
            ctx.obj,
            lambda client: res.rows(client, paging, **filters),
            columns=res.columns(),
            default=res.default_columns(),
            requested=columns,
            json_=json_,
            jsonl=jsonl,
            csv_=csv_,
            noun=res.plural,
            jq=jq,
            jq_args=jq_arg,
            template=template,
            progress=all_,
            humanise=res.humanise,
        )

    paging = (
        [("limit", LimitOpt, None), ("cursor", CursorOpt, None), ("all_", AllOpt, False)]
        if res.paginated
        else []
    )
    web = [("web", WebOpt, False)] if res.opens else []
    return _function(
        run,
        [
            _CTX,
            *res.list_filters,
            *paging,
            ("columns", ColumnsOpt, None),
            ("json_", JsonFieldsOpt, False),
            ("jsonl", JsonlOpt, False),
            ("csv_", CsvOpt, False),
            ("jq", JqOpt, None),
            ("jq_arg", JqArgOpt, None),
            ("template", TemplateOpt, None),
            *web,
        ],
    )


def _get(res: Resource) -> Command:
    def run(
        *,
        ctx: typer.Context,
        ref: str,
        columns: str | None,
        json_: bool,
        jq: str | None,
        jq_arg: list[str] | None,
        template: str | None,
        web: bool = False,
    ) -> None:
        if web:
            return _open_page(res, ctx, ref)
        available = res.columns()
        # A typo is exit 2 before any request.
        if columns:
            select_columns(available, (), columns, "--json" if json_ else "--columns")
        if template is not None:
            check_template(template, [c.key for c in available])
        with ctx.obj.client() as client:
            found = res.client_module().get(client, ref)
            emit_record(
                ctx.obj,
                found,
                res.humanise(ctx.obj, client, available, [found])[0] if res.humanise else available,
                json_,
                jq=jq,
                jq_args=jq_arg,
                template=template,
                requested=columns,
            )

    web = [("web", WebOpt, False)] if res.opens else []
    return _function(
        run,
        [
            _CTX,
            (res.name, res.ref, REQUIRED),
            ("columns", ColumnsOpt, None),
            ("json_", JsonFieldsOpt, False),
            *web,
            ("jq", JqOpt, None),
            ("jq_arg", JqArgOpt, None),
            ("template", TemplateOpt, None),
        ],
        ref=res.name,
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
        ref: str | None = None,
        **fields: Any,
    ) -> None:
        parent = [] if ref is None else [ref]  # the record it is created under
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

    parent = [(res.parent[0], res.parent[1], REQUIRED)] if res.parent else []
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
        ref=res.parent[0] if res.parent else None,
    )
    return jq_flags(body_flags(res.name, "create")(command))


def _update(res: Resource) -> Command:
    def run(
        *,
        ctx: typer.Context,
        ref: str,
        data: str | None,
        json_: bool,
        yes: bool = False,
        **fields: Any,
    ) -> None:
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
            (res.name, res.ref, REQUIRED),
            ("data", DataOpt, None),
            *yes,
            ("json_", JsonOpt, False),
        ],
        ref=res.name,
    )
    return jq_flags(body_flags(res.name, "update")(command))


def _delete(res: Resource) -> Command:
    def run(*, ctx: typer.Context, ref: str, yes: bool, json_: bool) -> None:
        soft_delete(
            ctx.obj,
            res.client_module(),
            ref,
            res.describe,
            yes=yes,
            json_=json_,
            note=res.delete_note,
        )

    command = _function(
        run,
        [_CTX, (res.name, res.ref, REQUIRED), ("yes", YesOpt, False), ("json_", JsonOpt, False)],
        ref=res.name,
    )
    return jq_flags(command)


def _open(res: Resource) -> Command:
    def run(*, ctx: typer.Context, ref: str, print_only: bool) -> None:
        _open_page(res, ctx, ref, print_only=print_only)

    return _function(
        run, [_CTX, (res.name, res.ref, REQUIRED), ("print_only", PrintOpt, False)], ref=res.name
    )


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
    "list": _list,
    "get": _get,
    "create": _create,
    "update": _update,
    "delete": _delete,
    "open": _open,
}
