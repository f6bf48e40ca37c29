"""webhooks/request.py: raw request text, as `trigger --print` writes and `verify` reads."""

from __future__ import annotations

import pytest

from pivotal_cli.webhooks.request import RequestFormatError, format_request, parse_request


def test_a_printed_request_reads_back() -> None:
    headers = [("content-type", "application/json"), ("svix-id", "msg_1")]
    text = "\n".join(format_request("http://127.0.0.1:8787/hooks?x=1", headers, b"{}"))
    assert text.startswith("POST /hooks?x=1 HTTP/1.1\nhost: 127.0.0.1:8787\n")
    parsed, body = parse_request(text.encode())
    assert parsed == [("host", "127.0.0.1:8787"), *headers, ("content-length", "2")]
    assert body == b"{}"


@pytest.mark.parametrize(
    ("raw", "headers", "body"),
    [
        (b"a: b\r\nc: d\r\n\r\nbody\r\n", [("a", "b"), ("c", "d")], b"body\r\n"),
        (b"a: b\n  c: d\n\nbody", [("a", "b"), ("c", "d")], b"body"),
        (b"a:\n\nbody", [("a", "")], b"body"),
        (b"a: b: c\n\nbody", [("a", "b: c")], b"body"),
        (b"content-length: 4\n\nbody\n", [("content-length", "4")], b"body"),
        (b"content-length: 10\n\nshort", [("content-length", "10")], b"short"),
        (b"\n\nbody", [], b"body"),
    ],
)
def test_headers_and_body(raw: bytes, headers: list[tuple[str, str]], body: bytes) -> None:
    assert parse_request(raw) == (headers, body)


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"a: b\nno colon\n\nbody", "no colon"),
        (b": value\n\nbody", ": value"),
        (b"From someone\n\nbody", "From someone"),
        (b"no blank line at all", None),
    ],
)
def test_what_is_not_a_request(raw: bytes, line: str | None) -> None:
    with pytest.raises(RequestFormatError) as caught:
        parse_request(raw)
    assert caught.value.line == line
