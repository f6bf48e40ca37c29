"""`webhooks secret set` without a keyring: it says so before asking for the paste, and
`--insecure-storage` keeps the secret in a 0600 file that show, verify and clear read."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import keyring
import keyring.backends.fail

from pivotal_cli.errors import ExitCode

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # a made-up secret for the tests


def test_without_a_keyring_set_says_so_before_asking_and_names_the_file_fallback(cli) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())

    # No --stdin and no terminal: the keyring is what is missing, said first.
    asked = cli("webhooks", "secret", "set")
    piped = cli("webhooks", "secret", "set", "--stdin", input=SECRET)

    for result in (asked, piped):
        assert result.exit_code == ExitCode.AUTH, result.stderr
        assert result.stderr.startswith("Error: No system keyring is available")
        assert "--insecure-storage" in result.stderr
        assert "PIVOTAL_WEBHOOK_SECRET" in result.stderr


def test_insecure_storage_keeps_the_secret_in_a_private_file(cli, isolated_env: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())

    stored = cli("webhooks", "secret", "set", "--stdin", "--insecure-storage", input=SECRET)

    assert stored.exit_code == 0, stored.stderr
    assert SECRET not in stored.stdout + stored.stderr
    path = isolated_env / "webhook-secrets.json"
    assert str(path) in stored.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(json.loads(path.read_text()).values()) == [SECRET]
    shown = cli("webhooks", "secret", "show", "--reveal")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.strip() == SECRET
    assert "0600 file" in shown.stderr
    cleared = cli("webhooks", "secret", "clear")
    assert cleared.exit_code == 0, cleared.stderr
    assert json.loads(path.read_text()) == {}


def test_with_a_keyring_set_stores_there_and_drops_an_older_file_copy(
    cli, isolated_env: Path, keyring_backend
) -> None:
    assert (
        cli("webhooks", "secret", "set", "--stdin", "--insecure-storage", input=SECRET).exit_code
        == 0
    )
    other = SECRET[:-4] + "AAAA"
    stored = cli("webhooks", "secret", "set", "--stdin", input=other)
    assert stored.exit_code == 0, stored.stderr
    assert json.loads((isolated_env / "webhook-secrets.json").read_text()) == {}
    assert cli("webhooks", "secret", "show", "--reveal").stdout.strip() == other
