"""The explorers' small pictures (colour bars, histograms, curves, number grids) as SVG markup.

The browser draws them. Python only writes a few kilobytes of text, which takes well under a
millisecond. Drawing the same pictures with matplotlib and encoding them as PNG took 5–75 ms
per slider step (the labels alone cost about 2 ms each), and the browser then had to decode
each PNG. Text in SVG stays sharp at any size on a projector, and a static page
(:mod:`cnnlab.widgets.export`) shows exactly the same markup. An explorer shows a drawing in
an ``ipywidgets.HTML`` panel (``drawings=`` of :class:`cnnlab.widgets.base.Explorer`).

* :func:`colorbar_html`: the colour bar next to a feature map (colormap and limits of
  :func:`cnnlab.widgets.png.color_indices`), HTML so that its labels keep their size;
* :class:`Histogram`: the values of arrays on one shared value axis;
* :func:`grid_svg`: a small array as numbered cells in :func:`cnnlab.plotting.show_grid`'s
  colours and number formats (a kernel); :func:`grid_cells` draws one grid into a larger
  drawing (the sliding-window picture, :mod:`cnnlab.widgets.window_svg`);
* :class:`TrainingCurve`: loss and error against the gradient-descent step;
* :func:`blank_svg`: a grey panel with a sentence, for what cannot be drawn.

Every drawing is one ``<svg>`` element whose ``viewBox`` is its size in pixels; it is shown
at the width of its panel (``width="100%"``), so its proportions never change.

>>> svg = grid_svg(np.eye(2), side=100)
>>> svg.startswith("<svg") and svg.count("<text") == 4
True
"""

from __future__ import annotations

import base64
import html
import io
from functools import lru_cache

import numpy as np
from PIL import Image

from .._validate import as_float_array, check_int
from ..plotting import DIVERGING_CMAP, HIGHLIGHT, OKABE_ITO, cell_formatter
from .png import color_indices, palette

__all__ = [
    "FONT",
    "COLORBAR_WIDTH",
    "Histogram",
    "TrainingCurve",
    "blank_svg",
    "colorbar_html",
    "fit_font_size",
    "grid_cells",
    "grid_limits",
    "grid_svg",
    "svg",
    "text",
    "tick_label",
]

#: The font of every drawing (DejaVu Sans ships with matplotlib, so the figures match).
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
_GRID_LINE = "#404040"
_TEXT_GREY = "#5a5a5a"
_MISSING = "#f4f4f4"
_PAD_FACE = "#ececec"
_PAD_HATCH = "#9a9a9a"
# Width of one character of DejaVu Sans in ems: digits and the minus sign are 0.636 em, the
# point 0.318 em; 0.62 em per character is the bound used to fit numbers into cells.
_EM_PER_CHAR = 0.62


def tick_label(value: float) -> str:
    """A number as an axis label: three significant digits, a real minus sign, no "-0".

    Examples
    --------
    >>> tick_label(-0.123456), tick_label(-0.0), tick_label(1500.0)
    ('−0.123', '0', '1.5e+03')
    """
    label = f"{value:.3g}"
    return "0" if label in ("-0", "0") else label.replace("-", "−")


def svg(width, height, body, *, label="") -> str:
    """An ``<svg>`` drawing of ``width`` x ``height`` pixels, shown as wide as its panel.

    Parameters
    ----------
    width, height : float
        The drawing's coordinate system (its ``viewBox``), in pixels.
    body : str
        The elements inside.
    label : str
        What the drawing shows, for screen readers (``aria-label``).

    Examples
    --------
    >>> svg(10, 5, "")
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5" width="100%" role="img" aria-label="" font-family="DejaVu Sans, Verdana, Arial, sans-serif" style="display:block"></svg>'
    """
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="100%" role="img" aria-label="{html.escape(label)}" font-family="{FONT}" '
        f'style="display:block">{body}</svg>'
    )


