"""The layering rules of docs/architecture.md, enforced by reading the source.

Imports go one way, downward: cli -> webhooks, jobs -> client -> render -> domain ->
settings -> sandbox, with `errors.py` shared by all (and the sandbox may use
settings/paths.py, a leaf). Every module under src/pivotal_cli is parsed with `ast`
(nothing is imported or run), and every import is checked, including imports inside
functions, under `TYPE_CHECKING`, and `importlib.import_module("…")` / `__import__("…")`
with a literal name. A second check keeps command-line wording (flags, "run `pivotal …`"
advice) in cli/: below it, errors carry facts and the error boundary words the next
step. A third keeps the domain free of I/O.

Each failure names the module, the line and the offending import or string.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "pivotal_cli"

# Known, pending exceptions: modules being rewritten right now that still break a rule.
# Each entry must go once its rewrite lands; `test_pending_exceptions_are_still_needed`
# says when. Empty today: domain/bodies.py and domain/models.py (flag naming moving to
# cli/) were candidates, but bodies.py already passes and models.py does not exist yet.
PENDING: set[str] = set()

# Strings below cli/ that look like command-line wording but are not. Keep it small.
#   help/pages answers `--help` before cli/ is imported: it reads the flag off the line.
WORDING_ALLOWED: set[tuple[str, str]] = {("pivotal_cli.help.pages", "--help")}

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
ADVICE = "`pivotal "

TYPER = ("typer", "click")
# Modules that read or write the outside world; `open`/`print` are checked as calls.
IO_MODULES = ("os", "io", "pathlib", "sqlite3", "socket", "httpx", "subprocess", "sys")
IO_BUILTINS = ("open", "print", "input")


def layer(module: str) -> str:
    """`cli`, `client`, …, `errors`, `main` or `root` for a module of the package."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return "external"
    if len(parts) == 1:
        return "root"
    return {"__main__": "main"}.get(parts[1], parts[1])


def _package_layers(*names: str) -> tuple[str, ...]:
    return tuple(f"{PACKAGE}.{name}" for name in names)


# What each layer may not import (module-name prefixes). Anything not listed is allowed.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    # webhooks/ and jobs/, the services, sit between the command line and the client;
    # neither imports the other.
    "webhooks": _package_layers("cli", "jobs", "sandbox") + TYPER,
    "jobs": _package_layers("cli", "webhooks", "sandbox") + TYPER,
    # agents/, the MCP server, is a service too: it uses the client, jobs and domain,
    # and the sandbox's own database only for the sandbox tools.
    "agents": _package_layers("cli", "webhooks") + TYPER,
    "client": _package_layers("cli", "webhooks", "jobs", "render", "sandbox", "settings") + TYPER,
    "render": _package_layers("cli", "webhooks", "jobs", "client", "sandbox") + TYPER,
    "domain": _package_layers("cli", "webhooks", "jobs", "client", "render", "settings", "sandbox")
    + TYPER
    + IO_MODULES,
    # settings may load the embedded sandbox, but only lazily (checked separately).
    "settings": _package_layers("cli", "webhooks", "jobs", "client", "render") + TYPER,
    "sandbox": _package_layers("cli", "webhooks", "jobs", "client", "render", "settings") + TYPER,
    # The pytest plugin: it runs a sandbox and talks to it, never through the command line.
    "testing": _package_layers("cli", "webhooks", "jobs", "render") + TYPER,
    "errors": _package_layers(
        "cli", "webhooks", "jobs", "client", "render", "domain", "settings", "sandbox"
    )
    + TYPER,
    "root": TYPER,
    # Generated help pages, printed from __main__ before anything else is loaded: they
    # import nothing of the package but its version, and neither Typer nor Rich.
    "help": _package_layers(
        "cli", "webhooks", "jobs", "client", "render", "domain", "settings", "sandbox", "errors"
    )
    + TYPER
    + ("rich",),
}

# Imports a layer may make although FORBIDDEN names their prefix, each with its reason.
ALLOWED: dict[str, tuple[str, ...]] = {
    # Where the sandbox's directory is and how a private file is written are decided
    # once, in settings/paths.py, a standard-library leaf (see test_paths_is_a_leaf).
    "sandbox": (f"{PACKAGE}.settings.paths",),
}
# The one module of settings the sandbox may import: it may import nothing of ours
# but the shared errors.
LEAF = f"{PACKAGE}.settings.paths"


@dataclass(frozen=True)
class Import:
    target: str  # the dotted name imported (for `from a import b`: `a.b`)
    line: int
    lazy: bool  # inside a function body, so loaded only when that code runs


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a (possibly relative) `from` import."""
    if level == 0:
        return name or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports_of(module: str, tree: ast.AST, is_package: bool = False) -> list[Import]:
    """Every import in `tree`, wherever it is, with whether it runs lazily."""
    found: list[Import] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno, lazy) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            found.extend(Import(f"{base}.{alias.name}", node.lineno, lazy) for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.append(Import(first.value, node.lineno, lazy))
        inner = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def _matches(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(prefix + ".")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of the module, its classes and functions."""
    ids = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
        ):
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def check_source(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """Every breach of the layering rules in one module's source, as readable lines."""
    tree = ast.parse(source)
    where = layer(module)
    problems: list[str] = []
    for imp in imports_of(module, tree, is_package):
        if any(_matches(imp.target, allowed) for allowed in ALLOWED.get(where, ())):
            continue
        for prefix in FORBIDDEN.get(where, ()):
            if _matches(imp.target, prefix):
                problems.append(
                    f"{module}:{imp.line}: the {where} layer imports {imp.target} ({prefix})"
                )
        if (
            module == LEAF
            and _matches(imp.target, PACKAGE)
            and not _matches(imp.target, f"{PACKAGE}.errors")
        ):
            problems.append(
                f"{module}:{imp.line}: {module} is a leaf the sandbox imports; "
                f"it imports {imp.target}"
            )
        if where == "settings" and _matches(imp.target, f"{PACKAGE}.sandbox") and not imp.lazy:
            problems.append(
                f"{module}:{imp.line}: settings imports {imp.target} at module level; "
                "only a lazy import (inside the function that needs it) is allowed"
            )
    if where == "domain":
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in IO_BUILTINS
            ):
                problems.append(f"{module}:{node.lineno}: the domain calls {node.func.id}()")
    if where not in ("cli", "main"):
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if id(node) in docs:
                continue
            text = node.value
            words = FLAG.findall(text) + ([ADVICE.strip()] if ADVICE in text else [])
            for word in words:
                if (module, word) not in WORDING_ALLOWED:
                    problems.append(
                        f"{module}:{node.lineno}: command-line wording {word!r} below cli/ "
                        f"in {text[:60]!r}"
                    )
    return problems


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def check_module(module: str, path: Path) -> list[str]:
    return check_source(
        module, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py"
    )


