"""Where a job ran: the target recorded in its journal, used again by a later command.

An import records, before it sends, the target it was started against: the embedded
sandbox or a base URL, the workspace and the mode. `import resume`, `status` and
`results` then work with the bare job name, whatever global options the first run
had: the target is applied to the command's settings unless the command line names
another one, which is refused naming the difference. A journal written before
targets were recorded has none and is left as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.settings.target import Settings, Target

EMBEDDED = "embedded"
META = "target"


def describe(target: Target, workspace: str | None = None) -> dict[str, Any]:
    """The journal's record of `target` (its key is never recorded)."""
    embedded = target.source == "sandbox"
    return {
        "sandbox": EMBEDDED if embedded else None,
        "base_url": None if embedded else target.base_url,
        "workspace": workspace or target.workspace,
        "mode": target.mode,
    }


def recorded(journal: Journal) -> dict[str, Any] | None:
    """The target the job ran against, or None for a journal older than the record."""
    value = journal.meta().get(META)
    return value if isinstance(value, dict) else None


def record(journal: Journal, target: Target, workspace: str | None = None) -> None:
    """Record `target` (in `workspace`, the key's) once: the first run's stays the job's."""
    if recorded(journal) is None:
        journal.set_meta({META: describe(target, workspace)})


def label(where: dict[str, Any]) -> str:
    """`the embedded sandbox (acme, live)`, `http://127.0.0.1:8787/api/v1 (acme, test)`."""
    place = "the embedded sandbox" if where.get("sandbox") else where.get("base_url") or "?"
    facts = ", ".join(str(v) for v in (where.get("workspace"), where.get("mode")) if v)
    return f"{place} ({facts})" if facts else place


def conflict(where: dict[str, Any], settings: Settings) -> str | None:
    """What the command line names that differs from `where`, worded; None: nothing."""
    if settings.sandbox and not where.get("sandbox"):
        return "the embedded sandbox"
    if not settings.sandbox and where.get("sandbox") and settings.base_url:
        return f"base URL {settings.base_url}"
    recorded_url = str(where.get("base_url") or "").rstrip("/")
    if settings.base_url and recorded_url and settings.base_url.rstrip("/") != recorded_url:
        return f"base URL {settings.base_url}"
    if settings.workspace and where.get("workspace") and settings.workspace != where["workspace"]:
        return f"workspace {settings.workspace}"
    if settings.mode and where.get("mode") and settings.mode != where["mode"]:
        return f"{settings.mode} mode"
    return None


def refuse_other(job: str, where: dict[str, Any] | None, settings: Settings) -> None:
    """A UsageError when the command line names another target than the job's."""
    other = conflict(where, settings) if where is not None else None
    if other is not None:
        raise UsageError(
            f"Job {job} ran against {label(where or {})}; this command names {other}. "
            "Run it without that option to use the job's own target.",
            reason="import_other_target",
        )


def apply(job: str, where: dict[str, Any], settings: Settings) -> None:
    """Point `settings` at `where`; a different target given on the command line is a
    UsageError naming it."""
    refuse_other(job, where, settings)
    if where.get("sandbox"):
        settings.sandbox = True
    elif where.get("base_url") and not settings.base_url:
        settings.base_url = str(where["base_url"])
    if where.get("workspace") and not settings.workspace and not where.get("sandbox"):
        settings.workspace = str(where["workspace"])
    if where.get("mode") and not settings.mode:
        settings.mode = str(where["mode"])


def names_target(settings: Settings) -> bool:
    """Whether the command line (or environment) names a target of its own."""
    return bool(settings.sandbox or settings.base_url or settings.workspace or settings.mode)


def split(
    journals: list[tuple[Journal, Any]], settings: Settings
) -> tuple[list[tuple[Journal, Any]], list[tuple[Journal, Any]], dict[str, Any] | None]:
    """The unfinished jobs one resume can send together, the ones left for another
    target, and the target to send to (None: the command line's, as before).

    The command line's target, when it names one, keeps the jobs it does not
    contradict; else the oldest job's recorded target keeps those recorded alike.
    Jobs with no record go with either.
    """
    chosen: dict[str, Any] | None = None
    kept: list[tuple[Journal, Any]] = []
    left: list[tuple[Journal, Any]] = []
    explicit = names_target(settings)
    for entry in journals:
        where = recorded(entry[0])
        if where is None:
            kept.append(entry)
        elif explicit:
            (left if conflict(where, settings) else kept).append(entry)
            chosen = chosen or where
        elif chosen is None or where == chosen:
            chosen = where
            kept.append(entry)
        else:
            left.append(entry)
    return kept, left, chosen
