"""`pivotal import …` end to end, against real sandbox servers (fault injection, kills).

Each test counts what the server holds, so a duplicate or a lost row fails it:
1,000 rows under ~20% injected faults make exactly 1,000 customers; a job killed
with SIGKILL (or stopped with Ctrl-C) halfway and resumed makes exactly the source's
count; an upsert run twice writes nothing the second time; a bundle (customers,
contacts by customer_slug, onboardings with fields only an update sets) re-imports
equal; bad rows are reported with row and column by --dry-run and by a real run;
five server errors in a row stop the job with the resume command; a live key asks.
"""

from __future__ import annotations

import csv
import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pivotal_cli.sandbox.adapters.testing import running_server

PARTIAL = 9


def write_customers(path: Path, count: int, prefix: str = "bulk", slugs: bool = True) -> Path:
    """Customers named `<prefix> <i>`; without slugs nothing on the server stops a
    duplicate (slugs are unique there), so only the idempotency keys prevent one."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "slug", "status", "mrr", "metadata.crm_id"])
        for i in range(count):
            slug = f"{prefix}-{i}" if slugs else ""
            writer.writerow([f"{prefix} {i}", slug, "active", i * 100, f"crm-{i}"])
    return path


def names_with(server: Any, prefix: str) -> list[str]:
    """The names of the live customers whose name starts with `prefix `, duplicates kept."""
    with server.sandbox.store.read() as tx:
        rows = tx.execute(
            "SELECT name FROM customers WHERE name LIKE ? AND deleted_us IS NULL",
            (f"{prefix} %",),
        ).fetchall()
    return [row[0] for row in rows]


def read_csv(path: str | Path) -> list[dict[str, str]]:
    with Path(path).open(newline="") as handle:
        return list(csv.DictReader(handle))


def env_for(server: Any, key: str | None = None) -> dict[str, str]:
    return {"PIVOTAL_API_KEY": key or server.test_key, "PIVOTAL_BASE_URL": server.base_url}


def journal_rows(state: Path, status: str = "done") -> int:
    total = 0
    for path in (state / "imports").glob("*.sqlite"):
        try:
            with sqlite3.connect(path, timeout=5) as conn:
                total += conn.execute(
                    "SELECT count(*) FROM rows WHERE status = ?", (status,)
                ).fetchone()[0]
        except sqlite3.OperationalError:
            pass
    return total


def job_names(state: Path) -> list[str]:
    return sorted(p.stem for p in (state / "imports").glob("*.sqlite"))


# -- faults ---------------------------------------------------------------------------


@pytest.mark.pivotal_sandbox(faults="500=0.1,429=0.04,drop=0.06,seed=11")
def test_a_thousand_rows_under_faults_make_exactly_a_thousand_records(
    cli, tmp_path, pivotal_sandbox
) -> None:
    source = write_customers(tmp_path / "customers.csv", 1000, slugs=False)
    server = pivotal_sandbox.server
    result = cli("import", "customers", str(source), "--json", env=env_for(server))
    made = names_with(server, "bulk")
    assert result.exit_code == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["created"] == 1000 and summary["failed"] == 0
    assert len(made) == 1000
    assert len(set(made)) == 1000


@pytest.mark.pivotal_sandbox(faults="500=1")
def test_a_failing_server_stops_the_job_with_the_exact_resume_command(
    cli, tmp_path, pivotal_sandbox
) -> None:
    source = write_customers(tmp_path / "customers.csv", 20)
    server = pivotal_sandbox.server
    stopped = cli("import", "customers", str(source), env=env_for(server))
    assert stopped.exit_code == 8, stopped.stderr
    job = job_names(tmp_path / "state")[0]
    assert f"`pivotal import resume {job}`" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert names_with(server, "bulk") == []
    # The same job against the server, healthy again, finishes: it was left resumable.
    pivotal_sandbox.configure(faults=None)
    resumed = cli("import", "resume", job, "--json", env=env_for(server))
    assert resumed.exit_code == 0, resumed.stderr
    assert len(names_with(server, "bulk")) == 20


@pytest.mark.pivotal_sandbox(faults="500=1")
def test_five_rows_in_a_row_failing_on_server_errors_stop_the_runner(
    tmp_path, pivotal_sandbox
) -> None:
    from pivotal_cli.client.http import Client
    from pivotal_cli.jobs import journal as jr
    from pivotal_cli.jobs.files import RowReader
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.loader import load
    from pivotal_cli.jobs.plan import JobSpec
    from pivotal_cli.jobs.runner import Runner
    from pivotal_cli.jobs.stops import JobStopped

    source = write_customers(tmp_path / "customers.csv", 20)
    spec = JobSpec("job-1", "customer", "create", str(source), "csv")
    journal = Journal(tmp_path / "job.sqlite")
    load(journal, spec, RowReader(str(source), "csv"))
    client = Client(pivotal_sandbox.base_url, pivotal_sandbox.test_key, sleep=lambda s: None)
    with pytest.raises(JobStopped) as stopped:
        Runner(journal, client, concurrency=1).run()
    assert stopped.value.reason == "import_server_errors"
    assert stopped.value.exit_code == 8
    counts = journal.counts()
    assert (counts[jr.RETRY], counts[jr.PENDING]) == (5, 15)


# -- kill -9 and Ctrl-C ------------------------------------------------------------------


@pytest.mark.parametrize("how", ["kill", "interrupt"])
def test_a_job_stopped_halfway_resumes_to_exactly_the_source_count(
    cli, tmp_path, pivotal_bin, subprocess_env, how
) -> None:
    rows = 300
    source = write_customers(tmp_path / "customers.csv", rows, slugs=False)
    state = tmp_path / "state"
    # Each request takes ~5 ms, so the job is still running when it is stopped.
    with running_server(rate_limit="off", faults="latency=1:5ms") as server:
        env = {**subprocess_env, **env_for(server), "PIVOTAL_STATE_DIR": str(state)}
        process = subprocess.Popen(
            [str(pivotal_bin), "import", "customers", str(source), "--concurrency", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while journal_rows(state) < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL if how == "kill" else signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
        halfway = len(names_with(server, "bulk"))
        assert 0 < halfway < rows, (halfway, stderr)
        if how == "kill":
            assert process.returncode == -signal.SIGKILL
        else:
            assert process.returncode == 130, stderr
            assert "pivotal import resume" in stderr
            assert "Traceback" not in stderr
        resumed = cli("import", "resume", "--json", env=env_for(server))
        made = names_with(server, "bulk")
    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout)["failed"] == 0
    assert len(made) == rows
    assert len(set(made)) == rows
    assert job_names(state) == []  # finished jobs leave the unfinished folder


# -- upsert ---------------------------------------------------------------------------


def test_an_upsert_run_twice_writes_nothing_the_second_time(
    server_cli, server, tmp_path, requests_sent
) -> None:
    run = server_cli(server.test_key)
    source = write_customers(tmp_path / "customers.csv", 30, prefix="up")
    first = run("import", "customers", str(source), "--mode", "upsert", "--json")
    assert json.loads(first.stdout)["created"] == 30
    # Change one row: only that one is PATCHed, and only the field that changed.
    text = source.read_text().replace("up 7,up-7,active,700", "up 7,up-7,at_risk,700")
    source.write_text(text)
    second = run(
        "import", "customers", str(source), "--mode", "upsert", "--key", "metadata.crm_id", "-v"
    )
    writes = [r for r in requests_sent(second.stderr) if r[0] in ("POST", "PATCH")]
    assert len(writes) == 1 and writes[0][0] == "PATCH", writes
    assert '> {"status":"at_risk"}' in second.stderr
    third = run("import", "customers", str(source), "--mode", "upsert", "-v", "--json")
    sent = requests_sent(third.stderr)
    assert [r for r in sent if r[0] != "GET"] == []
    # One read of /me and one walk of the customers (67 of them: one page of 100).
    assert [r[1].split("?")[0] for r in sent] == ["/me", "/customers"]
    summary = json.loads(third.stdout)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 30)


# -- contacts and onboardings ------------------------------------------------------------


def test_a_bundle_creates_customers_then_contacts_then_onboardings(
    cli, tmp_path, requests_sent
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "customers.csv").write_text(
        "name,slug,status\nOrbit,orbit,onboarding\nNova,nova,active\n"
    )
    (bundle / "contacts.jsonl").write_text(
        json.dumps(
            {
                "name": "Ada",
                "email": "ADA@orbit.io",
                "labels": ["billing"],
                "customer_slug": "orbit",
                "id": "cfromanotherworkspace0000",
            }
        )
        + "\n"
        + json.dumps(
            {"name": "Bo", "email": "bo@nova.io", "is_primary": True, "customer_slug": "nova"}
        )
        + "\n"
    )
    (bundle / "onboardings.csv").write_text(
        "customer_slug,phase,state,completed_at,target_launch_date\n"
        "orbit,completed,active,2026-03-01T10:00:00.000Z,2026-02-01\n"
        "nova,launch,waiting,,\n"
    )
    with running_server(rate_limit="off", seed="empty") as server:
        env = env_for(server)
        result = cli("import", "bundle", str(bundle), "--json", env=env)
        assert result.exit_code == 0, result.stderr
        jobs = json.loads(result.stdout)["jobs"]
        assert [(j["resource"], j["created"]) for j in jobs] == [
            ("customers", 2),
            ("contacts", 2),
            ("onboardings", 2),
        ]
        onboardings = json.loads(cli("onboardings", "list", "--all", "--json", env=env).stdout)
        contacts = json.loads(cli("contacts", "list", "orbit", "--json", env=env).stdout)
        again = cli("import", "bundle", str(bundle), "--mode", "upsert", "--json", "-v", env=env)
    by_phase = {o["phase"]: o for o in onboardings}
    # completed_at is not accepted by a create: it was PATCHed after, to the file's value.
    assert by_phase["completed"]["completed_at"] == "2026-03-01T10:00:00.000Z"
    assert by_phase["launch"]["state"] == "waiting"
    assert contacts[0]["email"] == "ada@orbit.io" and contacts[0]["labels"] == ["billing"]
    assert again.exit_code == 0, again.stderr
    assert [r for r in requests_sent(again.stderr) if r[0] != "GET"] == []


# -- bad rows ---------------------------------------------------------------------------

BAD_CSV = (
    "name,slug,status,mrr,domain,metadata.crm_id\n"
    "Good,good,active,100,good.io,g1\n"  # 1
    "Bad Int,bad-int,active,12.5,,b2\n"  # 2: mrr not an integer
    "Bad Enum,bad-enum,dormant,1,,b3\n"  # 3: status not in the enum
    ",no-name,active,1,,b4\n"  # 4: name missing
    "Dupe,good,active,1,,b5\n"  # 5: slug repeats row 1
    "Negative,negative,active,-5,,b6\n"  # 6: below the minimum
)


def test_dry_run_reports_every_bad_row_with_row_and_column(server_cli, server, tmp_path) -> None:
    run = server_cli(server.test_key)
    source = tmp_path / "bad.csv"
    source.write_text(BAD_CSV)
    errors = tmp_path / "errors.csv"
    before = server.sandbox.count_customers("acme")
    result = run("import", "customers", str(source), "--dry-run", "--errors", str(errors))
    assert result.exit_code == 2
    for needle in (
        "line 3, column mrr: expected an integer, got '12.5'",
        "line 4, column status: unknown status 'dormant'",
        "line 5, column name: name is required",
        "line 6, column slug: repeats the slug 'good' of line 2",
        "line 7, column mrr: must be at least 0",
    ):
        assert needle in result.stderr, result.stderr
    rows = read_csv(errors)
    assert [(r["row"], r["column"], r["code"]) for r in rows] == [
        ("2", "mrr", "invalid_type"),
        ("3", "status", "invalid_enum_value"),
        ("4", "name", "required"),
        ("6", "mrr", "too_small"),
        ("5", "slug", "duplicate_key"),
    ]
    assert server.sandbox.count_customers("acme") == before


def test_a_real_run_imports_the_good_rows_and_files_the_bad_ones(
    server_cli, server, tmp_path
) -> None:
    run = server_cli(server.test_key)
    source = tmp_path / "bad.csv"
    source.write_text(BAD_CSV + "Taken,hearth-hive,active,1,,b7\n")  # 7: the API refuses the slug
    before = server.sandbox.count_customers("acme")
    result = run("import", "customers", str(source), "--json")
    assert result.exit_code == PARTIAL, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["created"], summary["failed"]) == (1, 6)
    assert server.sandbox.count_customers("acme") == before + 1
    failed = read_csv(summary["results"]["failed"])
    assert [r["name"] for r in failed] == ["Bad Int", "Bad Enum", "", "Dupe", "Negative", "Taken"]
    taken = failed[-1]
    assert (taken["http_status"], taken["error_code"], taken["error_field"]) == (
        "409",
        "slug_taken",
        "slug",
    )
    assert failed[0]["error_type"] == "invalid_row" and failed[0]["error_field"] == "mrr"
    ok = read_csv(summary["results"]["succeeded"])
    assert [(r["slug"], r["action"]) for r in ok] == [("good", "created")]
    assert ok[0]["id"].startswith("c") and ok[0]["display_id"].isdigit()
    # The failures file re-imports once fixed: the outcome columns are ignored.
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        Path(summary["results"]["failed"])
        .read_text()
        .replace("12.5", "12")
        .replace("dormant", "active")
        .replace(",no-name", "Named,no-name")
        .replace("Dupe,good", "Dupe,dupe")
        .replace("-5", "5")
        .replace("Taken,hearth-hive", "Taken,taken")
    )
    again = run("import", "customers", str(fixed), "--json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["created"] == 6


def test_jsonl_lines_that_are_not_records_are_row_errors(server_cli, server, tmp_path) -> None:
    run = server_cli(server.test_key)
    source = tmp_path / "c.jsonl"
    source.write_text('{"name": "Fine", "slug": "fine"}\nnot json\n[1, 2]\n{"name": 5}\n')
    result = run("import", "customers", str(source), "--dry-run")
    assert result.exit_code == 2
    assert "line 2: is not valid JSON" in result.stderr
    assert "line 3: is not a JSON object" in result.stderr
    assert "line 4, column name: expected a string, got a number" in result.stderr


def test_a_bundle_dry_run_checks_references_between_its_files(cli, tmp_path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "customers.csv").write_text("name,slug\nOrbit,orbit\n")
    (bundle / "contacts.csv").write_text(
        "name,email,customer_slug\nAda,ada@orbit.io,orbit\nEve,not-an-email,ghost\n"
    )
    result = cli("--sandbox", "import", "bundle", str(bundle), "--dry-run")
    assert result.exit_code == 2
    assert "contacts.csv: line 3, column email: 'not-an-email' is not an email" in result.stderr
    assert "contacts.csv: line 3, column customer_slug: names customer 'ghost'" in result.stderr


# -- live keys -------------------------------------------------------------------------


def test_a_live_key_asks_first_and_refuses_without_a_terminal(server_cli, server, tmp_path) -> None:
    run = server_cli(server.live_key)
    source = tmp_path / "onboardings.csv"
    source.write_text("customer,phase\n1,launch\n2,review\n")
    before = server.sandbox.count_customers("acme")
    refused = run("import", "onboardings", str(source))
    assert refused.exit_code == 3
    assert "Pass --yes to confirm." in refused.stderr
    asked = run("import", "onboardings", str(source), input="n\n", env={"PIVOTAL_FORCE_TTY": "1"})
    assert asked.exit_code == 3
    assert "Import 2 onboardings (create) into acme (LIVE), with 1 onboardings entering launch" in (
        asked.stderr
    )
    assert server.sandbox.count_customers("acme") == before
    confirmed = run("import", "onboardings", str(source), "--yes", "--json")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["created"] == 2


def test_status_list_and_results_read_the_journal(server_cli, server, tmp_path) -> None:
    run = server_cli(server.test_key)
    source = write_customers(tmp_path / "c.csv", 3, prefix="listed")
    job = json.loads(run("import", "customers", str(source), "--json").stdout)["job"]
    status = json.loads(run("import", "status", job, "--json").stdout)
    assert (status["rows"], status["created"], status["finished"]) == (3, 3, True)
    listed = json.loads(run("import", "list", "--json").stdout)
    assert [j["job"] for j in listed] == [job]
    out = tmp_path / "all.csv"
    assert run("import", "results", job, "-o", str(out)).exit_code == 0
    assert [r["action"] for r in read_csv(out)] == ["created"] * 3
    failed = run("import", "results", job, "--failed")
    assert failed.stdout.splitlines()[1:] == []
    missing = run("import", "status", "nope")
    assert missing.exit_code == 2 and "`pivotal import list`" in missing.stderr


# -- idempotency keys expire after 24 h ----------------------------------------------------


def _crashed_job(tmp_path: Path, server: Any, now: Callable[[], float], sent: int) -> Any:
    """A job whose first `sent` rows reached the server, then the process died: they
    are journaled `sending` with no outcome. The last row was journaled, never sent."""
    from pivotal_cli.client import bulk
    from pivotal_cli.client.http import Client
    from pivotal_cli.jobs.files import RowReader
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.loader import load
    from pivotal_cli.jobs.plan import JobSpec
    from pivotal_cli.jobs.runner import row_idempotency_key

    source = tmp_path / "customers.csv"
    source.write_text(
        "name,slug\nNo Slug 1,\nNo Slug 2,\nSlugged 3,slugged-3\nNo Slug 4,\nNo Slug 5,\n"
    )
    spec = JobSpec("crashed", "customer", "create", str(source), "csv")
    journal = Journal(tmp_path / "crashed.sqlite")
    load(journal, spec, RowReader(str(source), "csv"))
    client = Client(server.base_url, server.test_key, sleep=lambda s: None)
    rows = list(journal.open_rows())
    for row in rows:
        key = row_idempotency_key("crashed", row)
        journal.mark_sending(row.n, key, now())
        if row.n <= sent:
            bulk.create(client, "customer", row.plan["create"], None, key)
    return journal, client


def sandbox_time(sandbox: Any) -> Callable[[], float]:
    """The runner's clock read from the sandbox's: both move with `advance`."""
    return lambda: float(sandbox.now().timestamp())


@pytest.mark.pivotal_sandbox(seed="empty")
def test_rows_sent_more_than_a_day_ago_are_looked_up_before_being_sent_again(
    tmp_path, pivotal_sandbox
) -> None:
    from pivotal_cli.jobs.runner import Runner

    now = sandbox_time(pivotal_sandbox)
    journal, client = _crashed_job(tmp_path, pivotal_sandbox, now, sent=4)
    pivotal_sandbox.advance("25h")  # the server forgets the idempotency keys
    tally = Runner(journal, client, clock=now).run()
    server = pivotal_sandbox.server
    names = sorted(names_with(server, "No Slug") + names_with(server, "Slugged"))
    assert names == ["No Slug 1", "No Slug 2", "No Slug 4", "No Slug 5", "Slugged 3"]
    assert tally == {"existing": 4, "created": 1}


@pytest.mark.pivotal_sandbox(seed="empty")
def test_within_a_day_the_idempotency_key_replays_instead(tmp_path, pivotal_sandbox) -> None:
    from pivotal_cli.jobs.runner import Runner

    now = sandbox_time(pivotal_sandbox)
    journal, client = _crashed_job(tmp_path, pivotal_sandbox, now, sent=4)
    pivotal_sandbox.advance("1h")
    tally = Runner(journal, client, clock=now).run()
    names = names_with(pivotal_sandbox.server, "No Slug")
    assert sorted(names) == ["No Slug 1", "No Slug 2", "No Slug 4", "No Slug 5"]
    assert tally == {"created": 5}


@pytest.mark.pivotal_sandbox(seed="empty")
def test_without_the_lookup_an_expired_key_would_duplicate(tmp_path, pivotal_sandbox) -> None:
    """What the lookup prevents: a runner that believes the keys still live resends."""
    from pivotal_cli.jobs.runner import Runner

    now = sandbox_time(pivotal_sandbox)
    journal, client = _crashed_job(tmp_path, pivotal_sandbox, now, sent=4)
    pivotal_sandbox.advance("25h")
    Runner(journal, client, clock=lambda: now() - 25 * 3600).run()
    names = names_with(pivotal_sandbox.server, "No Slug")
    assert len(names) == 7  # rows 1, 2 and 4 twice: the server had forgotten their keys


# -- export, then import into an empty sandbox ----------------------------------------


def writable(resource: str) -> list[str]:
    """The fields a create or an update sets: what an import can carry over."""
    from pivotal_cli.domain.schema import fields

    names = {f.name for op in ("create", "update") for f in fields(resource, op)}
    return sorted(names - {"customer_id"})


def as_text(value: Any) -> Any:
    """A metadata value as a CSV cell carries it: text (JSON text for lists and objects)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, separators=(",", ":"))


