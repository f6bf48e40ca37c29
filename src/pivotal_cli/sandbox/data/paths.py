"""Where the persistent sandbox lives: `$PIVOTAL_SANDBOX_DIR`, else the user data dir.

Stdlib only (platformdirs is imported on use), so commands can resolve paths without
loading the sandbox itself.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "sandbox.db"


def default_data_dir() -> Path:
    """`$PIVOTAL_SANDBOX_DIR`, else `<user data dir>/pivotal/sandbox`."""
    override = os.environ.get("PIVOTAL_SANDBOX_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("pivotal")) / "sandbox"


def default_db_path() -> Path:
    return default_data_dir() / DB_NAME


def prepare_dir(directory: Path) -> None:
    """Creates the directory owner-only (0700); an existing one is left as it is."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
