"""Small arrays as grids of numbered cells: draw once with :func:`show_grid`, then update.

Thick grid lines, numbers in black or white by the cell's brightness, padded cells hatched grey
and highlighted cells with a thick orange border; :func:`update_grid` changes values and
highlights in place (``set_array``, ``set_text``), so a slider or an animation redraws cheaply.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from .._validate import as_float_array, describe
from .style import (
    DIVERGING_CMAP,
    HIGHLIGHT,
    cmap_for,
    display_limits,
    finite_values,
    signed_limits,
)

__all__ = ["cell_formatter", "fit_fontsize", "highlight_cells", "show_grid", "update_grid"]

_PAD_FACE = "#ececec"
_PAD_HATCH = "#9a9a9a"
_GRID_LINE = "#404040"
_MISSING = "#f4f4f4"


def _new_ax(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _short(value, decimals):
    """``value`` with at most ``decimals`` decimals, trailing zeros dropped (2.50 -> 2.5)."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def cell_formatter(fmt, values):
    """The function that writes the numbers in the cells of :func:`show_grid`.

    Parameters
    ----------
    fmt : str, callable or None
        A format spec (``".2f"``, ``"{:.1f}"``) or a function ``float -> str``. None: the
        default for ``values``: integers without decimals, else at most two decimals (one from
        100, none from 1000 upwards), trailing zeros dropped.
    values : array_like
        The numbers that will be written (decides the default).

    Returns
    -------
    callable
        ``float -> str``.

    Examples
    --------
    >>> f = cell_formatter(None, [0.5, 2.25])
    >>> f(2.5), f(-0.0), f(1 / 3)
    ('2.5', '0', '0.33')
    >>> cell_formatter(None, [1, 2])(7.0)
    '7'
    """
    if callable(fmt):
        return fmt
    if fmt is None:
        finite = finite_values(values)
        biggest = float(np.abs(finite).max()) if finite.size else 0.0
        if finite.size == 0 or np.all(finite == np.round(finite)):
            decimals = 0
        else:
            decimals = 2 if biggest < 100 else (1 if biggest < 1000 else 0)
        return lambda v: _short(v, decimals)
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format spec such as '.2f' or a callable; got {fmt!r}.")
    if "{" in fmt:
        return lambda v: fmt.format(v + 0.0)
    return lambda v: format(v + 0.0, fmt)  # + 0.0 turns -0.0 into 0.0


def _text_color(rgba) -> str:
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def _text_width_em(strings) -> float:
    """Width of the widest string, in units of the font size."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, prop = TextToPath(), FontProperties(size=100)
    widths = [
        measure.get_text_width_height_descent(s, prop, ismath=False)[0] / 100
        for s in set(strings)
        if s
    ]
    return max(widths, default=0.6)


def fit_fontsize(ax, nrows, ncols, strings, maximum=24.0):
    """Largest font size (points) at which every string fits in one cell of the grid."""
    fig = ax.figure
    pos = ax.get_position()
    w_in, h_in = pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()
    cell_pt = 72.0 * min(w_in / ncols, h_in / nrows)
    return max(6.0, min(maximum, 0.45 * cell_pt, 0.8 * cell_pt / _text_width_em(strings)))


def _cell_patch(row, col, **style) -> Rectangle:
    """The square of cell (row, col) in the grid's data coordinates (cell centres on integers)."""
    return Rectangle((col - 0.5, row - 0.5), 1.0, 1.0, **style)


def _cell_rect(row, col, color, linewidth, linestyle="-", zorder=4):
    rect = _cell_patch(
        row,
        col,
        fill=False,
        edgecolor=color,
        linewidth=linewidth,
        linestyle=linestyle,
        zorder=zorder,
    )
    # a thin white halo keeps the border visible on dark and on coloured cells
    rect.set_path_effects(
        [patheffects.Stroke(linewidth=linewidth + 2.5, foreground="white"), patheffects.Normal()]
    )
    return rect


def highlight_cells(
    ax, cells, *, color=HIGHLIGHT, linewidth=4.5, linestyle="-", block=False, inset=0.0
):
    """Draw thick coloured borders around cells of a grid drawn by :func:`show_grid`.

    Parameters
    ----------
    ax : matplotlib Axes
    cells : list of (row, col)
    color : colour, default :data:`HIGHLIGHT`
    linewidth : float, default 4.5
    linestyle : str, default "-"
    block : bool, default False
        Draw one rectangle around the bounding box of the cells instead of one per cell
        (for a contiguous pooling window).
    inset : float, default 0.0
        Shrink each rectangle by this fraction of a cell on every side, so that two
        overlapping windows drawn in different colours stay distinguishable.

    Returns
    -------
    list of matplotlib.patches.Rectangle
        Cell ``(r, c)`` has its lower-left data corner at ``(c - 0.5, r - 0.5)``.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> art = show_grid(np.zeros((3, 3)), ax)
    >>> [r.get_xy() for r in highlight_cells(ax, [(0, 1)])]
    [(0.5, -0.5)]
    >>> plt.close(fig)
    """
    cells = [(int(r), int(c)) for r, c in cells]
    if block and cells:
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        rect = _cell_rect(min(rows), min(cols), color, linewidth, linestyle)
        rect.set_width(max(cols) - min(cols) + 1)
        rect.set_height(max(rows) - min(rows) + 1)
        rects = [rect]
    else:
        rects = [_cell_rect(r, c, color, linewidth, linestyle) for r, c in cells]
    for rect in rects:
        if inset:
            x, y = rect.get_xy()
            rect.set_xy((x + inset, y + inset))
            rect.set_width(rect.get_width() - 2 * inset)
            rect.set_height(rect.get_height() - 2 * inset)
        ax.add_patch(rect)
    return rects