def comparable(bundle: Path, metadata_as_text: bool = False) -> dict[str, list[tuple[str, ...]]]:
    """Each resource's records as sorted tuples of their writable fields (and the
    customer's slug), so two workspaces compare equal whatever their ids."""
    seen = {}
    for resource, file in (("customer", "customers"), ("contact", "contacts"),
                           ("onboarding", "onboardings")):  # fmt: skip
        names = writable(resource) + ([] if resource == "customer" else ["customer_slug"])
        records = [json.loads(line) for line in (bundle / f"{file}.jsonl").read_text().splitlines()]
        if metadata_as_text:
            for record in records:
                if record.get("metadata"):
                    record["metadata"] = {k: as_text(v) for k, v in record["metadata"].items()}
        seen[file] = sorted(
            tuple(json.dumps(record.get(name), sort_keys=True) for name in names)
            for record in records
        )
    return seen


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_imported_into_an_empty_sandbox_gives_equal_records(cli, tmp_path, fmt) -> None:
    first, again = tmp_path / "first", tmp_path / "again"
    reference_dir = tmp_path / "reference"
    with running_server(rate_limit="off") as demo:
        for fmt_, path in ((fmt, first), ("jsonl", reference_dir)):
            done = cli("export", "all", "-o", str(path), "--format", fmt_, env=env_for(demo))
            assert done.exit_code == 0, done.stderr
    with running_server(rate_limit="off", seed="empty") as empty:
        env = env_for(empty)
        imported = cli("import", "bundle", str(first), "--json", env=env)
        assert imported.exit_code == 0, imported.stdout + imported.stderr
        assert cli("export", "all", "-o", str(again), env=env).exit_code == 0
    # A CSV cell is text: metadata numbers and booleans come back as strings (the
    # README says so; JSONL, the default, carries them exactly).
    as_text = fmt == "csv"
    reference = comparable(reference_dir, metadata_as_text=as_text)
    assert all(reference.values()), "the demo data has records of every kind"
    assert comparable(again, metadata_as_text=as_text) == reference


