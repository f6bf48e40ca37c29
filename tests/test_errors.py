"""The exit-code table, one documented code at a time.

0 ok; 1 error; 2 usage or invalid input; 3 cancelled at a prompt; 4 authentication;
5 not found; 6 conflict; 7 rate limited after retries; 8 server or network failure
after retries; 130 Ctrl-C. Each test shows a situation that produces its code, through
the real `pivotal` app where one exists and otherwise through `handle_errors`, the
boundary every command shares. A last test checks that the table covers every member
of `ExitCode`, so a new code cannot go untested.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from pivotal_cli import __version__
from pivotal_cli.cli import hints
from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.errors import (
    APIError,
    AuthenticationError,
    CancelledError,
    ConflictError,
    CredentialsError,
    ExitCode,
    InsecureTransportError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    PivotalError,
    RateLimitError,
    ServerError,
    UsageError,
    WatchFailedError,
    WatchTimeoutError,
    error_from_response,
)
from pivotal_cli.render.output import Output

ENV_KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"
COVERED: set[ExitCode] = set()


def covers(code: ExitCode) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Mark a test as the proof for one exit code (checked by the last test)."""
    COVERED.add(code)

    def mark(test: Callable[..., None]) -> Callable[..., None]:
        return test

    return mark


def run_raising(exc: BaseException) -> Result:
    """Run a one-command app whose command raises `exc` inside `handle_errors`."""
    from pivotal_cli.cli.context import AppContext, Settings

    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = AppContext(Settings())

    @app.command()
    @handle_errors
    def boom(ctx: typer.Context) -> None:
        raise exc

    return CliRunner().invoke(app, ["boom"], catch_exceptions=False)


def api_error(status: int, type_: str, code: str) -> APIError:
    return error_from_response(
        status, {"error": {"type": type_, "code": code, "message": f"{code} happened"}}
    )


# -- one test per code ----------------------------------------------------------------


@covers(ExitCode.OK)
def test_0_ok(cli: Callable[..., Result]) -> None:
    result = cli("--version")

    assert result.exit_code == 0
    assert result.stdout == f"pivotal {__version__}\n"
    assert result.stderr == ""


@covers(ExitCode.ERROR)
def test_1_an_unexpected_crash_in_a_command(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("pivotal_cli.client.meta.get_me", crash)

    result = cli("me", env={"PIVOTAL_API_KEY": ENV_KEY})

    assert result.exit_code == ExitCode.ERROR == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Unexpected RuntimeError. This is a bug in pivotal; "
        "rerun with --debug for the traceback and report it.\n"
    )


def test_1_a_crash_outside_any_command_is_one_line_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pivotal_cli.cli import app as app_module

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("in the root callback")

    monkeypatch.setattr("pivotal_cli.cli.context.AppContext.__init__", crash)

    with pytest.raises(SystemExit) as caught:
        app_module.run(["me"])

    assert caught.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "Error: unexpected RuntimeError. Rerun with --debug for the traceback.\n"


def test_1_the_base_error_and_an_api_error_without_a_known_status() -> None:
    assert PivotalError("x").exit_code == 1
    assert APIError("x", status=302).exit_code == 1
    result = run_raising(PivotalError("Something went wrong.", hint="Try again."))
    assert result.exit_code == 1
    assert result.stderr == "Error: Something went wrong. Try again.\n"


@covers(ExitCode.USAGE)
def test_2_usage_errors(cli: Callable[..., Result]) -> None:
    bad_flag = cli("--no-such-flag")
    assert bad_flag.exit_code == 2
    assert bad_flag.stdout == ""
    assert "No such option" in bad_flag.stderr

    result = run_raising(UsageError("--limit: must be 1-100."))
    assert result.exit_code == ExitCode.USAGE == 2
    assert result.stderr == "Error: --limit: must be 1-100.\n"

    assert InsecureTransportError("http").exit_code == 2
    assert api_error(400, "invalid_request_error", "missing_field").exit_code == 2


@covers(ExitCode.CANCELLED)
def test_3_cancelled_when_no_terminal_can_answer_and_no_yes() -> None:
    out = Output(stdout=io.StringIO(), stderr=io.StringIO())
    assert not out.interactive  # pytest's stdin is not a terminal

    with pytest.raises(CancelledError) as caught:
        out.confirm("Delete customer 42?", assume_yes=False)

    assert caught.value.exit_code == ExitCode.CANCELLED == 3
    assert "--yes" in hints.line(caught.value)
    out.confirm("Delete customer 42?", assume_yes=True)  # --yes: no question, no error

    result = run_raising(caught.value)
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: Refusing to continue without confirmation: no terminal to ask on. "
        "Pass --yes to confirm.\n"
    )


@pytest.mark.parametrize(
    ("answer", "cancelled"), [("n\n", True), ("\n", True), ("y\n", False), ("YES\n", False)]
)
def test_3_cancelled_when_the_user_says_no(answer: str, cancelled: bool) -> None:
    stderr = io.StringIO()
    out = Output(stdout=io.StringIO(), stderr=stderr, stdin=io.StringIO(answer), force_tty=True)

    if cancelled:
        with pytest.raises(CancelledError, match="nothing was changed"):
            out.confirm("Delete customer 42?", assume_yes=False)
    else:
        out.confirm("Delete customer 42?", assume_yes=False)
    assert stderr.getvalue() == "Delete customer 42? [y/N]: "


