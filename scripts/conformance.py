"""Conformance run: schemathesis against a live sandbox, judged by our OpenAPI document.

Starts the sandbox on loopback (`running_server(rate_limit="off")`, demo seed, in-memory
database), checks that the document it serves at `/api/v1/openapi.json` is the
checked-in `src/pivotal_cli/domain/openapi.json`, then runs the schemathesis CLI on it
with every check, all four phases (examples, coverage, fuzzing, stateful via the
document's `links` and the links schemathesis infers) and a fixed seed. Requests carry
the `acme` workspace's live key; the `globex` workspace's key is declared as its peer
(a Web Fuzzing Commons auth file), so `object_level_authorization` replays reads of one
workspace's objects with the other's key and fails on any cross-workspace leak.
Exits with schemathesis' exit code: non-zero on any failure.

One seed means one request sequence. Schemathesis runs with the seed and in its
deterministic mode (no example database, no run-to-run variation), and the sandbox runs
on a stepping clock (each read one millisecond after the last, from a fixed instant)
with ids and keys drawn from a generator seeded by the same seed. With the real clock,
which rows shared a millisecond depended on machine speed, and schemathesis reuses
response timestamps (as cursors, say), so one seed took different paths from run to
run. `--request-log PATH` writes the sequence the server saw (method, path, query, body
hash, status; see `RequestLog`) so two runs can be compared byte for byte.

    .venv/bin/python scripts/conformance.py                     # full run, ~1,800 cases
    .venv/bin/python scripts/conformance.py --max-examples 5    # quick look
    .venv/bin/python scripts/conformance.py --report-dir out/   # + JUnit and NDJSON
    .venv/bin/python scripts/conformance.py --baseline tests/sandbox/conformance_baseline.json
    .venv/bin/python scripts/conformance.py --request-log run1.log  # the request sequence

`--max-examples` bounds the fuzzing and stateful phases per operation; the coverage
phase adds a fixed set of boundary cases (about 800) on top. With `--baseline`, failures
recorded in that file (known sandbox bugs, each with a note) are reported but do not
fail the run; anything else still does.

`--clock-offset 30d` runs against a sandbox whose clock has been moved (after seeding,
through the same `sandbox clock advance` machinery the CLI uses): the seeded rows are
then a month old, and every instant schemathesis reads back (timestamps, cursors) and
every window the sandbox keeps (idempotency expiry, rate limits) sits on the far side
of the move. CI runs a second full pass that way (on the stepping clock, about 20 s).

    .venv/bin/python scripts/conformance.py --clock-offset 30d

Nothing leaves the machine: the server binds 127.0.0.1 and proxies are switched off
for the schemathesis process. `tests/sandbox/test_conformance.py` runs the same thing
with a smaller budget.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC_PATH = ROOT / "src" / "pivotal_cli" / "domain" / "openapi.json"

# Per operation and phase. 18 operations: the fuzzing phase alone is 18 x this, and the
# coverage and stateful phases add their own cases on top.
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_SEED = 20260526
PHASES = "examples,coverage,fuzzing,stateful"
# Any single request slower than this is a failure: the sandbox answers in milliseconds.
MAX_RESPONSE_TIME = 5.0
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")


@dataclass
class Result:
    """What one conformance run produced."""

    returncode: int
    output: str
    seconds: float
    command: list[str]


def st_executable() -> list[str]:
    """The schemathesis CLI of this interpreter's environment."""
    beside = Path(sys.executable).with_name("st")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("st")
    if found:
        return [found]
    return [sys.executable, "-m", "schemathesis.cli"]


def origin_of(base_url: str) -> str:
    """`http://127.0.0.1:PORT` from `http://127.0.0.1:PORT/api/v1`.

    The document's paths carry the `/api/v1` prefix (as the docs' blocks do), so the
    base URL schemathesis needs is the bare origin.
    """
    suffix = "/api/v1"
    trimmed = base_url.rstrip("/")
    return trimmed[: -len(suffix)] if trimmed.endswith(suffix) else trimmed


def write_auth_config(directory: Path, server: Any) -> Path:
    """The schemathesis config and WFC auth file that give it two peer workspaces.

    Written into a private scratch directory (the keys are sandbox keys, but they still
    stay out of the repository and of command lines).
    """
    auth = {
        "auth": [
            {
                "name": "acme",
                "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {server.live_key}"}],
            },
            {
                "name": "globex",
                "fixedHeaders": [
                    {"name": "Authorization", "value": f"Bearer {server.other_workspace_key}"}
                ],
            },
        ]
    }
    auth_file = directory / "auth.json"
    auth_file.write_text(json.dumps(auth), encoding="utf-8")
    auth_file.chmod(0o600)
    config = directory / "schemathesis.toml"
    config.write_text(
        "[auth]\n"
        # Never try to create accounts: the sandbox has none to create.
        "auto-signup = false\n"
        "[auth.wfc]\n"
        'path = "auth.json"\n'
        # Workspaces that must never see each other's objects.
        'peers = ["acme", "globex"]\n',
        encoding="utf-8",
    )
    return config


