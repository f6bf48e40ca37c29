"""Flags whose value is one of the schema's enum values.

Typer offers, checks and completes the members of an `Enum`, so each list of values
from the schema becomes one (cached: a status list shared by two flags is one class).
Commands read the chosen value back with `value_of`.
"""

from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Annotated, TypeAlias

import typer

from pivotal_cli.domain import schema


@cache
def choices(values: tuple[str, ...]) -> type[Enum]:
    """The `Enum` whose members are exactly `values`, in order."""
    return Enum("Choice", {value: value for value in values}, type=str)  # type: ignore[return-value]


def value_of(member: object) -> str | None:
    """The API value behind a choice flag (None when the flag was not given)."""
    return None if member is None else str(getattr(member, "value", member))


if TYPE_CHECKING:  # a flag's value is one of the schema's strings
    CustomerStatus: TypeAlias = str
    Phase: TypeAlias = str
    State: TypeAlias = str
else:
    CustomerStatus = choices(schema.CUSTOMER_STATUSES)
    Phase = choices(schema.PHASES)
    State = choices(schema.STATES)

StatusOpt = Annotated[CustomerStatus | None, typer.Option("--status", help="Customer status.")]
PhaseOpt = Annotated[Phase | None, typer.Option("--phase", help="Phase.")]
StateOpt = Annotated[State | None, typer.Option("--state", help="State (engagement health).")]
