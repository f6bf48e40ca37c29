"""RowWriter: a page of rows per write and flush, the same text as one `dumps` of the list."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from pivotal_cli.render.columns import Column
from pivotal_cli.render.formats import PAGE_ROWS, RowWriter, chunked
from pivotal_cli.render.spinners import Spinners


class CountingStdout(io.StringIO):
    """A stdout that counts its flushes and writes."""

    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1


def rows(count: int) -> list[dict[str, Any]]:
    return [
        {"id": f"c{n}", "name": f"Zoë\t{n}", "metadata": {"n": n, "k": [1, None]}}
        for n in range(count)
    ]


def writer(pretty: bool = False) -> tuple[RowWriter, CountingStdout]:
    stdout = CountingStdout()
    return RowWriter(stdout, Spinners(None), pretty=pretty), stdout  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [0, 1, PAGE_ROWS, PAGE_ROWS + 1, 2 * PAGE_ROWS + 50])
@pytest.mark.parametrize("pretty", [False, True])
def test_json_array_is_the_dumps_of_the_whole_list(count: int, pretty: bool) -> None:
    out, stdout = writer(pretty)
    assert out.json_array(iter(rows(count))) == count
    if pretty:
        expected = json.dumps(rows(count), indent=2, ensure_ascii=False)
    else:
        expected = json.dumps(rows(count), separators=(",", ":"), ensure_ascii=False)
    assert stdout.getvalue() == expected + "\n"


def test_a_pipe_gets_one_write_and_one_flush_per_page() -> None:
    out, stdout = writer()
    out.jsonl(iter(rows(2 * PAGE_ROWS + 50)))
    assert (stdout.writes, stdout.flushes) == (3, 3)
    lines = stdout.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == rows(2 * PAGE_ROWS + 50)


def test_plain_and_csv_lines_are_as_before() -> None:
    columns = [Column("id", "ID"), Column("name", "NAME")]
    out, stdout = writer()
    assert out.plain(iter(rows(3)), columns) == 3
    assert stdout.getvalue() == "c0\tZoë 0\nc1\tZoë 1\nc2\tZoë 2\n"
    out, stdout = writer()
    assert out.csv(iter(rows(2)), columns) == 2
    assert stdout.getvalue() == "id,name\nc0,Zoë\t0\nc1,Zoë\t1\n"


def test_rows_read_before_a_failure_are_still_written() -> None:
    def failing() -> Iterator[dict[str, Any]]:
        yield from rows(3)
        raise RuntimeError("the API went away")

    out, stdout = writer()
    with pytest.raises(RuntimeError):
        out.jsonl(failing())
    assert len(stdout.getvalue().splitlines()) == 3
    assert [len(b) for b in chunked(iter(rows(250)), 100)] == [100, 100, 50]
