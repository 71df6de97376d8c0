"""Wall time and peak memory of every notebook, each run top to bottom in a fresh kernel.

Prints a markdown table. Targets (notebook-conventions.md): at most 60 s per notebook on
2 CPU cores (180 s for the complete CNN, ``11-*``) and at most 1 GiB peak memory, so each fits
a Binder session. Uses the same execution code as ``tests/test_notebooks.py``
(``tests/_jupyter.py``): the kernel is this Python, started in ``notebooks/``, with widget
state stored; the time excludes kernel start-up (shown separately); the memory is the
kernel's high-water resident set size (``getrusage``).

    python benchmarks/bench_notebooks.py                 # every notebooks/NN-*.ipynb
    python benchmarks/bench_notebooks.py 03 09           # only notebooks starting 03 or 09
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _jupyter import (  # the shared module lives next to the tests
    MEMORY_BUDGET_BYTES,
    error_outputs,
    execute_notebook,
    notebook_paths,
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="*", help="only notebooks whose name starts so")
    args = parser.parse_args(argv)
    paths = [
        p for p in notebook_paths() if not args.prefixes or p.name.startswith(tuple(args.prefixes))
    ]
    if not paths:
        print("no notebooks matched")
        return 1
    print(
        f"Python {platform.python_version()} · {psutil.cpu_count()} CPUs · "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM · load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + "\n"
    )
    print(
        "| notebook | wall time (s) | budget (s) | kernel start (s) | peak memory (MiB) "
        "| within targets |"
    )
    print("|---|---:|---:|---:|---:|---|")
    all_ok = True
    for path in paths:
        result = execute_notebook(path)
        errors = error_outputs(result.nb)
        notes = []
        if result.failure:
            notes.append(result.failure)
        if errors:
            notes.append(f"{len(errors)} error output(s): {errors[0]}")
        if result.seconds > result.budget_seconds:
            notes.append("too slow")
        if result.peak_rss_bytes is not None and result.peak_rss_bytes > MEMORY_BUDGET_BYTES:
            notes.append("over 1 GiB")
        memory = "?" if result.peak_rss_mib is None else f"{result.peak_rss_mib:.0f}"
        verdict = "yes" if not notes else "NO: " + "; ".join(notes)
        all_ok &= not notes
        print(
            f"| {path.name} | {result.seconds:.1f} | {result.budget_seconds:.0f} "
            f"| {result.startup_seconds:.1f} | {memory} | {verdict} |",
            flush=True,
        )
    print(f"\nTargets: ≤ 60 s (09: ≤ 180 s), ≤ {MEMORY_BUDGET_BYTES / 2**20:.0f} MiB.")
    print("All notebooks within targets." if all_ok else "Some notebooks miss a target (see NO).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
