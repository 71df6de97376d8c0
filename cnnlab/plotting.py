"""Figures for the notebooks: images, feature maps, small arrays and the sliding window.

Everything drawn here is computed by the NumPy core (:func:`cnnlab.conv2d`,
:func:`cnnlab.pad2d`, :func:`cnnlab.resolve_padding`, :func:`cnnlab.output_size`); this module
only decides how it looks. Functions take ``ax=None`` (or ``fig=None``), return the artists they
drew and never call ``plt.show()``.

The look is made for a projector: large fonts (:data:`STYLE`, applied by :func:`use_style`),
thick grid lines for small arrays, and colour-blind-safe colormaps: ``"gray"`` for images and
unsigned maps, the diverging ``"RdBu_r"`` centred on 0 (``vmin == -vmax``) for signed maps such
as Sobel responses, and the Okabe-Ito palette for lines and highlights.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation, patheffects
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from ._validate import _is_int, as_float_array, describe
from .teaching import SlidingWindow

__all__ = [
    "DIVERGING_CMAP",
    "HIGHLIGHT",
    "HIGHLIGHT_2",
    "IMAGE_CMAP",
    "IMGS_DIR",
    "OKABE_ITO",
    "STYLE",
    "SlidingWindowFigure",
    "animate_sliding_window",
    "animation_html",
    "cell_formatter",
    "cmap_for",
    "colorize",
    "display_limits",
    "highlight_cells",
    "is_signed",
    "save_animation",
    "save_fig",
    "show_feature_maps",
    "show_grid",
    "show_image",
    "signed_limits",
    "sliding_window_layout",
    "style_context",
    "update_grid",
    "use_style",
]

#: Okabe & Ito's colour-blind-safe palette (black first), used for lines and highlights.
OKABE_ITO = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
#: Sequential colormap for images and unsigned feature maps.
IMAGE_CMAP = "gray"
#: Diverging colormap for signed maps, always with symmetric limits (0 is white).
DIVERGING_CMAP = "RdBu_r"
#: Border colour of highlighted cells (the window the kernel covers, the current output cell).
HIGHLIGHT = "#E69F00"
#: Second highlight colour (e.g. the next window position in the stride figure).
HIGHLIGHT_2 = "#0072B2"
_PAD_FACE = "#ececec"
_PAD_HATCH = "#9a9a9a"
_GRID_LINE = "#404040"
_MISSING = "#f4f4f4"

#: rcParams for figures readable from the back of a lecture room.
STYLE = {
    "figure.figsize": (8.0, 5.0),
    "figure.dpi": 100,
    "figure.titlesize": 22,
    "figure.titleweight": "bold",
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.labelsize": 17,
    "axes.linewidth": 1.5,
    "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO[5:6] + OKABE_ITO[6:7] + OKABE_ITO[3:4])),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "legend.frameon": False,
    "lines.linewidth": 3.0,
    "image.cmap": IMAGE_CMAP,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
}

#: Folder of the generated figures: ``imgs/`` at the root of the repository.
IMGS_DIR = Path(__file__).resolve().parent.parent / "imgs"


def use_style():
    """Apply :data:`STYLE` (large fonts, colour-blind-safe colours) to all later figures.

    Examples
    --------
    >>> use_style()
    >>> plt.rcParams["font.size"]
    16.0
    """
    mpl.rcParams.update(STYLE)


def style_context():
    """A context manager applying :data:`STYLE` only inside a ``with`` block.

    Examples
    --------
    >>> with style_context():
    ...     size = plt.rcParams["axes.titlesize"]
    >>> size
    18.0
    """
    return mpl.rc_context(STYLE)


# --------------------------------------------------------------------------------------------
# Colours: shared with the widgets' fast PNG renderer so both draw identical colours
# --------------------------------------------------------------------------------------------
def _finite(values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.float32)
    if not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"values must be a numeric array, got {describe(values)}.")
    arr = arr.astype(np.float64, copy=False)
    return arr[np.isfinite(arr)]


def is_signed(values) -> bool:
    """Whether an array has negative values (so it needs the diverging colormap).

    Examples
    --------
    >>> is_signed([[0.0, 1.0]]), is_signed([[-0.5, 1.0]])
    (False, True)
    """
    finite = _finite(values)
    return bool(finite.size and finite.min() < 0)


def signed_limits(values) -> tuple[float, float]:
    """Symmetric colour limits ``(-m, m)`` with ``m = max |values|``, so 0 sits in the middle.

    Parameters
    ----------
    values : array_like, any shape
        NaN and infinite values are ignored; an all-zero (or empty) array gives ``(-1, 1)``.

    Returns
    -------
    (vmin, vmax) : tuple of float, ``vmin == -vmax``

    Examples
    --------
    >>> signed_limits([[-3.0, 1.0], [2.0, 0.5]])
    (-3.0, 3.0)
    """
    finite = _finite(values)
    m = float(np.abs(finite).max()) if finite.size else 0.0
    if m == 0.0:
        m = 1.0
    return (-m, m)


def display_limits(values, signed=None) -> tuple[float, float]:
    """Colour limits for an array: symmetric for signed maps, the natural range otherwise.

    Parameters
    ----------
    values : array_like, any shape
    signed : bool, optional
        Force (or forbid) symmetric limits; by default :func:`is_signed` decides.

    Returns
    -------
    (vmin, vmax) : tuple of float
        Signed: :func:`signed_limits`. Unsigned: ``(0, 255)`` for uint8, ``(0, 1)`` when every
        value lies in [0, 1] (a float image keeps its true brightness), else ``(min, max)``.

    Examples
    --------
    >>> display_limits([[0.2, 0.7]])
    (0.0, 1.0)
    >>> display_limits([[-2.0, 1.0]])
    (-2.0, 2.0)
    >>> display_limits([[3, 9]])
    (3.0, 9.0)
    """
    if signed is None:
        signed = is_signed(values)
    if signed:
        return signed_limits(values)
    if np.asarray(values).dtype == np.uint8:
        return (0.0, 255.0)
    finite = _finite(values)
    if not finite.size:
        return (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if lo >= 0.0 and hi <= 1.0:
        return (0.0, 1.0)
    if lo == hi:
        return (lo - 0.5, hi + 0.5)
    return (lo, hi)


def cmap_for(values, signed=None) -> str:
    """Name of the colormap for an array: diverging if it has negative values, else gray.

    Parameters
    ----------
    values : array_like
    signed : bool, optional
        Override the detection.

    Returns
    -------
    str
        :data:`DIVERGING_CMAP` (``"RdBu_r"``) or :data:`IMAGE_CMAP` (``"gray"``).

    Examples
    --------
    >>> cmap_for([[-1.0, 2.0]]), cmap_for([[0.0, 2.0]])
    ('RdBu_r', 'gray')
    """
    if signed is None:
        signed = is_signed(values)
    return DIVERGING_CMAP if signed else IMAGE_CMAP


def colorize(values, *, signed=None, cmap=None, vmin=None, vmax=None) -> np.ndarray:
    """Map a 2-D array to RGB bytes with the same colormap and limits as :func:`show_image`.

    Parameters
    ----------
    values : ndarray, shape (H, W), or an RGB image (H, W, 3)
        RGB images are returned as uint8 (floats are taken to be in [0, 1] and clipped).
    signed, cmap, vmin, vmax : optional
        Override :func:`cmap_for` and :func:`display_limits`.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)

    Examples
    --------
    >>> rgb = colorize([[-1.0, 0.0, 1.0]])
    >>> rgb.shape, rgb.dtype
    ((1, 3, 3), dtype('uint8'))
    >>> rgb[0, :, 0].tolist()   # red channel: low for -1 (blue), high for 0 (white)
    [5, 247, 103]
    """
    arr = np.asarray(values)
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        rgb = arr[:, :, :3]
        if rgb.dtype == np.uint8:
            return rgb.copy()
        return (np.clip(as_float_array(rgb, "values"), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    arr = as_float_array(arr, "values", ndims=(2,))
    lo, hi = display_limits(values, signed)
    lo = lo if vmin is None else vmin
    hi = hi if vmax is None else vmax
    name = cmap or cmap_for(values, signed)
    rgba = mpl.colormaps[name](Normalize(lo, hi)(arr), bytes=True)
    return rgba[:, :, :3]


# --------------------------------------------------------------------------------------------
# Images and feature maps
# --------------------------------------------------------------------------------------------
def _new_ax(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def show_image(
    image, ax=None, *, title=None, signed=None, colorbar=True, cmap=None, vmin=None, vmax=None
):
    """Show an image or a feature map, with a colormap that suits its values.

    Parameters
    ----------
    image : ndarray, shape (H, W), (H, W, 1) or RGB (H, W, 3)
        A grayscale image (float in [0, 1] or uint8), a feature map, or an RGB image.
    ax : matplotlib Axes, optional
        Draw here; by default a new figure is made.
    title : str, optional
    signed : bool, optional
        ``True`` uses the diverging :data:`DIVERGING_CMAP` with ``vmin == -vmax`` (white = 0),
        ``False`` the sequential :data:`IMAGE_CMAP`; by default negative values decide.
    colorbar : bool, default True
        Add a colour bar (never for RGB images).
    cmap : str, optional
        Another colormap (prefer a colour-blind-safe one, e.g. ``"viridis"``).
    vmin, vmax : float, optional
        Colour limits instead of :func:`display_limits`, e.g. to saturate a few extreme
        values. For a signed map ``vmax`` alone gives ``(-vmax, vmax)``.

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> im = show_image(np.array([[-2.0, 1.0], [0.5, 0.0]]))
    >>> im.get_cmap().name, im.norm.vmin, im.norm.vmax
    ('RdBu_r', -2.0, 2.0)
    >>> plt.close(im.figure)
    """
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    is_rgb = arr.ndim == 3 and arr.shape[2] in (3, 4)
    if not (arr.ndim == 2 or is_rgb):
        raise ValueError(
            f"image must have shape (H, W), (H, W, 1) or RGB (H, W, 3); got shape {arr.shape}."
        )
    ax = _new_ax(ax)
    if is_rgb:
        im = ax.imshow(colorize(arr), interpolation="auto")
    else:
        arr = as_float_array(arr, "image") if arr.dtype != np.uint8 else arr
        if signed is None:
            signed = is_signed(arr)
        lo, hi = display_limits(arr, signed)
        if signed and vmax is not None and vmin is None:
            lo, hi = -abs(float(vmax)), abs(float(vmax))
        lo = lo if vmin is None else float(vmin)
        hi = hi if vmax is None else float(vmax)
        name = cmap or cmap_for(arr, signed)
        # "auto": crisp pixels when enlarged, anti-aliased (no moire) when shrunk
        im = ax.imshow(arr, cmap=name, vmin=lo, vmax=hi, interpolation="auto")
        if colorbar:
            cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
            cb.outline.set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title is not None:
        ax.set_title(title)
    return im


def show_feature_maps(
    maps, fig=None, *, ncols=4, titles=None, signed=None, share_limits=False, colorbar=False
):
    """Show the channels of a feature-map volume side by side, one small image per map.

    Parameters
    ----------
    maps : ndarray, shape (H, W, F), (1, H, W, F) or (H, W)
        The output of a convolution layer for one image (channels_last).
    fig : matplotlib Figure, optional
        Draw into this (cleared) figure; by default a new one sized for the grid.
    ncols : int, default 4
        Maps per row.
    titles : list of str, optional
        One per map; default ``"map 0"``, ``"map 1"``, ...
    signed : bool, optional
        As in :func:`show_image`; decided once for all maps so they share one colormap.
    share_limits : bool, default False
        Same colour limits for every map (compare strengths) instead of one scale per map.
    colorbar : bool, default False
        A small colour bar next to each map.

    Returns
    -------
    list of matplotlib.image.AxesImage, one per map

    Examples
    --------
    >>> ims = show_feature_maps(np.random.default_rng(0).normal(size=(8, 8, 6)), ncols=3)
    >>> len(ims), ims[0].get_cmap().name
    (6, 'RdBu_r')
    >>> plt.close(ims[0].figure)
    """
    arr = as_float_array(maps, "maps", ndims=(2, 3, 4))
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(
                f"maps must be (H, W, F) for one image; got a batch of shape {arr.shape}. "
                "Pass maps[i] for the i-th image."
            )
        arr = arr[0]
    if arr.ndim == 2:
        arr = arr[:, :, None]
    n = arr.shape[2]
    cols = min(n, int(ncols) if _is_int(ncols) and ncols > 0 else 4)
    rows = -(-n // cols)
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per map ({n}); got {len(titles)} titles.")
    if signed is None:
        signed = is_signed(arr)
    shared = display_limits(arr, signed) if share_limits else None
    if fig is None:
        fig = plt.figure(figsize=(3.2 * cols + (0.8 * cols if colorbar else 0), 3.3 * rows))
    else:
        fig.clear()
    axes = fig.subplots(rows, cols, squeeze=False)
    images = []
    for f in range(rows * cols):
        ax = axes.flat[f]
        if f >= n:
            ax.set_visible(False)
            continue
        m = arr[:, :, f]
        title = titles[f] if titles is not None else f"map {f}"
        im = show_image(m, ax, title=title, signed=signed, colorbar=colorbar)
        if shared is not None:
            im.set_clim(*shared)
        images.append(im)
    return images


# --------------------------------------------------------------------------------------------
# Small arrays as grids of numbered cells
# --------------------------------------------------------------------------------------------
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
        finite = _finite(values)
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


def _fontsize(ax, nrows, ncols, strings, maximum=24.0):
    """Largest font size (points) at which every string fits in one cell of the grid."""
    fig = ax.figure
    pos = ax.get_position()
    w_in, h_in = pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()
    cell_pt = 72.0 * min(w_in / ncols, h_in / nrows)
    return max(6.0, min(maximum, 0.45 * cell_pt, 0.8 * cell_pt / _text_width_em(strings)))


def _cell_rect(row, col, color, linewidth, linestyle="-", zorder=4):
    rect = Rectangle(
        (col - 0.5, row - 0.5),
        1.0,
        1.0,
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
        patch = Rectangle(
            (c - 0.5, r - 0.5),
            1.0,
            1.0,
            facecolor=_PAD_FACE,
            edgecolor=_PAD_HATCH,
            hatch="//",
            linewidth=0.0,
            zorder=2,
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
        fontsize = _fontsize(ax, h, w, [fmt_fn(float(v)) for v in arr[np.isfinite(arr)]])
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


# --------------------------------------------------------------------------------------------
# The sliding window
# --------------------------------------------------------------------------------------------
def sliding_window_layout(padded_hw, kernel_hw, out_hw) -> dict:
    """Sizes of the sliding-window picture: four panels in a row, cells of one size.

    Used by :class:`SlidingWindowFigure` (inches) and by the step-through explorer's fast
    renderer (:func:`cnnlab.render.sliding_window_png`, inches times pixels per inch), so the
    two pictures have the same proportions.

    Parameters
    ----------
    padded_hw, kernel_hw, out_hw : (int, int)
        Cells of the padded input, the kernel and the output.

    Returns
    -------
    dict
        ``"cell"``: side of a cell (inches); ``"gap"``: space between panels, in cells;
        ``"widths"``: cells across each panel (input, kernel, products, output); ``"rows"``:
        cells down the tallest panel; ``"top"``, ``"bottom"``, ``"side"``: margins (inches)
        for the titles and the sum; ``"figsize"``: (width, height) in inches.

    Examples
    --------
    >>> layout = sliding_window_layout((6, 6), (3, 3), (4, 4))
    >>> layout["cell"], layout["gap"], layout["figsize"]
    (0.62, 1.6, (13.196, 5.77))
    """
    widths = [int(padded_hw[1]), int(kernel_hw[1]), int(kernel_hw[1]), int(out_hw[1])]
    gap = 1.6 + 0.6 * max(0, 3 - widths[1])  # columns between panels: room for the titles
    rows = max(int(padded_hw[0]), int(kernel_hw[0]), int(out_hw[0]))
    top, bottom, side = 1.45, 0.6, 0.15
    cell = min(0.62, 13.5 / (sum(widths) + gap * 3), 5.0 / rows)
    figsize = (cell * (sum(widths) + gap * 3) + 2 * side, cell * rows + top + bottom)
    return {
        "cell": cell,
        "gap": gap,
        "widths": widths,
        "rows": rows,
        "top": top,
        "bottom": bottom,
        "side": side,
        "figsize": tuple(round(v, 6) for v in figsize),
    }


def sliding_window_panels(window, fmt=None) -> dict:
    """Colours, number formats and titles of the four panels of a sliding-window picture.

    Parameters
    ----------
    window : cnnlab.teaching.SlidingWindow
    fmt : str or callable, optional
        Format of the numbers (see :func:`show_grid`); by default chosen per panel.

    Returns
    -------
    dict
        ``"input"``, ``"kernel"``, ``"products"``, ``"output"``: each a dict with ``cmap``,
        ``vmin``, ``vmax`` (None: :func:`show_grid`'s default), ``format`` (value -> text) and
        ``title``; plus ``"sum_format"`` and ``"strings"`` (every text a cell can show, to fit
        one font size to all panels). The products share limits over every product the
        window can make, so their colours do not jump from step to step; an unsigned output
        is drawn in viridis so its numbers stay readable.

    Examples
    --------
    >>> from cnnlab.teaching import SlidingWindow, example_6x6
    >>> panels = sliding_window_panels(SlidingWindow(*example_6x6()))
    >>> panels["products"]["cmap"], panels["products"]["vmin"], panels["output"]["title"]
    ('RdBu_r', -9.0, 'output')
    """
    all_products = np.outer(window.padded.ravel(), window.kernel.ravel())
    plim = signed_limits(all_products)
    olim = display_limits(window.output)
    out_cmap = cmap_for(window.output)
    if out_cmap == IMAGE_CMAP:
        out_cmap = "viridis"
    real = window.padded[~window.padded_mask]
    input_title = "input (padded)" if window.padded_mask.any() else "input"
    specs = [  # name, values (for the number format), colormap, limits, title
        ("input", window.padded, cmap_for(real), (None, None), input_title),
        ("kernel", window.kernel, DIVERGING_CMAP, (None, None), "kernel"),
        ("products", all_products, DIVERGING_CMAP, plim, "window × kernel"),
        ("output", window.output, out_cmap, olim, "output"),
    ]
    panels, strings = {}, []
    for name, values, cmap, (vmin, vmax), title in specs:
        fmt_fn = cell_formatter(fmt, values)
        panels[name] = {"cmap": cmap, "vmin": vmin, "vmax": vmax, "format": fmt_fn, "title": title}
        strings += [fmt_fn(float(v)) for v in values.ravel()]
    panels["sum_format"] = cell_formatter(fmt, window.sums)
    panels["strings"] = strings
    return panels


class SlidingWindowFigure(SlidingWindow):
    """The classic picture of a convolution: a window slides over the (padded) input.

    Four panels, with cells of the same size in each: the padded input with the window the
    kernel covers highlighted (padding cells hatched), the kernel with its numbers, the
    element-wise products with their sum, and the output, filled in up to the current step with
    the current cell highlighted. :meth:`show_step` updates the artists in place, so a slider
    or an animation can move the window cheaply. The geometry (which cells the window covers,
    the products, the output) is :class:`cnnlab.teaching.SlidingWindow`'s.

    Parameters
    ----------
    x : ndarray, shape (H, W)
        A small input (a few cells per side, so the numbers stay readable).
    kernel : ndarray, shape (kh, kw)
    stride, padding, dilation :
        As for :func:`cnnlab.conv2d`; impossible settings raise its ``ValueError``.
    bias : float, default 0.0
    fig : matplotlib Figure, optional
        Draw into this (cleared) figure; by default a new one sized by
        :func:`sliding_window_layout`, so the cells are large.
    fmt : str or callable, optional
        Format of the numbers (see :func:`show_grid`).

    Attributes
    ----------
    fig : Figure
    padded, padded_mask, output, sums, out_shape, n_steps, pads :
        As in :class:`cnnlab.teaching.SlidingWindow` (``padded`` is the grid of the first
        panel, ``padded_mask`` True on its padding cells).
    step : int
        The step shown.
    input_artists, kernel_artists, product_artists, output_artists : dict
        What :func:`show_grid` returned for each panel.
    sum_text : Text
        The sum under the products panel.

    Examples
    --------
    >>> swf = SlidingWindowFigure(np.arange(16).reshape(4, 4), np.ones((3, 3)))
    >>> swf.n_steps, swf.out_shape
    (4, (2, 2))
    >>> swf.show_step(3)
    >>> swf.window_cells(3)[:3]
    [(1, 1), (1, 2), (1, 3)]
    >>> swf.output_artists["texts"][1][1].get_text()
    '90'
    >>> plt.close(swf.fig)
    """

    def __init__(
        self, x, kernel, *, stride=1, padding="valid", dilation=1, bias=0.0, fig=None, fmt=None
    ):
        super().__init__(x, kernel, stride=stride, padding=padding, dilation=dilation, bias=bias)
        self.step = 0
        self._build(fig, fmt)
        self.show_step(0)

    def _build(self, fig, fmt):
        layout = sliding_window_layout(self.padded.shape, self.kernel.shape, self.out_shape)
        widths, gap = layout["widths"], layout["gap"]
        if fig is None:
            fig = plt.figure(figsize=layout["figsize"])
        else:
            fig.clear()
        self.fig = fig
        fw, fh = fig.get_figwidth(), fig.get_figheight()
        gs = fig.add_gridspec(
            1,
            4,
            width_ratios=widths,
            wspace=gap / np.mean(widths),
            left=min(layout["side"] / fw, 0.1),
            right=1 - min(layout["side"] / fw, 0.1),
            bottom=min(layout["bottom"] / fh, 0.3),
            top=1 - min(layout["top"] / fh, 0.4),
        )
        axes = [fig.add_subplot(gs[0, n]) for n in range(4)]
        self.ax_input, self.ax_kernel, self.ax_products, self.ax_output = axes
        panels = sliding_window_panels(self, fmt)
        self._fmt_sum, self._fmt_out = panels["sum_format"], panels["output"]["format"]
        # the cells of every panel share one font size, fitted to the widest number
        size = _fontsize(self.ax_input, *self.padded.shape, panels["strings"], maximum=22.0)
        start = {
            "input": self.padded,
            "kernel": self.kernel,
            "products": np.full(self.kernel.shape, np.nan),
            "output": np.full(self.out_shape, np.nan),
        }
        artists = {}
        for (name, values), ax in zip(start.items(), axes, strict=True):
            p = panels[name]
            artists[name] = show_grid(
                values,
                ax,
                fmt=p["format"],
                padded_mask=self.padded_mask if name == "input" else None,
                cmap=p["cmap"],
                vmin=p["vmin"],
                vmax=p["vmax"],
                fontsize=size,
                title=p["title"],
            )
        self.input_artists, self.kernel_artists = artists["input"], artists["kernel"]
        self.product_artists, self.output_artists = artists["products"], artists["output"]
        self.sum_text = self.ax_products.text(
            0.5, -0.06, "", transform=self.ax_products.transAxes, ha="center", va="top"
        )
        # the operators between the panels, centred in the gaps
        for ax, symbol, n in ((self.ax_kernel, "×", widths[1]), (self.ax_products, "=", widths[2])):
            ax.text(
                -0.6 * gap / n,
                0.5,
                symbol,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=26,
            )
        self.ax_output.text(
            -0.5 * gap / widths[3],
            0.5,
            "→",
            transform=self.ax_output.transAxes,
            ha="center",
            va="center",
            fontsize=26,
        )
        self._subtitle = self.describe()
        self.title = fig.suptitle("", y=1 - min(0.12 / fh, 0.05), va="top")
        self.settings_text = fig.text(
            0.5, 1 - min(0.72 / fh, 0.2), self._subtitle, ha="center", va="center", color="#404040"
        )

    def show_step(self, step):
        """Show the window at ``step`` (0 to ``n_steps - 1``), updating the artists in place."""
        step = self.check_step(step)
        self.step = step
        i, j = self.output_index(step)
        update_grid(self.input_artists, highlight=self.window_cells(step))
        update_grid(self.product_artists, self.products(step))
        update_grid(self.output_artists, self.partial_output(step), highlight=[(i, j)])
        self.sum_text.set_text(self.sum_line(step, self._fmt_sum, self._fmt_out))
        self.title.set_text(self.step_title(step))
        canvas = self.fig.canvas
        # interactive canvases (ipympl, Qt, ...) schedule a redraw; Agg would draw right now
        if type(canvas).draw_idle is not FigureCanvasBase.draw_idle:
            canvas.draw_idle()


def animate_sliding_window(
    x, kernel, *, stride=1, padding="valid", dilation=1, bias=0.0, interval=600, hold=3
):
    """An animation of the window sliding over a small input, step by step.

    Built on :class:`SlidingWindowFigure`; show it with :func:`animation_html` (works in any
    notebook, also where widgets cannot run) or save it as a GIF with :func:`save_animation`.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    kernel : ndarray, shape (kh, kw)
    stride, padding, dilation, bias :
        As for :class:`SlidingWindowFigure`.
    interval : int, default 600
        Milliseconds per step.
    hold : int, default 3
        Extra frames showing the finished output before the animation repeats.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Its ``sliding_window`` attribute is the :class:`SlidingWindowFigure`.

    Examples
    --------
    >>> anim = animate_sliding_window(np.ones((4, 4)), np.ones((3, 3)), hold=0)
    >>> anim.sliding_window.n_steps
    4
    >>> html = animation_html(anim)   # renders the 4 frames, then closes the figure
    """
    swf = SlidingWindowFigure(
        x, kernel, stride=stride, padding=padding, dilation=dilation, bias=bias
    )
    frames = list(range(swf.n_steps)) + [swf.n_steps - 1] * max(int(hold), 0)
    anim = animation.FuncAnimation(
        swf.fig, swf.show_step, frames=frames, interval=interval, blit=False, repeat=True
    )
    anim.sliding_window = swf
    return anim


def animation_html(anim, *, close=True) -> str:
    """The animation as self-contained HTML + JavaScript (``to_jshtml``) for a notebook.

    Use ``IPython.display.HTML(animation_html(anim))``. With ``close=True`` the figure is
    closed afterwards so the notebook does not also show a static copy.

    Examples
    --------
    >>> anim = animate_sliding_window(np.ones((3, 3)), np.ones((2, 2)), hold=0)
    >>> html = animation_html(anim)
    >>> html.lstrip().startswith("<"), "<img" in html
    (True, True)
    """
    html = anim.to_jshtml(default_mode="loop")
    if close:
        plt.close(anim._fig)
    return html


# --------------------------------------------------------------------------------------------
# Saving into imgs/
# --------------------------------------------------------------------------------------------
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _target(name, suffix, directory):
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise ValueError(
            f"name must be a plain file name such as 'sliding-window' (letters, digits, '-', "
            f"'_', '.'), without folders; got {describe(name)}."
        )
    if name.lower().endswith(suffix):
        name = name[: -len(suffix)]
    folder = IMGS_DIR if directory is None else Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}{suffix}"


def save_fig(fig, name, *, directory=None, dpi=150) -> Path:
    """Save a figure as ``imgs/<name>.png`` (150 dpi, tight bounding box, opaque white RGB).

    Parameters
    ----------
    fig : matplotlib Figure
    name : str
        File name without folder; ``.png`` is added if missing.
    directory : str or Path, optional
        Another folder (default :data:`IMGS_DIR`, the repository's ``imgs/``).
    dpi : int, default 150

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> fig, ax = plt.subplots()
    >>> path = save_fig(fig, "example", directory=tempfile.mkdtemp())
    >>> path.name, path.read_bytes()[:4]
    ('example.png', b'\\x89PNG')
    >>> plt.close(fig)
    """
    from PIL import Image

    path = _target(name, ".png", directory)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    buffer.seek(0)
    with Image.open(buffer) as img:  # opaque RGB without metadata: smaller and reproducible
        img.convert("RGB").save(path, format="PNG", optimize=True)
    return path


def save_animation(anim, name, *, directory=None, fps=2, dpi=72) -> Path:
    """Save an animation as ``imgs/<name>.gif`` with Pillow (no ffmpeg needed).

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    name : str
        File name without folder; ``.gif`` is added if missing.
    directory : str or Path, optional
        Default :data:`IMGS_DIR`.
    fps : float, default 2
    dpi : int, default 72
        Keep it low: GIFs of large figures grow quickly.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> anim = animate_sliding_window(np.ones((3, 3)), np.ones((2, 2)), hold=0)
    >>> path = save_animation(anim, "demo", directory=tempfile.mkdtemp(), dpi=30)
    >>> path.read_bytes()[:6]
    b'GIF89a'
    >>> plt.close(anim._fig)
    """
    path = _target(name, ".gif", directory)
    anim.save(
        str(path),
        writer=animation.PillowWriter(fps=fps),
        dpi=dpi,
        savefig_kwargs={"facecolor": "white"},
    )
    return path
