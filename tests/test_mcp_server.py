"""`pivotal mcp serve` driven by the `mcp` SDK's own client over stdio, against the sandbox.

Each test starts a real server process (`python -m pivotal_cli … mcp serve`) in the
test's private directories and talks the protocol to it, as an agent's client would.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp")

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.startswith("PIVOTAL_")}
    env.update(PATH=os.environ.get("PATH", ""), PIVOTAL_SANDBOX_RATE_LIMIT="off")
    return env


def run(args: list[str], body: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "pivotal_cli", *args], env=_env()
    )

    async def main() -> Any:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await body(session)

    return asyncio.run(main())


def payload(result: Any) -> Any:
    """The data of a successful call (the structured copy of the marked text)."""
    assert not result.is_error, result.content[0].text
    text = result.content[0].text
    assert text.startswith("Untrusted workspace data")
    return result.structured_content["untrusted_workspace_data"]


TEST = ["--sandbox", "--test", "mcp", "serve"]
LIVE = ["--sandbox", "--live", "mcp", "serve"]


def test_read_only_lists_no_write_tools_and_refuses_a_write() -> None:
    async def body(session: ClientSession) -> Any:
        tools = (await session.list_tools()).tools
        refused = await session.call_tool("create_customer", {"fields": {"name": "X"}})
        return tools, refused

    tools, refused = run(TEST, body)
    names = {tool.name for tool in tools}
    assert {"get", "list", "status", "me", "sandbox_events"} <= names
    assert not names & {"create_customer", "apply_plan", "sandbox_reset"}
    assert all(tool.annotations.read_only_hint for tool in tools)
    assert refused.is_error
    assert "not offered by this server" in refused.content[0].text


def test_list_walks_to_the_end_with_cursors() -> None:
    async def body(session: ClientSession) -> Any:
        seen, cursor, pages = [], None, 0
        while True:
            args: dict[str, Any] = {"resource": "onboardings", "limit": 3}
            if cursor:
                args["cursor"] = cursor
            page = payload(await session.call_tool("list", args))
            seen += [item["id"] for item in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        everything = payload(
            await session.call_tool("list", {"resource": "onboardings", "limit": 100})
        )
        return seen, pages, everything

    seen, pages, everything = run(TEST, body)
    assert pages > 2
    assert len(seen) == len(set(seen)) == len(everything["items"])


def test_a_write_with_allow_writes_and_its_audit_line(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> Any:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        made = payload(
            await session.call_tool(
                "create_customer", {"fields": {"name": "Zeta Labs", "slug": "zeta-labs"}}
            )
        )
        got = payload(await session.call_tool("get", {"resource": "customer", "ref": "zeta-labs"}))
        bad = await session.call_tool(
            "update_customer", {"ref": "zeta-labs", "fields": {"mrr": -5}}
        )
        return tools, made, got, bad

    tools, made, got, bad = run([*TEST, "--allow-writes"], body)
    assert tools["create_customer"].annotations.destructive_hint is False
    assert tools["update_customer"].annotations.destructive_hint is True
    assert got["id"] == made["id"]
    assert bad.is_error and bad.structured_content["error"]["exit_code"] == 2
    lines = (tmp_path / "state" / "mcp" / "audit.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["tool"] for e in entries] == ["create_customer", "get", "update_customer"]
    assert [e["ok"] for e in entries] == [True, True, False]
    assert oct((tmp_path / "state" / "mcp" / "audit.jsonl").stat().st_mode & 0o777) == "0o600"


def test_a_live_write_is_refused_without_allow_live(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> Any:
        return await session.call_tool("create_customer", {"fields": {"name": "Live Co"}})

    refused = run([*LIVE, "--allow-writes"], body)
    assert refused.is_error
    assert "--allow-live" in refused.content[0].text
    assert refused.structured_content["error"]["code"] == "live_writes_not_allowed"


def test_a_delete_goes_through_plan_and_apply_once(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> Any:
        made = payload(
            await session.call_tool("create_customer", {"fields": {"name": "Gone Soon"}})
        )
        plan = payload(
            await session.call_tool("plan_delete", {"resource": "customer", "ref": made["id"]})
        )
        still = await session.call_tool("get", {"resource": "customer", "ref": made["id"]})
        applied = payload(await session.call_tool("apply_plan", {"plan_id": plan["plan_id"]}))
        again = await session.call_tool("apply_plan", {"plan_id": plan["plan_id"]})
        gone = await session.call_tool("get", {"resource": "customer", "ref": made["id"]})
        return plan, still, applied, again, gone

    plan, still, applied, again, gone = run([*TEST, "--allow-writes"], body)
    assert plan["applied"] is False and plan["plan_id"].startswith("plan_")
    assert not still.is_error
    assert applied["applied"] is True
    assert again.is_error and again.structured_content["error"]["code"] == "unknown_plan"
    assert gone.is_error and gone.structured_content["error"]["exit_code"] == 5


def test_an_expired_plan_is_refused(tmp_path: Path) -> None:
    plans = tmp_path / "state" / "mcp" / "plans.json"

    async def body(session: ClientSession) -> Any:
        plan = payload(await session.call_tool("plan_delete", {"resource": "customer", "ref": "1"}))
        stored = json.loads(plans.read_text())
        stored[plan["plan_id"]]["expires_at"] = 0
        plans.write_text(json.dumps(stored))
        return await session.call_tool("apply_plan", {"plan_id": plan["plan_id"]})

    expired = run([*TEST, "--allow-writes"], body)
    assert expired.is_error
    assert expired.structured_content["error"]["code"] == "expired_plan"
    assert oct(plans.stat().st_mode & 0o777) == "0o600"


def test_a_live_launch_is_planned_not_sent(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> Any:
        page = payload(
            await session.call_tool("list", {"resource": "onboardings", "phase": "internal_qa"})
        )
        ref = page["items"][0]["id"]
        planned = payload(
            await session.call_tool("advance_onboarding", {"ref": ref, "to": "launch"})
        )
        unchanged = payload(await session.call_tool("get", {"resource": "onboarding", "ref": ref}))
        applied = payload(await session.call_tool("apply_plan", {"plan_id": planned["plan_id"]}))
        return planned, unchanged, applied

    planned, unchanged, applied = run([*LIVE, "--allow-writes", "--allow-live"], body)
    assert "launch" in planned["will"] and planned["applied"] is False
    assert unchanged["phase"] == "internal_qa"
    assert applied["phases_set"] == ["launch"]


def test_the_audit_log_holds_every_call_and_no_key(tmp_path: Path, cli: Any) -> None:
    async def body(session: ClientSession) -> Any:
        await session.call_tool("me", {})
        await session.call_tool("get", {"resource": "customer", "ref": "no-such-slug"})
        await session.call_tool("nope", {})

    run(TEST, body)
    text = (tmp_path / "state" / "mcp" / "audit.jsonl").read_text()
    entries = [json.loads(line) for line in text.splitlines()]
    assert [e["tool"] for e in entries] == ["me", "get", "nope"]
    assert entries[1]["error"]["exit_code"] == 5
    keys = [entry["key"] for entry in json.loads(cli("sandbox", "keys", "--json").stdout)]
    assert keys and not any(key in text for key in keys)
    assert all(entry["workspace"] == "acme" and entry["mode"] == "test" for entry in entries)


def test_phases_move_one_patch_each_never_by_update(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> Any:
        page = payload(
            await session.call_tool("list", {"resource": "onboardings", "phase": "program_design"})
        )
        ref = page["items"][0]["id"]
        walked = payload(
            await session.call_tool("advance_onboarding", {"ref": ref, "to": "internal_qa"})
        )
        back = payload(await session.call_tool("move_onboarding_back", {"ref": ref}))
        jumped = await session.call_tool(
            "update_onboarding", {"ref": ref, "fields": {"phase": "completed"}}
        )
        paused = payload(
            await session.call_tool("set_onboarding_state", {"ref": ref, "change": "pause"})
        )
        again = payload(
            await session.call_tool("set_onboarding_state", {"ref": ref, "change": "pause"})
        )
        return walked, back, jumped, paused, again

    walked, back, jumped, paused, again = run([*TEST, "--allow-writes"], body)
    assert walked["phases_set"] == ["review", "program_buildout", "internal_qa"]
    assert walked["requests"] == 3
    assert back["phases_set"] == ["program_buildout"]
    assert jumped.is_error and "advance_onboarding" in jumped.content[0].text
    assert paused["changed"] is True and paused["onboarding"]["state"] == "paused"
    assert again["changed"] is False


def test_an_import_is_planned_from_rows_then_applied(tmp_path: Path) -> None:
    rows = [
        {"name": "Bulk One", "slug": "bulk-one"},
        {"name": "Bulk Two", "slug": "bulk-two"},
        {"name": "Bad Row", "slug": "bad-row", "mrr": "lots"},
    ]

    async def body(session: ClientSession) -> Any:
        plan = payload(
            await session.call_tool("plan_import", {"resource": "customer", "rows": rows})
        )
        before = await session.call_tool("get", {"resource": "customer", "ref": "bulk-one"})
        applied = payload(await session.call_tool("apply_plan", {"plan_id": plan["plan_id"]}))
        after = payload(await session.call_tool("get", {"resource": "customer", "ref": "bulk-two"}))
        return plan, before, applied, after

    plan, before, applied, after = run([*TEST, "--allow-writes"], body)
    job = plan["report"]["jobs"][0]
    assert (job["rows"], job["invalid"], job["created"]) == (3, 1, 2)
    assert len(plan["problems"]) == 1 and "mrr" in plan["problems"][0]
    assert before.is_error  # planning sent nothing
    assert applied["jobs"][0]["created"] == 2 and applied["jobs"][0]["failed"] == 1
    assert after["name"] == "Bulk Two"
    assert not list((tmp_path / "state" / "mcp" / "imports").iterdir())  # rows file gone


def test_status_me_and_the_sandbox_tools(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> Any:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        status = payload(await session.call_tool("status", {}))
        me = payload(await session.call_tool("me", {}))
        events = payload(await session.call_tool("sandbox_events", {"limit": 5}))
        reset = payload(await session.call_tool("sandbox_reset", {"seed": "empty"}))
        empty = payload(await session.call_tool("list", {"resource": "customers"}))
        bad_week = await session.call_tool("status", {"week": "someday"})
        return tools, status, me, events, reset, empty, bad_week

    tools, status, me, events, reset, empty, bad_week = run([*TEST, "--allow-writes"], body)
    assert tools["sandbox_reset"].annotations.destructive_hint is True
    assert tools["get"].annotations.open_world_hint is False  # the local sandbox
    assert {"sections", "by_phase", "total"} <= set(status)
    assert me
    assert 0 < len(events) <= 5
    assert reset == {"reset": True, "seed": "empty"}
    assert empty["items"] == [] and empty["next_cursor"] is None
    assert bad_week.is_error and bad_week.structured_content["error"]["exit_code"] == 2


def test_a_resource_is_named_either_way_in_every_tool() -> None:
    async def body(session: ClientSession) -> Any:
        listed = payload(await session.call_tool("list", {"resource": "customer", "limit": 1}))
        ref = str(listed["items"][0]["display_id"])
        plural = payload(await session.call_tool("get", {"resource": "customers", "ref": ref}))
        wrong = await session.call_tool("get", {"resource": "widgets", "ref": ref})
        return listed, plural, wrong

    listed, plural, wrong = run(TEST, body)
    assert plural["id"] == listed["items"][0]["id"]
    assert (
        wrong.is_error and "must be one of customer, contact, onboarding" in wrong.content[0].text
    )
