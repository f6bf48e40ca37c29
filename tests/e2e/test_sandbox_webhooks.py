"""`pivotal sandbox webhooks …` and webhooks from `pivotal --sandbox` writes, end to end.

A tiny HTTP server thread in the test receives the deliveries. In-process runs never
make the exit pass (it is recorded instead, so the suite's own exit sends nothing);
the tests that need a real process exit run `python -m pivotal_cli` as a subprocess.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook
from typer.testing import Result

CLI = Callable[..., Result]


@dataclass
class Receiver:
    url: str = ""
    script: list[int] = field(default_factory=list)
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            state.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.script.pop(0) if state.script else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def exit_passes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The databases in-process runs asked to deliver at exit (nothing is sent)."""
    asked: list[Path] = []
    monkeypatch.setattr("pivotal_cli.sandbox.webhooks.exit_pass.arrange", asked.append)
    return asked


def standard(headers: dict[str, str]) -> dict[str, str]:
    return {k.replace("svix-", "webhook-"): v for k, v in headers.items() if k.startswith("svix-")}


def add(cli: CLI, *args: str) -> tuple[str, str]:
    """`sandbox webhooks add ARGS --json`: the endpoint's id and secret."""
    result = cli("sandbox", "webhooks", "add", *args, "--json")
    assert result.exit_code == 0, result.stderr
    created = json.loads(result.stdout)
    return created["id"], created["secret"]


def test_add_prints_the_id_and_the_secret_once(cli: CLI, receiver: Receiver) -> None:
    result = cli("sandbox", "webhooks", "add", receiver.url, "--events", "customer.*")
    assert result.exit_code == 0, result.stderr
    lines = dict(line.split("\t") for line in result.stdout.splitlines())
    assert lines["id"].startswith("ep_") and lines["secret"].startswith("whsec_")
    assert "shown once" in result.stderr
    listed = cli("sandbox", "webhooks", "list")
    assert lines["id"] in listed.stdout and lines["secret"] not in listed.stdout
    assert "customer.*" in listed.stdout and "whsec_…" in listed.stdout
    shown = cli("sandbox", "webhooks", "show", lines["id"])
    assert lines["secret"] not in shown.stdout
    revealed = cli("sandbox", "webhooks", "show", lines["id"], "--show-secret", "--json")
    assert json.loads(revealed.stdout)["secret"] == lines["secret"]
    as_json = json.loads(cli("sandbox", "webhooks", "list", "--json").stdout)
    assert [e["id"] for e in as_json] == [lines["id"]]
    assert as_json[0]["events"] == ["customer.*"] and as_json[0]["test_mode"] is False
    assert as_json[0]["secret"] != lines["secret"]


def test_workspace_flag_and_errors(cli: CLI, receiver: Receiver) -> None:
    endpoint, _ = add(cli, receiver.url, "--test-mode")
    other, _ = add(cli, "-w", "globex", receiver.url)
    acme = json.loads(cli("sandbox", "webhooks", "list", "--json").stdout)
    globex = json.loads(cli("-w", "globex", "sandbox", "webhooks", "list", "--json").stdout)
    assert [e["id"] for e in acme] == [endpoint] and acme[0]["test_mode"] is True
    assert [e["id"] for e in globex] == [other]
    checks = [
        (("show", other), 5),  # another workspace's endpoint
        (("remove", "ep_nope"), 5),
        (("rotate-secret", "ep_nope"), 5),
        (("replay", "msg_nope"), 5),
        (("add", "ftp://example.com"), 2),
        (("add", receiver.url, "-e", "customer.nope"), 2),
        (("deliveries", "--status", "lost"), 2),
        (("replay",), 2),
        (("replay", "msg_x", "--failed-since", "2"), 2),
        (("replay", "--failed-since", "0"), 2),
    ]
    for args, code in checks:
        result = cli("sandbox", "webhooks", *args)
        assert result.exit_code == code, (args, result.stderr)
        assert result.stdout == "" and result.stderr.count("Error:") == 1, args
        assert "Traceback" not in result.stderr
    unknown = cli("-w", "initech", "sandbox", "webhooks", "list")
    assert unknown.exit_code == 5 and "initech" in unknown.stderr


def test_remove_and_rotate(cli: CLI, receiver: Receiver) -> None:
    endpoint, secret = add(cli, receiver.url)
    rotated = cli("sandbox", "webhooks", "rotate-secret", endpoint)
    assert rotated.exit_code == 0, rotated.stderr
    new_secret = dict(line.split("\t") for line in rotated.stdout.splitlines())["secret"]
    assert new_secret.startswith("whsec_") and new_secret != secret
    assert "two signatures" in rotated.stderr and "shown once" in rotated.stderr
    shown = json.loads(cli("sandbox", "webhooks", "show", endpoint, "--json").stdout)
    assert shown["previous_secret_expires_at"] is not None
    removed = cli("sandbox", "webhooks", "remove", endpoint)
    assert removed.exit_code == 0 and endpoint in removed.stderr
    assert json.loads(cli("sandbox", "webhooks", "list", "--json").stdout) == []


