"""Shared fixtures for the whole suite: isolation, a fake keyring, and an in-process CLI.

Every test runs with (autouse):

* its own config directory (`PIVOTAL_CONFIG_DIR`), sandbox directory
  (`PIVOTAL_SANDBOX_DIR`), cache directory for the id index (`PIVOTAL_CACHE_DIR`) and
  state directory for import jobs (`PIVOTAL_STATE_DIR`)
  under `tmp_path`;
* none of the variables that steer the CLI from outside (`PIVOTAL_API_KEY`,
  `PIVOTAL_BASE_URL`, `PIVOTAL_WORKSPACE`, `PIVOTAL_SANDBOX`, `PIVOTAL_DEBUG`,
  `PIVOTAL_FORCE_TTY`, `NO_COLOR`, `PAGER`), so a developer's shell cannot change a result;
* no pager (`PIVOTAL_PAGER=off`): a "terminal" test's long table would otherwise start
  `less`; a pager test passes `env={"PIVOTAL_PAGER": None, "PAGER": …}`;
* an in-memory keyring backend, so no test ever reads or writes the real keyring.

Fixtures to use explicitly:

* `cli(*args, input=None, env=None)` runs `pivotal …` in-process and returns typer's
  `Result` with `stdout`, `stderr` and `exit_code` kept apart. Its HTTP client is built
  by an injected factory (`obj=Injected(client_factory=…)`, kept by the root callback)
  with `client_options` on top of what the CLI passes;
* `client_options`: those keyword arguments of `Client`, read at each invocation. Its
  `sleep` only records the delay, so retries, Retry-After and rate-limit pacing never
  make a test wait; a test may add its own `sleep` or `clock` before calling `cli`;
* `slept`: the delays that `sleep` recorded;
* `fake_keys`: clearly fake keys (live, test, and a second live one);
* `store_key(workspace, key, …)`: start a test already logged in, without the CLI;
* `keyring_backend`: the in-memory backend, to inspect what was stored.

All keys here are fake: they contain FAKE and were never valid anywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import keyring
import keyring.core
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from typer.testing import CliRunner, Result

# pytester runs small pytest sessions in-process (the pivotal_sandbox plugin's tests).
pytest_plugins = ["pytester"]

LIVE_KEY = "pivotal_FAKEfakeFAKEfake0000000000000000"
TEST_KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"
OTHER_LIVE_KEY = "pivotal_FAKEotherFAKEother111111111111111"
API = "https://my.pivotal.app/api/v1"

ISOLATED_VARIABLES = (
    "PIVOTAL_API_KEY",
    "PIVOTAL_BASE_URL",
    "PIVOTAL_WORKSPACE",
    "PIVOTAL_SANDBOX",
    "PIVOTAL_DEBUG",
    "PIVOTAL_FORCE_TTY",
    "NO_COLOR",
    "PAGER",
)


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict for one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private config dir and sandbox dir; no steering variables from the shell."""
    for name in ISOLATED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("PIVOTAL_CONFIG_DIR", str(config))
    monkeypatch.setenv("PIVOTAL_SANDBOX_DIR", str(tmp_path / "sandbox"))
    monkeypatch.setenv("PIVOTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PIVOTAL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("PIVOTAL_PAGER", "off")
    return config


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    """Install an in-memory keyring for the test; put the previous one back after."""
    # Read the module global rather than calling get_keyring(), which would probe
    # (and might initialise) the real system backends.
    previous = keyring.core._keyring_backend
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.core._keyring_backend = previous


@pytest.fixture
def slept() -> list[float]:
    """Every delay the CLI's HTTP client asked for (with the default `client_options`)."""
    return []


@pytest.fixture
def client_options(slept: list[float]) -> dict[str, Any]:
    """Keyword arguments for every `Client` that `cli` builds: none of its sleeps waits."""
    return {"sleep": slept.append}


@pytest.fixture
def keystore_options() -> dict[str, Any]:
    """Keyword arguments for the `KeyStore` that `cli` builds (e.g. a short `timeout`)."""
    return {}


@pytest.fixture
def fake_keys() -> SimpleNamespace:
    """Clearly fake keys: `live`, `test` (pivotal_test_…) and `other_live`."""
    return SimpleNamespace(live=LIVE_KEY, test=TEST_KEY, other_live=OTHER_LIVE_KEY, api=API)


@pytest.fixture(scope="session")
def pivotal_command() -> Any:
    """The Click command tree of `pivotal`, built once: building it costs ~100 ms."""
    import typer.main

    from pivotal_cli.cli.app import app

    return typer.main.get_command(app)


@pytest.fixture
def cli(
    pivotal_command: Any,
    monkeypatch: pytest.MonkeyPatch,
    client_options: dict[str, Any],
    keystore_options: dict[str, Any],
) -> Callable[..., Result]:
    """Run `pivotal ARGS…` in-process; `result.stdout` and `result.stderr` are separate.

    typer 0.28's CliRunner always captures the two streams apart (`result.output` is
    the interleaved view). `env` adds to (or, with None values, removes from) the
    environment for this one invocation. Unexpected exceptions propagate (pass
    `catch_exceptions=True` to get them on `result.exception` instead).

    The command tree is shared by the session, so monkeypatch what a command calls
    (commands import their helpers at call time), not the command function itself.
    """
    import typer.main
    import typer.testing

    from pivotal_cli.cli.app import app
    from pivotal_cli.cli.context import Injected
    from pivotal_cli.client.http import Client
    from pivotal_cli.settings.credentials import KeyStore

    # CliRunner rebuilds the tree on every invoke; hand it the one built already.
    # (raising=False: should typer rename this, tests only get slower.)
    build = getattr(typer.testing, "_get_command", typer.main.get_command)
    monkeypatch.setattr(
        typer.testing,
        "_get_command",
        lambda typer_app: pivotal_command if typer_app is app else build(typer_app),
        raising=False,
    )
    runner = CliRunner()

    def invoke(
        *args: str,
        input: str | bytes | None = None,
        env: Mapping[str, str | None] | None = None,
        catch_exceptions: bool = False,
    ) -> Result:
        # Read now, so options a test set after requesting `cli` still count.
        factory = functools.partial(Client, **client_options)
        keystore = functools.partial(KeyStore, **keystore_options)
        return runner.invoke(
            app,
            list(args),
            input=input,
            env=env,
            catch_exceptions=catch_exceptions,
            prog_name="pivotal",
            obj=Injected(client_factory=factory, keystore_factory=keystore),
        )

    return invoke


@pytest.fixture
def store_key(keyring_backend: MemoryKeyring) -> Callable[..., None]:
    """Store a key as `auth login` would, without a request: (workspace, key, …)."""
    from pivotal_cli.domain.api_keys import key_prefix, mode_of_key
    from pivotal_cli.settings.config import Config, KeyRecord, Workspace
    from pivotal_cli.settings.credentials import KeyStore
    from pivotal_cli.settings.paths import config_dir as _config_dir

    def store(
        workspace: str,
        key: str,
        *,
        name: str = "fake-key",
        base_url: str | None = None,
        default: bool | None = None,
        insecure: bool = False,
    ) -> None:
        mode = mode_of_key(key)
        where = KeyStore(_config_dir()).set(workspace, mode, key, insecure=insecure)
        config = Config.load()
        ws = config.workspaces.setdefault(workspace, Workspace(slug=workspace))
        ws.base_url = base_url or ws.base_url
        ws.keys[mode] = KeyRecord(name=name, prefix=key_prefix(key), storage=where)
        if default or (default is None and config.default_workspace is None):
            config.default_workspace, config.default_mode = workspace, mode
        config.save()

    return store


def me_body(
    key: str,
    *,
    workspace: str = "acme",
    name: str = "fake-key",
    shape: str = "spec",
    tier: str = "standard",
    **extra: Any,
) -> dict[str, Any]:
    """A /me answer for `key` in either documented shape ("spec" or "flat")."""
    from pivotal_cli.domain.api_keys import key_prefix, mode_of_key

    if shape == "flat":
        return {
            "object": "api_key_identity",
            "key_name": name,
            "key_prefix": key_prefix(key),
            "org_id": f"org_{workspace}",
            "org_slug": workspace,
            "mode": mode_of_key(key),
            **extra,
        }
    return {
        "object": "me",
        "api_key": {
            "id": f"key_{name}",
            "name": name,
            "prefix": key_prefix(key),
            "scopes": ["*"],
            "rate_limit_tier": tier,
        },
        "organization": {"id": f"org_{workspace}", "slug": workspace, "name": workspace.title()},
        **extra,
    }


@pytest.fixture
def make_me() -> Callable[..., dict[str, Any]]:
    """`make_me(key, workspace="acme", shape="spec"|"flat", …)` -> a /me body."""
    return me_body


@pytest.fixture
def free_port() -> int:
    """A loopback port nothing listens on (free when the test asks for it)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
