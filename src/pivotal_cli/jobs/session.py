"""Running the jobs of one import (or one resume) in turn, against one workspace.

`Session.start` asks `/me` and binds every job to the key's workspace, then holds the
facts the command line needs before it sends: the rows each job still has to send,
and how many onboardings would enter launch. `run` sends each job in turn with its own
pacer (the first one starts from what the key's rate-limit window has already spent),
shows its progress, writes its result files, moves a finished journal to `done/`, and
hands each job's summary to `on_report` as soon as the job ends, stopped or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pivotal_cli.client.bulk import Pacer
from pivotal_cli.client.http import Client
from pivotal_cli.client.identity import Identity
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs.bind import JobFile, bind, job_name, who
from pivotal_cli.jobs.journal import Journal
from pivotal_cli.jobs.results import ACTIONS, finish_if_done, report
from pivotal_cli.jobs.runner import Runner
from pivotal_cli.jobs.stops import JobStopped

if TYPE_CHECKING:
    from pivotal_cli.render.output import Output

LAUNCH = "launch"


def open_count(journal: Journal) -> int:
    """Rows the job still has to send."""
    counts = journal.counts()
    return sum(counts.get(status, 0) for status in jr.OPEN)


@dataclass
class Session:
    """Bound jobs, ready to send; see the module docstring."""

    journals: list[JobFile]
    identity: Identity
    limit: int | None
    remaining: int | None
    open_counts: list[tuple[dict[str, Any], int]]  # (the job's meta, rows to send)

    @classmethod
    def start(cls, client: Client, journals: list[JobFile]) -> Session:
        identity, rate = who(client, journals)
        bind(journals, identity.org_slug)
        counts = [(journal.meta(), open_count(journal)) for journal, _ in journals]
        return cls(journals, identity, rate.limit, rate.remaining, counts)

    @property
    def to_send(self) -> int:
        return sum(count for _, count in self.open_counts)

    def followups(self) -> int:
        """Requests beyond one per row: a PATCH after each create that sets fields only
        an update takes."""
        return sum(journal.open_extra_requests()[0] for journal, _ in self.journals)

    def reads_first(self) -> list[str]:
        """The lists the jobs walk before sending (each 1 request per 100 records)."""
        walks: list[str] = []
        for journal, _ in self.journals:
            meta = journal.meta()
            upsert = meta["mode"] == "upsert"
            if (upsert and meta["resource"] == "customer") or journal.open_extra_requests()[1]:
                walks.append("customers")
            if upsert and meta["resource"] != "customer":
                walks.append(f"{meta['resource']}s")
        return list(dict.fromkeys(walks))

    def launches(self) -> int:
        """Onboarding rows that would enter the launch phase (launch-day automations)."""
        return sum(
            1
            for journal, _ in self.journals
            if journal.meta()["resource"] == "onboarding"
            for row in journal.open_rows()
            if row.plan.get("create", {}).get("phase") == LAUNCH
            or row.plan.get("wanted", {}).get("phase") == LAUNCH
        )

    def run(
        self,
        client: Client,
        output: Output,
        *,
        concurrency: int,
        on_report: Callable[[dict[str, Any]], None],
    ) -> list[dict[str, Any]]:
        """Send every job in turn; each job's summary. Raises JobStopped when cut short."""
        summaries: list[dict[str, Any]] = []
        for index, (journal, path) in enumerate(self.journals):
            used = (
                (self.limit - self.remaining)
                if self.limit and self.remaining is not None and index == 0
                else 0
            )
            pacer = Pacer(self.limit, used=used)
            try:
                _run_one(journal, client, pacer, output, concurrency)
            except JobStopped as stopped:
                # A bundle resumes as a whole: its name picks up every part left.
                stopped.details["job"] = job_name(journal)
                raise
            finally:
                result = report(journal)
                summaries.append(result)
                on_report(result)
                finish_if_done(journal, path)
        return summaries


def _run_one(
    journal: Journal, client: Client, pacer: Pacer, output: Output, concurrency: int
) -> None:
    from pivotal_cli.render.import_progress import ImportProgress

    total = open_count(journal)
    if not total:
        return
    shown: list[ImportProgress] = []
    runner = Runner(
        journal,
        client,
        concurrency=concurrency,
        pacer=pacer,
        on_row=lambda: shown[0].tick() if shown else None,
    )
    label = f"{journal.meta()['resource']}s"
    counts = journal.counts()
    # The bar counts every row of the job, as the summary does: rows settled before
    # this run (failed checks, done earlier) start it off.
    settled = {action: counts.get(f"action:{action}", 0) for action in ACTIONS}
    settled["failed"] = counts.get(jr.FAILED, 0)
    shown.append(
        ImportProgress(
            output,
            label,
            counts.get("total", total),
            runner.tally.snapshot,
            pacer.remaining,
            settled=settled,
            schedule=pacer,
        )
    )
    with shown[0]:
        runner.run()
