"""Time ``import cnnlab`` in fresh interpreters and print the figures.

Run from the repository root::

    .venv/bin/python benchmarks/bench_import.py             # 10 fresh interpreters
    .venv/bin/python benchmarks/bench_import.py --runs 30

Each run starts a new interpreter of this Python (the project venv) in an empty temporary
folder, so it imports the installed cnnlab (an editable install of this repository) and not a
folder that happens to be called ``cnnlab``. What is timed is the ``import cnnlab`` statement
alone (``time.perf_counter`` around it), not the interpreter's start-up. The last run also uses
``python -X importtime`` to list the modules that cost most.

Target (CONTRIBUTING.md, "Architecture"): ``import cnnlab`` takes at most 0.5 s on a 2-core
machine. Whether it imports TensorFlow, Keras, matplotlib, ipywidgets or scikit-image is a
property, not a figure: ``tests/test_packaging.py`` asserts that it imports none of them.
Wall-clock figures depend on the machine's load, which is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.5
PROBE = """
import json, sys, time
start = time.perf_counter()
import cnnlab
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "file": cnnlab.__file__, "modules": len(sys.modules)}))
"""


def _run(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=True)


def time_import(cwd: str) -> dict:
    """One fresh interpreter: seconds spent in ``import cnnlab``, its file, modules loaded."""
    out = _run([sys.executable, "-c", PROBE], cwd).stdout
    return json.loads(out.strip().splitlines()[-1])


def costliest_imports(cwd: str, count: int = 8) -> list[tuple[float, str]]:
    """The ``count`` top-level imports under ``import cnnlab`` with the largest cumulative time."""
    err = _run([sys.executable, "-X", "importtime", "-c", "import cnnlab"], cwd).stderr
    rows = []
    for line in err.splitlines():
        # "import time: self [us] | cumulative | imported package"
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 1:  # the packages cnnlab and the interpreter import directly
            rows.append((int(parts[1]) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="fresh interpreters (default 10)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1; got {args.runs}")

    with tempfile.TemporaryDirectory(prefix="cnnlab-import-") as cwd:
        runs = [time_import(cwd) for _ in range(args.runs)]
        costly = costliest_imports(cwd)

    expected = ROOT / "cnnlab" / "__init__.py"
    if Path(runs[0]["file"]) != expected:
        print(f"note: timed {runs[0]['file']}, not this repository's {expected}")
    seconds = sorted(run["seconds"] for run in runs)
    best, median, worst = seconds[0], statistics.median(seconds), seconds[-1]
    verdict = "within" if median <= TARGET_S else "OVER"
    print(f"import cnnlab, {args.runs} fresh interpreters ({sys.executable})")
    print(f"  best {best:.3f} s, median {median:.3f} s, worst {worst:.3f} s")
    print(f"  median {verdict} the target of {TARGET_S} s; {runs[0]['modules']} modules loaded")
    print("costliest imports (cumulative, one run with -X importtime):")
    for cumulative, name in costly:
        print(f"  {cumulative:6.3f} s  {name}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(json.dumps({"best_s": round(best, 4), "median_s": round(median, 4), "runs": args.runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
