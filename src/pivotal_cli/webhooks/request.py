"""A webhook delivery as raw HTTP request text: what `trigger --print` writes, `verify` reads.

The text is an optional request line (`POST / HTTP/1.1`), header lines, a blank line
and the body. Line ends may be CRLF or LF: a request copied from a terminal or saved
by an editor has LF only. The headers are read by the standard library's parser
(`email.parser`, the one `http.client` uses), with each line's surrounding whitespace
dropped first, so an indented line is a header of its own rather than a continuation.
Content-Length, when present and not larger than what follows, says how much of the
rest is the body: anything after it (a final line break an editor added) is not.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import HeaderParser
from urllib.parse import urlsplit

_REQUEST_LINE = re.compile(r"^[A-Z]+ \S+ HTTP/\d")


class RequestFormatError(ValueError):
    """Text that is not a request: no blank line after the headers, or a bad header line.

    `line` is the offending header line, when one is to blame.
    """

    def __init__(self, message: str, line: str | None = None) -> None:
        super().__init__(message)
        self.line = line


def _split(raw: bytes) -> tuple[bytes, bytes]:
    """The header block and the body, at the first blank line (CRLF or LF)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep or b"\n\n" in head:
        head, sep, body = raw.partition(b"\n\n")
    if not sep:
        raise RequestFormatError("no blank line between headers and body")
    return head, body


def parse_request(raw: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """The headers, in order, and the body of a raw HTTP request."""
    head, body = _split(raw)
    text = head.decode("utf-8", "replace").replace("\r\n", "\n")
    lines = [line.strip() for line in text.split("\n")]
    if lines and _REQUEST_LINE.match(lines[0]):
        lines = lines[1:]
    lines = [line for line in lines if line]
    message = HeaderParser(policy=policy.compat32).parsestr("\n".join(lines) + "\n\n")
    headers = [(name.strip(), str(value).strip()) for name, value in message.items()]
    # Each stripped line must have become one header of its name: a line the parser
    # could not take as one (no colon, an empty name, a space before the colon) ended
    # the headers there, or was dropped.
    for index, line in enumerate(lines):
        name = headers[index][0] if index < len(headers) else None
        if not name or line.partition(":")[0] != name:
            raise RequestFormatError("a header line is not 'Name: value'", line)
    length = next((v for n, v in headers if n.lower() == "content-length"), None)
    if length is not None and length.isdigit() and int(length) <= len(body):
        body = body[: int(length)]
    return headers, body


def format_request(url: str, headers: list[tuple[str, str]], body: bytes) -> list[str]:
    """The lines of the request that POSTs `body` with `headers` to `url`, as HTTP/1.1."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return [
        f"POST {target} HTTP/1.1",
        f"host: {parts.netloc}",
        *(f"{name}: {value}" for name, value in headers),
        f"content-length: {len(body)}",
        "",
        body.decode("utf-8"),
    ]
