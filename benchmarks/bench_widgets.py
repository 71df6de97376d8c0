"""How long the explorers take from a slider change to new pictures (compute + what is sent).

Run with ``.venv/bin/python benchmarks/bench_widgets.py`` (add ``--quick`` for a smaller grid).
For every explorer on the 512x512 camera image it walks the "kernel size" slider through 1-11,
for each size the "stride" slider through 1-4, and for each stride the "padding" slider through
0-5 and the presets valid/same/full, one change at a time as a learner would, and times each
change: the callback recomputes with the cnnlab core and fills the panels (canvas pixels for the
maps, SVG/HTML for the small pictures), i.e. everything the kernel does before sending. The
step-through explorer is timed on its 6x6 grid: moving the window (position slider) and changing
its structure (kernel size, stride, padding); the pooling explorer also through the sliders of the
convolution that feeds it.

Targets (2-core machine): median <= 50 ms, 95th percentile <= 100 ms per change.
Prints markdown tables for the README; asserts nothing. Wall times include waiting for a core
when the machine is busy (the load average is printed); the CPU columns (``time.process_time``
of this process) are what each change costs by itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from cnnlab.images import load_image
from cnnlab.widgets import (
    activation_explorer,
    conv_explorer,
    dropout_explorer,
    fc_explorer,
    png,
    pool_explorer,
    step_explorer,
)
from cnnlab.widgets.pictures import Histogram, colorbar_html

PADDINGS = [0, 1, 2, 3, 4, 5, "valid", "same", "full"]


def _shown(panel):
    """What a panel holds: a canvas panel's picture number, a drawing's markup."""
    return panel.serial if hasattr(panel, "serial") else panel.value


def _sent(panel):
    """Bytes a panel sends to the browser: a canvas panel's pixels, a drawing's markup."""
    return len(panel.data) if hasattr(panel, "data") else len(panel.value)


def timed_change(explorer, name, value, times, sizes, errors):
    """Set one control and record the time until its panels hold the new pictures.

    Records (wall seconds, CPU seconds of this process): on a busy machine the wall time
    includes waiting for a core, the CPU time is what the change itself costs.
    """
    before = {k: _shown(p) for k, p in explorer.panels.items()}
    start, cpu = time.perf_counter(), time.process_time()
    explorer.set(**{name.replace(" ", "_"): value})
    elapsed = (time.perf_counter() - start, time.process_time() - cpu)
    if explorer.message:
        errors.append(elapsed)
        return
    changed = sum(_sent(p) for k, p in explorer.panels.items() if _shown(p) != before[k])
    times.append(elapsed)
    sizes.append(changed)


def walk_grid(explorer, kernel_sizes, strides, paddings, prefix=""):
    """Walk kernel size, then stride, then padding, one change at a time (``prefix``: "conv ")."""
    times, sizes, errors = [], [], []
    for k in kernel_sizes:
        timed_change(explorer, prefix + "kernel size", k, times, sizes, errors)
        for s in strides:
            timed_change(explorer, prefix + "stride", s, times, sizes, errors)
            for p in paddings:
                timed_change(explorer, prefix + "padding", p, times, sizes, errors)
    return times, sizes, errors


def summary(name, times, sizes, errors):
    wall = np.array([t[0] for t in times]) * 1000
    cpu = np.array([t[1] for t in times]) * 1000
    return {
        "explorer": name,
        "changes": len(times),
        "median": float(np.median(wall)),
        "p95": float(np.percentile(wall, 95)),
        "max": float(wall.max()),
        "cpu_median": float(np.median(cpu)),
        "cpu_p95": float(np.percentile(cpu, 95)),
        "kb": statistics.mean(sizes) / 1024 if sizes else 0.0,
        "errors": len(errors),
        "error_ms": float(np.median([e[0] for e in errors]) * 1000) if errors else float("nan"),
    }


def print_table(rows, title):
    print(f"\n### {title}\n")
    print(
        "| explorer | changes timed | median ms | 95th pct ms | max ms | CPU median ms "
        "| CPU 95th pct ms | KB sent per change | impossible settings (median ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        err = f"{r['errors']} ({r['error_ms']:.0f})" if r["errors"] else "0"
        print(
            f"| {r['explorer']} | {r['changes']} | {r['median']:.0f} | {r['p95']:.0f} | "
            f"{r['max']:.0f} | {r['cpu_median']:.0f} | {r['cpu_p95']:.0f} | {r['kb']:.0f} | "
            f"{err} |"
        )


def renderer_table():
    """Drawing choices for one 510x510 feature map and its colour bar and histogram."""
    fmap = load_image("camera")[1:-1, 1:-1] - 0.5
    hist = Histogram(480, 400)
    limits = iter(np.linspace(0.5, 1.5, 10_000))  # new labels every time: no cache hit
    mpl_bar, mpl_hist = _matplotlib_pictures(fmap)

    def colour_bar():
        hi = next(limits)
        return colorbar_html("RdBu_r", -hi, hi)

    rows = []
    for label, func in [
        ("canvas pixels at the panel's size, 320 px (used)", lambda: _canvas_pixels(fmap)),
        ("palette PNG, compress_level=1 (the static site)", lambda: png.array_to_png(fmap)),
        ("palette PNG, compress_level=0", lambda: png.array_to_png(fmap, compress_level=0)),
        ("RGB PNG via plotting.colorize, level 1", lambda: _rgb_png(fmap)),
        ("its colour bar: HTML, the browser draws it (used)", colour_bar),
        ("its colour bar: matplotlib, new labels, PNG", lambda: mpl_bar(next(limits))),
        ("its histogram: SVG, the browser draws it (used)", lambda: hist.svg(fmap)),
        ("its histogram: matplotlib, new bars, PNG", lambda: mpl_hist(fmap * next(limits))),
    ]:
        func()
        runs = []
        for _ in range(15):
            start = time.perf_counter()
            data = func()
            runs.append(time.perf_counter() - start)
        rows.append((label, 1000 * statistics.median(runs), len(data) / 1024))
    print("\n### Drawing one 510×510 feature map, its colour bar and its histogram\n")
    print("| renderer | median ms | KB |")
    print("|---|---:|---:|")
    for label, ms, kb in rows:
        print(f"| {label} | {ms:.1f} | {kb:.0f} |")


def _canvas_pixels(values):
    """What a MapView sends for a map: its palette indices at about the panel's size."""
    return np.asarray(png.draw_map(values, 320).image).tobytes()


