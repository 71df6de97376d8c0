"""Time cnnlab.conv2d against tf.nn.conv2d (and the loop version) and print a markdown table.

Run from the repository root::

    .venv/bin/python benchmarks/bench_conv.py            # 1-3 minutes, mostly the naive loops
    .venv/bin/python benchmarks/bench_conv.py --quick    # fewer repeats, no naive loops
    .venv/bin/python benchmarks/bench_conv.py --cpu-time # CPU seconds: for a busy machine

What is timed, for every function: NumPy float32 arrays in, a NumPy array out. For TensorFlow
that is ``tf.nn.conv2d(x, k, ...).numpy()`` on NumPy inputs (conversion included), in eager
mode, after warm-up calls. ``conv2d`` and ``tf.nn.conv2d`` are timed in alternating blocks of
calls in the same process (the first call of each block is discarded, since either library's
worker threads may still be spinning from the other's block), so a change in machine load
affects both alike; the table reports medians. ``conv2d`` runs its matrix products on one BLAS
thread (see ``cnnlab._conv_engine.one_blas_thread``); TensorFlow uses its default thread
pools. ``conv2d_naive`` is plain Python loops: it is timed with very few repeats (one by
default).

A second table times each strategy of the private engine (``cnnlab._conv_engine``: shift-and-add
``taps``, ``im2col``, ``banded``) on the same workloads in the same run, as ratios to the
strategy the cost model picks: this is the measurement that justifies keeping each strategy
and the cost model's constants.

The targets (issue "compute core"): on a 2-core machine ``conv2d`` within 1.5x of
``tf.nn.conv2d`` at the median over the workloads and never worse than 3x; every setting of the
convolution explorer (512x512 image, kernel 1-11, stride 1-4) well under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnnlab import _conv_engine
from cnnlab.conv import _check_conv, conv2d, conv2d_naive
from cnnlab.padding import pad2d

# name, x shape, kernel shape, stride, padding
WORKLOADS = [
    ("512x512 gray, 3x3", (512, 512), (3, 3), 1, "valid"),
    ("512x512 gray, 5x5", (512, 512), (5, 5), 1, "valid"),
    ("512x512 gray, 11x11", (512, 512), (11, 11), 1, "valid"),
    ("512x512 gray, 1x1", (512, 512), (1, 1), 1, "valid"),
    ("64 x 28x28x1, 32 filters 3x3", (64, 28, 28, 1), (3, 3, 1, 32), 1, "valid"),
    ("224x224x3, 64 filters 7x7, stride 2, same", (224, 224, 3), (7, 7, 3, 64), 2, "same"),
]


def _as_batch(x, k):
    """The 4-D NumPy arrays tf.nn.conv2d needs (views, made outside the timed region)."""
    x4 = x[None, :, :, None] if x.ndim == 2 else (x[None] if x.ndim == 3 else x)
    k4 = k[:, :, None, None] if k.ndim == 2 else k
    return x4, k4


CLOCK = time.perf_counter  # wall clock; --cpu-time switches to this process's CPU time


def time_alternating(funcs, rounds, block):
    """Median seconds per call of each function, timed in alternating blocks of calls."""
    samples = [[] for _ in funcs]
    for _ in range(rounds):
        for func, times in zip(funcs, samples, strict=True):
            func()  # discarded: the other library's threads may still be busy
            for _ in range(block):
                start = CLOCK()
                func()
                times.append(CLOCK() - start)
    return [statistics.median(times) for times in samples]


def time_once(func, repeats):
    times = []
    for _ in range(repeats):
        start = CLOCK()
        func()
        times.append(CLOCK() - start)
    return statistics.median(times)


STRATEGIES = ("conv_taps", "conv_im2col", "conv_banded")


def engine_inputs(x, k, stride, padding):
    """What conv2d hands the engine: the padded 4-D input, the 4-D kernel and the sizes."""
    args = _check_conv(x, k, None, stride, padding, 1)
    return pad2d(args.x, args.pads), args.kernel, args.stride, args.dilation, args.out_hw


def strategy_name(x, k, stride, padding):
    xp, k4, s, d, _ = engine_inputs(x, k, stride, padding)
    return _conv_engine.choose_strategy(k4.shape, s, d).__name__.removeprefix("conv_")


def strategy_times(x, k, stride, padding, repeats):
    """Median seconds of each engine strategy on conv2d's own inputs (padding excluded)."""
    xp, k4, s, d, out_hw = engine_inputs(x, k, stride, padding)
    times = {}
    for name in STRATEGIES:
        run = getattr(_conv_engine, name)

        def call(run=run):
            return _conv_engine.correlate(xp, k4, s, d, out_hw, strategy=run)

        call()
        times[name.removeprefix("conv_")] = time_once(call, repeats)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds (default 8)")
    parser.add_argument("--block", type=int, default=4, help="timed calls per block (default 4)")
    parser.add_argument("--naive-runs", type=int, default=1, help="conv2d_naive runs (default 1)")
    parser.add_argument("--quick", action="store_true", help="3 rounds, no naive loops")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time this process's CPU seconds (all its threads) instead of the wall clock: "
        "steadier when other programs load the machine",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.naive_runs = 3, 0
    global CLOCK
    CLOCK = time.process_time if args.cpu_time else time.perf_counter

    import tensorflow as tf

    rng = np.random.default_rng(0)
    rows, strategy_rows = [], []
    for name, x_shape, k_shape, stride, padding in WORKLOADS:
        x = rng.random(x_shape, dtype=np.float32)
        k = rng.standard_normal(k_shape).astype(np.float32)
        x4, k4 = _as_batch(x, k)

        def ours(x=x, k=k, stride=stride, padding=padding):
            return conv2d(x, k, stride=stride, padding=padding)

        def theirs(x4=x4, k4=k4, stride=stride, padding=padding):
            return tf.nn.conv2d(x4, k4, strides=stride, padding=padding.upper()).numpy()

        got, want = ours(), theirs()  # warm-up, and a check that both compute the same thing
        np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-3, atol=1e-3)
        for _ in range(3):
            ours(), theirs()
        t_ours, t_tf = time_alternating([ours, theirs], args.rounds, args.block)
        t_naive = None
        if args.naive_runs:
            t_naive = time_once(
                lambda x=x, k=k, s=stride, p=padding: conv2d_naive(x, k, stride=s, padding=p),
                args.naive_runs,
            )
        rows.append((name, strategy_name(x, k, stride, padding), t_ours, t_tf, t_naive))
        strategy_rows.append((name, strategy_times(x, k, stride, padding, args.rounds)))
        print(f"  measured {name}", file=sys.stderr, flush=True)

    ratios = [t_ours / t_tf for _, _, t_ours, t_tf, _ in rows]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nconv2d vs tf.nn.conv2d, float32, {os.cpu_count()} cores, {platform.processor() or platform.machine()}; "
        f"NumPy {np.__version__}, TensorFlow {tf.__version__}. Median of "
        f"{args.rounds * args.block} calls each (alternating blocks); conv2d_naive: "
        f"{args.naive_runs or 'not'} run{'s' if args.naive_runs != 1 else ''}. "
        f"Timed ({'CPU time of all threads' if args.cpu_time else 'wall clock'}): NumPy arrays "
        "in, NumPy array out (TensorFlow: `tf.nn.conv2d(...).numpy()`).\n"
    )
    print(
        "| workload | conv2d strategy | conv2d (ms) | tf.nn.conv2d (ms) | conv2d / TF | conv2d_naive (ms) |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for (name, strategy, t_ours, t_tf, t_naive), ratio in zip(rows, ratios, strict=True):
        naive = f"{t_naive * 1e3:,.0f}" if t_naive is not None else "-"
        print(
            f"| {name} | {strategy} | {t_ours * 1e3:.2f} | {t_tf * 1e3:.2f} | {ratio:.2f}x | {naive} |"
        )
    print(
        "\nEngine strategies on the same inputs (median of "
        f"{args.rounds} calls each; ratio to the one the cost model picks, 1.00x = picked):\n"
    )
    print("| workload | picked | " + " | ".join(n.removeprefix("conv_") for n in STRATEGIES) + " |")
    print("|---|---|" + "---:|" * len(STRATEGIES))
    for (name, picked, *_), (_, times) in zip(rows, strategy_rows, strict=True):
        cells = [
            f"{times[n.removeprefix('conv_')] * 1e3:.2f} ms ({times[n.removeprefix('conv_')] / times[picked]:.2f}x)"
            for n in STRATEGIES
        ]
        print(f"| {name} | {picked} | " + " | ".join(cells) + " |")
    median_ratio, worst_ratio = statistics.median(ratios), max(ratios)
    print(
        f"\nconv2d / tf.nn.conv2d: median {median_ratio:.2f}x (target <= 1.5x), "
        f"worst {worst_ratio:.2f}x (target <= 3x); 1-minute load average after the timings: "
        f"{load:.1f} on {os.cpu_count()} cores"
    )

    # The convolution explorer: one 512x512 image, every kernel size and stride it offers.
    image = rng.random((512, 512), dtype=np.float32)
    sweep = []
    for size in range(1, 12):
        kernel = rng.standard_normal((size, size)).astype(np.float32)
        for stride in range(1, 5):

            def call(kernel=kernel, stride=stride):
                return conv2d(image, kernel, stride=stride, padding="same")

            call()
            sweep.append((time_once(call, 5), size, stride))
    slowest = max(sweep)
    print(
        f"explorer sweep (512x512, kernel 1-11, stride 1-4, 'same', median of 5 each): "
        f"slowest {slowest[0] * 1e3:.1f} ms (kernel {slowest[1]}, stride {slowest[2]}), "
        f"median {statistics.median(t for t, _, _ in sweep) * 1e3:.1f} ms (target: well under 20 ms)"
    )

    # Memory: the im2col matrix is built in chunks of at most _conv_engine.IM2COL_BYTES.
    x = rng.random((512, 512, 3), dtype=np.float32)
    k = rng.standard_normal((7, 7, 3, 16)).astype(np.float32)
    tracemalloc.start()
    out = conv2d(x, k, padding="same")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    whole = 512 * 512 * 7 * 7 * 3 * 4
    print(
        f"memory (512x512x3, 16 filters 7x7, same): peak {peak / 2**20:.0f} MB including the "
        f"{out.nbytes / 2**20:.0f} MB output; the whole im2col matrix would be "
        f"{whole / 2**20:.0f} MB (chunk limit {_conv_engine.IM2COL_BYTES / 2**20:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
