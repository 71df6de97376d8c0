"""Shared machinery for the notebook tests and the notebook benchmark.

* :func:`execute_notebook` runs a notebook in a fresh kernel of this Python (the project venv)
  with nbclient, storing widget state, and records the wall time and the kernel's peak memory.
  ``tests/test_notebooks.py`` asserts on its result; ``benchmarks/bench_notebooks.py`` prints
  the same figures.
* :func:`error_outputs` and :func:`slider_descriptions` read an executed notebook.
* :class:`Server` starts a Jupyter server (JupyterLab or Voilà) on a free loopback port with an
  isolated configuration and stops it again by its PID.
"""

from __future__ import annotations

import ast
import asyncio
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures" / "notebooks"
FIXTURE_NOTEBOOK = FIXTURES_DIR / "00-explorer-fixture.ipynb"
BIN = Path(sys.executable).parent

#: Budgets from notebook-conventions.md: every notebook <= 60 s on 2 cores, the complete CNN
#: (11-*) <= 180 s, and at most 1 GiB peak memory (a Binder session's guaranteed memory).
DEFAULT_BUDGET_S = 60.0
BUDGETS_S = {"11": 180.0}
MEMORY_BUDGET_BYTES = 1 << 30
REQUIRED_SLIDERS = ("kernel size", "stride", "padding")
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
NOTEBOOK_NAME = re.compile(r"^\d\d-.+\.ipynb$")


def notebook_paths(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks ``NN-*.ipynb`` of ``directory``, in order."""
    return sorted(p for p in directory.glob("[0-9][0-9]-*.ipynb") if NOTEBOOK_NAME.match(p.name))


def budget_seconds(path: Path) -> float:
    """The wall-time budget of a notebook: 180 s for ``11-*``, 60 s for the others."""
    return BUDGETS_S.get(path.name[:2], DEFAULT_BUDGET_S)


def kernel_env() -> dict[str, str]:
    """The environment for kernels: ours (so CNNLAB_DATA_DIR passes through) minus MPLBACKEND."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences the debugger's frozen-modules note
    return env


@dataclass
class ExecutionResult:
    """An executed notebook and what it cost."""

    path: Path
    nb: nbformat.NotebookNode
    seconds: float  # wall time of the cells, kernel start-up excluded
    startup_seconds: float
    peak_rss_bytes: int | None  # the kernel's high-water resident memory (getrusage)
    kernel_python: str | None  # sys.executable of the kernel
    budget_seconds: float
    failure: str | None = None  # timeout, dead kernel, ... (not an error output of a cell)
    cells_not_run: list[int] = field(default_factory=list)
    #: The ``extra_cells`` run after the notebook in the same kernel, with their outputs.
    extra: list = field(default_factory=list)

    @property
    def peak_rss_mib(self) -> float | None:
        return None if self.peak_rss_bytes is None else self.peak_rss_bytes / 2**20


_PROBE = (
    "__import__('json').dumps({'maxrss_kib': __import__('resource').getrusage("
    "__import__('resource').RUSAGE_SELF).ru_maxrss, 'python': __import__('sys').executable})"
)


def _kernel_spec_dir(tmp: Path, python: str) -> Path:
    spec = tmp / "kernels" / "cnnlab-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "cnnlab test kernel",
                "language": "python",
            }
        )
    )
    return spec.parent


