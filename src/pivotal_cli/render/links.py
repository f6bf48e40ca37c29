"""Links into the Pivotal app, and opening them in a browser when there is one."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit


def app_root(base_url: str) -> str:
    """`https://my.pivotal.app/api/v1` -> `https://my.pivotal.app`."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    if path.endswith("/api/v1"):
        path = path[: -len("/api/v1")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def customer_url(base_url: str, customer: dict[str, Any]) -> str:
    """The app's customer page: `/customers/{display_id}-{slug}` (slug is decorative)."""
    handle = str(customer["display_id"])
    if customer.get("slug"):
        handle += "-" + quote(str(customer["slug"]), safe="")
    return f"{app_root(base_url)}/customers/{handle}"


def onboarding_url(base_url: str, onboarding: dict[str, Any]) -> str:
    """The app's onboarding page: `/onboardings/{display_id}`, as customers' pages are."""
    return f"{app_root(base_url)}/onboardings/{onboarding['display_id']}"


def list_url(base_url: str, resource: str) -> str:
    """The app's list page of a resource, e.g. `/customers` (unfiltered)."""
    return f"{app_root(base_url)}/{resource}"


def open_in_browser(url: str, output: Any) -> bool:
    """Open `url` if a graphical browser is likely; False when it cannot be."""
    if not output.is_tty or os.environ.get("CI"):
        return False
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    # Text-mode browsers would take over the terminal; print the URL instead.
    if type(browser).__name__ in ("GenericBrowser",) and not os.environ.get("BROWSER"):
        return False
    return bool(browser.open(url))
