"""`--web` and `onboardings open`: with no browser (not a terminal) they print the URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import Result

CLI = Callable[..., Result]


def test_customers_get_web_prints_the_customer_page(
    sandbox_cli: CLI, sandbox_json: Callable[..., Any]
) -> None:
    customer = sandbox_json("customers", "list", "-L", "1")[0]
    result = sandbox_cli("customers", "get", str(customer["display_id"]), "--web")
    assert result.exit_code == 0, result.stderr
    handle = f"{customer['display_id']}" + (f"-{customer['slug']}" if customer["slug"] else "")
    assert result.stdout.strip().endswith(f"/customers/{handle}")


@pytest.mark.parametrize("group", ["customers", "onboardings"])
def test_list_web_prints_the_list_page(sandbox_cli: CLI, group: str) -> None:
    result = sandbox_cli(group, "list", "--web")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith(f"/{group}")
    assert "\n" not in result.stdout.strip()


def test_onboardings_open_get_web_and_print(
    sandbox_cli: CLI, sandbox_json: Callable[..., Any]
) -> None:
    display_id = str(sandbox_json("onboardings", "list", "-L", "1")[0]["display_id"])
    for args in (
        ["open", display_id],
        ["open", display_id, "--print"],
        ["get", display_id, "--web"],
    ):
        result = sandbox_cli("onboardings", *args)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stdout.strip().endswith(f"/onboardings/{display_id}"), args


def test_open_an_unknown_onboarding_fails_with_one_line(
    sandbox_cli: CLI, error_line: Callable[[Result, int], str]
) -> None:
    assert "onboarding" in error_line(sandbox_cli("onboardings", "open", "99999"), 5)
