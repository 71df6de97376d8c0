"""The figures in ``imgs/``, each made by one function from cnnlab's own computations.

Notebooks show these PNGs (and the GIF) where a figure must be visible without running code.
Every number drawn comes from :mod:`cnnlab` (``conv2d``, ``pad2d``, ``pool2d``,
``output_shape``, the activation functions, ...), and every input is fixed (seeded), so running

.. code-block:: console

    $ python tools/make_figures.py

regenerates the same files. :data:`FIGURES` maps each file name to the function drawing it;
``tests/test_figures.py`` checks that ``imgs/`` holds exactly these files.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch

from cnnlab import activations, kernels
from cnnlab.conv import conv2d
from cnnlab.images import load_image
from cnnlab.lessons.sliding_window import coverage_count, example_6x6
from cnnlab.padding import pad2d
from cnnlab.plotting import (
    HIGHLIGHT,
    HIGHLIGHT_2,
    OKABE_ITO,
    SlidingWindowFigure,
    animate_sliding_window,
    display_limits,
    highlight_cells,
    save_animation,
    save_fig,
    show_grid,
    show_image,
    style_context,
)
from cnnlab.pool import pool2d
from cnnlab.shapes import resolve_padding

#: The repository's ``imgs/`` folder, where the notebooks find these figures.
IMGS_DIR = Path(__file__).resolve().parents[1] / "imgs"

__all__ = [
    "FIGURES",
    "IMGS_DIR",
    "activations_figure",
    "channels_last_figure",
    "coverage_count_figure",
    "demo_input",
    "dilation_figure",
    "main",
    "make_figure",
    "padding_figure",
    "pooling_figure",
    "sliding_window_animation",
    "sliding_window_figure",
    "sobel_camera_figure",
    "stride_figure",
    "write_figures",
]

#: Seed of every random input drawn in the figures.
SEED = 0


def demo_input(shape=(6, 6), seed=SEED):
    """A small image of digits 0-9 (seeded), the input of the sliding-window figures.

    Parameters
    ----------
    shape : (int, int), default (6, 6)
    seed : int, default SEED

    Returns
    -------
    ndarray of int, shape ``shape``

    Examples
    --------
    >>> demo_input((2, 3))
    array([[8, 6, 5],
           [2, 3, 0]])
    """
    return np.random.default_rng(seed).integers(0, 10, size=shape)


def _styled(func):
    """Draw the figure with the lecture style (large fonts) without changing global rcParams."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style_context():
            return func(*args, **kwargs)

    return wrapper


def _grid_axes(fig, left_in, top_in, nrows, ncols, cell_in):
    """Axes for an ``nrows x ncols`` grid at a position given in inches from the top left."""
    fw, fh = fig.get_figwidth(), fig.get_figheight()
    return fig.add_axes(
        (
            left_in / fw,
            1 - (top_in + nrows * cell_in) / fh,
            ncols * cell_in / fw,
            nrows * cell_in / fh,
        )
    )


def _hw(shape):
    return f"{shape[0]}×{shape[1]}"


# --------------------------------------------------------------------------------------------
# Convolution, padding, stride
# --------------------------------------------------------------------------------------------
@_styled
def sliding_window_figure(step=5):
    """A 6x6 input, the 3x3 vertical Sobel kernel, one step of the sliding window.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> fig = sliding_window_figure()
    >>> len(fig.axes)
    4
    >>> plt.close(fig)
    """
    swf = SlidingWindowFigure(demo_input((6, 6)), kernels.sobel_vertical())
    swf.show_step(step)
    return swf.fig


@_styled
def sliding_window_animation():
    """The worked example of notebook 01 over all 16 window positions.

    The input and kernel are :func:`cnnlab.lessons.example_6x6`, the 6x6 image and the
    ``[[1, 0, -1]] * 3`` vertical-edge kernel that the notebook computes by hand right below
    the animation, so every number in it can be checked there (the first output is -5).

    Returns
    -------
    matplotlib.animation.FuncAnimation
    """
    x, kernel = example_6x6()
    return animate_sliding_window(x, kernel, interval=700, hold=3)


@_styled
def dilation_figure():
    """A 3x3 kernel with dilation 2 on a 7x7 input: the taps are two cells apart.

    Returns
    -------
    matplotlib Figure
    """
    swf = SlidingWindowFigure(demo_input((7, 7)), kernels.sobel_vertical(), dilation=2)
    swf.show_step(1)
    return swf.fig


