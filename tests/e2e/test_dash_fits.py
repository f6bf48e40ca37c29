"""`dash` fits the terminal it runs on: at 80x24 and 120x40 the header, every section,
"By phase" and the footer ("q to quit") all show, long sections end in "… and N more",
and a resize (SIGWINCH) redraws to the new size at once.

Runs the real `pivotal --sandbox dash` on a pty of the given size, waits for a frame,
and reads the last frame the way the terminal shows it: Rich's Live, on the alternate
screen, starts each frame at the home position, so the text after the last `ESC[H`,
escapes removed, is what is on screen.
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

import pytest

HOME = "\x1b[H"
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")
TODAY = "2026-12-03"  # any day: the demo's 22 onboardings overflow 24 and 40 lines alike


def _size(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def last_frame(raw: str) -> list[str]:
    frame = raw[raw.rfind(HOME) + len(HOME) :]
    return [line.rstrip() for line in ESCAPE.sub("", frame).replace("\r", "").split("\n")]


class Dash:
    """`pivotal --sandbox dash` on a pty: read what it draws, resize it, quit it."""

    def __init__(self, env: dict[str, str], rows: int, cols: int) -> None:
        self.master, slave = pty.openpty()
        _size(slave, rows, cols)
        self.proc = subprocess.Popen(
            ["pivotal", "--sandbox", "dash", "--today", TODAY],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.raw = ""

    def read_until(self, done: object, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not done(self.raw):  # type: ignore[operator]
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.raw += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        return self.raw

    def resize(self, rows: int, cols: int) -> None:
        _size(self.master, rows, cols)
        os.killpg(self.proc.pid, signal.SIGWINCH)

    def quit(self) -> int:
        os.write(self.master, b"q")
        self.read_until(lambda raw: self.proc.poll() is not None, timeout=20)
        try:
            return self.proc.wait(timeout=10)
        finally:
            os.close(self.master)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _frame_done(raw: str) -> bool:
    return "q to quit" in raw[raw.rfind(HOME) :]


def assert_fits(frame: list[str], rows: int, cols: int) -> None:
    shown = "\n".join(frame)
    assert len([line for line in frame if line]) <= rows, shown
    assert all(len(line) <= cols for line in frame), shown
    assert frame[0].startswith("Week "), shown
    for title in ("Launching this week", "At risk", "Waiting on customer", "Overdue"):
        assert title in shown, shown
    assert "By phase" in shown, shown
    assert any(line.startswith("q to quit") for line in frame), shown
    assert "more" in shown, shown  # something had to give way, and says so


@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (40, 120)])
def test_dash_fits_with_its_footer(subprocess_env: dict[str, str], rows: int, cols: int) -> None:
    dash = Dash(subprocess_env, rows, cols)
    try:
        raw = dash.read_until(_frame_done)
        assert_fits(last_frame(raw), rows, cols)
        assert dash.quit() == 0
    finally:
        dash.kill()


def test_a_resize_redraws_to_the_new_size(subprocess_env: dict[str, str]) -> None:
    dash = Dash(subprocess_env, 40, 120)
    try:
        dash.read_until(_frame_done)
        before = len(dash.raw)
        dash.resize(24, 80)
        # Well inside the one-second tick: the resize itself woke the loop.
        started = time.monotonic()
        raw = dash.read_until(lambda r: len(r) > before and _frame_done(r[before:]), timeout=20)
        assert time.monotonic() - started < 5
        assert_fits(last_frame(raw), 24, 80)
        assert dash.quit() == 0
    finally:
        dash.kill()
