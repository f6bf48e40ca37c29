"""`pivotal auth …` in-process, with the in-memory keyring and a temp config dir.

Login reads the key from stdin (`--with-key`), checks it against /me (mocked with
pytest-httpx), stores it in the keyring under (workspace from /me, mode from the
prefix) and writes only non-secret facts to config.json. The rest follows from
there: several keys side by side, `status` checking each one, `use` picking the
default, the global `--workspace` / `--live|--test` flags and `PIVOTAL_API_KEY`
choosing which key a command sends, `logout`, `token`. Also the ways it must fail
cleanly: no terminal, a malformed key, no keyring backend, a hung keyring.
"""

from __future__ import annotations

import json
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from pytest_httpx import HTTPXMock
from typer.testing import Result

from pivotal_cli.cli.hints import hint_for
from pivotal_cli.errors import CredentialsError, ExitCode
from pivotal_cli.settings.credentials import SERVICE, KeyStore

ME = "https://my.pivotal.app/api/v1/me"

CLI = Callable[..., Result]


@pytest.fixture
def keys(fake_keys: SimpleNamespace) -> SimpleNamespace:
    return fake_keys


def config_json(config_dir: Path) -> dict[str, Any]:
    return json.loads((config_dir / "config.json").read_text())


def bearer(request: Any) -> str:
    return request.headers.get("Authorization", "")


@pytest.fixture
def two_keys(store_key: Callable[..., None], keys: SimpleNamespace) -> SimpleNamespace:
    """acme live (the default) and acme test, as after two logins."""
    store_key("acme", keys.live, name="ci-bot")
    store_key("acme", keys.test, name="ci-test")
    return keys


# -- login ----------------------------------------------------------------------------


def test_login_with_key_stores_it_in_the_keyring_and_not_in_the_config(
    cli: CLI,
    httpx_mock: HTTPXMock,
    keyring_backend: Any,
    isolated_env: Path,
    keys: SimpleNamespace,
    make_me: Callable[..., dict[str, Any]],
) -> None:
    httpx_mock.add_response(url=ME, json=make_me(keys.live, workspace="acme", name="ci-bot"))

    result = cli("auth", "login", "--with-key", input=keys.live + "\n")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "Logged in to acme with live key 'ci-bot' (pivotal_FAKE…).\n"
    assert bearer(httpx_mock.get_request()) == f"Bearer {keys.live}"
    assert keyring_backend.passwords == {(SERVICE, "acme:live"): keys.live}
    text = (isolated_env / "config.json").read_text()
    assert keys.live not in text
    assert json.loads(text) == {
        "default": {"workspace": "acme", "mode": "live"},
        "workspaces": {
            "acme": {
                "name": "Acme",
                "base_url": None,
                "keys": {
                    "live": {"name": "ci-bot", "prefix": "pivotal_FAKE", "storage": "keyring"}
                },
            }
        },
    }


def test_a_test_key_for_the_same_workspace_lives_side_by_side(
    cli: CLI,
    httpx_mock: HTTPXMock,
    keyring_backend: Any,
    isolated_env: Path,
    keys: SimpleNamespace,
    make_me: Callable[..., dict[str, Any]],
) -> None:
    httpx_mock.add_response(url=ME, json=make_me(keys.live, name="ci-bot"))
    httpx_mock.add_response(url=ME, json=make_me(keys.test, name="ci-test", shape="flat"))

    first = cli("auth", "login", "--with-key", input=keys.live)
    second = cli("auth", "login", "--with-key", input=keys.test)

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert second.stderr == (
        "Logged in to acme with test key 'ci-test' (pivotal_test_FAKE…).\n"
        "Run `pivotal auth use acme --test` to make it the default.\n"
    )
    assert keyring_backend.passwords == {
        (SERVICE, "acme:live"): keys.live,
        (SERVICE, "acme:test"): keys.test,
    }
    config = config_json(isolated_env)
    assert config["default"] == {"workspace": "acme", "mode": "live"}
    assert sorted(config["workspaces"]["acme"]["keys"]) == ["live", "test"]


