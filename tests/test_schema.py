"""One schema: every consumer exposes exactly the schema's fields, and a new field
reaches all of them with one edit plus regeneration.

The schema is `domain/openapi.json` (built by `scripts/gen_openapi.py`) and its
generated copy `domain/spec.py`. The consumers checked here: the create and update
flags, the views' columns, the request-body checks, the list filters' choices and the
shell completions. The sandbox's side (validation, storage, rendering) is checked in
tests/sandbox.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import typer.main

from pivotal_cli.cli.body_flags import flag_for
from pivotal_cli.domain import schema

ROOT = Path(__file__).resolve().parent.parent

# (command path, resource, body operation)
WRITE_COMMANDS = [
    (("customers", "create"), "customer", "create"),
    (("customers", "update"), "customer", "update"),
    (("contacts", "add"), "contact", "create"),
    (("contacts", "update"), "contact", "update"),
    (("onboardings", "create"), "onboarding", "create"),
    (("onboardings", "update"), "onboarding", "update"),
]
# Options every write command has besides the body's fields.
COMMAND_OPTIONS = {"--data", "--idempotency-key", "--yes", "--json", "--jq", "--arg", "--help"}


def _command(path: tuple[str, ...]) -> Any:
    from pivotal_cli.cli.app import build_app

    command: Any = typer.main.get_command(build_app())
    for name in path:
        command = command.commands[name]
    return command


def _long_flags(command: Any) -> set[str]:
    return {
        name
        for param in command.params
        for name in (*param.opts, *param.secondary_opts)
        if name.startswith("--")
    }


@pytest.mark.parametrize(("path", "resource", "operation"), WRITE_COMMANDS)
def test_write_commands_offer_a_flag_for_every_body_field_and_no_other(
    path: tuple[str, ...], resource: str, operation: Any
) -> None:
    command = _command(path)
    flags = {
        param.opts[0]
        for param in command.params
        if param.opts[0].startswith("--") and param.opts[0] not in COMMAND_OPTIONS
    }

    assert flags == {flag_for(name) for name in schema.field_names(resource, operation)}


@pytest.mark.parametrize(("path", "resource", "operation"), WRITE_COMMANDS)
def test_enum_flags_offer_the_schemas_values(
    path: tuple[str, ...], resource: str, operation: Any
) -> None:
    command = _command(path)
    by_flag = {param.opts[0]: param for param in command.params}
    for spec in schema.fields(resource, operation):
        if spec.enum:
            assert tuple(by_flag[flag_for(spec.name)].type.choices) == spec.enum


@pytest.mark.parametrize(
    ("path", "flag", "values"),
    [
        (("customers", "list"), "--status", schema.list_filter("list-customers", "status")),
        (("onboardings", "list"), "--phase", schema.list_filter("list-onboardings", "phase")),
        (("onboardings", "list"), "--state", schema.list_filter("list-onboardings", "state")),
    ],
)
def test_list_filters_offer_the_schemas_values(
    path: tuple[str, ...], flag: str, values: tuple[str, ...]
) -> None:
    (param,) = [p for p in _command(path).params if flag in p.opts]

    assert tuple(param.type.choices) == values


@pytest.mark.parametrize("resource", schema.RESOURCES)
def test_views_have_a_column_for_every_field(resource: str) -> None:
    from pivotal_cli.render import views

    columns = getattr(views, f"{resource.upper()}_COLUMNS")

    assert [c.key for c in columns] == [
        name for name in schema.field_names(resource) if name != "object"
    ]


@pytest.mark.parametrize(("path", "resource", "operation"), WRITE_COMMANDS)
def test_completions_offer_every_body_flag(
    path: tuple[str, ...], resource: str, operation: Any
) -> None:
    fish = (ROOT / "completions" / "pivotal.fish").read_text()
    lines = [line for line in fish.splitlines() if f"__pivotal_at '{' '.join(path)}'" in line]
    for name in schema.field_names(resource, operation):
        assert any(f"-l '{flag_for(name)[2:]}'" in line for line in lines), name


# A customer field the schema does not have, added the way a developer would: to the
# object and to both bodies of the generated copy, before anything reads it.
ADD_A_FIELD = textwrap.dedent(
    """
    import json, sys
    from pivotal_cli.domain import spec

    for name in ("Customer", "CustomerCreate", "CustomerUpdate"):
        nullable = ["string", "null"] if name == "Customer" else "string"
        spec.SCHEMAS[name]["properties"]["loyalty_tier"] = {
            "type": nullable, "description": "Loyalty programme tier."
        }

    from typer.testing import CliRunner
    import typer.main
    from pivotal_cli.cli.app import build_app
    from pivotal_cli.domain.bodies import check
    from pivotal_cli.render.views import CUSTOMER_COLUMNS

    app = build_app()
    runner = CliRunner()
    create_help = runner.invoke(app, ["customers", "create", "--help"]).output
    update_help = runner.invoke(app, ["customers", "update", "--help"]).output
    sys.path.insert(0, sys.argv[1])
    import gen_completions

    tree = gen_completions.build_tree(typer.main.get_command(app))
    fish = gen_completions.render(tree)["pivotal.fish"]
    print(json.dumps({
        "create_help": create_help,
        "update_help": update_help,
        "column": any(c.key == "loyalty_tier" for c in CUSTOMER_COLUMNS),
        "body": check("customer", "create", {"name": "A", "loyalty_tier": "gold"}),
        "refused": _refused(check),
        "fish": "-l 'loyalty-tier'" in fish,
    }))
    """
).replace(
    "import json, sys\n",
    "import json, sys\n\n"
    "def _refused(check):\n"
    "    try:\n"
    "        check('customer', 'update', {'loyalty_tier': 5})\n"
    "    except Exception as exc:\n"
    "        return str(exc)\n"
    "    return ''\n",
    1,
)


def test_a_field_added_to_the_schema_reaches_every_consumer() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", ADD_A_FIELD, str(ROOT / "scripts")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)

    assert "--loyalty-tier" in seen["create_help"]
    assert "Loyalty programme tier." in seen["create_help"]
    assert "--loyalty-tier" in seen["update_help"]
    assert seen["column"] is True
    assert seen["body"] == {"name": "A", "loyalty_tier": "gold"}
    assert "loyalty_tier" in seen["refused"]
    assert seen["fish"] is True


def test_the_schema_is_written_once_in_src() -> None:
    """A plain field's name appears only in the schema and what is generated from it."""
    proc = subprocess.run(
        ["git", "grep", "-l", "monthly_orders", "--", "src"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1) or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")

    # The completion scripts are generated from the schema too (field names for --columns).
    # The fake-event builder knows what real values of some names look like (a plausible
    # order count); it takes the fields themselves from the schema and ignores a name
    # the schema lacks, so it declares no field, type or enum.
    found = [
        p
        for p in proc.stdout.split()
        if not p.startswith("src/pivotal_cli/completions/")
        and p != "src/pivotal_cli/domain/webhook_fakes.py"
    ]
    assert sorted(found) == [
        "src/pivotal_cli/domain/openapi.json",
        "src/pivotal_cli/domain/spec.py",
    ]


def _types(node: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """A property's JSON types (null included) and the non-null branch that has them."""
    if "anyOf" in node:
        branches = node["anyOf"]
        main = next(b for b in branches if b.get("type") != "null")
        return sorted(b["type"] for b in branches), main
    kinds = node["type"]
    return sorted([kinds] if isinstance(kinds, str) else kinds), node


@pytest.mark.parametrize(("resource", "operation"), [(r, o) for _, r, o in WRITE_COMMANDS])
def test_the_models_json_schemas_are_the_documents_request_bodies(
    resource: str, operation: Any
) -> None:
    """What the MCP tools will read (`model_json_schema`) says what openapi.json says."""
    from pivotal_cli.domain import models

    document = json.loads((ROOT / "src/pivotal_cli/domain/openapi.json").read_text())
    name = schema._SCHEMA_NAMES[resource][operation]
    wanted = document["components"]["schemas"][name]
    given = models.model(resource, operation).model_json_schema()

    assert given["title"] == name
    assert list(given["properties"]) == list(wanted["properties"])
    assert sorted(given.get("required", [])) == sorted(wanted.get("required", []))
    schemas = document["components"]["schemas"]
    for field, node in wanted["properties"].items():
        if "$ref" in node:
            node = {**schemas[node["$ref"].rsplit("/", 1)[1]], **node}
        (want_types, want), (got_types, got) = _types(node), _types(given["properties"][field])
        assert got_types == want_types, field
        keys = (
            "enum",
            "format",
            "items",
            "minimum",
            "maximum",
            "minLength",
            "additionalProperties",
        )
        for key in keys:
            assert got.get(key) == want.get(key), (field, key)
