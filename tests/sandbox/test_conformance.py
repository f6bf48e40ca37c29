"""Conformance of the sandbox to our OpenAPI document, on a small schemathesis budget.

The same harness as `scripts/conformance.py` (real server on loopback, every check, all
phases, fixed seed, two peer workspaces), with 20 examples per operation so it fits in
the suite (~25 s). Failures listed in `conformance_baseline.json` would be accepted as
known sandbox bugs (each entry must say which, in a `bug` note, and come out once fixed;
it is empty now); any other failure fails this test. A second, cheaper run against a
deliberately broken sandbox proves the harness still has teeth, and two more small runs
(no coverage phase, 5 examples) prove that one seed gives one request sequence.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("schemathesis")
pytest.importorskip("pivotal_cli.sandbox.adapters.testing")

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("conformance_baseline.json")


def load_conformance() -> Any:
    spec = importlib.util.spec_from_file_location(
        "conformance", ROOT / "scripts" / "conformance.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Registered first: dataclasses resolve their string annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def generated_cases(output: str) -> int:
    match = re.search(r"(\d+) generated", output)
    return int(match.group(1)) if match else 0


def test_sandbox_conforms_to_the_openapi_document() -> None:
    conformance = load_conformance()
    result = conformance.run(max_examples=20, baseline=BASELINE, echo=False)
    assert result.returncode == 0, result.output[-12000:]
    # A run that tested (almost) nothing must not pass: all 18 operations, all phases.
    assert "Tested: 18" in result.output, result.output[-3000:]
    assert generated_cases(result.output) >= 1000, result.output[-3000:]


def test_one_seed_gives_one_request_sequence(tmp_path: Path) -> None:
    """Two runs with the same seed send the same requests and get the same statuses.

    The coverage phase is left out to keep this quick: it is a fixed list of cases, and
    the phases that reuse response values (stateful above all) are the ones at risk.
    """
    conformance = load_conformance()
    logs = []
    for attempt in ("first", "second"):
        log = tmp_path / f"{attempt}.log"
        result = conformance.run(
            max_examples=5, phases="examples,fuzzing,stateful", echo=False, request_log=log
        )
        assert result.returncode == 0, result.output[-3000:]
        logs.append(log.read_text("utf-8").splitlines())
    assert len(logs[0]) >= 100, logs[0][:10]
    # No keys in the log: only method, target, body hash and status.
    assert not any("pivotal_" in line for line in logs[0])
    if logs[0] != logs[1]:
        first_difference = next(
            (i for i, pair in enumerate(zip(*logs, strict=False)) if pair[0] != pair[1]),
            min(map(len, logs)),
        )
        raise AssertionError(
            f"the runs differ from request {first_difference}:"
            f" {logs[0][first_difference : first_difference + 3]}"
            f" vs {logs[1][first_difference : first_difference + 3]}"
            f" ({len(logs[0])} and {len(logs[1])} requests)"
        )


def test_baseline_holds_only_documented_sandbox_bugs() -> None:
    document = json.loads((ROOT / "src/pivotal_cli/domain/openapi.json").read_text("utf-8"))
    labels = {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }
    entries = json.loads(BASELINE.read_text("utf-8"))["entries"]
    for entry in entries:
        assert entry["operation"] in labels, entry
        assert entry.get("bug", "").startswith("Sandbox bug: "), entry


def test_harness_catches_a_cross_workspace_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sandbox whose customer lookup ignores the workspace must fail conformance."""
    from pivotal_cli.sandbox.data import ids
    from pivotal_cli.sandbox.resources import customers

    def leaky_find(tx: Any, workspace_id: str, id_like: str, *, include_deleted: bool = False):
        column, value = ids.parse_id(id_like)
        hidden = "" if include_deleted else " AND deleted_us IS NULL"
        sql = f"SELECT * FROM customers WHERE {column} = ?{hidden}"
        return tx.execute(sql, (value,)).fetchone()

    # running_server runs in this process, so the patch reaches the live handlers.
    monkeypatch.setattr(customers, "find", leaky_find)
    conformance = load_conformance()
    result = conformance.run(
        max_examples=10,
        phases="fuzzing,stateful",
        checks="object_level_authorization",
        echo=False,
    )
    assert result.returncode != 0, result.output[-3000:]
    assert "ST402" in result.output, result.output[-3000:]


def test_a_sandbox_whose_clock_moved_a_month_on_still_conforms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--clock-offset` (CI's second pass): seeded rows a month old, every instant later."""
    from datetime import timedelta

    conformance = load_conformance()
    moved: list[timedelta] = []
    advance = conformance.advance_clock

    def watched(server: Any, offset: str) -> None:
        before = server.sandbox.clock()
        advance(server, offset)
        moved.append(server.sandbox.clock() - before)

    monkeypatch.setattr(conformance, "advance_clock", watched)
    result = conformance.run(
        max_examples=5, phases="examples,fuzzing,stateful", clock_offset="30d", echo=False
    )
    assert result.returncode == 0, result.output[-3000:]
    assert "Tested: 18" in result.output, result.output[-3000:]
    assert len(moved) == 1 and moved[0] >= timedelta(days=30), moved


def test_clock_offset_must_be_a_duration(capsys: pytest.CaptureFixture[str]) -> None:
    conformance = load_conformance()
    with pytest.raises(SystemExit) as exited:
        conformance.main(["--clock-offset", "soon"])
    assert exited.value.code == 2
    assert "--clock-offset: not a duration: 'soon'" in capsys.readouterr().err
