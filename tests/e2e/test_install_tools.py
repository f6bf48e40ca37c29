"""Installing `pivotal` as people install CLIs: the wheel, then `uv tool install`.

The wheel is built from this checkout (and must carry the completion scripts as
package data); `uv tool install` puts it, and then the checkout itself, into fresh
tool environments; the installed `pivotal` runs `--sandbox customers list` and
`completion install` with HOME in a temporary directory. uv comes from the PATH, or
is installed from the package index into a temporary venv. Without a package index
(offline) the test skips; under CI (`CI` set) it fails instead, since CI has one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ("pivotal_cli/completions/pivotal.bash", "pivotal_cli/completions/_pivotal")
# Words of a failure to reach the package index, not of a broken package.
OFFLINE = ("connect", "network", "resolve", "timed out", "certificate", "Temporary failure")


def _run(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)


def _needs_index(result: subprocess.CompletedProcess[str], what: str) -> None:
    """Fail on a broken step; skip (outside CI) when only the package index was missing."""
    if result.returncode == 0:
        return
    text = result.stdout + result.stderr
    if not os.environ.get("CI") and any(word.lower() in text.lower() for word in OFFLINE):
        pytest.skip(f"{what}: no package index reachable ({text.strip().splitlines()[-1]})")
    pytest.fail(f"{what} failed:\n{text[-3000:]}")


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a user's shell: HOME in the test's directory, none of the
    suite's PIVOTAL_* isolation (the installed CLI finds its dirs from HOME)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIVOTAL_", "XDG_"))}
    env.update(HOME=str(home), SHELL="/bin/bash", PIVOTAL_SANDBOX_RATE_LIMIT="off")
    # A proxy's own certificate authority: the system's store, as pip is told here.
    cert = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    if cert:
        env.setdefault("SSL_CERT_FILE", cert)
        env["UV_NATIVE_TLS"] = "1"
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def _uv(tmp: Path, env: dict[str, str]) -> str:
    found = shutil.which("uv")
    if found:
        return found
    venv = tmp / "uv-venv"
    _needs_index(_run([sys.executable, "-m", "venv", str(venv)], env), "making a venv for uv")
    pip = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "uv"], env)
    _needs_index(pip, "pip install uv")
    return str(venv / "bin" / "uv")


@pytest.mark.network
def test_the_wheel_and_the_checkout_install_with_uv_tool_and_work(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)

    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        env,
    )
    _needs_index(built, "building the wheel")
    [wheel] = tmp_path.glob("pivotal_cli-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert set(SCRIPTS) | {"pivotal_cli/completions/pivotal.fish"} <= names

    uv = _uv(tmp_path, env)
    for source, where in ((wheel, "from-wheel"), (ROOT, "from-checkout")):
        tool_env = {
            **env,
            "UV_TOOL_DIR": str(tmp_path / where / "tools"),
            "UV_TOOL_BIN_DIR": str(tmp_path / where / "bin"),
        }
        installed = _run(
            [uv, "tool", "install", "-q", "--python", sys.executable, str(source)], tool_env
        )
        _needs_index(installed, f"uv tool install {where}")
        pivotal = tmp_path / where / "bin" / "pivotal"

        listed = _run([str(pivotal), "--sandbox", "customers", "list", "-L", "3"], env)
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == 3
        completion = _run([str(pivotal), "completion", "install"], env)
        assert completion.returncode == 0, completion.stderr
        script = home / ".local/share/bash-completion/completions/pivotal"
        assert f"{script}" in completion.stderr
        assert script.read_text() == (ROOT / "completions" / "pivotal.bash").read_text()
