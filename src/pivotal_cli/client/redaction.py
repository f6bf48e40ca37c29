"""Keeping the key off the screen: every text the client shows passes through here.

Servers and proxies may echo the key back (in an error message, a header, a
redirect), in any letter case; it is cut down to its safe prefix wherever it appears.
"""

from __future__ import annotations

import re

from pivotal_cli.domain.api_keys import key_prefix
from pivotal_cli.errors import APIError


def redact(text: str, api_key: str | None) -> str:
    """`text` with `api_key`, in any letter case, cut down to its safe prefix."""
    if api_key:
        pattern = re.compile(re.escape(api_key), re.IGNORECASE)
        text = pattern.sub(key_prefix(api_key) + "…", text)
    return text


def redact_error(error: APIError, api_key: str | None) -> APIError:
    """`error` with the key cut out of every text it shows, all of which came from a server."""
    error.message = redact(error.message, api_key)
    error.code = redact(error.code, api_key) if error.code else error.code
    error.type = redact(error.type, api_key) if error.type else error.type
    error.field = redact(error.field, api_key) if error.field else error.field
    if error.request_id:
        error.request_id = redact(error.request_id, api_key)
    return error
