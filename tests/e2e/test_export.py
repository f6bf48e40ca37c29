"""`pivotal export` end to end, against a fresh demo sandbox per test.

Each resource in each format holds exactly the records the API lists (compared with
`customers list --all --json` and friends; contacts gathered customer by customer),
walked over many small pages; CSV has a column per field and per metadata key and its
cells read back as the values; a bundle has a manifest with the counts. An export that
stops midway (a transport that fails after some requests) leaves no file under the
final name, and `--resume` completes it with no record twice and none missing.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pivotal_cli.domain.schema import field_names

SCHEMA = {"customers": "customer", "contacts": "contact", "onboardings": "onboarding"}


@pytest.fixture
def api_records(sandbox_json):
    """`api_records(resource)`: every record as the list commands show them."""

    def read(resource: str) -> list[dict[str, Any]]:
        customers = sandbox_json("customers", "list", "--all")
        slug_of = {c["id"]: c["slug"] for c in customers}
        if resource == "customers":
            return customers
        if resource == "contacts":
            rows = [
                {**contact, "customer_slug": customer["slug"]}
                for customer in customers
                for contact in sandbox_json("contacts", "list", customer["id"])
            ]
            return rows
        return [
            {**o, "customer_slug": slug_of[o["customer_id"]]}
            for o in sandbox_json("onboardings", "list", "--all")
        ]

    return read


def read_export(path: Path, fmt: str) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if fmt == "json":
        return json.loads(text)
    return list(csv.DictReader(text.splitlines()))


def cell(value: Any) -> str:
    """What a CSV cell holds for an API value (the file convention, written out again)."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def as_csv(record: dict[str, Any], header: list[str]) -> dict[str, str]:
    row = {}
    for column in header:
        if column.startswith("metadata."):
            row[column] = cell((record.get("metadata") or {}).get(column[len("metadata.") :]))
        else:
            row[column] = cell(record.get(column))
    return row


def csv_fields(resource: str) -> list[str]:
    """The schema's fields minus object and metadata, customer_slug after customer_id."""
    columns = []
    for name in field_names(SCHEMA[resource]):
        if name not in ("object", "metadata"):
            columns.append(name)
        if name == "customer_id":
            columns.append("customer_slug")
    return columns


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
@pytest.mark.parametrize("resource", ["customers", "contacts", "onboardings"])
def test_each_resource_in_each_format_is_what_the_api_lists(
    sandbox_cli, api_records, small_pages, tmp_path, resource, fmt
) -> None:
    expected = api_records(resource)
    small_pages(7)  # the demo's 34 customers make five pages
    path = tmp_path / f"out.{fmt}"
    result = sandbox_cli("export", resource, "-o", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Exported {len(expected):,} {resource} to {path} ({fmt})")
    got = read_export(path, fmt)
    if fmt != "csv":
        assert got == expected  # exact records, in the API's order
        return
    header = list(got[0])
    assert [c for c in header if not c.startswith("metadata.")] == csv_fields(resource)
    assert got == [as_csv(record, header) for record in expected]
    assert not list(tmp_path.glob(".*")), "no working file is left behind"


def test_csv_has_a_column_per_metadata_key_and_round_trips_values(
    sandbox_cli, make_customer, tmp_path
) -> None:
    tricky = {
        "note": 'comma, "quotes" and\na line break',
        "city": "Zürich",
        "seats": 12,
        "vip": True,
        "plan": {"tier": "gold", "addons": ["sso"]},
    }
    made = make_customer(
        "Metadata Co", "--slug", "metadata-co", "--data", json.dumps({"metadata": tricky})
    )
    path = tmp_path / "customers.csv"
    assert sandbox_cli("export", "customers", "-o", str(path)).exit_code == 0
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines(keepends=True)))
    header = list(rows[0])
    assert "metadata" not in header and "object" not in header
    for key in tricky:
        assert f"metadata.{key}" in header
    mine = next(row for row in rows if row["id"] == made["id"])
    assert mine["metadata.note"] == tricky["note"]
    assert mine["metadata.city"] == "Zürich"
    assert mine["metadata.seats"] == "12"
    assert mine["metadata.vip"] == "true"
    assert json.loads(mine["metadata.plan"]) == tricky["plan"]
    assert mine["domain"] == ""  # null is an empty cell
    others = [row for row in rows if row["id"] != made["id"]]
    assert all(row["metadata.note"] == "" for row in others)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_export_all_writes_a_bundle_with_a_manifest(
    sandbox_cli, api_records, tmp_path, parse, fmt
) -> None:
    bundle = tmp_path / "takeout"
    manifest = parse(sandbox_cli("export", "all", "-o", str(bundle), "--format", fmt, "--json"))
    files = sorted(p.name for p in bundle.iterdir())
    assert files == sorted(
        ["manifest.json", f"customers.{fmt}", f"contacts.{fmt}", f"onboardings.{fmt}"]
    )
    assert json.loads((bundle / "manifest.json").read_text()) == manifest
    assert manifest["format"] == fmt
    assert manifest["exported_at"].endswith("Z")
    assert manifest["pivotal_version"]
    assert set(manifest["cursors"]) == {"customers", "contacts", "onboardings"}
    for resource in ("customers", "contacts", "onboardings"):
        expected = api_records(resource)
        assert manifest["counts"][resource] == len(expected) > 0
        assert len(read_export(bundle / f"{resource}.{fmt}", fmt)) == len(expected)


