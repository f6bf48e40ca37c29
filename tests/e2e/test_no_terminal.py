"""Scripts and CI: no prompt ever waits without a terminal, and workspaces are per call.

Each command that can ask a question runs as a real process with no terminal: stdin
from /dev/null, or closed outright. Each must refuse at once with exit 3 (cancelled),
one line naming what to pass instead, and nothing changed; a hang fails the test by
its timeout. Then two workspaces are used by concurrent processes through `-w` and
`PIVOTAL_WORKSPACE`, and the stored default workspace is never written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pivotal_cli.sandbox.adapters.testing import running_server

# Seconds a refusal may take: it must not wait on anything.
FAST = 30


def run(args: list[str], env: dict[str, str], *, closed_stdin: bool = False) -> Any:
    """`pivotal ARGS…` as a process with no terminal; stdin /dev/null or closed."""
    command = [sys.executable, "-m", "pivotal_cli", *args]
    if closed_stdin:
        command = ["sh", "-c", 'exec "$@" <&-', "sh", *command]
    return subprocess.run(
        command,
        env={**os.environ, **env},
        stdin=None if closed_stdin else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=FAST,
    )


def refused(result: Any, *hint: str, preview: bool = False) -> None:
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    assert bool(result.stdout) is preview  # only a preview of what would be sent
    assert "Traceback" not in result.stderr
    [line] = [text for text in result.stderr.splitlines() if text.startswith("Error: ")]
    assert any(word in line for word in hint), line


@pytest.fixture(scope="module")
def served() -> Any:
    with running_server(rate_limit="off") as server:
        yield server


@pytest.fixture(scope="module")
def live(served: Any) -> dict[str, str]:
    return {"PIVOTAL_API_KEY": served.live_key, "PIVOTAL_BASE_URL": served.base_url}


@pytest.fixture(scope="module")
def facts(live: dict[str, str]) -> Any:
    """Ids the prompting commands name: a contact, an onboarding one phase before launch."""
    contacts = json.loads(run(["contacts", "list", "1", "--json"], live).stdout)
    onboardings = run(["onboardings", "list", "--phase", "internal_qa", "--json"], live)
    return SimpleNamespace(
        contact=str(contacts[0]["id"]),
        internal_qa=str(json.loads(onboardings.stdout)[0]["display_id"]),
    )


@pytest.fixture
def import_file(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text("name,slug\nNo Terminal Co,no-terminal-co\n")
    return path


PROMPTS: list[tuple[str, Callable[[Any], list[str]], tuple[str, ...]]] = [
    ("customers delete", lambda f: ["customers", "delete", "1"], ("--yes",)),
    ("contacts delete", lambda f: ["contacts", "delete", f.contact], ("--yes",)),
    ("onboardings delete", lambda f: ["onboardings", "delete", f.internal_qa], ("--yes",)),
    (
        "onboardings advance into launch",
        lambda f: ["onboardings", "advance", f.internal_qa, "--to", "launch"],
        ("--yes",),
    ),
    ("api DELETE", lambda f: ["api", "-X", "DELETE", "/customers/1"], ("--yes",)),
    ("import", lambda f: ["import", "customers", str(f.file)], ("--yes",)),
    ("auth login", lambda f: ["auth", "login", "--insecure-storage"], ("--with-key",)),
    (
        "webhooks secret set",
        lambda f: ["webhooks", "secret", "set", "--insecure-storage"],
        ("--stdin",),
    ),
]


@pytest.mark.parametrize("closed_stdin", [False, True], ids=["devnull", "closed"])
@pytest.mark.parametrize(("name", "args", "hint"), PROMPTS, ids=[p[0] for p in PROMPTS])
def test_every_prompt_refuses_at_once_without_a_terminal(
    name, args, hint, closed_stdin, live, served, import_file, facts
) -> None:
    facts.file = import_file
    before = served.sandbox.count_customers("acme")
    refused(run(args(facts), live, closed_stdin=closed_stdin), *hint)
    assert served.sandbox.count_customers("acme") == before  # nothing deleted or created


def test_sandbox_reset_refuses_without_a_terminal() -> None:
    refused(run(["sandbox", "reset"], {}), "--yes")


def test_import_forget_refuses_without_a_terminal(live, import_file) -> None:
    done = run(["import", "customers", str(import_file), "--yes"], live)
    assert done.returncode == 0, done.stderr
    listed = run(["import", "list", "--json"], live)
    job = json.loads(listed.stdout)[0]["job"]
    refused(run(["import", "forget", job], live), "--yes")
    assert job in run(["import", "list", "--json"], live).stdout


def test_contacts_import_refuses_without_a_terminal(live, tmp_path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text("Ada Lovelace, ada@example.com, CTO\n")
    refused(run(["contacts", "import", "1", str(paste)], live), "--yes", preview=True)


def test_concurrent_jobs_pick_their_workspace_per_call(served, store_key, isolated_env) -> None:
    store_key("acme", served.live_key, base_url=served.base_url, insecure=True)
    store_key("globex", served.other_workspace_key, base_url=served.base_url, insecure=True)
    config = isolated_env / "config.json"
    stored = config.read_bytes()
    jobs = []
    for i in range(6):
        env = {"PIVOTAL_WORKSPACE": "globex"} if i % 2 else {}
        args = ["me", "--json"] if i % 2 else ["-w", "acme", "me", "--json"]
        command = [sys.executable, "-m", "pivotal_cli", *args]
        jobs.append(
            subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
        )
    slugs = [json.loads(job.communicate(timeout=FAST)[0])["organization"]["slug"] for job in jobs]
    assert slugs == ["acme", "globex"] * 3
    assert config.read_bytes() == stored  # nothing global changed
