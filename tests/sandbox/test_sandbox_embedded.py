"""`embedded.connect()`: the zero-setup sandbox `pivotal --sandbox` runs on."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pivotal_cli.sandbox.adapters import embedded


def client(connected: embedded.Embedded) -> httpx.Client:
    return httpx.Client(
        transport=connected.transport,
        base_url=connected.base_url,
        headers={"Authorization": f"Bearer {connected.api_key}"},
    )


def test_first_use_creates_a_private_seeded_sandbox(tmp_path: Path) -> None:
    directory = tmp_path / "nested" / "sandbox"
    connected = embedded.connect("live", directory)
    assert connected.base_url == "http://localhost/api/v1"
    assert connected.api_key.startswith("pivotal_") and not connected.api_key.startswith(
        "pivotal_test_"
    )
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "keys.json").stat().st_mode) == 0o600
    assert (directory / "sandbox.db").exists()
    with client(connected) as api:
        me = api.get("/me").json()
        assert (me["organization"]["slug"], me["mode"]) == ("acme", "live")
        assert len(api.get("/customers").json()["data"]) == 25


def test_test_mode_and_reuse(tmp_path: Path) -> None:
    live = embedded.connect("live", tmp_path)
    with client(live) as api:
        created = api.post("/customers", json={"name": "Persisted"}).json()
    test = embedded.connect("test", tmp_path)
    assert test.api_key.startswith("pivotal_test_")
    with client(test) as api:
        assert api.get("/me").json()["mode"] == "test"
        assert api.get(f"/customers/{created['id']}").status_code == 200
    assert embedded.connect("live", tmp_path).api_key == live.api_key


def test_default_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIVOTAL_SANDBOX_DIR", str(tmp_path / "from-env"))
    connected = embedded.connect()
    with client(connected) as api:
        assert api.get("/me").status_code == 200
    assert (tmp_path / "from-env" / "keys.json").exists()


def test_rate_limits_by_default_and_overridable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client(embedded.connect("test", tmp_path)) as api:
        assert api.get("/me").headers["x-ratelimit-limit"] == "30"
    monkeypatch.setenv("PIVOTAL_SANDBOX_RATE_LIMIT", "off")
    with client(embedded.connect("live", tmp_path)) as api:
        assert "x-ratelimit-limit" not in api.get("/me").headers
    monkeypatch.setenv("PIVOTAL_SANDBOX_RATE_LIMIT", "600")
    with client(embedded.connect("live", tmp_path)) as api:
        assert api.get("/me").headers["x-ratelimit-limit"] == "600"


def test_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        embedded.connect("staging")


def test_two_processes_racing_to_set_up(tmp_path: Path) -> None:
    script = (
        "import sys, json; from pathlib import Path;"
        "from pivotal_cli.sandbox.adapters.embedded import connect;"
        "print(connect('live', Path(sys.argv[1])).api_key)"
    )
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    keys = {racer.communicate(timeout=60)[0].strip() for racer in racers}
    assert all(racer.returncode == 0 for racer in racers)
    assert len(keys) == 1
    stored = json.loads((tmp_path / "keys.json").read_text())["keys"]
    assert stored[0]["key"] in keys
    with client(embedded.connect("live", tmp_path)) as api:
        names = [c["name"] for c in api.get("/customers", params={"limit": 100}).json()["data"]]
    assert len(names) == len(set(names)), "seeded twice"