def show_grid(
    values,
    ax=None,
    *,
    fmt=None,
    highlight=None,
    padded_mask=None,
    cmap=None,
    title=None,
    vmin=None,
    vmax=None,
    highlight_color=HIGHLIGHT,
    fontsize=None,
    show_values=True,
    colors=None,
):
    """Draw a small 2-D array as a grid of cells, each with its number.

    Parameters
    ----------
    values : ndarray, shape (H, W)
        The numbers to show. NaN cells are left blank (light grey, no text).
    ax : matplotlib Axes, optional
    fmt : str or callable, optional
        Format spec (``".2f"``, ``"{:.1f}"``) or function for the texts; default: integers
        without decimals, else at most two decimals (one from 100, none from 1000 upwards),
        trailing zeros dropped (``2.5``, ``3.25``).
    highlight : list of (row, col), optional
        Cells drawn with a thick :data:`HIGHLIGHT` border (e.g. the kernel's window).
    padded_mask : ndarray of bool, shape (H, W), optional
        True for padding cells: drawn hatched in grey with grey numbers, not coloured by value.
    cmap : str, optional
        Default :func:`cmap_for` the values (diverging for signed values).
    title : str, optional
    vmin, vmax : float, optional
        Colour limits; default :func:`display_limits` of the (non-padded) values.
    highlight_color : colour, default :data:`HIGHLIGHT`
    fontsize : float, optional
        Size of the cell numbers; default fitted to the cell size.
    show_values : bool, default True
        Write the numbers in the cells.
    colors : colour or (H, W) array of colours, optional
        Paint the cells with these fixed colours instead of a colormap (e.g. one tint per
        pooling window); the numbers are still written.

    Returns
    -------
    dict
        ``"image"``: the AxesImage; ``"texts"``: an H x W nested list of Text (row-major,
        ``texts[r][c]`` at data position ``(c, r)``); ``"highlight"``: list of Rectangle (one
        per highlighted cell); ``"padded"``: list of the hatched Rectangle patches;
        ``"lines"``: the grid's LineCollection; ``"format"``: the value -> text function.

    Examples
    --------
    >>> art = show_grid(np.array([[1, 2], [3, 4]]), highlight=[(1, 0)])
    >>> [[t.get_text() for t in row] for row in art["texts"]]
    [['1', '2'], ['3', '4']]
    >>> art["highlight"][0].get_xy()
    (-0.5, 0.5)
    >>> plt.close(art["image"].figure)
    """
    arr = as_float_array(values, "values", ndims=(2,))
    h, w = arr.shape
    if padded_mask is None:
        mask = np.zeros((h, w), dtype=bool)
    else:
        mask = np.asarray(padded_mask, dtype=bool)
        if mask.shape != arr.shape:
            raise ValueError(
                f"padded_mask must have the shape of values {arr.shape}; got shape {mask.shape}."
            )
    real = arr[~mask]
    if cmap is None:
        cmap = cmap_for(real)
    lo, hi = display_limits(real) if real.size else (0.0, 1.0)
    if cmap == DIVERGING_CMAP and vmin is None and vmax is None:
        lo, hi = signed_limits(real)
    lo = lo if vmin is None else vmin
    hi = hi if vmax is None else vmax
    cm = mpl.colormaps[cmap].with_extremes(bad=_MISSING)
    fixed = None if colors is None else _cell_colors(colors, (h, w))
    ax = _new_ax(ax, figsize=(max(2.0, 0.75 * w + 0.5), max(2.0, 0.75 * h + 0.8)))
    im = ax.imshow(
        arr if fixed is None else fixed,
        cmap=cm,
        vmin=lo,
        vmax=hi,
        interpolation="nearest",
        extent=(-0.5, w - 0.5, h - 0.5, -0.5),
        zorder=1,
    )
    padded = []
    for r, c in zip(*np.nonzero(mask), strict=True):
        patch = _cell_patch(
            r, c, facecolor=_PAD_FACE, edgecolor=_PAD_HATCH, hatch="//", linewidth=0.0, zorder=2
        )
        ax.add_patch(patch)
        padded.append(patch)
    # thick grid lines between cells
    segs = [[(-0.5, y - 0.5), (w - 0.5, y - 0.5)] for y in range(h + 1)]
    segs += [[(x - 0.5, -0.5), (x - 0.5, h - 0.5)] for x in range(w + 1)]
    lw = 2.5 if max(h, w) <= 12 else 1.0
    lines = LineCollection(segs, colors=_GRID_LINE, linewidths=lw, zorder=3)
    ax.add_collection(lines)
    ax.set_xlim(-0.5 - 0.04, w - 0.5 + 0.04)
    ax.set_ylim(h - 0.5 + 0.04, -0.5 - 0.04)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    fmt_fn = cell_formatter(fmt, real if real.size else arr)
    texts = []
    if fontsize is None:
        fontsize = fit_fontsize(ax, h, w, [fmt_fn(float(v)) for v in arr[np.isfinite(arr)]])
    for r in range(h):
        row = []
        for c in range(w):
            t = ax.text(c, r, "", ha="center", va="center", fontsize=fontsize, zorder=5)
            row.append(t)
        texts.append(row)
    artists = {
        "image": im,
        "texts": texts,
        "highlight": [],
        "padded": padded,
        "lines": lines,
        "format": fmt_fn,
        "mask": mask,
        "show_values": bool(show_values),
        "highlight_color": highlight_color,
        "colors": fixed,
    }
    update_grid(artists, arr, highlight=highlight)
    if title is not None:
        ax.set_title(title)
    return artists


