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
    assert "Did you mean `pivotal customers`?" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["contacts", "create"], "`pivotal contacts add`"),  # another CLI's word
        (["customers", "lst"], "`pivotal customers list`"),  # a typo in the group
        (["customers", "advance"], "`pivotal onboardings advance`"),  # the wrong group
        (["advance"], "`pivotal onboardings advance`"),  # no group at all
        (["contacts", "rm"], "`pivotal contacts delete`"),
    ],
)
def test_a_command_that_does_not_exist_says_what_was_meant(
    capsys: pytest.CaptureFixture[str], argv: list[str], meant: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error == f"Error: No such command '{argv[-1]}'. Did you mean {meant}?"
    assert "'ls'" not in error  # hidden aliases are never offered
