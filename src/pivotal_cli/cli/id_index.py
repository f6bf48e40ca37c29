"""The id index: the ids commands have seen, kept so shell completion can offer them.

Every list, get, create and update remembers the records it showed; TAB on an id
argument then completes display_ids and slugs without starting Python or calling the
API (the static scripts in `completions/` read the files themselves). Layout, in the
user cache dir (`PIVOTAL_CACHE_DIR` overrides it; directories 0700, files 0600):

    ids/current                   the workspace of the last command that wrote here
    ids/<workspace>/<resource>.tsv    customers.tsv, onboardings.tsv, contacts.tsv

Each line of a `.tsv` is `display_id<TAB>slug<TAB>description<TAB>cuid` (slug empty
but for customers), newest first, at most `LIMIT` lines. Files are rewritten whole
through a temporary file and a rename, so a shell never reads half a file.

Nothing here may fail a command: every error while writing is swallowed.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext

# Lines kept per (workspace, resource): enough for any TAB, small enough for a shell
# loop to read in about 10 ms (benchmarks/completion_ids.py: 2000 lines take ~40 ms).
LIMIT = 500
# The file each record's `object` goes to.
RESOURCES = {"customer": "customers", "onboarding": "onboardings", "contact": "contacts"}
# The workspace name when the key does not say which (PIVOTAL_API_KEY without -w).
UNKNOWN_WORKSPACE = "_env"
Entry = tuple[str, str, str, str]  # display_id, slug, description, cuid


def cache_dir() -> Path:
    """`PIVOTAL_CACHE_DIR`, else platformdirs' user cache dir for pivotal."""
    override = os.environ.get("PIVOTAL_CACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("pivotal", appauthor=False))


def index_dir() -> Path:
    return cache_dir() / "ids"


def _clean(text: Any) -> str:
    # A tab or newline would break the line format the shells split on.
    return " ".join(str(text).split()) if text is not None else ""


def _workspace_name(app_ctx: AppContext) -> str | None:
    target = getattr(app_ctx, "last_target", None)
    if target is None:
        return None
    name = _clean(target.workspace) or UNKNOWN_WORKSPACE
    # A slug is a directory name here: keep it to one harmless path component.
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name).lstrip(".") or "_"


class Collector:
    """Remembers the records a command shows (only their ids: a long `--all` stays small)."""

    def __init__(self) -> None:
        self.entries: dict[str, deque[Entry]] = {}
        self.customer_names: dict[str, str] = {}

    def add(self, record: Any) -> None:
        try:
            resource = RESOURCES.get(record.get("object", ""))
            if resource is None or record.get("display_id") is None:
                return
            cuid = _clean(record.get("id"))
            if resource == "customers":
                desc = _clean(record.get("name"))
                self.customer_names[cuid] = desc
                entry = (_clean(record["display_id"]), _clean(record.get("slug")), desc, cuid)
            elif resource == "onboardings":
                customer = _clean(record.get("customer_id"))
                phase = _clean(record.get("phase"))
                desc = f"{customer}{', ' if customer and phase else ''}{phase}"
                entry = (_clean(record["display_id"]), "", desc, cuid)
            else:
                name, email = _clean(record.get("name")), _clean(record.get("email"))
                desc = f"{name} <{email}>" if name and email else name or email
                entry = (_clean(record["display_id"]), "", desc, cuid)
            self.entries.setdefault(resource, deque(maxlen=LIMIT)).append(entry)
        except Exception:  # a record of an odd shape is just not indexed
            return

    def tee(self, rows: Iterable[Any]) -> Iterator[Any]:
        """The rows, unchanged, each remembered as it passes (for streamed lists)."""
        for row in rows:
            self.add(row)
            yield row


def remember(app_ctx: AppContext, records: Iterable[Any] | Collector) -> None:
    """Merge the records' ids into the index of the command's workspace; never raises."""
    try:
        collector = records if isinstance(records, Collector) else Collector()
        if collector is not records:
            for record in records:  # type: ignore[union-attr]
                collector.add(record)
        workspace = _workspace_name(app_ctx)
        if workspace is None or not collector.entries:
            return
        folder = index_dir() / workspace
        _mkdirs(folder)
        names = dict(collector.customer_names)
        if "onboardings" in collector.entries and not names:
            names = {e[3]: e[2] for e in _read(folder / "customers.tsv")}
        for resource, entries in collector.entries.items():
            if resource == "onboardings":  # the customer's name, where known, for its id
                entries = deque(_named(e, names) for e in entries)
            _merge(folder / f"{resource}.tsv", entries)
        _write(index_dir() / "current", workspace + "\n")
    except Exception:  # the index is a convenience: never fail a command
        return


def forget(app_ctx: AppContext, record: Any) -> None:
    """Drop a deleted record from the index; never raises."""
    try:
        resource = RESOURCES.get(record.get("object", ""))
        workspace = _workspace_name(app_ctx)
        if resource is None or workspace is None:
            return
        path = index_dir() / workspace / f"{resource}.tsv"
        cuid = _clean(record.get("id"))
        old = _read(path)
        kept = [e for e in old if e[3] != cuid]
        if len(kept) != len(old):
            _write(path, "".join("\t".join(e) + "\n" for e in kept))
    except Exception:  # see remember
        return


def clear() -> list[Path]:
    """Delete every index file; the paths removed."""
    root = index_dir()
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()
            removed.append(path)
    root.rmdir()
    return removed


def _named(entry: Entry, names: Mapping[str, str]) -> Entry:
    customer, _, phase = entry[2].partition(", ")
    name = names.get(customer)
    if not name:
        return entry
    return (entry[0], entry[1], f"{name}, {phase}" if phase else name, entry[3])


def _read(path: Path) -> list[Entry]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    entries = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            entries.append((parts[0], parts[1], parts[2], parts[3]))
    return entries


def _merge(path: Path, new: Iterable[Entry]) -> None:
    # Newest first: the records just seen, in the order shown, then the older ones
    # not seen again (by cuid), up to LIMIT.
    fresh: dict[str, Entry] = {}
    for entry in new:
        fresh.setdefault(entry[3] or entry[0], entry)
    lines = list(fresh.values())
    for entry in _read(path):
        if len(lines) >= LIMIT:
            break
        if (entry[3] or entry[0]) not in fresh:
            lines.append(entry)
    _write(path, "".join("\t".join(e) + "\n" for e in lines[:LIMIT]))


def _mkdirs(folder: Path) -> None:
    cache_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in (index_dir(), folder):
        path.mkdir(mode=0o700, exist_ok=True)


def _write(path: Path, text: str) -> None:
    """Replace the file atomically: a temporary file (0600 from the start), then rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
