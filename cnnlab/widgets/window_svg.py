"""The step-through explorer's sliding-window picture, drawn with Pillow in a few milliseconds.

The picture is :class:`cnnlab.plotting.SlidingWindowFigure`'s: the same four panels, colours,
number formats and proportions (:func:`cnnlab.plotting.sliding_window_layout` and
:func:`cnnlab.plotting.sliding_window_panels` decide them for both). It is drawn here a second
time, cell by cell, because matplotlib cannot keep up with the step-through explorer: its ~70
numbers cost about 0.7 ms each to draw, so a window move takes ~55 ms and a new kernel size,
stride or padding ~90 ms with matplotlib, against ~10 ms here (``benchmarks/bench_widgets.py``).
``tests/test_widgets.py`` checks that the two pictures agree.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import numpy as np
from matplotlib.colors import to_rgb
from PIL import Image, ImageDraw

from ..plotting import (
    DIVERGING_CMAP,
    HIGHLIGHT,
    cmap_for,
    display_limits,
    signed_limits,
    sliding_window_layout,
    sliding_window_panels,
)
from .png import color_indices, enlarge, palette, pil_font

__all__ = [
    "ORANGE",
    "encode_flat",
    "fit_font_size",
    "grid_image",
    "grid_limits",
    "sliding_window_geometry",
    "sliding_window_png",
]

_PAD_FACE = (236, 236, 236)
_PAD_HATCH = (154, 154, 154)
_GRID_LINE = (64, 64, 64)
_TEXT_GREY = (90, 90, 90)
_MISSING = (244, 244, 244)
ORANGE = tuple(round(255 * v) for v in to_rgb(HIGHLIGHT))


@lru_cache(maxsize=512)
def _text_mask(text: str, size: int, italic: bool = False):
    """A text rendered once as an alpha mask, and its offset from the centre point.

    Grids repeat the same few numbers, so pasting cached masks is much faster than laying the
    text out again for every cell.
    """
    font = pil_font(size, "-Oblique" if italic else "")
    left, top, right, bottom = font.getbbox(text, anchor="mm")
    mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor="mm")
    return mask, (left, top)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_flat(img: Image.Image, compress_level: int = 1) -> bytes:
    """An RGB picture of flat colours (grids, text) as PNG, without Pillow's row filtering.

    Pillow tries every PNG filter on every row; for flat colours "no filter" compresses about
    as well and is several times faster (a 1000x460 picture: ~7 ms instead of ~40 ms). The
    colours stay exact (no quantizing).
    """
    arr = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    h, w, _ = arr.shape
    rows = np.zeros((h, 1 + 3 * w), np.uint8)  # each row: filter type 0, then the pixels
    rows[:, 1:] = arr.reshape(h, 3 * w)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level))
        + _png_chunk(b"IEND", b"")
    )


@lru_cache(maxsize=32)
def _hatch_tile(cell: int) -> Image.Image:
    """One padding cell: light grey with "//" hatching, as in :func:`cnnlab.plotting.show_grid`."""
    tile = Image.new("RGB", (cell, cell), _PAD_FACE)
    draw = ImageDraw.Draw(tile)
    for off in range(-cell, cell, max(6, cell // 5)):
        draw.line([(off, cell), (off + cell, 0)], fill=_PAD_HATCH, width=1)
    return tile


def fit_font_size(strings, cell: int, maximum: float) -> int:
    """Largest font size (pixels) at which every string fits in a cell (as plotting does)."""
    font = pil_font(100)
    widest = max(
        (font.getlength(t.replace("-", "−")) / 100 for t in set(strings) if t), default=0.6
    )
    return int(max(6, min(maximum, 0.48 * cell, 0.9 * cell / max(widest, 0.6))))


def grid_limits(arr, mask, signed, cmap, vmin, vmax):
    """Colormap and limits of a grid, by :func:`cnnlab.plotting.show_grid`'s rules."""
    real = arr[~mask] if (~mask).any() else arr.ravel()
    if cmap is None:
        cmap = cmap_for(real, signed)
    lo, hi = display_limits(real, signed) if real.size else (0.0, 1.0)
    if cmap == DIVERGING_CMAP and vmin is None and vmax is None:
        lo, hi = signed_limits(real)
    return cmap, (lo if vmin is None else vmin), (hi if vmax is None else vmax), real


