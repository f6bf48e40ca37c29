"""Every tool the server can offer, and which of them a server with given options lists.

A tool is a name, a toolset, a short description that says what it costs in
requests, an input schema, truthful annotations and the handler that runs it
(`module:function`, imported on the first call). Descriptions are kept short on
purpose: every listed tool costs the agent's context on every turn.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pivotal_cli.agents import schemas as s
from pivotal_cli.agents.options import ServeOptions
from pivotal_cli.errors import UsageError

RESOURCES = ("customer", "contact", "onboarding")


@dataclass(frozen=True)
class Tool:
    name: str
    toolset: str
    description: str
    schema: Callable[[], dict[str, Any]]
    handler: str  # "module:function" under pivotal_cli.agents
    read_only: bool
    destructive: bool = False
    idempotent: bool = False
    writes: bool = False  # needs --allow-writes (and, on a live key, --allow-live)
    resource: str | None = None  # handed to a handler shared by the resources

    def annotations(self, *, local: bool) -> dict[str, Any]:
        """MCP tool annotations. `local`: the target is the sandbox on this machine."""
        return {
            "readOnlyHint": self.read_only,
            "destructiveHint": self.destructive,
            "idempotentHint": self.idempotent,
            "openWorldHint": not local,
        }

    def run(self, session: Any, arguments: dict[str, Any]) -> Any:
        module, function = self.handler.split(":")
        found = importlib.import_module(f"pivotal_cli.agents.{module}")
        extra = () if self.resource is None else (self.resource,)
        return getattr(found, function)(session, arguments, *extra)


def _create(resource: str) -> Callable[[], dict[str, Any]]:
    def schema() -> dict[str, Any]:
        props: dict[str, Any] = {"fields": s.body(resource, "create")}
        if resource == "contact":
            return s.obj({"customer": s.REF, **props}, ("customer", "fields"))
        return s.obj(props, ("fields",))

    return schema


def _update(resource: str) -> Callable[[], dict[str, Any]]:
    return lambda: s.obj({"ref": s.REF, "fields": s.body(resource, "update")}, ("ref", "fields"))


def _writes() -> list[Tool]:
    tools = []
    for resource in RESOURCES:
        tools.append(
            Tool(
                f"create_{resource}",
                "write",
                f"Create {'an' if resource == 'onboarding' else 'a'} {resource}. 1 request"
                + (" (+1 to resolve a customer slug)." if resource != "customer" else "."),
                _create(resource),
                "writes:create",
                read_only=False,
                writes=True,
                resource=resource,
            )
        )
        tools.append(
            Tool(
                f"update_{resource}",
                "write",
                f"Change fields of {'an' if resource == 'onboarding' else 'a'} {resource}"
                + (" (to move phases use advance_onboarding)" if resource == "onboarding" else "")
                + ". 1 request (+1 for a slug).",
                _update(resource),
                "writes:update",
                read_only=False,
                destructive=True,
                idempotent=True,
                writes=True,
                resource=resource,
            )
        )
    return tools


TOOLS: tuple[Tool, ...] = (
    Tool(
        "get",
        "read",
        "Get one customer, contact or onboarding by display_id, cuid or (customer) slug. "
        "1 request (a slug may cost a walk of customers).",
        lambda: s.obj({"resource": s.enum(RESOURCES), "ref": s.REF}, ("resource", "ref")),
        "reads:get",
        read_only=True,
        idempotent=True,
    ),
    Tool(
        "list",
        "read",
        "List customers or onboardings a page at a time (filters, limit<=100); pass "
        "next_cursor back until it is null. Contacts: all of one customer. 1 request a page.",
        lambda: s.obj(
            {
                "resource": s.enum(("customers", "onboardings", "contacts")),
                "customer": {**s.REF, "description": "only this customer's (required: contacts)"},
                "status": {"type": "string", "description": "customers: status filter"},
                "state": {"type": "string", "description": "onboardings: state filter"},
                "phase": {**s.PHASE, "description": "onboardings: phase filter"},
                "limit": s.PAGE,
                "cursor": s.CURSOR,
            },
            ("resource",),
        ),
        "reads:list_records",
        read_only=True,
        idempotent=True,
    ),
    Tool(
        "status",
        "read",
        "The workspace at a glance, as `status` computes it: launching this week, at risk, "
        "waiting, overdue, counts by phase. 1 request per 100 onboardings, + customer names.",
        lambda: s.obj(
            {"week": {"type": "string", "description": "this (default), next, last or a date"}}
        ),
        "reads:status",
        read_only=True,
        idempotent=True,
    ),
    Tool(
        "me",
        "read",
        "Who the key belongs to: workspace, mode, permissions. 1 request.",
        lambda: s.obj({}),
        "reads:me",
        read_only=True,
        idempotent=True,
    ),
    *_writes(),
    Tool(
        "advance_onboarding",
        "write",
        "Move an onboarding to the next phase, or through every phase up to `to`: 1 GET + "
        "1 PATCH per phase. A live launch returns a plan for apply_plan instead.",
        lambda: s.obj({"ref": s.REF, "to": s.PHASE}, ("ref",)),
        "writes:advance",
        read_only=False,
        writes=True,
    ),
    Tool(
        "move_onboarding_back",
        "write",
        "Move an onboarding one phase back. 2 requests.",
        lambda: s.obj({"ref": s.REF}, ("ref",)),
        "writes:back",
        read_only=False,
        writes=True,
    ),
    Tool(
        "set_onboarding_state",
        "write",
        "Pause, resume, flag at-risk or wait on the customer. 1 GET + 1 PATCH (none when "
        "already so).",
        lambda: s.obj({"ref": s.REF, "change": s.STATE_CHANGE}, ("ref", "change")),
        "writes:set_state",
        read_only=False,
        idempotent=True,
        writes=True,
    ),
    Tool(
        "plan_delete",
        "write",
        "Plan deleting a customer, contact or onboarding: returns what will go and a "
        "plan_id valid 10 minutes. Changes nothing. 1 request.",
        lambda: s.obj({"resource": s.enum(RESOURCES), "ref": s.REF}, ("resource", "ref")),
        "writes:plan_delete",
        read_only=True,
        idempotent=True,
        writes=True,
    ),
    Tool(
        "apply_plan",
        "write",
        "Carry out a plan from plan_delete, advance_onboarding or plan_import, once. "
        "Costs the requests the plan lists.",
        lambda: s.obj({"plan_id": {"type": "string"}}, ("plan_id",)),
        "writes:apply_plan",
        read_only=False,
        destructive=True,
        writes=True,
    ),
    Tool(
        "plan_import",
        "bulk",
        "Plan an import of rows (objects of fields) or a .csv/.jsonl/.json file: checks "
        "every row and says what would be created, updated or refused, with a plan_id. "
        "Reads what exists once (1 request per 100 records); changes nothing.",
        lambda: s.obj(
            {
                "resource": s.enum(RESOURCES),
                "rows": {"type": "array", "items": {"type": "object"}, "maxItems": 1000},
                "file": {"type": "string", "description": "path on the server's machine"},
                "mode": {**s.enum(("create", "upsert")), "default": "create"},
                "key": {"type": "string", "description": "upsert: the field rows match on"},
            },
            ("resource",),
        ),
        "bulk:plan_import",
        read_only=True,
        idempotent=True,
        writes=True,
    ),
    Tool(
        "sandbox_events",
        "sandbox",
        "The sandbox's audit trail, oldest first: timeline events or phase transitions. "
        "No request (reads the local sandbox).",
        lambda: s.obj(
            {
                "customer": s.REF,
                "onboarding": s.REF,
                "transitions": {"type": "boolean", "default": False},
                "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
            }
        ),
        "local:events",
        read_only=True,
        idempotent=True,
    ),
    Tool(
        "sandbox_reset",
        "sandbox",
        "Delete every sandbox record and re-seed (demo data or empty); keys stay. "
        "No request (local sandbox).",
        lambda: s.obj({"seed": {**s.enum(("demo", "empty")), "default": "demo"}}),
        "local:reset",
        read_only=False,
        destructive=True,
        idempotent=True,
        writes=True,
    ),
)
BY_NAME = {tool.name: tool for tool in TOOLS}


def check_names(names: frozenset[str]) -> None:
    unknown = sorted(names - BY_NAME.keys())
    if unknown:
        raise UsageError(
            f"Unknown tool '{unknown[0]}': `mcp tools` lists them.", reason="unknown_tool"
        )


def listed(options: ServeOptions, *, sandbox: bool) -> list[Tool]:
    """The tools a server with `options` lists, in catalogue order.

    Read-only (no --allow-writes) wins over every other filter: a write tool is then
    not listed at all. Sandbox tools exist only when the target is the sandbox.
    """
    check_names(options.tools | options.exclude_tools)
    chosen = []
    for tool in TOOLS:
        if tool.toolset not in options.toolsets:
            continue
        if tool.writes and not options.allow_writes:
            continue
        if tool.toolset == "sandbox" and not sandbox:
            continue
        if options.tools and tool.name not in options.tools:
            continue
        if tool.name in options.exclude_tools:
            continue
        chosen.append(tool)
    return chosen
