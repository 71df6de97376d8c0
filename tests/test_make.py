"""The README's commands do what it says, on the kind of machine people run them on.

* ``make lab`` starts JupyterLab serving this repository, also as root (containers and cloud
  VMs), where JupyterLab refuses to start unless told ``--allow-root``: the Makefile adds it
  and prints one line saying why. The test runs exactly ``make lab`` from the repository, with
  an environment that isolates Jupyter's configuration and passes ``LAB_ARGS`` (no browser, a
  free loopback port, a known token), waits until the server answers over HTTP, checks that it
  serves the repository (the index and every figure the notebooks link to as ``../imgs/...``),
  then stops the whole process group.
* ``make check`` (the contributor loop) runs lint and the unit tests only; ``make test`` (what
  CI runs) runs lint and every test, with no marker filter.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from _jupyter import ROOT, free_port, isolated_jupyter_env, write_lab_settings

ROOT_NOTICE = "Running as root (as in a container): starting JupyterLab with --allow-root."
READY_TIMEOUT_S = 120.0
MAKE = shutil.which("make")


# Set by an enclosing make (``make test`` runs these tests) or by the person running them.
INHERITED = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ARGS", "LAB_ARGS"}


def _make_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) without make variables from outside."""
    return {k: v for k, v in (base or os.environ).items() if k not in INHERITED}


def _dry_run(target: str) -> list[str]:
    """The commands ``make -n <target>`` would run, one per line."""
    assert MAKE, "make is not installed (the README's commands need it)"
    result = subprocess.run(
        [MAKE, "-n", target],
        cwd=ROOT,
        env=_make_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def _pytest_arguments(commands: list[str]) -> list[str]:
    runs = [shlex.split(c) for c in commands if " -m pytest" in c]
    assert len(runs) == 1, f"expected one pytest run, got {commands}"
    words = runs[0]
    return words[words.index("pytest") + 1 :]


def test_make_check_lints_then_runs_only_the_unit_tests():
    commands = _dry_run("check")
    assert any(c.endswith("ruff check .") for c in commands), commands
    assert any(c.endswith("ruff format --check .") for c in commands), commands
    assert _pytest_arguments(commands) == ["-m", "not slow and not browser"]


def test_make_test_lints_then_runs_every_test():
    commands = _dry_run("test")
    assert any(c.endswith("ruff check .") for c in commands), commands
    assert any(c.endswith("ruff format --check .") for c in commands), commands
    assert _pytest_arguments(commands) == [], "make test must not filter tests: CI runs it"


def _linked_figures() -> list[str]:
    """File names under imgs/ that the numbered notebooks link to as ``../imgs/<name>``."""
    names = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        names.update(re.findall(r"\.\./imgs/([\w.\-]+)", path.read_text()))
    return sorted(names)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as err:
        with err:
            return err.code, ""


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process group (make, the shell it ran, JupyterLab); SIGKILL what is left."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        process.wait(10)
        return
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(10)


@pytest.mark.slow
def test_make_lab_starts_jupyterlab_on_the_index(tmp_path):
    assert MAKE, "make is not installed (the README's commands need it)"
    home = tmp_path / "jupyter"
    write_lab_settings(home / "settings")
    port, token = free_port(), secrets.token_hex(16)
    lab_args = [
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
    ]
    env = _make_env(isolated_jupyter_env(home))
    env["LAB_ARGS"] = shlex.join(lab_args)
    log_path = tmp_path / "make-lab.log"
    base = f"http://127.0.0.1:{port}"

    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [MAKE, "lab"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
    try:
        status, deadline = None, time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _ = _get(f"{base}/api/status?token={token}")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = None
            if status == 200:
                break
            time.sleep(0.5)
        log_text = Path(log_path).read_text(errors="replace")
        if process.poll() is not None:
            pytest.fail(f"make lab exited with code {process.returncode}:\n{log_text[-3000:]}")
        assert status == 200, (
            f"make lab did not answer on {base} within {READY_TIMEOUT_S:.0f} s:\n{log_text[-3000:]}"
        )
        # Its root is the repository: the index and every figure the notebooks link to as
        # ../imgs/... are served (with notebooks/ as the root the figures would be missing).
        status, _ = _get(f"{base}/api/contents/notebooks/index.ipynb?content=0&token={token}")
        assert status == 200, "the server does not serve notebooks/index.ipynb"
        figures = _linked_figures()
        assert figures, "no notebook links to ../imgs/ (the check below would prove nothing)"
        missing = [f for f in figures if _get(f"{base}/files/imgs/{f}?token={token}")[0] != 200]
        assert missing == [], f"make lab does not serve these linked figures: {missing}"
        status, page = _get(f"{base}/lab/tree/notebooks/index.ipynb?token={token}")
        assert status == 200 and "JupyterLab" in page, page[:500]
        if os.geteuid() == 0:
            assert ROOT_NOTICE in log_text, log_text[-3000:]
        else:
            assert ROOT_NOTICE not in log_text, log_text[-3000:]
    finally:
        _stop_group(process)
