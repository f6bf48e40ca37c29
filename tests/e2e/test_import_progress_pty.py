"""The import progress line on a terminal tells the truth while the job is paced.

A real sandbox server limits the key to a few requests a minute; the import's pacer
spends them, then every sender waits for the window. The bar must say so ("waiting
for the rate limit (resumes in N s)") and give an ETA from the pacer's schedule, not
sit frozen on a burst's rate. The test interrupts the import as soon as the words show
(Ctrl-C), so nothing waits out the minute.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from test_terminal import run_on_pty

from pivotal_cli.sandbox.adapters.testing import running_server

LIMIT = 8  # requests a minute: /me, the lookups and a few creates, then a wait


def test_a_paced_import_says_it_is_waiting(subprocess_env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "slug", "status"])
        for i in range(30):
            writer.writerow([f"paced {i}", f"paced-{i}", "active"])
    with running_server(rate_limit=LIMIT, seed="empty") as server:
        env = {
            **subprocess_env,
            "PIVOTAL_API_KEY": server.test_key,
            "PIVOTAL_BASE_URL": server.base_url,
        }
        run = run_on_pty(
            ["pivotal", "import", "customers", str(source)],
            env,
            interrupt_when=lambda text: "waiting for the rate limit" in text,
        )
    shown = "\n".join(run.screen)
    # Each redraw is one whole line (`\r`, erase, text): the one drawn while waiting.
    drawn = [part.split("\x1b[2K")[-1] for part in run.raw.split("\r")]
    waiting = [text for text in drawn if "waiting for the rate limit (resumes in" in text]
    assert waiting, shown
    line = waiting[-1]
    assert re.search(r"^customers \d+/30 .*resumes in \d+ s\)", line), line
    assert re.search(r"ETA \dm\d\ds", line), line  # the pacer's schedule: minutes, not 0s
    assert len(line) < 80, line  # fits the 80-column terminal, on one line
    # Interrupted, the summary counts what the bar counted last. Its done/total is read
    # rather than its "ok N": at 80 columns the wait crowds the counts out of the line,
    # and on a busy machine the first redraw may already be a waiting one. Every row of
    # an empty workspace is created, so done is the created count.
    last_done = [m.group(1) for text in drawn if (m := re.search(r" (\d+)/30\b", text))][-1]
    created = re.search(r"30 rows: (\d+) created", shown)
    assert created and created.group(1) == last_done, shown
    assert "Traceback" not in run.raw
