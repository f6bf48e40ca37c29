"""The id index's Collector: `tee` files the same entries as adding every record.

`tee` defers making entries to the end and keeps only the last LIMIT records of each
resource, so `--all` over a large workspace pays one lookup a row and stays flat.
"""

from __future__ import annotations

from typing import Any

from pivotal_cli.settings.id_index import LIMIT, Collector


def records(count: int) -> list[Any]:
    made: list[Any] = []
    for n in range(count):
        made.append({"object": "customer", "id": f"c{n}", "display_id": n, "name": f"A\t{n}"})
        if n % 3 == 0:
            made.append({"object": "onboarding", "id": f"o{n}", "display_id": n, "phase": "p"})
        if n % 7 == 0:
            made.append({"object": "customer", "id": f"x{n}"})  # no display_id: left out
            made.append(["not", "a", "record"])
    return made


def test_tee_files_what_adding_every_record_files() -> None:
    seen = records(3 * LIMIT)
    eager = Collector()
    for record in seen:
        eager.add(record)
    lazy = Collector()
    assert list(lazy.tee(iter(seen))) == seen
    assert {k: list(v) for k, v in lazy.entries.items()} == {
        k: list(v) for k, v in eager.entries.items()
    }
    assert len(lazy.entries["customers"]) == LIMIT
    assert lazy.entries["customers"][-1][3] == f"c{3 * LIMIT - 1}"


def test_tee_keeps_at_most_limit_records_a_resource() -> None:
    lazy = Collector()
    for _ in lazy.tee(iter(records(5 * LIMIT))):
        pass
    assert all(len(kept) <= LIMIT for kept in lazy._pending.values())