AWKWARD = [
    "  padded  ",
    "\tleading tab",
    "trailing tab\t",
    "carriage\rreturn",
    "two\nlines",
    'quote "inside"',
    "comma, inside",
    "=1+1",
    "+1 555 0100",
    "\r\n",
]


@pytest.mark.parametrize(("fmt", "flags"), [("jsonl", ()), ("json", ()), ("csv", ("--raw-cells",))])
def test_every_stored_value_survives_export_then_import_exactly(cli, tmp_path, fmt, flags):
    export_file, again = tmp_path / f"first.{fmt}", tmp_path / "again.jsonl"
    with running_server(rate_limit="off", seed="empty") as source:
        env = env_for(source)
        for n, value in enumerate(AWKWARD):
            body = {"name": f"{value}{n}", "metadata": {"note": value}}
            made = cli("customers", "create", "--data", json.dumps(body), "--json", env=env)
            assert made.exit_code == 0, made.stderr
        done = cli("export", "customers", "-o", str(export_file), *flags, env=env)
        assert done.exit_code == 0, done.stderr
    with running_server(rate_limit="off", seed="empty") as target:
        env = env_for(target)
        imported = cli("import", "customers", str(export_file), "--json", env=env)
        assert imported.exit_code == 0, imported.stdout + imported.stderr
        assert cli("export", "customers", "-o", str(again), env=env).exit_code == 0
    records = [json.loads(line) for line in again.read_text(encoding="utf-8").splitlines()]
    got = sorted((r["name"], r["metadata"]["note"]) for r in records)
    assert got == sorted((f"{v}{n}", v) for n, v in enumerate(AWKWARD))


