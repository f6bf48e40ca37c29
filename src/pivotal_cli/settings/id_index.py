"""The id index: the ids commands have seen, kept so shell completion can offer them.

Every list, get, create and update remembers the records it showed; TAB on an id
argument then completes display_ids and slugs without starting Python or calling the
API (the static scripts in `completions/` read the files themselves). Layout, in the
cache directory of `settings/paths.py` (`PIVOTAL_CACHE_DIR` overrides it; directories
0700, files 0600):

    ids/current                   the workspace of the last command that wrote here
    ids/<workspace>/<resource>.tsv    customers.tsv, onboardings.tsv, contacts.tsv

Each line of a `.tsv` is `display_id<TAB>slug<TAB>description<TAB>cuid` (slug empty
but for customers), newest first, at most `LIMIT` lines. Files are rewritten whole
(`settings.paths.write_private`), so a shell never reads half a file.

The index also names customers for the views that show them (`status`, `dash`,
`onboardings list/get` on a terminal): `known_customers` reads the names with the
file's age, and the caller (`client/customer_names.py`) decides whether they are
fresh enough.

The caller says whose ids they are: the workspace of the target the records came
from (None when the key did not say, PIVOTAL_API_KEY without -w). Nothing here may
fail a command: every error while writing is swallowed.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pivotal_cli.settings.paths import cache_dir, private_dir, safe_name, write_private

# Lines kept per (workspace, resource): enough for any TAB, small enough for a shell
# loop to read in about 10 ms (benchmarks/completion_ids.py: 2000 lines take ~40 ms).
LIMIT = 500
# The file each record's `object` goes to.
RESOURCES = {"customer": "customers", "onboarding": "onboardings", "contact": "contacts"}
# The workspace name when the key does not say which (PIVOTAL_API_KEY without -w).
UNKNOWN_WORKSPACE = "_env"
Entry = tuple[str, str, str, str]  # display_id, slug, description, cuid


def index_dir() -> Path:
    return cache_dir() / "ids"


def _clean(text: Any) -> str:
    # A tab or newline would break the line format the shells split on.
    return " ".join(str(text).split()) if text is not None else ""


def _folder_name(workspace: str | None) -> str:
    # A slug is a directory name here: keep it to one harmless path component.
    return safe_name(_clean(workspace) or UNKNOWN_WORKSPACE)


def _resource_of(record: Any) -> str | None:
    """The index file a record goes to, None for one that is not indexed."""
    try:
        resource = RESOURCES.get(record.get("object", ""))
        return resource if resource is not None and record.get("display_id") is not None else None
    except Exception:  # a record of an odd shape is just not indexed
        return None


class Collector:
    """Remembers the records a command shows (only their ids: a long `--all` stays small)."""

    def __init__(self) -> None:
        self._entries: dict[str, deque[Entry]] = {}
        # Records `tee` passed on, not yet turned into entries: only the last LIMIT of
        # each resource can reach the index, so only those are ever read twice.
        self._pending: dict[str, deque[Any]] = {}

    @property
    def entries(self) -> dict[str, deque[Entry]]:
        """The entries of every record seen, the last LIMIT of each resource."""
        pending, self._pending = self._pending, {}
        for records in pending.values():
            for record in records:
                self.add(record)
        return self._entries

    def add(self, record: Any) -> None:
        resource = _resource_of(record)
        if resource is None:
            return
        try:
            cuid = _clean(record.get("id"))
            if resource == "customers":
                desc = _clean(record.get("name"))
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
            self._entries.setdefault(resource, deque(maxlen=LIMIT)).append(entry)
        except Exception:  # see _resource_of
            return

    def tee(self, rows: Iterable[Any]) -> Iterator[Any]:
        """The rows, unchanged, each remembered as it passes (for streamed lists).

        A row costs one lookup here; its entry is made when `entries` is read, and only
        for the rows the index can keep: a long `--all` was paying for every one.
        """
        pending = self._pending
        for row in rows:
            resource = _resource_of(row)
            if resource is not None:
                kept = pending.get(resource)
                if kept is None:
                    kept = pending[resource] = deque(maxlen=LIMIT)
                kept.append(row)
            yield row


@dataclass
class KnownCustomers:
    """What the index holds of a workspace's customers: names by cuid, and how old."""

    names: dict[str, str] = field(default_factory=dict)
    # Seconds since the file was last written; None when there is no file.
    age: float | None = None


def known_customers(workspace: str | None) -> KnownCustomers:
    """The customer names the index of `workspace` holds; empty when it has none.

    The age is the file's: any command that showed customers rewrites it whole, so
    older entries ride along with the ones it just saw.
    """
    path = index_dir() / _folder_name(workspace) / "customers.tsv"
    try:
        written = path.stat().st_mtime
    except OSError:
        return KnownCustomers()
    names = {e[3]: e[2] for e in _read(path) if e[3] and e[2]}
    return KnownCustomers(names, max(0.0, time.time() - written))


def remember(workspace: str | None, records: Iterable[Any] | Collector) -> None:
    """Merge the records' ids into the index of `workspace`; never raises."""
    try:
        collector = records if isinstance(records, Collector) else Collector()
        if collector is not records:
            for record in records:  # type: ignore[union-attr]
                collector.add(record)
        if not collector.entries:
            return
        name = _folder_name(workspace)
        folder = index_dir() / name
        _mkdirs(folder)
        # The names of the customers kept (not of every one seen: a long --all stays flat).
        names = {e[3]: e[2] for e in collector.entries.get("customers", ())}
        if "onboardings" in collector.entries and not names:
            names = {e[3]: e[2] for e in _read(folder / "customers.tsv")}
        for resource, entries in collector.entries.items():
            if resource == "onboardings":  # the customer's name, where known, for its id
                entries = deque(_named(e, names) for e in entries)
            _merge(folder / f"{resource}.tsv", entries)
        write_private(index_dir() / "current", name + "\n")
    except Exception:  # the index is a convenience: never fail a command
        return


def forget(workspace: str | None, record: Any) -> None:
    """Drop a deleted record from the index of `workspace`; never raises."""
    try:
        resource = RESOURCES.get(record.get("object", ""))
        if resource is None:
            return
        path = index_dir() / _folder_name(workspace) / f"{resource}.tsv"
        cuid = _clean(record.get("id"))
        old = _read(path)
        kept = [e for e in old if e[3] != cuid]
        if len(kept) != len(old):
            write_private(path, "".join("\t".join(e) + "\n" for e in kept))
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
    write_private(path, "".join("\t".join(e) + "\n" for e in lines[:LIMIT]))


def _mkdirs(folder: Path) -> None:
    # One by one, so each level (the cache dir too) is created owner-only.
    for path in (cache_dir(), index_dir(), folder):
        private_dir(path)
