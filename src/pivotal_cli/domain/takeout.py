"""The export file conventions, shared by `pivotal export` and `pivotal import`.

A bundle directory holds `customers.<ext>`, `contacts.<ext>`, `onboardings.<ext>`
(ext: jsonl, csv or json) and `manifest.json`. JSONL and JSON hold each record
exactly as the API renders it; contacts and onboardings also carry `customer_slug`.
CSV has a header row with one column per schema field of the record (minus `object`),
`customer_slug` after `customer_id`, and a `metadata.KEY` column for each metadata key
in place of `metadata`; booleans are `true`/`false`, null is an empty cell, arrays and
objects are JSON text, dates are as the API renders them.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula (CSV injection). By default such a text cell is neutralised the
OWASP way, with a leading apostrophe, which spreadsheets hide; numbers are never
touched. A raw export writes every cell exactly as stored, for a takeout that must
round-trip byte for byte.

Pure: columns and cells from the schema; the files themselves are written elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from pivotal_cli.domain.records import JSONValue, Record
from pivotal_cli.domain.schema import field_names

FORMATS = ("jsonl", "csv", "json")
# Resource (as the API's paths and the bundle's files name it) -> schema resource.
SCHEMA_OF = {"customers": "customer", "contacts": "contact", "onboardings": "onboarding"}
SLUG_FIELD = "customer_slug"
METADATA = "metadata"
MANIFEST = "manifest.json"
# What makes a spreadsheet read a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def file_name(resource: str, fmt: str) -> str:
    """`customers.jsonl`: a resource's file in a bundle."""
    return f"{resource}.{fmt}"


def carries_slug(resource: str) -> bool:
    """Contacts and onboardings carry their customer's slug."""
    return "customer_id" in field_names(SCHEMA_OF[resource])


def metadata_keys(record: Record) -> list[str]:
    """The keys of a record's `metadata` object (none when it has no such object)."""
    metadata = record.get(METADATA)
    return list(metadata) if isinstance(metadata, dict) else []


def csv_columns(resource: str, keys: Iterable[str] = ()) -> list[str]:
    """The CSV header of a resource: schema fields, `customer_slug`, `metadata.KEY`s."""
    columns: list[str] = []
    for name in field_names(SCHEMA_OF[resource]):
        if name == "object":
            continue
        if name == METADATA:
            columns.extend(f"{METADATA}.{key}" for key in sorted(set(keys)))
            continue
        columns.append(name)
        if name == "customer_id":
            columns.append(SLUG_FIELD)
    return columns


def csv_cell(value: JSONValue, *, neutralise: bool = False) -> str:
    """One value as a CSV cell: null empty, booleans true/false, containers as JSON;
    with `neutralise`, a text a spreadsheet would run gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if neutralise and isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def csv_row(record: Record, columns: Iterable[str], *, neutralise: bool = False) -> list[str]:
    """A record's cells under `columns` (a `metadata.KEY` column reads that key)."""
    metadata = record.get(METADATA)
    cells = []
    for column in columns:
        if column.startswith(METADATA + "."):
            key = column[len(METADATA) + 1 :]
            value = metadata.get(key) if isinstance(metadata, dict) else None
        else:
            value = record.get(column)
        cells.append(csv_cell(value, neutralise=neutralise))
    return cells


def json_line(record: Record) -> str:
    """A record as one compact line of JSON, exactly as the API rendered it."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)