@covers(ExitCode.AUTH)
def test_4_authentication(cli: Callable[..., Result]) -> None:
    result = cli("me")

    assert result.exit_code == ExitCode.AUTH == 4
    assert result.stdout == ""
    assert result.stderr.startswith("Error: Not logged in. Run `pivotal auth login`")

    assert CredentialsError("no keyring").exit_code == 4
    assert api_error(401, "authentication_error", "api_key_revoked").exit_code == 4
    assert api_error(403, "permission_error", "forbidden").exit_code == 4


@covers(ExitCode.NOT_FOUND)
def test_5_not_found() -> None:
    error = api_error(404, "not_found", "customer_not_found")
    assert isinstance(error, NotFoundError)
    result = run_raising(error)
    assert result.exit_code == ExitCode.NOT_FOUND == 5
    assert result.stderr == ("Error: customer_not_found happened (customer_not_found, HTTP 404)\n")


@covers(ExitCode.CONFLICT)
def test_6_conflict() -> None:
    error = api_error(409, "conflict", "slug_taken")
    assert isinstance(error, ConflictError)
    result = run_raising(error)
    assert result.exit_code == ExitCode.CONFLICT == 6
    assert "Pick another --slug" in result.stderr


@covers(ExitCode.RATE_LIMITED)
def test_7_rate_limited_after_retries() -> None:
    error = api_error(429, "rate_limit_error", "rate_limited")
    assert isinstance(error, RateLimitError)
    assert run_raising(error).exit_code == ExitCode.RATE_LIMITED == 7


@covers(ExitCode.SERVER)
def test_8_server_or_network_failure_after_retries() -> None:
    error = api_error(500, "internal_error", "internal_error")
    assert isinstance(error, ServerError)
    assert run_raising(error).exit_code == ExitCode.SERVER == 8
    result = run_raising(NetworkError("Could not get an answer from my.pivotal.app."))
    assert result.exit_code == 8
    assert result.stderr == "Error: Could not get an answer from my.pivotal.app.\n"


@covers(ExitCode.WATCH_FAILED)
@covers(ExitCode.WATCH_TIMEOUT)
def test_10_and_11_a_watch_that_failed_or_ran_out_of_time(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIVOTAL_SANDBOX_RATE_LIMIT", "off")
    failed = cli("--sandbox", "onboardings", "watch", "22", "--until", "phase=launch",
                 "--fail-on", "state=paused", "--interval", "0.01s")  # fmt: skip
    assert failed.exit_code == ExitCode.WATCH_FAILED == 10
    assert "Error: Onboarding 22 met the fail condition state=paused." in failed.stderr
    timed_out = run_raising(WatchTimeoutError("Onboarding 22 did not reach phase=launch."))
    assert timed_out.exit_code == ExitCode.WATCH_TIMEOUT == 11
    assert timed_out.stderr.startswith("Error: Onboarding 22 did not reach")


@covers(ExitCode.PARTIAL)
def test_9_an_import_finished_with_some_rows_failed(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIVOTAL_SANDBOX_RATE_LIMIT", "off")
    source = tmp_path / "customers.csv"
    source.write_text("name,mrr\nGood,1\nBad,lots\n")

    result = cli("--sandbox", "import", "customers", str(source), "--yes")

    assert result.exit_code == ExitCode.PARTIAL == 9
    assert "1 created" in result.stderr and "1 failed" in result.stderr


@covers(ExitCode.INTERRUPTED)
def test_130_ctrl_c(cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("pivotal_cli.client.meta.get_me", interrupted)

    result = cli("me", env={"PIVOTAL_API_KEY": ENV_KEY})

    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert "Traceback" not in result.stderr
    assert run_raising(KeyboardInterrupt()).exit_code == 130


# -- the class table and its completeness ---------------------------------------------


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (PivotalError, 1),
        (UsageError, 2),
        (InsecureTransportError, 2),
        (InvalidRequestError, 2),
        (CancelledError, 3),
        (CredentialsError, 4),
        (AuthenticationError, 4),
        (PermissionDeniedError, 4),
        (NotFoundError, 5),
        (ConflictError, 6),
        (RateLimitError, 7),
        (ServerError, 8),
        (NetworkError, 8),
        (WatchFailedError, 10),
        (WatchTimeoutError, 11),
    ],
)
def test_every_error_class_has_its_documented_exit_code(cls: type, code: int) -> None:
    assert cls.exit_code == code


def test_api_error_one_line_names_code_status_request_and_next_step() -> None:
    error = error_from_response(
        401,
        {"error": {"type": "authentication_error", "code": "invalid_api_key", "message": "Bad"}},
        request_id="req_9",
    )

    # The next step is the command line's wording (cli/hints.py), as users read it.
    assert hints.line(error) == (
        "Bad (invalid_api_key, HTTP 401) [request req_9] "
        "Check the key, then run `pivotal auth login` again."
    )


def test_an_error_without_code_or_type_names_the_status_once() -> None:
    error = error_from_response(503, None, "")

    assert hints.line(error) == (
        "The server answered HTTP 503 without a Pivotal error body. (HTTP 503) "
        "The API failed; try again shortly. Rerun with --verbose to see the exchange."
    )


def test_the_table_covers_every_exit_code() -> None:
    # `@covers` registers when the module is imported, so test order does not matter.
    assert set(ExitCode) == COVERED
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 130]