@_styled
def padding_figure():
    """'valid', 'same' and 'full' padding of a 5x5 input for a 3x3 kernel of ones.

    Top row: the padded input (padding hatched) with the first window; bottom row: the output
    ``conv2d(x, ones, padding=...)`` with its first cell. Every cell is the same size.

    Returns
    -------
    matplotlib Figure
    """
    x = demo_input((5, 5))
    kernel = np.ones((3, 3))
    presets = ("valid", "same", "full")
    padded = [pad2d(x, p, kernel_size=kernel.shape) for p in presets]
    outputs = [conv2d(x, kernel, padding=p) for p in presets]
    cell, gap, left = 0.55, 1.2, 0.2
    widths = [p.shape[1] for p in padded]
    top_rows = max(p.shape[0] for p in padded)
    bottom_rows = max(o.shape[0] for o in outputs)
    title_in, mid_in = 1.55, 1.25
    fig = plt.figure(
        figsize=(
            2 * left + cell * sum(widths) + gap * cell * 2,
            title_in + cell * (top_rows + bottom_rows) + mid_in + 0.3,
        )
    )
    fig.suptitle(f"Padding a {_hw(x.shape)} input for a 3×3 kernel (of ones)", y=0.99, va="top")
    olim = display_limits(np.concatenate([o.ravel() for o in outputs]))
    x0 = left
    for preset, xp, out, w in zip(presets, padded, outputs, widths, strict=True):
        (pt, pb), (pl, pr) = resolve_padding(preset, x.shape, kernel.shape)
        mask = np.ones(xp.shape, dtype=bool)
        mask[pt : pt + x.shape[0], pl : pl + x.shape[1]] = False
        ax = _grid_axes(fig, x0, title_in, *xp.shape, cell)
        art = show_grid(
            xp, ax, padded_mask=mask, highlight=[(a, b) for a in range(3) for b in range(3)]
        )
        pad_txt = "no padding" if pt + pb + pl + pr == 0 else f"pad {pt} on each side"
        ax.set_title(f"'{preset}': {pad_txt}\npadded input {_hw(xp.shape)}", pad=10)
        oy = title_in + cell * top_rows + mid_in
        ox = x0 + cell * (w - out.shape[1]) / 2
        ax_out = _grid_axes(fig, ox, oy, *out.shape, cell)
        show_grid(out, ax_out, cmap="viridis", vmin=olim[0], vmax=olim[1], highlight=[(0, 0)])
        ax_out.set_title(f"output {_hw(out.shape)}", pad=10)
        art["image"].axes.annotate(
            "",
            xy=(0.5, 1.0),
            xycoords=ax_out.title,
            xytext=(0.5, -0.02),
            textcoords=ax.transAxes,
            arrowprops={"arrowstyle": "-|>", "lw": 2.5, "color": "#404040"},
        )
        x0 += cell * (w + gap)
    return fig


@_styled
def stride_figure():
    """A 3x3 kernel on a 7x7 input with stride 1 and stride 2: two consecutive windows each.

    The first window and output cell are outlined in orange, the next ones in dashed blue:
    neighbouring output cells come from windows ``stride`` cells apart.

    Returns
    -------
    matplotlib Figure
    """
    x = demo_input((7, 7))
    kernel = kernels.sobel_vertical()
    strides = (1, 2)
    outs = [conv2d(x, kernel, stride=s) for s in strides]
    cell, left, gap = 0.55, 2.3, 1.3
    row_h = x.shape[0] * cell + 1.25
    max_out = max(o.shape[1] for o in outs)
    fig = plt.figure(
        figsize=(left + cell * (x.shape[1] + max_out) + gap + 0.3, 0.8 + row_h * len(strides))
    )
    fig.suptitle("Stride: how far the window moves", y=0.99, va="top")
    for r, (s, out) in enumerate(zip(strides, outs, strict=True)):
        top = 1.0 + 0.25 + r * row_h
        ax = _grid_axes(fig, left, top, *x.shape, cell)
        show_grid(x, ax)
        for step, color, style, inset in ((0, HIGHLIGHT, "-", 0.04), (1, HIGHLIGHT_2, "--", 0.13)):
            i, j = divmod(step, out.shape[1])
            cells = [(i * s + a, j * s + b) for a in range(3) for b in range(3)]
            highlight_cells(ax, cells, color=color, linestyle=style, block=True, inset=inset)
        ax.set_title("input, windows 1 and 2", pad=8)
        ox = left + cell * x.shape[1] + gap
        oy = top + cell * (x.shape[0] - out.shape[0]) / 2
        ax_out = _grid_axes(fig, ox, oy, *out.shape, cell)
        show_grid(out, ax_out, cmap="RdBu_r")
        highlight_cells(ax_out, [(0, 0)], color=HIGHLIGHT, inset=0.04)
        highlight_cells(ax_out, [(0, 1)], color=HIGHLIGHT_2, linestyle="--", inset=0.04)
        ax_out.set_title(f"output {_hw(out.shape)}", pad=8)
        fig.text(
            0.15 / fig.get_figwidth(),
            1 - (top + cell * x.shape[0] / 2) / fig.get_figheight(),
            f"stride {s}\n{_hw(x.shape)} → {_hw(out.shape)}",
            ha="left",
            va="center",
            fontsize=19,
            fontweight="bold",
        )
    return fig