def _matplotlib_pictures(fmap):
    """The colour bar and histogram as matplotlib figures built once, for comparison."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def png_of(fig):
        buffer = io.BytesIO()
        fig.canvas.print_png(buffer)
        return buffer.getvalue()

    bar_fig = Figure(figsize=(1.2, 6.4), dpi=80)
    FigureCanvasAgg(bar_fig)
    ax = bar_fig.add_axes((0.05, 0.02, 0.3, 0.96))
    image = ax.imshow(np.linspace(1, -1, 256)[:, None], aspect="auto", cmap="RdBu_r")
    ax.set_xticks([])
    ax.yaxis.tick_right()

    def bar(hi):
        image.set_extent((0, 1, -hi, hi))
        ax.set_yticks([-hi, 0, hi])
        return png_of(bar_fig)

    hist_fig = Figure(figsize=(6, 5), dpi=80)
    FigureCanvasAgg(hist_fig)
    hax = hist_fig.add_subplot()

    def histogram(values):
        hax.clear()
        hax.hist(values.ravel(), bins=40)
        return png_of(hist_fig)

    return bar, histogram


def _rgb_png(values):
    import io

    from PIL import Image

    from cnnlab.plotting import colorize

    buffer = io.BytesIO()
    Image.fromarray(colorize(values)).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="kernel sizes 1, 3, 5, 11 only")
    args = parser.parse_args(argv)
    kernel_sizes = [1, 3, 5, 11] if args.quick else list(range(1, 12))
    strides = [1, 2, 3, 4]

    print(
        f"# Explorer latency ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start)"
    )
    rows = []
    builders = [
        ("convolution (gaussian blur)", lambda: conv_explorer("camera", kernel="gaussian blur")),
        ("pooling (max)", lambda: pool_explorer("camera", kernel_size=1, stride=1)),
        (
            "activation (ReLU)",
            lambda: activation_explorer("camera", kernel="gaussian blur"),
        ),
        ("dropout (rate 0.5)", lambda: dropout_explorer("camera", kernel="gaussian blur")),
        ("fully connected (512×512 input)", lambda: fc_explorer("camera", input_size=512)),
    ]
    for name, build in builders:
        explorer = build()
        assert explorer.message == "", explorer.message
        times, sizes, errors = walk_grid(explorer, kernel_sizes, strides, PADDINGS)
        rows.append(summary(name, times, sizes, errors))
        print(f"  measured {name}", file=sys.stderr)

    pool = pool_explorer("camera", source="conv feature map", conv_kernel="gaussian blur")
    times, sizes, errors = walk_grid(pool, kernel_sizes, strides, PADDINGS, prefix="conv ")
    rows.append(summary("pooling: the convolution feeding it", times, sizes, errors))
    print("  measured the pooling explorer's convolution", file=sys.stderr)

    step = step_explorer()
    times, sizes, errors = [], [], []
    for padding in (0, 1):
        step.set(padding=padding, position=0)
        for position in range(1, step.controls["position"].max + 1):
            timed_change(step, "position", position, times, sizes, errors)
    rows.append(summary("step-through: move the window (6×6)", times, sizes, errors))
    step = step_explorer()
    step.set(kernel="box blur")
    times, sizes, errors = walk_grid(step, range(1, 8), strides, [0, 1, 2, 3, "same"])
    rows.append(summary("step-through: change kernel/stride/padding", times, sizes, errors))
    step = step_explorer()  # the Sobel kernel: the slider steps over the even sizes
    step.set(kernel="sobel vertical", padding="full")
    slider = step.controls["kernel size"]
    times, sizes, errors = walk_grid(
        step, range(slider.min, slider.max + 1, slider.step), strides, [0, 1, 2, 3, "same"]
    )
    rows.append(summary("step-through: Sobel, odd sizes only", times, sizes, errors))

    print_table(rows, "Slider change → new pixels (camera 512×512; times in ms)")
    renderer_table()
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