def grid_image(arr, mask, *, cell, cmap, lo, hi, fmt_fn, size, highlight=()) -> Image.Image:
    """Draw a grid of numbered cells (RGB image of ``w * cell`` by ``h * cell`` pixels)."""
    h, w = arr.shape
    idx, _, _ = color_indices(arr, cmap=cmap, vmin=lo, vmax=hi)
    lut = np.frombuffer(palette(cmap), np.uint8).reshape(256, 3)
    small = lut[idx]
    small[~np.isfinite(arr)] = _MISSING  # NaN cells: blank (e.g. the holes of a dilated kernel)
    img = Image.fromarray(np.ascontiguousarray(enlarge(small, cell)), "RGB")
    draw = ImageDraw.Draw(img)
    line_w = max(2, cell // 22) if max(h, w) <= 12 else 1
    if mask.any():
        tile = _hatch_tile(cell)
        for r, c in zip(*np.nonzero(mask), strict=True):
            img.paste(tile, (int(c) * cell, int(r) * cell))
    for i in range(h + 1):
        y = min(i * cell, h * cell - 1)
        draw.line([(0, y), (w * cell, y)], fill=_GRID_LINE, width=line_w)
    for j in range(w + 1):
        x = min(j * cell, w * cell - 1)
        draw.line([(x, 0), (x, h * cell)], fill=_GRID_LINE, width=line_w)
    if size >= 9:
        for r, c in zip(*np.nonzero(np.isfinite(arr)), strict=True):
            text = fmt_fn(float(arr[r, c]))
            if not text:
                continue
            if mask[r, c]:
                color = _TEXT_GREY
            else:
                cr, cg, cb = (int(v) for v in lut[idx[r, c]])
                lum = (0.2126 * cr + 0.7152 * cg + 0.0722 * cb) / 255
                color = (0, 0, 0) if lum > 0.45 else (255, 255, 255)
            glyphs, (dx, dy) = _text_mask(text.replace("-", "−"), size, bool(mask[r, c]))
            img.paste(color, (int(c * cell + cell / 2) + dx, int(r * cell + cell / 2) + dy), glyphs)
    border = max(3, cell // 9)
    orange, halo = ORANGE, max(1, border // 3)
    for r, c in highlight:  # a thin white line inside keeps neighbouring cells apart
        x0, y0 = int(c) * cell, int(r) * cell
        draw.rectangle([x0, y0, x0 + cell - 1, y0 + cell - 1], outline=orange, width=border)
        inner = [x0 + border, y0 + border, x0 + cell - 1 - border, y0 + cell - 1 - border]
        draw.rectangle(inner, outline=(255, 255, 255), width=halo)
    return img


def sliding_window_geometry(window, dpi=80) -> dict:
    """Where :func:`sliding_window_png` puts its panels, in pixels.

    From :func:`cnnlab.plotting.sliding_window_layout` (inches) at ``dpi`` pixels per inch.

    Parameters
    ----------
    window : cnnlab.lessons.SlidingWindow
    dpi : float, default 80

    Returns
    -------
    dict
        ``"size"``: (width, height) of the picture; ``"cell"``: side of a cell; ``"gap"``:
        pixels between panels; ``"origins"``: panel name (``"input"``, ``"kernel"``,
        ``"products"``, ``"output"``) -> (x, y) of its grid's top-left corner; cell ``(r, c)``
        of a panel covers ``x + c * cell`` to ``x + (c + 1) * cell - 1``.

    Examples
    --------
    >>> from cnnlab.lessons import SlidingWindow, example_6x6
    >>> geometry = sliding_window_geometry(SlidingWindow(*example_6x6()))
    >>> geometry["cell"], geometry["origins"]["input"]
    (50, (12, 116))
    """
    layout = sliding_window_layout(window.padded.shape, window.kernel.shape, window.out_shape)
    px = float(dpi)
    cell = max(12, round(layout["cell"] * px))
    gap = round(layout["gap"] * cell)
    side, top = round(layout["side"] * px), round(layout["top"] * px)
    shapes = {
        "input": window.padded.shape,
        "kernel": window.kernel.shape,
        "products": window.kernel.shape,
        "output": window.out_shape,
    }
    origins, x = {}, side
    for name, (h, w) in shapes.items():
        origins[name] = (x, top + (layout["rows"] - h) * cell // 2)  # centred vertically
        x += w * cell + gap
    return {
        "size": (x - gap + side, top + cell * layout["rows"] + round(layout["bottom"] * px)),
        "cell": cell,
        "gap": gap,
        "origins": origins,
        "rows": layout["rows"],
        "top": top,
    }


def sliding_window_png(window, step, *, dpi=80, panels=None, fmt=None, compress_level=1) -> bytes:
    """The sliding-window picture of one step, drawn with Pillow (a few milliseconds).

    The same four panels, colours, numbers and proportions as
    :class:`cnnlab.plotting.SlidingWindowFigure` (:func:`~cnnlab.plotting.sliding_window_layout`
    and :func:`~cnnlab.plotting.sliding_window_panels`): the padded input with the window
    highlighted and the padding hatched, the kernel, the products with their sum, and the
    output filled in up to ``step`` with the current cell highlighted; the step and the
    settings written above. Panels sit where :func:`sliding_window_geometry` says.

    Parameters
    ----------
    window : cnnlab.lessons.SlidingWindow
    step : int
        0 to ``window.n_steps - 1``.
    dpi : float, default 80
        Pixels per inch of the layout (the picture is as large as the figure at this dpi).
    panels : dict, optional
        ``sliding_window_panels(window, fmt)``, when the caller keeps it between steps.
    fmt : str or callable, optional
        Format of the numbers (when ``panels`` is not given).
    compress_level : int, default 1

    Returns
    -------
    bytes
        An RGB PNG with exact colours.

    Examples
    --------
    >>> from cnnlab.lessons import SlidingWindow, example_6x6
    >>> from cnnlab.widgets.png import png_size
    >>> png_size(sliding_window_png(SlidingWindow(*example_6x6()), 3))
    (1064, 464)
    """
    step = window.check_step(step)
    if panels is None:
        panels = sliding_window_panels(window, fmt)
    geometry = sliding_window_geometry(window, dpi)
    cell, gap = geometry["cell"], geometry["gap"]
    width = geometry["size"][0]

    def pt(points):  # typographic points to pixels
        return max(1, round(points * float(dpi) / 72))

    img = Image.new("RGB", geometry["size"], (255, 255, 255))
    draw = ImageDraw.Draw(img)
    size = fit_font_size(panels["strings"], cell, maximum=pt(22))
    i, j = window.output_index(step)
    none = np.zeros(window.kernel.shape, bool)
    grids = {
        "input": (window.padded, window.padded_mask, window.window_cells(step)),
        "kernel": (window.kernel, none, ()),
        "products": (window.products(step), none, ()),
        "output": (window.partial_output(step), np.zeros(window.out_shape, bool), [(i, j)]),
    }
    middle = geometry["top"] + cell * geometry["rows"] // 2
    for (name, (values, mask, highlight)), symbol in zip(grids.items(), " ×=→", strict=True):
        x, y = geometry["origins"][name]
        if symbol != " ":  # the operator centred in the gap before this panel
            draw.text(
                (x - gap // 2, middle), symbol, fill=(0, 0, 0), font=pil_font(pt(26)), anchor="mm"
            )
        p = panels[name]
        cmap, lo, hi, _ = grid_limits(values, mask, None, p["cmap"], p["vmin"], p["vmax"])
        grid = grid_image(
            np.asarray(values, float),
            mask,
            cell=cell,
            cmap=cmap,
            lo=lo,
            hi=hi,
            fmt_fn=p["format"],
            size=size,
            highlight=highlight,
        )
        img.paste(grid, (x, y))
        centre = x + grid.width // 2
        draw.text(
            (centre, y - pt(6)), p["title"], fill=(0, 0, 0), font=pil_font(pt(18)), anchor="md"
        )
        if name == "products":
            line = window.sum_line(step, panels["sum_format"], panels["output"]["format"])
            below = (centre, y + grid.height + pt(5))
            draw.text(
                below, line.replace("-", "−"), fill=(0, 0, 0), font=pil_font(pt(16)), anchor="ma"
            )
    title_font, text_font = pil_font(pt(22), "-Bold"), pil_font(pt(16))
    draw.text(
        (width // 2, pt(9)), window.step_title(step), fill=(0, 0, 0), font=title_font, anchor="ma"
    )
    subtitle = window.describe().replace("-", "−")
    draw.text((width // 2, pt(52)), subtitle, fill=(64, 64, 64), font=text_font, anchor="mm")
    return encode_flat(img, compress_level)
