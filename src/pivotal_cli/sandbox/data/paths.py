"""Where the persistent sandbox keeps its database: `sandbox.db` in the sandbox directory.

The directory itself (`$PIVOTAL_SANDBOX_DIR`, else the user data dir) is decided by
`pivotal_cli.settings.paths`, the one module of settings the sandbox may import (a
standard-library leaf), so commands can resolve paths without loading the sandbox.
"""

from __future__ import annotations

from pathlib import Path

from pivotal_cli.settings.paths import sandbox_dir

DB_NAME = "sandbox.db"


def default_db_path() -> Path:
    return sandbox_dir() / DB_NAME
