"""How `status` and `dash` draw: rows shared out to fit a height, one style per value,
and the one rule for humane dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from rich.console import Console

from pivotal_cli.domain.glance import glance
from pivotal_cli.domain.schema import PHASES
from pivotal_cli.render.glance import renderable, section_cost, share_rows
from pivotal_cli.render.views import STATUS_STYLES, ago

TODAY = date(2026, 12, 2)


def test_rows_are_shared_round_the_sections_within_the_budget() -> None:
    totals = [4, 30, 0, 2]
    shown = share_rows(totals, 14)
    assert sum(section_cost(t, s) for t, s in zip(totals, shown, strict=True)) <= 14
    assert shown[0] >= 1 and shown[3] >= 1  # the long section does not crowd them out
    assert shown[2] == 0
    assert share_rows(totals, 100) == totals  # room for everything: nothing cut


def test_a_budget_too_small_for_any_row_still_counts_every_section() -> None:
    assert share_rows([5, 5], 2) == [0, 0]


def _overdue(n: int) -> dict[str, Any]:
    return {
        "display_id": n,
        "customer_id": f"c{n}",
        "phase": PHASES[n % 5],
        "state": "active",
        "target_launch_date": "2026-01-01T00:00:00.000Z",
        "waiting_on_customer": False,
    }


def test_a_fitted_view_keeps_its_header_and_footer_within_the_height() -> None:
    view = glance([_overdue(n) for n in range(1, 60)], TODAY)
    console = Console(width=80, height=24, record=True, color_system=None)
    console.print(renderable(view, lambda _: None, console, ["q to quit · x"], height=24))
    lines = console.export_text().rstrip("\n").split("\n")
    assert len(lines) <= 24
    assert lines[0].startswith("Week ") and lines[-1] == "q to quit · x"
    assert any("… and" in line and "more" in line for line in lines)


def test_each_phase_has_its_own_colour_and_at_risk_is_not_paused() -> None:
    colours = [STATUS_STYLES[p] for p in PHASES]
    assert len(set(colours)) == len(PHASES)
    assert STATUS_STYLES["at_risk"] != STATUS_STYLES["paused"]


def test_moments_are_relative_within_30_days_and_dates_beyond() -> None:
    now = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)
    iso = (now - timedelta(days=29)).isoformat()
    assert ago(iso, now) == "29d ago"
    assert ago((now - timedelta(days=31)).isoformat(), now) == "2026-11-01"
    assert ago((now + timedelta(days=2)).isoformat(), now) == "in 2d"
    assert ago((now + timedelta(days=40)).isoformat(), now) == "2027-01-11"
