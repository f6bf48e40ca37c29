"""`pivotal commands --json`: the command tree, complete, typed and in a stable order."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def tree(cli: Any) -> dict[str, Any]:
    result = cli("commands", "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_path(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {command["path"]: command for command in data["commands"]}


def test_it_lists_every_command_the_help_index_lists(cli) -> None:
    index = json.loads(resources.files("pivotal_cli.help").joinpath("help.json").read_text())
    helped = {page for page in index["pages"] if page}
    assert set(by_path(tree(cli))) == helped


def test_options_carry_type_choices_default_required_envvar_and_help(cli) -> None:
    data = tree(cli)
    commands = by_path(data)
    listing = {o["name"]: o for o in commands["onboardings list"]["options"]}
    assert listing["phase"]["type"] == "choice"
    assert "launch" in listing["phase"]["choices"]
    assert listing["limit"]["type"] == "integer"
    assert listing["json_"] == {**listing["json_"], "type": "boolean", "default": False}
    watch = commands["onboardings watch"]
    assert [a["name"] for a in watch["arguments"]] == ["onboarding"]
    assert watch["arguments"][0]["required"] is True
    interval = {o["name"]: o for o in watch["options"]}["interval"]
    assert interval["default"] == "5s" and interval["help"]
    workspace = {o["name"]: o for o in data["global_options"]}["workspace"]
    assert workspace["envvar"] == "PIVOTAL_WORKSPACE"
    assert workspace["opts"] == ["--workspace", "-w"]


def test_hidden_aliases_are_named_on_the_command_they_run(cli) -> None:
    commands = by_path(tree(cli))
    assert commands["onboardings list"]["aliases"] == ["onboardings ls"]
    assert commands["customers get"]["aliases"] == ["customers view"]
    assert "onboardings ls" not in commands
    assert commands["onboardings"]["kind"] == "group"


def test_the_order_is_the_helps_and_stable(cli) -> None:
    first, second = tree(cli), tree(cli)
    assert first == second
    paths = [c["path"] for c in first["commands"]]
    assert paths.index("customers") < paths.index("customers list") < paths.index("contacts")


def test_text_lists_one_command_a_line(cli) -> None:
    result = cli("commands")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(tree(cli)["commands"])
    assert any(line.startswith("pivotal onboardings watch ") for line in lines)
