"""The one check of field names given on the command line, worded per flag.

`--columns`, `--json FIELDS` and `-t/--template` name fields of a resource; an
unknown one stops the command before any request with exit 2 and the list of valid
names, as gh's "Unknown JSON field" does. Which names exist is `domain.field_names`'s
rule; only the wording lives here.
"""

from __future__ import annotations

from collections.abc import Sequence

from pivotal_cli.errors import UsageError

# The flag a name came from, as the error's first words say it.
WORDING = {
    "--json": "Unknown JSON field",
    "--columns": "Unknown field for --columns",
    "--template": "Unknown template field",
}


def check_names(names: Sequence[str], known: Sequence[str], flag: str) -> None:
    """Refuse the first unknown name in `names` (from `flag`), naming every known one."""
    from pivotal_cli.domain.field_names import unknown

    missing = unknown(names, known)
    if missing:
        shown = missing[0] or "{}"
        raise UsageError(
            f"{WORDING[flag]}: {shown}. Available fields: {', '.join(known)}.",
            reason="unknown_field",
        )


def check_template(template: str, known: Sequence[str] | None) -> None:
    """`--template` parsed (and its widths bounded) and, when the resource's fields are
    known, every `{field}` checked: a typo is an error, not a blank line per record."""
    from pivotal_cli.cli.query import check_template as parse_template
    from pivotal_cli.domain.field_names import template_fields

    parse_template(template)
    if known is not None:
        check_names(template_fields(template), known, "--template")
