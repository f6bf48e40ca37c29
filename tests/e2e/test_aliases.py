"""`ls` and `view`: hidden aliases of `list` and `get` on the three resource groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import Result


@pytest.mark.parametrize("group", ["customers", "onboardings"])
def test_ls_and_view_answer_as_list_and_get(group: str, sandbox_json: Callable[..., Any]) -> None:
    listed = sandbox_json(group, "ls", "-L", "3")
    assert listed == sandbox_json(group, "list", "-L", "3")
    first = str(listed[0]["display_id"])
    assert sandbox_json(group, "view", first) == sandbox_json(group, "get", first)


def test_contacts_ls_and_view(sandbox_json: Callable[..., Any]) -> None:
    customer = str(sandbox_json("customers", "list", "-L", "1")[0]["display_id"])
    listed = sandbox_json("contacts", "ls", customer)
    assert listed == sandbox_json("contacts", "list", customer)
    if listed:
        one = str(listed[0]["display_id"])
        assert sandbox_json("contacts", "view", one) == sandbox_json("contacts", "get", one)


@pytest.mark.parametrize("group", ["customers", "contacts", "onboardings"])
def test_aliases_stay_out_of_help(group: str, sandbox_cli: Callable[..., Result]) -> None:
    listing = sandbox_cli(group, "--help").stdout.split("Commands:", 1)[1]
    assert " ls " not in listing and " view " not in listing
