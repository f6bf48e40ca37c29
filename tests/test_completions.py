"""The static shell completions in completions/: fresh, and right in the real shells.

`scripts/gen_completions.py` writes `completions/pivotal.bash`, `_pivotal` (zsh) and
`pivotal.fish` from the command tree. These tests check:

* staleness: `--check` passes against the current app, so the suite fails whenever a
  command changes and nobody regenerated; and it names the stale files when it fails;
* bash, which is always here: the completion function, called in `bash --norc` with
  `COMP_WORDS`/`COMP_CWORD`/`COMP_LINE`/`COMP_POINT` set the way readline sets them,
  answers a table of cases, with `PATH=/nonexistent` and a `command_not_found_handle`
  that reports any external command: no Python (nor anything else) starts;
* the same answers as Typer's own dynamic completion for every group, every command's
  options and every Choice value of the real app (so new commands are covered too);
* zsh and fish when installed (skipped otherwise): syntax, then real completions, in a
  zsh driven through `zpty` and with fish's own `complete -C`, also without a PATH.

The table cases run against the scripts generated from FIXTURE below, a small app with
what the real one may grow (nested groups, enum/Literal choices, Path values, counted
and paired flags, hidden things, nargs), so they do not change when commands do.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, Literal

import pytest
import typer

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "scripts" / "gen_completions.py"
CHECKED_IN = ROOT / "completions"
BASH = shutil.which("bash")
ZSH = shutil.which("zsh")
FISH = shutil.which("fish")
# Bash's default; the table below assumes it, whatever the developer's shell has.
WORDBREAKS = " \t\n\"'@><=;|&(:"
RS = "\x1e"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_completions", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_completions", module)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


# -- The fixture app --------------------------------------------------------------------


class Status(str, Enum):
    active = "active"
    onboarding = "onboarding"
    at_risk = "at_risk"


FIXTURE = typer.Typer(context_settings={"help_option_names": ["-h", "--help"]})


@FIXTURE.callback()
def _root(
    workspace: Annotated[
        str | None,
        typer.Option("--workspace", "-w", help="Workspace: its slug [or 'none']."),
    ] = None,
    live: Annotated[bool | None, typer.Option("--live/--test", help="Live or test key.")] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help='Say more ("$HOME" `x` \\ too).')
    ] = 0,
    config: Annotated[Path | None, typer.Option("--config", help="Config file.")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", file_okay=False, help="A directory.")
    ] = None,
    secret: Annotated[bool, typer.Option("--secret", hidden=True)] = False,
) -> None:
    """The fixture CLI."""


_customers = typer.Typer(help="Customers: list and create.")
FIXTURE.add_typer(_customers, name="customers")


@_customers.command("list")
def _customers_list(
    status: Annotated[Status | None, typer.Option("--status", "-s", help="Status.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-L", help="Rows.")] = None,
    span: Annotated[tuple[int, int] | None, typer.Option("--span", help="Two numbers.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="JSON.")] = False,
) -> None:
    """List customers."""


@_customers.command("create")
def _customers_create(
    data: Annotated[str | None, typer.Option("--data", "-d", help="JSON, @file or -.")] = None,
) -> None:
    """Create a customer."""


@_customers.command("get")
def _customers_get(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    json_: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Get one customer."""


@_customers.command("hidden-cmd", hidden=True)
def _customers_hidden() -> None:
    """Not offered."""


_onboardings = typer.Typer(help="Onboardings.")
FIXTURE.add_typer(_onboardings, name="onboardings")


@_onboardings.command("list")
def _onboardings_list(
    phase: Annotated[
        Literal["design", "review", "launch"] | None, typer.Option("--phase", help="Phase.")
    ] = None,
) -> None:
    """List onboardings."""


_tasks = typer.Typer(help="Tasks of an onboarding.")
_onboardings.add_typer(_tasks, name="tasks")


@_tasks.command("list")
def _tasks_list(
    state: Annotated[Literal["open", "done"] | None, typer.Option("--state", help="State.")] = None,
) -> None:
    """List tasks."""


@FIXTURE.command("export")
def _export(
    fmt: Annotated[Literal["csv", "json"], typer.Argument(help="Format.")],
    files: Annotated[list[Path] | None, typer.Argument(help="Files.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite.")] = False,
) -> None:
    """Export: to files."""


