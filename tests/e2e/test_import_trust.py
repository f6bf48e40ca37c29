"""Damaged local state is never trusted blindly: import journals and the state directory.

Every kind of damaged journal (empty, cut short, random bytes, another program's
database, a newer pivotal's, job facts missing, unreadable or never finished, a file
that cannot be read) is named in one line with the job, the file and what to do, exit
1, and never stops the healthy jobs beside it from listing or resuming. `import
forget` removes a job, damaged or not. A state directory on a full or read-only mount
(a real tmpfs; skipped where mount is refused) is one line with the path, and leaves
no half-written journal or result file that a later run would believe.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pivotal_cli.errors import LocalFileError


def write_csv(path: Path, count: int, prefix: str) -> Path:
    lines = ["name,slug"] + [f"{prefix} {i},{prefix}-{i}" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def imports(tmp_path: Path) -> Path:
    return tmp_path / "state" / "imports"


def unfinished_job(tmp_path: Path, name: str, count: int = 3) -> Path:
    """A loaded job nothing was sent for yet, as a killed import leaves it."""
    from pivotal_cli.jobs import paths
    from pivotal_cli.jobs.files import RowReader
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.loader import load
    from pivotal_cli.jobs.plan import JobSpec

    source = write_csv(tmp_path / f"{name}.csv", count, name)
    spec = JobSpec(name, "customer", "create", str(source), "csv")
    path = paths.ensure(paths.imports_dir()) / f"{name}.sqlite"
    with Journal(path) as journal:
        load(journal, spec, RowReader(str(source), "csv"))
    return path


def _sql(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(statement)
    conn.close()


def _cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _other_schema(path: Path) -> None:
    path.unlink()
    _sql(path, "CREATE TABLE notes (body TEXT)")


# Each kind of damage, done to the journal of an unfinished job.
DAMAGE: dict[str, Callable[[Path], None]] = {
    "zero-length": lambda path: path.write_bytes(b""),
    "truncated": _cut_in_half,
    "random bytes": lambda path: path.write_bytes(random.Random(7).randbytes(20000)),
    "another schema": _other_schema,
    "a future version": lambda path: _sql(path, "PRAGMA user_version = 99"),
    "meta missing": lambda path: _sql(path, "DELETE FROM meta"),
    "meta malformed": lambda path: _sql(
        path, "UPDATE meta SET value = '{oops' WHERE name = 'mode'"
    ),
    "never fully loaded": lambda path: _sql(path, "DELETE FROM meta WHERE name = 'rows'"),
}
WORDS = {
    "zero-length": "empty",
    "truncated": "cut short",
    "random bytes": "not a SQLite journal",
    "another schema": "not an import journal",
    "a future version": "newer pivotal",
    "meta missing": "lack job_id",
    "meta malformed": "'mode' is unreadable",
    "never fully loaded": "never fully written",
}


def damaged_job(tmp_path: Path, kind: str, name: str = "broken") -> Path:
    path = unfinished_job(tmp_path, name)
    DAMAGE[kind](path)
    return path


def assert_names_the_way_out(line: str, job: str, path: Path) -> None:
    assert f"import job {job}" in line and str(path) in line
    assert f"`pivotal import forget {job}`" in line
    assert "sqlite3" not in line.lower() and "Unexpected" not in line


@pytest.mark.parametrize("kind", sorted(DAMAGE))
@pytest.mark.parametrize("verb", ["status", "results", "resume"])
def test_a_damaged_journal_is_one_line_naming_the_job_file_and_forget(
    sandbox_cli, error_line, tmp_path, kind, verb
) -> None:
    path = damaged_job(tmp_path, kind)
    before = path.read_bytes() if path.exists() else None
    line = error_line(sandbox_cli("import", verb, "broken"), 1)
    assert_names_the_way_out(line, "broken", path)
    assert WORDS[kind] in line
    assert path.read_bytes() == before  # looked at, never "repaired"


def test_an_unreadable_journal_is_named_too(sandbox_cli, error_line, tmp_path, monkeypatch) -> None:
    # Root reads any file, so the EACCES a user would meet is simulated at open.
    from pivotal_cli.jobs import journal_health

    path = unfinished_job(tmp_path, "locked")

    def refuse(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(journal_health, "open", refuse, raising=False)
    line = error_line(sandbox_cli("import", "status", "locked"), 1)
    assert_names_the_way_out(line, "locked", path)
    assert "cannot be read (permission denied)" in line


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_list_shows_the_healthy_jobs_and_marks_the_damaged_one(sandbox_cli, tmp_path, kind) -> None:
    done = sandbox_cli(
        "import", "customers", str(write_csv(tmp_path / "ok.csv", 2, "ok")), "--json", "--yes"
    )
    assert done.exit_code == 0, done.stderr
    healthy = json.loads(done.stdout)["job"]
    path = damaged_job(tmp_path, kind, name="zz-broken")
    listed = sandbox_cli("import", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    entries = {entry["job"]: entry for entry in json.loads(listed.stdout)}
    assert entries[healthy]["rows"] == 2 and "error" not in entries[healthy]
    assert entries["zz-broken"]["journal"] == str(path)
    assert WORDS[kind] in entries["zz-broken"]["error"]
    assert "`pivotal import forget zz-broken`" in listed.stderr
    text = sandbox_cli("import", "list")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert any(line.startswith(f"{healthy}\tcustomers") for line in lines)
    assert any(line.startswith("zz-broken\tdamaged: ") for line in lines)


def test_resume_finishes_the_healthy_jobs_beside_a_damaged_one(sandbox_cli, tmp_path) -> None:
    unfinished_job(tmp_path, "aa-healthy", count=3)
    unfinished_job(tmp_path, "bb-healthy", count=2)
    broken = damaged_job(tmp_path, "truncated", name="ab-broken")
    one = sandbox_cli("import", "resume", "aa-healthy", "--json", "--yes")
    assert one.exit_code == 0, one.stderr
    assert json.loads(one.stdout)["created"] == 3
    rest = sandbox_cli("import", "resume", "--json", "--yes")
    assert rest.exit_code == 1, rest.stderr
    assert json.loads(rest.stdout)["created"] == 2
    errors = [line for line in rest.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1
    assert_names_the_way_out(errors[0], "ab-broken", broken)
    assert "Traceback" not in rest.stderr
    assert sorted(p.name for p in imports(tmp_path).glob("*.sqlite")) == ["ab-broken.sqlite"]


def test_resume_of_only_damaged_jobs_names_each(sandbox_cli, tmp_path) -> None:
    first = damaged_job(tmp_path, "zero-length", name="one")
    second = damaged_job(tmp_path, "random bytes", name="two")
    result = sandbox_cli("import", "resume", "--yes")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 2 and "Traceback" not in result.stderr
    assert_names_the_way_out(errors[0], "one", first)
    assert_names_the_way_out(errors[1], "two", second)


def test_a_journal_that_stops_being_writable_while_sending_stops_the_job_resumably(
    sandbox_cli, error_line, tmp_path, monkeypatch
) -> None:
    # A disk that fills exactly between two rows cannot be arranged on a real mount.
    import errno

    from pivotal_cli.jobs.journal import Journal

    path = unfinished_job(tmp_path, "filling", count=5)
    original = Journal.mark_sending
    calls = []

    def fill_up(self: Journal, n: int, idem_key: str, now: float) -> None:
        calls.append(n)
        if len(calls) > 2:
            error = OSError(errno.ENOSPC, "No space left on device", str(self.path))
            raise LocalFileError.from_os_error(error)
        original(self, n, idem_key, now)

    monkeypatch.setattr(Journal, "mark_sending", fill_up)
    line = error_line(sandbox_cli("import", "resume", "filling", "--yes", "--concurrency", "1"), 1)
    assert line.startswith(f"Error: Cannot write {path}: No space left on device. Free some space")
    monkeypatch.setattr(Journal, "mark_sending", original)
    resumed = sandbox_cli("import", "resume", "filling", "--yes", "--json")
    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout)["created"] == 5


# -- import forget ------------------------------------------------------------------------


def test_forget_removes_a_damaged_journal(sandbox_cli, tmp_path) -> None:
    path = damaged_job(tmp_path, "random bytes")
    result = sandbox_cli("import", "forget", "broken", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "can no longer be resumed" in result.stderr
    assert not path.exists()
    assert sandbox_cli("import", "list", "--json").stdout.strip() == "[]"


def test_forget_removes_a_finished_job_and_its_result_files(sandbox_cli, tmp_path) -> None:
    done = sandbox_cli(
        "import", "customers", str(write_csv(tmp_path / "c.csv", 2, "f")), "--json", "--yes"
    )
    job = json.loads(done.stdout)["job"]
    files = [Path(p) for p in json.loads(done.stdout)["results"].values()]
    assert all(p.exists() for p in files)
    other = unfinished_job(tmp_path, "other")
    result = sandbox_cli("import", "forget", job, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "2 result files" in result.stderr and "can no longer be resumed" not in result.stderr
    assert not any(p.exists() for p in files)
    assert not (imports(tmp_path) / "done" / f"{job}.sqlite").exists()
    assert other.exists()  # only that job


def test_forget_asks_on_a_terminal_and_refuses_without_one(
    sandbox_cli, error_line, terminal, tmp_path
) -> None:
    path = unfinished_job(tmp_path, "kept")
    refused = sandbox_cli("import", "forget", "kept")
    assert "--yes" in error_line(refused, 3)
    said_no = sandbox_cli("import", "forget", "kept", env=terminal, input="n\n")
    assert said_no.exit_code == 3 and path.exists()
    said_yes = sandbox_cli("import", "forget", "kept", env=terminal, input="y\n")
    assert said_yes.exit_code == 0, said_yes.stderr
    assert "unfinished" in said_yes.stderr and not path.exists()


def test_forget_of_no_such_job_is_a_usage_error(sandbox_cli, error_line) -> None:
    assert "`pivotal import list`" in error_line(sandbox_cli("import", "forget", "nope"), 2)


# -- full and read-only state directories (real tmpfs mounts) ------------------------------


@contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """`folder` as a small tmpfs mounted with `options`; skips where mount is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount refused: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def test_an_import_into_a_full_state_directory_is_one_line_and_leaves_no_job(
    sandbox_cli, error_line, tmp_path
) -> None:
    source = tmp_path / "big.csv"
    source.write_text("name,notes\n" + "".join(f"n{i},{'x' * 60}\n" for i in range(3000)))
    with tmpfs(tmp_path / "state", "size=64k"):
        line = error_line(sandbox_cli("import", "customers", str(source), "--yes"), 1)
        assert "No space left on device" in line and str(imports(tmp_path)) in line
        assert list(imports(tmp_path).glob("*.sqlite*")) == []
        listed = sandbox_cli("import", "list", "--json")
        assert (listed.exit_code, listed.stdout.strip()) == (0, "[]")


