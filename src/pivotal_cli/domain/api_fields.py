"""The request of a raw API call, built from `key=value` fields: pure, no I/O.

A field's key may nest (`a[b]=1`) or append to a list (`a[]=1`). In a body, fields
build one JSON object; in a query string they keep their brackets and repeats become
lists. A typed field takes the schema's type where the path names a known resource
and the field is known, else the type its text looks like. Errors name the flag a
field came from as the caller spells it (`flag`): the domain knows no flags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from pivotal_cli.domain.bounded import MAX_DEPTH, too_deep
from pivotal_cli.domain.records import JSONValue
from pivotal_cli.errors import UsageError

# Path segment -> the schema's resource name, for typing fields by the schema.
RESOURCES = {"customers": "customer", "contacts": "contact", "onboardings": "onboarding"}
_KEY = re.compile(r"^([^\[\]=]+)((?:\[[^\[\]]*\])*)$")

# One field: its key, the subkeys in brackets after it, and its value.
Field = tuple[str, list[str], JSONValue]


def split_field(item: str, flag: str) -> tuple[str, list[str], str]:
    """`key[sub]=value` as (key, subkeys, value text)."""
    key, sep, value = item.partition("=")
    match = _KEY.match(key)
    if not sep or not match:
        raise UsageError(f"{flag} takes key=value, key[sub]=value or key[]=value, not '{item}'.")
    subs = re.findall(r"\[([^\[\]]*)\]", match.group(2))
    if len(subs) >= MAX_DEPTH:
        raise too_deep(f"{flag} {match.group(1)}")
    return match.group(1), subs, value


def path_resource(path: str) -> tuple[str | None, int]:
    """The schema resource a path names (by its first segment) and its segment count."""
    segments = [s for s in path.split("?")[0].split("/") if s and s not in ("api", "v1")]
    if "://" in path:
        segments = segments[2:]  # scheme and host
    if not segments:
        return None, 0
    return RESOURCES.get(segments[0]), len(segments)


def typed_value(value: str, resource: str | None, key: str, subs: list[str]) -> JSONValue:
    """A typed field's value: by the schema's type where known, else by its look."""
    kind = _schema_type(resource, key, subs)
    if kind == "string":
        return None if value == "null" else value
    if kind in ("integer", "number", "boolean"):
        converted = guess(value)
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
    return guess(value)


def _schema_type(resource: str | None, key: str, subs: list[str]) -> str | None:
    if resource is None or (subs and subs != [""]):
        return None
    from pivotal_cli.domain import schema

    found = schema.field(resource, key, "object")
    if found is None:
        return None
    return found.items if subs == [""] else found.type


def guess(value: str) -> JSONValue:
    """`true`, `false`, `null`, integers and decimals as JSON; anything else a string."""
    if value in ("true", "false"):
        return value == "true"
    if value == "null":
        return None
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+([eE][-+]?\d+)?", value):
        return float(value)
    return value


def build_body(fields: list[Field]) -> JSONValue:
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


def query_params(fields: list[Field]) -> dict[str, Any]:
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


def relative_path(path: str, base_url: str) -> str:
    """PATH under the base URL, dot segments resolved; never a path outside it.

    A full URL must be on the base URL itself; a path starting with the base URL's own
    path (`/api/v1/…`) is read from the host's root. Backslashes count as slashes and
    repeated slashes as one, and `.`/`..` count percent-encoded too (`%2e%2e`, and
    inside a segment with an encoded slash), as a server or proxy in between may
    decode them: a path that would climb above the base path is refused before the
    key is sent anywhere. What is sent keeps each remaining segment as it was given.
    """
    base = base_url.rstrip("/")
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", path):
        if path != base and not path.startswith(base + "/"):
            raise UsageError(
                f"Refusing to send the key to {path.split('?')[0]}: only URLs under {base} "
                "are accepted (or give a path such as /customers).",
                reason="foreign_url",
            )
        path = path[len(base) :]
    text, sep, query = path.partition("?")
    root = _segments(urlsplit(base).path)
    given = _segments(text)
    # `/api/v1/…` names the base path itself; anything else is relative to it.
    absolute = bool(root) and text[:1] in "/\\" and given[: len(root)] == root
    segments = given if absolute else root + given
    sent = _resolve(segments, unquote)
    decoded = _resolve([p for s in segments for p in _segments(unquote(s)) or [s]], str)
    if any(found is None or found[: len(root)] != root for found in (sent, decoded)):
        raise UsageError(
            f"Refusing to send the key to '{text}': the path leaves the API's base path "
            f"({urlsplit(base).path or '/'}).",
            reason="path_outside_base",
        )
    assert sent is not None
    sent = sent[len(root) :]
    trailing = "/" if sent and text.endswith(("/", "\\")) else ""
    return "/" + "/".join(sent) + trailing + sep + query


def _segments(text: str) -> list[str]:
    return [segment for segment in text.replace("\\", "/").split("/") if segment]


def _resolve(segments: list[str], decode: Callable[[str], str]) -> list[str] | None:
    """`segments` from the host's root, `.` and `..` applied (as `decode` reads each);
    None if a `..` climbs above the root."""
    resolved: list[str] = []
    for segment in segments:
        word = decode(segment)
        if word == "..":
            if not resolved:
                return None
            resolved.pop()
        elif word != ".":
            resolved.append(segment)
    return resolved


def answer_items(data: JSONValue) -> list[JSONValue]:
    """A page's items (`data` of a list page), an array's elements, or the one value."""
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return list(cast("list[JSONValue]", data["data"]))
    if isinstance(data, list):
        return list(data)
    return [data]