async def _execute(
    path: Path, cwd: Path, budget: float, python: str, extra_cells: Sequence[str]
) -> ExecutionResult:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="cnnlab-kernel-") as tmp:
        ksm = KernelSpecManager(kernel_dirs=[str(_kernel_spec_dir(Path(tmp), python))])
        km = AsyncKernelManager(kernel_name="cnnlab-test", kernel_spec_manager=ksm)
        # Generous per-cell timeout; the whole run is cut off at twice the budget.
        client = NotebookClient(
            nb,
            km=km,
            timeout=int(2 * budget),
            startup_timeout=120,
            allow_errors=True,
            store_widget_state=True,
            record_timing=True,
            resources={"metadata": {"path": str(cwd)}},
        )
        started = time.perf_counter()
        failure, not_run, probe, extra = None, [], {}, []
        async with client.async_setup_kernel(cwd=str(cwd), env=kernel_env(), cleanup_kc=True):
            msg_id = client.kc.kernel_info()
            info = await client.async_wait_for_reply(msg_id)
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            ready = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                if failure is not None or time.perf_counter() - ready > 2 * budget:
                    if cell.cell_type == "code":
                        not_run.append(index)
                    continue
                try:
                    await client.async_execute_cell(
                        cell, index, execution_count=client.code_cells_executed + 1
                    )
                except CellTimeoutError as err:
                    failure = f"cell {index} timed out: {str(err).splitlines()[0]}"
                except DeadKernelError as err:
                    failure = f"the kernel died in cell {index}: {err}"
            finished = time.perf_counter()
            if failure is None:
                msg_id = client.kc.execute(
                    "", silent=True, store_history=False, user_expressions={"probe": _PROBE}
                )
                reply = await client.async_wait_for_reply(msg_id)
                expr = (reply or {}).get("content", {}).get("user_expressions", {}).get("probe")
                if expr and expr.get("status") == "ok":
                    probe = json.loads(ast.literal_eval(expr["data"]["text/plain"]))
                for source in extra_cells:  # after the probe: not part of the notebook's cost
                    nb.cells.append(nbformat.v4.new_code_cell(source))  # nbclient writes it back
                    try:
                        await client.async_execute_cell(nb.cells[-1], len(nb.cells) - 1)
                    except (CellTimeoutError, DeadKernelError) as err:
                        nb.cells[-1].outputs.append(
                            nbformat.v4.new_output(
                                "error", ename=type(err).__name__, evalue=str(err), traceback=[]
                            )
                        )
                    extra.append(nb.cells.pop())
            client.set_widgets_metadata()
        if not_run and failure is None:
            failure = f"stopped after {2 * budget:.0f} s (twice the budget): cells not run"
    return ExecutionResult(
        path=path,
        nb=nb,
        seconds=finished - ready,
        startup_seconds=ready - started,
        peak_rss_bytes=probe["maxrss_kib"] * 1024 if "maxrss_kib" in probe else None,
        kernel_python=probe.get("python"),
        budget_seconds=budget,
        failure=failure,
        cells_not_run=not_run,
        extra=extra,
    )


def execute_notebook(
    path: Path,
    *,
    cwd: Path | None = None,
    budget: float | None = None,
    python: str | None = None,
    extra_cells: Sequence[str] = (),
) -> ExecutionResult:
    """Execute ``path`` top to bottom in a fresh kernel and measure it.

    The kernel is ``python`` (default: this interpreter, i.e. the project venv), started in
    ``cwd`` (default: the notebook's folder) with :func:`kernel_env`. Errors in cells do not
    stop the run (every error is reported by :func:`error_outputs`); a cell running longer than
    twice the budget, or the whole run passing twice the budget, does. ``extra_cells`` (code)
    run afterwards in the same kernel, as a learner's later cells would, outside the measured
    time and memory; they come back with their outputs in ``result.extra``.
    """
    path = Path(path)
    run = _execute(
        path,
        Path(cwd or path.parent),
        budget if budget is not None else budget_seconds(path),
        python or sys.executable,
        list(extra_cells),
    )
    # asyncio.run refuses to start inside a thread that already runs an event loop (Playwright's
    # sync API leaves one in the main thread); a worker thread always has none.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run).result()


def output_text(cell) -> str:
    """All the text a code cell showed (streams, plain-text and HTML results, errors)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
        else:
            parts.append(_text(output))
    return "\n".join(parts)


def _text(output) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        data = output.get("data", {})
        text = data.get("text/plain", "") + data.get("text/html", "")
    return "".join(text) if isinstance(text, list) else text


def _output_problems(outputs, where: str) -> list[str]:
    problems = []
    for output in outputs:
        if output.get("output_type") == "error":
            problems.append(f"{where}: {output.get('ename')}: {output.get('evalue')}")
        elif "Traceback" in _text(output):
            problems.append(f"{where}: output contains a traceback: {_text(output)[-300:]!r}")
    return problems


def widget_states(nb) -> dict[str, dict]:
    """The stored widget models of an executed notebook: model id -> {model_name, state}."""
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})


def error_outputs(nb) -> list[str]:
    """Every error output or traceback text in cells and in stored Output-widget states."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            problems += _output_problems(cell.get("outputs", []), f"cell {index}")
    for model_id, model in widget_states(nb).items():
        if model.get("model_name") == "OutputModel":
            outputs = model.get("state", {}).get("outputs", [])
            problems += _output_problems(outputs, f"Output widget {model_id[:8]}")
    return problems