@pytest.mark.parametrize("imports_exist", [False, True])
def test_an_import_into_a_read_only_state_directory_is_one_line(
    sandbox_cli, error_line, tmp_path, imports_exist
) -> None:
    source = write_csv(tmp_path / "c.csv", 2, "ro")
    with tmpfs(tmp_path / "state", "size=256k") as state:
        if imports_exist:
            (state / "imports").mkdir()
        remount_read_only(state)
        line = error_line(sandbox_cli("import", "customers", str(source), "--yes"), 1)
        assert "Read-only file system" in line and str(state) in line


def test_contacts_import_into_a_read_only_state_directory_is_one_line(
    sandbox_cli, error_line, tmp_path
) -> None:
    source = tmp_path / "people.txt"
    source.write_text("Ada Lovelace, ada@example.com, CTO\n")
    slug = json.loads(sandbox_cli("customers", "list", "--json", "--limit", "1").stdout)[0]["slug"]
    with tmpfs(tmp_path / "state", "size=64k") as state:
        remount_read_only(state)
        result = sandbox_cli("contacts", "import", slug, str(source), "--yes")
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert len(errors) == 1 and "Read-only file system" in errors[0]
        assert str(state) in errors[0]


def test_jobs_on_a_read_only_state_directory_still_list_and_read(
    sandbox_cli, error_line, tmp_path
) -> None:
    with tmpfs(tmp_path / "state", "size=512k") as state:
        done = sandbox_cli(
            "import", "customers", str(write_csv(tmp_path / "c.csv", 2, "r")), "--yes"
        )
        assert done.exit_code == 0, done.stderr
        remount_read_only(state)
        listed = sandbox_cli("import", "list", "--json")
        assert listed.exit_code == 0, listed.stderr
        [entry] = json.loads(listed.stdout)
        assert entry["rows"] == 2 and "error" not in entry
        status = sandbox_cli("import", "status", entry["job"], "--json")
        assert status.exit_code == 0 and json.loads(status.stdout)["created"] == 2
        forget = sandbox_cli("import", "forget", entry["job"], "--yes")
        assert "Read-only file system" in error_line(forget, 1)


