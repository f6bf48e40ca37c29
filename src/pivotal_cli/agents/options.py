"""What a server was started with: its toolsets, its tool filters and its permissions."""

from __future__ import annotations

from dataclasses import dataclass, field

from pivotal_cli.errors import UsageError

TOOLSETS = ("read", "write", "bulk", "sandbox")
DEFAULT_TOOLSETS = TOOLSETS
INSTALL_HINT = "pip install 'pivotal-cli[mcp]' (or: pipx inject pivotal-cli mcp)"


@dataclass(frozen=True)
class ServeOptions:
    """The server's switches. Nothing here is global: each server has its own."""

    toolsets: tuple[str, ...] = DEFAULT_TOOLSETS
    tools: frozenset[str] = field(default_factory=frozenset)  # empty: every tool
    exclude_tools: frozenset[str] = field(default_factory=frozenset)
    allow_writes: bool = False
    allow_live: bool = False
    # What to tell an agent whose write a live key refused: worded by the command line,
    # which knows the switch that allows it.
    live_refusal: str = "Writes with a live key are not allowed on this server."


def split_names(values: list[str] | None) -> list[str]:
    """`["read,write", "bulk"]` → `["read", "write", "bulk"]` (repeated or comma lists)."""
    names: list[str] = []
    for value in values or []:
        names.extend(part.strip() for part in value.split(",") if part.strip())
    return names


def parse_toolsets(values: list[str] | None) -> tuple[str, ...]:
    names = split_names(values)
    if not names or names == ["all"]:
        return DEFAULT_TOOLSETS
    unknown = [name for name in names if name not in TOOLSETS]
    if unknown:
        raise UsageError(
            f"Unknown toolset '{unknown[0]}': choose from {', '.join(TOOLSETS)} (or all).",
            reason="unknown_toolset",
        )
    return tuple(name for name in TOOLSETS if name in names)


def sdk_available() -> bool:
    """Whether the `mcp` SDK is installed (looked up, not imported)."""
    import importlib.util

    return importlib.util.find_spec("mcp") is not None