def _normal_description(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip().lower()


def slider_descriptions(nb) -> set[str]:
    """Descriptions (lower case, trailing colon dropped) of the slider widgets in ``nb``."""
    found = set()
    for model in widget_states(nb).values():
        if str(model.get("model_name", "")).endswith("SliderModel"):
            found.add(_normal_description(str(model.get("state", {}).get("description", ""))))
    return found


def missing_sliders(nb) -> list[str]:
    """Which of "kernel size", "stride", "padding" no stored slider is described as."""
    found = slider_descriptions(nb)
    return [name for name in REQUIRED_SLIDERS if name not in found]


# ----------------------------------------------------------------------------- servers

#: One cell per explorer, as the notebooks build them, on the 512x512 camera image: the
#: projector-layout browser test and ``benchmarks/bench_browser.py`` open one notebook each.
#: Debian's Chromium, headless, no profile, nothing fetched in the background (tests, benchmark).
CHROMIUM = os.environ.get("CNNLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

EXPLORER_CELLS = {
    "conv": 'ex = cw.conv_explorer("camera", "sobel vertical")',
    "step": 'ex = cw.step_explorer(kernel="box blur")',
    "pool": 'ex = cw.pool_explorer("camera", source="conv feature map")',
    "activation": 'ex = cw.activation_explorer(image="camera", kernel="sobel vertical")',
    "dropout": 'ex = cw.dropout_explorer(image="camera", kernel="sobel vertical", rate=0.5)',
    "dense": 'ex = cw.fc_explorer(image="camera", input_size=28, kernel_size=3, filters=32)',
    "filter": "ex = cw.filter_explorer()",
}


def write_explorer_notebooks(folder: Path, names: Sequence[str] = tuple(EXPLORER_CELLS)) -> None:
    """Write ``NAME.ipynb`` (imports, the explorer as ``ex``, shown) for each name into ``folder``."""
    for name in names:
        nb = nbformat.v4.new_notebook()
        source = f"import cnnlab.widgets as cw\n{EXPLORER_CELLS[name]}\nex"
        nb.cells = [nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, Path(folder) / f"{name}.ipynb")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


LAB_SETTINGS = {
    # Never write outputs into the repository's notebooks while testing.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # Keep every cell (and its widgets) in the page, visible or not.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # No news or update toasts over the page.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def isolated_jupyter_env(home: Path) -> dict[str, str]:
    """Environment for a server that reads no user configuration, kernels or settings."""
    env = kernel_env()
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        path = home / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # kernels use the venv's python
    return env


def write_lab_settings(settings_dir: Path) -> None:
    """Write :data:`LAB_SETTINGS` as JupyterLab user settings into ``settings_dir``."""
    for plugin, values in LAB_SETTINGS.items():
        target = settings_dir / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))


class Server:
    """A Jupyter server process (JupyterLab or Voilà) on 127.0.0.1, stopped by its PID."""

    def __init__(
        self,
        args: list[str],
        *,
        port: int,
        ready_path: str,
        cwd: Path,
        name: str,
        home: Path,
        any_response: bool = False,
    ):
        self.home = home
        self.any_response = any_response
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = self.home / "server.log"
        self.name = name
        env = isolated_jupyter_env(self.home)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.pid = self.process.pid
        self._wait_ready(ready_path)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _wait_ready(self, path: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as err:
                if self.any_response:  # it answers: up (Voilà redirects its API to a login)
                    return
                err.close()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 20.0) -> None:
        """Terminate the server (it shuts its kernels down), wait, then kill what is left."""
        import psutil

        try:
            children = psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        for child in children:  # kernels the server started and did not stop
            try:
                child.terminate()
                child.wait(5)
            except psutil.TimeoutExpired:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        self._log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def start_jupyterlab(root_dir: Path = ROOT) -> tuple[Server, str]:
    """Start JupyterLab serving ``root_dir``; return the server and its token."""
    token = secrets.token_hex(16)
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="cnnlab-jupyterlab-"))
    write_lab_settings(home / "settings")
    args = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.port_retries=0",
        *(["--allow-root"] if os.geteuid() == 0 else []),
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",  # not in the repository
        "--LabApp.expose_app_in_browser=True",
    ]
    ready = f"/api/status?token={token}"
    server = Server(args, port=port, ready_path=ready, cwd=root_dir, name="jupyterlab", home=home)
    return server, token


def start_voila(notebook: Path, root_dir: Path = ROOT) -> Server:
    """Serve one notebook as a Voilà dashboard."""
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="cnnlab-voila-"))
    args = [
        str(BIN / "voila"),
        str(notebook.relative_to(root_dir)),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
    ]
    return Server(
        args,
        port=port,
        ready_path="/api/status",
        cwd=root_dir,
        name="voila",
        home=home,
        any_response=True,
    )