def test_writes_queue_deliveries_that_deliver_sends(
    cli: CLI, receiver: Receiver, exit_passes: list[Path]
) -> None:
    endpoint, secret = add(cli, receiver.url)
    created = cli("--sandbox", "customers", "create", "--name", "Aurora", "--json")
    assert created.exit_code == 0, created.stderr
    assert receiver.got == [] and len(exit_passes) == 1  # sent at exit, not before
    [pending] = json.loads(cli("sandbox", "webhooks", "deliveries", "--json").stdout)
    assert (pending["status"], pending["endpoint_id"]) == ("pending", endpoint)
    assert pending["event_type"] == "customer.created"
    sent = cli("sandbox", "webhooks", "deliver")
    assert sent.exit_code == 0, sent.stderr
    assert pending["id"] in sent.stderr and "succeeded" in sent.stderr
    [(headers, body)] = receiver.got
    envelope = Webhook(secret).verify(body, standard(headers))
    assert envelope["data"]["object"] == json.loads(created.stdout)
    assert envelope["livemode"] is True
    [done] = json.loads(cli("sandbox", "webhooks", "deliveries", "--json").stdout)
    assert (done["status"], done["attempts"], done["last_status_code"]) == ("succeeded", 1, 200)
    again = cli("sandbox", "webhooks", "deliver")
    assert again.exit_code == 0 and "Nothing is due" in again.stderr


def test_test_keys_fire_to_test_mode_endpoints(
    cli: CLI, receiver: Receiver, exit_passes: list[Path]
) -> None:
    test_endpoint, _ = add(cli, receiver.url, "--test-mode")
    add(cli, receiver.url)  # live: gets nothing from a test key
    assert cli("--sandbox", "--test", "customers", "create", "--name", "T").exit_code == 0
    cli("sandbox", "webhooks", "deliver")
    [(headers, body)] = receiver.got
    assert json.loads(body)["livemode"] is False
    [delivery] = json.loads(cli("sandbox", "webhooks", "deliveries", "--json").stdout)
    assert delivery["endpoint_id"] == test_endpoint and delivery["id"] == headers["svix-id"]


def test_deliveries_filters(cli: CLI, receiver: Receiver, exit_passes: list[Path]) -> None:
    first, _ = add(cli, receiver.url)
    second, _ = add(cli, receiver.url, "-e", "onboarding.*")
    customer = json.loads(cli("--sandbox", "customers", "create", "--name", "A", "--json").stdout)
    cli("--sandbox", "onboardings", "create", "--customer", str(customer["display_id"]))

    def listed(*args: str) -> list[tuple[str, str]]:
        result = cli("sandbox", "webhooks", "deliveries", *args, "--json")
        assert result.exit_code == 0, result.stderr
        return [(d["event_type"], d["endpoint_id"]) for d in json.loads(result.stdout)]

    assert listed() == [
        ("onboarding.created", second),
        ("onboarding.created", first),
        ("customer.created", first),
    ]
    assert listed("--endpoint", second) == [("onboarding.created", second)]
    assert listed("--event-type", "customer.*") == [("customer.created", first)]
    assert listed("--limit", "1") == [("onboarding.created", second)]
    assert listed("--status", "succeeded") == []
    table = cli("sandbox", "webhooks", "deliveries")
    assert table.exit_code == 0 and "onboarding.created" in table.stdout


