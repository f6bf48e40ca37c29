"""`pivotal import`: bulk create and upsert from CSV, JSONL or JSON, journaled and resumable.

The module is `importer` because `import` is a Python keyword; `cli/app.py` maps the
command name to it. The work happens below: `jobs/` reads files, journals rows and runs
the job, `client/bulk.py` paces and looks up, `domain/importing.py` types rows,
`render/import_progress.py` draws progress. This module wires options, asks before
live writes, and words the outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.options import JsonOpt, YesOpt, group

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.loader import JobSpec

app = group("Create or update many records from a CSV, JSONL or JSON file, resumably.")

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="csv|jsonl|json",
        help="The input's format (default: from the file's extension; on stdin, from its first "
        "character: [ json, { jsonl, else csv).",
        show_default=False,
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="COLUMN=FIELD",
        help="Read COLUMN as FIELD (a field, metadata.KEY, customer_slug, …); repeatable.",
        show_default=False,
    ),
]
ModeChoice = Annotated[
    str,
    typer.Option(
        "--mode",
        metavar="create|upsert",
        help="create: every row is a new record. upsert: create what is missing, update "
        "only the fields that differ, leave the rest alone.",
    ),
]
KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        metavar="FIELD",
        help="How upsert matches records: slug, metadata.FIELD, id, … (default: slug for "
        "customers, email for contacts, customer for onboardings).",
        show_default=False,
    ),
]
CustomerKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--customer-key",
        metavar="id|display_id|slug|metadata.FIELD",
        help="How a `customer` column names the customer (default: guessed per value).",
        show_default=False,
    ),
]
ConcurrencyOpt = Annotated[
    int,
    typer.Option("--concurrency", min=1, max=8, metavar="N", help="Requests in flight (1-8)."),
]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Check every row locally and report each problem; send nothing.",
    ),
]
RemoteOpt = Annotated[
    bool,
    typer.Option(
        "--remote",
        help="With --dry-run: also read the workspace and count the rows that would be "
        "created, updated, left unchanged or refused (costs reads; no writes). "
        "--dry-run=remote is the same.",
    ),
]
ErrorsOpt = Annotated[
    Path | None,
    typer.Option(
        "--errors",
        metavar="FILE",
        help="Write the problems found (row, column, code, message) to this CSV "
        "(default for --dry-run: next to the job's results).",
        show_default=False,
    ),
]
JobArg = Annotated[str, typer.Argument(metavar="JOB", help="The job's name (`import list`).")]

DEFAULT_KEYS = {"customer": "slug", "contact": "email", "onboarding": "customer"}
BUNDLE_ORDER = ("customers", "contacts", "onboardings")
PARTIAL_NOTE = "Finished; some rows failed"


def _resource_command(plural: str) -> None:
    resource = plural[:-1]

    @app.command(plural)
    @handle_errors
    def command(
        ctx: typer.Context,
        file: Annotated[
            str, typer.Argument(metavar="FILE", help="CSV, JSONL or JSON file; - for stdin.")
        ],
        format_: FormatOpt = None,
        map_: MapOpt = None,
        mode: ModeChoice = "create",
        key: KeyOpt = None,
        customer_key: CustomerKeyOpt = None,
        concurrency: ConcurrencyOpt = 4,
        dry_run: DryRunOpt = False,
        remote: RemoteOpt = False,
        errors: ErrorsOpt = None,
        yes: YesOpt = False,
        json_: JsonOpt = False,
    ) -> None:
        from pivotal_cli.jobs.files import detect_format

        options = _Options(
            mode, key, customer_key, concurrency, dry_run, remote, errors, yes, json_
        )
        options.check(resource)
        fmt = detect_format(file, _format(format_))
        _import(ctx.obj, [(resource, file, fmt)], options, _renames(map_, resource))

    command.__doc__ = (
        f"Create (or upsert) {plural} from FILE: one row per record, columns named after "
        f"the fields. Journaled: `pivotal import resume` finishes a stopped job."
    )


class _Options(NamedTuple):
    """The options every import command shares, as given."""

    mode: str
    key: str | None
    customer_key: str | None
    concurrency: int
    dry_run: bool
    remote: bool
    errors: Path | None
    yes: bool
    json: bool

    def check(self, resource: str | None) -> None:
        from pivotal_cli.domain import importing
        from pivotal_cli.errors import UsageError

        if self.mode not in ("create", "upsert"):
            raise UsageError(f"--mode must be create or upsert, not '{self.mode}'.")
        if self.remote and not self.dry_run:
            raise UsageError("--remote only goes with --dry-run.")
        if self.key is not None and self.mode != "upsert":
            raise UsageError("--key only goes with --mode upsert.")
        if self.key is not None and resource is not None:
            problem = importing.key_problem(resource, self.key)
            if problem:
                raise UsageError(f"--key {self.key}: {problem}.")
        if self.customer_key is not None:
            problem = importing.customer_ref_problem(self.customer_key)
            if problem:
                raise UsageError(f"--customer-key: {problem}.")

    def key_for(self, resource: str, *, bundle: bool) -> str | None:
        """The upsert key of one resource; in a bundle --key is the customers' only."""
        if self.mode != "upsert":
            return None
        if self.key and (resource == "customer" or not bundle):
            return self.key
        return DEFAULT_KEYS[resource]


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _format(value: str | None) -> str | None:
    from pivotal_cli.errors import UsageError
    from pivotal_cli.jobs.files import FORMATS

    if value is not None and value not in FORMATS:
        raise UsageError(f"--format must be csv, jsonl or json, not '{value}'.")
    return value


