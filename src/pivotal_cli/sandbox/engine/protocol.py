"""Framework-free request and response values passed between the adapters and the core."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Request:
    """One HTTP request as the core sees it: lowercased headers, decoded query."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        query_string: bytes | str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Request:
        if isinstance(query_string, bytes):
            query_string = query_string.decode("latin-1")
        query: dict[str, str] = {}
        # The first occurrence of a repeated parameter wins.
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(name, value)
        lowered = {name.lower(): value for name, value in headers.items()}
        return cls(method.upper(), path, query, lowered, body)


@dataclass
class Response:
    """Status, headers and body bytes; `drop` asks the adapter to cut the connection."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON, the wire format of every response."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """A JSON response with its content type set."""
    return Response(status, encode_json(payload), [("Content-Type", JSON_CONTENT_TYPE), *headers])