def _cell_colors(colors, shape):
    """RGBA array of shape (H, W, 4) from one colour or an (H, W) array of colours."""
    from matplotlib.colors import is_color_like, to_rgba_array

    if is_color_like(colors):
        return np.broadcast_to(to_rgba_array([colors])[0], (*shape, 4)).copy()
    arr = np.asarray(colors)
    if arr.ndim == 3 and arr.shape[:2] == shape and arr.shape[2] in (3, 4):
        return to_rgba_array(arr.reshape(-1, arr.shape[2])).reshape(*shape, 4)
    if arr.shape == shape:
        return to_rgba_array(arr.ravel()).reshape(*shape, 4)
    raise ValueError(
        f"colors must be one colour or an array of colours of shape {shape}; got "
        f"{describe(colors)}."
    )


def update_grid(artists, values=None, *, highlight=None):
    """Change the numbers (and highlighted cells) of a :func:`show_grid` drawing in place.

    Parameters
    ----------
    artists : dict
        What :func:`show_grid` returned.
    values : ndarray, shape (H, W), optional
        New values, same shape; NaN cells are drawn blank. Colour limits are kept.
    highlight : list of (row, col), optional
        New highlighted cells (``[]`` removes them; ``None`` keeps the current ones).

    Returns
    -------
    dict
        The same ``artists`` (its ``"highlight"`` list updated).

    Examples
    --------
    >>> art = show_grid(np.zeros((2, 2)))
    >>> art = update_grid(art, np.array([[1.0, np.nan], [3.0, 4.0]]), highlight=[(0, 0)])
    >>> [[t.get_text() for t in row] for row in art["texts"]]
    [['1', ''], ['3', '4']]
    >>> plt.close(art["image"].figure)
    """
    im = artists["image"]
    ax = im.axes
    if values is not None:
        arr = as_float_array(values, "values", ndims=(2,))
        shape = im.get_array().shape[:2]
        if arr.shape != shape:
            raise ValueError(f"values must keep the grid's shape {shape}; got {arr.shape}.")
        mask = artists["mask"]
        if artists.get("colors") is None:
            im.set_data(arr)
            colors = im.cmap(im.norm(np.where(np.isfinite(arr), arr, 0.0)))
        else:
            colors = artists["colors"]
        fmt_fn = artists["format"]
        for r, row in enumerate(artists["texts"]):
            for c, text in enumerate(row):
                v = arr[r, c]
                if not artists["show_values"] or not np.isfinite(v):
                    text.set_text("")
                    continue
                text.set_text(fmt_fn(float(v)))
                if mask[r, c]:
                    text.set_color("#5a5a5a")
                    text.set_fontstyle("italic")
                else:
                    text.set_color(_text_color(colors[r, c]))
                    text.set_fontstyle("normal")
    if highlight is not None:
        cells = [(int(r), int(c)) for r, c in highlight]
        rects = artists["highlight"]
        while len(rects) > len(cells):
            rects.pop().remove()
        for rect, (r, c) in zip(rects, cells, strict=False):
            rect.set_xy((c - 0.5, r - 0.5))
        if len(cells) > len(rects):
            rects += highlight_cells(ax, cells[len(rects) :], color=artists["highlight_color"])
    return artists
