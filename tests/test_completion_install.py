"""`pivotal completion install [SHELL]`: the script goes where the shell loads it, the
command says where, and running it again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "BASH_COMPLETION_USER_DIR", "ZDOTDIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("FPATH", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("shell", "where", "script"),
    [
        ("bash", ".local/share/bash-completion/completions/pivotal", "pivotal.bash"),
        ("zsh", ".zsh/completions/_pivotal", "_pivotal"),
        ("fish", ".config/fish/completions/pivotal.fish", "pivotal.fish"),
    ],
)
def test_install_puts_the_script_where_the_shell_loads_it(
    cli, home: Path, monkeypatch, shell: str, where: str, script: str
) -> None:
    monkeypatch.setenv("SHELL", f"/usr/bin/{shell}")
    path = home / where

    printed = cli("completion", "install", "--print-path")
    dry = cli("completion", "install", "--dry-run")
    assert printed.stdout == f"{path}\n" and not path.exists()
    assert f"{path} would be created" in dry.stderr and not path.exists()

    first = cli("completion", "install")
    again = cli("completion", "install", shell)
    assert first.exit_code == 0 and again.exit_code == 0, first.stderr + again.stderr
    assert path.read_text() == (ROOT / "completions" / script).read_text()
    assert f"Created the {shell} completion script: {path}." in first.stderr
    assert f"at {path} is already up to date" in again.stderr

    path.write_text("# an older script\n")
    updated = cli("completion", "install", shell)
    assert f"Updated the {shell} completion script: {path}." in updated.stderr
    assert path.read_text() == (ROOT / "completions" / script).read_text()


def test_zsh_gets_the_fpath_line_unless_zshrc_names_the_directory(cli, home: Path) -> None:
    told = cli("completion", "install", "zsh")
    assert f"`fpath=({home}/.zsh/completions $fpath)`" in told.stderr
    (home / ".zshrc").write_text("fpath=(~/.zsh/completions $fpath)\nautoload -Uz compinit\n")
    quiet = cli("completion", "install", "zsh")
    assert "fpath=" not in quiet.stderr


def test_the_xdg_and_bash_completion_directories_are_honoured(cli, home, monkeypatch) -> None:
    monkeypatch.setenv("BASH_COMPLETION_USER_DIR", str(home / "bc"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "cfg"))
    bash = cli("completion", "install", "bash", "--print-path").stdout.strip()
    fish = cli("completion", "install", "fish", "--print-path").stdout.strip()
    assert (bash, fish) == (
        f"{home}/bc/completions/pivotal",
        f"{home}/cfg/fish/completions/pivotal.fish",
    )


def test_an_unknown_shell_is_exit_2_saying_how_to_name_one(cli, home, monkeypatch) -> None:
    monkeypatch.setenv("SHELL", "/bin/sh")
    guessed = cli("completion", "install")
    named = cli("completion", "install", "tcsh")
    assert guessed.exit_code == named.exit_code == 2
    assert "pivotal completion install bash" in guessed.stderr
    assert "bash, zsh or fish" in named.stderr
