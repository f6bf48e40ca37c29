"""`pivotal mcp serve --transport http`: streamable HTTP on loopback, stateless, so a plan
made in one request is applied in another."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("mcp")

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server_url() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PIVOTAL_SANDBOX_RATE_LIMIT": "off"}
    args = ["--sandbox", "--test", "mcp", "serve", "--transport", "http", "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "pivotal_cli", *args, "--allow-writes"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _call(url: str, name: str, arguments: dict[str, Any]) -> Any:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return await session.call_tool(name, arguments)


def test_http_serves_tools_and_plans_across_requests(server_url: str) -> None:
    async def main() -> Any:
        async with (
            streamable_http_client(server_url) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            tools = (await session.list_tools()).tools
        page = await _call(server_url, "list", {"resource": "onboardings", "limit": 1})
        ref = page.structured_content["untrusted_workspace_data"]["items"][0]["id"]
        plan = await _call(server_url, "plan_delete", {"resource": "onboarding", "ref": ref})
        assert not plan.is_error, plan.content[0].text
        plan_id = plan.structured_content["untrusted_workspace_data"]["plan_id"]
        applied = await _call(server_url, "apply_plan", {"plan_id": plan_id})
        return tools, applied

    tools, applied = asyncio.run(main())
    assert "apply_plan" in {tool.name for tool in tools}
    assert not applied.is_error, applied.content[0].text