# -- stdin and empty input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("name,slug\nPiped Co,piped-co\n", id="csv"),
        pytest.param('\n{"name": "Piped Co", "slug": "piped-co"}\n', id="jsonl"),
        pytest.param('  [{"name": "Piped Co", "slug": "piped-co"}]', id="json"),
    ],
)
def test_a_pipe_s_format_is_read_from_its_first_bytes(tmp_path, text) -> None:
    import os
    import sys

    env = {**os.environ, "PIVOTAL_STATE_DIR": str(tmp_path / "state")}
    with running_server(rate_limit="off", seed="empty") as server:
        env.update(env_for(server))
        done = subprocess.run(
            [sys.executable, "-m", "pivotal_cli", "import", "customers", "-", "--json"],
            input=text, capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert names_with(server, "Piped") == ["Piped Co"]
    # Read as any other format, the row would have no name and fail (exit 9).
    assert json.loads(done.stdout)["created"] == 1


def test_an_input_with_no_rows_sends_nothing_and_asks_nothing(server_cli, server, tmp_path) -> None:
    source = tmp_path / "empty.csv"
    source.write_text("name,slug\n")
    # A live key would ask first; with nothing to send there is nothing to confirm.
    result = server_cli(server.live_key)("import", "customers", str(source))
    assert result.exit_code == 0, result.stderr
    assert "Nothing to send" in result.stderr
    assert "0 rows: 0 created" in result.stderr


def test_a_remote_dry_run_says_what_it_will_read_first(sandbox_cli, tmp_path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(
        "name,email,customer_slug\n"
        "A,a@x.io,hearth-hive\nB,b@x.io,foxglove-jewelry\nC,c@x.io,hearth-hive\n"
    )
    result = sandbox_cli(
        "import", "contacts", str(source), "--dry-run=remote", "--mode", "upsert", "--json"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "contacts: reading 1 request per 100 customers in the workspace, up to 2 for the "
        "contacts of the customers named; no writes."
    )
    job = json.loads(result.stdout)["jobs"][0]
    # One page of the demo's customers, then one request per customer named.
    assert (job["created"], job["reads"]) == (3, 3)
