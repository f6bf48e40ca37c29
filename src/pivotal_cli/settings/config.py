"""Non-secret settings: which workspaces are known, their base URLs, the default.

Besides workspaces, the file holds the preferences `pivotal config` sets: the pager
and the default output format of lists. Fields this version does not know (written
by a newer one, or by hand) are kept as they were on every save.

One JSON file, `config.json`, in the config directory (`settings/paths.py`;
`PIVOTAL_CONFIG_DIR` overrides). Keys never go here: they live in the OS keyring (see
credentials.py). Writes replace the file atomically, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pivotal_cli.errors import UsageError
from pivotal_cli.settings.paths import config_dir, write_private

_TOP_FIELDS = ("default", "workspaces", "pager", "output")
_DEFAULT_FIELDS = ("workspace", "mode")
_WORKSPACE_FIELDS = ("name", "base_url", "keys")


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
    # Fields of this workspace's object that this version does not know, kept as read.
    extra: dict[str, Any] = field(default_factory=dict)


# The values a preference may take (None: any text). The command line validates
# against these and names them in its errors.
OUTPUT_FORMATS = ("table", "json", "jsonl", "csv")
MODES = ("live", "test")


@dataclass
class Config:
    default_workspace: str | None = None
    default_mode: str | None = None
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    path: Path | None = None
    # A pager command line, or "off"; None: the environment's or the built-in default.
    pager: str | None = None
    # The format of lists when no format flag is given; None: a table (plain in a pipe).
    output: str | None = None
    # Top-level and `default` fields this version does not know, kept as read.
    extra: dict[str, Any] = field(default_factory=dict)
    default_extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or config_dir() / "config.json"
        from pivotal_cli.domain import bounded

        try:
            with path.open("rb") as handle:
                raw = bounded.loads(bounded.read_limited(handle, str(path)), str(path))
        except FileNotFoundError:
            return cls(path=path)
        except bounded.InputTooLarge as exc:
            # No config is this big or deep: the file is damaged or not ours.
            raise bounded.InputTooLarge(
                f"The config file {exc.message}",
                reason="config_unreadable",
                details={"path": str(path)},
            ) from None
        except (OSError, ValueError) as exc:
            raise UsageError(
                f"Cannot read the config file {path}: {exc}.", reason="config_unreadable"
            ) from None
        return cls._from_dict(raw, path)

    @classmethod
    def _from_dict(cls, raw: object, path: Path) -> Config:
        """Read the file's JSON, refusing any part of the wrong shape by its place.

        A hand-edited or foreign file must fail as one line naming the file and the
        part, not as a crash deep in a command or as a silent "not logged in".
        """

        def wrong(where: str, expected: str) -> UsageError:
            return UsageError(
                f"The config file {path} is not in the expected shape: {where} "
                f"should be {expected}.",
                reason="config_wrong_shape",
                details={"path": str(path), "where": where},
            )

        def obj(value: object, where: str) -> dict[str, Any]:
            if value is None:
                return {}
            if not isinstance(value, dict):
                raise wrong(where, "an object")
            return value

        def text(value: object, where: str) -> str | None:
            if value is not None and not isinstance(value, str):
                raise wrong(where, "a string")
            return value

        if not isinstance(raw, dict):
            raise wrong("the whole file", "an object")
        workspaces = {}
        for slug, ws in obj(raw.get("workspaces"), "`workspaces`").items():
            here = f"workspace '{slug}'"
            if not isinstance(ws, dict):
                raise wrong(here, "an object")
            keys = {}
            for mode, rec in obj(ws.get("keys"), f"the keys of {here}").items():
                if not isinstance(rec, dict):
                    raise wrong(f"the {mode} key of {here}", "an object")
                keys[mode] = KeyRecord(
                    name=str(rec.get("name", "")),
                    prefix=str(rec.get("prefix", "")),
                    storage=str(rec.get("storage", "keyring")),
                )
            workspaces[slug] = Workspace(
                slug=slug,
                name=text(ws.get("name"), f"the name of {here}"),
                base_url=text(ws.get("base_url"), f"the base_url of {here}"),
                keys=keys,
                extra={k: v for k, v in ws.items() if k not in _WORKSPACE_FIELDS},
            )
        default = obj(raw.get("default"), "`default`")
        return cls(
            default_workspace=text(default.get("workspace"), "`default.workspace`"),
            default_mode=text(default.get("mode"), "`default.mode`"),
            workspaces=workspaces,
            path=path,
            pager=text(raw.get("pager"), "`pager`"),
            output=text(raw.get("output"), "`output`"),
            extra={k: v for k, v in raw.items() if k not in _TOP_FIELDS},
            default_extra={k: v for k, v in default.items() if k not in _DEFAULT_FIELDS},
        )

    def to_dict(self) -> dict[str, Any]:
        # Preferences are written only when set, so a file that never had them keeps
        # its shape (and an older version reads it unchanged).
        prefs = {k: v for k, v in (("pager", self.pager), ("output", self.output)) if v is not None}
        return {
            **self.extra,
            "default": {
                **self.default_extra,
                "workspace": self.default_workspace,
                "mode": self.default_mode,
            },
            **prefs,
            "workspaces": {
                slug: {
                    **ws.extra,
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
        """Write the whole file at once (settings.paths.write_private): never half a file."""
        assert self.path is not None
        write_private(self.path, json.dumps(self.to_dict(), indent=2) + "\n")

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
