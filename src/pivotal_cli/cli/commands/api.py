"""`pivotal api PATH`: any request to the API, for what no command covers (as `gh api`).

The request goes through the same `Client.request` as every other command, so it gets
the same retries, pacing, idempotency keys, redaction and one-line errors. What is
here is the command line's side: the options, `-H` headers, reading `-F @file` and
`--input`, and printing for `--jsonl`, `--jq`, `-i`, `--silent` and `--dry-run`.
Building the body or query from `-f/-F` fields is `domain/api_fields.py`; sending,
and following pages for `--paginate`, is `client/raw_request.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.input_source import source_name
from pivotal_cli.cli.options import IdempotencyKeyOpt, JqArgOpt, TemplateOpt, YesOpt, group
from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext, Target
    from pivotal_cli.client.http import Client, Response
    from pivotal_cli.client.raw_request import RawRequest
    from pivotal_cli.domain.api_fields import Field
    from pivotal_cli.domain.records import JSONValue

app = group("Send any request to the API.")

_METHOD = re.compile(r"^[A-Za-z]+$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


HeadersOpt = Annotated[
    list[str] | None,
    typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="An extra request header."),
]
PaginateOpt = Annotated[
    bool,
    typer.Option("--paginate", help="Follow next_cursor; print every item as one array."),
]
JsonlOpt = Annotated[
    bool, typer.Option("--jsonl", help="Print the items one JSON object per line.")
]
JqExprOpt = Annotated[
    str | None,
    typer.Option("--jq", "-q", metavar="EXPR", help="Filter the result with a jq expression."),
]


@app.command("api")
@handle_errors
def api(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="Path under the base URL, e.g. /customers or customers/245 (never above it).",
            show_default=False,
        ),
    ],
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            "-X",
            metavar="METHOD",
            help="HTTP method (default: GET, or POST with fields or --input).",
            show_default=False,
        ),
    ] = None,
    raw_fields: Annotated[
        list[str] | None,
        typer.Option("--raw-field", "-f", metavar="KEY=VALUE", help="A string field."),
    ] = None,
    typed_fields: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            "-F",
            metavar="KEY=VALUE",
            help="A typed field: true, false, null, numbers, @file, @- (stdin); "
            "typed by the schema where the path's resource knows the field.",
        ),
    ] = None,
    input_: Annotated[
        str | None,
        typer.Option(
            "--input",
            metavar="FILE|-",
            help="Request body (JSON) from a file or - for stdin (at most 64 MiB, 500 levels).",
        ),
    ] = None,
    headers: HeadersOpt = None,
    paginate: PaginateOpt = False,
    jsonl: JsonlOpt = False,
    jq_expr: JqExprOpt = None,
    jq_args: JqArgOpt = None,
    template: TemplateOpt = None,
    include: Annotated[
        bool,
        typer.Option("--include", "-i", help="Print the status line and headers first."),
    ] = False,
    silent: Annotated[bool, typer.Option("--silent", help="Do not print the body.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the request instead of sending it.")
    ] = False,
    idempotency_key: IdempotencyKeyOpt = None,
    yes: YesOpt = False,
) -> None:
    """Send a request to PATH and print the JSON answer (pretty on a terminal)."""
    app_ctx: AppContext = ctx.obj
    if template is not None:
        _check_template(template, path, jq_expr is not None or jsonl or silent)
    if jq_expr is not None:
        from pivotal_cli.cli import query

        query.check(jq_expr, query.parse_args(jq_args))
    elif jq_args:
        raise UsageError("--arg works only with --jq.")
    if jsonl and jq_expr is not None:
        raise UsageError("Choose one of --jsonl and --jq.")

    from pivotal_cli.domain.api_fields import build_body, query_params, relative_path

    extra = parse_headers(headers or ())
    idempotency_key = extra.pop("idempotency-key", None) or idempotency_key
    fields = parse_fields(raw_fields or (), typed_fields or (), path)
    body: JSONValue = None
    has_body = input_ is not None
    if input_ is not None:
        body = read_input(input_)
    # As gh: fields or a body mean POST, unless -X says otherwise; --paginate reads.
    posts = (fields or has_body) and not paginate
    verb = (method or ("POST" if posts else "GET")).upper()
    if not _METHOD.match(verb):
        raise UsageError(f"'{method}' is not an HTTP method.", reason="bad_method")
    params: dict[str, Any] = {}
    if fields:
        if verb in ("GET", "HEAD", "DELETE") or has_body:
            params = query_params(fields)
        else:
            body, has_body = build_body(fields), True
    if paginate and verb != "GET":
        raise UsageError("--paginate works only with GET.")

    from pivotal_cli.client.raw_request import RawRequest, send_pages

    target = app_ctx.target(require_key=not dry_run)
    request = RawRequest(
        verb,
        relative_path(path, target.base_url),
        params,
        {k.title(): v for k, v in extra.items()},
        body,
        has_body,
        idempotency_key,
    )
    if dry_run:
        _print_dry_run(app_ctx, target, request)
        return

    if verb == "DELETE":
        from pivotal_cli.cli.flows import confirm_live, live_label

        # A live key, the sandbox's too, asks as every delete with one does.
        question = f"Send DELETE {request.path} with the live key?"
        confirm_live(app_ctx, live_label(target), question, yes=yes)
    if verb not in ("GET", "HEAD") and (verb != "DELETE" or target.mode != "live"):
        app_ctx.mark_target(target)

    with app_ctx.client(target=target) as client:
        pages = send_pages(client, request, paginate)
        _emit(
            app_ctx,
            client,
            pages,
            paginate=paginate,
            jsonl=jsonl,
            include=include,
            silent=silent,
            jq_expr=jq_expr,
            jq_args=jq_args,
            template=template,
        )


# -- building the request -------------------------------------------------------------


def parse_headers(values: Sequence[str]) -> dict[str, str]:
    """`Name: value` strings to a dict keyed by lower-case name."""
    found: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition(":")
        name, text = name.strip(), text.strip()
        if not sep or not _HEADER_NAME.match(name):
            raise UsageError(f"-H takes 'Name: value', not '{value[:40]}'.", reason="bad_header")
        if name.lower() == "authorization":
            raise UsageError(
                "-H Authorization is refused: the CLI sends the key it is set up with "
                "(--workspace, --live/--test or PIVOTAL_API_KEY).",
                reason="authorization_header",
            )
        for position, char in enumerate(text, start=1):
            if char in "\r\n" or (char < " " and char != "\t") or char == "\x7f":
                raise UsageError(
                    f"The value of header {name} holds a line break or control character "
                    f"at character {position}.",
                    reason="bad_header",
                )
        found[name.lower()] = text
    return found


def parse_fields(raw: Sequence[str], typed: Sequence[str], path: str) -> list[Field]:
    """`-f` and `-F` fields as (key, subkeys, value), in command-line order per flag."""
    from pivotal_cli.domain.api_fields import path_resource, split_field, typed_value

    resource, _ = path_resource(path)
    result: list[Field] = [split_field(item, "-f") for item in raw]
    for item in typed:
        key, subs, value = split_field(item, "-F")
        if value.startswith("@"):
            result.append((key, subs, _read_field_file(key, value[1:])))
        else:
            result.append((key, subs, typed_value(value, resource, key, subs)))
    return result


def _read_field_file(key: str, source: str) -> str:
    """`-F key=@file` (or `@-`, stdin): the file's text, sent as it is."""
    from pivotal_cli.cli.input_source import read_text

    return read_text(source, f"-F {key}")