def _n(value) -> str:
    """A coordinate, short: at most two decimals, no trailing zeros."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def text(
    x,
    y,
    content,
    size,
    *,
    anchor="middle",
    baseline="central",
    fill="#000",
    weight="",
    italic=False,
):
    """One ``<text>`` element, ``content`` escaped."""
    extra = (' font-weight="bold"' if weight == "bold" else "") + (
        ' font-style="italic"' if italic else ""
    )
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
        f'dominant-baseline="{baseline}" fill="{fill}"{extra}>'
        f"{html.escape(str(content))}</text>"
    )


def blank_svg(width=320, height=320, message="") -> str:
    """A light grey panel with ``message`` in its middle (a picture that cannot be drawn).

    Examples
    --------
    >>> "no output" in blank_svg(100, 100, "no output")
    True
    """
    body = f'<rect width="{_n(width)}" height="{_n(height)}" fill="{_MISSING}"/>'
    if message:
        body += text(width / 2, height / 2, message, max(12, min(22, width / 18)), fill="#5a5a5a")
    return svg(width, height, body, label=message)


# ---- colour bar ---------------------------------------------------------------------------
@lru_cache(maxsize=16)
def _ramp_uri(cmap: str) -> str:
    """The colormap's 256 colours as a 1 x 256 PNG (top: the largest value), as a data URI."""
    img = Image.frombytes("P", (1, 256), bytes(range(255, -1, -1)))
    img.putpalette(palette(cmap))
    buffer = io.BytesIO()
    img.save(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


#: Width of a colour bar beside its map (the map takes the rest of its panel's width).
COLORBAR_WIDTH = "80px"
_BAR_STYLE = (
    "position:absolute;left:0;top:0;width:18px;height:100%;box-sizing:border-box;"
    "border:1px solid #555;background-size:100% 100%;background-image:url({ramp})"
)
_LABEL = "position:absolute;left:23px;line-height:1;white-space:nowrap;"


@lru_cache(maxsize=256)
def colorbar_html(cmap: str, lo: float, hi: float) -> str:
    """A vertical colour bar for colormap ``cmap`` from ``lo`` (bottom) to ``hi`` (top), as HTML.

    The ramp holds the colormap's 256 colours exactly (the maps' palette, :func:`palette`) and
    stretches to the height of the box it is in (the map's, beside it); three ticks are
    labelled: the top, the middle and the bottom value, in text of 17 px whatever the map's
    size, so they stay readable on a projector.

    Parameters
    ----------
    cmap : str
        A matplotlib colormap name.
    lo, hi : float
        The values at the bottom and the top.

    Returns
    -------
    str
        HTML for an ``ipywidgets.HTML`` of width :data:`COLORBAR_WIDTH`.

    Examples
    --------
    >>> bar = colorbar_html("RdBu_r", -1.0, 1.0)
    >>> [part.split("</span>")[0].rsplit(">", 1)[1] for part in bar.split("<span")[1:]]
    ['1', '0', '−1']
    """
    labels = [
        ("top:0", tick_label(hi)),
        ("top:50%;transform:translateY(-50%)", tick_label((lo + hi) / 2)),
        ("bottom:0", tick_label(lo)),
    ]
    spans = "".join(f'<span style="{_LABEL}{where}">{html.escape(t)}</span>' for where, t in labels)
    return (
        '<div class="cnnlab-colorbar" role="img" aria-label="colour bar from '
        f'{html.escape(tick_label(lo))} to {html.escape(tick_label(hi))}" style="position:relative;'
        f'height:100%;min-height:120px;font-size:17px"><div style="{_BAR_STYLE.format(ramp=_ramp_uri(cmap))}">'
        f"</div>{spans}</div>"
    )


# ---- histogram ----------------------------------------------------------------------------
def _finite(values) -> np.ndarray:
    arr = as_float_array(values, "values").ravel()
    finite = np.isfinite(arr)
    return arr if finite.all() else arr[finite]


class Histogram:
    """Histograms of arrays, one row each, on one value axis: bars, labels, titles.

    Parameters
    ----------
    width, height : int
        Size of the drawing in pixels.
    bins : int, default 40
    rows : int, default 1
        Histograms stacked above each other; the value axis is labelled under the last.

    Attributes
    ----------
    counts : ndarray or list of ndarray
        The counts of the last call (a list with ``rows > 1``).
    ticks : list of str
        The labels of the value axis of the last call.

    Examples
    --------
    >>> hist = Histogram(480, 280)
    >>> hist.svg(np.arange(10.0), title="values").count("<rect")
    40
    >>> int(hist.counts.sum()), hist.ticks
    (10, ['0', '9'])
    """

    def __init__(self, width=320, height=300, *, bins=40, rows=1):
        self.size = (check_int(width, "width"), check_int(height, "height"))
        self.bins = check_int(bins, "bins")
        self.rows = check_int(rows, "rows")
        self.counts = [np.zeros(self.bins, int)] * self.rows
        self.ticks = []

    def svg(self, values, *, value_range=None, title="") -> str:
        """SVG of the histogram of ``values`` (NaN and infinities left out).

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
        width, height = self.size
        left, right, axis_gap, label = 0.03 * width, 0.97 * width, 10, 19
        band = (height - axis_gap - label - 4) / self.rows
        plot_w = right - left
        parts, self.counts = [], []
        for row, (arr, name) in enumerate(zip(arrays, titles, strict=True)):
            top = row * band
            base = top + band - 4  # the bottom line of this row's bars
            bar_top = top + 44  # below the title and the share
            counts, _ = np.histogram(arr, bins=self.bins, range=(lo, hi))
            self.counts.append(counts)
            heights = counts / max(int(counts.max()), 1) * (base - bar_top)
            step = plot_w / self.bins
            for i, bar in enumerate(heights):
                parts.append(
                    f'<rect x="{_n(left + i * step)}" y="{_n(base - bar)}" width="{_n(step + 0.3)}"'
                    f' height="{_n(bar)}" fill="{OKABE_ITO[5]}"/>'
                )
            parts.append(
                f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(base)}" y2="{_n(base)}" '
                'stroke="#000" stroke-width="2"/>'
            )
            parts.append(text(left, top + 10, name, 18, anchor="start"))
            tallest = counts.max() / arr.size if arr.size else 0.0
            share = f"tallest bar: {tallest:.0%} of values"
            parts.append(text(right, top + 30, share, 17, anchor="end", fill=_TEXT_GREY))
        if self.rows == 1:
            self.counts = self.counts[0]
        values_at = [lo, hi] if not lo < 0 < hi else [lo, 0.0, hi]
        self.ticks = [tick_label(v) for v in values_at]
        axis = self.rows * band - 4
        anchors = ["start", "end"] if len(values_at) == 2 else ["start", "middle", "end"]
        for value, label_text, anchor in zip(values_at, self.ticks, anchors, strict=True):
            x = left + (value - lo) / (hi - lo) * plot_w
            parts.append(
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(axis)}" y2="{_n(axis + axis_gap - 4)}" '
                'stroke="#000" stroke-width="2"/>'
            )
            parts.append(
                text(x, axis + axis_gap, label_text, 18, anchor=anchor, baseline="hanging")
            )
        return svg(width, height, "".join(parts), label="histogram of " + ", ".join(titles))


# ---- numbered grids -----------------------------------------------------------------------
def grid_limits(arr, mask, signed, cmap, vmin, vmax):
    """Colormap and limits of a grid, by :func:`cnnlab.plotting.show_grid`'s rules."""
    from ..plotting import cmap_for, display_limits, signed_limits

    real = arr[~mask] if (~mask).any() else arr.ravel()
    if cmap is None:
        cmap = cmap_for(real, signed)
    lo, hi = display_limits(real, signed) if real.size else (0.0, 1.0)
    if cmap == DIVERGING_CMAP and vmin is None and vmax is None:
        lo, hi = signed_limits(real)
    return cmap, (lo if vmin is None else vmin), (hi if vmax is None else vmax), real


def fit_font_size(strings, cell: float, maximum: float) -> float:
    """Largest font size (pixels) at which every string fits in a cell of ``cell`` pixels.

    Examples
    --------
    >>> fit_font_size(["1", "-0.25"], 50, maximum=20)
    14.5
    """
    longest = max((len(s) for s in strings if s), default=1)
    return round(max(6.0, min(maximum, 0.48 * cell, 0.9 * cell / (_EM_PER_CHAR * longest))), 1)


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb))


