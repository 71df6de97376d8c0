"""The explorers' small pictures (colour bars, histograms, curves, number grids) as PNG bytes.

Each picture is a matplotlib figure on an Agg canvas, built once and updated in place: the
parts that change on a slider move are *animated* artists (``set_text``, ``set_data``), redrawn
onto a saved background by :func:`cnnlab.widgets.png.figure_png` (blitting, a few
milliseconds). Number grids are drawn cell by cell with Pillow in
:func:`cnnlab.plotting.show_grid`'s colours and number formats (the step-through explorer's
grids, :mod:`cnnlab.widgets.window_png`: a few milliseconds instead of ~0.2 s for an 11×11
kernel), cached by value with :func:`functools.lru_cache`.

* :class:`ColorBar`: the colour bar next to a feature map (colormap and limits of
  :func:`cnnlab.widgets.png.color_indices`);
* :class:`Histogram`: the values of an array on a shared value axis;
* :func:`grid_png`: a small array as numbered cells (a kernel);
* :class:`TrainingCurve`: loss and error against the gradient-descent step.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .._validate import as_float_array, check_int
from ..plotting import DIVERGING_CMAP, OKABE_ITO, cell_formatter
from .png import figure_png

__all__ = ["ColorBar", "Histogram", "TrainingCurve", "grid_png", "tick_label"]

_DPI = 80


def _figure(width_px, height_px) -> Figure:
    fig = Figure(figsize=(width_px / _DPI, height_px / _DPI), dpi=_DPI)
    FigureCanvasAgg(fig)
    return fig


def tick_label(value: float) -> str:
    """A number as an axis label: three significant digits, a real minus sign, no "-0".

    Examples
    --------
    >>> tick_label(-0.123456), tick_label(-0.0), tick_label(1500.0)
    ('−0.123', '0', '1.5e+03')
    """
    text = f"{value:.3g}"
    return "0" if text in ("-0", "0") else text.replace("-", "−")


class ColorBar:
    """A vertical colour bar with three labelled ticks (top, middle, bottom), 96 x 512 pixels.

    The ramp is drawn when the colormap changes; new limits only redraw the three labels.
    Show it next to its map with the same displayed height (the explorers scale its width).

    Examples
    --------
    >>> from cnnlab.widgets.png import png_size
    >>> bar = ColorBar()
    >>> png_size(bar.png("RdBu_r", -1.0, 1.0))
    (96, 512)
    >>> bar.labels
    ['1', '0', '−1']
    """

    width, height = 96, 512

    def __init__(self):
        self.fig = _figure(self.width, self.height)
        ramp_ax = self.fig.add_axes((0.04, 0.0, 0.3, 1.0))
        ramp_ax.set_axis_off()
        self._ramp = ramp_ax.imshow(
            np.linspace(1.0, 0.0, 256)[:, None], aspect="auto", extent=(0, 1, 0, 1), vmin=0, vmax=1
        )
        self._texts = [
            self.fig.text(0.4, y, "", va=va, ha="left", fontsize=13, animated=True)
            for y, va in ((0.995, "top"), (0.5, "center"), (0.005, "bottom"))
        ]
        self._cmap = None  # the colormap of the saved background
        self._background = None
        self._last = None  # ((cmap, lo, hi), png) of the last call
        self.labels = ["", "", ""]

    def png(self, cmap: str, lo: float, hi: float) -> bytes:
        """PNG bytes of the bar for colormap ``cmap`` from ``lo`` (bottom) to ``hi`` (top)."""
        if self._last is not None and self._last[0] == (cmap, lo, hi):
            return self._last[1]  # nothing changed
        if self._cmap != cmap:
            self._ramp.set_cmap(cmap)
            self.fig.canvas.draw()
            self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
            self._cmap = cmap
        self.labels = [tick_label(v) for v in (hi, (lo + hi) / 2, lo)]
        for text, label in zip(self._texts, self.labels, strict=True):
            text.set_text(label)
        # RGB: the ramp has 256 colours of its own, the labels' anti-aliasing would not fit
        png = figure_png(self.fig, artists=self._texts, background=self._background, quantize=False)
        self._last = ((cmap, lo, hi), png)
        return png


class Histogram:
    """Histograms of arrays, one row each, on one value axis: bars, labels, titles.

    Parameters
    ----------
    width, height : int
        Size in pixels.
    bins : int, default 40
    rows : int, default 1
        Histograms stacked above each other; the value axis is labelled under the last.

    Examples
    --------
    >>> from cnnlab.widgets.png import png_size
    >>> hist = Histogram(480, 280)
    >>> png_size(hist.png(np.arange(10.0), title="values"))
    (480, 280)
    >>> int(hist.counts.sum()), hist.ticks
    (10, ['0', '9'])
    """

    def __init__(self, width=480, height=280, *, bins=40, rows=1):
        self.size = (check_int(width, "width"), check_int(height, "height"))
        self.bins = check_int(bins, "bins")
        self.rows = check_int(rows, "rows")
        self.fig = _figure(*self.size)
        bottom_margin = 34 / self.size[1]  # pixels for the labels under the last row
        band = (1.0 - bottom_margin) / self.rows
        edges = np.linspace(0.0, 1.0, self.bins + 1)
        self._bars, self._titles, self._shares, self.axes = [], [], [], []
        for row in range(self.rows):
            y0 = 1.0 - (row + 1) * band
            ax = self.fig.add_axes((0.03, y0 + 0.04 * band, 0.94, 0.72 * band))
            ax.set_xlim(0.0, 1.0)
            ax.set_ylim(0.0, 1.02)
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ("left", "right", "top"):
                ax.spines[side].set_visible(False)
            ax.spines["bottom"].set_linewidth(2.0)
            bars = ax.stairs(
                np.zeros(self.bins), edges, fill=True, color=OKABE_ITO[5], animated=True
            )
            top = y0 + 0.97 * band
            title = self.fig.text(0.03, top, "", va="top", fontsize=14)  # in the background
            share = self.fig.text(
                0.97, top, "", va="top", ha="right", fontsize=13, color="#5a5a5a", animated=True
            )
            self._bars.append(bars)
            self._titles.append(title)
            self._shares.append(share)
            self.axes.append(ax)
        last = self.axes[-1]
        self._tick_marks = last.vlines([], -0.08, 0.0, colors="black", lw=2, animated=True)
        self._tick_marks.set_clip_on(False)
        self._tick_texts = [
            last.text(0, -0.1, "", ha=ha, va="top", fontsize=14, animated=True)
            for ha in ("left", "center", "right")
        ]
        self._background = None
        self._drawn_titles = None  # the titles drawn into the background
        self.counts = [np.zeros(self.bins, int)] * self.rows
        self.ticks = []

    def png(self, values, *, value_range=None, title="") -> bytes:
        """PNG bytes of the histogram of ``values`` (NaN and infinities left out).

        With ``rows > 1``: ``values`` and ``title`` are sequences, one per row.
        ``value_range=(lo, hi)`` sets the value axis (default: the range of all values).
        """
        arrays = [values] if self.rows == 1 else list(values)
        titles = [title] if self.rows == 1 else list(title or [""] * self.rows)
        if len(arrays) != self.rows or len(titles) != self.rows:
            raise ValueError(
                f"values and title need one entry per row ({self.rows}); got {len(arrays)} and "
                f"{len(titles)}."
            )
        arrays = [_finite(a) for a in arrays]
        if value_range is not None:
            lo, hi = (float(v) for v in value_range)
        else:
            sizes = [a for a in arrays if a.size]
            lo = min((float(a.min()) for a in sizes), default=0.0)
            hi = max((float(a.max()) for a in sizes), default=1.0)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        if titles != self._drawn_titles:  # titles rarely change: part of the background
            for text, name in zip(self._titles, titles, strict=True):
                text.set_text(name)
            self.fig.canvas.draw()
            self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
            self._drawn_titles = titles
        self.counts = []
        for arr, bars, share in zip(arrays, self._bars, self._shares, strict=True):
            counts, _ = np.histogram(arr, bins=self.bins, range=(lo, hi))
            bars.set_data(counts / max(int(counts.max()), 1))
            tallest = counts.max() / arr.size if arr.size else 0.0
            share.set_text(f"tallest bar: {tallest:.0%} of values")
            self.counts.append(counts)
        if self.rows == 1:
            self.counts = self.counts[0]
        values_at = [lo, hi] if not lo < 0 < hi else [lo, 0.0, hi]
        where = [(v - lo) / (hi - lo) for v in values_at]
        self._tick_marks.set_segments([[(x, -0.08), (x, 0.0)] for x in where])
        self.ticks = [tick_label(v) for v in values_at]
        texts = self._tick_texts if len(values_at) == 3 else self._tick_texts[::2]
        for text in self._tick_texts:
            text.set_text("")
        for text, x, label in zip(texts, where, self.ticks, strict=True):
            text.set_x(x)
            text.set_text(label)
        artists = [*self._bars, *self._shares, self._tick_marks, *texts]
        return figure_png(self.fig, artists=artists, background=self._background)


def _finite(values) -> np.ndarray:
    arr = as_float_array(values, "values").ravel()
    finite = np.isfinite(arr)
    return arr if finite.all() else arr[finite]


@lru_cache(maxsize=128)
def _grid_png(values, shape, signed, vmin, vmax, fmt, side) -> bytes:
    # Drawn cell by cell with Pillow (:mod:`.window_png`, the step-through explorer's grids):
    # matplotlib needs ~0.2 s for the 121 numbers of an 11×11 kernel, this a few ms.
    from .window_png import encode_flat, fit_font_size, grid_image, grid_limits

    arr = np.array(values, dtype=float).reshape(shape)
    mask = np.zeros(shape, bool)
    cmap = DIVERGING_CMAP if signed else None  # as show_grid(cmap=...) was called before
    cmap, lo, hi, _ = grid_limits(arr, mask, True if signed else None, cmap, vmin, vmax)
    fmt_fn = cell_formatter(fmt, arr[np.isfinite(arr)])
    inner = max(1, round(0.96 * side))  # a margin of 2% on each side, as before
    cell = max(1, inner // max(shape))
    strings = [fmt_fn(float(v)) for v in arr[np.isfinite(arr)]]
    size = fit_font_size(strings, cell, maximum=0.36 * cell)
    grid = grid_image(arr, mask, cell=cell, cmap=cmap, lo=lo, hi=hi, fmt_fn=fmt_fn, size=size)
    img = Image.new("RGB", (side, side), (255, 255, 255))
    img.paste(grid, ((side - grid.width) // 2, (side - grid.height) // 2))
    return encode_flat(img)


def grid_png(values, *, fmt=None, side=300, signed=None, vmin=None, vmax=None) -> bytes:
    """A small array as numbered cells in :func:`cnnlab.plotting.show_grid`'s colours, as PNG bytes.

    A pure function of its arguments, cached (:func:`functools.lru_cache`): an explorer can
    call it on every change and pays for drawing only when the numbers change.

    Parameters
    ----------
    values : ndarray, shape (H, W)
        NaN cells are drawn blank (e.g. the holes of a dilated kernel).
    fmt : str, optional
        Format of the numbers (``".2f"``); default :func:`cnnlab.plotting.cell_formatter`'s.
    side : int, default 300
        Pixels of the (square) picture.
    signed : bool, optional
        True: the diverging colormap; default chosen from the values.
    vmin, vmax : float, optional
        Colour limits; default :func:`cnnlab.plotting.show_grid`'s.

    Examples
    --------
    >>> from cnnlab.widgets.png import png_size
    >>> png_size(grid_png(np.arange(9.0).reshape(3, 3), side=120))
    (120, 120)
    """
    arr = as_float_array(values, "values", ndims=(2,))
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '.2f'; got {type(fmt).__name__}.")
    return _grid_png(
        tuple(arr.ravel().tolist()),
        arr.shape,
        None if signed is None else bool(signed),
        None if vmin is None else float(vmin),
        None if vmax is None else float(vmax),
        fmt,
        check_int(side, "side"),
    )


class TrainingCurve:
    """Loss and error against the gradient-descent step (log scales), with the frame marked.

    Examples
    --------
    >>> from cnnlab.widgets.png import png_size
    >>> curve = TrainingCurve()
    >>> png_size(curve.png(np.arange(4), np.array([1.0, 0.5, 0.1, 0.01]), None, 2))
    (512, 368)
    """

    def __init__(self):
        self.fig = _figure(512, 368)
        ax = self.fig.subplots()
        self.fig.subplots_adjust(left=0.16, right=0.97, bottom=0.15, top=0.97)
        ax.set_yscale("log")
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlabel("gradient-descent step", fontsize=16)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=14)
        (self.loss,) = ax.plot([], [], "-", lw=3, color=OKABE_ITO[5], label="loss (MSE)")
        (self.error,) = ax.plot(
            [], [], "--", lw=3, color=OKABE_ITO[6], label="max |learned − ideal|"
        )
        # the marker of the frame is animated: moving it redraws only it (blitting)
        (self.now,) = ax.plot([], [], "o", ms=12, color=OKABE_ITO[1], zorder=5, animated=True)
        ax.legend(fontsize=14, loc="lower left")
        self.ax = ax
        self._curves = None  # (steps, losses, errors) of the saved background
        self._background = None

    def png(self, steps, losses, errors, frame) -> bytes:
        """PNG bytes of the curves of one training, the point of ``frame`` marked.

        The same curves as the last call (another frame of the same training) only move the
        marker onto the saved background; new curves redraw the whole figure.
        """
        floor = 1e-12
        x = np.maximum(steps, 0)
        curves = tuple(None if v is None else np.array(v, float) for v in (steps, losses, errors))
        same = self._curves is not None and all(
            (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))
            for a, b in zip(curves, self._curves, strict=True)
        )
        if not same:
            self.loss.set_data(x, np.maximum(losses, floor))
            if errors is None:
                self.error.set_data([], [])
            else:
                self.error.set_data(x, np.maximum(errors, floor))
            values = [np.maximum(losses, floor)] + ([] if errors is None else [errors])
            lo = max(min(float(np.min(v)) for v in values), floor)
            hi = max(float(np.max(v)) for v in values)
            self.ax.set_ylim(lo / 3, hi * 3)
            self.ax.set_xlim(0, max(float(x[-1]), 1.0) * 1.2)
            self.fig.canvas.draw()  # everything but the animated marker
            self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
            self._curves = curves
        self.now.set_data([x[frame]], [max(float(losses[frame]), floor)])
        return figure_png(self.fig, artists=[self.now], background=self._background)
