"""What a user hands a command as FILE or `-` (stdin), read whole and within a limit.

`--data @file`, `api --input`, `api -F key=@file`, a paste and a webhook request or
body are all read here: at most `domain.bounded.MAX_DOCUMENT_BYTES`, so `/dev/zero`
or an endless pipe fails at the limit (exit 2) instead of filling memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pivotal_cli.domain import bounded
from pivotal_cli.errors import UsageError


def source_name(source: str) -> str:
    """How errors name a source: `stdin` for `-`, else the path as given."""
    return "stdin" if source == "-" else source


def read_bytes(source: str, flag: str) -> bytes:
    """The exact bytes of FILE, or of stdin for `-`; `flag` names the option in errors."""
    where = source_name(source)
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:  # a stdin replaced by text (tests, embedding)
                return str(bounded.read_limited(sys.stdin, where)).encode()
            return bytes(bounded.read_limited(stream, where))
        with Path(source).expanduser().open("rb") as handle:
            return bytes(bounded.read_limited(handle, where))
    except bounded.InputTooLarge as exc:
        raise bounded.InputTooLarge(f"{flag}: {exc.message}", reason=exc.reason) from None
    except OSError as exc:
        raise UsageError(f"{flag}: cannot read {source}: {exc.strerror or exc}.") from None


def read_text(source: str, flag: str, *, encoding: str = "utf-8") -> str:
    """FILE or stdin as UTF-8 text; a file in another encoding is refused naming it."""
    data = read_bytes(source, flag)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        # Binary data or another encoding (Latin-1, UTF-16): input here is UTF-8.
        raise UsageError(
            f"{flag}: {source_name(source)} is not UTF-8 text (byte "
            f"0x{exc.object[exc.start]:02x} at offset {exc.start}); save it as UTF-8."
        ) from None
