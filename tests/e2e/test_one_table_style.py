"""Every list-like output on a terminal is a table drawn like `customers list`: headers in
capitals, ids and URLs whole, humane times, booleans as words; piped, each stays the
tab-separated text scripts read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

NARROW = {"PIVOTAL_FORCE_TTY": "1", "COLUMNS": "80", "NO_COLOR": "1"}
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _import(sandbox_cli: Any, tmp_path: Path) -> str:
    source = tmp_path / "customers.csv"
    source.write_text("name,slug,status\nTable One,table-one,active\nBad,,dormant\n")
    result = sandbox_cli("import", "customers", str(source), "--yes", "--json")
    assert result.exit_code == 9, result.stderr  # one row failed its checks
    return str(json.loads(result.stdout)["job"])


def test_import_list_and_status_are_a_table_and_a_record(sandbox_cli: Any, tmp_path: Path) -> None:
    job = _import(sandbox_cli, tmp_path)
    listed = sandbox_cli("import", "list", env=NARROW)
    header, row = listed.stdout.splitlines()[:2]
    assert header.split() == ["JOB", "RESOURCE", "MODE", "ROWS", "FAILED", "STATE"]
    assert job in row and row.split()[-1] == "finished" and "\t" not in row
    status = sandbox_cli("import", "status", job, env=NARROW)
    assert re.search(r"^finished\s+yes\s*$", status.stdout, re.M), status.stdout
    assert "…" not in status.stdout  # the journal's path is whole
    assert "True" not in status.stdout and "{" not in status.stdout
    # Piped, both print what they always printed.
    piped = sandbox_cli("import", "list").stdout.splitlines()
    assert piped == [f"{job}\tcustomers\tcreate\t2 rows\t1 failed\tfinished"]
    assert "finished\tTrue" in sandbox_cli("import", "status", job).stdout


def test_sandbox_webhooks_list_keeps_the_url_whole_and_the_time_humane(cli: Any) -> None:
    url = "http://127.0.0.1:8787/hooks"
    added = cli("sandbox", "webhooks", "add", url, "--events", "customer.*", "--json")
    assert added.exit_code == 0, added.stderr
    listed = cli("sandbox", "webhooks", "list", env=NARROW)
    assert url in listed.stdout, listed.stdout
    assert not ISO.search(listed.stdout), listed.stdout
    assert "enabled" in listed.stdout
    wide = cli("sandbox", "webhooks", "list", env={**NARROW, "COLUMNS": "160"}).stdout
    assert "CREATED" in wide and ("just now" in wide or " ago" in wide), wide
    assert not ISO.search(wide), wide


def test_ids_too_wide_for_the_terminal_fold_whole_rather_than_vanish(cli: Any) -> None:
    url = "http://127.0.0.1:8787/a/rather/long/path/for/the/webhooks/of/acme"
    assert cli("sandbox", "webhooks", "add", url, "--json").exit_code == 0
    listed = cli("sandbox", "webhooks", "list", env=NARROW)
    lines = listed.stdout.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines), listed.stdout
    assert "STATE" in lines[0] and "URL" in lines[0]  # details go, not the state
    start = lines[0].index("URL")
    end = lines[0].index("EVENTS")
    assert "".join(line[start:end].strip() for line in lines[1:]) == url, listed.stdout
