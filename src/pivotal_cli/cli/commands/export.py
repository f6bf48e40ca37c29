"""`pivotal export`: every record of the workspace streamed to files (the full takeout).

The walk is `client/takeout.py` (pages of 100, contacts per customer), the files
`render/takeout.py` (spill file, atomic rename), the file conventions
`domain/takeout.py`. This module wires them: where files go, the resume state, progress
and the manifest.

Resume state is a small JSON file beside the output (`DIR/.pivotal-export.json` for a
bundle, `.NAME.export.json` beside a single file), saved at most once a second and
after each resource: per resource the checkpoint (cursor and rows of that page done),
the records written and the spill file's synced length. `--resume` truncates each
spill file to that length and walks on from the checkpoint, so a record is never
written twice nor skipped.

`-o -` (stdout), a pipe or a device is written through, not replaced: it gets the
final content at the end, and such an export keeps no resume state. A file that
cannot be written (a full disk, a read-only directory) stops the export with one line
naming it; nothing is reported exported that is not.
"""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.options import group

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.client.http import Client
    from pivotal_cli.client.takeout import Checkpoint, SlugIndex
    from pivotal_cli.render.takeout import ExportFile, Progress

app = group("Export every customer, contact and onboarding to files (the full takeout).")

STATE_KIND = "pivotal-export"
STATE_VERSION = 1
BUNDLE_STATE = ".pivotal-export.json"
# Seconds between saved checkpoints: a resume repeats at most this much work.
CHECKPOINT_EVERY = 1.0


class What(str, Enum):
    customers = "customers"
    contacts = "contacts"
    onboardings = "onboardings"
    all = "all"


class Fmt(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    json = "json"


@app.command("export")
@handle_errors
def export(
    ctx: typer.Context,
    what: Annotated[
        What,
        typer.Argument(
            # Typer's own metavar for an optional choice argument reads
            # `[what]:<customers|…>`; the choices plainly instead.
            metavar="[customers|contacts|onboardings|all]",
            help="What to export; all writes a bundle directory with a manifest.",
            show_default=True,
        ),
    ] = What.all,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="The file to write (a directory for all: created if needed). "
            "An existing directory gets RESOURCE.EXT inside it.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Fmt | None,
        typer.Option(
            "--format",
            "-f",
            help="File format [default: from the file's extension, else jsonl].",
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Continue an export that stopped, from its last saved checkpoint."
        ),
    ] = False,
    raw_cells: Annotated[
        bool,
        typer.Option(
            "--raw-cells",
            help="CSV: write every cell exactly as stored. By default a text cell starting"
            " with = + - @, a tab or a CR gets a leading ' so a spreadsheet shows it"
            " instead of running it as a formula.",
        ),
    ] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the manifest (counts, cursors) as JSON.")
    ] = False,
) -> None:
    """Export every record to files: customers, contacts, onboardings, or all of them.

    Records stream to disk a page at a time (memory stays flat) and appear under
    their final names only when complete. Contacts are walked customer by customer,
    as the API lists them. CSV has a column per field and one per metadata key, with
    formula-like cells neutralised unless --raw-cells. -o - writes one resource to
    stdout. Soft-deleted records are not exported: the API does not list them.
    """
    from pivotal_cli.errors import UsageError
    from pivotal_cli.render.takeout import is_stream_target

    if output is None:
        raise UsageError("Name where to write with -o PATH (a directory for `export all`).")
    resources = ("customers", "contacts", "onboardings") if what is What.all else (what.value,)
    chosen = _format(fmt, output, what is What.all)
    options = (chosen, not raw_cells)
    if is_stream_target(output):
        if what is What.all:
            raise UsageError(f"-o {output}: `export all` writes a directory; name one resource.")
        if resume:
            raise UsageError(f"-o {output} is written through, so there is nothing to resume.")
        paths = {what.value: output}
        Export(ctx.obj, what.value, options, paths, None, output).run(False, json_)
        return
    if what is What.all:
        if output.exists() and not output.is_dir():
            raise UsageError(f"-o {output}: `export all` writes a directory, and this is a file.")
        paths = {r: output / f"{r}.{chosen}" for r in resources}
        state_path = output / BUNDLE_STATE
    else:
        target = output / f"{what.value}.{chosen}" if output.is_dir() else output
        paths = {what.value: target}
        from pivotal_cli.render.takeout import hidden_sibling

        state_path = hidden_sibling(target, ".export.json")
    for path in paths.values():
        if not path.parent.exists() and what is not What.all:
            raise UsageError(f"-o {path}: the directory {path.parent} does not exist.")
    Export(ctx.obj, what.value, options, paths, state_path, output).run(resume, json_)