def grid_cells(arr, mask=None, *, x=0.0, y=0.0, cell, cmap, lo, hi, fmt_fn, size, highlight=()):
    """The elements of one grid of numbered cells, top-left corner at ``(x, y)``.

    Cells are coloured as :func:`cnnlab.plotting.show_grid` colours them (``cmap`` from
    ``lo`` to ``hi``); NaN cells are blank, ``mask`` cells (padding) hatched and their numbers
    grey and italic, ``highlight`` cells ``(row, col)`` framed in orange.

    Returns
    -------
    str
        SVG elements (no ``<svg>`` around them).
    """
    arr = np.asarray(arr, float)
    h, w = arr.shape
    mask = np.zeros(arr.shape, bool) if mask is None else np.asarray(mask, bool)
    idx, _, _ = color_indices(arr, cmap=cmap, vmin=lo, vmax=hi)
    lut = np.frombuffer(palette(cmap), np.uint8).reshape(256, 3)
    finite = np.isfinite(arr)
    parts, numbers = [], []
    for r in range(h):
        for c in range(w):
            x0, y0 = x + c * cell, y + r * cell
            if mask[r, c]:
                fill = _PAD_FACE
            elif finite[r, c]:
                fill = _hex(lut[idx[r, c]])
            else:
                fill = _MISSING
            parts.append(
                f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(cell)}" height="{_n(cell)}" fill="{fill}"/>'
            )
            if mask[r, c]:  # "//" hatching, as show_grid draws the padding
                spacing = max(6.0, cell / 5)
                for off in np.arange(spacing / 2, 2 * cell, spacing):
                    a, b = min(off, cell), max(0.0, off - cell)  # from the left/bottom edges
                    parts.append(
                        f'<line x1="{_n(x0 + b)}" y1="{_n(y0 + a)}" x2="{_n(x0 + a)}" '
                        f'y2="{_n(y0 + b)}" stroke="{_PAD_HATCH}" stroke-width="1"/>'
                    )
            if finite[r, c] and size >= 9:
                label = fmt_fn(float(arr[r, c]))
                if not label:
                    continue
                if mask[r, c]:
                    colour = _TEXT_GREY
                else:
                    cr, cg, cb = (int(v) for v in lut[idx[r, c]])
                    lum = (0.2126 * cr + 0.7152 * cg + 0.0722 * cb) / 255
                    colour = "#000" if lum > 0.45 else "#fff"
                label = label.replace("-", "−")  # a real minus sign
                numbers.append(
                    text(
                        x0 + cell / 2,
                        y0 + cell / 2,
                        label,
                        size,
                        fill=colour,
                        italic=bool(mask[r, c]),
                    )
                )
    if numbers:  # above the cells; marked, since their size follows the cells'
        parts.append('<g data-cells="numbers">' + "".join(numbers) + "</g>")
    line = max(2.0, cell / 22) if max(h, w) <= 12 else 1.0
    path = "".join(f"M{_n(x)} {_n(y + i * cell)}h{_n(w * cell)}" for i in range(h + 1))
    path += "".join(f"M{_n(x + j * cell)} {_n(y)}v{_n(h * cell)}" for j in range(w + 1))
    parts.append(f'<path d="{path}" stroke="{_GRID_LINE}" stroke-width="{_n(line)}" fill="none"/>')
    border = max(3.0, cell / 9)
    for r, c in highlight:  # a thin white line inside keeps neighbouring cells apart
        x0, y0 = x + int(c) * cell, y + int(r) * cell
        parts.append(
            f'<rect x="{_n(x0 + border / 2)}" y="{_n(y0 + border / 2)}" width="{_n(cell - border)}" '
            f'height="{_n(cell - border)}" fill="none" stroke="{HIGHLIGHT}" stroke-width="{_n(border)}"/>'
        )
        halo = max(1.0, border / 3)
        parts.append(
            f'<rect x="{_n(x0 + border + halo / 2)}" y="{_n(y0 + border + halo / 2)}" '
            f'width="{_n(cell - 2 * border - halo)}" height="{_n(cell - 2 * border - halo)}" '
            f'fill="none" stroke="#fff" stroke-width="{_n(halo)}"/>'
        )
    return "".join(parts)


