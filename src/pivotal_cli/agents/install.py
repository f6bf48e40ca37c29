"""Client configurations: where each MCP client reads its servers, in which shape, and
merging our entry into a file that may already hold others.

- Claude Desktop: `claude_desktop_config.json` in its per-OS directory, `mcpServers`;
- Claude Code: `.mcp.json` in the project, `mcpServers` (with `"type": "stdio"`);
- Cursor: `.cursor/mcp.json` in the project, `mcpServers`;
- VS Code: `.vscode/mcp.json` in the workspace, `servers` (with `"type": "stdio"`).

No key is ever written: the server reads it from the keyring, as the commands do.
Other servers' entries are kept as they are; a file that is not a JSON object is an
error, never overwritten.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotal_cli.errors import LocalFileError, UsageError

SERVER_NAME = "pivotal"


@dataclass(frozen=True)
class ClientKind:
    name: str  # as the user knows it
    key: str  # the object of servers in its file
    typed: bool  # entries carry "type": "stdio"

    def path(self, project: Path, home: Path) -> Path:
        if self.name == "Claude Desktop":
            return _claude_desktop_dir(home) / "claude_desktop_config.json"
        if self.name == "Claude Code":
            return project / ".mcp.json"
        if self.name == "Cursor":
            return project / ".cursor" / "mcp.json"
        return project / ".vscode" / "mcp.json"


CLIENTS = {
    "claude": ClientKind("Claude Desktop", "mcpServers", typed=False),
    "claude-code": ClientKind("Claude Code", "mcpServers", typed=True),
    "cursor": ClientKind("Cursor", "mcpServers", typed=False),
    "vscode": ClientKind("VS Code", "servers", typed=True),
}


def _claude_desktop_dir(home: Path) -> Path:
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Claude"
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming") / "Claude"
    return Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "Claude"


def entry(kind: ClientKind, command: str, args: list[str]) -> dict[str, Any]:
    server: dict[str, Any] = {"command": command, "args": args}
    return {"type": "stdio", **server} if kind.typed else server


def merged(kind: ClientKind, path: Path, server: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The file's document with our entry put in, and whether one was there before."""
    document: dict[str, Any] = {}
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise LocalFileError.from_os_error(error, path) from None
        try:
            loaded = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as error:
            raise UsageError(
                f"{path} is not valid JSON ({error.msg}, line {error.lineno}); fix or move "
                "it, then install again.",
                reason="malformed_client_config",
            ) from None
        if not isinstance(loaded, dict) or not isinstance(loaded.get(kind.key, {}), dict):
            raise UsageError(
                f"{path} does not hold a JSON object with a '{kind.key}' object; fix or move "
                "it, then install again.",
                reason="malformed_client_config",
            )
        document = loaded
    servers = dict(document.get(kind.key, {}))
    existed = SERVER_NAME in servers
    servers[SERVER_NAME] = server
    return {**document, kind.key: servers}, existed


def write(path: Path, document: dict[str, Any]) -> None:
    """Replace the file atomically; it keeps its own permissions' spirit (user-only)."""
    from pivotal_cli.settings.paths import write_private

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, json.dumps(document, indent=2) + "\n")
    except OSError as error:
        raise LocalFileError.from_os_error(error, path) from None
