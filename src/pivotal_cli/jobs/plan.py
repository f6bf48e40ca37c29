"""Planning import jobs: what each job is asked to do, its name, and a bundle's parts.

A job is one input file for one resource. Its `JobSpec` is kept in its journal, so a
resume does exactly what the first run was asked to. A job's name sorts by start time
and says what it imports; the parts of a bundle share the bundle's name, so the bundle
resumes as a whole. Light to import: the command line reads its constants to wire
the commands.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from pivotal_cli.errors import UsageError

# How upsert matches records when no key is given (in a bundle: always, but customers).
DEFAULT_KEYS = {"customer": "slug", "contact": "email", "onboarding": "customer"}
# A bundle's files, in the order they are imported (contacts need their customers).
BUNDLE_ORDER = ("customers", "contacts", "onboardings")
BUNDLE_EXTENSIONS = ("jsonl", "csv", "json")


@dataclass
class JobSpec:
    """What a job was asked to do: kept in its journal so a resume does the same."""

    job_id: str
    resource: str  # customer, contact or onboarding
    mode: str  # create or upsert
    source: str
    format: str
    key: str | None = None
    customer_key: str | None = None
    renames: dict[str, str] = field(default_factory=dict)
    bundle: str | None = None
    # What the rows' idempotency keys are derived from besides the row: the job's own
    # name, unless a job is to replay an earlier one (a paste, keyed by its customer).
    key_scope: str | None = None

    def as_meta(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> JobSpec:
        """The spec a journal's meta holds (which also holds other facts of the job)."""
        names = {spec_field.name for spec_field in fields(cls)}
        return cls(**{name: value for name, value in meta.items() if name in names})


@dataclass(frozen=True)
class Part:
    """One input of an import: the resource it creates, where it is, its format."""

    resource: str
    source: str
    format: str


@dataclass(frozen=True)
class Request:
    """What the user asked of every job of one import."""

    mode: str = "create"
    key: str | None = None
    customer_key: str | None = None
    renames: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False

    def key_for(self, resource: str, *, bundle: bool) -> str | None:
        """The upsert key of one resource; in a bundle the given key is the customers'."""
        if self.mode != "upsert":
            return None
        if self.key and (resource == "customer" or not bundle):
            return self.key
        return DEFAULT_KEYS[resource]


@dataclass(frozen=True)
class PlannedJob:
    """A job before it runs: its spec and where its journal goes."""

    spec: JobSpec
    path: Path


def new_job_id(resource: str, now: float, salt: str) -> str:
    """`20261201-143012-customers-a3f9`: sorts by start time, says what it imports."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    return f"{stamp}-{resource}s-{salt}"


def bundle_parts(directory: Path) -> list[Part]:
    """The files of an export bundle, in import order (the first extension found wins)."""
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory.", reason="import_file_missing")
    parts = []
    for plural in BUNDLE_ORDER:
        present = [
            path
            for path in (directory / f"{plural}.{ext}" for ext in BUNDLE_EXTENSIONS)
            if path.is_file()
        ]
        if present:
            parts.append(Part(plural[:-1], str(present[0]), present[0].suffix[1:]))
    if not parts:
        raise UsageError(
            f"{directory} holds none of customers, contacts or onboardings (.jsonl, .csv "
            "or .json).",
            reason="import_file_missing",
        )
    return parts


def plan_jobs(parts: list[Part], request: Request, *, bundle: bool) -> list[PlannedJob]:
    """One job per part, named and placed (a dry run's journals apart, to be deleted)."""
    import secrets

    from pivotal_cli.jobs import paths

    now = time.time()
    salt = secrets.token_hex(2)
    bundle_id = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + f"-{salt}" if bundle else None
    folder = paths.ensure(
        paths.imports_dir() / "dry-runs" if request.dry_run else paths.imports_dir()
    )
    jobs = []
    for index, part in enumerate(parts, start=1):
        job_id = (
            f"{bundle_id}-{index}-{part.resource}s"
            if bundle_id
            else new_job_id(part.resource, now, salt)
        )
        spec = JobSpec(
            job_id=job_id,
            resource=part.resource,
            mode=request.mode,
            source=part.source if part.source == "-" else str(Path(part.source).resolve()),
            format=part.format,
            key=request.key_for(part.resource, bundle=bundle),
            customer_key=request.customer_key,
            renames=request.renames,
            bundle=bundle_id,
        )
        jobs.append(PlannedJob(spec, folder / f"{job_id}.sqlite"))
    return jobs
