"""`pivotal sandbox serve|reset|keys|events`: output, refusals, exit codes, clean stops."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from pivotal_cli.cli.commands.sandbox import app

RUN_APP = "from pivotal_cli.cli.commands.sandbox import app; app()"


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)


def one_line_error(result: Result, code: int, *words: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli" / "sandbox.db"


def test_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, pivotal_cli.cli.commands.sandbox, pivotal_cli.sandbox;"
        "heavy = {'httpx', 'uvicorn', 'starlette', 'sqlite3', 'platformdirs'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_keys_json(db: Path) -> None:
    result = run("keys", "--json", "--db", str(db))
    assert result.exit_code == 0
    entries = json.loads(result.stdout)
    assert [(e["workspace"], e["name"], e["mode"], e["revoked"]) for e in entries] == [
        ("acme", "sandbox-live", "live", False),
        ("acme", "sandbox-test", "test", False),
        ("acme", "revoked-ci", "test", True),
        ("globex", "globex-live", "live", False),
    ]
    again = json.loads(run("keys", "--json", "--db", str(db)).stdout)
    assert again == entries
    stored = json.loads((db.parent / "keys.json").read_text())["keys"]
    assert [s["key"] for s in stored] == [e["key"] for e in entries]


def test_keys_table(db: Path) -> None:
    result = run("keys", "--db", str(db))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and lines[2].endswith("(revoked)")
    assert "sandbox keys" in result.stderr.lower()


def test_keys_default_to_the_sandbox_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIVOTAL_SANDBOX_DIR", str(tmp_path / "env-dir"))
    assert run("keys").exit_code == 0
    assert (tmp_path / "env-dir" / "sandbox.db").exists()


def count_customers(db: Path) -> int:
    from pivotal_cli.sandbox.engine.core import Sandbox

    with Sandbox.open(db) as sandbox:
        return sandbox.count_customers("acme")


def test_reset_refuses_without_a_terminal(db: Path) -> None:
    run("keys", "--db", str(db))
    # A prompt was needed where none can be shown: cancelled (3), as the README says.
    one_line_error(run("reset", "--db", str(db)), 3, "--yes")
    assert count_customers(db) > 0


def test_reset_asks_on_a_terminal(db: Path) -> None:
    run("keys", "--db", str(db))
    tty = {"PIVOTAL_FORCE_TTY": "1"}
    declined = run("reset", "--db", str(db), "--seed", "empty", input="n\n", env=tty)
    assert declined.exit_code == 3
    assert count_customers(db) > 0
    accepted = run("reset", "--db", str(db), "--seed", "empty", input="y\n", env=tty)
    assert accepted.exit_code == 0
    assert count_customers(db) == 0


def test_reset_yes(db: Path) -> None:
    keys = json.loads(run("keys", "--json", "--db", str(db)).stdout)
    assert run("reset", "--yes", "--seed", "empty", "--db", str(db)).exit_code == 0
    assert count_customers(db) == 0
    assert run("reset", "--yes", "--db", str(db)).exit_code == 0
    assert count_customers(db) > 0
    assert json.loads(run("keys", "--json", "--db", str(db)).stdout) == keys


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("serve", "--host", "0.0.0.0"), ("--allow-remote",)),
        (("serve", "--host", "192.168.1.10"), ("--allow-remote",)),
        (("serve", "--faults", "503=0.1"), ("invalid fault",)),
        (("serve", "--faults", "latency=soon"), ("DURATION",)),
        (("serve", "--faults", "POST /customers 500=2"), ("fault rule", "500=2")),
        (("serve", "--rate-limit", "lots"), ("rate limit",)),
        (("serve", "--port", "70000"), ("port",)),
        (("serve", "--seed", "huge"), ("seed",)),
        (("reset", "--yes", "--seed", "huge"), ("seed",)),
        (("events", "--limit", "0"), ("--limit",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    one_line_error(run(*args, "--db", str(db)), 2, *words)


def test_busy_port_is_one_line(db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port), "--db", str(db))
        one_line_error(result, 1, "Cannot listen", "--port (0 picks a free one)")


def test_events(db: Path) -> None:
    rows = json.loads(run("events", "--customer", "3", "--json", "--db", str(db)).stdout)
    assert rows and {r["customer_display_id"] for r in rows} == {3}
    assert rows[0]["kind"] == "customer.created"
    assert set(rows[0]) == {
        "at", "kind", "actor", "mode", "customer_id", "customer_display_id", "contact_id",
        "onboarding_id", "onboarding_display_id", "data",
    }  # fmt: skip
    text = run("events", "--onboarding", "7", "--db", str(db)).stdout.splitlines()
    assert text and all("onboarding 7" in line for line in text)
    transitions = json.loads(
        run("events", "--onboarding", "7", "--transitions", "--json", "--db", str(db)).stdout
    )
    assert transitions[0]["from"] is None and transitions[-1]["to"] == "completed"
    assert len(json.loads(run("events", "--limit", "2", "--json", "--db", str(db)).stdout)) == 2


@pytest.mark.parametrize(
    "args", [("--customer", "999"), ("--onboarding", "999"), ("--workspace", "initech")]
)
def test_events_unknown_is_exit_5(db: Path, args: tuple[str, ...]) -> None:
    one_line_error(run("events", *args, "--db", str(db)), 5, "no ")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_its_url_and_keys_and_stops_cleanly(db: Path, stop: signal.Signals) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN_APP,
            "serve",
            "--port",
            "0",
            "--db",
            str(db),
            "--rate-limit",
            "off",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        banner = []
        for line in process.stdout:
            banner.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        url = banner[0].split()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/v1")
        assert not url.endswith(":0/api/v1")
        live_key = next(line.split()[3] for line in banner if "sandbox-live" in line)
        assert "Rate limits: off" in banner
        assert any("sandbox keys" in line for line in banner)
        response = httpx.get(f"{url}/me", headers={"Authorization": f"Bearer {live_key}"})
        assert response.json()["organization"]["slug"] == "acme"
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "Sandbox stopped." in stderr
    assert "Traceback" not in stderr
