"""`pivotal cache`: the local id index that shell completion reads (see docs/completions.md)."""

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.options import group

app = group("Manage the local cache of ids that shell completion offers.")


@app.command("clear")
@handle_errors
def clear(ctx: typer.Context) -> None:
    """Delete the id index: TAB offers no ids until a command shows some again."""
    from pivotal_cli.settings import id_index

    out = ctx.obj.output
    where = id_index.index_dir()
    removed = id_index.clear()
    if not removed:
        out.info(f"Nothing to remove: no id index in {where}.")
        return
    files = "file" if len(removed) == 1 else "files"
    out.success(f"Removed {len(removed)} id index {files} from {where}.")