@_styled
def coverage_count_figure():
    """How many positions of a 3x3 window cover each pixel of a 6x6 input.

    With 'valid' padding the corners are covered once and the interior 9 times (k²); 'same'
    padding gives the border pixels more windows.

    Returns
    -------
    matplotlib Figure
    """
    shape, k = (6, 6), 3
    counts = {p: coverage_count(shape, k, padding=p) for p in ("valid", "same")}
    vmax = max(c.max() for c in counts.values())
    fig, axes = plt.subplots(1, 2, figsize=(11, 6.2))
    for ax, (preset, c) in zip(axes, counts.items(), strict=True):
        show_grid(c, ax, cmap="viridis", vmin=0, vmax=vmax)
        ax.set_title(
            f"'{preset}' padding\ncorner: {c[0, 0]}×, edge: {c[0, shape[1] // 2]}×, "
            f"interior: {c[shape[0] // 2, shape[1] // 2]}×",
            pad=10,
        )
    fig.suptitle(
        f"How many {k}×{k} windows cover each pixel of a {_hw(shape)} image", y=0.98, va="top"
    )
    fig.subplots_adjust(top=0.78, bottom=0.02, left=0.02, right=0.98, wspace=0.15)
    return fig


# --------------------------------------------------------------------------------------------
# Filters on a real image
# --------------------------------------------------------------------------------------------
@_styled
def sobel_camera_figure():
    """The camera image, its vertical and horizontal Sobel responses and gradient magnitude.

    Returns
    -------
    matplotlib Figure
    """
    img = load_image("camera")
    gv = conv2d(img, kernels.sobel_vertical())
    gh = conv2d(img, kernels.sobel_horizontal())
    magnitude = np.hypot(gv, gh)
    # a few very strong edges would wash out the rest: saturate the top 0.5 % of |response|
    limit = float(np.percentile(np.abs(np.concatenate([gv.ravel(), gh.ravel()])), 99.5))
    fig, axes = plt.subplots(1, 4, figsize=(21, 5.6))
    show_image(img, axes[0], title=f"camera {_hw(img.shape)}", colorbar=False)
    show_image(gv, axes[1], title="vertical Sobel", vmax=limit)
    show_image(gh, axes[2], title="horizontal Sobel", vmax=limit)
    show_image(magnitude, axes[3], title="magnitude $\\sqrt{v^2 + h^2}$", vmin=0, vmax=limit)
    fig.suptitle(
        "Sobel filters: signed responses (red +, blue −, white 0) and edge strength",
        y=0.99,
        va="top",
    )
    fig.subplots_adjust(left=0.01, right=0.97, top=0.84, bottom=0.02, wspace=0.18)
    return fig


# --------------------------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------------------------
#: Light tints of the Okabe-Ito colours, one per pooling window.
_WINDOW_TINTS = ("#F5CF80", "#AADAF4", "#80CFB9", "#E6BCD3")


