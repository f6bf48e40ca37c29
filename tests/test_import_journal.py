"""The job journal, loading files into it, the pacer and the progress line.

The journal is a real SQLite file in tmp_path; the pacer runs on a fake clock, so no
test waits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pivotal_cli.client.bulk import Pacer
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs import paths
from pivotal_cli.jobs.files import RowReader, detect_format
from pivotal_cli.jobs.journal import Journal, Outcome
from pivotal_cli.jobs.loader import load
from pivotal_cli.jobs.plan import JobSpec
from pivotal_cli.jobs.results import finish_if_done, summary, write_results
from pivotal_cli.render.import_progress import Facts, line


def loaded(tmp_path: Path, text: str, name: str = "in.csv", **spec: object) -> Journal:
    source = tmp_path / name
    source.write_text(text)
    fmt = detect_format(str(source), None)
    options = {"job_id": "job", "resource": "customer", "mode": "create", **spec}
    journal = Journal(tmp_path / "job.sqlite")
    load(journal, JobSpec(source=str(source), format=fmt, **options), RowReader(str(source), fmt))
    return journal


def test_rows_load_with_their_plans_and_duplicates_fail(tmp_path) -> None:
    problems = []
    source = tmp_path / "in.csv"
    source.write_text("name,slug\nA,a\nB,b\nA2,a\n\nC,\n")
    journal = Journal(tmp_path / "job.sqlite")
    spec = JobSpec("job", "customer", "create", str(source), "csv")
    report = load(journal, spec, RowReader(str(source), "csv"), on_problem=problems.append)
    assert (report.rows, report.invalid) == (4, 1)
    assert [(p.row, p.column, p.code) for p in problems] == [(3, "slug", "duplicate_key")]
    rows = list(journal.open_rows())
    # Row numbers count the lines after the header, the skipped blank one too.
    assert [r.n for r in rows] == [1, 2, 5]
    assert rows[0].plan["create"] == {"name": "A", "slug": "a"}
    assert journal.meta()["columns"] == ["name", "slug"]


def test_a_row_is_journaled_as_sending_before_its_outcome(tmp_path) -> None:
    journal = loaded(tmp_path, "name\nA\nB\n")
    journal.mark_sending(1, "key-1", 100.0)
    journal.mark_sending(1, "key-1", 200.0)  # a second attempt keeps the first time
    row = next(journal.open_rows((jr.SENDING,)))
    assert (row.attempts, row.idem_key, row.first_sent_at) == (2, "key-1", 100.0)
    journal.finish(1, jr.DONE, Outcome("created", "cid", 5, 201))
    journal.finish(
        2, jr.FAILED, Outcome("failed", None, None, 400, "invalid_request_error", "x", "name", "m")
    )
    counts = journal.counts()
    assert (counts[jr.DONE], counts[jr.FAILED], counts["action:created"]) == (1, 1, 1)
    assert summary(journal)["finished"] is True
    out = tmp_path / "failed.csv"
    assert write_results(journal, failed=True, path=out) == 1
    header, row_text = out.read_text().splitlines()
    assert (
        header
        == "name,id,display_id,action,http_status,error_type,error_code,error_field,error_message"
    )
    assert row_text == "B,,,failed,400,invalid_request_error,x,name,m"


def test_a_finished_journal_moves_out_of_the_unfinished_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PIVOTAL_STATE_DIR", str(tmp_path / "state"))
    folder = paths.ensure(paths.imports_dir())
    journal = Journal(folder / "job.sqlite")
    journal.set_meta({"job_id": "job"})
    journal.add_rows([(1, jr.PENDING, None, {}, {"name": "A"}, None)])
    assert finish_if_done(journal, folder / "job.sqlite") == folder / "job.sqlite"
    assert paths.unfinished_jobs() == ["job"]
    journal.finish(1, jr.DONE, Outcome("created"))
    moved = finish_if_done(journal, folder / "job.sqlite")
    assert moved == paths.done_dir() / "job.sqlite"
    assert (paths.unfinished_jobs(), paths.finished_jobs()) == ([], ["job"])


def test_jsonl_results_keep_the_record_and_add_the_outcome(tmp_path) -> None:
    journal = loaded(tmp_path, json.dumps({"name": "A", "object": "customer"}) + "\n", "in.jsonl")
    journal.finish(1, jr.DONE, Outcome("created", "cid", 3, 201))
    out = tmp_path / "ok.jsonl"
    write_results(journal, failed=False, path=out)
    assert json.loads(out.read_text())["display_id"] == 3


def test_the_format_comes_from_the_extension_or_must_be_given() -> None:
    from pivotal_cli.errors import UsageError

    assert detect_format("x.CSV", None) == "csv"
    assert detect_format("x.ndjson", None) == "jsonl"
    assert detect_format("-", "json") == "json"
    with pytest.raises(UsageError):
        detect_format("x.txt", None)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_pacer_lets_the_limit_through_per_window_and_no_more() -> None:
    clock = Clock()
    pacer = Pacer(3, used=1, window=60, clock=clock, sleep=clock.sleep)
    assert pacer.remaining() == 2
    pacer.acquire()
    pacer.acquire()
    assert clock.now == 0
    pacer.acquire()  # the window is full: waits for the oldest start to leave it
    assert clock.now == pytest.approx(60, abs=0.3)
    unlimited = Pacer(None, clock=clock, sleep=clock.sleep)
    assert unlimited.acquire() and unlimited.remaining() is None


def test_the_progress_line_says_counts_rate_quota_and_eta() -> None:
    text = line(Facts("customers", 100, (30, 5, 5), 4.0, 42, 15.0))
    assert text == (
        "customers: 40/100 (ok 30, failed 5, skipped 5), 4.0 rows/s, quota left 42, ETA 15s"
    )
    paced = line(Facts("customers", 100, (30, 5, 5), 0.0, 0, 70.0, waiting=11.6))
    assert paced.endswith("ETA 1m10s, waiting for the rate limit (resumes in 12 s)")


# -- a pasted contact list is one more input -----------------------------------------


def _paste(folder: Path, text: str, primary: str | None = None) -> tuple[Journal, int | None]:
    from pivotal_cli.domain.contact_paste import parse
    from pivotal_cli.jobs.paste import load_paste, paste_spec

    spec = paste_spec("cust-1", "-")
    folder.mkdir(exist_ok=True)
    journal = Journal(folder / f"{spec.job_id}.sqlite")
    return journal, load_paste(journal, spec, parse(text.splitlines()), "cust-1", primary)


def test_a_paste_loads_as_contact_rows_of_its_customer(tmp_path) -> None:
    journal, primary = _paste(tmp_path, "name,email\nA, a@x.com\n, b@x.com\nA2, A@x.com\n")
    rows = list(journal.open_rows())
    assert [r.n for r in rows] == [2] and primary == 2
    assert rows[0].plan["create"] == {"name": "A", "email": "a@x.com", "is_primary": True}
    assert rows[0].plan["customer"] == ["id", "cust-1", "customer"]
    failed = {n: code for n, code, _ in journal.failures()}
    assert failed == {3: "required", 4: "duplicate_key"}


def test_a_paste_keeps_the_customers_primary_when_it_has_one(tmp_path) -> None:
    _, none = _paste(tmp_path / "one", "A, a@x.com\nB, b@x.com\n", primary="boss@x.com")
    _, again = _paste(tmp_path / "two", "A, a@x.com\nB, b@x.com\n", primary="b@x.com")
    assert (none, again) == (None, 2)


def test_the_same_paste_twice_has_the_same_keys_in_two_jobs(tmp_path) -> None:
    from pivotal_cli.jobs.journal import JournalRow
    from pivotal_cli.jobs.plan import JobSpec
    from pivotal_cli.jobs.runner import row_idempotency_key

    def keys(journal: Journal) -> set[str]:
        spec = JobSpec.from_meta(journal.meta())
        assert spec.key_scope
        rows: list[JournalRow] = list(journal.open_rows())
        return {row_idempotency_key(spec.key_scope, row) for row in rows}

    first, _ = _paste(tmp_path / "one", "A, a@x.com\nB, b@x.com, CTO\n")
    # Another order, other spacing; the first run made A primary, so A is again.
    second, _ = _paste(tmp_path / "two", "  B,b@x.com,CTO\nA,a@x.com\n", primary="a@x.com")
    assert keys(first) == keys(second)
