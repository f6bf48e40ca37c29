"""`pivotal webhooks listen` as a real process: start-up lines, trigger into it, forward to
an app, the JSON lines, a port in use, and a clean stop on SIGINT and SIGTERM.

The listener runs in a subprocess on a free port (`--port 0`; the URL is read from its
"Ready." line); `trigger` runs in-process against it; a tiny app in a thread records
what is forwarded to it. The oracle for signatures is `standardwebhooks`.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook
from typer.testing import Result

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CLI = Callable[..., Result]


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state"
    monkeypatch.setenv("PIVOTAL_STATE_DIR", str(path))
    monkeypatch.delenv("PIVOTAL_WEBHOOK_SECRET", raising=False)
    return path


def oracle_accepts(headers: dict[str, str], body: bytes) -> bool:
    renamed = {k.lower().replace("svix-", "webhook-", 1): v for k, v in headers.items()}
    try:
        Webhook(SECRET).verify(body, renamed, json_parse=False)
    except Exception:
        return False
    return True


class Listen:
    """A `pivotal webhooks listen` process, its stderr read line by line in a thread."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pivotal_cli", "webhooks", "listen", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.err: queue.Queue[str] = queue.Queue()
        self.out: queue.Queue[str] = queue.Queue()
        self.stderr_lines: list[str] = []
        for stream, sink in ((self.process.stderr, self.err), (self.process.stdout, self.out)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream: Any, sink: queue.Queue[str]) -> None:
        for line in stream:
            sink.put(line.rstrip("\n"))

    def stderr_until(self, marker: str) -> list[str]:
        while True:
            line = self.err.get(timeout=10)
            self.stderr_lines.append(line)
            if marker in line:
                return self.stderr_lines

    def url(self) -> str:
        ready = self.stderr_until("Ready.")[-1]
        return ready.split("Register ", 1)[1].split(" ", 1)[0]

    def line(self) -> str:
        return self.out.get(timeout=10)

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=10)
        rest = []
        while not self.err.empty():
            rest.append(self.err.get())
        return code, "\n".join(self.stderr_lines + rest)


@pytest.fixture
def listen() -> Iterator[Callable[..., Listen]]:
    started: list[Listen] = []

    def start(*args: str) -> Listen:
        process = Listen(*args)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


@dataclass
class App:
    status: int = 200
    seen: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def app() -> Iterator[App]:
    state = App()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.seen.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def test_trigger_into_listen_forwarded_to_an_app(
    listen: Callable[..., Listen], app: App, cli: CLI
) -> None:
    process = listen("--secret", SECRET, "--forward-to", app.url)
    url = process.url()
    startup = "\n".join(process.stderr_lines)
    assert "whsec_…LaSw" in startup and SECRET not in startup
    assert f"pivotal sandbox webhooks add {url} --test-mode" in startup
    sent = cli(
        "webhooks", "trigger", "onboarding.phase_changed", "--forward-to", url,
        "--secret", SECRET, "--set", "data.object.phase=launch",
    )  # fmt: skip
    assert sent.exit_code == 0, sent.stderr
    assert " → 200 in " in sent.stdout
    line = process.line()
    assert "  onboarding.phase_changed  evt_" in line
    assert "  phase review → launch  valid  age " in line
    assert "→ 200 in" in line
    ((headers, body),) = app.seen
    assert json.loads(body)["data"]["object"]["phase"] == "launch"
    assert oracle_accepts(headers, body)
    code, stderr = process.stop(signal.SIGTERM)
    assert code == 0
    assert "Traceback" not in stderr
    assert "Stopped after 1 delivery." in stderr


def test_a_bad_signature_is_401_and_a_dead_app_502(
    listen: Callable[..., Listen], cli: CLI, state_dir: Path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    process = listen("--secret", SECRET, "--forward-to", dead)
    url = process.url()
    forged = cli("webhooks", "trigger", "customer.created", "--forward-to", url)
    assert forged.exit_code == 1 and "answered 401" in forged.stderr
    assert "  no_match  " in process.line()
    down = cli("webhooks", "trigger", "customer.created", "--forward-to", url, "--secret", SECRET)
    assert down.exit_code == 1 and "answered 502" in down.stderr
    assert "connection refused (502 to the sender)" in process.line()
    code, _ = process.stop(signal.SIGINT)
    assert code == 0
    log = cli("webhooks", "log", "--json")
    assert [entry["status"] for entry in json.loads(log.stdout)] == [401, 502]


def test_listen_json_lines_and_event_filters(
    listen: Callable[..., Listen], app: App, cli: CLI
) -> None:
    process = listen("--format", "json", "--events", "onboarding.*", "--forward-to", app.url)
    url = process.url()
    assert "deliveries are not verified" in "\n".join(process.stderr_lines)
    cli("webhooks", "trigger", "customer.created", "--forward-to", url)
    cli("webhooks", "trigger", "onboarding.launched", "--forward-to", url)
    first, second = json.loads(process.line()), json.loads(process.line())
    assert (first["type"], first["filtered"], first["forward"]) == ("customer.created", True, None)
    assert first["verdict"]["reason"] == "unchecked"
    assert second["type"] == "onboarding.launched" and second["forward"]["status"] == 200
    assert second["event"]["data"]["previous_attributes"] == {"phase": "internal_qa"}
    assert len(app.seen) == 1
    assert process.stop()[0] == 0


def test_a_port_in_use_is_one_line(cli: CLI) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = cli("webhooks", "listen", "--port", str(port))
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: Cannot listen on 127.0.0.1:{port}")
    assert "--port" in line


def test_listen_refuses_bad_options_before_listening(cli: CLI) -> None:
    for args in (
        ["--events", "customer.exploded"],
        ["--forward-to", "localhost:3000"],
        ["--format", "yaml"],
        ["--port", "70000"],
        ["--secret", "whsec_!!!"],
    ):
        result = cli("webhooks", "listen", *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1


def test_print_secret_prints_the_whole_secret_only_when_asked(
    cli: CLI, keyring_backend: Any
) -> None:
    assert cli("webhooks", "listen", "--print-secret").exit_code == 1
    missing = cli("webhooks", "listen", "--secret-from-keyring")
    assert missing.exit_code == 4 and "secret set" in missing.stderr
    cli("webhooks", "secret", "set", "--stdin", input=SECRET)
    shown = cli("webhooks", "listen", "--secret-from-keyring", "--print-secret")
    assert shown.stdout == SECRET + "\n"
