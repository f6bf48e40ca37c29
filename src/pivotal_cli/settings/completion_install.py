"""Where each shell loads a completion script from, and putting ours there.

bash: bash-completion's user directory (`$BASH_COMPLETION_USER_DIR`, else
`$XDG_DATA_HOME/bash-completion`, else `~/.local/share/bash-completion`), under
`completions/pivotal`, loaded the first time TAB follows `pivotal`. zsh: a directory of
completion functions (`~/.zsh/completions`, or `$ZDOTDIR/.zsh/completions`), which must
be on `$fpath` before `compinit`: whether it is cannot be read from outside zsh, so
the caller says how when `~/.zshrc` does not name it. fish: `$XDG_CONFIG_HOME/fish/
completions` (else `~/.config/fish/completions`), which fish always reads.

Installing is idempotent: a script already in place with the same text is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SHELLS = ("bash", "zsh", "fish")
SCRIPTS = {"bash": "pivotal.bash", "zsh": "_pivotal", "fish": "pivotal.fish"}


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def _dir(env: Mapping[str, str], name: str, default: Path) -> Path:
    value = env.get(name, "").strip()
    return Path(value).expanduser() if value else default


def target(shell: str, env: Mapping[str, str]) -> Path:
    """The file `shell`'s completion script goes to."""
    home = _home(env)
    if shell == "bash":
        data = _dir(env, "XDG_DATA_HOME", home / ".local" / "share")
        base = _dir(env, "BASH_COMPLETION_USER_DIR", data / "bash-completion")
        return base / "completions" / "pivotal"
    if shell == "zsh":
        return _dir(env, "ZDOTDIR", home) / ".zsh" / "completions" / "_pivotal"
    config = _dir(env, "XDG_CONFIG_HOME", home / ".config")
    return config / "fish" / "completions" / "pivotal.fish"


def shell_from(env: Mapping[str, str]) -> str | None:
    """The user's shell, by `$SHELL`'s name, when it is one we have a script for."""
    name = Path(env.get("SHELL", "")).name
    return name if name in SHELLS else None


def zsh_dir_loaded(directory: Path, env: Mapping[str, str]) -> bool:
    """Whether zsh will look in `directory`: on an exported FPATH, or named in .zshrc."""
    if str(directory) in env.get("FPATH", "").split(":"):
        return True
    home = _home(env)
    zshrc = _dir(env, "ZDOTDIR", home) / ".zshrc"
    try:
        text = zshrc.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    spellings = {str(directory)}
    if directory.is_relative_to(home):
        tail = directory.relative_to(home).as_posix()
        spellings |= {f"~/{tail}", f"$HOME/{tail}", f"${{HOME}}/{tail}"}
    return any(spelling in text for spelling in spellings)


@dataclass(frozen=True)
class Installed:
    """What `install` did: `created`, `updated` or `unchanged`, and where."""

    path: Path
    action: str


def plan(path: Path, script: str) -> str:
    """What installing `script` at `path` would do: `created`, `updated` or `unchanged`."""
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "created"
    except OSError:
        return "updated"
    return "unchanged" if current == script else "updated"


def install(path: Path, script: str) -> Installed:
    """Write `script` to `path` (atomically) unless it is already there as it is."""
    action = plan(path, script)
    if action != "unchanged":
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(script, encoding="utf-8")
        os.replace(partial, path)
    return Installed(path, action)
