"""The MCP server for AI agents (the optional `mcp` extra): tools over client, jobs and domain.

Only `server.py` imports the `mcp` SDK, and only when a server starts; the tool
catalogue, the safety rules, plans, the audit log and client configurations are plain
Python, so `pivotal mcp tools` and `pivotal mcp install` work without the extra.
"""
