"""What an import says before and while it runs: the preflight names only the requests
that job will make, and problems name the file's own line numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pivotal_cli.sandbox.adapters.testing import running_server


def env_for(server: Any) -> dict[str, str]:
    return {"PIVOTAL_API_KEY": server.test_key, "PIVOTAL_BASE_URL": server.base_url}


def preflight(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if "to send" in line)


def test_a_create_only_job_promises_no_updates_or_lookups(cli: Any, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("name,slug,status\nPlain One,plain-one,active\nPlain Two,plain-two,active\n")
    with running_server(rate_limit=100, seed="empty") as server:
        result = cli("import", "customers", str(source), env=env_for(server))
    assert result.exit_code == 0, result.stderr
    line = preflight(result.stderr)
    assert line.startswith("2 rows to send at this key's 100 requests/min")
    assert "update" not in line and "lookup" not in line and "reading" not in line


def test_contacts_by_customer_slug_say_they_read_the_customers_first(
    cli: Any, tmp_path: Path
) -> None:
    with running_server(rate_limit=100) as server:
        env = env_for(server)
        listed = cli("customers", "list", "--limit", "1", "--json", env=env)
        slug = json.loads(listed.stdout)[0]["slug"]
        source = tmp_path / "contacts.csv"
        source.write_text(f"customer_slug,name,email\n{slug},Ann Lee,ann.words@example.com\n")
        result = cli("import", "contacts", str(source), env=env)
    assert result.exit_code == 0, result.stderr
    line = preflight(result.stderr)
    assert "reading the workspace's customers first, 1 per 100" in line
    assert "update" not in line


def test_a_field_only_an_update_takes_is_counted_in_the_estimate(cli: Any, tmp_path: Path) -> None:
    with running_server(rate_limit=100, seed="empty") as server:
        env = env_for(server)
        made = cli("customers", "create", "--name", "Wait Co", "--slug", "wait-co", env=env)
        assert made.exit_code == 0, made.stderr
        source = tmp_path / "onboardings.csv"
        source.write_text("customer_slug,phase,waiting_on_customer\nwait-co,review,true\n")
        result = cli("import", "onboardings", str(source), env=env)
    assert result.exit_code == 0, result.stderr
    line = preflight(result.stderr)
    assert "1 more to set fields only an update takes, after its create" in line, line
