""" "Did you mean" for a command that does not exist: the word's close matches in its
group, the command other CLIs call by that name (`contacts create` is `contacts
add`), and the same command in another group (`customers advance` is `onboardings
advance`; `pivotal advance` too). Hidden aliases are never offered.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

# Names people type from other CLIs (gh, the Stripe CLI, REST habits), by what each
# may mean here; only those the group has are offered.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "create": ("add", "create"),
    "add": ("create", "add"),
    "new": ("create", "add"),
    "rm": ("delete",),
    "remove": ("delete",),
    "del": ("delete",),
    "show": ("get",),
    "view": ("get",),
    "edit": ("update",),
    "set": ("update",),
    "search": ("list",),
    "find": ("list",),
}


def _visible(group: Any, ctx: Any) -> list[str]:
    names = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            names.append(name)
    return names


def _path(ctx: Any) -> list[str]:
    words = []
    while ctx.parent is not None:
        words.append(ctx.info_name)
        ctx = ctx.parent
    return ["pivotal", *reversed(words)]


def suggestions(group: Any, ctx: Any, typo: str) -> list[str]:
    """What to offer for `typo` typed as a subcommand of `group`, best first: names in
    the group, or whole command lines (`pivotal onboardings advance`) for elsewhere."""
    here = _visible(group, ctx)
    found: list[str] = [n for n in SYNONYMS.get(typo, ()) if n in here and n != typo]
    found += [n for n in get_close_matches(typo, here) if n not in found]
    if found:
        return [f"{' '.join(_path(ctx))} {name}" for name in found]
    # A run builds only the group it names (start-up cost): the error path builds the
    # whole tree to look in the others.
    import typer.main

    from pivotal_cli.cli import app

    root: Any = typer.main.get_command(app.app)
    root_ctx = root.make_context("pivotal", [], resilient_parsing=True)
    here_path = _path(ctx)[1:]
    elsewhere = []
    for name in _visible(root, root_ctx):
        sub = root.get_command(root_ctx, name)
        if [name] == here_path or not hasattr(sub, "list_commands"):
            continue
        inner = sub.make_context(name, [], parent=root_ctx, resilient_parsing=True)
        if typo in _visible(sub, inner):
            elsewhere.append(f"pivotal {name} {typo}")
    return elsewhere


def did_you_mean(group: Any, ctx: Any, typo: str) -> str:
    """` Did you mean `…`?` for the error line, or "" with nothing to offer."""
    offered = suggestions(group, ctx, typo)
    if not offered:
        return ""
    return " Did you mean " + " or ".join(f"`{line}`" for line in offered[:3]) + "?"
