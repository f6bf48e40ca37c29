"""`pivotal dash`: the `status` view, live, refreshed within a share of the rate limit.

Each refresh costs the pages of the onboardings list plus naming the customers shown
(nothing for names known already; otherwise the cheaper of a lookup per customer and a
walk of the customers list, see `client/customer_names.py`); the interval is chosen so
that this, priced as if no name were known, spends at most a fifth of the key's
per-minute limit (as the API reports it in X-RateLimit-Limit; 60/min when it says
nothing), and never less than 10 s. `--interval` can lengthen it, not shorten it.

Each draw fits the view to the terminal's size at that moment (`render/glance.py`), and
a resize wakes the loop at once. Keys are read in cbreak mode (POSIX termios), restored
in a `finally`; Rich's Live draws on the alternate screen and restores the screen and
cursor on the way out, for `q`, Ctrl-C or an error alike. Without a terminal on stdin
and stdout there is nothing to watch live: `dash` prints one snapshot, as `status`
would in a pipe, and exits 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.status import TodayOpt, WeekOpt, days_for, resolve_days
from pivotal_cli.cli.options import group

if TYPE_CHECKING:
    from pivotal_cli.client.glance import Snapshot

app = group("Watch the workspace at a glance, refreshed live.")

QUIT_KEYS = ("q", "Q")
TICK = 1.0  # seconds between footer redraws (data age, countdown)


@dataclass
class Frame:
    """What one redraw shows besides the data: for the footer."""

    snapshot: Snapshot
    fetched_at: float
    now: float
    next_at: float
    interval: float
    error: str | None = None


def run_loop(
    refresh: Callable[[], Snapshot],
    interval_for: Callable[[Snapshot], float],
    draw: Callable[[Frame], None],
    wait_key: Callable[[float], str | None],
    clock: Callable[[], float] = time.monotonic,
    max_frames: int | None = None,
) -> int:
    """Refresh, draw, wait for a key or the next tick; until a quit key. Frames drawn.

    `wait_key(timeout)` returns a key or None after `timeout` seconds: the only
    waiting there is, so a test passes a fake that advances a fake `clock`.
    A failed refresh (`PivotalError`) keeps the last data and says so in the footer;
    the next try waits a whole interval, so errors cannot spend the budget faster.
    """
    from pivotal_cli.errors import PivotalError

    snap = refresh()
    fetched = clock()
    interval = interval_for(snap)
    next_at = fetched + interval
    error: str | None = None
    frames = 0
    while max_frames is None or frames < max_frames:
        now = clock()
        if now >= next_at:
            try:
                snap = refresh()
                fetched = clock()
                interval = interval_for(snap)
                error = None
            except PivotalError as exc:
                error = str(exc)
            next_at = clock() + interval
            continue
        draw(Frame(snap, fetched, now, next_at, interval, error))
        frames += 1
        key = wait_key(min(TICK, max(0.0, next_at - now)))
        if key in QUIT_KEYS:
            break
    return frames


def footer(frame: Frame, remaining: int | None, limit: int | None) -> str:
    """The footer's lines: how to quit first (it must show on any width), then the budget.

    A failed refresh gets a line of its own, so it never pushes "q to quit" away.
    """
    left = f"{remaining}/{limit} requests left" if remaining is not None else "rate limit n/a"
    text = (
        f"q to quit · {left} · refresh in {max(0, round(frame.next_at - frame.now))} s"
        f" (every {frame.interval:.0f} s) · data {max(0, round(frame.now - frame.fetched_at))} s"
        " old"
    )
    if frame.error:
        text += f"\nlast refresh failed: {frame.error}"
    return text


@app.command("dash")
@handle_errors
def dash(
    ctx: typer.Context,
    interval: Annotated[
        float | None,
        typer.Option(
            "--interval",
            metavar="SECONDS",
            min=1,
            help="Refresh at most this often; raised to what the rate-limit budget allows.",
            show_default=False,
        ),
    ] = None,
    week: WeekOpt = None,
    today: TodayOpt = None,
) -> None:
    """Show `status` live on the terminal, refreshed within a fifth of the rate limit.

    Press q (or Ctrl-C) to leave. Without a terminal, print one snapshot and exit.
    """
    import sys

    from pivotal_cli.cli.names import customer_names
    from pivotal_cli.client.glance import fetch
    from pivotal_cli.domain.glance import refresh_cost, refresh_interval
    from pivotal_cli.render.glance import plain_lines, renderable

    out = ctx.obj.output
    day, span = resolve_days(week, today)
    live_ok = out.is_tty and _isatty(sys.stdin)
    # Live owns the screen: the per-call "Waiting for the API…" spinner would draw over
    # it, and the footer already says when data was fetched.
    with ctx.obj.client(waiting=not live_ok) as client:
        names = customer_names(ctx.obj, client)
        if not live_ok:
            day, span = days_for(ctx.obj, client, week, today)
            snap = fetch(client, day, span, names)
            for line in plain_lines(snap.view, snap.name_of):
                out.line(line)
            return

        def refresh() -> Snapshot:
            # Pinned --today stays pinned; otherwise the day moves on with the clock.
            current_day, current_week = days_for(ctx.obj, client, week, today)
            return fetch(client, current_day, current_week, names)

        def interval_for(snap: Snapshot) -> float:
            # Priced as if no name were known: the most a refresh can cost.
            cost = refresh_cost(snap.view.total, names.worst_cost(snap.view.customer_ids()))
            return refresh_interval(cost, client.rate_limit.limit, requested=interval)

        from rich.live import Live

        with (
            _cbreak(sys.stdin) as wait_key,
            Live(
                console=out.console, screen=True, auto_refresh=False, redirect_stderr=False
            ) as live,
        ):

            def draw(frame: Frame) -> None:
                # Measured on every draw, so a resized terminal gets a view that fits.
                text = footer(frame, client.rate_limit.remaining, client.rate_limit.limit)
                console = out.console
                view = renderable(
                    frame.snapshot.view,
                    frame.snapshot.name_of,
                    console,
                    text.splitlines(),
                    height=console.size.height,
                )
                live.update(view)
                live.refresh()

            run_loop(refresh, interval_for, draw, wait_key)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def _cbreak(stream: Any) -> Iterator[Callable[[float], str | None]]:
    """Keys one at a time, unechoed, for as long as the block runs; then the terminal's
    own settings back, whatever ends the block. Ctrl-C still interrupts (ISIG stays).

    A resize (SIGWINCH) ends the wait at once with no key, so the loop redraws to the
    new size without waiting for the next tick: the handler writes to a pipe that the
    wait watches beside the terminal.
    """
    import contextlib
    import os
    import select
    import signal
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)

    def on_resize(signum: int, frame: Any) -> None:
        with contextlib.suppress(OSError):  # the pipe is full: a redraw is due already
            os.write(wake_w, b"r")

    def wait_key(timeout: float) -> str | None:
        ready, _, _ = select.select([fd, wake_r], [], [], timeout)
        if wake_r in ready:
            os.read(wake_r, 512)
            return None
        if not ready:
            return None
        data = os.read(fd, 1)
        if not data:  # the terminal went away: nothing more will come, so leave
            return QUIT_KEYS[0]
        return data.decode("utf-8", "replace")

    previous = signal.signal(signal.SIGWINCH, on_resize)
    try:
        tty.setcbreak(fd)
        yield wait_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        signal.signal(signal.SIGWINCH, previous)
        os.close(wake_r)
        os.close(wake_w)
