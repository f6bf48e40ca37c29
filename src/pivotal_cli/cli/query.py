"""`--jq EXPR`: run a jq expression over a command's JSON result, the way gh does.

The expression is evaluated once over the whole result (a list's pages collected
into one array first). Each output value becomes one line: strings raw, everything
else as JSON (pretty on a terminal, compact in a pipe, as `Output.json` writes).

A filter is code, often copied from a shared script or an alias, so it runs fenced:
- in a child process (where the system can fork) whose environment holds no secret:
  jq's `env` and `$ENV` read the process environment, and `PIVOTAL_API_KEY` or a
  webhook secret must not be one filter away from the screen;
- with a memory ceiling, so a filter that builds without end fails with one line
  instead of taking the machine's memory;
- interruptible: jq's C loop never returns to Python, so Ctrl-C in this process kills
  the child at once (exit 130) instead of waiting for a `last(repeat(1))` to finish.
Lines stream back as jq makes them, so `| head` stops an endless filter too.

The `jq` package (a compiled extension) is imported only here, and this module only
when `--jq` is given, so it costs nothing on start-up. Any command that prints JSON
(including `pivotal api`) can call `run_jq`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pivotal_cli.errors import PivotalError, UsageError

# Environment variables a filter never sees: credential-like names, and values that
# look like a Pivotal key, a webhook signing secret or a URL with a password in it.
_SECRET_NAME = re.compile(
    r"KEY|SECRET|TOKEN|PASS(WORD|WD)?|CREDENTIAL|AUTH|SESSION|COOKIE|PRIVATE|SIGNATURE"
)
_SECRET_VALUE = re.compile(
    r"pivotal_[A-Za-z0-9_]{8,}|whsec_[A-Za-z0-9+/=]{8,}|://[^/\s:@]+:[^/\s@]+@"
)
# How much more memory than it starts with a filter may take (the child's address space).
JQ_MEMORY_HEADROOM = 2 * 1024**3


def parse_args(pairs: Sequence[str] | None) -> dict[str, str]:
    """`--arg NAME=VALUE` options to jq's `$NAME` variables (strings, as `jq --arg`).

    One word per variable: Typer cannot take a repeated option of two words.
    """
    args: dict[str, str] = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--arg takes NAME=VALUE, not '{pair}'.")
        args[name] = value
    return args


def check(expr: str, args: Mapping[str, str] | None = None) -> None:
    """Compile `expr` only, so a bad expression stops a command before any request."""
    _compile(expr, args)


def run_jq(
    data: Any, expr: str, args: Mapping[str, str] | None = None, *, pretty: bool = False
) -> list[str]:
    """The lines jq prints for `expr` over `data` (strings unquoted, as gh prints them).

    `args` become `$NAME` variables (strings, as `jq --arg`). A bad expression raises
    `UsageError` (exit 2) with jq's message on one line; an error while running it
    (`.a + 1` on a string), or a filter past the memory ceiling, a `PivotalError`
    (exit 1), as nothing was wrong with the command line itself.
    """
    return list(stream_jq(data, expr, args, pretty=pretty))


def stream_jq(
    data: Any, expr: str, args: Mapping[str, str] | None = None, *, pretty: bool = False
) -> Iterator[str]:
    """`run_jq`'s lines as jq makes them, for printing: an endless filter into `| head`
    stops when the reader does. A bad expression raises here, before any line."""
    _compile(expr, args)  # a bad expression fails here, before a child is started
    if not hasattr(os, "fork"):
        return _in_process(data, expr, args, pretty)
    return _in_child(data, expr, args, pretty)


def _in_process(
    data: Any, expr: str, args: Mapping[str, str] | None, pretty: bool
) -> Iterator[str]:
    with _scrubbed_environ():
        yield from _evaluate(_compile(expr, args), data, pretty)


def _evaluate(program: Any, data: Any, pretty: bool) -> Iterator[str]:
    try:
        for value in program.input_value(data):
            yield _text(value, pretty)
    except ValueError as exc:
        raise PivotalError(f"jq: {_one_line(str(exc))}") from None


def _in_child(data: Any, expr: str, args: Mapping[str, str] | None, pretty: bool) -> Iterator[str]:
    """Run the filter in a forked child; its lines come back through a pipe.

    Frames, one a line: `L` + a JSON string (an output line), `E` + a JSON string (jq's
    error), `D` (done). A child that dies without `D` was killed by the memory ceiling.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(write_end, data, expr, args, pretty)
    os.close(write_end)
    done = False
    try:
        with os.fdopen(read_end, encoding="utf-8") as pipe:
            for frame in pipe:
                kind, payload = frame[0], frame[1:]
                if kind == "L":
                    yield json.loads(payload)
                elif kind == "E":
                    raise PivotalError(f"jq: {json.loads(payload)}")
                else:
                    done = True
    finally:
        # Ctrl-C, a reader that stopped (`| head`), an error or the end: the child
        # never outlives the command.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not done:
        limit = JQ_MEMORY_HEADROOM // 1024**2
        raise PivotalError(
            f"jq: the filter ran out of memory (it may use {limit:,} MiB); "
            "narrow it, or filter in steps."
        )