@FIXTURE.command("echo")
def _echo(words: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """Echo words."""


_internal = typer.Typer(hidden=True)
FIXTURE.add_typer(_internal, name="internal")


@_internal.command("x")
def _internal_x() -> None:
    """Not offered either."""


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture app's scripts, and a few files to complete."""
    out = tmp_path_factory.mktemp("completions")
    tree = gen.build_tree(typer.main.get_command(FIXTURE))
    for name, text in gen.render(tree).items():
        (out / name).write_text(text, encoding="utf-8")
    files = out / "files"
    (files / "dir with space").mkdir(parents=True)
    (files / "data.json").write_text("{}")
    (files / "notes.txt").write_text("")
    return out


# -- Staleness --------------------------------------------------------------------------


def test_checked_in_scripts_are_fresh() -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, (
        f"{proc.stderr.strip()}\n(the command tree changed: regenerate and commit the scripts)"
    )
    assert elapsed < 5, f"the generator took {elapsed:.1f} s"


def test_check_names_the_stale_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gen.main(["--out-dir", str(tmp_path)]) == 0
    assert gen.main(["--check", "--out-dir", str(tmp_path)]) == 0
    (tmp_path / "pivotal.bash").write_text("# edited by hand\n")
    (tmp_path / "pivotal.fish").unlink()
    capsys.readouterr()
    assert gen.main(["--check", "--out-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "pivotal.bash" in err and "pivotal.fish" in err and "_pivotal" not in err


def test_output_is_deterministic(tmp_path: Path) -> None:
    """Same tree, same bytes, whatever the hash seed (click names the help option from
    a set, for one)."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(GENERATOR), "--out-dir", str(out)], env=env, check=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == ["_pivotal", "pivotal.bash", "pivotal.fish"]


def test_scripts_say_they_are_generated() -> None:
    for path in sorted(CHECKED_IN.iterdir()):
        head = path.read_text(encoding="utf-8").splitlines()[:6]
        assert any("Generated by scripts/gen_completions.py" in line for line in head), path
        assert any("DO NOT EDIT" in line for line in head), path
    assert (CHECKED_IN / "_pivotal").read_text().startswith("#compdef pivotal\n")


# -- bash -------------------------------------------------------------------------------

needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def _bash_words(line: str, wordbreaks: str) -> list[str]:
    """COMP_WORDS as bash makes them: split at blanks, and at runs of COMP_WORDBREAKS
    characters (`--status=ac` is three words: `--status`, `=`, `ac`)."""
    breaks = "".join(c for c in wordbreaks if not c.isspace() and c not in "\"'")
    words: list[str] = []
    for token in line.split():
        words += (
            re.findall(f"[{re.escape(breaks)}]+|[^{re.escape(breaks)}]+", token)
            if breaks
            else [token]
        )
    if not line or line[-1].isspace():
        words.append("")
    return words


def bash_complete(
    script: Path,
    lines: list[str],
    *,
    cwd: Path | None = None,
    wordbreaks: str = WORDBREAKS,
    with_line: bool = True,
) -> list[list[str]]:
    """COMPREPLY for each line (the cursor at its end), all in one `bash --norc`."""
    assert BASH is not None
    driver = [
        f"source {shlex.quote(str(script))}",
        # Any external command would land here (PATH finds nothing): report it.
        "command_not_found_handle() { printf 'EXTERNAL COMMAND: %s\\n' \"$*\" >&2; return 127; }",
        f"COMP_WORDBREAKS={shlex.quote(wordbreaks)}",
    ]
    for line in lines:
        words = _bash_words(line, wordbreaks)
        driver += [
            f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})",
            f"COMP_CWORD={len(words) - 1}",
            f"COMP_LINE={shlex.quote(line) if with_line else ''}",
            f"COMP_POINT={len(line) if with_line else 0}",
            "COMPREPLY=()",
            "_pivotal",
            'printf "%s\\n" "${COMPREPLY[@]}"',
            f"printf '{RS}\\n'",
        ]
    proc = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", "\n".join(driver)],
        capture_output=True,
        text=True,
        env={"PATH": "/nonexistent", "HOME": str(cwd or ROOT), "LC_ALL": "C"},
        cwd=cwd or ROOT,
        timeout=30,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    chunks = proc.stdout.split(f"{RS}\n")
    assert chunks[-1] == ""
    return [[w for w in chunk.split("\n") if w] for chunk in chunks[:-1]]


ROOT_OPTIONS = [
    "--config",
    "-h",
    "--help",
    "--install-completion",
    "--live",
    "--out-dir",
    "--show-completion",
    "--test",
    "-v",
    "--verbose",
    "-w",
    "--workspace",
]
LIST_OPTIONS = ["-h", "--help", "--json", "-L", "--limit", "-s", "--span", "--status"]

# (command line, cursor at its end; what bash offers, in order). Lists of commands and
# options come sorted; Choice values in their own order.
BASH_CASES = [
    # top level, groups, nesting
    ("pivotal ", ["customers", "echo", "export", "onboardings"]),
    ("pivotal cu", ["customers"]),
    ("pivotal x", []),
    ("pivotal customers ", ["create", "get", "list"]),
    ("pivotal customers c", ["create"]),
    ("pivotal onboardings ", ["list", "tasks"]),
    ("pivotal onboardings tasks ", ["list"]),
    # hidden commands, groups and options are not offered, nor anything after them
    ("pivotal in", []),
    ("pivotal internal ", []),
    ("pivotal customers hi", []),
    ("pivotal --se", []),
    # options: the root's before the command, each command's own after it
    ("pivotal -", ROOT_OPTIONS),
    ("pivotal --", [o for o in ROOT_OPTIONS if o.startswith("--")]),
    ("pivotal --l", ["--live"]),
    ("pivotal customers list -", LIST_OPTIONS),
    ("pivotal customers list --s", ["--span", "--status"]),
    ("pivotal onboardings list --", ["--help", "--phase"]),
    ("pivotal onboardings tasks list --", ["--help", "--state"]),
    # nothing positional left: the options, without typing "-"
    ("pivotal customers list ", LIST_OPTIONS),
    ("pivotal customers list --status active --json ", LIST_OPTIONS),
    # enum (Choice) values after the option, in their own order, prefix-filtered
    ("pivotal customers list --status ", ["active", "onboarding", "at_risk"]),
    ("pivotal customers list --status a", ["active", "at_risk"]),
    ("pivotal customers list -s o", ["onboarding"]),
    ("pivotal customers list -Ls ", LIST_OPTIONS),  # -L's value is "s"
    ("pivotal customers list --status=", ["active", "onboarding", "at_risk"]),
    ("pivotal customers list --status=a", ["active", "at_risk"]),  # readline keeps "--status="
    ("pivotal onboardings list --phase ", ["design", "review", "launch"]),
    ("pivotal onboardings tasks list --state ", ["open", "done"]),
    # an option that takes a value: only values, never options or commands
    ("pivotal customers list --limit ", []),
    ("pivotal customers list --limit -", []),
    ("pivotal -w ", []),
    ("pivotal --workspace ", []),
    ("pivotal customers list --span 1 ", []),  # two values
    ("pivotal customers list --span 1 2 --j", ["--json"]),
    # option values are not commands; clusters, attached and = values
    ("pivotal -w customers ", ["customers", "echo", "export", "onboardings"]),
    ("pivotal -w ws cu", ["customers"]),
    ("pivotal -vw ws cu", ["customers"]),
    ("pivotal -wws cu", ["customers"]),
    ("pivotal --workspace=ws cu", ["customers"]),
    ("pivotal -vv --live customers ", ["create", "get", "list"]),
    ("pivotal --test cu", ["customers"]),
    # positional arguments: Choice ones complete, others do not
    ("pivotal export ", ["csv", "json"]),
    ("pivotal export j", ["json"]),
    ("pivotal export -- ", ["csv", "json"]),
    ("pivotal customers get ", []),
    ("pivotal customers get c1 ", ["-h", "--help", "--json"]),
    ("pivotal echo a ", ["-h", "--help"]),
]


@needs_bash
def test_bash_cases(fixture_dir: Path) -> None:
    lines = [line for line, _ in BASH_CASES]
    got = bash_complete(fixture_dir / "pivotal.bash", lines)
    wrong = [
        f"{line!r}: got {answer}, want {want}"
        for (line, want), answer in zip(BASH_CASES, got, strict=True)
        if answer != want
    ]
    assert not wrong, "\n".join(wrong)


@needs_bash
def test_bash_without_equals_in_wordbreaks(fixture_dir: Path) -> None:
    """Some users drop = (or :) from COMP_WORDBREAKS: then the word is --status=a whole."""
    got = bash_complete(
        fixture_dir / "pivotal.bash",
        ["pivotal customers list --status=a", "pivotal --workspace=ws cu"],
        wordbreaks=WORDBREAKS.replace("=", ""),
    )
    assert got == [["--status=active", "--status=at_risk"], ["customers"]]


@needs_bash
def test_bash_without_comp_line(fixture_dir: Path) -> None:
    """Called with only COMP_WORDS/COMP_CWORD (as some wrappers do), it still works."""
    got = bash_complete(
        fixture_dir / "pivotal.bash",
        ["pivotal customers list --status ", "pivotal onboardings tasks "],
        with_line=False,
    )
    assert got == [["active", "onboarding", "at_risk"], ["list"]]


@needs_bash
def test_bash_files(fixture_dir: Path) -> None:
    """Path options and arguments complete files (directories for a dir-only Path);
    an option whose help mentions @file completes files after an @."""
    cases = [
        ("pivotal --config ", ["data.json", "dir with space/", "notes.txt"]),
        ("pivotal --config d", ["data.json", "dir with space/"]),
        ("pivotal --out-dir ", ["dir with space/"]),
        ("pivotal export csv ", ["data.json", "dir with space/", "notes.txt"]),
        ("pivotal export csv data.json n", ["notes.txt"]),
        ("pivotal customers create --data ", []),  # JSON: nothing to offer
        ("pivotal customers create --data @", ["@data.json", "@dir\\ with\\ space/", "@notes.txt"]),
        ("pivotal customers create -d @n", ["@notes.txt"]),
        ("pivotal customers create --data=@n", ["@notes.txt"]),
        ("pivotal customers create --data @dir\\ with\\ space/", []),
    ]
    got = bash_complete(
        fixture_dir / "pivotal.bash", [line for line, _ in cases], cwd=fixture_dir / "files"
    )
    assert dict(zip([c[0] for c in cases], got, strict=True)) == dict(cases)


@needs_bash
def test_bash_checked_in_script(fixture_dir: Path) -> None:
    """The real script: what the app has had from the start."""
    got = bash_complete(
        CHECKED_IN / "pivotal.bash",
        ["pivotal ", "pivotal auth ", "pivotal -", "pivotal -w ", "pivotal auth login --"],
    )
    assert {"auth", "health", "me"} <= set(got[0])
    assert got[1] == ["login", "logout", "status", "token", "use"]
    assert {"-w", "--workspace", "--live", "--test", "--sandbox", "-v", "--verbose"} <= set(got[2])
    assert {"-h", "--help", "--base-url", "--debug", "--no-color", "--version"} <= set(got[2])
    assert got[3] == []
    assert {"--with-key", "--insecure-storage", "--live", "--test", "--help"} <= set(got[4])


def test_bash_script_starts_no_process() -> None:
    """No command substitution, process substitution or backquotes: no subshell, and so
    certainly no Python. (The bash tests run with PATH=/nonexistent on top.)"""
    for path in (CHECKED_IN / "pivotal.bash",):
        code = "\n".join(
            line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
        )
        for construct in (r"\$\((?!\()", "`", "<\\(", ">\\("):  # $((…)) is arithmetic
            assert not re.search(construct, code), f"{path.name} matches {construct}"


# -- Parity with Typer's own (dynamic) completion ---------------------------------------


def _dynamic(command: Any, args: list[str], incomplete: str) -> list[str]:
    from typer._completion_classes import BashComplete

    complete = BashComplete(command, {}, "pivotal", "_PIVOTAL_COMPLETE")
    return [item.value for item in complete.get_completions(args, incomplete)]


@needs_bash
def test_bash_agrees_with_typer_on_the_real_app() -> None:
    """For every group's subcommands, every command's options and every Choice value of
    the real app, the static script answers what `_PIVOTAL_COMPLETE=complete_bash`
    would. Commands added later are covered without a new test."""
    from pivotal_cli.cli.app import app

    command = typer.main.get_command(app)
    tree = gen.build_tree(command)
    cases: list[tuple[list[str], str]] = []
    for node in tree.walk():
        if node.children:
            cases.append(([*node.path], ""))
        cases.append(([*node.path], "-"))
        for opt in node.options:
            if opt.value is not None and opt.value.kind == "choice" and not opt.value.untyped:
                cases.append(([*node.path, opt.names[0]], ""))
        for arg, start, _ in gen._arg_slots(node):
            if arg.value.kind == "choice" and not arg.value.untyped:
                cases.append(([*node.path, *(["x"] * start)], ""))
    lines = [" ".join(["pivotal", *args, incomplete]) for args, incomplete in cases]
    got = bash_complete(CHECKED_IN / "pivotal.bash", lines)
    wrong = []
    for (args, incomplete), line, answer in zip(cases, lines, got, strict=True):
        want = _dynamic(command, args, incomplete)
        if sorted(answer) != sorted(want):
            wrong.append(f"{line!r}: static {sorted(answer)}, typer {sorted(want)}")
    assert not wrong, "\n".join(wrong)
    assert len(cases) > 10


def test_typer_dynamic_completion_still_works() -> None:
    """`pivotal --install-completion` (one Python start per TAB) is the fallback."""
    env = {
        **os.environ,
        "_PIVOTAL_COMPLETE": "complete_bash",
        "COMP_WORDS": "pivotal au",
        "COMP_CWORD": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pivotal_cli"], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["auth"]


# -- zsh --------------------------------------------------------------------------------

needs_zsh = pytest.mark.skipif(ZSH is None, reason="zsh is not installed")

# Drives an interactive `zsh -f` through zpty: TAB runs the real completion system, and
# an overridden compadd prints what would be offered ("match -- description").
ZSH_CAPTURE = r"""
zmodload zsh/zpty || exit 3
zpty z "$ZSH_BIN -f -i"
zpty -w z "PROMPT=''; RPROMPT=''; PATH=/nonexistent"
zpty -w z "fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w z 'zstyle ":completion:*" list-separator ""'
zpty -w z 'mark () { echo -E - "__ZC""AP__" }'
zpty -w z 'capture () { compprefuncs=( mark ); comppostfuncs=( mark ); zle complete-word }'
zpty -w z 'zle -N capture; bindkey "^I" capture'
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits __dscr __tmp
  if (( $@[(I)-d] )); then
    __tmp=${@[$[${@[(i)-d]}+1]]}
    if [[ $__tmp == \(* ]]; then eval "__dscr=$__tmp"; else __dscr=( "${(@P)__tmp}" ); fi
  fi
  builtin compadd -A __hits -D __dscr "$@"
  setopt localoptions norcexpandparam extendedglob
  typeset -A apre hpre hsuf asuf
  zparseopts -E P:=apre p:=hpre S:=asuf s:=hsuf
  [[ -n $__hits ]] || return
  local dscr
  for i in {1..$#__hits}; do
    (( $#__dscr >= $i )) && dscr=" -- ${${__dscr[$i]}##$__hits[$i] #}" || dscr=
    echo -E - "$IPREFIX$apre$hpre$__hits[$i]$hsuf$asuf$dscr"
  done
}'
shift
local line out chunk
for line in "$@"; do
  zpty -n -w z "$line"$'\t'
  out=
  zpty -r -m z out '*__ZCAP__*__ZCAP__*' || exit 4
  chunk=${out#*__ZCAP__}
  chunk=${chunk%__ZCAP__*}
  print -r -- ${chunk//$'\r'/}
  print -r -- $'\x1e'
  zpty -n -w z $'\C-u'
done
zpty -d z
"""


def zsh_complete(
    fpath_dir: Path, lines: list[str], home: Path, cwd: Path | None = None
) -> list[list[str]]:
    """What zsh offers for each line (the cursor at its end): "match -- description"."""
    assert ZSH is not None
    proc = subprocess.run(
        [ZSH, "-f", "-c", ZSH_CAPTURE, "zsh", str(fpath_dir), *lines],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "ZSH_BIN": ZSH, "HOME": str(home)},
        cwd=cwd or ROOT,
        timeout=60,
    )
    if proc.returncode == 3:
        pytest.skip("zsh has no zsh/zpty module")
    assert proc.returncode == 0, proc.stderr
    chunks = proc.stdout.split(f"{RS}\n")
    return [[w for w in chunk.strip("\n").split("\n") if w] for chunk in chunks[:-1]]


@needs_zsh
def test_zsh_syntax(fixture_dir: Path) -> None:
    for path in (CHECKED_IN / "_pivotal", fixture_dir / "_pivotal"):
        proc = subprocess.run([ZSH, "-n", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


@needs_zsh
def test_zsh_completes(fixture_dir: Path, tmp_path: Path) -> None:
    cases = [
        (
            "pivotal ",
            [
                "customers -- Customers: list and create.",
                "echo -- Echo words.",
                "export -- Export: to files.",
                "onboardings -- Onboardings.",
            ],
        ),
        ("pivotal customers list --status ", ["active", "onboarding", "at_risk"]),
        ("pivotal customers list --status=a", ["--status=active", "--status=at_risk"]),
        ("pivotal onboardings tasks ", ["list -- List tasks."]),
        (
            "pivotal onboardings tasks list --",
            ["--help -- Show this message and exit.", "--state -- State."],
        ),
        ("pivotal -w ws cu", ["customers -- Customers: list and create."]),
        ("pivotal customers list --limit ", []),
        ("pivotal export ", ["csv", "json"]),
        ("pivotal customers create --data @n", ["@notes.txt"]),
        ("pivotal internal ", []),
    ]
    lines = [line for line, _ in cases]
    got = zsh_complete(fixture_dir, lines, home=tmp_path, cwd=fixture_dir / "files")
    assert dict(zip([c[0] for c in cases], got, strict=True)) == dict(cases)
    # Descriptions with zsh's special characters come out as written.
    [root_options] = zsh_complete(fixture_dir, ["pivotal --"], home=tmp_path)
    assert '--verbose -- Say more ("$HOME" `x` \\ too).' in root_options
    assert "--workspace -- Workspace: its slug [or 'none']." in root_options
    assert not any("secret" in line for line in root_options)


@needs_zsh
def test_zsh_checked_in_script(tmp_path: Path) -> None:
    got = zsh_complete(CHECKED_IN, ["pivotal auth ", "pivotal -w ws au"], home=tmp_path)
    assert [line.split(" -- ")[0] for line in got[0]] == [
        "login",
        "logout",
        "status",
        "token",
        "use",
    ]
    assert got[1] and got[1][0].startswith("auth -- ")


# -- fish -------------------------------------------------------------------------------

needs_fish = pytest.mark.skipif(FISH is None, reason="fish is not installed")


def fish_complete(
    script: Path, lines: list[str], home: Path, cwd: Path | None = None
) -> list[list[str]]:
    """fish's own `complete -C` for each line, the values only, with no PATH."""
    assert FISH is not None
    proc = subprocess.run(
        [
            FISH,
            "--no-config",
            "-c",
            f'source {shlex.quote(str(script))}; for l in $argv; complete -C"$l"; echo \\x1e; end',
            *lines,
        ],
        capture_output=True,
        text=True,
        env={
            "PATH": "/nonexistent",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
        },
        cwd=cwd or ROOT,
        timeout=60,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    chunks = proc.stdout.split(f"{RS}\n")
    return [[w.split("\t")[0] for w in chunk.split("\n") if w] for chunk in chunks[:-1]]


@needs_fish
def test_fish_syntax(fixture_dir: Path) -> None:
    for path in (CHECKED_IN / "pivotal.fish", fixture_dir / "pivotal.fish"):
        proc = subprocess.run(
            [FISH, "--no-config", "-n", str(path)], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr


@needs_fish
def test_fish_completes(fixture_dir: Path, tmp_path: Path) -> None:
    cases = [
        ("pivotal ", ["customers", "echo", "export", "onboardings"]),
        ("pivotal cus", ["customers"]),
        ("pivotal customers ", ["create", "get", "list"]),
        ("pivotal customers list --status ", ["active", "onboarding", "at_risk"]),
        ("pivotal customers list --status=a", ["--status=active", "--status=at_risk"]),
        ("pivotal onboardings list --phase ", ["design", "review", "launch"]),
        ("pivotal onboardings tasks list --", ["--help", "--state"]),
        ("pivotal customers list --limit ", []),
        ("pivotal -w customers ", ["customers", "echo", "export", "onboardings"]),
        ("pivotal -vw ws cu", ["customers"]),
        ("pivotal export ", ["csv", "json"]),
        ("pivotal export csv n", ["notes.txt"]),
        ("pivotal --out-dir ", ["dir with space/"]),
        ("pivotal customers create --data @n", ["@notes.txt"]),
        ("pivotal customers create --data=@n", ["--data=@notes.txt"]),
        ("pivotal customers get ", []),
        ("pivotal internal ", []),
        ("pivotal customers hi", []),
    ]
    got = fish_complete(
        fixture_dir / "pivotal.fish",
        [line for line, _ in cases],
        home=tmp_path,
        cwd=fixture_dir / "files",
    )
    assert dict(zip([c[0] for c in cases], got, strict=True)) == dict(cases)
    [root_options] = fish_complete(fixture_dir / "pivotal.fish", ["pivotal -"], home=tmp_path)
    assert set(root_options) == set(ROOT_OPTIONS)


@needs_fish
def test_fish_checked_in_script(tmp_path: Path) -> None:
    lines = ["pivotal au", "pivotal auth ", "pivotal -"]
    got = fish_complete(CHECKED_IN / "pivotal.fish", lines, home=tmp_path)
    assert got[0] == ["auth"]
    assert got[1] == ["login", "logout", "status", "token", "use"]
    assert {"-w", "--workspace", "--live", "--test", "--sandbox", "--help"} <= set(got[2])


# -- field names for --columns (and gh's --json FIELDS) ----------------------------------


def test_bash_completes_field_names_after_the_last_comma() -> None:
    got = bash_complete(
        CHECKED_IN / "pivotal.bash",
        [
            "pivotal customers list --columns display_id,na",
            "pivotal onboardings list -c ph",
            "pivotal contacts get 1 --columns=ema",
        ],
    )
    assert got[0] == ["display_id,name"]
    assert got[1] == ["phase"]
    assert got[2] == ["email"]


@needs_zsh
def test_zsh_completes_field_names(tmp_path: Path) -> None:
    got = zsh_complete(CHECKED_IN, ["pivotal onboardings list --columns pha"], home=tmp_path)
    assert any(line.split(" -- ")[0].strip() == "phase" for line in got[0]), got


@needs_fish
def test_fish_completes_field_names_after_the_last_comma(tmp_path: Path) -> None:
    got = fish_complete(
        CHECKED_IN / "pivotal.fish",
        ["pivotal customers list --columns display_id,na", "pivotal onboardings get 1 -c sta"],
        home=tmp_path,
    )
    assert got[0] == ["display_id,name"]
    assert set(got[1]) == {"started_at", "state"}


# -- values checked in code: event types, metavar lists, NAMED_VALUES --------------------

VALUE_LINES = {
    "pivotal webhooks trigger customer.c": ["customer.created", "customer.churned"],
    "pivotal webhooks listen --events onboarding.": ["onboarding.*", "onboarding.launched"],
    "pivotal import customers x.csv --mode ": ["create", "upsert"],
    "pivotal status --week ": ["last", "next", "this"],
    "pivotal api -X P": ["PATCH", "POST", "PUT"],
}


def _event_types() -> set[str]:
    from pivotal_cli.domain.webhook_events import EVENT_TYPES

    return set(EVENT_TYPES)


@needs_bash
def test_bash_completes_event_types_and_enum_values_checked_in_code() -> None:
    got = bash_complete(CHECKED_IN / "pivotal.bash", ["pivotal webhooks trigger ", *VALUE_LINES])
    assert set(got[0]) == _event_types()
    for answer, want in zip(got[1:], VALUE_LINES.values(), strict=True):
        assert set(want) <= set(answer), (want, answer)


@needs_zsh
def test_zsh_completes_event_types(tmp_path: Path) -> None:
    [got] = zsh_complete(CHECKED_IN, ["pivotal webhooks trigger "], home=tmp_path)
    assert {line.split(" -- ")[0] for line in got} == _event_types()


@needs_fish
def test_fish_completes_event_types_and_enum_values(tmp_path: Path) -> None:
    got = fish_complete(CHECKED_IN / "pivotal.fish", list(VALUE_LINES), home=tmp_path)
    for answer, want in zip(got, VALUE_LINES.values(), strict=True):
        assert set(want) <= set(answer), (want, answer)