MODULES = modules()


def test_the_source_tree_is_found() -> None:
    names = {name for name, _ in MODULES}
    assert {"pivotal_cli.cli.boundary", "pivotal_cli.domain.workflow"} <= names


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_layering(module: str, path: Path) -> None:
    if module in PENDING:
        pytest.skip("pending rewrite (see PENDING)")
    problems = check_module(module, path)
    assert not problems, "\n".join(problems)


def test_pending_exceptions_are_still_needed() -> None:
    by_name = dict(MODULES)
    for module in sorted(PENDING):
        if module in by_name:
            assert check_module(module, by_name[module]), (
                f"{module} now follows the rules: remove it from PENDING"
            )


# -- the checker itself can fail ------------------------------------------------------


def test_the_checker_reports_a_forbidden_import() -> None:
    source = "import httpx\n\ndef f():\n    from pivotal_cli.cli import app\n"
    problems = check_source("pivotal_cli.domain.example", source)
    assert any(":1:" in p and "imports httpx" in p for p in problems), problems
    assert any(":4:" in p and "pivotal_cli.cli.app" in p for p in problems), problems


def test_the_checker_reports_relative_and_dynamic_imports() -> None:
    source = (
        "import importlib\nfrom ..render import output\ntyper = importlib.import_module('typer')\n"
    )
    problems = check_source("pivotal_cli.client.example", source)
    assert any("pivotal_cli.render.output" in p for p in problems), problems
    assert any("imports typer" in p for p in problems), problems


def test_the_checker_reports_an_eager_sandbox_import_in_settings() -> None:
    eager = "from pivotal_cli.sandbox.adapters import embedded\n"
    lazy = "def f():\n    from pivotal_cli.sandbox.adapters import embedded\n"
    assert check_source("pivotal_cli.settings.example", eager)
    assert not check_source("pivotal_cli.settings.example", lazy)


def test_the_sandbox_may_import_settings_paths_only() -> None:
    assert not check_source(
        "pivotal_cli.sandbox.example", "from pivotal_cli.settings import paths\n"
    )
    assert check_source("pivotal_cli.sandbox.example", "from pivotal_cli.settings import config\n")


def test_paths_is_a_leaf() -> None:
    assert check_source(LEAF, "from pivotal_cli.settings.config import Config\n")
    assert not check_source(LEAF, "import os\nfrom pivotal_cli.errors import UsageError\n")


def test_webhooks_may_not_import_the_command_line() -> None:
    source = "import typer\nfrom pivotal_cli.cli import hints\nfrom pivotal_cli.jobs import paths\n"
    problems = check_source("pivotal_cli.webhooks.example", source)
    assert len(problems) == 3, problems
    assert check_source("pivotal_cli.webhooks.example", 'HINT = "Pass --secret."\n')


def test_the_checker_reports_cli_wording_but_not_in_docstrings() -> None:
    source = (
        '"""Run `pivotal auth login` with --insecure-storage (docstring: fine)."""\n'
        'HINT = "Pass --yes to confirm."\n'
        'ADVICE = f"Run `pivotal auth login` for {1}."\n'
        'DASHES = "a -- b, x--y, ---"\n'
    )
    problems = check_source("pivotal_cli.render.example", source)
    assert len(problems) == 2, problems
    assert any(":2:" in p and "--yes" in p for p in problems), problems
    assert any(":3:" in p and "`pivotal" in p for p in problems), problems


def test_the_checker_reports_io_in_the_domain() -> None:
    source = "def load(p):\n    with open(p) as f:\n        print(f.read())\n"
    problems = check_source("pivotal_cli.domain.example", source)
    assert any("calls open()" in p for p in problems), problems
    assert any("calls print()" in p for p in problems), problems
    assert not check_source("pivotal_cli.render.example", source)


def test_the_checker_keeps_jobs_off_the_command_line_and_the_sandbox() -> None:
    source = (
        "from pivotal_cli.cli import hints\n"
        "import typer\n"
        "def f():\n"
        "    from pivotal_cli.sandbox.adapters import embedded\n"
        'NOTE = "Pass --concurrency 2 to go slower."\n'
    )
    problems = check_source("pivotal_cli.jobs.example", source)
    assert any(":1:" in p and "pivotal_cli.cli.hints" in p for p in problems), problems
    assert any(":2:" in p and "imports typer" in p for p in problems), problems
    assert any(":4:" in p and "pivotal_cli.sandbox" in p for p in problems), problems
    assert any(":5:" in p and "--concurrency" in p for p in problems), problems
    assert not check_source("pivotal_cli.jobs.example", "from pivotal_cli.client import bulk\n")