def _child(
    write_end: int, data: Any, expr: str, args: Mapping[str, str] | None, pretty: bool
) -> None:
    # Ctrl-C reaches the whole process group: die at once, without Python's handler.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        import faulthandler

        faulthandler.disable()  # a test runner's crash report of the killed child is noise
        # libjq prints "cannot allocate memory" itself before aborting; the parent
        # says it in one line instead.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        for name in [n for n, v in os.environ.items() if is_secret(n, v)]:
            del os.environ[name]
        _limit_memory()
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            try:
                for line in _evaluate(_compile(expr, args), data, pretty):
                    pipe.write("L" + json.dumps(line, ensure_ascii=False) + "\n")
            except PivotalError as exc:
                pipe.write("E" + json.dumps(str(exc).removeprefix("jq: ")) + "\n")
            pipe.write("D\n")
    finally:
        os._exit(0)


def _limit_memory() -> None:
    """Cap the child's address space at what it has now plus the headroom (Linux)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = size + JQ_MEMORY_HEADROOM
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no RLIMIT_AS: the filter runs uncapped, still interruptible


def is_secret(name: str, value: str) -> bool:
    """Whether an environment variable is kept from jq: a credential-like name, or a
    value that looks like a key, a signing secret or a URL with a password."""
    return bool(_SECRET_NAME.search(name.upper()) or _SECRET_VALUE.search(value))


@contextlib.contextmanager
def _scrubbed_environ() -> Iterator[None]:
    """Where there is no fork: the secrets leave the environment while jq runs."""
    hidden = {n: v for n, v in os.environ.items() if is_secret(n, v)}
    for name in hidden:
        del os.environ[name]
    try:
        yield
    finally:
        os.environ.update(hidden)


def _compile(expr: str, args: Mapping[str, str] | None) -> Any:
    import jq

    try:
        return jq.compile(expr, args=dict(args or {}))
    except ValueError as exc:
        raise UsageError(f"--jq: {_one_line(str(exc))}") from None


def _text(value: Any, pretty: bool) -> str:
    if isinstance(value, str):
        return value
    if pretty:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _one_line(message: str) -> str:
    """jq's multi-line message (with its caret drawing) as one line for stderr."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    # The caret line carries no words; the trailing count repeats what the first says.
    lines = [ln for ln in lines if set(ln) != {"^"} and not ln.endswith("compile error")]
    return " ".join(lines) or message.strip()


# The widest a `--template` field may be padded or cut to: far past any terminal, far
# short of the memory a `{name:1000000000}` would take.
MAX_TEMPLATE_WIDTH = 1000


def check_template(template: str) -> None:
    """Parse `--template` only, so a malformed one stops a command before any request."""
    import string

    try:
        for _text_part, field, spec, _conversion in string.Formatter().parse(template):
            if field is not None and spec:
                _check_spec(spec)
    except ValueError as exc:
        raise UsageError(f"--template: {exc}.") from None


def _check_spec(spec: str) -> None:
    """Refuse a width or precision past MAX_TEMPLATE_WIDTH (`{a:>5000}`, `{a:.9999}`)."""
    if "{" in spec:
        return  # a nested field (`{a:{w}}`): checked once filled in, per record
    numbers = [int(n) for n in re.findall(r"\d+", spec)]
    if numbers and max(numbers) > MAX_TEMPLATE_WIDTH:
        raise ValueError(
            f"the width or precision in '{{…:{spec[:20]}}}' is over {MAX_TEMPLATE_WIDTH:,}"
        )


def render_template(template: str, record: Mapping[str, Any]) -> str:
    """`template` with `{field}` and dotted `{metadata.tier}` filled from `record`.

    Python format fields (`{mrr:>10}` works); a field the record lacks is empty, as a
    missing column is, so one sparse record does not stop a whole list.
    """
    import string

    class _Fields(string.Formatter):
        def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
            value: Any = record
            for part in field_name.split("."):
                value = value.get(part) if isinstance(value, Mapping) else None
            return ("" if value is None else value), field_name

        def format_field(self, value: Any, format_spec: str) -> Any:
            _check_spec(format_spec)
            return super().format_field(value, format_spec)

    try:
        return _Fields().format(template)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--template: {exc}.") from None