@lru_cache(maxsize=128)
def _grid_svg(values, shape, signed, vmin, vmax, fmt, side) -> str:
    arr = np.array(values, dtype=float).reshape(shape)
    mask = np.zeros(shape, bool)
    cmap = DIVERGING_CMAP if signed else None  # as show_grid(cmap=...) is called
    cmap, lo, hi, _ = grid_limits(arr, mask, True if signed else None, cmap, vmin, vmax)
    fmt_fn = cell_formatter(fmt, arr[np.isfinite(arr)])
    cell = 0.96 * side / max(shape)  # a margin of 2% on each side
    strings = [fmt_fn(float(v)) for v in arr[np.isfinite(arr)]]
    size = fit_font_size(strings, cell, maximum=0.36 * cell)
    x0, y0 = (side - cell * shape[1]) / 2, (side - cell * shape[0]) / 2
    body = grid_cells(
        arr, mask, x=x0, y=y0, cell=cell, cmap=cmap, lo=lo, hi=hi, fmt_fn=fmt_fn, size=size
    )
    return svg(side, side, body, label=f"{shape[0]}×{shape[1]} grid of numbers")


def grid_svg(values, *, fmt=None, side=300, signed=None, vmin=None, vmax=None) -> str:
    """A small array as numbered cells in :func:`cnnlab.plotting.show_grid`'s colours, as SVG.

    A pure function of its arguments, cached (:func:`functools.lru_cache`): an explorer can
    call it on every change and pays for drawing only when the numbers change.

    Parameters
    ----------
    values : ndarray, shape (H, W)
        NaN cells are drawn blank (e.g. the holes of a dilated kernel).
    fmt : str, optional
        Format of the numbers (``".2f"``); default :func:`cnnlab.plotting.cell_formatter`'s.
    side : int, default 300
        Pixels of the (square) drawing.
    signed : bool, optional
        True: the diverging colormap; default chosen from the values.
    vmin, vmax : float, optional
        Colour limits; default :func:`cnnlab.plotting.show_grid`'s.

    Examples
    --------
    >>> grid_svg(np.arange(9.0).reshape(3, 3), side=120).count("<text")
    9
    """
    arr = as_float_array(values, "values", ndims=(2,))
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '.2f'; got {type(fmt).__name__}.")
    return _grid_svg(
        tuple(arr.ravel().tolist()),
        arr.shape,
        None if signed is None else bool(signed),
        None if vmin is None else float(vmin),
        None if vmax is None else float(vmax),
        fmt,
        check_int(side, "side"),
    )


