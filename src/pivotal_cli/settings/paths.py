"""Where pivotal keeps its files, and the one way it writes a private one.

The directories, each with the environment variable that overrides it (the README's
table lists them):

    config   PIVOTAL_CONFIG_DIR    config.json, an `--insecure-storage` key file
    state    PIVOTAL_STATE_DIR     import jobs (`imports/`), received webhooks (`webhooks/`)
    cache    PIVOTAL_CACHE_DIR     the id index shell completion reads (`ids/`)
    sandbox  PIVOTAL_SANDBOX_DIR   the embedded sandbox's database and keys file

Everything pivotal writes there may hold customer data or keys, so files are written
owner-only: `write_private` replaces a file atomically (a 0600 temporary file in the
same directory, fsync, `os.replace`), so a reader (a shell completing an id, a second
process) never sees half a file; `append_private` adds to one. Directories are
created 0700.

A leaf: the standard library only (platformdirs is imported on use), so the sandbox
and `--help` can resolve a path without loading anything else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

APP = "pivotal"


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser() if value else None


def _platform_dir(kind: str, **options: bool) -> Path:
    """platformdirs' user `kind` directory for pivotal (imported only when asked)."""
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP, **options))


def config_dir() -> Path:
    """`PIVOTAL_CONFIG_DIR`, else platformdirs' user config dir."""
    return _override("PIVOTAL_CONFIG_DIR") or _platform_dir("config", appauthor=False)


def state_dir() -> Path:
    """`PIVOTAL_STATE_DIR`, else platformdirs' user state dir: what pivotal records."""
    return _override("PIVOTAL_STATE_DIR") or _platform_dir("state", appauthor=False)


def cache_dir() -> Path:
    """`PIVOTAL_CACHE_DIR`, else platformdirs' user cache dir."""
    return _override("PIVOTAL_CACHE_DIR") or _platform_dir("cache", appauthor=False)


def jobs_dir() -> Path:
    """Where import jobs keep their journals and result files."""
    return state_dir() / "imports"


def webhooks_dir() -> Path:
    """Where `webhooks listen` records the deliveries it received."""
    return state_dir() / "webhooks"


def mcp_dir() -> Path:
    """Where `mcp serve` keeps its audit log and its pending plans."""
    return state_dir() / "mcp"


def sandbox_dir() -> Path:
    """`PIVOTAL_SANDBOX_DIR`, else `<user data dir>/pivotal/sandbox`."""
    # The data dir keeps platformdirs' default author, unlike the others: where the
    # sandboxes made by earlier versions are.
    return _override("PIVOTAL_SANDBOX_DIR") or _platform_dir("data") / "sandbox"


def safe_name(text: str) -> str:
    """`text` as one harmless path component (a workspace slug used as a file name)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).lstrip(".") or "_"


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An OSError of the block as one `LocalFileError` naming `path` (exit 1)."""
    from pivotal_cli.errors import LocalFileError

    try:
        yield
    except LocalFileError:
        raise
    except OSError as exc:
        raise LocalFileError.from_os_error(exc, path) from None


def private_dir(directory: Path, *, tighten: bool = False) -> Path:
    """Create `directory` (and its parents) owner-only; return it.

    An existing directory keeps its mode unless `tighten`: a `--db` beside other
    files, or a directory the user chose, is not pivotal's to lock down. Only a
    directory that holds nothing but pivotal's secrets (the key file's) is tightened.
    """
    with _naming(directory):
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if tighten:
            os.chmod(directory, 0o700)
    return directory


@contextmanager
def private_replacement(path: Path, *, newline: str | None = "\n") -> Iterator[IO[str]]:
    """A text file to write that replaces `path` atomically when the block succeeds.

    It is created 0600 beside `path` (a rename is atomic only within one file
    system), made durable before the rename, and removed if the block fails.
    """
    private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    with _naming(path):
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with _naming(path):
            with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            # Exactly 0600 whatever the umask took away: the owner must be able to rewrite it.
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, atomically and owner-only."""
    with private_replacement(path) as handle:
        handle.write(text)


def append_private(path: Path, text: str) -> None:
    """Add `text` to the end of `path`, creating it owner-only."""
    private_dir(path.parent)
    with _naming(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def sync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (where the platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