def test_a_result_file_that_does_not_fit_is_not_left_cut_short(tmp_path) -> None:
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.results import write_results

    unfinished_job(tmp_path, "wide", count=2000)
    with (
        Journal.open(imports(tmp_path) / "wide.sqlite") as journal,
        tmpfs(tmp_path / "small", "size=16k") as small,
    ):
        target = small / "all.csv"
        with pytest.raises(LocalFileError) as raised:
            write_results(journal, failed=None, path=target)
        assert "No space left on device" in raised.value.message
        assert str(target) in raised.value.message
        assert list(small.iterdir()) == []  # neither the file nor a partial one


def test_a_journal_that_cannot_be_created_or_written_is_a_local_file_error(tmp_path) -> None:
    from pivotal_cli.jobs import journal as jr
    from pivotal_cli.jobs.journal import Journal

    with tmpfs(tmp_path / "small", "size=256k") as small:
        journal = Journal(small / "job.sqlite")
        rows = [(n, jr.PENDING, None, {}, {"text": "x" * 500}, None) for n in range(1, 1000)]
        with pytest.raises(LocalFileError) as full:
            journal.add_rows(rows)
        assert "No space left on device" in full.value.message
        journal.close()
        remount_read_only(small)
        with pytest.raises(LocalFileError) as read_only:
            Journal(small / "other.sqlite")
        assert "Read-only file system" in read_only.value.message


def test_a_journal_that_cannot_be_made_leaves_no_file(tmp_path) -> None:
    from pivotal_cli.jobs.journal import Journal

    with tmpfs(tmp_path / "tiny", "size=16k") as tiny:
        with pytest.raises(LocalFileError) as full:
            Journal(tiny / "job.sqlite")
        assert "No space left on device" in full.value.message
        assert list(tiny.iterdir()) == []