def read_input(source: str) -> JSONValue:
    """The `--input` body: JSON from FILE or stdin, within the reader's limits."""
    from pivotal_cli.cli.input_source import read_text
    from pivotal_cli.domain import bounded

    text = read_text(source, "--input")
    try:
        return cast("JSONValue", bounded.loads(text, f"--input: {source_name(source)}"))
    except ValueError as exc:
        raise UsageError(f"--input: not JSON ({exc}).", reason="input_not_json") from None


# -- printing -------------------------------------------------------------------------


def _emit(
    app_ctx: AppContext,
    client: Client,
    pages: Iterator[Response],
    *,
    paginate: bool,
    jsonl: bool,
    include: bool,
    silent: bool,
    jq_expr: str | None,
    jq_args: Sequence[str] | None,
    template: str | None = None,
) -> None:
    from pivotal_cli.domain.api_fields import answer_items
    from pivotal_cli.render.formats import dumps

    out = app_ctx.output
    merged: list[JSONValue] = []
    result: JSONValue = None
    for reply in pages:
        if include:
            _print_head(app_ctx, client, reply)
        if silent:
            continue
        if jsonl:
            # Streamed as each page arrives, never held in memory.
            for item in answer_items(reply.data):
                out.line(dumps(item, pretty=False))
        elif paginate:
            merged.extend(answer_items(reply.data))
        else:
            result = reply.data
    if silent or jsonl:
        return
    if paginate:
        result = merged
    if jq_expr is not None:
        from pivotal_cli.cli import query

        for line in query.stream_jq(result, jq_expr, query.parse_args(jq_args), pretty=out.is_tty):
            out.line(line)
        return
    if result is None and not paginate:
        return  # an empty body (204)
    if template is not None:
        from pivotal_cli.cli.query import render_template

        for item in answer_items(result):  # each record of a list, or the one object
            out.line(render_template(template, item if isinstance(item, dict) else {}))
        return
    out.line(out.dumps(result))


def _check_template(template: str, path: str, other_format: bool) -> None:
    """`-t` before any request: text, so not with --jq, --jsonl or --silent; its fields
    checked against the schema of the path's resource, where the path names one."""
    from pivotal_cli.cli.field_check import check_template
    from pivotal_cli.domain import schema
    from pivotal_cli.domain.api_fields import path_resource

    if other_format:
        raise UsageError("--template prints text: drop --jq, --jsonl or --silent.")
    resource, _ = path_resource(path)
    known = list(schema.field_names(resource)) if resource else None
    check_template(template, known)


def _print_head(app_ctx: AppContext, client: Client, reply: Response) -> None:
    from http import HTTPStatus

    from pivotal_cli.client.redaction import redact

    try:
        phrase = HTTPStatus(reply.status).phrase
    except ValueError:
        phrase = ""
    out = app_ctx.output
    out.line(f"HTTP/1.1 {reply.status} {phrase}".rstrip())
    for name, value in reply.headers.items():
        out.line(redact(f"{name.title()}: {value}", client.api_key))
    out.line("")


def _print_dry_run(app_ctx: AppContext, target: Target, request: RawRequest) -> None:
    from pivotal_cli.client.redaction import redact
    from pivotal_cli.domain.api_keys import key_prefix

    out = app_ctx.output
    out.line(f"{request.verb} {request.url(target.base_url)}")
    if target.api_key:
        out.line(f"Authorization: Bearer {key_prefix(target.api_key)}…")
    if request.verb == "POST":
        out.line(f"Idempotency-Key: {request.idempotency_key or '(generated when sent)'}")
    if request.has_body and not any(k.lower() == "content-type" for k in request.headers):
        out.line("Content-Type: application/json")
    for name, value in request.headers.items():
        out.line(redact(f"{name}: {value}", target.api_key))
    if request.has_body:
        out.line("")
        out.line(redact(json.dumps(request.body, indent=2, ensure_ascii=False), target.api_key))
    app_ctx.output.info("Dry run: nothing was sent.")
