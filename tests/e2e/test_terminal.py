"""The real `pivotal` on a pseudo-terminal: spinners never share a line with data.

Each test runs the installed console script in a subprocess whose stdin, stdout and
stderr are a pty (Python's `pty` module, so no terminal program is needed), reads every
byte it writes, and replays them on a tiny screen model (newline, carriage return,
erase line, cursor up) to see what a person would see. The checks:

* no screen line holds both spinner text and a table row;
* the cursor is shown again (`ESC[?25h` after the last `ESC[?25l`) after a normal end,
  after `| head -3` (the reader gone) and after Ctrl-C (SIGINT);
* Ctrl-C at a yes/no prompt ends the prompt's line and exits 130;
* a slow single request shows "Waiting for the API…" and clears it; a fast one
  draws nothing at all.

Ctrl-C and the slow request need a slow API: a real sandbox server with injected
latency (`running_server(faults="latency=…")`); the rest use `--sandbox`, seeded
in-process with more customers than one table chunk (100 rows) holds.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from pivotal_cli.sandbox.adapters.testing import RunningServer, running_server

HIDE, SHOW = "\x1b[?25l", "\x1b[?25h"
SPINNER_WORDS = ("Fetching", "Waiting for the API")
SEEDED = 230  # three chunks of table rows, three pages of 100


class Run:
    def __init__(self, raw: str, code: int) -> None:
        self.raw = raw
        self.code = code
        self.screen = screen(raw)

    def cursor_shown(self) -> bool:
        # Shown at the end: a later "show" than any "hide" (or never hidden at all).
        return self.raw.rfind(SHOW) >= self.raw.rfind(HIDE)


def screen(raw: str) -> list[str]:
    """The lines a terminal would show after `raw`: just enough VT100 for Rich's spinner."""
    lines: list[list[str]] = [[]]
    row = col = 0
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b.|.|\n", raw, re.DOTALL):
        if token == "\n":
            row, col = row + 1, 0
            while len(lines) <= row:
                lines.append([])
        elif token == "\r":
            col = 0
        elif token == "\x1b[2K":
            lines[row] = []
        elif re.fullmatch(r"\x1b\[\d*A", token):
            row = max(0, row - int(token[2:-1] or 1))
        elif token.startswith("\x1b"):
            continue  # colours, cursor visibility: nothing to see
        else:
            line = lines[row]
            line.extend(" " * (col - len(line)))
            if col < len(line):
                line[col] = token
            else:
                line.append(token)
            col += 1
    return ["".join(line).rstrip() for line in lines]


def run_on_pty(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    interrupt_when: Callable[[str], bool] | None = None,
    timeout: float = 60,
) -> Run:
    """Run `argv` with all three streams on a fresh 80x24 pty; everything it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    interrupted = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the pty
                break
            if not data:
                break
            chunks.append(data)
            text = b"".join(chunks).decode("utf-8", "replace")
            if interrupt_when and not interrupted and interrupt_when(text):
                os.killpg(proc.pid, signal.SIGINT)
                interrupted = True
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return Run(b"".join(chunks).decode("utf-8", "replace"), code)


def assert_rows_clean(run: Run, names: Iterator[str] | Sequence[str]) -> int:
    """No screen line holding a row holds spinner text; returns how many rows were seen."""
    wanted = set(names)
    seen = 0
    for line in run.screen:
        if any(name in line for name in wanted):
            seen += 1
            assert not any(word in line for word in SPINNER_WORDS), line
    # Nor is a spinner left on the screen at the end: it is transient.
    assert not any(word in line for line in run.screen for word in SPINNER_WORDS), run.screen
    return seen


def seed_name(n: int) -> str:
    return f"Seeded Customer {n:03d}"


@pytest.fixture
def seeded(sandbox_cli: Callable[..., Any]) -> list[str]:
    """`SEEDED` customers in this test's embedded sandbox, created in-process."""
    names = [seed_name(n) for n in range(SEEDED)]
    for name in names:
        result = sandbox_cli("customers", "create", "--name", name, "--mrr", "1372600")
        assert result.exit_code == 0, result.stderr
    return names


