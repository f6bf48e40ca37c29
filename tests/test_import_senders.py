"""The import runner's sender threads, and the timing helpers of `benchmarks/`.

The runner's threads share one reader of the journal: every open row is sent once and
only once whatever the concurrency, a stop leaves the rows not started open, and a bug
in a sender thread is raised by `run()` instead of being lost. The benchmarks' helpers
alternate the sides they compare and report medians, never a best run.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from pivotal_cli.client.http import Client
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs.files import RowReader
from pivotal_cli.jobs.journal import Journal
from pivotal_cli.jobs.loader import load
from pivotal_cli.jobs.plan import JobSpec
from pivotal_cli.jobs.runner import Runner
from pivotal_cli.jobs.stops import Interrupted

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def journal_of(tmp_path: Path, rows: int) -> Journal:
    source = tmp_path / "in.csv"
    lines = ["name,slug"] + [f"Row {n},row-{n}" for n in range(rows)]
    source.write_text("\n".join(lines) + "\n")
    journal = Journal(tmp_path / "job.sqlite")
    spec = JobSpec("job", "customer", "create", str(source), "csv")
    load(journal, spec, RowReader(str(source), "csv"))
    return journal


class FakeAPI:
    """Answers every POST /customers with a new record; counts the keys it saw."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"data": [], "has_more": False})
        body = json.loads(request.content)
        with self.lock:
            self.keys[request.headers["Idempotency-Key"]] += 1
            number = len(self.keys)
        record = {"id": f"cus_{number}", "display_id": number, **body}
        return httpx.Response(201, json=record)


def client_for(api: FakeAPI) -> Client:
    return Client("https://api.example.test", "pk_test_fake", transport=httpx.MockTransport(api))


@pytest.mark.parametrize("concurrency", [1, 4, 16])
def test_every_open_row_is_sent_exactly_once(tmp_path, concurrency) -> None:
    journal = journal_of(tmp_path, 300)
    api = FakeAPI()
    tally = Runner(journal, client_for(api), concurrency=concurrency).run()
    assert tally == {"created": 300}
    assert len(api.keys) == 300 and set(api.keys.values()) == {1}
    assert journal.counts()[jr.DONE] == 300


def test_a_stop_leaves_the_rows_not_started_open_and_resumable(tmp_path) -> None:
    journal = journal_of(tmp_path, 200)
    api = FakeAPI()
    runner = Runner(journal, client_for(api), concurrency=4)
    sent = [0]

    def after_each_row() -> None:
        sent[0] += 1
        if sent[0] == 20:
            runner.stop()

    runner.on_row = after_each_row
    with pytest.raises(Interrupted):
        runner.run()
    counts = journal.counts()
    # The rows in flight when the stop came finished; nothing else was started.
    assert 20 <= counts[jr.DONE] == len(api.keys) < 30
    assert counts[jr.PENDING] == 200 - counts[jr.DONE]
    # The same journal resumed sends exactly the rest.
    assert Runner(journal, client_for(api), concurrency=4).run() == {"created": counts[jr.PENDING]}
    assert len(api.keys) == 200 and set(api.keys.values()) == {1}


class ReplayingAPI(FakeAPI):
    """FakeAPI that answers a key it has seen with the record it made for it (a replay)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, dict[str, object]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"data": [], "has_more": False})
        key = request.headers["Idempotency-Key"]
        with self.lock:
            self.keys[key] += 1
            if key not in self.records:
                number = len(self.records) + 1
                body = json.loads(request.content)
                self.records[key] = {"id": f"cus_{number}", "display_id": number, **body}
            return httpx.Response(201, json=self.records[key])


@pytest.mark.parametrize("stopped", [False, True])
def test_a_run_cut_off_with_outcomes_held_resumes_exactly(tmp_path, stopped) -> None:
    """Outcomes are held back and committed with the next mark: a kill -9 (what another
    connection sees mid-run) or a stop loses none, and the resume sends no row twice."""
    journal = journal_of(tmp_path, 200)
    api = ReplayingAPI()
    # One sender when killed, so which outcome is held at the kill is known.
    runner = Runner(journal, client_for(api), concurrency=4 if stopped else 1)
    killed = tmp_path / "killed.sqlite"
    answered: list[int] = []

    def after_each_row() -> None:
        answered.append(1)
        if len(answered) == 50:
            if not stopped:  # the file as a kill -9 would leave it: what was committed
                with sqlite3.connect(journal.path) as live, sqlite3.connect(killed) as copy:
                    live.backup(copy)
            runner.stop()  # (and the killed process sends nothing more)

    runner.on_row = after_each_row
    with pytest.raises(Interrupted):
        runner.run()
    if stopped:
        resumed = journal
    else:
        journal.close()
        resumed = Journal.open(killed)
    counts = resumed.counts()
    if not stopped:
        # The 50th row was answered but its outcome held: still `sending`, replayed.
        assert (counts[jr.SENDING], counts[jr.DONE]) == (1, 49)
    else:
        assert counts.get(jr.SENDING, 0) == 0 and counts[jr.DONE] >= 50
    server_before = len(api.records)
    Runner(resumed, client_for(api), concurrency=4).run()
    final = resumed.counts()
    assert final[jr.DONE] == final["total"] == 200
    # No row made twice, none lost: one record per row, and each row's own.
    assert len(api.records) == 200 >= server_before
    assert sum(api.keys.values()) == 200 + counts.get(jr.SENDING, 0)
    ids = [r["id"] for r in resumed.results()]
    assert len(set(ids)) == 200 and set(ids) == {r["id"] for r in api.records.values()}


def test_a_bug_in_a_sender_thread_is_raised_by_run(tmp_path) -> None:
    journal = journal_of(tmp_path, 100)
    api = FakeAPI()
    runner = Runner(journal, client_for(api), concurrency=4)

    def broken() -> None:
        raise RuntimeError("a bug")

    runner.on_row = broken
    with pytest.raises(RuntimeError, match="a bug"):
        runner.run()
    # Each thread stops at its next row: a handful were sent, not the whole job.
    assert len(api.keys) <= 4


def test_the_benchmark_helpers_alternate_and_take_medians(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import _timing

    order: list[str] = []

    def side(name: str, wall: float) -> _timing.Sample:
        order.append(name)
        return _timing.Sample(wall, 0.0, 0.0, 0.0, 0, "", "")

    walls = iter([1.0, 2.0, 9.0, 3.0, 2.0, 4.0, 1.0, 1.0])
    samples = _timing.alternate(
        {"a": lambda: side("a", next(walls)), "b": lambda: side("b", next(walls))},
        3,
        warmup=1,
    )
    # The warm-up round is dropped; the first side changes every round.
    assert order == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert [s.wall for s in samples["a"]] == [3.0, 2.0, 1.0]
    assert [s.wall for s in samples["b"]] == [9.0, 4.0, 1.0]
    assert _timing.median([s.wall for s in samples["a"]]) == 2.0
    assert _timing.paired_ratio([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]) == 1.0


def test_a_measured_child_reports_its_own_cpu_and_output(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import _timing

    spin = "import time\nend = time.process_time() + 0.2\nwhile time.process_time() < end: pass\n"
    sample = _timing.run([sys.executable, "-c", spin + "print('done')"])
    assert sample.returncode == 0 and sample.stdout == "done\n"
    assert 0.2 <= sample.cpu < sample.wall + 0.1
    assert sample.peak_mib > 1
