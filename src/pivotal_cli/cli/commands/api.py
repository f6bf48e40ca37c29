"""`pivotal api PATH`: any request to the API, for what no command covers (as `gh api`).

The request goes through the same `Client.request` as every other command, so it gets
the same retries, pacing, idempotency keys, redaction and one-line errors. What is
here is the command line's side: turning `-f/-F` fields into a body or query (typed
by the schema where the path names a known resource), `-H` headers, `--paginate`,
`--jsonl`, `--jq`, `-i`, `--silent` and `--dry-run`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.options import IdempotencyKeyOpt, YesOpt, group
from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext, Target
    from pivotal_cli.client.http import Client, Response
    from pivotal_cli.domain.records import JSONValue

app = group("Send any request to the API.")

# Path segment -> the schema's resource name, for typing -F fields by the schema.
_RESOURCES = {"customers": "customer", "contacts": "contact", "onboardings": "onboarding"}
_KEY = re.compile(r"^([^\[\]=]+)((?:\[[^\[\]]*\])*)$")
_METHOD = re.compile(r"^[A-Za-z]+$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@app.command("api")
@handle_errors
def api(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="Path under the base URL, e.g. /customers or customers/245.",
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
            "--input", metavar="FILE|-", help="Request body (JSON) from a file or - for stdin."
        ),
    ] = None,
    headers: Annotated[
        list[str] | None,
        typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="An extra request header."),
    ] = None,
    paginate: Annotated[
        bool,
        typer.Option("--paginate", help="Follow next_cursor; print every item as one array."),
    ] = False,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Print the items one JSON object per line.")
    ] = False,
    jq_expr: Annotated[
        str | None,
        typer.Option("--jq", "-q", metavar="EXPR", help="Filter the result with a jq expression."),
    ] = None,
    jq_args: Annotated[
        list[str] | None,
        typer.Option(
            "--arg",
            metavar="NAME=VALUE",
            help="A string variable $NAME for --jq (repeatable).",
            show_default=False,
        ),
    ] = None,
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
    """Send a request to PATH and print the JSON answer (pretty on a terminal).

    Examples: pivotal api /customers -f name=Aurora; pivotal api -X PATCH
    customers/245 -F mrr=129900; pivotal api /onboardings --paginate --jq '.[].id'
    """
    app_ctx: AppContext = ctx.obj
    if jq_expr is not None:
        from pivotal_cli.cli import query

        query.check(jq_expr, query.parse_args(jq_args))
    elif jq_args:
        raise UsageError("--arg works only with --jq.")
    if jsonl and jq_expr is not None:
        raise UsageError("Choose one of --jsonl and --jq.")

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
            body, has_body = build_body(fields, path, verb), True
    if paginate and verb != "GET":
        raise UsageError("--paginate works only with GET.")

    target = app_ctx.target(require_key=not dry_run)
    rel = relative_path(path, target.base_url)
    header_map = {k.title(): v for k, v in extra.items()}
    if dry_run:
        _print_dry_run(
            app_ctx, target, verb, rel, params, header_map, body, has_body, idempotency_key
        )
        return

    live = target.mode == "live" and target.source != "sandbox"
    if verb not in ("GET", "HEAD"):
        app_ctx.mark_target(target)
    if verb == "DELETE" and live:
        out = app_ctx.output
        out.confirm(f"Send DELETE {rel} with the live key?", assume_yes=yes)

    with app_ctx.client(target=target) as client:
        pages = _send_pages(
            client,
            verb,
            rel,
            params,
            header_map,
            body if has_body else None,
            idempotency_key,
            paginate,
        )
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


def _split(item: str, flag: str) -> tuple[str, list[str], str]:
    key, sep, value = item.partition("=")
    match = _KEY.match(key)
    if not sep or not match:
        raise UsageError(f"{flag} takes key=value, key[sub]=value or key[]=value, not '{item}'.")
    subs = re.findall(r"\[([^\[\]]*)\]", match.group(2))
    return match.group(1), subs, value


def path_resource(path: str) -> tuple[str | None, int]:
    """The schema resource a path names (by its first segment) and its segment count."""
    segments = [s for s in path.split("?")[0].split("/") if s and s not in ("api", "v1")]
    if "://" in path:
        segments = segments[2:]  # scheme and host
    if not segments:
        return None, 0
    return _RESOURCES.get(segments[0]), len(segments)


def parse_fields(
    raw: Sequence[str], typed: Sequence[str], path: str
) -> list[tuple[str, list[str], JSONValue]]:
    """`-f` and `-F` fields as (key, subkeys, value), in command-line order per flag."""
    resource, _ = path_resource(path)
    result: list[tuple[str, list[str], JSONValue]] = []
    for item in raw:
        key, subs, value = _split(item, "-f")
        result.append((key, subs, value))
    for item in typed:
        key, subs, value = _split(item, "-F")
        result.append((key, subs, typed_value(value, resource, key, subs)))
    return result


def typed_value(value: str, resource: str | None, key: str, subs: list[str]) -> JSONValue:
    """`-F`'s value: from a file, by the schema's type where known, else by its look."""
    if value.startswith("@"):
        source = value[1:]
        if source == "-":
            return sys.stdin.read()
        try:
            return Path(source).read_text()
        except OSError as exc:
            raise UsageError(f"-F {key}: cannot read {source}: {exc.strerror}.") from None
    kind = _schema_type(resource, key, subs)
    if kind == "string":
        return None if value == "null" else value
    if kind in ("integer", "number", "boolean"):
        converted = _guess(value)
        if kind == "integer" and isinstance(converted, int) and not isinstance(converted, bool):
            return converted
        if (
            kind == "number"
            and isinstance(converted, (int, float))
            and not isinstance(converted, bool)
        ):
            return converted
        if kind == "boolean" and isinstance(converted, bool):
            return converted
        if converted is None:
            return None
        return value  # not of the schema's type: sent as given, for the API to judge
    return _guess(value)


def _schema_type(resource: str | None, key: str, subs: list[str]) -> str | None:
    if resource is None or (subs and subs != [""]):
        return None
    from pivotal_cli.domain import schema

    found = schema.field(resource, key, "object")
    if found is None:
        return None
    return found.items if subs == [""] else found.type


def _guess(value: str) -> JSONValue:
    if value in ("true", "false"):
        return value == "true"
    if value == "null":
        return None
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+([eE][-+]?\d+)?", value):
        return float(value)
    return value


def build_body(fields: list[tuple[str, list[str], JSONValue]], path: str, verb: str) -> JSONValue:
    """Fields to a JSON object: `a[b]=1` nests, `a[]=1` appends."""
    body: dict[str, Any] = {}
    for key, subs, value in fields:
        keys = [key, *subs]
        node: Any = body
        for index, part in enumerate(keys):
            last = index == len(keys) - 1
            following = None if last else keys[index + 1]
            if part == "":
                if not isinstance(node, list):
                    raise UsageError(f"Field {key}: [] used on a value that is not a list.")
                if last:
                    node.append(value)
                else:
                    child: Any = [] if following == "" else {}
                    node.append(child)
                    node = child
                continue
            if not isinstance(node, dict):
                raise UsageError(f"Field {key}: [{part}] used on a list.")
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if following == "" else {})
    return cast("JSONValue", body)


def query_params(fields: list[tuple[str, list[str], JSONValue]]) -> dict[str, Any]:
    """Fields as query parameters: `a[b]=1` keeps its brackets, repeats become lists."""
    params: dict[str, Any] = {}
    for key, subs, value in fields:
        name = key + "".join(f"[{s}]" for s in subs)
        text = _query_text(value)
        if name in params:
            previous = params[name]
            params[name] = [*previous, text] if isinstance(previous, list) else [previous, text]
        else:
            params[name] = text
    return params


def _query_text(value: JSONValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def read_input(source: str) -> JSONValue:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except OSError as exc:
        raise UsageError(f"--input: cannot read {source}: {exc.strerror}.") from None
    try:
        return cast("JSONValue", json.loads(text))
    except ValueError as exc:
        raise UsageError(f"--input: not JSON ({exc}).", reason="input_not_json") from None


def relative_path(path: str, base_url: str) -> str:
    """PATH under the base URL; a full URL must be on that base URL itself."""
    base = base_url.rstrip("/")
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", path):
        if path != base and not path.startswith(base + "/"):
            raise UsageError(
                f"Refusing to send the key to {path.split('?')[0]}: only URLs under {base} "
                "are accepted (or give a path such as /customers).",
                reason="foreign_url",
            )
        path = path[len(base) :]
    return "/" + path.lstrip("/")


# -- sending and printing -------------------------------------------------------------


def _send_pages(
    client: Client,
    verb: str,
    path: str,
    params: Mapping[str, Any],
    headers: Mapping[str, str],
    body: JSONValue,
    idempotency_key: str | None,
    paginate: bool,
) -> Iterator[Response]:
    from pivotal_cli.client.pagination import next_cursor

    query = dict(params)
    seen: set[str] = set()
    while True:
        reply = client.request(
            verb,
            path,
            params=query or None,
            json_body=body,
            idempotency_key=idempotency_key,
            headers=headers or None,
        )
        yield reply
        data = reply.data
        if not paginate or not isinstance(data, dict):
            return
        cursor = next_cursor(data)
        # A server handing back a cursor it gave before would loop forever.
        if cursor is None or cursor in seen:
            return
        seen.add(cursor)
        query["cursor"] = cursor


def _items(data: JSONValue) -> list[JSONValue]:
    """A page's items (`data` of a list page), an array's elements, or the one value."""
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return list(cast("list[JSONValue]", data["data"]))
    if isinstance(data, list):
        return list(data)
    return [data]


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
) -> None:
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
            for item in _items(reply.data):
                out.line(json.dumps(item, separators=(",", ":"), ensure_ascii=False))
        elif paginate:
            merged.extend(_items(reply.data))
        else:
            result = reply.data
    if silent or jsonl:
        return
    if paginate:
        result = merged
    if jq_expr is not None:
        from pivotal_cli.cli import query

        for line in query.run_jq(result, jq_expr, query.parse_args(jq_args), pretty=out.is_tty):
            out.line(line)
        return
    if result is None and not paginate:
        return  # an empty body (204)
    if out.is_tty:
        out.line(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        out.line(json.dumps(result, separators=(",", ":"), ensure_ascii=False))


def _redactor(api_key: str | None) -> Any:
    from pivotal_cli.domain.api_keys import key_prefix

    def redact(text: str) -> str:
        if api_key:
            text = re.sub(re.escape(api_key), key_prefix(api_key) + "…", text, flags=re.I)
        return text

    return redact


def _print_head(app_ctx: AppContext, client: Client, reply: Response) -> None:
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(reply.status).phrase
    except ValueError:
        phrase = ""
    redact = _redactor(client.api_key)
    out = app_ctx.output
    out.line(f"HTTP/1.1 {reply.status} {phrase}".rstrip())
    for name, value in reply.headers.items():
        out.line(redact(f"{name.title()}: {value}"))
    out.line("")


def _print_dry_run(
    app_ctx: AppContext,
    target: Target,
    verb: str,
    path: str,
    params: Mapping[str, Any],
    headers: Mapping[str, str],
    body: JSONValue,
    has_body: bool,
    idempotency_key: str | None,
) -> None:
    import httpx

    from pivotal_cli.domain.api_keys import key_prefix

    url = httpx.URL(target.base_url.rstrip("/") + path)
    if params:
        url = url.copy_merge_params(params)
    out = app_ctx.output
    out.line(f"{verb} {url}")
    if target.api_key:
        out.line(f"Authorization: Bearer {key_prefix(target.api_key)}…")
    if verb == "POST":
        out.line(f"Idempotency-Key: {idempotency_key or '(generated when sent)'}")
    if has_body and not any(k.lower() == "content-type" for k in headers):
        out.line("Content-Type: application/json")
    redact = _redactor(target.api_key)
    for name, value in headers.items():
        out.line(redact(f"{name}: {value}"))
    if has_body:
        out.line("")
        out.line(redact(json.dumps(body, indent=2, ensure_ascii=False)))
    app_ctx.output.info("Dry run: nothing was sent.")