# ---- training curve -----------------------------------------------------------------------
def _symlog(x):
    """matplotlib's ``symlog`` scale with ``linthresh=1`` for x >= 0: linear to 1, then log10."""
    x = np.asarray(x, float)
    return np.where(x <= 1, x, 1 + np.log10(np.maximum(x, 1)))


def _power_label(exponent: int) -> str:
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return (
        "1" if exponent == 0 else ("10" if exponent == 1 else "10" + str(exponent).translate(sup))
    )


class TrainingCurve:
    """Loss and error against the gradient-descent step (log scales), with the frame marked.

    The curves of one training are drawn once (cached); another frame only moves the marker.

    Examples
    --------
    >>> curve = TrainingCurve()
    >>> drawing = curve.svg(np.arange(4), np.array([1.0, 0.5, 0.1, 0.01]), None, 2)
    >>> drawing.count("<polyline"), drawing.count("<circle")
    (1, 1)
    """

    width, height = 512, 300
    _box = (74, 500, 10, 244)  # left, right, top, bottom of the axes
    _font = 19  # the drawing is shown about 470 px wide: >= 16 px on a 1280-pixel projector

    def __init__(self):
        self._curves = None  # (steps, losses, errors) of the cached drawing
        self._drawn = ("", None)  # (markup of everything but the marker, (x, y) -> pixels)

    def svg(self, steps, losses, errors, frame) -> str:
        """SVG of the curves of one training, the point of ``frame`` marked."""
        floor = 1e-12
        curves = tuple(None if v is None else np.array(v, float) for v in (steps, losses, errors))
        same = self._curves is not None and all(
            (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))
            for a, b in zip(curves, self._curves, strict=True)
        )
        if not same:
            self._drawn = self._draw(curves[0], curves[1], curves[2], floor)
            self._curves = curves
        body, to_pixels = self._drawn
        x, y = to_pixels(max(float(steps[frame]), 0.0), max(float(losses[frame]), floor))
        marker = (
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="8" fill="{OKABE_ITO[1]}" stroke="#000" '
            'stroke-width="1"/>'
        )
        return svg(self.width, self.height, body + marker, label="loss and error during training")

    def _draw(self, steps, losses, errors, floor):
        left, right, top, bottom = self._box
        size = self._font
        x = np.maximum(steps, 0)
        values = [np.maximum(losses, floor)]
        if errors is not None:
            values.append(np.maximum(errors, floor))
        lo = max(min(float(np.min(v)) for v in values), floor) / 3
        hi = max(float(np.max(v)) for v in values) * 3
        x_hi = float(_symlog(max(float(x[-1]), 1.0) * 1.2))
        log_lo, log_hi = np.log10(lo), np.log10(hi)

        def to_pixels(xv, yv):
            px = left + float(_symlog(xv)) / x_hi * (right - left)
            py = bottom - (np.log10(yv) - log_lo) / (log_hi - log_lo) * (bottom - top)
            return px, py

        grid = 'stroke="#000" stroke-opacity="0.2"'
        parts = [
            f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
            'fill="none" stroke="#000"/>'
        ]
        decades = range(int(np.ceil(log_lo)), int(np.floor(log_hi)) + 1)
        every = -(-len(decades) // 6)  # at most six labelled decades
        for e in decades:
            if e % every:
                continue
            _, py = to_pixels(0.0, 10.0**e)
            parts.append(f'<line x1="{left}" x2="{right}" y1="{_n(py)}" y2="{_n(py)}" {grid}/>')
            parts.append(text(left - 6, py, _power_label(e), size, anchor="end"))
        tick = 0
        while tick == 0 or _symlog(tick) <= x_hi:
            px, _ = to_pixels(float(tick), 1.0)
            parts.append(f'<line x1="{_n(px)}" x2="{_n(px)}" y1="{top}" y2="{bottom}" {grid}/>')
            label = _power_label(int(np.log10(tick))) if tick else "0"
            parts.append(text(px, bottom + 5, label, size, baseline="hanging"))
            tick = 1 if tick == 0 else tick * 10
        parts.append(
            text(
                (left + right) / 2,
                self.height - 2,
                "gradient-descent step",
                size,
                baseline="text-after-edge",
            )
        )
        series = [(values[0], OKABE_ITO[5], "", "loss (MSE)")]
        if errors is not None:
            dash = ' stroke-dasharray="10 6"'
            series.append((values[1], OKABE_ITO[6], dash, "max |learned − ideal|"))
        for row, (ys, colour, dash, name) in enumerate(series):
            pairs = (to_pixels(float(s), float(v)) for s, v in zip(x, ys, strict=True))
            points = " ".join(f"{_n(a)},{_n(b)}" for a, b in pairs)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"{dash}/>'
            )
            ly = bottom - 18 - 28 * (len(series) - 1 - row)
            parts.append(
                f'<line x1="{left + 12}" x2="{left + 52}" y1="{ly}" y2="{ly}" stroke="{colour}" '
                f'stroke-width="3"{dash}/>'
            )
            parts.append(text(left + 60, ly, name, size, anchor="start"))
        return "".join(parts), to_pixels
