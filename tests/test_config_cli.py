"""`pivotal config list|get|set|unset`: the non-secret settings in config.json.

Round trips through the real file in the test's own config dir; every refusal exits 2
and names what is allowed; secrets are never accepted; fields this version does not
know survive a save.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import Result

CLI = Callable[..., Result]


def config_json(config_dir: Path) -> dict[str, Any]:
    return json.loads((config_dir / "config.json").read_text())


def test_set_get_list_unset_round_trip(
    cli: CLI, isolated_env: Path, store_key: Callable[..., None], fake_keys: SimpleNamespace
) -> None:
    store_key("acme", fake_keys.live)
    store_key("globex", fake_keys.test, default=False)
    for key, value in (
        ("default.workspace", "globex"),
        ("default.mode", "TEST"),
        ("pager", "less -R"),
        ("output", "csv"),
    ):
        result = cli("config", "set", key, value)
        assert result.exit_code == 0, result.stderr
    assert cli("config", "get", "default.mode").stdout == "test\n"
    assert cli("config", "get", "pager").stdout == "less -R\n"

    listed = cli("config", "list")
    assert listed.stdout.splitlines() == [
        "default.workspace=globex",
        "default.mode=test",
        "pager=less -R",
        "output=csv",
    ]
    assert json.loads(cli("config", "list", "--json").stdout) == {
        "default.workspace": "globex",
        "default.mode": "test",
        "pager": "less -R",
        "output": "csv",
    }
    stored = config_json(isolated_env)
    assert stored["default"] == {"workspace": "globex", "mode": "test"}
    assert (stored["pager"], stored["output"]) == ("less -R", "csv")

    assert cli("config", "unset", "output").exit_code == 0
    unset = cli("config", "get", "output")
    assert (unset.exit_code, unset.stdout) == (1, "")
    assert "output" not in config_json(isolated_env)
    assert "output=" not in cli("config", "list").stdout
    # Unsetting twice is not an error.
    assert cli("config", "unset", "output").exit_code == 0


def test_get_of_an_unset_key_exits_1_with_no_config_file(cli: CLI, isolated_env: Path) -> None:
    result = cli("config", "get", "pager")
    assert (result.exit_code, result.stdout) == (1, "")
    assert cli("config", "list").stdout == ""
    assert not (isolated_env / "config.json").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("set", "output", "xml"), ["table, json, jsonl, csv"]),
        (("set", "default.mode", "prod"), ["live, test"]),
        (("set", "colour", "on"), ["default.workspace, default.mode, pager, output"]),
        (("get", "colour"), ["default.workspace, default.mode, pager, output"]),
        (("unset", "colour"), ["default.workspace, default.mode, pager, output"]),
        (("set", "default.workspace", "nowhere"), ["stored: acme", "auth login"]),
        (("set", "pager", "less 'unbalanced"), ["a command, or off"]),
    ],
)
def test_bad_keys_and_values_exit_2_naming_the_allowed_ones(
    cli: CLI,
    isolated_env: Path,
    store_key: Callable[..., None],
    fake_keys: SimpleNamespace,
    args: tuple[str, ...],
    words: list[str],
) -> None:
    store_key("acme", fake_keys.live)
    before = (isolated_env / "config.json").read_text()
    result = cli("config", *args)
    assert result.exit_code == 2, result.stderr
    for word in words:
        assert word in result.stderr
    assert (isolated_env / "config.json").read_text() == before


@pytest.mark.parametrize("key", ["api_key", "token", "default.key", "live.secret"])
def test_secrets_are_never_settings(cli: CLI, isolated_env: Path, key: str) -> None:
    result = cli("config", "set", key, "whatever")
    assert result.exit_code == 2
    assert "auth login" in result.stderr
    assert not (isolated_env / "config.json").exists()


def test_a_key_pasted_as_a_value_is_refused(
    cli: CLI, isolated_env: Path, fake_keys: SimpleNamespace
) -> None:
    result = cli("config", "set", "pager", fake_keys.live)
    assert result.exit_code == 2
    assert fake_keys.live not in result.stderr
    assert not (isolated_env / "config.json").exists()


def test_unknown_fields_survive_a_save(cli: CLI, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.json").write_text(
        json.dumps(
            {
                "default": {"workspace": None, "mode": None, "future": 1},
                "telemetry": {"on": False},
                "workspaces": {"acme": {"name": "Acme", "keys": {}, "region": "eu"}},
            }
        )
    )
    assert cli("config", "set", "output", "jsonl").exit_code == 0
    stored = config_json(isolated_env)
    assert stored["telemetry"] == {"on": False}
    assert stored["default"]["future"] == 1
    assert stored["workspaces"]["acme"]["region"] == "eu"
    assert stored["output"] == "jsonl"


def test_an_old_file_without_settings_reads_and_keeps_its_shape(
    cli: CLI, isolated_env: Path, store_key: Callable[..., None], fake_keys: SimpleNamespace
) -> None:
    store_key("acme", fake_keys.live)
    assert set(config_json(isolated_env)) == {"default", "workspaces"}
    assert cli("config", "list").stdout.splitlines() == [
        "default.workspace=acme",
        "default.mode=live",
    ]


def test_pager_off_is_stored_as_off(cli: CLI) -> None:
    assert cli("config", "set", "pager", "OFF").exit_code == 0
    assert cli("config", "get", "pager").stdout == "off\n"
