"""`pivotal webhooks`: verify and sign against an independent oracle, trigger's events,
the secret commands, and the listener in a thread (forwarding, 401, 502, JSON lines).

The oracle is the `standardwebhooks` package (the Standard Webhooks reference library,
which names the headers `webhook-*`): whatever `webhooks verify` accepts it accepts,
whatever it rejects it rejects, and what `sign` and `trigger` sign it verifies.
"""

from __future__ import annotations

import base64
import json
import shlex
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook
from typer.testing import Result

from pivotal_cli.domain import schema
from pivotal_cli.domain.webhook_events import EVENT_TYPES
from pivotal_cli.domain.webhook_signing import sign_headers

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OLD_SECRET = "whsec_dGhlIG9sZCBzZWNyZXQgYmVmb3JlIHJvdGF0aW9u"
BODY = b'{"id":"evt_1","type":"customer.created","data":{"object":{"display_id":7}}}'
CLI = Callable[..., Result]


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Delivery logs go under the test's own directory."""
    path = tmp_path / "state"
    monkeypatch.setenv("PIVOTAL_STATE_DIR", str(path))
    monkeypatch.delenv("PIVOTAL_WEBHOOK_SECRET", raising=False)
    return path


def oracle_accepts(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether the Standard Webhooks library accepts the delivery (svix-* renamed)."""
    renamed = {k.lower().replace("svix-", "webhook-", 1): v for k, v in headers.items()}
    try:
        Webhook(secret).verify(body, renamed, json_parse=False)
    except Exception:  # the library raises ValueError too, on some malformed headers
        return False
    return True


def signed(body: bytes = BODY, *, secret: str = SECRET, age: int = 0) -> dict[str, str]:
    return sign_headers(secret, body, msg_id="msg_test1", timestamp=int(time.time()) - age)


def verify_args(headers: dict[str, str], body_file: Path) -> list[str]:
    args = ["webhooks", "verify", "--body", str(body_file)]
    for name, value in headers.items():
        args += ["--header", f"{name}: {value}"]
    return args


def _cases() -> dict[str, tuple[str, Callable[[], tuple[dict[str, str], bytes]], str]]:
    """name -> (secret the receiver has, a delivery factory, the expected reason)."""

    def valid() -> tuple[dict[str, str], bytes]:
        return signed(), BODY

    def rotation() -> tuple[dict[str, str], bytes]:
        headers = sign_headers(
            [OLD_SECRET, SECRET], BODY, msg_id="msg_rot", timestamp=int(time.time())
        )
        assert len(headers["svix-signature"].split()) == 2
        return headers, BODY

    def stale() -> tuple[dict[str, str], bytes]:
        return signed(age=301), BODY

    def future() -> tuple[dict[str, str], bytes]:
        return signed(age=-301), BODY

    def tampered() -> tuple[dict[str, str], bytes]:
        return signed(), BODY.replace(b"7", b"8")

    def reserialized() -> tuple[dict[str, str], bytes]:
        return signed(), json.dumps(json.loads(BODY), indent=2).encode()

    def missing() -> tuple[dict[str, str], bytes]:
        headers = signed()
        del headers["svix-timestamp"]
        return headers, BODY

    def no_comma() -> tuple[dict[str, str], bytes]:
        return {**signed(), "svix-signature": "v1"}, BODY

    def not_base64() -> tuple[dict[str, str], bytes]:
        return {**signed(), "svix-signature": "v1,!!!not-base64!!!"}, BODY

    def other_scheme_only() -> tuple[dict[str, str], bytes]:
        good = signed()["svix-signature"].split(",", 1)[1]
        return {**signed(), "svix-signature": f"v1a,{good}"}, BODY

    def bad_timestamp() -> tuple[dict[str, str], bytes]:
        return {**signed(), "svix-timestamp": "yesterday"}, BODY

    def changed_id() -> tuple[dict[str, str], bytes]:
        return {**signed(), "svix-id": "msg_other"}, BODY

    return {
        "valid": (SECRET, valid, "ok"),
        "two-signature rotation": (SECRET, rotation, "ok"),
        "rotation, old secret": (OLD_SECRET, rotation, "ok"),
        "wrong secret": (OLD_SECRET, valid, "no_match"),
        "stale timestamp": (SECRET, stale, "timestamp_too_old"),
        "future timestamp": (SECRET, future, "timestamp_too_new"),
        "tampered body": (SECRET, tampered, "no_match"),
        "re-serialized body": (SECRET, reserialized, "reserialized_body"),
        "missing header": (SECRET, missing, "missing_header"),
        "signature without comma": (SECRET, no_comma, "malformed_signature"),
        "signature not base64": (SECRET, not_base64, "malformed_signature"),
        "only another scheme": (SECRET, other_scheme_only, "no_match"),
        "timestamp not a number": (SECRET, bad_timestamp, "bad_timestamp"),
        "changed svix-id": (SECRET, changed_id, "no_match"),
    }


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_verify_agrees_with_the_oracle(name: str, cli: CLI, tmp_path: Path) -> None:
    secret, make, reason = CASES[name]
    headers, body = make()
    body_file = tmp_path / "body.json"
    body_file.write_bytes(body)
    result = cli(*verify_args(headers, body_file), "--secret", secret)
    expected = oracle_accepts(secret, headers, body)
    assert (result.exit_code == 0) is expected, (result.stdout, result.stderr)
    assert expected is (reason == "ok")
    if expected:
        assert result.stdout == "valid\n"
    else:
        assert result.exit_code == 1
        assert f"Invalid ({reason})" in result.stderr
        assert "Traceback" not in result.stderr
    as_json = cli(*verify_args(headers, body_file), "--secret", secret, "--json")
    assert json.loads(as_json.stdout)["reason"] == reason
    assert as_json.exit_code == result.exit_code


def test_verify_reads_the_id_timestamp_and_signature_flags(cli: CLI, tmp_path: Path) -> None:
    headers = signed()
    (tmp_path / "b").write_bytes(BODY)
    args = ["--id", headers["svix-id"], "--timestamp", headers["svix-timestamp"]]
    args += ["--signature", headers["svix-signature"], "--body", str(tmp_path / "b")]
    result = cli("webhooks", "verify", "--secret", SECRET, *args)
    assert (result.exit_code, result.stdout) == (0, "valid\n")


def test_verify_takes_the_body_on_stdin_and_the_secret_from_the_environment(cli: CLI) -> None:
    headers = signed()
    args = [arg for n, v in headers.items() for arg in ("-H", f"{n}: {v}")]
    result = cli(
        "webhooks",
        "verify",
        *args,
        "--body",
        "-",
        input=BODY,
        env={"PIVOTAL_WEBHOOK_SECRET": SECRET},
    )
    assert (result.exit_code, result.stdout) == (0, "valid\n")
    wrong = cli(
        "webhooks",
        "verify",
        *args,
        "--body",
        "-",
        input=BODY + b" ",
        env={"PIVOTAL_WEBHOOK_SECRET": SECRET},
    )
    assert wrong.exit_code == 1


def test_verify_names_a_final_newline_that_was_not_signed(cli: CLI, tmp_path: Path) -> None:
    headers = signed()
    (tmp_path / "b").write_bytes(BODY + b"\n")
    result = cli(*verify_args(headers, tmp_path / "b"), "--secret", SECRET)
    assert result.exit_code == 1
    assert "Invalid (trailing_newline)" in result.stderr
    assert "printf" in result.stderr  # the hint
    assert not oracle_accepts(SECRET, headers, BODY + b"\n")


def test_verify_bad_input_is_exit_2_on_one_line(cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "b").write_bytes(BODY)
    no_secret = cli(*verify_args(signed(), tmp_path / "b"))
    assert no_secret.exit_code == 2
    assert "PIVOTAL_WEBHOOK_SECRET" in no_secret.stderr
    bad_secret = cli(*verify_args(signed(), tmp_path / "b"), "--secret", "whsec_!!!")
    assert bad_secret.exit_code == 2
    assert "not base64" in bad_secret.stderr
    no_body = cli("webhooks", "verify", "--secret", SECRET, "--id", "msg_1")
    assert no_body.exit_code == 2
    bad_header = cli(*verify_args(signed(), tmp_path / "b"), "--secret", SECRET, "-H", "nocolon")
    assert bad_header.exit_code == 2
    missing_file = cli("webhooks", "verify", "--secret", SECRET, "--body", str(tmp_path / "nope"))
    assert missing_file.exit_code == 2
    for result in (no_secret, bad_secret, no_body, bad_header, missing_file):
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["headers", "json", "curl"])
def test_sign_output_verifies_with_the_oracle(fmt: str, cli: CLI, tmp_path: Path) -> None:
    body_file = tmp_path / "event.json"
    body_file.write_bytes(BODY)
    result = cli("webhooks", "sign", "--secret", SECRET, "--body", str(body_file), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "headers":
        headers = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    elif fmt == "json":
        headers = json.loads(result.stdout)
    else:
        words = shlex.split(result.stdout)
        assert words[:5] == ["curl", "-sS", "-X", "POST", "http://127.0.0.1:8787/"]
        assert words[-2:] == ["--data-binary", f"@{body_file}"]
        headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
        assert headers.pop("content-type") == "application/json"
    assert set(headers) == {"svix-id", "svix-timestamp", "svix-signature"}
    assert oracle_accepts(SECRET, headers, BODY)
    assert not oracle_accepts(OLD_SECRET, headers, BODY)


def test_sign_takes_a_fixed_id_and_timestamp_and_stdin(cli: CLI) -> None:
    stamp = int(time.time())
    result = cli(
        "webhooks", "sign", "--secret", SECRET, "--id", "msg_fixed", "--timestamp", str(stamp),
        "--format", "curl", "--url", "http://localhost:3000/hook", input=BODY,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    words = shlex.split(result.stdout)
    assert words[-1] == BODY.decode()
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    assert headers["svix-id"] == "msg_fixed"
    assert headers["svix-timestamp"] == str(stamp)
    assert oracle_accepts(SECRET, headers, BODY)


# -- trigger --------------------------------------------------------------------------


def printed_request(text: str) -> tuple[str, dict[str, str], bytes]:
    head, _, body = text.partition("\n\n")
    request_line, *lines = head.splitlines()
    headers = dict(line.split(": ", 1) for line in lines)
    length = int(headers["content-length"])
    return request_line, headers, body.encode()[:length]


@pytest.mark.parametrize("event_type", list(EVENT_TYPES))
def test_trigger_prints_a_signed_realistic_event_of_every_type(
    event_type: str, cli: CLI, tmp_path: Path
) -> None:
    result = cli("webhooks", "trigger", event_type, "--print", "--secret", SECRET)
    assert result.exit_code == 0, result.stderr
    request_line, headers, body = printed_request(result.stdout)
    assert request_line == "POST / HTTP/1.1"
    assert headers["host"] == "127.0.0.1:8787"
    assert oracle_accepts(SECRET, headers, body)
    event = json.loads(body)
    assert event["type"] == event_type
    assert event["id"].startswith("evt_")
    assert event["livemode"] is False
    assert event["api_version"] == "v1"
    obj = event["data"]["object"]
    resource = event_type.split(".")[0]
    if resource in schema.RESOURCES:
        assert list(obj)[: len(schema.field_names(resource))] == list(schema.field_names(resource))
        assert obj["object"] == resource
        assert len(obj["id"]) == 25 and obj["id"].startswith("c")
        assert isinstance(obj["display_id"], int)
        created = datetime.fromisoformat(obj["created_at"].replace("Z", "+00:00"))
        assert created < datetime.now(timezone.utc)
    # The printed request is what `verify --request` reads.
    request_file = tmp_path / "request.http"
    request_file.write_text(result.stdout)
    check = cli("webhooks", "verify", "--request", str(request_file), "--secret", SECRET)
    assert (check.exit_code, check.stdout) == (0, "valid\n"), check.stderr


def _trigger_event(cli: CLI, *args: str) -> dict[str, Any]:
    result = cli("webhooks", "trigger", *args, "--print", "--secret", SECRET)
    assert result.exit_code == 0, result.stderr
    event: dict[str, Any] = json.loads(printed_request(result.stdout)[2])
    return event


def test_trigger_reports_changes_as_previous_attributes(cli: CLI) -> None:
    phase = _trigger_event(cli, "onboarding.phase_changed")
    assert phase["data"]["previous_attributes"] == {"phase": "review"}
    assert phase["data"]["object"]["phase"] == "program_buildout"
    waiting = _trigger_event(cli, "onboarding.state_changed")["data"]["object"]
    assert (waiting["state"], waiting["waiting_on_customer"]) == ("waiting", True)
    completed = _trigger_event(cli, "onboarding.completed")["data"]["object"]
    assert completed["completed_at"] is not None
    churned = _trigger_event(cli, "customer.churned")["data"]
    assert (churned["object"]["status"], churned["previous_attributes"]) == (
        "churned",
        {"status": "at_risk"},
    )
    assert "previous_attributes" not in _trigger_event(cli, "customer.created")["data"]
    health = _trigger_event(cli, "customer.health_score_dropped")["data"]
    drop = health["previous_attributes"]["health_score"] - health["object"]["health_score"]
    assert drop >= 10 and health["object"]["at_risk"] is True
    task = _trigger_event(cli, "task.completed")["data"]["object"]
    assert task["id"].startswith("tsk_") and task["completed_by"].startswith("portal:")


def test_trigger_set_overrides_are_typed(cli: CLI) -> None:
    event = _trigger_event(
        cli,
        "onboarding.phase_changed",
        "--set",
        "data.object.phase=launch",
        "--set",
        "notes=null",
        "--set",
        "data.object.reminder_frequency_days=3",
        "--set",
        "waiting_on_customer=true",
        "--set",
        'metadata={"tier": "gold"}',
        "--set",
        "livemode=true",
    )
    obj = event["data"]["object"]
    assert obj["phase"] == "launch"
    assert obj["notes"] is None
    assert obj["reminder_frequency_days"] == 3
    assert obj["waiting_on_customer"] is True
    assert obj["metadata"] == {"tier": "gold"}
    assert event["livemode"] is True


def test_trigger_refuses_unknown_types_and_bad_overrides(cli: CLI) -> None:
    unknown = cli("webhooks", "trigger", "customer.exploded")
    assert unknown.exit_code == 2
    assert "customer.created" in unknown.stderr and "task.completed" in unknown.stderr
    bad = cli("webhooks", "trigger", "customer.created", "--set", "nothing", "--print")
    assert bad.exit_code == 2
    through = cli("webhooks", "trigger", "customer.created", "--set", "name.first=x", "--print")
    assert through.exit_code == 2
    assert "not an object" in through.stderr


def test_trigger_without_a_secret_signs_with_a_throwaway_one_shown_masked(cli: CLI) -> None:
    result = cli("webhooks", "trigger", "contact.created", "--print")
    assert result.exit_code == 0
    assert "throwaway secret whsec_…" in result.stderr
    _, headers, body = printed_request(result.stdout)
    assert not oracle_accepts(SECRET, headers, body)


def test_trigger_reports_a_receiver_that_is_not_there(cli: CLI, free_port: int) -> None:
    result = cli(
        "webhooks", "trigger", "customer.created", "--forward-to", f"http://127.0.0.1:{free_port}/"
    )
    assert result.exit_code == 8
    assert "Nothing answered" in result.stderr


def test_events_lists_the_fifteen_types(cli: CLI) -> None:
    result = cli("webhooks", "events")
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(EVENT_TYPES)
    as_json = json.loads(cli("webhooks", "events", "--json").stdout)
    assert len(as_json) == 15 and as_json[0]["description"] == EVENT_TYPES["customer.created"]


# -- secrets --------------------------------------------------------------------------


def test_secret_set_show_clear_in_the_keyring(cli: CLI, keyring_backend: Any) -> None:
    stored = cli("webhooks", "secret", "set", "--stdin", input=SECRET + "\n")
    assert stored.exit_code == 0, stored.stderr
    assert SECRET not in stored.stdout + stored.stderr
    assert keyring_backend.passwords == {("pivotal-cli-webhooks", "_default"): SECRET}
    shown = cli("webhooks", "secret", "show")
    assert shown.stdout == "whsec_…LaSw\n"
    assert "keyring" in shown.stderr
    assert cli("webhooks", "secret", "show", "--reveal").stdout == SECRET + "\n"
    # Per workspace: another one has none.
    assert cli("-w", "globex", "webhooks", "secret", "show").exit_code == 1
    # The stored secret is the default of verify and sign.
    signed_out = cli("webhooks", "sign", "--format", "json", input=BODY)
    assert oracle_accepts(SECRET, json.loads(signed_out.stdout), BODY)
    cleared = cli("webhooks", "secret", "clear")
    assert cleared.exit_code == 0
    assert keyring_backend.passwords == {}
    gone = cli("webhooks", "secret", "show")
    assert gone.exit_code == 1 and "secret set" in gone.stderr


def test_secret_set_refuses_what_is_not_a_signing_secret(cli: CLI, keyring_backend: Any) -> None:
    for bad in ("pivotal_test_FAKEfakeFAKEfake0000000000000000", "whsec_!!!", ""):
        result = cli("webhooks", "secret", "set", "--stdin", input=bad)
        assert result.exit_code == 2, (bad, result.stderr)
        assert bad not in result.stderr or not bad
    no_terminal = cli("webhooks", "secret", "set")
    assert no_terminal.exit_code == 3 and "--stdin" in no_terminal.stderr
    assert keyring_backend.passwords == {}


def test_the_secret_comes_from_the_sandbox_workspace_with_sandbox(
    cli: CLI, keyring_backend: Any
) -> None:
    assert cli("--sandbox", "webhooks", "secret", "set", "--stdin", input=SECRET).exit_code == 0
    assert ("pivotal-cli-webhooks", "acme") in keyring_backend.passwords


# -- the listener, in a thread --------------------------------------------------------


@dataclass
class App:
    """A tiny app that records what it receives and answers `status`."""

    status: int = 200
    seen: list[tuple[str, list[tuple[str, str]], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def app() -> Iterator[App]:
    state = App()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.seen.append((self.path, list(self.headers.items()), body))
            self.send_response(state.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/pivotal"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@dataclass
class Running:
    url: str
    stdout: StringIO
    listener: Any

    def lines(self) -> list[str]:
        return self.stdout.getvalue().splitlines()


@pytest.fixture
def listening(state_dir: Path) -> Iterator[Callable[..., Running]]:
    from pivotal_cli.render.output import Output
    from pivotal_cli.webhooks.forward import Poster
    from pivotal_cli.webhooks.listener import Listener
    from pivotal_cli.webhooks.log import Recorder, log_path
    from pivotal_cli.webhooks.receiver import Receiver

    started: list[tuple[Receiver, threading.Thread, Poster]] = []

    def start(**options: Any) -> Running:
        stdout = StringIO()
        poster = Poster(timeout=options.pop("timeout", 2.0))
        listener = Listener(
            output=Output(stdout=stdout, stderr=StringIO()),
            secrets=options.pop("secrets", [SECRET]),
            poster=poster,
            recorder=Recorder(log_path("_default")),
            **options,
        )
        receiver = Receiver("127.0.0.1", 0, listener.on_delivery)
        thread = threading.Thread(target=receiver.serve_forever)
        thread.start()
        started.append((receiver, thread, poster))
        return Running(receiver.url, stdout, listener)

    yield start
    for receiver, thread, poster in started:
        receiver.shutdown()
        thread.join()
        poster.close()


def deliver(url: str, body: bytes = BODY, **header_options: Any) -> httpx.Response:
    headers = {"content-type": "application/json", **signed(body, **header_options)}
    return httpx.post(url + "some/path", content=body, headers=headers, trust_env=False)


def test_listen_prints_one_line_per_event_and_answers_200(
    listening: Callable[..., Running],
) -> None:
    running = listening()
    event = {
        "id": "evt_9",
        "type": "onboarding.phase_changed",
        "data": {"object": {"phase": "launch"}, "previous_attributes": {"phase": "review"}},
    }
    response = deliver(running.url, json.dumps(event).encode())
    assert response.status_code == 200
    (line,) = running.lines()
    fields = line.split("  ")
    assert fields[1:-1] == [
        "onboarding.phase_changed",
        "evt_9",
        "phase review → launch",
        "valid",
    ]
    # Signed just now: the age is a second or two at most on a loaded machine.
    assert fields[-1] in ("age 0s", "age 1s", "age 2s"), fields[-1]
    assert len(fields[0]) == 8 and fields[0][2] == ":"


def test_listen_answers_401_to_a_bad_signature_and_forwards_nothing(
    listening: Callable[..., Running], app: App
) -> None:
    running = listening(forward_to=app.url)
    response = deliver(running.url, secret=OLD_SECRET)
    assert response.status_code == 401
    assert response.json()["reason"] == "no_match"
    assert app.seen == []
    assert "no_match" in running.lines()[0] and "401" in running.lines()[0]
    stale = deliver(running.url, age=600)
    assert stale.status_code == 401
    assert "timestamp_too_old" in running.lines()[1]


def test_listen_without_a_secret_accepts_unchecked(listening: Callable[..., Running]) -> None:
    running = listening(secrets=None)
    assert deliver(running.url, secret=OLD_SECRET).status_code == 200
    assert "  unchecked  " in running.lines()[0]


def test_listen_forwards_the_raw_body_and_original_headers(
    listening: Callable[..., Running], app: App
) -> None:
    running = listening(forward_to=app.url)
    body = b'{"type": "customer.created",   "id": "evt_2", "data": {"object": {}}}'
    headers = {
        "content-type": "application/json",
        "user-agent": "Svix-Webhooks/1.0",
        "x-extra": "kept",
        **signed(body),
    }
    app.status = 204
    response = httpx.post(running.url + "any", content=body, headers=headers, trust_env=False)
    assert response.status_code == 204
    ((path, received, raw),) = app.seen
    assert path == "/hooks/pivotal"
    assert raw == body
    got = {name.lower(): value for name, value in received}
    for name, value in headers.items():
        assert got[name] == value
    assert got["host"] == app.url.split("/")[2]
    assert oracle_accepts(SECRET, got, raw)
    assert "→ 204 in" in running.lines()[0]


def test_listen_passes_the_apps_status_on_and_502_when_it_is_down(
    listening: Callable[..., Running], app: App, free_port: int
) -> None:
    running = listening(forward_to=app.url)
    app.status = 500
    assert deliver(running.url).status_code == 500
    down = listening(forward_to=f"http://127.0.0.1:{free_port}/")
    response = deliver(down.url)
    assert response.status_code == 502
    assert "connection refused (502 to the sender)" in down.lines()[0]


def test_listen_acknowledges_filtered_events_without_forwarding(
    listening: Callable[..., Running], app: App
) -> None:
    running = listening(forward_to=app.url, patterns=["onboarding.*"])
    assert deliver(running.url).status_code == 200  # a customer.created
    assert app.seen == []
    assert "filtered: acknowledged, not forwarded" in running.lines()[0]


def test_listen_json_lines(listening: Callable[..., Running], app: App) -> None:
    running = listening(forward_to=app.url, json_lines=True)
    deliver(running.url)
    deliver(running.url, secret=OLD_SECRET)
    first, second = (json.loads(line) for line in running.lines())
    assert first["event_id"] == "evt_1" and first["type"] == "customer.created"
    assert first["verdict"] == {"ok": True, "reason": "ok", "message": "signature valid"}
    assert first["msg_id"] == "msg_test1"
    assert set(first["headers"]) == {
        "svix-id",
        "svix-timestamp",
        "svix-signature",
        "content-type",
        "user-agent",
    }
    assert first["event"] == json.loads(BODY)
    assert first["forward"]["status"] == 200 and first["status"] == 200
    assert second["verdict"]["reason"] == "no_match" and second["status"] == 401
    assert second["forward"] is None


def test_every_delivery_is_recorded_with_its_raw_body(
    listening: Callable[..., Running], cli: CLI, state_dir: Path
) -> None:
    running = listening()
    deliver(running.url)
    deliver(running.url, b"not json")
    records = json.loads(cli("webhooks", "log", "--json").stdout)
    assert [r["body"] for r in records] == [BODY.decode(), "not json"]
    assert records[0]["msg_id"] == "msg_test1" and records[0]["verdict"] == "valid"
    assert (state_dir / "webhooks" / "_default.jsonl").stat().st_mode & 0o777 == 0o600
    text = cli("webhooks", "log", "--limit", "1").stdout.splitlines()
    assert len(text) == 1 and "msg_test1" in text[0]


def test_the_log_keeps_the_last_thousand(monkeypatch: pytest.MonkeyPatch, state_dir: Path) -> None:
    from pivotal_cli.webhooks import log as webhook_log

    monkeypatch.setattr(webhook_log, "LIMIT", 5)
    monkeypatch.setattr(webhook_log, "SLACK", 2)
    recorder = webhook_log.Recorder(state_dir / "w.jsonl")
    for number in range(20):
        recorder.add(
            webhook_log.Recorded("t", f"msg_{number}", None, None, "unchecked", 200, "/", (), b"{}")
        )
    kept = [r.msg_id for r in webhook_log.read(state_dir / "w.jsonl")]
    assert len(kept) <= 7 and kept[-1] == "msg_19" and "msg_0" not in kept


def test_replay_resends_re_signed_with_a_fresh_timestamp(
    listening: Callable[..., Running], app: App, cli: CLI
) -> None:
    running = listening()
    deliver(running.url, age=200)  # accepted, 200 s old
    result = cli("webhooks", "replay", "evt_1", "--forward-to", app.url, "--secret", SECRET)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("msg_test1 evt_1 customer.created → 200 in")
    ((_, received, raw),) = app.seen
    got = {name.lower(): value for name, value in received}
    assert raw == BODY
    assert got["svix-id"] == "msg_test1"
    assert abs(int(got["svix-timestamp"]) - time.time()) < 5
    assert got["svix-signature"] != signed(age=200)["svix-signature"]
    assert oracle_accepts(SECRET, got, raw)
    # --last, and an id that was never recorded
    assert (
        cli(
            "webhooks", "replay", "--last", "1", "--forward-to", app.url, "--secret", SECRET
        ).exit_code
        == 0
    )
    unknown = cli("webhooks", "replay", "evt_nope", "--forward-to", app.url, "--secret", SECRET)
    assert unknown.exit_code == 5 and "webhooks log" in unknown.stderr
    no_secret = cli("webhooks", "replay", "evt_1", "--forward-to", app.url)
    assert no_secret.exit_code == 2


def test_the_receiver_reads_chunked_bodies_and_refuses_other_methods(
    listening: Callable[..., Running],
) -> None:
    running = listening()
    headers = signed()

    def chunks() -> Iterator[bytes]:
        yield BODY[:10]
        yield BODY[10:]

    response = httpx.post(running.url, content=chunks(), headers=headers, trust_env=False)
    assert response.status_code == 200
    assert "valid" in running.lines()[0]
    assert httpx.get(running.url, trust_env=False).status_code == 200
    assert httpx.put(running.url, content=b"", trust_env=False).status_code == 405


def test_base64_of_recorded_binary_bodies_round_trips(state_dir: Path) -> None:
    from pivotal_cli.webhooks import log as webhook_log

    recorder = webhook_log.Recorder(state_dir / "b.jsonl")
    body = bytes(range(256))
    recorder.add(webhook_log.Recorded("t", "m", None, None, "unchecked", 200, "/", (), body))
    (record,) = webhook_log.read(state_dir / "b.jsonl")
    assert record.body == body
    assert base64.b64decode(record.to_json()["body"]) == body


def test_without_a_keyring_the_advice_is_the_environment_variable(cli: CLI) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())  # the autouse fixture puts the memory one back
    result = cli("webhooks", "secret", "set", "--stdin", input=SECRET)
    assert result.exit_code == 4
    assert "Set PIVOTAL_WEBHOOK_SECRET" in result.stderr
    assert "PIVOTAL_API_KEY" not in result.stderr
    # Commands that only read a secret carry on without one.
    assert cli("webhooks", "trigger", "customer.created", "--print").exit_code == 0


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com"])
def test_listen_refuses_a_reachable_host_without_allow_remote(cli: CLI, host: str) -> None:
    result = cli("webhooks", "listen", "--host", host, "--port", "0", "--secret", SECRET)

    assert result.exit_code == 2
    assert f"refusing to listen on {host}" in result.stderr and "--allow-remote" in result.stderr


@pytest.mark.parametrize("msg_id", ["msg_1\r\nX-Injected: 1", "msg_1\nx", "msg\x00"])
def test_sign_refuses_an_id_that_would_break_its_header_line(cli: CLI, msg_id: str) -> None:
    result = cli("webhooks", "sign", "--secret", SECRET, "--id", msg_id, "--body", "-", input="{}")

    assert result.exit_code == 2 and result.stdout == ""
    assert "--id holds a control character" in result.stderr
    assert "X-Injected" not in result.stderr


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:3000/\r\nHost: evil", "http://127.0.0.1:99999/", "ftp://x/"]
)
def test_forward_urls_are_checked_before_use(cli: CLI, url: str) -> None:
    for args in (("listen", "--port", "0"), ("trigger", "customer.created")):
        result = cli("webhooks", *args, "--forward-to", url, "--secret", SECRET)

        assert result.exit_code == 2, result.stderr
        assert "--forward-to" in result.stderr and "\r" not in result.stderr


def test_a_damaged_delivery_log_is_read_around_and_named(cli: CLI, tmp_path: Path) -> None:
    from pivotal_cli.settings.paths import webhooks_dir

    good = {"received_at": "2026-12-03T10:00:00Z", "msg_id": "msg_ok", "verdict": "verified",
            "status": 200, "path": "/", "headers": [], "body": "{}"}  # fmt: skip
    log = webhooks_dir() / "_default.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(
        b"not json\n" + json.dumps(good).encode() + b"\n\xff\xfe\x00garbage\n"
        b'{"truncated": \n{"msg_id": "no verdict"}\n{"received_at": "x", "verdict": "v",'
        b' "status": "abc"}\n'
    )

    result = cli("webhooks", "log", "--json")

    assert result.exit_code == 0, result.stderr
    assert [r["msg_id"] for r in json.loads(result.stdout)] == ["msg_ok"]
    assert f"Skipped 5 damaged lines in {log}" in result.stderr


def test_a_delivery_nested_past_reason_is_no_event_and_no_crash(tmp_path: Path) -> None:
    from pivotal_cli.webhooks import log as webhook_log
    from pivotal_cli.webhooks.listener import parse_event

    deep = b"[" * 100_000 + b"]" * 100_000
    assert parse_event(deep) is None
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b'{"a": ' + deep + b"}\n")
    assert webhook_log.read_log(path).damaged == 1
