"""Scenario files: `pivotal sandbox seed FILE…`, references, relative dates, one transaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pivotal_cli.cli.commands.sandbox import app
from pivotal_cli.sandbox.data.timeutil import parse_datetime, to_us
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.fixtures.scenario import apply_files
from pivotal_cli.sandbox.fixtures.scenario_files import ScenarioError

SHOP = Path(__file__).parent / "scenarios" / "shop.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def write(tmp_path: Path, name: str, document: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox.open(":memory:", seed="empty", iterations=1000)


def count(sandbox: Sandbox, table: str) -> int:
    with sandbox.store.read() as tx:
        return int(tx.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_references_and_relative_dates(sandbox: Sandbox, tmp_path: Path) -> None:
    later = write(
        tmp_path,
        "later.json",
        {
            "onboardings": {
                "late": {
                    "customer_id": "${customers.aurora.id}",
                    "target_launch_date": "-3d",
                    "notes": "ask ${contacts.jane.email}",
                }
            }
        },
    )
    created = apply_files(sandbox, [SHOP, later])
    aurora = created["customers"]["aurora"]
    assert created["contacts"]["jane"]["customer_id"] == aurora["id"]
    launch, late = created["onboardings"]["launch"], created["onboardings"]["late"]
    assert launch["customer_id"] == late["customer_id"] == aurora["id"]
    assert late["notes"] == "ask jane@aurora.example"
    now_us = to_us(sandbox.clock())
    day_us = 86_400_000_000
    launch_us = parse_datetime(launch["target_launch_date"]) or 0
    assert abs(launch_us - (now_us + 14 * day_us)) < day_us
    assert (parse_datetime(late["target_launch_date"]) or now_us) < now_us - 2 * day_us


def test_entries_are_validated_and_audited_like_api_writes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    apply_files(sandbox, [SHOP])
    with sandbox.store.read() as tx:
        kinds = [r["kind"] for r in tx.execute("SELECT kind FROM events ORDER BY seq")]
        actors = {r["actor"] for r in tx.execute("SELECT actor FROM events")}
    assert kinds[:3] == ["customer.created", "contact.created", "onboarding.created"]
    assert actors == {"scenario"}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"customers": {"bad": {"name": "X", "status": "gold"}}},
            "bad.json: customers.bad.status: Invalid enum value",
        ),
        (
            {
                "contacts": {
                    "a": {"customer_id": "${customers.nobody.id}", "name": "A", "email": "a@x.io"}
                }
            },
            "bad.json: contacts.a.customer_id: unknown reference ${customers.nobody.id}",
        ),
        (
            {
                "customers": {
                    "a": {"name": "${customers.b.name}"},
                    "b": {"name": "${customers.a.name}"},
                }
            },
            "bad.json: customers.a: reference cycle: customers.a -> customers.b -> customers.a",
        ),
        (
            {"onboardings": {"o": {"customer_id": "1", "target_launch_date": "+14x"}}},
            "bad.json: onboardings.o",
        ),
        ({"widgets": {}}, "bad.json: widgets: unknown section"),
        (
            {"webhook_endpoints": {"w": {"url": "http://169.254.169.254/x"}}},
            "bad.json: webhook_endpoints.w",
        ),
    ],
)
def test_a_bad_entry_is_one_line_and_nothing_is_written(
    sandbox: Sandbox, tmp_path: Path, document: object, message: str
) -> None:
    good = write(tmp_path, "good.json", {"customers": {"ok": {"name": "Fine"}}})
    bad = write(tmp_path, "bad.json", document)
    with pytest.raises(ScenarioError) as raised:
        apply_files(sandbox, [good, bad])
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)
    assert count(sandbox, "customers") == 0


def test_webhook_endpoints_and_their_events(sandbox: Sandbox, tmp_path: Path) -> None:
    hooks = write(
        tmp_path,
        "hooks.json",
        {
            "webhook_endpoints": {
                "local": {"url": "http://127.0.0.1:9/hook", "events": ["customer.*"]}
            },
            "customers": {"c": {"name": "Hooked"}},
        },
    )
    created = apply_files(sandbox, [hooks])
    assert created["webhook_endpoints"]["local"]["secret"].startswith("whsec_")
    # Endpoints are created before the records, so the customer's event reaches it.
    assert count(sandbox, "webhook_deliveries") == 1


def test_the_seed_command(tmp_path: Path) -> None:
    db = tmp_path / "seeded" / "sandbox.db"
    result = run("seed", str(SHOP), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "customers.aurora\t" in result.stdout
    again = run("seed", str(SHOP), "--db", str(db))
    assert again.exit_code == 2
    assert again.stderr.startswith("Error: shop.yaml: customers.aurora.slug:")
    assert again.stderr.count("\n") == 1 and ".." not in again.stderr
    as_json = run(
        "seed",
        str(write(tmp_path, "x.json", {"customers": {"x": {"name": "X"}}})),
        "--db",
        str(db),
        "--json",
    )
    assert json.loads(as_json.stdout)["customers"]["x"]["name"] == "X"
    missing = run("seed", str(tmp_path / "nope.json"), "--db", str(db))
    assert missing.exit_code == 2 and "nope.json: cannot read it" in missing.stderr