class FailingTransport:
    """Lets `allowed` requests through, then fails every one as a refused connection."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, allowed: int) -> None:
        from pivotal_cli.client.http import Client

        self.allowed = allowed
        self.sent = 0
        real = Client._send

        def send(client: Client, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
            self.sent += 1
            if self.sent > self.allowed:
                raise httpx.ConnectError("injected: the network went away")
            return real(client, method, path, *args, **kwargs)

        monkeypatch.setattr(Client, "_send", send)


@pytest.mark.parametrize("checkpoint_every", [0.0, 3600.0])
def test_a_stopped_export_leaves_no_file_and_resume_completes_it(
    sandbox_cli, api_records, small_pages, tmp_path, monkeypatch, checkpoint_every
) -> None:
    expected = api_records("customers")
    small_pages(5)
    monkeypatch.setattr("pivotal_cli.cli.commands.export.CHECKPOINT_EVERY", checkpoint_every)
    out = tmp_path / "out"
    out.mkdir()
    path = out / "customers.json"
    with monkeypatch.context() as patch:
        FailingTransport(patch, allowed=4)  # four pages of five, then the network fails
        stopped = sandbox_cli("export", "customers", "-o", str(path))
    assert stopped.exit_code == 8, stopped.stderr
    assert not path.exists()
    assert "Run the same command with --resume" in stopped.stderr
    part = out / ".customers.json.part"
    state = json.loads((out / ".customers.json.export.json").read_text())["resources"]
    # A checkpoint after every page keeps the 20 records; none yet keeps nothing.
    assert state["customers"]["written"] == (20 if checkpoint_every == 0 else 0)
    assert len(part.read_text().splitlines()) == 20
    # A write that began after the last checkpoint and never finished:
    with part.open("a") as spill:
        spill.write('{"id":"half a rec')

    resumed = sandbox_cli("export", "customers", "-o", str(path), "--resume", "--json")
    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout)["counts"] == {"customers": len(expected)}
    assert read_export(path, "json") == expected  # no duplicate, no gap, same order
    assert sorted(p.name for p in out.iterdir()) == ["customers.json"]


def test_resume_of_a_bundle_stopped_in_the_contacts(
    sandbox_cli, api_records, small_pages, tmp_path, monkeypatch, requests_sent
) -> None:
    expected = {r: api_records(r) for r in ("customers", "contacts", "onboardings")}
    small_pages(5)
    monkeypatch.setattr("pivotal_cli.cli.commands.export.CHECKPOINT_EVERY", 0.0)
    bundle = tmp_path / "b"
    with monkeypatch.context() as patch:
        # 7 pages of customers; then a page of them and their 5 contact lists, the
        # next page and 2 contact lists.
        FailingTransport(patch, allowed=7 + 1 + 5 + 1 + 2)
        stopped = sandbox_cli("export", "all", "-o", str(bundle), "-f", "csv")
    assert stopped.exit_code == 8, stopped.stderr
    names = sorted(p.name for p in bundle.iterdir())
    assert names == [".contacts.csv.part", ".pivotal-export.json", "customers.csv"]
    state = json.loads((bundle / ".pivotal-export.json").read_text())
    assert state["resources"]["customers"]["done"] is True
    contacts = state["resources"]["contacts"]
    assert (contacts["done"], contacts["skip"]) == (False, 2)  # inside the second page

    resumed = sandbox_cli("--verbose", "export", "all", "-o", str(bundle), "-f", "csv", "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    sent = requests_sent(resumed.stderr)
    # The customers are not exported again; the contacts pick up at the checkpoint.
    assert sent[0][1].startswith("/customers?limit=5&cursor=")
    contact_lists = [path for _, path in sent if path.endswith("/contacts")]
    assert len(contact_lists) == 34 - 7
    manifest = json.loads((bundle / "manifest.json").read_text())
    for resource, records in expected.items():
        rows = read_export(bundle / f"{resource}.csv", "csv")
        assert [row["id"] for row in rows] == [r["id"] for r in records]
        assert manifest["counts"][resource] == len(records)
    assert sorted(p.name for p in bundle.iterdir()) == [
        "contacts.csv",
        "customers.csv",
        "manifest.json",
        "onboardings.csv",
    ]


def test_without_resume_a_stopped_export_starts_over(
    sandbox_cli, api_records, small_pages, tmp_path, monkeypatch
) -> None:
    small_pages(5)
    path = tmp_path / "c.jsonl"
    with monkeypatch.context() as patch:
        FailingTransport(patch, allowed=2)
        assert sandbox_cli("export", "customers", "-o", str(path)).exit_code == 8
    again = sandbox_cli("export", "customers", "-o", str(path))
    assert again.exit_code == 0
    assert "Starting over" in again.stderr
    assert read_export(path, "jsonl") == api_records("customers")


def test_resume_refuses_another_format(
    sandbox_cli, small_pages, tmp_path, monkeypatch, error_line
) -> None:
    small_pages(5)
    with monkeypatch.context() as patch:
        FailingTransport(patch, allowed=2)
        assert sandbox_cli("export", "all", "-o", str(tmp_path / "b")).exit_code == 8
    line = error_line(
        sandbox_cli("export", "all", "-o", str(tmp_path / "b"), "-f", "csv", "--resume"), 2
    )
    assert "is all as jsonl, not all as csv" in line


def test_usage_errors(sandbox_cli, tmp_path, error_line) -> None:
    assert "-o PATH" in error_line(sandbox_cli("export", "customers"), 2)
    afile = tmp_path / "file"
    afile.write_text("x")
    assert "writes a directory" in error_line(sandbox_cli("export", "all", "-o", str(afile)), 2)
    missing = tmp_path / "no" / "such" / "c.jsonl"
    assert "does not exist" in error_line(sandbox_cli("export", "customers", "-o", str(missing)), 2)
    assert sandbox_cli("export", "things", "-o", str(tmp_path / "x")).exit_code == 2


def test_format_from_the_extension_and_a_directory_target(sandbox_cli, tmp_path) -> None:
    assert sandbox_cli("export", "onboardings", "-o", str(tmp_path / "o.csv")).exit_code == 0
    assert (tmp_path / "o.csv").read_text().startswith("id,display_id,customer_id,customer_slug,")
    assert sandbox_cli("export", "customers", "-o", str(tmp_path)).exit_code == 0
    assert (tmp_path / "customers.jsonl").exists()


def test_progress_on_a_terminal(sandbox_cli, tmp_path, terminal) -> None:
    result = sandbox_cli("export", "customers", "-o", str(tmp_path / "c.jsonl"), env=terminal)
    assert result.exit_code == 0
    assert "Exporting customers: 0 records" in result.stderr
    assert "/s" in result.stderr
    piped = sandbox_cli("export", "customers", "-o", str(tmp_path / "d.jsonl"))
    assert "records," not in piped.stderr


def test_help_says_deleted_records_are_not_exported(sandbox_cli) -> None:
    assert "Soft-deleted records are not exported" in sandbox_cli("export", "--help").stdout


def test_a_bundle_over_http_through_faults_is_complete(cli, tmp_path, small_pages) -> None:
    """500s, 429s and dropped connections on the way: retries make the files whole."""
    from pivotal_cli.sandbox.adapters.testing import running_server

    small_pages(10)
    with running_server(rate_limit="off") as clean:
        env = {"PIVOTAL_API_KEY": clean.live_key, "PIVOTAL_BASE_URL": clean.base_url}
        expected = json.loads(cli("customers", "list", "--all", "--json", env=env).stdout)
        bundle = tmp_path / "b"
        # The same data served again, now with faults: a fresh demo seed is deterministic.
        with running_server(rate_limit="off", faults="500=0.15,429=0.1,drop=0.1,seed=5") as bad:
            env = {"PIVOTAL_API_KEY": bad.live_key, "PIVOTAL_BASE_URL": bad.base_url}
            result = cli("export", "all", "-o", str(bundle), "--json", env=env)
    assert result.exit_code == 0, result.stderr
    got = read_export(bundle / "customers.jsonl", "jsonl")
    assert [(c["slug"], c["name"]) for c in got] == [(c["slug"], c["name"]) for c in expected]
    assert json.loads(result.stdout)["counts"]["customers"] == len(expected)


FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tindent", "\rreturn"]


def test_csv_neutralises_cells_a_spreadsheet_would_run(sandbox_cli, sandbox_json, tmp_path):
    made = [
        sandbox_json(
            "customers",
            "create",
            "--name",
            name,
            "--data",
            json.dumps({"metadata": {"note": name}}),
        )
        for name in FORMULAS
    ]
    target = tmp_path / "customers.csv"

    result = sandbox_cli("export", "customers", "-o", str(target))

    assert result.exit_code == 0, result.stderr
    with target.open(newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    for record, name in zip(made, FORMULAS, strict=True):
        assert rows[record["id"]]["name"] == "'" + name
        assert rows[record["id"]]["metadata.note"] == "'" + name
    plain = next(r for r in rows.values() if r["name"][0].isalpha())
    assert not plain["name"].startswith("'")
    assert not any(r["mrr"].startswith("'") for r in rows.values())  # numbers stay numbers


AWKWARD = [
    "  padded  ",
    "\tleading tab",
    "trailing tab\t",
    "carriage\rreturn",
    "two\nlines",
    'quote "inside"',
    "comma, inside",
    "\r\n",
    " ",
]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_every_stored_value_survives_export_exactly(sandbox_cli, sandbox_json, tmp_path, fmt):
    made = {
        sandbox_json(
            "customers",
            "create",
            "--name",
            f"Awkward {n}",
            "--data",
            json.dumps({"metadata": {"note": value}}),
        )["id"]: value
        for n, value in enumerate(AWKWARD)
    }
    target = tmp_path / f"customers.{fmt}"

    result = sandbox_cli("export", "customers", "-o", str(target), "--raw-cells")

    assert result.exit_code == 0, result.stderr
    if fmt == "csv":
        with target.open(newline="", encoding="utf-8") as handle:
            notes = {row["id"]: row["metadata.note"] for row in csv.DictReader(handle)}
    else:
        notes = {r["id"]: r["metadata"].get("note") for r in read_export(target, fmt)}
    for record_id, value in made.items():
        assert notes[record_id] == value


def test_dash_o_dash_writes_one_resource_to_stdout(sandbox_cli, sandbox_json, tmp_path):
    listed = sandbox_json("customers", "list", "--all")

    result = sandbox_cli("export", "customers", "-o", "-")

    assert result.exit_code == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == listed
    assert "Exported" in result.stderr and "to stdout" in result.stderr
    assert not list(tmp_path.glob(".*"))  # no state file, no spill beside anything


@pytest.mark.parametrize("args", [("all", "-o", "-"), ("customers", "-o", "-", "--resume")])
def test_dash_o_dash_refuses_a_bundle_and_resume(sandbox_cli, error_line, args):
    assert "-o -" in error_line(sandbox_cli("export", *args), 2)


def test_a_failed_write_is_an_error_never_exported(sandbox_cli, error_line, tmp_path):
    full = Path("/dev/full")
    if not full.exists() or full.is_file():
        pytest.skip("no /dev/full character device here")

    result = sandbox_cli("export", "customers", "-o", str(full))

    line = error_line(result, 1)
    assert "Cannot write /dev/full: No space left on device" in line
    assert "Exported" not in result.stderr
    assert not full.is_file()  # the device is written through, never replaced


def test_a_full_disk_mid_export_is_one_line_and_resumable(
    sandbox_cli, error_line, tmp_path, monkeypatch
):
    import errno
    import os

    from pivotal_cli.render import takeout

    real_replace = os.replace

    def full(src, dst):
        if Path(dst) == target:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(takeout.os, "replace", full)
    target = tmp_path / "customers.jsonl"

    result = sandbox_cli("export", "customers", "-o", str(target))

    line = error_line(result, 1)
    assert f"Cannot write {target}: No space left on device" in line
    assert not target.exists()
    monkeypatch.setattr(takeout.os, "replace", real_replace)
    resumed = sandbox_cli("export", "customers", "-o", str(target), "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    assert target.exists()