def _renames(pairs: list[str] | None, resource: str) -> dict[str, str]:
    from pivotal_cli.domain.importing import parse_renames, rename_problem
    from pivotal_cli.errors import UsageError

    try:
        renames = parse_renames(pairs or [])
    except ValueError as exc:
        raise UsageError(f"--map: {exc}.") from None
    for column, target in renames.items():
        problem = rename_problem(resource, target)
        if problem:
            raise UsageError(f"--map {column}={target}: {problem}.")
    return renames


for _plural in BUNDLE_ORDER:
    _resource_command(_plural)


@app.command("bundle")
@handle_errors
def bundle(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="A directory with customers.<ext>, contacts.<ext>, onboardings.<ext>.",
        ),
    ],
    mode: ModeChoice = "create",
    key: KeyOpt = None,
    customer_key: CustomerKeyOpt = None,
    concurrency: ConcurrencyOpt = 4,
    dry_run: DryRunOpt = False,
    remote: RemoteOpt = False,
    errors: ErrorsOpt = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Import an export bundle: customers, then contacts, then onboardings.

    Contacts and onboardings find their customer by `customer_slug` (written by
    `pivotal export all`). --key applies to customers; contacts match by email and
    onboardings by customer.
    """
    from pivotal_cli.errors import UsageError

    options = _Options(mode, key, customer_key, concurrency, dry_run, remote, errors, yes, json_)
    options.check("customer")
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory.", reason="import_file_missing")
    parts = []
    for plural in BUNDLE_ORDER:
        found = [directory / f"{plural}.{ext}" for ext in ("jsonl", "csv", "json")]
        present = [path for path in found if path.is_file()]
        if present:
            parts.append((plural[:-1], str(present[0]), present[0].suffix[1:]))
    if not parts:
        raise UsageError(
            f"{directory} holds none of customers, contacts or onboardings (.jsonl, .csv "
            "or .json).",
            reason="import_file_missing",
        )
    _import(ctx.obj, parts, options, {}, bundle=True)


# -- one import: load, check, confirm, send -----------------------------------------


def _import(
    app_ctx: AppContext,
    parts: list[tuple[str, str, str]],
    options: _Options,
    renames: dict[str, str],
    *,
    bundle: bool = False,
) -> None:
    import secrets
    import time

    from pivotal_cli.jobs import paths
    from pivotal_cli.jobs.loader import JobSpec, new_job_id

    now = time.time()
    salt = secrets.token_hex(2)
    bundle_id = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + f"-{salt}" if bundle else None
    folder = paths.ensure(
        paths.imports_dir() / "dry-runs" if options.dry_run else paths.imports_dir()
    )
    jobs: list[tuple[JobSpec, Path]] = []
    for index, (resource, source, fmt) in enumerate(parts, start=1):
        job_id = (
            f"{bundle_id}-{index}-{resource}s" if bundle_id else new_job_id(resource, now, salt)
        )
        spec = JobSpec(
            job_id=job_id,
            resource=resource,
            mode=options.mode,
            source=source if source == "-" else str(Path(source).resolve()),
            format=fmt,
            key=options.key_for(resource, bundle=bundle),
            customer_key=options.customer_key,
            renames=renames,
            bundle=bundle_id,
        )
        jobs.append((spec, folder / f"{job_id}.sqlite"))
    problems = _load_all(app_ctx, jobs, options, bundle)
    if options.dry_run:
        _finish_dry_run(app_ctx, jobs, options, problems)
        return
    from pivotal_cli.jobs.journal import Journal

    journals = [(Journal(path), path) for _, path in jobs]
    _run_jobs(app_ctx, journals, options)


def _load_all(
    app_ctx: AppContext, jobs: list[tuple[JobSpec, Path]], options: _Options, bundle: bool
) -> int:
    """Read every input into its journal; each problem on stderr (and in --errors)."""
    import csv

    from pivotal_cli.jobs.files import RowReader
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.loader import load

    out = app_ctx.output
    errors_path = options.errors
    if errors_path is None and options.dry_run:
        from pivotal_cli.jobs import paths

        errors_path = paths.ensure(paths.results_dir()) / f"{jobs[0][0].job_id}.errors.csv"
    handle = open(errors_path, "w", newline="", encoding="utf-8") if errors_path else None  # noqa: SIM115
    writer = csv.writer(handle) if handle else None
    if writer:
        writer.writerow(["file", "row", "column", "field", "code", "message"])
    total = 0
    customer_slugs: set[str] | None = set() if bundle and options.dry_run else None
    try:
        for spec, path in jobs:
            name = Path(spec.source).name if spec.source != "-" else "stdin"

            def report(problem: Any, name: str = name) -> None:
                out.error(f"{name}: {problem.line()}")
                if writer:
                    writer.writerow(
                        [
                            name,
                            problem.row,
                            problem.column,
                            problem.field or "",
                            problem.code,
                            problem.message,
                        ]
                    )

            reader = RowReader(spec.source, spec.format)
            with Journal(path) as journal:
                check_slugs = customer_slugs if spec.resource != "customer" else None
                loaded = load(
                    journal, spec, reader, on_problem=report, bundle_customers=check_slugs
                )
                if customer_slugs is not None and spec.resource == "customer":
                    customer_slugs.update(_slugs(journal))
            for column in loaded.unknown_columns:
                out.warn(f"{name}: column '{column}' matches no field and is ignored (--map it).")
            total += loaded.problems
    finally:
        if handle:
            handle.close()
    if errors_path and total:
        out.info(f"Problems written to {errors_path}.")
    return total


def _slugs(journal: Journal) -> set[str]:
    return {
        str(row.plan["create"]["slug"])
        for row in journal.open_rows()
        if row.plan.get("create", {}).get("slug")
    }


def _finish_dry_run(
    app_ctx: AppContext, jobs: list[tuple[JobSpec, Path]], options: _Options, problems: int
) -> None:
    from pivotal_cli.errors import ExitCode
    from pivotal_cli.jobs.journal import Journal

    out = app_ctx.output
    report: dict[str, Any] = {"problems": problems, "jobs": []}
    client = None
    try:
        if options.remote:
            client = app_ctx.client(waiting=False)
        for spec, path in jobs:
            with Journal(path) as journal:
                counts = journal.counts()
                entry: dict[str, Any] = {
                    "resource": spec.resource + "s",
                    "rows": counts.get("total", 0),
                    "invalid": counts.get("failed", 0),
                }
                if client is not None:
                    from pivotal_cli.jobs.runner import Runner

                    runner = Runner(journal, client)
                    out.info(f"{entry['resource']}: reading {runner.planned_reads()}; no writes.")
                    preview = runner.preview()
                    entry.update(dict(preview.actions))
                    entry["reads"] = preview.reads
                report["jobs"].append(entry)
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
    finally:
        if client is not None:
            client.close()
    if options.json:
        out.json(report)
    for entry in report["jobs"]:
        line = f"{entry['resource']}: {_rows(entry['rows'])}, {entry['invalid']} with problems"
        if "reads" in entry:
            line += (
                f"; would create {entry.get('created', 0)}, update {entry.get('updated', 0)}, "
                f"leave {entry.get('unchanged', 0)} unchanged "
                f"({entry['reads']} read{'' if entry['reads'] == 1 else 's'})"
            )
            if entry.get("conflict"):
                line += (
                    f"; {entry['conflict']} would fail: their slug is already taken"
                    " (--mode upsert --key slug updates those instead)"
                )
            if entry.get("failed"):
                line += f"; {entry['failed']} would fail: their customer was not found"
        out.info(line)
    would_fail = sum(entry.get("conflict", 0) + entry.get("failed", 0) for entry in report["jobs"])
    if problems or would_fail:
        found = [f"{problems} problem{'' if problems == 1 else 's'} found"] if problems else []
        found += [f"{_rows(would_fail)} would fail against the workspace"] if would_fail else []
        out.error(f"Dry run: {'; '.join(found)}; nothing was sent.")
        raise typer.Exit(ExitCode.USAGE)
    out.success("Dry run: no problems found; nothing was sent.")


def _run_jobs(
    app_ctx: AppContext,
    journals: list[tuple[Journal, Path]],
    options: _Options,
) -> None:
    """Confirm (live keys), estimate, send each job in turn, report; exit 0 or 9."""
    from pivotal_cli.client.bulk import Pacer
    from pivotal_cli.errors import ExitCode, UsageError
    from pivotal_cli.jobs import journal as jr
    from pivotal_cli.jobs.results import finish_if_done
    from pivotal_cli.jobs.runner import JobStopped

    out = app_ctx.output
    target = app_ctx.target()
    client = app_ctx.client(target=target, waiting=False, paced_by_caller=True)
    summaries: list[dict[str, Any]] = []
    try:
        identity, rate = _who(client, journals)
        mode = identity.mode or target.mode
        for journal, _ in journals:
            meta = journal.meta()
            if meta.get("workspace") and meta["workspace"] != identity.org_slug:
                raise UsageError(
                    f"Job {meta['job_id']} writes to workspace {meta['workspace']}, but this key "
                    f"opens {identity.org_slug}.",
                    reason="import_other_workspace",
                )
            journal.set_meta({"workspace": identity.org_slug})
        open_counts = [
            (journal.meta(), sum(journal.counts().get(s, 0) for s in jr.OPEN))
            for journal, _ in journals
        ]
        to_send = sum(count for _, count in open_counts)
        limit, remaining = rate.limit, rate.remaining
        if to_send:
            _estimate(app_ctx, to_send, limit, remaining)
        else:
            out.info("Nothing to send: no row is waiting (each is done or failed its checks).")
        if mode == "live" and to_send:
            _confirm_live(app_ctx, identity.org_slug, journals, open_counts, options.yes)
        for index, (journal, path) in enumerate(journals):
            used = (limit - remaining) if limit and remaining is not None and index == 0 else 0
            pacer = Pacer(limit, used=used)
            try:
                _run_one(app_ctx, journal, client, pacer, options)
            except JobStopped as stopped:
                # A bundle resumes as a whole: its name picks up every part left.
                meta = journal.meta()
                stopped.details["job"] = meta.get("bundle") or meta["job_id"]
                raise
            finally:
                summaries.append(_report(app_ctx, journal, options))
                finish_if_done(journal, path)
    finally:
        client.close()
    if options.json:
        out.json(summaries[0] if len(summaries) == 1 else {"jobs": summaries})
    failed = sum(s["failed"] for s in summaries)
    if failed:
        out.warn(f"{PARTIAL_NOTE}: {failed} in all (exit {int(ExitCode.PARTIAL)}).")
        raise typer.Exit(ExitCode.PARTIAL)


def _who(client: Any, journals: list[tuple[Journal, Path]]) -> tuple[Any, Any]:
    """/me: whose key, and its rate limit. The job is journaled already, so a failure
    here stops it resumably rather than losing it."""
    from pivotal_cli.client.meta import get_me
    from pivotal_cli.errors import APIError, AuthenticationError, NetworkError
    from pivotal_cli.errors import PermissionDeniedError as Denied
    from pivotal_cli.jobs.runner import JobStopped

    try:
        identity, _, rate = get_me(client)
    except (APIError, NetworkError) as error:
        refused = isinstance(error, (AuthenticationError, Denied))
        transient = isinstance(error, NetworkError) or (
            isinstance(error, APIError) and (error.status >= 500 or error.status == 429)
        )
        if not (refused or transient):
            raise
        meta = journals[0][0].meta()
        raise JobStopped(
            error.message,
            cause=error,
            job_id=meta.get("bundle") or meta["job_id"],
            reason="import_key_refused" if refused else "import_server_errors",
        ) from None
    return identity, rate


def _estimate(app_ctx: AppContext, rows: int, limit: int | None, left: int | None) -> None:
    from pivotal_cli.domain.importing import minutes_for

    minutes = minutes_for(rows, limit, left)
    if minutes is None:
        app_ctx.output.info(f"{_rows(rows)} to send; the API reports no rate limit for this key.")
        return
    if minutes == 0:
        how_long = f"within the {left} requests left in this minute"
    else:
        how_long = (
            f"about {round(minutes, 1):g} min" if minutes >= 1 else f"about {minutes * 60:.0f} s"
        )
    app_ctx.output.info(
        f"{_rows(rows)} to send at this key's {limit} requests/min: {how_long} "
        "(plus one request per update after a create, and the lookups)."
    )


def _confirm_live(
    app_ctx: AppContext,
    workspace: str,
    journals: list[tuple[Journal, Path]],
    open_counts: list[tuple[dict[str, Any], int]],
    yes: bool,
) -> None:
    out = app_ctx.output
    parts = [f"{count} {meta['resource']}s ({meta['mode']})" for meta, count in open_counts]
    launches = 0
    for journal, _ in journals:
        if journal.meta()["resource"] == "onboarding":
            launches += sum(
                1
                for row in journal.open_rows()
                if row.plan.get("create", {}).get("phase") == "launch"
                or row.plan.get("wanted", {}).get("phase") == "launch"
            )
    out.warn(f"Live mode: workspace {workspace}. Changes are real and fire integrations.")
    question = f"Import {', '.join(parts)} into {workspace} (LIVE)"
    if launches:
        question += (
            f", with {launches} onboardings entering launch (launch-day automations fire: "
            "a Slack DM to the CSM, a calendar entry, a launch-recap email)"
        )
    out.confirm(question + "?", assume_yes=yes)


def _run_one(
    app_ctx: AppContext, journal: Journal, client: Any, pacer: Any, options: _Options
) -> None:
    from pivotal_cli.jobs import journal as jr
    from pivotal_cli.jobs.runner import Runner
    from pivotal_cli.render.import_progress import ImportProgress

    meta = journal.meta()
    total = sum(journal.counts().get(s, 0) for s in jr.OPEN)
    if not total:
        return
    shown: list[ImportProgress] = []
    runner = Runner(
        journal,
        client,
        concurrency=options.concurrency,
        pacer=pacer,
        on_row=lambda: shown[0].tick() if shown else None,
    )
    label = f"{meta['resource']}s"
    shown.append(
        ImportProgress(app_ctx.output, label, total, runner.tally.snapshot, pacer.remaining)
    )
    with shown[0]:
        runner.run()


def _report(app_ctx: AppContext, journal: Journal, options: _Options) -> dict[str, Any]:
    from pivotal_cli.jobs.results import summary, write_result_files

    out = app_ctx.output
    files = write_result_files(journal)
    result = summary(journal)
    result["results"] = files
    if not options.json:
        out.info(
            f"{result['resource']} ({result['job']}): {_rows(result['rows'])}: "
            f"{result['created']} created, {result['updated']} updated, "
            f"{result['unchanged']} unchanged, {result['existing']} existing, "
            f"{result['failed']} failed"
            + (f", {result['unfinished']} unfinished" if result["unfinished"] else "")
            + "."
        )
        out.info(f"Results: {files['succeeded']}; failures: {files['failed']}.")
    return result


# -- jobs after the fact --------------------------------------------------------------


@app.command("resume")
@handle_errors
def resume(
    ctx: typer.Context,
    job: Annotated[
        str | None,
        typer.Argument(
            metavar="[JOB]",
            help="A job, or a bundle's name; default: every unfinished job, oldest first.",
            show_default=False,
        ),
    ] = None,
    concurrency: ConcurrencyOpt = 4,
    yes: YesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Finish a stopped job (killed, Ctrl-C, network down): no row is sent twice."""
    from pivotal_cli.errors import UsageError
    from pivotal_cli.jobs import paths
    from pivotal_cli.jobs.journal import Journal

    names = paths.unfinished_jobs()
    if job is not None:
        chosen = [name for name in names if name == job or name.startswith(job + "-")]
        if not chosen:
            done = paths.find_journal(job)
            if done is not None:
                ctx.obj.output.success(f"Job {job} is already finished; nothing to resume.")
                return
            raise UsageError(f"No unfinished import job is named '{job}'.", reason="import_no_job")
        names = chosen
    if not names:
        ctx.obj.output.success("No unfinished import jobs.")
        return
    options = _Options("create", None, None, concurrency, False, False, None, yes, json_)
    journals = [
        (Journal(paths.unfinished_journal(name)), paths.unfinished_journal(name)) for name in names
    ]
    _run_jobs(ctx.obj, journals, options)