def build_command(
    base_url: str,
    config_file: Path,
    *,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int = DEFAULT_SEED,
    workers: int = 1,
    phases: str = PHASES,
    checks: str = "all",
    report_dir: Path | None = None,
    baseline: Path | None = None,
) -> list[str]:
    """The `st run` command line for one sandbox."""
    command = [
        *st_executable(),
        "--config-file",
        str(config_file),
        "run",
        f"{base_url.rstrip('/')}/openapi.json",
        "--url",
        origin_of(base_url),
        "--checks",
        checks,
        "--phases",
        phases,
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        str(workers),
        # Deterministic generation: no example database (a run must not depend on what an
        # earlier run found) and no variation between runs beyond what the seed picks.
        "--generation-deterministic",
        "--max-response-time",
        str(MAX_RESPONSE_TIME),
        "--request-timeout",
        "10",
        "--no-color",
        # Keys in failure output would be sandbox keys only, but keep logs clean anyway.
        "--output-sanitize",
        "true",
    ]
    if baseline is not None:
        command += ["--baseline", str(baseline)]
    if report_dir is not None:
        command += [
            "--report",
            "junit,ndjson",
            "--report-dir",
            str(report_dir),
        ]
    return command


def served_document_matches(base_url: str) -> str | None:
    """None when the server serves the checked-in document, else what differs."""
    with urllib.request.urlopen(f"{base_url.rstrip('/')}/openapi.json", timeout=10) as reply:
        served = json.loads(reply.read())
    expected = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    if served == expected:
        return None
    return "the sandbox serves a different openapi.json than src/pivotal_cli/domain/openapi.json"


def advance_clock(server: Any, offset: str) -> None:
    """Moves the running sandbox's clock `offset` forward, as `sandbox clock advance` does."""
    from pivotal_cli.sandbox import harness
    from pivotal_cli.sandbox.data.timeutil import parse_duration

    delta = parse_duration(offset)
    if delta is None:
        raise ValueError(f"not a duration: {offset!r} (use 90s, 15m, 2h, 14d, 1w or 1d12h)")
    sandbox = server.sandbox
    harness.advance(sandbox.store, delta, dispatcher=sandbox.webhooks)


def run(
    *,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int = DEFAULT_SEED,
    workers: int = 1,
    phases: str = PHASES,
    checks: str = "all",
    report_dir: Path | None = None,
    baseline: Path | None = None,
    echo: bool = True,
    request_log: Path | None = None,
    clock_offset: str | None = None,
) -> Result:
    """Starts a sandbox, runs schemathesis against it, stops the sandbox.

    `request_log`, when given, is overwritten with the request sequence the server saw.
    `clock_offset` (`30d`, `1w2d`): how far the sandbox clock is moved after seeding.
    """
    from pivotal_cli.sandbox.adapters.testing import running_server
    from pivotal_cli.sandbox.data.timeutil import SteppingClock

    started = time.monotonic()
    if request_log is not None:
        request_log.write_text("", encoding="utf-8")
    with running_server(
        rate_limit="off",
        # Times, ids and keys that depend only on the requests (see the module docstring).
        clock=SteppingClock(),
        rng=random.Random(seed),
        request_log=request_log,
    ) as server:
        if clock_offset is not None:
            advance_clock(server, clock_offset)
        mismatch = served_document_matches(server.base_url)
        if mismatch:
            return Result(1, mismatch, time.monotonic() - started, [])
        env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARIABLES}
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        # A scratch working directory: only our config is read, and no report or cache
        # files land in the repository.
        with tempfile.TemporaryDirectory(prefix="pivotal-conformance-") as scratch:
            command = build_command(
                server.base_url,
                write_auth_config(Path(scratch), server),
                max_examples=max_examples,
                seed=seed,
                workers=workers,
                phases=phases,
                checks=checks,
                report_dir=report_dir.resolve() if report_dir else None,
                baseline=baseline.resolve() if baseline else None,
            )
            process = subprocess.Popen(
                command,
                cwd=scratch,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            lines: list[str] = []
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line)
                if echo:
                    sys.stdout.write(line)
                    sys.stdout.flush()
            returncode = process.wait()
    return Result(returncode, "".join(lines), time.monotonic() - started, command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"cases per operation and phase (default {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="hypothesis seed")
    parser.add_argument("--workers", type=int, default=1, help="concurrent schemathesis workers")
    parser.add_argument("--phases", default=PHASES, help=f"default {PHASES}")
    parser.add_argument("--checks", default="all", help="schemathesis checks (default all)")
    parser.add_argument("--report-dir", type=Path, help="write JUnit and NDJSON reports here")
    parser.add_argument(
        "--baseline", type=Path, help="accept the failures recorded in this schemathesis baseline"
    )
    parser.add_argument(
        "--request-log",
        type=Path,
        help="write every request the server saw (method, path, query, body hash, status)",
    )
    parser.add_argument(
        "--clock-offset",
        metavar="DURATION",
        help="move the sandbox clock this far forward after seeding (30d, 1w2d)",
    )
    args = parser.parse_args(argv)
    from pivotal_cli.sandbox.data.timeutil import parse_duration

    if args.clock_offset is not None and parse_duration(args.clock_offset) is None:
        parser.error(f"--clock-offset: not a duration: {args.clock_offset!r} (use 14d, 1w2d)")
    result = run(
        max_examples=args.max_examples,
        seed=args.seed,
        workers=args.workers,
        phases=args.phases,
        checks=args.checks,
        report_dir=args.report_dir,
        baseline=args.baseline,
        request_log=args.request_log,
        clock_offset=args.clock_offset,
    )
    if not result.command:
        print(result.output, file=sys.stderr)
    print(
        f"\nconformance: exit {result.returncode} in {result.seconds:.1f} s\n"
        f"command: {' '.join(result.command)}",
        file=sys.stderr,
    )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