@_styled
def pooling_figure():
    """2x2 max and average pooling with stride 2 on [[1, 2], [3, 4]] and on a 4x4 input.

    Each window of the input and the output cell it produces share a colour; the value max
    pooling keeps is bold.

    Returns
    -------
    matplotlib Figure
    """
    small = np.array([[1, 2], [3, 4]])
    big = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    cell, left, gap = 0.8, 0.3, 1.3
    in_w = big.shape[1]
    fig = plt.figure(figsize=(2 * left + cell * (in_w + 4) + 2 * gap, 8.0))
    fig.suptitle("2×2 pooling with stride 2", y=0.99, va="top")
    for values, top in ((small, 1.25), (big, 1.25 + 2 * cell + 1.0)):
        pooled = {m: pool2d(values, 2, mode=m) for m in ("max", "avg")}
        oh, ow = pooled["max"].shape
        tints = np.array(_WINDOW_TINTS)[: oh * ow].reshape(oh, ow)
        in_tints = np.repeat(np.repeat(tints, 2, axis=0), 2, axis=1)
        x0 = left + cell * (in_w - values.shape[1]) / 2
        ax = _grid_axes(fig, x0, top, *values.shape, cell)
        art = show_grid(values, ax, colors=in_tints, fontsize=21)
        ax.set_title(f"input {_hw(values.shape)}", pad=8)
        for i in range(oh):  # the value max pooling keeps, in bold
            for j in range(ow):
                window = values[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
                a, b = np.unravel_index(np.argmax(window), window.shape)
                art["texts"][2 * i + a][2 * j + b].set_fontweight("bold")
        x0 = left + cell * in_w + gap
        for mode, label in (("max", "max"), ("avg", "average")):
            out = pooled[mode]
            oy = top + cell * (values.shape[0] - out.shape[0]) / 2
            ax_o = _grid_axes(fig, x0 + cell * (2 - out.shape[1]) / 2, oy, *out.shape, cell)
            show_grid(out, ax_o, colors=tints, fontsize=21)
            ax_o.set_title(f"{label} {_hw(out.shape)}", pad=8)
            x0 += cell * 2 + gap
    return fig


# --------------------------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------------------------
@_styled
def activations_figure():
    """ReLU, softplus, sigmoid and tanh (solid) with their derivatives (dashed).

    Returns
    -------
    matplotlib Figure
    """
    x = np.linspace(-5.0, 5.0, 401)
    panels = (
        ("ReLU  $\\max(0, x)$", activations.relu, activations.relu_derivative),
        ("softplus  $\\ln(1 + e^x)$", activations.softplus, activations.softplus_derivative),
        ("sigmoid  $1 / (1 + e^{-x})$", activations.sigmoid, activations.sigmoid_derivative),
        ("tanh  $\\tanh(x)$", activations.tanh, activations.tanh_derivative),
    )
    fig, axes = plt.subplots(2, 2, figsize=(13, 9.5), sharex=True)
    for ax, (title, f, df) in zip(axes.flat, panels, strict=True):
        ax.axhline(0, color="#999999", lw=1.2, zorder=0)
        ax.axvline(0, color="#999999", lw=1.2, zorder=0)
        ax.plot(x, f(x), color=OKABE_ITO[5], label="function")
        ax.plot(x, df(x), color=OKABE_ITO[6], ls="--", label="derivative")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.set_xlim(x[0], x[-1])
    for ax in axes[1]:
        ax.set_xlabel("$x$")
    axes[0, 0].set_ylim(-0.5, 5.2)
    axes[0, 1].set_ylim(-0.5, 5.2)
    axes[1, 0].set_ylim(-0.1, 1.1)
    axes[1, 1].set_ylim(-1.15, 1.15)
    axes[0, 0].legend(loc="upper left")
    fig.suptitle("Activation functions and their derivatives", y=0.99, va="top")
    fig.subplots_adjust(top=0.88, hspace=0.3, wspace=0.18, left=0.07, right=0.98, bottom=0.08)
    return fig


# --------------------------------------------------------------------------------------------
# Layout of image batches
# --------------------------------------------------------------------------------------------
_AXIS_COLORS = {
    "batch": "#BBBBBB",
    "rows": OKABE_ITO[2],
    "cols": OKABE_ITO[3],
    "channels": OKABE_ITO[1],
}


def _axis_boxes(ax, y, names, sizes, caption):
    """One row of boxes, one per array axis, coloured by what the axis means."""
    width, height, step = 2.3, 1.0, 2.5
    ax.text(-0.3, y + height / 2, caption, ha="right", va="center", fontsize=18)
    for n, (name, size) in enumerate(zip(names, sizes, strict=True)):
        x = n * step
        box = FancyBboxPatch(
            (x, y),
            width,
            height,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=_AXIS_COLORS[name],
            edgecolor="#333333",
            linewidth=2,
        )
        ax.add_patch(box)
        ax.text(x + width / 2, y + height * 0.5, f"{name}\n{size}", ha="center", va="center")
        ax.text(
            x + width / 2, y + height + 0.12, f"axis {n}", ha="center", va="bottom", fontsize=14
        )


@_styled
def channels_last_figure():
    """channels_last ``(batch, rows, cols, channels)`` vs channels_first, as labelled boxes.

    The sizes are read from real array shapes: a batch of 8 RGB 256x256 images, moved to
    channels_first with ``np.moveaxis``, and the classic mistake of giving ``(3, 256, 256)`` to
    a channels_last layer.

    Returns
    -------
    matplotlib Figure
    """
    batch = np.zeros((8, 256, 256, 3), dtype=np.uint8)  # 1.5 MB
    first = np.moveaxis(batch, -1, 1)
    wrong = first[0].shape  # (3, 256, 256): one image in channels_first order
    fig, ax = plt.subplots(figsize=(15, 6.8))
    ax.set_xlim(-4.9, 11.3)
    ax.set_ylim(-0.4, 6.9)
    ax.axis("off")
    _axis_boxes(
        ax,
        5.2,
        ("batch", "rows", "cols", "channels"),
        batch.shape,
        "channels_last\n(Keras/TensorFlow default)",
    )
    _axis_boxes(
        ax,
        2.6,
        ("batch", "channels", "rows", "cols"),
        first.shape,
        "channels_first\n(PyTorch; Keras option)",
    )
    _axis_boxes(
        ax,
        0.0,
        ("rows", "cols", "channels"),
        wrong,
        f"input_shape={wrong}\nread as channels_last",
    )
    ax.text(
        7.6,
        0.5,
        f"{wrong[0]} rows × {wrong[1]} cols\n× {wrong[2]} channels:\nnot an RGB image!",
        ha="left",
        va="center",
        color=OKABE_ITO[6],
        fontsize=17,
        fontweight="bold",
    )
    fig.suptitle(
        f"The same batch of {batch.shape[0]} RGB images, shape {batch.shape} or {first.shape}",
        y=0.98,
        va="top",
    )
    fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.01)
    return fig


