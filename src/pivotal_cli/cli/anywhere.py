"""Global options anywhere on the line: `pivotal customers list --test` as `--test …`.

Click reads an option only at the level that defines it, so `--sandbox` after
`customers list` would be an error. The root group hands its arguments to `hoist`
first, which moves each global option found after the command path (with its value,
for one that takes a value) to the front, where the root reads it. It leaves alone:

* everything after `--` (those words are data, not options);
* an option the command itself defines under the same name (`auth login --test`,
  `sandbox … --workspace`): the command's own meaning wins;
* the value of a command's own option, even one that looks like a global flag
  (`customers create --name --verbose` names the customer "--verbose").

It reads the Click command tree it is given, so it follows every command as built.

It also reads gh's `--json FIELDS` form on commands that have `--columns`:
`--json=a,b`, or `--json a,b` when the word reads as field names, becomes `--json
--columns a,b`, where an unknown name is refused naming the valid ones. A word reads
as field names when every name is a schema field (or a dotted path into one), or when
it is a comma-separated list of names, or when the command takes no argument (a
list): `customers list --json nosuch` is a typo to report, not an extra argument. A
lone word on a command with an argument stays where it is (`customers get --json
acme` still reads `acme` as the customer).

And, on commands that have `--remote`, `--dry-run=remote` as `--dry-run --remote` and
`--dry-run=local` as `--dry-run`: both spellings of a remote dry run work.
"""

from __future__ import annotations

import re
from typing import Any

DRY_RUN_SPELLINGS = {"local": ["--dry-run"], "remote": ["--dry-run", "--remote"]}


def _options(command: Any) -> dict[str, bool]:
    """Every option name of `command`, mapped to whether it takes a value."""
    names: dict[str, bool] = {}
    for param in getattr(command, "params", ()):
        if getattr(param, "param_type_name", "") != "option":
            continue
        takes_value = not getattr(param, "is_flag", False) and not getattr(param, "count", False)
        for name in (*param.opts, *param.secondary_opts):
            names[name] = takes_value
    return names


def _split(word: str) -> tuple[str, bool]:
    """`--timeout=5` -> ("--timeout", True): the option name, and whether it holds its value."""
    if word.startswith("--") and "=" in word:
        return word.split("=", 1)[0], True
    return word, False


_NAMES = re.compile(r"[A-Za-z_][\w.]*(,[A-Za-z_][\w.]*)*")


def _field_names(word: str, command: Any) -> bool:
    """Whether `word`, after `--json`, is the FIELDS of gh's `--json FIELDS` form."""
    from pivotal_cli.domain import schema

    if not _NAMES.fullmatch(word):
        return False
    takes_argument = any(
        getattr(p, "param_type_name", "") == "argument" for p in getattr(command, "params", ())
    )
    if "," in word or not takes_argument:
        return True
    known = {name for resource in schema.RESOURCES for name in schema.field_names(resource)}
    return word.split(".")[0] in known


def hoist(root: Any, args: list[str]) -> list[str]:
    """`args` with the root's options that follow the command path moved to the front."""
    global_opts = _options(root)
    front: list[str] = []
    moved: list[str] = []
    rest: list[str] = []
    command: Any = root
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            rest.extend(args[i:])
            break
        name, inline = _split(word)
        local = _options(command) if command is not root else {}
        if command is root:
            # Before the command path: the root reads these where they are.
            if name in global_opts:
                taken = 1 if inline or not global_opts[name] else 2
                front.extend(args[i : i + taken])
                i += taken
                continue
            sub = getattr(root, "commands", {}).get(word)
            rest.append(word)
            i += 1
            if sub is None:  # not a command (a typo, --help): let Click say so
                rest.extend(args[i:])
                break
            command = sub
            continue
        if name == "--json" and "--columns" in local:
            following = None if inline else (args[i + 1] if i + 1 < len(args) else None)
            if inline or (following is not None and _field_names(following, command)):
                fields = word.split("=", 1)[1] if inline else following
                rest.extend(["--json", "--columns", str(fields)])
                i += 1 if inline else 2
                continue
        if name == "--dry-run" and inline and "--remote" in local:
            value = word.split("=", 1)[1]
            if value in DRY_RUN_SPELLINGS:
                rest.extend(DRY_RUN_SPELLINGS[value])
                i += 1
                continue
        if name in local:
            taken = 1 if inline or not local[name] else 2
            rest.extend(args[i : i + taken])
            i += taken
            continue
        if name in global_opts:
            taken = 1 if inline or not global_opts[name] else 2
            moved.extend(args[i : i + taken])
            i += taken
            continue
        rest.append(word)
        i += 1
        # A group's first positional word names its subcommand.
        subcommands = getattr(command, "commands", None)
        if subcommands is not None and not word.startswith("-") and word in subcommands:
            command = subcommands[word]
    return front + moved + rest