def test_list_all_on_a_terminal_keeps_the_spinner_off_the_rows(
    seeded: list[str], subprocess_env: dict[str, str]
) -> None:
    run = run_on_pty(["pivotal", "--sandbox", "customers", "list", "--all"], subprocess_env)
    assert run.code == 0, run.raw[-2000:]
    assert HIDE in run.raw, "the spinner never ran: nothing was proved"
    assert assert_rows_clean(run, seeded) == SEEDED
    assert run.cursor_shown()
    assert "Traceback" not in run.raw


def test_list_all_into_head_shows_the_cursor_again(
    seeded: list[str], subprocess_env: dict[str, str]
) -> None:
    # stdout is a pipe to head (so PIVOTAL_FORCE_TTY draws the table), stderr the pty.
    env = {**subprocess_env, "PIVOTAL_FORCE_TTY": "1", "COLUMNS": "80"}
    script = "pivotal --sandbox customers list --all | head -3; exit ${PIPESTATUS[0]}"
    run = run_on_pty(["bash", "-c", script], env)
    assert run.code in (0, 141), run.raw[-2000:]
    assert HIDE in run.raw
    assert assert_rows_clean(run, seeded) == 2  # the header and two rows
    assert run.cursor_shown()
    assert "Traceback" not in run.raw and "BrokenPipe" not in run.raw


@pytest.fixture
def slow_server() -> Iterator[RunningServer]:
    """A real sandbox server where every request first waits 300ms (below the spinner's
    half-second delay for one request, so only `--all`'s own spinner shows)."""
    with running_server(rate_limit="off", faults="latency=1:300ms") as running:
        yield running


def server_env(subprocess_env: dict[str, str], server: RunningServer) -> dict[str, str]:
    return {
        **subprocess_env,
        "PIVOTAL_API_KEY": server.test_key,
        "PIVOTAL_BASE_URL": server.base_url,
    }


def test_ctrl_c_during_list_all_shows_the_cursor_again(
    slow_server: RunningServer, subprocess_env: dict[str, str]
) -> None:
    env = server_env(subprocess_env, slow_server)
    # Small pages, each 300ms late: the list is still running when the first rows show.
    argv = ["pivotal", "customers", "list", "--all", "--limit", "5"]
    run = run_on_pty(argv, env, interrupt_when=lambda text: "Fetching customers" in text)
    assert run.code in (1, 130), run.raw[-2000:]
    assert HIDE in run.raw
    assert run.cursor_shown()
    assert "Traceback" not in run.raw


def test_a_slow_request_shows_a_spinner_then_clears_it(subprocess_env: dict[str, str]) -> None:
    # Every request a second late: twice the delay before "Waiting for the API…".
    with running_server(rate_limit="off", faults="latency=1:1s") as slow:
        run = run_on_pty(
            ["pivotal", "customers", "list", "--limit", "3"], server_env(subprocess_env, slow)
        )
    assert run.code == 0, run.raw[-2000:]
    assert "Waiting for the API…" in run.raw
    assert run.cursor_shown()
    # Gone from the screen, and the table's first line is its header, on a line of its own.
    assert not any(word in line for line in run.screen for word in SPINNER_WORDS), run.screen
    assert run.screen[0].split()[:3] == ["ID", "NAME", "SLUG"]


def test_a_fast_request_draws_no_spinner(
    sandbox_cli: Callable[..., Any], subprocess_env: dict[str, str]
) -> None:
    sandbox_cli("customers", "create", "--name", "Quick Co")
    run = run_on_pty(["pivotal", "--sandbox", "customers", "list", "--limit", "3"], subprocess_env)
    assert run.code == 0, run.raw[-2000:]
    assert HIDE not in run.raw
    assert "Waiting for the API" not in run.raw


def test_ctrl_c_at_a_prompt_ends_its_line_and_exits_130(
    sandbox_cli: Callable[..., Any], subprocess_env: dict[str, str]
) -> None:
    made = sandbox_cli("customers", "create", "--name", "Keep Me Co", "--slug", "keep-me")
    assert made.exit_code == 0, made.stderr
    argv = ["pivotal", "--sandbox", "customers", "delete", "keep-me"]
    run = run_on_pty(argv, subprocess_env, interrupt_when=lambda t: "[y/N]: " in t)
    assert run.code == 130, run.raw
    assert run.raw.endswith("[y/N]: \r\n"), run.raw
    assert "Traceback" not in run.raw