def test_login_with_a_custom_base_url_remembers_it(
    cli: CLI,
    httpx_mock: HTTPXMock,
    isolated_env: Path,
    keys: SimpleNamespace,
    make_me: Callable[..., dict[str, Any]],
) -> None:
    httpx_mock.add_response(url="http://127.0.0.1:8765/api/v1/me", json=make_me(keys.test))

    result = cli(
        "--base-url", "http://127.0.0.1:8765/api/v1", "auth", "login", "--with-key",
        input=keys.test,
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert config_json(isolated_env)["workspaces"]["acme"]["base_url"] == (
        "http://127.0.0.1:8765/api/v1"
    )


def test_login_without_a_terminal_and_without_with_key_fails_with_a_hint(
    cli: CLI, httpx_mock: HTTPXMock, keyring_backend: Any
) -> None:
    result = cli("auth", "login")

    assert result.exit_code == ExitCode.CANCELLED
    assert result.stdout == ""
    assert result.stderr == (
        "Error: No terminal to prompt for the key on. "
        "Pipe it in: `printenv PIVOTAL_KEY | pivotal auth login --with-key`.\n"
    )
    assert httpx_mock.get_requests() == []
    assert keyring_backend.passwords == {}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "No key was given."),
        ("   \n", "No key was given."),
        ("sk_live_FAKEfakeFAKEfake0000", "does not look like a Pivotal API key"),
        ("Bearer pivotal_FAKEfakeFAKEfake0000", "does not look like a Pivotal API key"),
        ("pivotal_FAKE", "does not look like a Pivotal API key"),
        ("pivotal_FAKE fakeFAKEfake0000", "does not look like a Pivotal API key"),
    ],
    ids=["empty", "blank", "other-vendor", "with-bearer", "too-short", "inner-space"],
)
def test_a_malformed_key_is_rejected_before_any_request(
    cli: CLI,
    httpx_mock: HTTPXMock,
    keyring_backend: Any,
    isolated_env: Path,
    given: str,
    message: str,
) -> None:
    result = cli("auth", "login", "--with-key", input=given)

    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert message in result.stderr
    if given.strip():
        assert given.strip() not in result.stderr  # not even a malformed secret is echoed
    assert httpx_mock.get_requests() == []
    assert keyring_backend.passwords == {}
    assert not (isolated_env / "config.json").exists()


def test_login_refuses_a_key_of_the_other_mode(
    cli: CLI, httpx_mock: HTTPXMock, keys: SimpleNamespace
) -> None:
    result = cli("auth", "login", "--with-key", "--test", input=keys.live)

    assert result.exit_code == ExitCode.USAGE
    assert "You asked for a test key, but this is a live key" in result.stderr
    assert httpx_mock.get_requests() == []


def test_login_refuses_a_key_of_another_workspace(
    cli: CLI,
    httpx_mock: HTTPXMock,
    keyring_backend: Any,
    keys: SimpleNamespace,
    make_me: Callable[..., dict[str, Any]],
) -> None:
    httpx_mock.add_response(url=ME, json=make_me(keys.live, workspace="globex"))

    result = cli("-w", "acme", "auth", "login", "--with-key", input=keys.live)

    assert result.exit_code == ExitCode.USAGE
    assert "This key belongs to workspace 'globex', not 'acme'." in result.stderr
    assert keyring_backend.passwords == {}


def test_login_with_a_revoked_key_exits_4_and_stores_nothing(
    cli: CLI, httpx_mock: HTTPXMock, keyring_backend: Any, keys: SimpleNamespace
) -> None:
    httpx_mock.add_response(
        url=ME,
        status_code=401,
        json={
            "error": {
                "type": "authentication_error",
                "code": "api_key_revoked",
                "message": "This API key has been revoked.",
            }
        },
    )

    result = cli("auth", "login", "--with-key", input=keys.live)

    assert result.exit_code == ExitCode.AUTH
    assert "api_key_revoked, HTTP 401" in result.stderr
    assert keyring_backend.passwords == {}


# -- no keyring, insecure storage, hung keyring ---------------------------------------


def test_without_a_keyring_backend_login_says_what_to_do_in_one_line(
    cli: CLI,
    httpx_mock: HTTPXMock,
    isolated_env: Path,
    keys: SimpleNamespace,
    make_me: Callable[..., dict[str, Any]],
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())

    result = cli("auth", "login", "--with-key", input=keys.live)

    # Said before the key is even read or checked: no request is made.
    assert not httpx_mock.get_requests()
    assert result.exit_code == ExitCode.AUTH
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: No system keyring is available on this machine.")
    assert "PIVOTAL_API_KEY" in result.stderr
    assert "--insecure-storage" in result.stderr
    assert not (isolated_env / "config.json").exists()


def test_without_a_keyring_backend_a_stored_key_cannot_be_read(
    cli: CLI, two_keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())

    result = cli("me")

    assert result.exit_code == ExitCode.AUTH
    assert result.stderr.count("\n") == 1
    assert "PIVOTAL_API_KEY" in result.stderr and "--insecure-storage" in result.stderr
    assert httpx_mock.get_requests() == []


