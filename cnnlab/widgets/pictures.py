"""The explorers' small pictures, drawn with matplotlib and turned into PNG bytes.

Each picture is a matplotlib figure on an Agg canvas, built once and updated in place: the
parts that change on a slider move are *animated* artists (``set_text``, ``set_data``), redrawn
onto a saved background by :func:`cnnlab.widgets.png.figure_png` (blitting, a few
milliseconds). Number grids are :func:`cnnlab.plotting.show_grid` itself, cached by value with
:func:`functools.lru_cache` (they change only when the kernel does).

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

from .._validate import as_float_array, check_positive_int
from ..plotting import OKABE_ITO, show_grid
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
    """A vertical colour bar with three labelled ticks (top, middle, bottom).

    The ramp is drawn when the colormap or the height changes; new limits only redraw the
    three labels.

    Examples
    --------
    >>> from cnnlab.widgets.png import png_size
    >>> bar = ColorBar()
    >>> png_size(bar.png("RdBu_r", -1.0, 1.0, height=200))
    (96, 200)
    >>> bar.labels
    ['1', '0', '−1']
    """

    width = 96

    def __init__(self):
        self.fig = _figure(self.width, 512)
        self._ramp_ax = self.fig.add_axes((0.04, 0.0, 0.3, 1.0))
        self._ramp_ax.set_axis_off()
        self._ramp = self._ramp_ax.imshow(
            np.linspace(1.0, 0.0, 256)[:, None], aspect="auto", extent=(0, 1, 0, 1), vmin=0, vmax=1
        )
        self._texts = [
            self.fig.text(0.4, y, "", va=va, ha="left", fontsize=13, animated=True)
            for y, va in ((1.0, "top"), (0.5, "center"), (0.0, "bottom"))
        ]
        self._drawn = None  # (cmap, height) of the saved background
        self._background = None
        self._last = None  # ((cmap, lo, hi, height), png) of the last call
        self.labels = ["", "", ""]

    def png(self, cmap: str, lo: float, hi: float, *, height: int = 512) -> bytes:
        """PNG bytes of the bar for colormap ``cmap`` from ``lo`` (bottom) to ``hi`` (top)."""
        height = check_positive_int(height, "height")
        if self._last is not None and self._last[0] == (cmap, lo, hi, height):
            return self._last[1]  # nothing changed
        if self._drawn != (cmap, height):
            self.fig.set_size_inches(self.width / _DPI, height / _DPI)
            self._ramp.set_cmap(cmap)
            self.fig.canvas.draw()
            self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
            self._drawn = (cmap, height)
        self.labels = [tick_label(v) for v in (hi, (lo + hi) / 2, lo)]
        for text, label in zip(self._texts, self.labels, strict=True):
            text.set_text(label)
        # RGB: the ramp has 256 colours of its own, the labels' anti-aliasing would not fit
        png = figure_png(self.fig, artists=self._texts, background=self._background, quantize=False)
        self._last = ((cmap, lo, hi, height), png)
        return png


class Histogram:
    """A histogram of an array's values: bars, the value axis with labels, a title.

    Parameters
    ----------
    width, height : int
        Size in pixels.
    bins : int, default 40

    Examples
    --------
    >>> from cnnlab.widgets.png import png_size
    >>> hist = Histogram(480, 280)
    >>> png_size(hist.png(np.arange(10.0), title="values"))
    (480, 280)
    >>> int(hist.counts.sum()), hist.ticks
    (10, ['0', '9'])
    """

    def __init__(self, width=480, height=280, *, bins=40):
        self.size = (check_positive_int(width, "width"), check_positive_int(height, "height"))
        self.bins = check_positive_int(bins, "bins")
        self.fig = _figure(*self.size)
        ax = self.fig.add_axes((0.03, 0.17, 0.94, 0.68))
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.02)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_linewidth(2.0)
        self.ax = ax
        edges = np.linspace(0.0, 1.0, self.bins + 1)
        self._bars = ax.stairs(
            np.zeros(self.bins), edges, fill=True, color=OKABE_ITO[5], animated=True
        )
        self._tick_marks = ax.vlines([], -0.06, 0.0, colors="black", lw=2, animated=True)
        self._tick_marks.set_clip_on(False)
        self._tick_texts = [
            ax.text(0, -0.09, "", ha=ha, va="top", fontsize=14, animated=True)
            for ha in ("left", "center", "right")
        ]
        self._title = self.fig.text(0.03, 0.97, "", va="top", fontsize=15, animated=True)
        self._share = self.fig.text(
            0.97, 0.97, "", va="top", ha="right", fontsize=13, color="#5a5a5a", animated=True
        )
        self.fig.canvas.draw()
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self.counts = np.zeros(self.bins, int)
        self.ticks = []

    def png(self, values, *, value_range=None, title="") -> bytes:
        """PNG bytes of the histogram of ``values`` (NaN and infinities left out).

        ``value_range=(lo, hi)`` sets the value axis (default: the data's range), so two
        histograms can share it.
        """
        arr = as_float_array(values, "values").ravel()
        arr = arr[np.isfinite(arr)]
        lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 1.0)
        if value_range is not None:
            lo, hi = (float(v) for v in value_range)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        self.counts, _ = np.histogram(arr, bins=self.bins, range=(lo, hi))
        peak = max(int(self.counts.max()), 1)
        self._bars.set_data(self.counts / peak)
        values_at = [lo, hi] if not lo < 0 < hi else [lo, 0.0, hi]
        where = [(v - lo) / (hi - lo) for v in values_at]
        self._tick_marks.set_segments([[(x, -0.06), (x, 0.0)] for x in where])
        self.ticks = [tick_label(v) for v in values_at]
        texts = self._tick_texts if len(values_at) == 3 else self._tick_texts[::2]
        for text in self._tick_texts:
            text.set_text("")
        for text, x, label in zip(texts, where, self.ticks, strict=True):
            text.set_x(x)
            text.set_text(label)
        self._title.set_text(title)
        share = self.counts.max() / arr.size if arr.size else 0.0
        self._share.set_text(f"tallest bar: {share:.0%} of values")
        artists = [self._bars, self._tick_marks, *self._tick_texts, self._title, self._share]
        return figure_png(self.fig, artists=artists, background=self._background)


@lru_cache(maxsize=128)
def _grid_png(values, shape, signed, vmin, vmax, fmt, side) -> bytes:
    arr = np.array(values, dtype=float).reshape(shape)
    fig = _figure(side, side)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    show_grid(arr, ax, fmt=fmt, vmin=vmin, vmax=vmax, cmap="RdBu_r" if signed else None)
    return figure_png(fig)


def grid_png(values, *, fmt=None, side=300, signed=None, vmin=None, vmax=None) -> bytes:
    """A small array as :func:`cnnlab.plotting.show_grid` draws it, as PNG bytes.

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
        check_positive_int(side, "side"),
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
        (self.now,) = ax.plot([], [], "o", ms=12, color=OKABE_ITO[1], zorder=5)
        ax.legend(fontsize=14, loc="lower left")
        self.ax = ax

    def png(self, steps, losses, errors, frame) -> bytes:
        """PNG bytes of the curves of one training, the point of ``frame`` marked."""
        floor = 1e-12
        x = np.maximum(steps, 0)
        self.loss.set_data(x, np.maximum(losses, floor))
        if errors is None:
            self.error.set_data([], [])
        else:
            self.error.set_data(x, np.maximum(errors, floor))
        self.now.set_data([x[frame]], [max(float(losses[frame]), floor)])
        values = [np.maximum(losses, floor)] + ([] if errors is None else [errors])
        lo = max(min(float(np.min(v)) for v in values), floor)
        hi = max(float(np.max(v)) for v in values)
        self.ax.set_ylim(lo / 3, hi * 3)
        self.ax.set_xlim(0, max(float(x[-1]), 1.0) * 1.2)
        return figure_png(self.fig)