def _format(fmt: Fmt | None, output: Path, bundle: bool) -> str:
    if fmt is not None:
        return fmt.value
    suffix = output.suffix.lstrip(".").lower()
    if not bundle and suffix in Fmt.__members__:
        return suffix
    return Fmt.jsonl.value


class Export:
    """One run of `pivotal export`: the state, the walk of each resource, the manifest."""

    def __init__(
        self,
        app_ctx: AppContext,
        what: str,
        options: tuple[str, bool],
        paths: dict[str, Path],
        state_path: Path | None,
        output: Path,
    ) -> None:
        self.app_ctx = app_ctx
        self.out = app_ctx.output
        self.what = what
        # The format, and whether CSV cells a spreadsheet would run are neutralised.
        self.fmt, self.neutralise = options
        self.paths = paths
        self.state_path = state_path
        self.output = output
        self.state: dict[str, Any] = {}
        self._saved_at = 0.0

    # -- state ----------------------------------------------------------------------

    def _fresh_state(self) -> dict[str, Any]:
        return {
            "kind": STATE_KIND,
            "version": STATE_VERSION,
            "what": self.what,
            "format": self.fmt,
            "started_at": _now_iso(),
            "resources": {
                r: {"cursor": None, "skip": 0, "written": 0, "bytes": 0, "done": False}
                for r in self.paths
            },
        }

    def _load_state(self, resume: bool) -> bool:
        """The state to run from; True when it continues an earlier run."""
        from pivotal_cli.errors import UsageError
        from pivotal_cli.render.takeout import read_json

        saved = None if self.state_path is None else read_json(self.state_path)
        valid = isinstance(saved, dict) and saved.get("kind") == STATE_KIND
        if resume and valid:
            assert isinstance(saved, dict)
            if saved.get("what") != self.what or saved.get("format") != self.fmt:
                raise UsageError(
                    f"The unfinished export at {self.output} is {saved.get('what')} as "
                    f"{saved.get('format')}, not {self.what} as {self.fmt}: repeat its "
                    "command with --resume, or leave out --resume to start over."
                )
            self.state = saved
            return True
        if resume:
            self.out.info(f"No unfinished export at {self.output}: starting from the beginning.")
        elif valid:
            self.out.info(
                f"Starting over: discarded the unfinished export at {self.output} "
                "(--resume continues one)."
            )
        self.state = self._fresh_state()
        return False

    def _save_state(self) -> None:
        from pivotal_cli.render.takeout import write_json_atomic

        if self.state_path is None:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.state_path, self.state)
        self._saved_at = time.monotonic()

    # -- the run --------------------------------------------------------------------

    def run(self, resume: bool, json_: bool) -> None:
        started = time.monotonic()
        try:
            manifest = self._run(resume)
        except BrokenPipeError:
            self.out.reader_gone()  # `export -o - | head`: stop as any filter does
        except OSError as exc:
            from pivotal_cli.errors import LocalFileError

            raise LocalFileError.from_os_error(exc, self.output) from None
        if json_:
            self.out.json(manifest)
        seconds = time.monotonic() - started
        counts = ", ".join(f"{n:,} {r}" for r, n in manifest["counts"].items())
        path = self.output if self.what == "all" else self.paths[self.what]
        where = "stdout" if str(path) == "-" else str(path)
        self.out.success(f"Exported {counts} to {where} ({self.fmt}) in {seconds:.1f} s.")

    def _run(self, resume: bool) -> dict[str, Any]:
        """Walk and write every resource; the manifest of what was written."""
        from pivotal_cli.cli import hints
        from pivotal_cli.errors import PivotalError
        from pivotal_cli.render.takeout import Progress

        resumed = self._load_state(resume)
        files = self._files()
        if not resumed:
            for file in files.values():
                file.discard()
        self._save_state()
        progress = Progress(self.out.stderr, self.out.err_is_tty)
        try:
            with self.app_ctx.client(waiting=False) as client:
                self._walk_all(client, files, progress)
        except (PivotalError, OSError, KeyboardInterrupt):
            progress.clear()
            if self.state_path is not None:
                written = sum(r["written"] for r in self.state["resources"].values())
                self.out.info(hints.export_stopped(written))
            raise
        finally:
            for file in files.values():
                file.close()
        progress.clear()
        manifest = self._manifest()
        if self.what == "all":
            from pivotal_cli.domain.takeout import MANIFEST
            from pivotal_cli.render.takeout import write_json_atomic

            write_json_atomic(self.output / MANIFEST, manifest)
        if self.state_path is not None:
            self.state_path.unlink(missing_ok=True)
        return manifest

    def _files(self) -> dict[str, ExportFile]:
        from pivotal_cli.render.takeout import ExportFile, is_stream_target

        files = {}
        for resource, path in self.paths.items():
            sink = self._sink(path) if is_stream_target(path) else None
            files[resource] = ExportFile(
                path, resource, self.fmt, neutralise=self.neutralise, sink=sink
            )
        return files

    def _sink(self, path: Path) -> Any:
        """Opens a stream target: stdout for `-`, else the pipe or device itself."""
        import contextlib

        if str(path) == "-":
            return lambda: contextlib.nullcontext(self.out.stdout)
        return lambda: open(path, "w", encoding="utf-8", newline="")

    def _walk_all(self, client: Client, files: dict[str, ExportFile], progress: Progress) -> None:
        from pivotal_cli.client.takeout import SlugIndex

        slugs: SlugIndex | None = None
        # The customers pass fills the slug index onboardings need, when it runs whole.
        customers = self.state["resources"].get("customers")
        fill_while_walking = (
            "onboardings" in files
            and customers is not None
            and not customers["done"]
            and customers["written"] == 0
        )
        try:
            if "onboardings" in files and not self.state["resources"]["onboardings"]["done"]:
                slugs = SlugIndex(client)
            for resource, file in files.items():
                entry = self.state["resources"][resource]
                if entry["done"]:
                    continue
                if resource == "onboardings" and slugs is not None and not fill_while_walking:
                    slugs.fill()
                self._walk_one(
                    client,
                    resource,
                    file,
                    entry,
                    progress,
                    slugs if resource == "customers" and fill_while_walking else None,
                    slugs,
                )
        finally:
            if slugs is not None:
                slugs.close()

    def _walk_one(
        self,
        client: Client,
        resource: str,
        file: ExportFile,
        entry: dict[str, Any],
        progress: Progress,
        fill: SlugIndex | None,
        slugs: SlugIndex | None,
    ) -> None:
        from pivotal_cli.client.takeout import Checkpoint

        resume_at = entry["bytes"] if entry["written"] or entry["cursor"] else None
        if resume_at is not None and not file.part.exists():
            # The spill file went missing: this resource starts over.
            entry.update(cursor=None, skip=0, written=0, bytes=0)
            resume_at = None
        file.open(resume_at)
        start = Checkpoint(entry["cursor"], entry["skip"])
        written = entry["written"]
        label = f"Exporting {resource}"
        progress.update(label, written, force=True)
        for batch in self._batches(client, resource, start, slugs):
            written += file.write(batch.records)
            if fill is not None:
                fill.add(batch.records)
            progress.update(label, written)
            if batch.after.done or time.monotonic() - self._saved_at >= CHECKPOINT_EVERY:
                self._checkpoint(entry, file, batch.after, written)
        file.finish()
        entry.update(done=True, written=written)
        self._save_state()

    def _batches(
        self, client: Client, resource: str, start: Checkpoint, slugs: SlugIndex | None
    ) -> Any:
        from pivotal_cli.client import takeout

        if resource == "contacts":
            return takeout.walk_contacts(client, start)
        decorate = slugs.decorate if resource == "onboardings" and slugs is not None else None
        return takeout.walk_list(client, f"/{resource}", start, decorate)

    def _checkpoint(
        self, entry: dict[str, Any], file: ExportFile, after: Checkpoint, written: int
    ) -> None:
        """Record that everything up to `after` is on disk (`written` records)."""
        entry.update(
            bytes=file.sync(),
            written=written,
            cursor=after.cursor,
            skip=after.skip,
        )
        if after.cursor is not None:
            entry["last_cursor"] = after.cursor
        self._save_state()

    def _manifest(self) -> dict[str, Any]:
        from pivotal_cli import __version__

        resources = self.state["resources"]
        return {
            "exported_at": _now_iso(),
            "started_at": self.state.get("started_at"),
            "format": self.fmt,
            "counts": {r: resources[r]["written"] for r in self.paths},
            "cursors": {r: resources[r].get("last_cursor") for r in self.paths},
            "files": {r: p.name for r, p in self.paths.items()},
            "pivotal_version": __version__,
        }


def _now_iso() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
