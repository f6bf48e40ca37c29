"""Sending bound jobs, worded: the estimate, the live-mode question, each job's summary,
and the exit code (0, or 9 when some rows failed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from pivotal_cli.cli.commands.importer.options import ImportOptions, rows

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext, Target
    from pivotal_cli.jobs.bind import JobFile
    from pivotal_cli.jobs.session import Session
    from pivotal_cli.render.output import Output

PARTIAL_NOTE = "Finished; some rows failed"


def send(app_ctx: AppContext, journals: list[JobFile], options: ImportOptions) -> None:
    """Bind to the key's workspace, estimate, confirm (live keys), send, report."""
    from pivotal_cli.errors import ExitCode
    from pivotal_cli.jobs import job_target
    from pivotal_cli.jobs.session import Session

    out = app_ctx.output
    target = app_ctx.target()
    client = app_ctx.client(target=target, waiting=False, paced_by_caller=True)
    try:
        session = Session.start(client, journals)
        for journal, _ in journals:
            job_target.record(journal, target, session.identity.org_slug)
        if session.to_send:
            _estimate(out, session, session.limit, session.remaining)
        else:
            out.info("Nothing to send: no row is waiting (each is done or failed its checks).")
        if (session.identity.mode or target.mode) == "live" and session.to_send:
            _confirm_live(app_ctx, target, session, options.yes)
        summaries = session.run(
            client,
            out,
            concurrency=options.concurrency,
            on_report=lambda result: None if options.json else _report(out, result),
        )
    finally:
        client.close()
    if options.json:
        out.json(summaries[0] if len(summaries) == 1 else {"jobs": summaries})
    failed = sum(s["failed"] for s in summaries)
    if failed:
        out.warn(f"{PARTIAL_NOTE}: {failed} in all (exit {int(ExitCode.PARTIAL)}).")
        raise typer.Exit(ExitCode.PARTIAL)


def _estimate(out: Output, session: Session, limit: int | None, left: int | None) -> None:
    """How long the send takes, counting only the requests this job will make."""
    from pivotal_cli.domain.importing import minutes_for

    count = session.to_send
    patches = session.followups()
    walks = session.reads_first()
    extras = []
    if patches:
        extras.append(
            f"{patches} more to set fields only an update takes, after their create"
            if patches > 1
            else "1 more to set fields only an update takes, after its create"
        )
    if walks:
        extras.append(f"reading the workspace's {' and '.join(walks)} first, 1 per 100")
    also = f" (plus {'; '.join(extras)})" if extras else ""
    minutes = minutes_for(count + patches, limit, left)
    if minutes is None:
        out.info(f"{rows(count)} to send{also}; the API reports no rate limit for this key.")
        return
    if minutes == 0:
        how_long = f"within the {left} requests left in this minute"
    else:
        how_long = (
            f"about {round(minutes, 1):g} min" if minutes >= 1 else f"about {minutes * 60:.0f} s"
        )
    out.info(f"{rows(count)} to send at this key's {limit} requests/min: {how_long}{also}.")


def _confirm_live(app_ctx: AppContext, target: Target, session: Session, yes: bool) -> None:
    from dataclasses import replace

    from pivotal_cli.cli.flows import confirm_live, live_label

    workspace = session.identity.org_slug
    live = live_label(replace(target, mode="live"), workspace)
    parts = [f"{count} {meta['resource']}s ({meta['mode']})" for meta, count in session.open_counts]
    launches = session.launches()
    question = f"Import {', '.join(parts)} into {workspace} (LIVE)"
    if launches:
        question += (
            f", with {launches} onboardings entering launch (launch-day automations fire: "
            "a Slack DM to the CSM, a calendar entry, a launch-recap email)"
        )
    confirm_live(app_ctx, live, question + "?", yes=yes)


def _report(out: Output, result: dict[str, Any]) -> None:
    out.info(
        f"{result['resource']} ({result['job']}): {rows(result['rows'])}: "
        f"{result['created']} created, {result['updated']} updated, "
        f"{result['unchanged']} unchanged, {result['existing']} existing, "
        f"{result['failed']} failed"
        + (f", {result['unfinished']} unfinished" if result["unfinished"] else "")
        + "."
    )
    files = result["results"]
    out.info(f"Results: {files['succeeded']}; failures: {files['failed']}.")