# --------------------------------------------------------------------------------------------
# Registry and command line
# --------------------------------------------------------------------------------------------
#: Resolution of the PNGs in ``imgs/`` (lower for photographs, which compress badly).
DPI = 150
_DPI = {"sobel-camera.png": 100}

#: File name in ``imgs/`` -> function making it (a Figure for .png, an Animation for .gif).
FIGURES = {
    "sliding-window.png": sliding_window_figure,
    "sliding-window.gif": sliding_window_animation,
    "dilation.png": dilation_figure,
    "padding-valid-same-full.png": padding_figure,
    "stride.png": stride_figure,
    "coverage-count.png": coverage_count_figure,
    "sobel-camera.png": sobel_camera_figure,
    "pooling.png": pooling_figure,
    "activations.png": activations_figure,
    "channels-last.png": channels_last_figure,
}


def make_figure(name):
    """Draw one figure of :data:`FIGURES` (without saving it).

    Parameters
    ----------
    name : str
        A key of :data:`FIGURES`, e.g. ``"stride.png"``.

    Returns
    -------
    matplotlib Figure, or FuncAnimation for a ``.gif``

    Examples
    --------
    >>> fig = make_figure("activations.png")
    >>> len(fig.axes)
    4
    >>> plt.close(fig)
    """
    if name not in FIGURES:
        raise ValueError(f"name must be one of {sorted(FIGURES)}; got {name!r}.")
    return FIGURES[name]()


def write_figures(names=None, directory=IMGS_DIR):
    """Draw and save figures into ``imgs/`` (or ``directory``); return the paths written.

    Parameters
    ----------
    names : list of str, optional
        Keys of :data:`FIGURES`; default all of them.
    directory : str or Path, optional
        Default :data:`IMGS_DIR`, the repository's ``imgs/``.

    Returns
    -------
    list of pathlib.Path
    """
    names = sorted(FIGURES) if names is None else list(names)
    for name in names:
        if name not in FIGURES:
            raise ValueError(f"names must be keys of FIGURES {sorted(FIGURES)}; got {name!r}.")
    paths = []
    for name in names:
        stem, suffix = name.rsplit(".", 1)
        made = make_figure(name)
        if suffix == "gif":
            paths.append(save_animation(made, stem, directory=directory, fps=1.5, dpi=80))
            plt.close(made._fig)
        else:
            paths.append(save_fig(made, stem, directory=directory, dpi=_DPI.get(name, DPI)))
            plt.close(made)
    return paths


def main(argv=None):
    """Command line: regenerate every figure in ``imgs/`` (``python tools/make_figures.py``)."""
    parser = argparse.ArgumentParser(description="Regenerate the figures in imgs/ from code.")
    parser.add_argument("names", nargs="*", help=f"figures to make (default all): {list(FIGURES)}")
    parser.add_argument("--out", type=Path, default=None, help="folder (default: imgs/)")
    args = parser.parse_args(argv)
    folder = IMGS_DIR if args.out is None else args.out
    for path in write_figures(args.names or None, folder):
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
    stale = sorted(
        p.name for p in folder.glob("*") if p.suffix in (".png", ".gif") and p.name not in FIGURES
    )
    if stale:
        print(f"not made by tools/figures.py (delete them or add a function): {stale}")
    return 0


if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    sys.exit(main())
