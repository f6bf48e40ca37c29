"""The API's schema, read once from the OpenAPI document: fields, types and enums.

Every consumer reads resources from here: the command line's flags and their checks,
the views' columns, request-body validation, the sandbox's validation, storage and
rendering, and the completions. The data is `spec.py`, generated from `openapi.json`
by `scripts/gen_openapi.py`; adding an optional field is one edit there plus
regeneration.

Values outside these enums may still come back from the API (the Versioning page
promises additive changes): code that reads responses must treat them as "known",
never as "all".
"""

from functools import cache
from typing import Any, Literal, NamedTuple

from pivotal_cli.domain import spec

Operation = Literal["object", "create", "update"]

# Resource name -> the schema names of its object, create body and update body.
_SCHEMA_NAMES: dict[str, dict[Operation, str]] = {
    "customer": {"object": "Customer", "create": "CustomerCreate", "update": "CustomerUpdate"},
    "contact": {"object": "Contact", "create": "ContactCreate", "update": "ContactUpdate"},
    "onboarding": {
        "object": "Onboarding",
        "create": "OnboardingCreate",
        "update": "OnboardingUpdate",
    },
}
RESOURCES = tuple(_SCHEMA_NAMES)


class Field(NamedTuple):
    """One property of a schema, with what its validation and presentation need.

    A NamedTuple rather than a dataclass: it is built on every start-up that shows help,
    and a dataclass of this size costs about ten times as much to define.
    """

    name: str
    type: str  # "string", "integer", "number", "boolean", "array" or "object"
    required: bool = False
    nullable: bool = False
    format: str | None = None  # "date-time", "email"
    enum: tuple[str, ...] = ()
    items: str | None = None  # the type of an array's items
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    pattern: str | None = None
    default: Any = None
    description: str = ""

    @property
    def is_datetime(self) -> bool:
        return self.format == "date-time"

    @property
    def is_email(self) -> bool:
        return self.format == "email"


def _field(name: str, node: dict[str, Any], required: bool) -> Field:
    types = node.get("type", "object")
    types = [types] if isinstance(types, str) else list(types)
    main = next((t for t in types if t != "null"), "string")
    items = node.get("items")
    return Field(
        name=name,
        type=main,
        required=required,
        nullable="null" in types,
        format=node.get("format"),
        enum=tuple(v for v in node.get("enum", ()) if v is not None),
        items=items.get("type") if isinstance(items, dict) else None,
        minimum=node.get("minimum"),
        maximum=node.get("maximum"),
        min_length=node.get("minLength"),
        pattern=node.get("pattern"),
        default=node.get("default"),
        description=node.get("description", ""),
    )


@cache
def fields(resource: str, operation: Operation = "object") -> tuple[Field, ...]:
    """The fields of a resource's object, create body or update body, in schema order."""
    schema = spec.SCHEMAS[_SCHEMA_NAMES[resource][operation]]
    required = set(schema.get("required", ()))
    return tuple(
        _field(name, node, name in required) for name, node in schema["properties"].items()
    )


def field_names(resource: str, operation: Operation = "object") -> tuple[str, ...]:
    return tuple(f.name for f in fields(resource, operation))


def field(resource: str, name: str, operation: Operation = "object") -> Field | None:
    return next((f for f in fields(resource, operation) if f.name == name), None)


def list_filter(operation_id: str, name: str) -> tuple[str, ...]:
    """The enum values a list operation's query filter accepts."""
    return tuple(spec.LIST_FILTERS[operation_id][name]["enum"])


def operations() -> dict[str, dict[str, str]]:
    """Every documented path (`/api/v1/...`) with its operationIds by HTTP method."""
    return spec.OPERATIONS


def _enum(resource: str, name: str, operation: Operation) -> tuple[str, ...]:
    found = field(resource, name, operation)
    assert found is not None and found.enum, f"{resource}.{name} has no enum in the schema"
    return found.enum


CUSTOMER_STATUSES = _enum("customer", "status", "create")
PHASES = _enum("onboarding", "phase", "object")
STATES = _enum("onboarding", "state", "object")
