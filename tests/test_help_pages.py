"""The generated help pages print what Typer prints, byte for byte, or nothing.

`scripts/gen_help.py` records every command's help (`src/pivotal_cli/help/help.json`);
`pivotal_cli.help.pages` answers `--help` from it before Typer is imported. These
tests check:

* staleness: `--check` passes, so the suite fails when a command's help changes and
  nobody regenerated; the pages cover every visible command of the tree;
* equivalence: for every command, at 80 and 120 columns, the page equals Typer's own
  rendering in a real process's setting (the width from `COLUMNS`, not Click's test
  runner, which pins help to 80 columns), for `PATH --help`, `PATH -h` and
  `help PATH`; and a group named alone prints its help on stderr with exit 2, as
  Click's `no_args_is_help` does;
* the renderer's wrapping against Click's own on text the pages do not hold today;
* the fallbacks: a stale, missing or damaged file, another version, completion, or a
  command line the pages do not answer all go to Typer.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pivotal_cli.help import formatter, pages

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_help.py"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_help", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    """The pages by command path."""
    loaded = pages.load()
    assert loaded is not None, "help.json is missing or stale: run python scripts/gen_help.py"
    return loaded


def _paths(command: Any, path: list[str]) -> list[str]:
    found = [" ".join(path)]
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            found.extend(_paths(sub, [*path, name]))
    return found


def _typer(
    command: Any, args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[Any, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        command.main(args, prog_name="pivotal")
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def _fast(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[Any, str, str]:
    capsys.readouterr()
    code = pages.answer(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_pages_are_fresh(capsys: pytest.CaptureFixture[str]) -> None:
    assert _generator().main(["--check"]) == 0, capsys.readouterr().err


def test_check_names_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gen = _generator()
    out = tmp_path / "help.json"
    out.write_text("{}\n", encoding="utf-8")
    assert gen.main(["--check", "--out", str(out)]) == 1
    assert str(out) in capsys.readouterr().err
    assert gen.main(["--out", str(out)]) == 0
    assert gen.main(["--check", "--out", str(out)]) == 0


def test_every_command_has_a_page(pivotal_command: Any, data: dict[str, Any]) -> None:
    assert sorted(data) == sorted(_paths(pivotal_command, []))


@pytest.fixture(params=[80, 120], ids=lambda columns: f"{columns} columns")
def terminal(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """A terminal this wide, as a real process sees it (`COLUMNS`)."""
    monkeypatch.setenv("COLUMNS", str(request.param))
    return int(request.param)


@pytest.mark.usefixtures("terminal")
def test_every_page_is_typer_s_help_byte_for_byte(
    pivotal_command: Any, data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    for path in data:
        words = path.split()
        expected = _typer(pivotal_command, [*words, "--help"], capsys)
        assert expected[0] == 0 and expected[1], path
        for line in ([*words, "--help"], [*words, "-h"], ["help", *words]):
            assert _fast(line, capsys) == expected, line


@pytest.mark.usefixtures("terminal")
def test_a_group_named_alone_prints_its_help_on_stderr(
    pivotal_command: Any, data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    groups = [path for path, page in data.items() if page["no_args_is_help"]]
    assert "" in groups and "customers" in groups
    for path in groups:
        expected = _typer(pivotal_command, path.split(), capsys)
        assert expected[0] == 2 and expected[2] and not expected[1], path
        assert _fast(path.split(), capsys) == expected, path


def test_a_real_process_prints_the_page(
    pivotal_command: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    env = dict(os.environ)
    shown = subprocess.run(
        [sys.executable, "-m", "pivotal_cli", "customers", "list", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = _typer(pivotal_command, ["customers", "list", "--help"], capsys)
    assert shown.stdout == expected[1]
    bare = subprocess.run(
        [sys.executable, "-m", "pivotal_cli"], env=env, capture_output=True, text=True
    )
    assert bare.returncode == 2 and not bare.stdout and bare.stderr.startswith("Usage: pivotal ")


# Text the pages do not hold today but may: hyphens at the edge, words longer than a
# line, `\b` blocks kept as written, indented paragraphs, runs of spaces.
TEXTS = [
    "Comma-separated fields of the resource to show, e.g. display_id,created_at.",
    "A-very-long-hyphenated-option-value-that-will-not-fit-anywhere-on-one-line ok",
    "x" * 130 + " then words",
    "First paragraph, long enough to wrap at least once at the narrow widths.\n\n"
    "\b\nkept   as\n  written\n\n    indented paragraph that wraps "
    "with its own indent kept all the way.",
    "Two  spaces  between  words\tand a tab.",
]


@pytest.mark.parametrize("width", [10, 30, 50, 78, 118])
@pytest.mark.parametrize("text", TEXTS)
def test_wrapping_is_click_s(text: str, width: int) -> None:
    from typer._click.formatting import wrap_text

    for indent in ("", "  "):
        for paragraphs in (False, True):
            assert formatter.wrap_text(text, width, indent, indent, paragraphs) == wrap_text(
                text, width, indent, indent, paragraphs
            ), (indent, paragraphs)


@pytest.mark.parametrize("width", [50, 78, 200])
def test_formatter_calls_lay_out_as_click_s(width: int) -> None:
    from typer._click.formatting import HelpFormatter

    rows = [("-a, --all", TEXTS[1]), ("--a-very-long-option-name-indeed VALUE", TEXTS[0])]
    rows.append(("--bare", ""))
    theirs = HelpFormatter(width=width)
    ours = formatter.Formatter(width)
    for each in (theirs, ours):
        each.write_usage("pivotal customers list", "[OPTIONS] " + "ARG " * 30)
        each.write_usage("pivotal " + "x" * 60, "[OPTIONS]")
        each.write_paragraph()
        each.write_heading("Options")
        each.indent()
        each.write_text(TEXTS[3])
        each.write_dl([list(row) for row in rows] if each is ours else rows)  # type: ignore[arg-type]
        each.dedent()
    assert "".join(ours.buffer) == theirs.getvalue()


def test_the_width_is_click_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "132")
    assert pages.terminal_columns() == 132
    monkeypatch.setenv("COLUMNS", "not a number")
    assert pages.terminal_columns() > 0
    assert [pages.help_width(c) for c in (20, 52, 80, 5000)] == [50, 50, 78, 998]


@pytest.mark.parametrize(
    "args",
    [
        ["customers", "lst", "--help"],
        ["--no-color", "customers", "--help"],
        ["customers", "--help", "list"],
        ["help", "customers", "lst"],
        ["me"],
        ["customers", "list"],
        ["--sandbox"],
    ],
)
def test_other_command_lines_go_to_typer(args: list[str], capsys: Any) -> None:
    assert _fast(args, capsys) == (None, "", "")


def test_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("_PIVOTAL_COMPLETE", "complete_bash")
    assert _fast([], capsys) == (None, "", "")


def _copy(tmp_path: Path, edit: Any) -> Path:
    raw = json.loads(Path(pages.DATA).read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "help.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _set(key: str, value: Any) -> Any:
    return lambda raw: raw.__setitem__(key, value)


@pytest.mark.parametrize(
    "edit",
    [
        _set("stamp", "00000000"),  # a source changed since the pages were made
        _set("version", "0.0.0-other"),
        _set("files", ["no/such/module.py"]),
        lambda raw: raw.pop("pages"),
    ],
    ids=["stale", "other version", "missing source", "damaged"],
)
def test_stale_or_damaged_pages_are_never_printed(
    edit: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr(pages, "DATA", str(_copy(tmp_path, edit)))
    assert _fast(["--help"], capsys) == (None, "", "")


def test_missing_or_unreadable_pages_go_to_typer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr(pages, "DATA", str(tmp_path / "absent.json"))
    assert _fast(["--help"], capsys) == (None, "", "")
    (tmp_path / "bad.json").write_bytes(b"\xff{not json")
    monkeypatch.setattr(pages, "DATA", str(tmp_path / "bad.json"))
    assert _fast(["--help"], capsys) == (None, "", "")


def test_a_source_edit_makes_the_pages_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PACKAGE_DIR", str(tmp_path))
    (tmp_path / "a.py").write_text("x = 1\n")
    first = pages.source_stamp(["a.py"])
    (tmp_path / "a.py").write_text("x = 2\n")
    assert pages.source_stamp(["a.py"]) != first
