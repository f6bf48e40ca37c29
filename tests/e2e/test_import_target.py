"""An import remembers where it ran: the bare `pivotal import resume JOB` printed after
a stop goes back to that target (here the embedded sandbox), and a command naming
another target for the job is refused with one line saying which."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

USAGE = 2


def _write(path: Path, count: int) -> Path:
    lines = ["name,slug"] + [f"remembered {i},remembered-{i}" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _done(state: Path) -> int:
    total = 0
    for path in (state / "imports").glob("*.sqlite"):
        try:
            with sqlite3.connect(path, timeout=5) as conn:
                total += conn.execute("SELECT count(*) FROM rows WHERE status='done'").fetchone()[0]
        except sqlite3.OperationalError:
            pass
    return total


def test_a_sandbox_import_stopped_with_ctrl_c_resumes_with_the_printed_hint_alone(
    cli, tmp_path, pivotal_bin, subprocess_env, monkeypatch
) -> None:
    rows = 200
    source = _write(tmp_path / "customers.csv", rows)
    state = tmp_path / "state"
    # Paced at 20 requests/s so the job is still running when Ctrl-C comes.
    env = {**subprocess_env, "PIVOTAL_STATE_DIR": str(state), "PIVOTAL_SANDBOX_RATE_LIMIT": "1200"}
    env.pop("PIVOTAL_API_KEY", None)
    env.pop("PIVOTAL_BASE_URL", None)
    process = subprocess.Popen(
        [str(pivotal_bin), "--sandbox", "--test", "import", "customers", str(source)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while _done(state) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130, stderr
    hint = re.search(r"`pivotal (import resume \S+)`", stderr)
    assert hint, stderr
    words = hint.group(1).split()

    monkeypatch.setenv("PIVOTAL_STATE_DIR", str(state))
    monkeypatch.delenv("PIVOTAL_SANDBOX", raising=False)
    job = words[-1]
    status = cli("import", "status", job)
    assert "the embedded sandbox (acme, test)" in status.stdout, status.stdout
    refused = cli("--base-url", "http://127.0.0.1:9/api/v1", "import", "resume", job)
    assert refused.exit_code == USAGE, refused.stderr
    assert "ran against the embedded sandbox (acme, test)" in refused.stderr
    assert "base URL http://127.0.0.1:9/api/v1" in refused.stderr
    assert cli("--live", "import", "results", job).exit_code == USAGE

    resumed = cli(*words)  # no --sandbox: the journal says where the job ran
    assert resumed.exit_code == 0, resumed.stderr
    listed = cli("--sandbox", "--test", "customers", "list", "--all", "--jsonl")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.count('"remembered-') == rows


def test_a_job_without_a_recorded_target_resumes_as_before(sandbox_cli, tmp_path) -> None:
    from pivotal_cli.jobs import job_target
    from pivotal_cli.settings.target import Settings

    class Old:
        def meta(self) -> dict[str, object]:
            return {"job_id": "old"}

    assert job_target.recorded(Old()) is None  # type: ignore[arg-type]
    settings = Settings(workspace="other")
    job_target.refuse_other("old", None, settings)  # nothing to contradict
    kept, left, chosen = job_target.split([(Old(), None)], settings)  # type: ignore[list-item]
    assert (len(kept), left, chosen) == (1, [], None)


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        ({"sandbox": True}, "the embedded sandbox"),
        ({"workspace": "globex"}, "workspace globex"),
        ({"mode": "live"}, "live mode"),
        ({"base_url": "http://other/api/v1"}, "base URL http://other/api/v1"),
    ],
)
def test_another_target_on_the_command_line_is_named(flags, named) -> None:
    from pivotal_cli.errors import UsageError
    from pivotal_cli.jobs import job_target
    from pivotal_cli.settings.target import Settings

    where = {"sandbox": None, "base_url": "http://h/api/v1", "workspace": "acme", "mode": "test"}
    with pytest.raises(UsageError, match=named):
        job_target.apply("j", where, Settings(**flags))
    settings = Settings()
    job_target.apply("j", where, settings)
    assert (settings.base_url, settings.workspace, settings.mode) == (
        "http://h/api/v1",
        "acme",
        "test",
    )