def _open_job(job: str) -> tuple[Journal, Path]:
    from pivotal_cli.errors import UsageError
    from pivotal_cli.jobs import paths
    from pivotal_cli.jobs.journal import Journal

    path = paths.find_journal(job)
    if path is None:
        raise UsageError(f"No import job is named '{job}'.", reason="import_no_job")
    return Journal(path), path


@app.command("status")
@handle_errors
def status(ctx: typer.Context, job: JobArg, json_: JsonOpt = False) -> None:
    """A job's counts: rows created, updated, unchanged, failed, and still to send."""
    from pivotal_cli.jobs.results import summary

    journal, path = _open_job(job)
    with journal:
        result = summary(journal)
    result["journal"] = str(path)
    out = ctx.obj.output
    if json_:
        out.json(result)
        return
    for name, value in result.items():
        out.line(f"{name}\t{value}")


@app.command("list")
@handle_errors
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Every import job on this machine, oldest first, unfinished ones marked."""
    from pivotal_cli.jobs import paths
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.results import summary

    rows = []
    for name in sorted(paths.unfinished_jobs() + paths.finished_jobs()):
        path = paths.find_journal(name)
        if path is None:
            continue
        with Journal(path) as journal:
            rows.append(summary(journal))
    out = ctx.obj.output
    if json_:
        out.json(rows)
        return
    if not rows:
        out.info("No import jobs.")
        return
    for row in rows:
        state = "finished" if row["finished"] else "UNFINISHED"
        out.line(
            f"{row['job']}\t{row['resource']}\t{row['mode']}\t{_rows(row['rows'])}\t"
            f"{row['failed']} failed\t{state}"
        )


@app.command("results")
@handle_errors
def results(
    ctx: typer.Context,
    job: JobArg,
    failed: Annotated[bool, typer.Option("--failed", help="Only the rows that failed.")] = False,
    output: Annotated[
        str,
        typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout."),
    ] = "-",
) -> None:
    """A job's rows with their outcomes (id, action, error), in the input's format."""
    from pivotal_cli.jobs.results import write_results

    journal, _ = _open_job(job)
    with journal:
        count = write_results(journal, failed=failed or None, path=output)
    if output != "-":
        ctx.obj.output.success(f"Wrote {_rows(count)} to {output}.")
