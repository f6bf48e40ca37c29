"""Non-secret settings: which workspaces are known, their base URLs, the default.

One JSON file, `config.json`, in platformdirs' user config dir (`PIVOTAL_CONFIG_DIR`
overrides). Keys never go here: they live in the OS keyring (see credentials.py).
Writes go through a temp file and a rename so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pivotal_cli.errors import UsageError


def config_dir() -> Path:
    override = os.environ.get("PIVOTAL_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("pivotal", appauthor=False))


@dataclass
class KeyRecord:
    """What we remember about a stored key, besides the key itself."""

    name: str
    prefix: str
    storage: str = "keyring"  # or "file" after `auth login --insecure-storage`


@dataclass
class Workspace:
    slug: str
    name: str | None = None
    base_url: str | None = None
    keys: dict[str, KeyRecord] = field(default_factory=dict)  # mode -> record


@dataclass
class Config:
    default_workspace: str | None = None
    default_mode: str | None = None
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or config_dir() / "config.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path=path)
        except (OSError, ValueError) as exc:
            raise UsageError(
                f"Cannot read the config file {path}: {exc}.", reason="config_unreadable"
            ) from None
        return cls._from_dict(raw if isinstance(raw, dict) else {}, path)

    @classmethod
    def _from_dict(cls, raw: dict[str, Any], path: Path) -> Config:
        workspaces = {}
        for slug, ws in (raw.get("workspaces") or {}).items():
            keys = {
                mode: KeyRecord(
                    name=str(rec.get("name", "")),
                    prefix=str(rec.get("prefix", "")),
                    storage=str(rec.get("storage", "keyring")),
                )
                for mode, rec in (ws.get("keys") or {}).items()
                if isinstance(rec, dict)
            }
            workspaces[slug] = Workspace(
                slug=slug, name=ws.get("name"), base_url=ws.get("base_url"), keys=keys
            )
        default = raw.get("default") or {}
        return cls(
            default_workspace=default.get("workspace"),
            default_mode=default.get("mode"),
            workspaces=workspaces,
            path=path,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "default": {"workspace": self.default_workspace, "mode": self.default_mode},
            "workspaces": {
                slug: {
                    "name": ws.name,
                    "base_url": ws.base_url,
                    "keys": {
                        mode: {"name": k.name, "prefix": k.prefix, "storage": k.storage}
                        for mode, k in sorted(ws.keys.items())
                    },
                }
                for slug, ws in sorted(self.workspaces.items())
            },
        }

    def save(self) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".config-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.to_dict(), handle, indent=2)
            handle.write("\n")
        os.replace(tmp, self.path)

    def resolve(self, workspace: str | None, mode: str | None) -> tuple[str | None, str | None]:
        """The (workspace, mode) a command should use, given the global flags.

        An explicit flag wins; then the default set by `auth use`; then the only
        candidate, if there is exactly one. A workspace with both a live and a test
        key and no default mode stays ambiguous (mode None): the caller asks for
        --live or --test rather than guess which one may change real data.
        """
        slug = workspace or self.default_workspace
        if slug is None and len(self.workspaces) == 1:
            slug = next(iter(self.workspaces))
        if mode is None and slug is not None:
            stored = self.workspaces.get(slug)
            if slug == self.default_workspace and self.default_mode:
                mode = self.default_mode
            elif stored and len(stored.keys) == 1:
                mode = next(iter(stored.keys))
            elif stored and self.default_mode in stored.keys:
                mode = self.default_mode
        return slug, mode
