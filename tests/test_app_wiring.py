"""`run` wires only the command group a command line names; the rest stays unbuilt."""

from __future__ import annotations

import pytest

from pivotal_cli.cli.app import GROUPS, build_app, named_group, run


@pytest.mark.parametrize(
    ("argv", "group"),
    [
        (["customers", "list"], "customers"),
        (["--sandbox", "onboardings", "advance", "3"], "onboardings"),
        (["-w", "acme", "contacts", "list", "1"], "contacts"),
        (["--workspace", "customers", "me"], "me"),  # "customers" is the option's value
        (["--base-url", "http://127.0.0.1:1/api/v1", "health"], "health"),
        (["--test", "auth", "status"], "auth"),
        (["--help"], None),
        ([], None),
        (["custmers"], None),  # a typo gets the full tree, and click's "did you mean"
        (["--", "customers"], None),
    ],
)
def test_named_group(argv: list[str], group: str | None) -> None:
    assert named_group(argv) == group


def test_full_app_has_every_group() -> None:
    import typer

    command = typer.main.get_command(build_app())
    assert set(command.commands) == set(GROUPS)  # type: ignore[attr-defined]


def test_a_trimmed_run_answers_like_the_full_app(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["customers", "list", "--help"])
    assert exit_info.value.code == 0
    assert "--status" in capsys.readouterr().out


def test_a_typo_is_caught_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["custmers"])
    assert exit_info.value.code == 2
    assert "Did you mean 'customers'?" in capsys.readouterr().err
