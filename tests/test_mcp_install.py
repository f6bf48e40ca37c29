"""`pivotal mcp install` and `mcp tools`: client configurations, merging, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pivotal_cli.agents import install as configs


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "project"
    where.mkdir()
    monkeypatch.chdir(where)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    return where


@pytest.mark.parametrize(
    ("flag", "key", "typed"),
    [
        ("--claude", "mcpServers", False),
        ("--claude-code", "mcpServers", True),
        ("--cursor", "mcpServers", False),
        ("--vscode", "servers", True),
    ],
)
def test_print_shows_each_clients_shape_and_no_key(
    cli: Any, project: Path, flag: str, key: str, typed: bool
) -> None:
    result = cli(*["--sandbox", "-w", "acme", "mcp", "install", flag, "--print"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)[key]["pivotal"]
    assert entry["args"] == ["--sandbox", "--workspace", "acme", "mcp", "serve"]
    assert ("type" in entry) is typed
    assert "key" not in result.stdout.lower().replace("keyring", "")
    assert not list(project.iterdir())  # --print writes nothing


def test_install_merges_into_an_existing_file(cli: Any, project: Path) -> None:
    path = project / ".cursor" / "mcp.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"mcpServers": {"other": {"command": "x"}}, "extra": 1}))
    result = cli(*["mcp", "install", "--cursor", "--allow-writes"])
    assert result.exit_code == 0, result.output
    document = json.loads(path.read_text())
    assert document["mcpServers"]["other"] == {"command": "x"} and document["extra"] == 1
    assert document["mcpServers"]["pivotal"]["args"] == ["mcp", "serve", "--allow-writes"]
    assert cli(*["mcp", "install", "--cursor"]).exit_code == 0
    assert "Updated" in cli(*["mcp", "install", "--cursor"]).output


def test_a_malformed_file_is_one_error_and_left_alone(cli: Any, project: Path) -> None:
    path = project / ".vscode" / "mcp.json"
    path.parent.mkdir()
    path.write_text("{not json")
    result = cli(*["mcp", "install", "--vscode"])
    assert result.exit_code == 2
    assert "is not valid JSON" in result.output and "Traceback" not in result.output
    assert path.read_text() == "{not json"


def test_exactly_one_client_is_named(cli: Any, project: Path) -> None:
    assert cli(*["mcp", "install"]).exit_code == 2
    assert cli(*["mcp", "install", "--cursor", "--vscode"]).exit_code == 2


def test_claude_desktop_lives_in_its_own_directory(tmp_path: Path) -> None:
    path = configs.CLIENTS["claude"].path(tmp_path / "p", tmp_path / "h")
    assert path.name == "claude_desktop_config.json" and path.parent.name == "Claude"


def test_tools_honours_the_filters(cli: Any) -> None:
    listed = json.loads(cli(*["--sandbox", "mcp", "tools", "--json"]).stdout)
    assert "create_customer" not in {t["name"] for t in listed}
    writes = cli(*["--sandbox", "mcp", "tools", "--json", "--allow-writes", "--toolsets", "write"])
    names = {t["name"] for t in json.loads(writes.stdout)}
    assert "create_customer" in names and "get" not in names
    only = cli(
        *["--sandbox", "mcp", "tools", "--json", "--tools", "get,me", "--exclude-tools", "me"]
    )
    assert [t["name"] for t in json.loads(only.stdout)] == ["get"]
    schema = next(t for t in listed if t["name"] == "list")["inputSchema"]
    assert schema["properties"]["limit"]["maximum"] == 100


def test_write_schemas_come_from_the_model_layer(cli: Any) -> None:
    from pivotal_cli.domain import models

    listed = json.loads(cli(*["--sandbox", "mcp", "tools", "--json", "--allow-writes"]).stdout)
    create = next(t for t in listed if t["name"] == "create_customer")["inputSchema"]
    fields = create["properties"]["fields"]
    model = models.model("customer", "create", "cli").model_json_schema()
    assert set(fields["properties"]) == set(model["properties"])
    assert fields["required"] == model["required"]


def test_unknown_tool_and_toolset_names_are_usage_errors(cli: Any) -> None:
    assert cli(*["--sandbox", "mcp", "tools", "--tools", "nope"]).exit_code == 2
    assert cli(*["--sandbox", "mcp", "tools", "--toolsets", "nope"]).exit_code == 2


def test_serve_refuses_a_remote_bind_without_allow_remote(cli: Any) -> None:
    result = cli(*["--sandbox", "mcp", "serve", "--transport", "http", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--allow-remote" in result.output


def test_serve_without_the_sdk_says_how_to_install_it(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pivotal_cli.agents.options.sdk_available", lambda: False)
    result = cli(*["--sandbox", "mcp", "serve"])
    assert result.exit_code == 1
    assert "pip install 'pivotal-cli[mcp]'" in result.output
