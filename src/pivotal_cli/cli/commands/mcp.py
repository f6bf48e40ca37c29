"""`pivotal mcp serve | tools | install`: the MCP server for AI agents, its flags only.

The server, its tools and its safety rules are `agents/`'s; this module turns flags
into `ServeOptions`, words what the server says about its own switches, and needs
the optional `mcp` extra only for `serve`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.options import group

if TYPE_CHECKING:
    from pivotal_cli.agents.options import ServeOptions
    from pivotal_cli.agents.session import Session

app = group("Serve this workspace to AI agents over MCP (the Model Context Protocol).")

ToolsetsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--toolsets",
        metavar="LIST",
        help="Toolsets to offer, comma-separated: read, write, bulk, sandbox (default: all).",
        show_default=False,
    ),
]
ToolsOpt = Annotated[
    list[str] | None,
    typer.Option("--tools", metavar="LIST", help="Offer only these tools.", show_default=False),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude-tools", metavar="LIST", help="Never offer these tools.", show_default=False
    ),
]
WritesOpt = Annotated[
    bool,
    typer.Option(
        "--allow-writes", help="Offer the write tools (without it the server is read-only)."
    ),
]
LiveOpt = Annotated[
    bool, typer.Option("--allow-live", help="Let the write tools change live data.")
]

LIVE_REFUSAL = (
    "This server holds a live key and was not started with --allow-live: it may not "
    "change live data. Ask the user to restart it with --allow-live, or to use a test key."
)


def serve_options(
    toolsets: list[str] | None,
    tools: list[str] | None,
    exclude: list[str] | None,
    allow_writes: bool,
    allow_live: bool,
) -> ServeOptions:
    from pivotal_cli.agents.options import ServeOptions, parse_toolsets, split_names

    return ServeOptions(
        toolsets=parse_toolsets(toolsets),
        tools=frozenset(split_names(tools)),
        exclude_tools=frozenset(split_names(exclude)),
        allow_writes=allow_writes,
        allow_live=allow_live,
        live_refusal=LIVE_REFUSAL,
    )


def _session(ctx: typer.Context, options: ServeOptions, *, require_key: bool) -> Session:
    from pivotal_cli.agents.session import start

    return start(options, ctx.obj.target(require_key=require_key))


def _need_sdk() -> None:
    from pivotal_cli.agents.options import INSTALL_HINT, sdk_available
    from pivotal_cli.errors import PivotalError

    if not sdk_available():
        raise PivotalError(f"The MCP server needs the optional mcp extra: {INSTALL_HINT}.")


@app.command("serve")
@handle_errors
def serve(
    ctx: typer.Context,
    toolsets: ToolsetsOpt = None,
    tools: ToolsOpt = None,
    exclude_tools: ExcludeOpt = None,
    allow_writes: WritesOpt = False,
    allow_live: LiveOpt = False,
    transport: Annotated[
        str,
        typer.Option(
            "--transport", metavar="stdio|http", help="stdio, or streamable HTTP at /mcp."
        ),
    ] = "stdio",
    host: Annotated[str, typer.Option("--host", help="HTTP: the address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="HTTP: the port (0: any free one).")] = 8765,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="HTTP: allow binding beyond this machine.")
    ] = False,
) -> None:
    """Run the MCP server over stdio (for a client to start) or streamable HTTP."""
    from pivotal_cli.domain.hosts import describe_remote, is_loopback
    from pivotal_cli.errors import UsageError

    if transport not in ("stdio", "http"):
        raise UsageError(f"--transport: expected stdio or http, got {transport!r}.")
    if transport == "http" and not is_loopback(host) and not allow_remote:
        raise UsageError(
            f"--host {host}: {describe_remote(host)}; the server would answer with your key "
            "to anyone who reaches it. Bind to 127.0.0.1, or pass --allow-remote."
        )
    _need_sdk()
    options = serve_options(toolsets, tools, exclude_tools, allow_writes, allow_live)
    session = _session(ctx, options, require_key=True)
    from pivotal_cli.agents import server

    if transport == "stdio":
        server.serve_stdio(session)
        return
    ctx.obj.output.info(
        f"MCP server for {session.target.label} at http://{host}:{port}/mcp (Ctrl-C stops it)."
    )
    server.serve_http(session, host, port)


@app.command("tools")
@handle_errors
def tools_command(
    ctx: typer.Context,
    toolsets: ToolsetsOpt = None,
    tools: ToolsOpt = None,
    exclude_tools: ExcludeOpt = None,
    allow_writes: WritesOpt = False,
    allow_live: LiveOpt = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Print every tool with its schema.")
    ] = False,
) -> None:
    """List the tools `mcp serve` would offer with the same flags."""
    from pivotal_cli.agents.server import tool_list

    options = serve_options(toolsets, tools, exclude_tools, allow_writes, allow_live)
    listed = tool_list(_session(ctx, options, require_key=False))
    out = ctx.obj.output
    if json_:
        out.json(listed)
        return
    for tool in listed:
        hints = tool["annotations"]
        kind = (
            "read"
            if hints["readOnlyHint"]
            else "destructive"
            if hints["destructiveHint"]
            else "write"
        )
        out.line(f"{tool['name']:<22} {kind:<11} {tool['description']}")


@app.command("install")
@handle_errors
def install(
    ctx: typer.Context,
    claude: Annotated[bool, typer.Option("--claude", help="Claude Desktop.")] = False,
    claude_code: Annotated[
        bool, typer.Option("--claude-code", help="Claude Code (.mcp.json here).")
    ] = False,
    cursor: Annotated[
        bool, typer.Option("--cursor", help="Cursor (.cursor/mcp.json here).")
    ] = False,
    vscode: Annotated[
        bool, typer.Option("--vscode", help="VS Code (.vscode/mcp.json here).")
    ] = False,
    print_: Annotated[
        bool, typer.Option("--print", help="Print the configuration; write nothing.")
    ] = False,
    toolsets: ToolsetsOpt = None,
    allow_writes: WritesOpt = False,
    allow_live: LiveOpt = False,
) -> None:
    """Add the server to an MCP client's configuration (merged; no key is written)."""
    import shutil
    from pathlib import Path

    from pivotal_cli.agents import install as configs
    from pivotal_cli.agents.options import parse_toolsets
    from pivotal_cli.errors import UsageError

    chosen = [
        name
        for name, given in (
            ("claude", claude),
            ("claude-code", claude_code),
            ("cursor", cursor),
            ("vscode", vscode),
        )
        if given
    ]
    if len(chosen) != 1:
        raise UsageError("Choose one client: --claude, --claude-code, --cursor or --vscode.")
    kind = configs.CLIENTS[chosen[0]]
    settings = ctx.obj.settings
    args = []
    if settings.sandbox:
        args.append("--sandbox")
    if settings.workspace:
        args += ["--workspace", settings.workspace]
    if settings.mode:
        args.append("--live" if settings.mode == "live" else "--test")
    args += ["mcp", "serve"]
    if toolsets:
        args += ["--toolsets", ",".join(parse_toolsets(toolsets))]
    args += ["--allow-writes"] if allow_writes else []
    args += ["--allow-live"] if allow_live else []
    entry = configs.entry(kind, shutil.which("pivotal") or "pivotal", args)
    out = ctx.obj.output
    if print_:
        out.json({kind.key: {configs.SERVER_NAME: entry}})
        return
    path = kind.path(Path.cwd(), Path.home())
    document, existed = configs.merged(kind, path, entry)
    configs.write(path, document)
    verb = "Updated" if existed else "Added"
    out.success(f"{verb} the 'pivotal' server in {path} for {kind.name}; restart it to load.")