def test_replay_one_and_replay_failed(
    cli: CLI, receiver: Receiver, exit_passes: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE", "1e-9")
    add(cli, receiver.url)
    receiver.script = [500] * 8
    cli("--sandbox", "customers", "create", "--name", "A")
    for _ in range(8):
        time.sleep(0.002)
        cli("sandbox", "webhooks", "deliver")
    [failed] = json.loads(cli("sandbox", "webhooks", "deliveries", "--json").stdout)
    assert (failed["status"], failed["attempts"]) == ("failed", 8)
    replayed = cli("sandbox", "webhooks", "replay", failed["id"], "--json")
    assert replayed.exit_code == 0, replayed.stderr
    [after] = json.loads(replayed.stdout)
    assert (after["status"], after["replays"]) == ("succeeded", 1)
    assert receiver.got[-1][0]["svix-id"] == receiver.got[0][0]["svix-id"]
    assert receiver.got[-1][1] == receiver.got[0][1]
    # Nothing failed any more: --failed-since has nothing to do.
    none = cli("sandbox", "webhooks", "replay", "--failed-since", "1")
    assert none.exit_code == 0 and "nothing to replay" in none.stderr
    receiver.script = [500] * 8
    cli("--sandbox", "customers", "create", "--name", "B")
    for _ in range(8):
        time.sleep(0.002)
        cli("sandbox", "webhooks", "deliver")
    batch = cli("sandbox", "webhooks", "replay", "--failed-since", "1")
    assert batch.exit_code == 0 and "succeeded" in batch.stderr
    listed = json.loads(cli("sandbox", "webhooks", "deliveries", "--json").stdout)
    assert [d["status"] for d in listed] == ["succeeded", "succeeded"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pivotal_cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_the_embedded_sandbox_delivers_before_the_process_exits(
    cli: CLI, receiver: Receiver
) -> None:
    _, secret = add(cli, receiver.url)
    result = _run("--sandbox", "customers", "create", "--name", "Aurora", "--json")
    assert result.returncode == 0, result.stderr
    # The process has exited: the delivery has already arrived.
    [(headers, body)] = receiver.got
    envelope = Webhook(secret).verify(body, standard(headers))
    assert envelope["data"]["object"] == json.loads(result.stdout)


def test_a_retry_left_pending_goes_out_with_the_next_process(cli: CLI, receiver: Receiver) -> None:
    add(cli, receiver.url)
    receiver.script = [503]
    scale = {"PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE": "0.04"}  # the 5 s retry: 200 ms
    assert _run("--sandbox", "customers", "create", "--name", "A", env=scale).returncode == 0
    assert len(receiver.got) == 1  # attempt 1 failed; attempt 2 is not due yet
    time.sleep(0.25)
    assert _run("--sandbox", "customers", "list", "-L", "1", env=scale).returncode == 0
    assert len(receiver.got) == 2
    assert receiver.got[0][0]["svix-id"] == receiver.got[1][0]["svix-id"]


def test_deliver_says_what_a_timed_out_endpoint_left_for_later(
    cli: CLI, receiver: Receiver, exit_passes: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pivotal_cli.sandbox.webhooks import worker
    from pivotal_cli.sandbox.webhooks.sender import Attempt

    hanging, _ = add(cli, "http://127.0.0.1:9/hangs")
    add(cli, receiver.url)
    for name in ("One", "Two", "Three"):
        cli("--sandbox", "customers", "create", "--name", name, "--json")
    real_post = worker.post

    def post(client: Any, url: str, *args: Any) -> Attempt:
        if url.endswith("/hangs"):
            return Attempt(None, "timeout after 10 s", 10_000, None, timed_out=True)
        return real_post(client, url, *args)

    monkeypatch.setattr(worker, "post", post)

    result = cli("sandbox", "webhooks", "deliver")

    assert result.exit_code == 0, result.stderr
    assert len(receiver.got) == 3
    assert f"2 due deliveries left for later ({hanging} timed out)" in result.stderr


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://169.254.169.254/latest/meta-data", "cloud metadata service"),
        ("http://10.0.0.7/hooks", "private-network address"),
        ("https://hooks.example.com/in", "another machine"),
    ],
)
def test_add_refuses_an_endpoint_off_this_machine(
    cli: CLI, error_line: Any, url: str, words: str
) -> None:
    result = cli("sandbox", "webhooks", "add", url)

    line = error_line(result, 2)
    assert words in line and "--allow-remote" in line
    listed = cli("sandbox", "webhooks", "list", "--json")
    assert json.loads(listed.stdout) == []  # nothing was added


def test_add_with_allow_remote_says_where_records_will_go(cli: CLI) -> None:
    result = cli("sandbox", "webhooks", "add", "--allow-remote", "http://10.0.0.7/hooks")

    assert result.exit_code == 0, result.stderr
    assert "Every record this sandbox writes will be POSTed to http://10.0.0.7/hooks" in (
        result.stderr
    )
    assert "private-network address" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:99999/hooks",
        "http://127.0.0.1:8000/\r\nX-Evil: 1",
        "http://127.0.0.1/\x00",
    ],
)
def test_add_refuses_a_malformed_url_even_with_allow_remote(
    cli: CLI, error_line: Any, url: str
) -> None:
    result = cli("sandbox", "webhooks", "add", "--allow-remote", url)

    line = error_line(result, 2)
    assert "\r" not in line and "\n" not in line.rstrip("\n")
    assert json.loads(cli("sandbox", "webhooks", "list", "--json").stdout) == []
