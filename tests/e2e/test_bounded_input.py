"""Input is bounded everywhere it is read, import refuses ambiguity, `api` stays under its
base path: each case once ended in "Unexpected …, this is a bug", a memory error, a
hang, a silent guess or a request outside the API.

Every limit fails fast: `/dev/zero` is read to 64 MiB at most (and a line to 1 MiB), so
no test here takes more than a second or two.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

CLI = Callable[..., Result]
KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"  # clearly fake
DEEP = "[" * 100_000 + "]" * 100_000
needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")


def _one_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Unexpected" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


# -- import files -----------------------------------------------------------------------


def test_a_10_mb_cell_is_one_line_naming_its_line_and_column(
    sandbox_cli: CLI, tmp_path: Path
) -> None:
    source = tmp_path / "big.csv"
    source.write_text("name,slug,notes\nA,a,fine\nB,b," + "x" * 10_000_000 + "\n")
    line = _one_error(sandbox_cli("import", "customers", str(source), "--dry-run"))
    assert line == "Error: big.csv: line 3, column notes: a cell longer than 128 KiB."


@pytest.mark.parametrize(
    ("name", "content"),
    [("deep.json", DEEP), ("deep.jsonl", '{"name": "A"}\n' + DEEP + "\n")],
)
def test_json_nested_100_000_deep_is_refused(
    sandbox_cli: CLI, tmp_path: Path, name: str, content: str
) -> None:
    source = tmp_path / name
    source.write_text(content)
    result = sandbox_cli("import", "customers", str(source), "--dry-run")
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "nested deeper than 500 levels" in result.stderr


@needs_dev_zero
@pytest.mark.parametrize(
    ("fmt", "said"),
    [
        ("csv", "/dev/zero: line 1, column #1: a cell longer than 128 KiB."),
        ("jsonl", "/dev/zero: line 1 is longer than 1 MiB."),
        ("json", "/dev/zero: more than 64 MiB for a JSON array"),
    ],
)
def test_dev_zero_as_an_import_fails_at_a_limit(sandbox_cli: CLI, fmt: str, said: str) -> None:
    line = _one_error(sandbox_cli("import", "customers", "/dev/zero", "--format", fmt))
    assert said.replace("/dev/zero", "zero") in line


def test_10_000_unknown_columns_print_ten_warnings_and_a_count(
    sandbox_cli: CLI, tmp_path: Path
) -> None:
    source = tmp_path / "wide.csv"
    extra = [f"c{i}" for i in range(10_000)]
    source.write_text(",".join(["name", "slug", *extra]) + "\nA,a" + ",x" * 10_000 + "\n")
    result = sandbox_cli("import", "customers", str(source), "--dry-run")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 11
    assert warnings[-1] == "Warning: wide.csv: … and 9,990 more unknown columns."


def test_thousands_of_bad_rows_print_ten_problems_and_a_count(
    sandbox_cli: CLI, tmp_path: Path
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("name,mrr\n" + "".join(f"N{i},lots\n" for i in range(2_000)))
    result = sandbox_cli("import", "customers", str(source), "--dry-run")
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if "expected an integer" in line]
    assert len(problems) == 10
    assert "… and 1,990 more problems." in result.stderr
    assert "Dry run: 2000 problems found" in result.stderr


@pytest.mark.parametrize("header", ["name,name", "name, name ", "slug,name,slug,name"])
def test_a_header_naming_a_column_twice_is_refused(
    sandbox_cli: CLI, tmp_path: Path, header: str
) -> None:
    source = tmp_path / "dup.csv"
    source.write_text(header + "\n" + ",".join("x" * len(header.split(","))) + "\n")
    line = _one_error(sandbox_cli("import", "customers", str(source), "--dry-run"))
    assert "dup.csv: the header names " in line and "more than once" in line
    assert "'name'" in line


@pytest.mark.parametrize("dry_run", [["--dry-run"], []])
def test_a_map_for_a_column_the_file_lacks_is_refused(
    sandbox_cli: CLI, tmp_path: Path, dry_run: list[str]
) -> None:
    source = tmp_path / "people.csv"
    source.write_text("name,slug\nA,a\n")
    result = sandbox_cli(
        "--verbose", "import", "customers", str(source), "--map", "Nope=name", *dry_run
    )
    line = _one_error(result)
    assert "people.csv has no column 'Nope' to rename; its columns are: name, slug." in line
    assert "> POST" not in result.stderr


def test_a_nul_in_a_csv_name_fails_its_row_before_sending(sandbox_cli: CLI, tmp_path: Path) -> None:
    source = tmp_path / "nul.csv"
    source.write_text("name,slug\nA\x00B,nul-a\nTabbed\tName,tabbed\n")
    result = sandbox_cli("import", "customers", str(source), "--json", "--yes")
    assert result.exit_code == 9, result.stderr
    assert "line 2, column name: contains the control character U+0000 at character 2" in (
        result.stderr
    )
    summary = json.loads(result.stdout)
    assert (summary["created"], summary["failed"]) == (1, 1)


@pytest.mark.parametrize("given", ["", "\n\n"])
def test_empty_stdin_is_an_input_with_no_rows(sandbox_cli: CLI, given: str) -> None:
    result = sandbox_cli("import", "customers", "-", input=given)
    assert result.exit_code == 0, result.stderr
    assert "0 rows" in result.stderr


# -- bodies, api and config -------------------------------------------------------------


@needs_dev_zero
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["customers", "create", "--data", "@/dev/zero"], "--data: /dev/zero: more than 64 MiB."),
        (["api", "customers", "--input", "/dev/zero"], "--input: /dev/zero: more than 64 MiB."),
        (["api", "customers", "-F", "notes=@/dev/zero"], "-F notes: /dev/zero: more than"),
    ],
)
def test_dev_zero_as_a_body_fails_at_the_limit(
    sandbox_cli: CLI, args: list[str], said: str
) -> None:
    assert said in _one_error(sandbox_cli("--verbose", *args))


def test_deep_json_bodies_and_fields_are_refused_before_sending(
    sandbox_cli: CLI, tmp_path: Path
) -> None:
    deep = tmp_path / "body.json"
    deep.write_text(DEEP)
    cases = [
        (["api", "customers", "--input", str(deep)], "--input: "),
        (["customers", "create", "--data", "-"], "--data: stdin: nested deeper than 500"),
        (["api", "customers", "-F", "a" + "[b]" * 100_000 + "=1"], "-F a: nested deeper"),
    ]
    for args, said in cases:
        result = sandbox_cli("--verbose", *args, input=DEEP)
        line = _one_error(result)
        assert said in line and "nested deeper than 500 levels" in line
        assert "> POST" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["customers", "create", "--name", "A\x00B"],
        ["customers", "create", "--data", '{"name": "A\\u0000B"}'],
        ["customers", "update", "1", "--plan", "pro\x1b[2J"],
    ],
)
def test_a_control_character_in_a_flag_or_data_fails_before_any_request(
    sandbox_cli: CLI, args: list[str]
) -> None:
    result = sandbox_cli("--verbose", *args)
    assert "contains the control character" in _one_error(result)
    assert "> POST" not in result.stderr and "> PATCH" not in result.stderr


def test_a_config_file_nested_deep_is_one_line_naming_it(cli: CLI, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.json").write_text('{"workspaces": ' + DEEP + "}")
    line = _one_error(cli("customers", "list"))
    assert "config.json: nested deeper than 500 levels." in line
    assert "pivotal auth login" in line


@needs_dev_zero
def test_a_config_file_that_never_ends_fails_at_the_limit(cli: CLI, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.json").symlink_to("/dev/zero")
    assert "config.json: more than 64 MiB." in _one_error(cli("customers", "list"))


# -- pastes and webhooks ----------------------------------------------------------------


@pytest.fixture
def holder(sandbox_cli: CLI) -> str:
    result = sandbox_cli("customers", "create", "--name", "Holder", "--slug", "holder")
    assert result.exit_code == 0, result.stderr
    return "holder"


def test_a_pasted_1_mb_line_is_refused(sandbox_cli: CLI, holder: str) -> None:
    result = sandbox_cli("contacts", "import", holder, "-", input="x" * 1_000_000 + ", a@b.com\n")
    assert "stdin: line 1, column name: a cell longer than 128 KiB." in _one_error(result)


@needs_dev_zero
def test_dev_zero_as_a_paste_fails_at_the_limit(sandbox_cli: CLI, holder: str) -> None:
    result = sandbox_cli("contacts", "import", holder, "/dev/zero")
    assert "/dev/zero: more than 64 MiB." in _one_error(result)


def test_a_pasted_nul_skips_that_line(sandbox_cli: CLI, holder: str) -> None:
    result = sandbox_cli("contacts", "import", holder, "-", "--dry-run", input="A\x00B, a@b.com\n")
    assert "Skipping line 1: contains the control character U+0000" in result.stderr


@needs_dev_zero
@pytest.mark.parametrize("flag", ["--request", "--body"])
def test_dev_zero_as_a_webhook_request_fails_at_the_limit(cli: CLI, flag: str) -> None:
    secret = "whsec_" + "A" * 32
    result = cli("webhooks", "verify", flag, "/dev/zero", "--secret", secret)
    assert f"{flag}: /dev/zero: more than 64 MiB." in _one_error(result)


def test_a_trigger_value_nested_deep_is_refused(cli: CLI) -> None:
    result = cli("webhooks", "trigger", "customer.created", "--print", "--set", "name=" + DEEP)
    assert "nested deeper than 500 levels" in _one_error(result)


# -- api paths: nothing reaches a server outside the base path --------------------------


@pytest.fixture
def capturing() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server answering `{}` to anything, recording each request's path."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(self.path)
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "path",
    [
        "../../admin",
        "%2e%2e/admin",
        "customers/../../..",
        "/api/v1/../admin",
        "..\\admin",
        "customers/%2E%2E/%2e%2e/x",
    ],
)
def test_a_path_leaving_the_base_path_reaches_no_server(
    cli: CLI, capturing: tuple[str, list[str]], path: str
) -> None:
    base, seen = capturing
    result = cli("api", path, env={"PIVOTAL_API_KEY": KEY, "PIVOTAL_BASE_URL": base})
    line = _one_error(result)
    assert "the path leaves the API's base path (/api/v1)" in line
    assert KEY not in result.stderr
    assert seen == []


@pytest.mark.parametrize(
    ("path", "reached"),
    [
        ("customers/245", "/api/v1/customers/245"),
        ("/customers?x=1", "/api/v1/customers?x=1"),
        ("customers/a%2Fb", "/api/v1/customers/a%2Fb"),
        ("customers//245", "/api/v1/customers/245"),
        ("/api/v1/customers", "/api/v1/customers"),
    ],
)
def test_a_path_under_the_base_path_is_sent(
    cli: CLI, capturing: tuple[str, list[str]], path: str, reached: str
) -> None:
    base, seen = capturing
    result = cli("api", path, env={"PIVOTAL_API_KEY": KEY, "PIVOTAL_BASE_URL": base})
    assert result.exit_code == 0, result.stderr
    assert seen == [reached]


def test_a_metadata_value_nested_deep_is_refused(sandbox_cli: CLI) -> None:
    result = sandbox_cli("--verbose", "customers", "create", "--name", "A", "-m", "k=" + DEEP)
    assert "--metadata k: nested deeper than 500 levels." in _one_error(result)
    assert "> POST" not in result.stderr