def test_insecure_storage_writes_a_private_file_and_warns(
    cli: CLI,
    httpx_mock: HTTPXMock,
    isolated_env: Path,
    keys: SimpleNamespace,
    make_me: Callable[..., dict[str, Any]],
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the situation it is for
    httpx_mock.add_response(url=ME, json=make_me(keys.live), is_reusable=True)

    login = cli("auth", "login", "--with-key", "--insecure-storage", input=keys.live)

    assert login.exit_code == 0, login.stderr
    credentials = isolated_env / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(isolated_env.stat().st_mode) == 0o700
    assert json.loads(credentials.read_text()) == {"acme:live": keys.live}
    assert f"Warning: The key is stored in {credentials}" in login.stderr
    assert keys.live not in (isolated_env / "config.json").read_text()
    assert config_json(isolated_env)["workspaces"]["acme"]["keys"]["live"]["storage"] == "file"

    me = cli("me")  # read back from the file, no keyring needed
    assert me.exit_code == 0, me.stderr
    assert bearer(httpx_mock.get_requests()[-1]) == f"Bearer {keys.live}"

    logout = cli("auth", "logout")
    assert logout.exit_code == 0
    assert json.loads(credentials.read_text()) == {}


class HungKeyring(KeyringBackend):
    """A backend that never answers (a locked Secret Service waiting for a dialog)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(10)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(10)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(10)


@pytest.fixture
def hung_keyring() -> Iterator[HungKeyring]:
    backend = HungKeyring()
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()  # let the abandoned worker threads finish


@pytest.mark.parametrize(
    "call",
    [
        lambda store: store.get("acme", "live"),
        lambda store: store.set("acme", "live", "pivotal_FAKEfakeFAKEfake0000000000000000"),
        lambda store: store.delete("acme", "live"),
    ],
    ids=["get", "set", "delete"],
)
def test_a_hung_keyring_is_time_boxed(
    hung_keyring: HungKeyring, tmp_path: Path, call: Callable[[KeyStore], Any]
) -> None:
    store = KeyStore(tmp_path, timeout=0.2)

    started = time.monotonic()
    with pytest.raises(CredentialsError) as caught:
        call(store)

    assert time.monotonic() - started < 2
    assert caught.value.exit_code == ExitCode.AUTH
    assert "did not answer within 0.2 s" in caught.value.message
    assert "PIVOTAL_API_KEY" in (hint_for(caught.value) or "")


def test_a_hung_keyring_makes_a_command_fail_fast_not_freeze(
    cli: CLI,
    two_keys: SimpleNamespace,
    hung_keyring: HungKeyring,
    keystore_options: dict[str, Any],
) -> None:
    keystore_options["timeout"] = 0.2

    result = cli("me")

    assert result.exit_code == ExitCode.AUTH
    assert result.stderr.startswith("Error: The system keyring did not answer")


class BrokenKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the keyring!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("Failed to unlock the keyring!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("Failed to unlock the keyring!")


def test_a_failing_keyring_is_one_clear_error(cli: CLI, two_keys: SimpleNamespace) -> None:
    keyring.set_keyring(BrokenKeyring())

    result = cli("me")

    assert result.exit_code == ExitCode.AUTH
    assert result.stderr.startswith(
        "Error: The system keyring failed while reading a key: Failed to unlock the keyring!."
    )
    assert "Traceback" not in result.stderr


# -- status ---------------------------------------------------------------------------


def test_status_lists_every_key_marks_the_default_and_checks_each(
    cli: CLI, two_keys: SimpleNamespace, httpx_mock: HTTPXMock, make_me: Callable[..., Any]
) -> None:
    keys = two_keys
    httpx_mock.add_response(
        url=ME, match_headers={"Authorization": f"Bearer {keys.live}"}, json=make_me(keys.live)
    )
    httpx_mock.add_response(
        url=ME, match_headers={"Authorization": f"Bearer {keys.test}"}, json=make_me(keys.test)
    )

    result = cli("auth", "status")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "true\tacme\tlive\tci-bot\tpivotal_FAKE\tkeyring\tok\n"
        "false\tacme\ttest\tci-test\tpivotal_test_FAKE\tkeyring\tok\n"
    )
    assert sorted(bearer(r) for r in httpx_mock.get_requests()) == sorted(
        [f"Bearer {keys.live}", f"Bearer {keys.test}"]
    )


def test_status_json(
    cli: CLI, two_keys: SimpleNamespace, httpx_mock: HTTPXMock, make_me: Callable[..., Any]
) -> None:
    httpx_mock.add_response(url=ME, json=make_me(two_keys.live), is_reusable=True)

    result = cli("auth", "status", "--json")

    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["workspace"], r["mode"], r["default"], r["status"]) for r in rows] == [
        ("acme", "live", True, "ok"),
        ("acme", "test", False, "ok"),
    ]
    assert two_keys.live not in result.stdout and two_keys.test not in result.stdout


def test_status_exits_4_when_a_key_was_revoked(
    cli: CLI, two_keys: SimpleNamespace, httpx_mock: HTTPXMock, make_me: Callable[..., Any]
) -> None:
    keys = two_keys
    httpx_mock.add_response(
        url=ME, match_headers={"Authorization": f"Bearer {keys.live}"}, json=make_me(keys.live)
    )
    httpx_mock.add_response(
        url=ME,
        match_headers={"Authorization": f"Bearer {keys.test}"},
        status_code=401,
        json={
            "error": {
                "type": "authentication_error",
                "code": "api_key_revoked",
                "message": "This API key has been revoked.",
            }
        },
    )

    result = cli("auth", "status")

    assert result.exit_code == ExitCode.AUTH
    assert result.stdout.splitlines()[1].endswith("\tapi_key_revoked")
    assert result.stdout.splitlines()[0].endswith("\tok")
    assert result.stderr == (
        "Error: 1 stored key(s) do not work; run `pivotal auth login` to replace them.\n"
    )
    assert len(httpx_mock.get_requests()) == 2  # a 401 is not retried


def test_status_offline_makes_no_request(
    cli: CLI, two_keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    result = cli("auth", "status", "--offline")

    assert result.exit_code == 0
    assert [line.split("\t")[-1] for line in result.stdout.splitlines()] == [
        "unchecked",
        "unchecked",
    ]
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("offline", [[], ["--offline"]], ids=["checked", "offline"])
def test_status_with_nothing_stored_exits_4_with_the_login_hint(
    cli: CLI, offline: list[str]
) -> None:
    result = cli("auth", "status", *offline)

    assert result.exit_code == ExitCode.AUTH
    assert result.stdout == ""
    assert result.stderr.startswith(
        "Error: No keys stored, and PIVOTAL_API_KEY is not set. Run `pivotal auth login`"
    )


def test_status_json_with_nothing_stored_prints_an_empty_list_and_exits_4(cli: CLI) -> None:
    result = cli("auth", "status", "--json")

    assert result.exit_code == ExitCode.AUTH
    assert json.loads(result.stdout) == []


def test_status_shows_the_environment_key_as_the_default(
    cli: CLI, two_keys: SimpleNamespace
) -> None:
    result = cli("auth", "status", "--offline", env={"PIVOTAL_API_KEY": two_keys.other_live})

    lines = result.stdout.splitlines()
    assert lines[0] == "true\t(PIVOTAL_API_KEY)\tlive\t\tpivotal_FAKE\tenvironment\tunchecked"
    assert [line.split("\t")[0] for line in lines] == ["true", "false", "false"]
    assert two_keys.other_live not in result.stdout


# -- which key a command sends --------------------------------------------------------


def test_use_sets_the_default_and_the_next_command_uses_it(
    cli: CLI,
    two_keys: SimpleNamespace,
    httpx_mock: HTTPXMock,
    isolated_env: Path,
    make_me: Callable[..., Any],
) -> None:
    httpx_mock.add_response(url=ME, json=make_me(two_keys.test))

    use = cli("auth", "use", "acme", "--test")
    me = cli("me")

    assert use.exit_code == 0
    assert use.stderr == "Default is now acme (test).\n"
    assert config_json(isolated_env)["default"] == {"workspace": "acme", "mode": "test"}
    assert me.exit_code == 0, me.stderr
    assert bearer(httpx_mock.get_request()) == f"Bearer {two_keys.test}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("auth", "use", "globex"), "No workspace 'globex' is stored (stored: acme)."),
        (("auth", "use", "solo", "--test"), "Workspace 'solo' has no stored test key."),
    ],
)
def test_use_refuses_what_is_not_stored(
    cli: CLI,
    store_key: Callable[..., None],
    keys: SimpleNamespace,
    args: tuple[str, ...],
    message: str,
) -> None:
    store_key("acme", keys.live)
    store_key("solo", keys.other_live)

    result = cli(*args)

    assert result.exit_code == ExitCode.USAGE
    assert message.replace("(stored: acme)", "(stored: acme, solo)") in result.stderr


@pytest.fixture
def three_keys(store_key: Callable[..., None], keys: SimpleNamespace) -> SimpleNamespace:
    store_key("acme", keys.live)  # the default
    store_key("acme", keys.test)
    store_key("globex", keys.other_live)
    return keys


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ((), {}, "live"),
        (("--test",), {}, "test"),
        (("--live",), {}, "live"),
        (("-w", "globex"), {}, "other_live"),
        (("--workspace", "globex", "--live"), {}, "other_live"),
        (("-w", "acme", "--test"), {}, "test"),
        ((), {"PIVOTAL_WORKSPACE": "globex"}, "other_live"),
    ],
    ids=["default", "test", "live", "w-globex", "workspace-live", "w-acme-test", "env-workspace"],
)
def test_workspace_and_mode_flags_pick_the_key(
    cli: CLI,
    three_keys: SimpleNamespace,
    httpx_mock: HTTPXMock,
    make_me: Callable[..., Any],
    args: tuple[str, ...],
    env: dict[str, str],
    expected: str,
) -> None:
    key = getattr(three_keys, expected)
    httpx_mock.add_response(url=ME, json=make_me(key))

    result = cli(*args, "me", env=env)

    assert result.exit_code == 0, result.stderr
    assert bearer(httpx_mock.get_request()) == f"Bearer {key}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-w", "globex", "--test"), "No test key is stored for workspace 'globex'."),
        (("-w", "initech"), "No key is stored for workspace 'initech'."),
    ],
)
def test_asking_for_a_key_that_is_not_stored_exits_4(
    cli: CLI,
    three_keys: SimpleNamespace,
    httpx_mock: HTTPXMock,
    args: tuple[str, ...],
    message: str,
) -> None:
    result = cli(*args, "me")

    assert result.exit_code == ExitCode.AUTH
    assert result.stderr.startswith(f"Error: {message}")
    assert httpx_mock.get_requests() == []


def test_pivotal_api_key_wins_over_stored_keys(
    cli: CLI, three_keys: SimpleNamespace, httpx_mock: HTTPXMock, make_me: Callable[..., Any]
) -> None:
    env_key = "pivotal_FAKEenvFAKEenv22222222222222222222"
    httpx_mock.add_response(url=ME, json=make_me(env_key, workspace="initech"))

    result = cli("-w", "globex", "me", env={"PIVOTAL_API_KEY": env_key})

    assert result.exit_code == 0, result.stderr
    assert bearer(httpx_mock.get_request()) == f"Bearer {env_key}"
    assert "key_source\tPIVOTAL_API_KEY" in result.stdout.splitlines()


# -- logout and token -----------------------------------------------------------------


def test_logout_removes_the_default_key_then_the_named_one(
    cli: CLI, two_keys: SimpleNamespace, keyring_backend: Any, isolated_env: Path
) -> None:
    first = cli("auth", "logout")

    assert first.exit_code == 0
    assert first.stderr == "Logged out of acme (live).\n"
    assert keyring_backend.passwords == {(SERVICE, "acme:test"): two_keys.test}
    config = config_json(isolated_env)
    assert list(config["workspaces"]["acme"]["keys"]) == ["test"]
    assert config["default"] == {"workspace": None, "mode": None}

    second = cli("auth", "logout", "acme", "--test")

    assert second.exit_code == 0
    assert keyring_backend.passwords == {}
    assert config_json(isolated_env)["workspaces"] == {}

    third = cli("auth", "logout")
    assert third.exit_code == ExitCode.USAGE
    assert "Nothing to log out of" in third.stderr


def test_logout_all(
    cli: CLI, three_keys: SimpleNamespace, keyring_backend: Any, isolated_env: Path
) -> None:
    result = cli("auth", "logout", "--all")

    assert result.exit_code == 0
    assert result.stderr == "Logged out of acme (live), acme (test), globex (live).\n"
    assert keyring_backend.passwords == {}
    assert config_json(isolated_env)["workspaces"] == {}


def test_logout_tolerates_a_key_already_gone_from_the_keyring(
    cli: CLI, two_keys: SimpleNamespace, keyring_backend: Any
) -> None:
    keyring_backend.passwords.clear()  # removed by hand in the OS keychain app

    result = cli("auth", "logout", "--all")

    assert result.exit_code == 0


def test_token_prints_the_key_for_scripts(cli: CLI, two_keys: SimpleNamespace) -> None:
    result = cli("auth", "token")

    assert result.exit_code == 0
    assert result.stdout == f"{two_keys.live}\n"
    assert result.stderr == ""

    assert cli("--test", "auth", "token").stdout == f"{two_keys.test}\n"


def test_token_when_not_logged_in(cli: CLI) -> None:
    result = cli("auth", "token")

    assert result.exit_code == ExitCode.AUTH
    assert result.stdout == ""
    assert "Run `pivotal auth login`" in result.stderr
