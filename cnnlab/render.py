"""Fast rendering of arrays to PNG bytes for the explorers' ``ipywidgets.Image`` panels.

Redrawing a matplotlib figure after every slider move takes a few hundred milliseconds on a
small machine; encoding an array straight to PNG takes a few. The explorers in
:mod:`cnnlab.widgets` therefore draw images and feature maps with this module, using the same
colormaps and colour limits as :mod:`cnnlab.plotting` (:func:`~cnnlab.plotting.cmap_for`,
:func:`~cnnlab.plotting.display_limits`), so a map looks the same in a figure and in a widget.

How it is fast:

* a colormapped array is written as an 8-bit *palette* PNG (one byte per pixel, the colormap's
  256 colours as the palette), which Pillow compresses several times faster than RGB;
* small arrays are enlarged by an integer factor with :func:`numpy.repeat`, so their cells stay
  sharp squares in the browser (no blurry interpolation);
* ``compress_level=1``: nearly the size of the default level for a fraction of the time.

Everything here takes arrays and returns bytes; nothing is displayed.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ._validate import as_float_array, check_positive_int, describe
from .plotting import (
    DIVERGING_CMAP,
    HIGHLIGHT,
    cell_formatter,
    cmap_for,
    display_limits,
    signed_limits,
    sliding_window_layout,
    sliding_window_panels,
)

__all__ = [
    "DISPLAY_SIDE",
    "array_to_png",
    "blank_png",
    "color_indices",
    "figure_png",
    "grid_png",
    "histogram_png",
    "png_size",
    "scale_for",
    "sliding_window_geometry",
    "sliding_window_png",
]

#: Target side (pixels) of the image panels: arrays are enlarged by an integer factor up to it.
DISPLAY_SIDE = 512

_PAD_FACE = (236, 236, 236)
_PAD_HATCH = (154, 154, 154)
_GRID_LINE = (64, 64, 64)
_TEXT_GREY = (90, 90, 90)
_MISSING = (244, 244, 244)
_BAR = (0, 114, 178)  # Okabe-Ito blue
_FONT_DIR = Path(mpl.get_data_path()) / "fonts" / "ttf"


@lru_cache(maxsize=64)
def _font(size: int, style: str = "") -> ImageFont.FreeTypeFont:
    """DejaVu Sans (shipped with matplotlib, so always present) at ``size`` pixels."""
    return ImageFont.truetype(str(_FONT_DIR / f"DejaVuSans{style}.ttf"), int(size))


@lru_cache(maxsize=512)
def _text_mask(text: str, size: int, italic: bool = False):
    """A text rendered once as an alpha mask, and its offset from the centre point.

    Grids repeat the same few numbers, so pasting cached masks is much faster than laying the
    text out again for every cell.
    """
    font = _font(size, "-Oblique" if italic else "")
    left, top, right, bottom = font.getbbox(text, anchor="mm")
    mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor="mm")
    return mask, (left, top)


@lru_cache(maxsize=16)
def _palette(name: str) -> bytes:
    """The 256 colours of a matplotlib colormap as a flat RGB palette."""
    lut = mpl.colormaps[name].resampled(256)(np.arange(256), bytes=True)[:, :3]
    return lut.astype(np.uint8).tobytes()


def _quantize(img: Image.Image) -> Image.Image:
    """256 colours (fast octree, no dithering): a palette PNG encodes several times faster.

    Pictures of flat colours and text look the same; the background (the top-left pixel)
    keeps its exact colour, which the octree would otherwise average with its neighbours.
    """
    corner = img.getpixel((0, 0))
    out = img.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette = out.getpalette()
    i = out.getpixel((0, 0))
    palette[3 * i : 3 * i + 3] = corner
    out.putpalette(palette)
    return out


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _encode_flat(img: Image.Image, compress_level: int = 1) -> bytes:
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


def _encode(img: Image.Image, compress_level: int = 1) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="png", compress_level=compress_level)
    return buffer.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """``(width, height)`` of PNG bytes, read from the header.

    Examples
    --------
    >>> png_size(array_to_png(np.zeros((3, 5)), scale=2))
    (10, 6)
    """
    if (
        not isinstance(data, bytes | bytearray | memoryview)
        or bytes(data[:8]) != b"\x89PNG\r\n\x1a\n"
    ):
        raise ValueError(f"data must be the bytes of a PNG file; got {describe(data)}.")
    header = bytes(data[16:24])
    return (int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big"))


def scale_for(shape, side: int = DISPLAY_SIDE) -> int:
    """Integer enlargement so the longer side of an ``(H, W)`` array comes close to ``side``.

    Never below 1: arrays larger than ``side`` are shown at their own size.

    Examples
    --------
    >>> scale_for((6, 6)), scale_for((256, 200)), scale_for((510, 510))
    (85, 2, 1)
    """
    longest = max(int(shape[0]), int(shape[1]), 1)
    return max(1, int(side) // longest)


def color_indices(values, *, signed=None, cmap=None, vmin=None, vmax=None):
    """Colormap indices (0-255) of a 2-D array, exactly as matplotlib would colour it.

    Parameters
    ----------
    values : ndarray, shape (H, W)
    signed, cmap, vmin, vmax : optional
        As for :func:`cnnlab.plotting.colorize`: by default the diverging map with symmetric
        limits when there are negative values, else gray with :func:`display_limits`.

    Returns
    -------
    indices : ndarray of uint8, shape (H, W)
        ``palette[indices]`` equals ``cnnlab.plotting.colorize(values, ...)``.
    cmap : str
        The colormap's name.
    limits : (float, float)
        ``(vmin, vmax)`` used.

    Examples
    --------
    >>> idx, name, limits = color_indices(np.array([[-1.0, 0.0, 1.0]]))
    >>> idx.tolist(), name, limits
    ([[0, 128, 255]], 'RdBu_r', (-1.0, 1.0))
    """
    raw = np.asarray(values)
    arr = as_float_array(raw, "values", ndims=(2,))
    # plotting's rules depend only on the smallest and largest finite value (and the dtype),
    # so apply them to those two numbers instead of scanning the whole array several times
    summary = np.array([arr.min(), arr.max()]) if arr.size else np.array([0.0, 1.0])
    if not np.all(np.isfinite(summary)):
        finite = arr[np.isfinite(arr)]
        summary = np.array([finite.min(), finite.max()]) if finite.size else np.zeros(0)
    summary = summary.astype(raw.dtype if raw.dtype == np.uint8 else np.float64)
    lo, hi = display_limits(summary, signed)
    lo = float(lo if vmin is None else vmin)
    hi = float(hi if vmax is None else vmax)
    name = cmap or cmap_for(summary, signed)
    # matplotlib: Normalize in the array's float type, then floor(t * N) clipped to [0, N - 1]
    t = arr - arr.dtype.type(lo) if arr.dtype.kind == "f" else arr - lo
    t /= hi - lo
    t *= 256
    np.nan_to_num(t, copy=False, nan=0.0)
    np.clip(t, 0, 255, out=t)
    return t.astype(np.uint8), name, (lo, hi)


def _enlarge(arr: np.ndarray, scale: int) -> np.ndarray:
    if scale == 1:
        return arr
    return np.repeat(np.repeat(arr, scale, axis=0), scale, axis=1)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _draw_frame(img: Image.Image, frame, scale: int, colors=None) -> None:
    """Outline a region (array cells); dashed dark/light on palette images, orange on RGB."""
    top, left, height, width = (int(v) * scale for v in frame)
    line = max(2, min(img.size) // 150)
    x0, y0 = left - line, top - line
    x1, y1 = left + width + line - 1, top + height + line - 1
    draw = ImageDraw.Draw(img)
    if colors is None:
        draw.rectangle([x0, y0, x1, y1], outline=_rgb(HIGHLIGHT), width=line)
        return
    dash = 4 * line
    for n, start in enumerate(range(min(x0, y0), max(x1, y1) + 1, dash)):
        fill = colors[n % 2]
        if x0 <= start <= x1:
            end = min(start + dash, x1)
            draw.line([(start, y0), (end, y0)], fill=fill, width=line)
            draw.line([(start, y1), (end, y1)], fill=fill, width=line)
        if y0 <= start <= y1:
            end = min(start + dash, y1)
            draw.line([(x0, start), (x0, end)], fill=fill, width=line)
            draw.line([(x1, start), (x1, end)], fill=fill, width=line)


@lru_cache(maxsize=16)
def _dark_light(name: str) -> tuple[int, int]:
    """Palette indices of the darkest and the lightest colour of a colormap."""
    lut = np.frombuffer(_palette(name), np.uint8).reshape(256, 3).astype(float)
    lum = lut @ np.array([0.2126, 0.7152, 0.0722])
    return int(np.argmin(lum)), int(np.argmax(lum))


def _label(value: float) -> str:
    text = f"{value:.3g}"
    return "0" if text in ("-0", "0") else text.replace("-", "−")


def _with_colorbar(img: Image.Image, name: str, lo: float, hi: float) -> Image.Image:
    """Append a colour bar with three labelled ticks to the right of a palette image.

    The result stays a palette image (fast to encode): the labels use the colormap's darkest
    colour on its lightest one (black on white for gray, navy on white for RdBu_r).
    """
    w, h = img.size
    size = max(14, round(max(h, w, 300) * 0.045))
    font = _font(size)
    bar_w, gap = max(16, size), max(8, size // 2)
    labels = [(0.0, _label(hi)), (0.5, _label((lo + hi) / 2)), (1.0, _label(lo))]
    text_w = max(int(font.getlength(t)) for _, t in labels)
    dark, light = _dark_light(name)
    out = Image.new("P", (w + gap + bar_w + gap // 2 + text_w + 6, h), light)
    out.putpalette(_palette(name))
    out.paste(img, (0, 0))
    ramp = np.linspace(255, 0, h).astype(np.uint8)[:, None].repeat(bar_w, axis=1)
    out.paste(Image.fromarray(ramp, "P"), (w + gap, 0))
    draw = ImageDraw.Draw(out)
    x_text = w + gap + bar_w + gap // 2 + 2
    for frac, text in labels:
        y = min(int(frac * h), h - 2)
        anchor = "lt" if frac == 0 else ("lb" if frac == 1 else "lm")
        draw.text((x_text, y), text, fill=dark, font=font, anchor=anchor)
    return out


def array_to_png(
    values,
    *,
    signed=None,
    cmap=None,
    vmin=None,
    vmax=None,
    scale=None,
    side=DISPLAY_SIDE,
    colorbar=False,
    frame=None,
    compress_level=1,
) -> bytes:
    """Encode an image or a feature map as PNG bytes, enlarged and colour-mapped.

    Parameters
    ----------
    values : ndarray, shape (H, W) or RGB (H, W, 3)
        Grayscale images and feature maps get a colormap (as :func:`color_indices`); RGB images
        (floats in [0, 1] or uint8) are written as they are.
    signed, cmap, vmin, vmax : optional
        Colour choices, as for :func:`cnnlab.plotting.show_image`.
    scale : int, optional
        Enlargement factor; default :func:`scale_for` ``(shape, side)``.
    side : int, default DISPLAY_SIDE
    colorbar : bool, default False
        Add a colour bar with the limits to the right (not for RGB).
    frame : (top, left, height, width), optional
        Outline this region (in array cells), e.g. the image inside its padding: dashed
        black and white on colour-mapped arrays, orange on RGB images.
    compress_level : int, default 1

    Returns
    -------
    bytes
        A PNG file; an 8-bit palette PNG for colour-mapped arrays.

    Examples
    --------
    >>> data = array_to_png(np.eye(4))
    >>> data[:4], png_size(data)
    (b'\\x89PNG', (512, 512))
    """
    arr = np.asarray(values)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    is_rgb = arr.ndim == 3 and arr.shape[2] in (3, 4)
    if not (arr.ndim == 2 or is_rgb):
        raise ValueError(f"values must have shape (H, W) or RGB (H, W, 3); got shape {arr.shape}.")
    k = scale_for(arr.shape, side) if scale is None else check_positive_int(scale, "scale")
    if is_rgb:
        rgb = arr[:, :, :3]
        if rgb.dtype != np.uint8:
            rgb = (np.clip(as_float_array(rgb, "values"), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        img = Image.fromarray(np.ascontiguousarray(_enlarge(rgb, k)), "RGB")
        if frame is not None:
            _draw_frame(img, frame, k)
        return _encode(img, compress_level)
    idx, name, (lo, hi) = color_indices(arr, signed=signed, cmap=cmap, vmin=vmin, vmax=vmax)
    img = Image.fromarray(_enlarge(idx, k), "P")
    img.putpalette(_palette(name))
    if frame is not None:
        _draw_frame(img, frame, k, colors=_dark_light(name))
    if colorbar:
        img = _with_colorbar(img, name, lo, hi)
    return _encode(img, compress_level)


@lru_cache(maxsize=32)
def _hatch_tile(cell: int) -> Image.Image:
    """One padding cell: light grey with "//" hatching, as in :func:`cnnlab.plotting.show_grid`."""
    tile = Image.new("RGB", (cell, cell), _PAD_FACE)
    draw = ImageDraw.Draw(tile)
    for off in range(-cell, cell, max(6, cell // 5)):
        draw.line([(off, cell), (off + cell, 0)], fill=_PAD_HATCH, width=1)
    return tile


def _fit_font_size(strings, cell: int, maximum: float) -> int:
    """Largest font size (pixels) at which every string fits in a cell (as plotting does)."""
    font = _font(100)
    widest = max(
        (font.getlength(t.replace("-", "−")) / 100 for t in set(strings) if t), default=0.6
    )
    return int(max(6, min(maximum, 0.48 * cell, 0.9 * cell / max(widest, 0.6))))


def _grid_limits(arr, mask, signed, cmap, vmin, vmax):
    """Colormap and limits of a grid, by :func:`cnnlab.plotting.show_grid`'s rules."""
    real = arr[~mask] if (~mask).any() else arr.ravel()
    if cmap is None:
        cmap = cmap_for(real, signed)
    lo, hi = display_limits(real, signed) if real.size else (0.0, 1.0)
    if cmap == DIVERGING_CMAP and vmin is None and vmax is None:
        lo, hi = signed_limits(real)
    return cmap, (lo if vmin is None else vmin), (hi if vmax is None else vmax), real


def _grid_image(arr, mask, *, cell, cmap, lo, hi, fmt_fn, size, highlight=()) -> Image.Image:
    """Draw a grid of numbered cells (RGB image of ``w * cell`` by ``h * cell`` pixels)."""
    h, w = arr.shape
    idx, _, _ = color_indices(arr, cmap=cmap, vmin=lo, vmax=hi)
    lut = np.frombuffer(_palette(cmap), np.uint8).reshape(256, 3)
    small = lut[idx]
    small[~np.isfinite(arr)] = _MISSING  # NaN cells: blank (e.g. the holes of a dilated kernel)
    img = Image.fromarray(np.ascontiguousarray(_enlarge(small, cell)), "RGB")
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
    orange, halo = _rgb(HIGHLIGHT), max(1, border // 3)
    for r, c in highlight:  # a thin white line inside keeps neighbouring cells apart
        x0, y0 = int(c) * cell, int(r) * cell
        draw.rectangle([x0, y0, x0 + cell - 1, y0 + cell - 1], outline=orange, width=border)
        inner = [x0 + border, y0 + border, x0 + cell - 1 - border, y0 + cell - 1 - border]
        draw.rectangle(inner, outline=(255, 255, 255), width=halo)
    return img


def grid_png(
    values,
    *,
    fmt=None,
    side=360,
    signed=None,
    cmap=None,
    vmin=None,
    vmax=None,
    highlight=(),
    padded_mask=None,
    show_values=True,
    compress_level=1,
) -> bytes:
    """A small array as a grid of coloured cells with their numbers, as PNG bytes.

    The look of :func:`cnnlab.plotting.show_grid` (thick grid lines, numbers in black or white
    by the cell's brightness, padded cells hatched grey, highlighted cells with a thick orange
    border, the same colours and number format), drawn with Pillow in a few milliseconds.

    Parameters
    ----------
    values : ndarray, shape (H, W)
    fmt : str or callable, optional
        Format spec (``".2f"``) or function for the numbers; default
        :func:`cnnlab.plotting.cell_formatter`'s (integers without decimals, else at most two
        decimals, trailing zeros dropped).
    side : int, default 360
        Approximate size in pixels of the longer side.
    signed, cmap, vmin, vmax : optional
        Colours as for :func:`color_indices` (computed from the non-padded cells).
    highlight : list of (row, col)
    padded_mask : ndarray of bool, shape (H, W), optional
    show_values : bool, default True
        Numbers are left out anyway when the cells are too small to read them.
    compress_level : int, default 1

    Returns
    -------
    bytes

    Examples
    --------
    >>> data = grid_png(np.arange(9).reshape(3, 3), highlight=[(0, 0)])
    >>> png_size(data)
    (360, 360)
    """
    arr = as_float_array(values, "values", ndims=(2,))
    h, w = arr.shape
    mask = np.zeros((h, w), bool) if padded_mask is None else np.asarray(padded_mask, bool)
    if mask.shape != arr.shape:
        raise ValueError(
            f"padded_mask must have the shape of values {arr.shape}; got shape {mask.shape}."
        )
    cmap, lo, hi, real = _grid_limits(arr, mask, signed, cmap, vmin, vmax)
    cell = max(8, int(side) // max(h, w))
    fmt_fn = cell_formatter(fmt, real)
    texts = [fmt_fn(float(v)) for v in arr[np.isfinite(arr)]]
    size = _fit_font_size(texts, cell, maximum=cell) if show_values else 0
    img = _grid_image(
        arr, mask, cell=cell, cmap=cmap, lo=lo, hi=hi, fmt_fn=fmt_fn, size=size, highlight=highlight
    )
    return _encode_flat(img, compress_level)


def sliding_window_geometry(window, dpi=80) -> dict:
    """Where :func:`sliding_window_png` puts its panels, in pixels.

    From :func:`cnnlab.plotting.sliding_window_layout` (inches) at ``dpi`` pixels per inch.

    Parameters
    ----------
    window : cnnlab.teaching.SlidingWindow
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
    >>> from cnnlab.teaching import SlidingWindow, example_6x6
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
    window : cnnlab.teaching.SlidingWindow
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
    >>> from cnnlab.teaching import SlidingWindow, example_6x6
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
    size = _fit_font_size(panels["strings"], cell, maximum=pt(22))
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
                (x - gap // 2, middle), symbol, fill=(0, 0, 0), font=_font(pt(26)), anchor="mm"
            )
        p = panels[name]
        cmap, lo, hi, _ = _grid_limits(values, mask, None, p["cmap"], p["vmin"], p["vmax"])
        grid = _grid_image(
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
        draw.text((centre, y - pt(6)), p["title"], fill=(0, 0, 0), font=_font(pt(18)), anchor="md")
        if name == "products":
            line = window.sum_line(step, panels["sum_format"], panels["output"]["format"])
            below = (centre, y + grid.height + pt(5))
            draw.text(
                below, line.replace("-", "−"), fill=(0, 0, 0), font=_font(pt(16)), anchor="ma"
            )
    title_font, text_font = _font(pt(22), "-Bold"), _font(pt(16))
    draw.text(
        (width // 2, pt(9)), window.step_title(step), fill=(0, 0, 0), font=title_font, anchor="ma"
    )
    subtitle = window.describe().replace("-", "−")
    draw.text((width // 2, pt(52)), subtitle, fill=(64, 64, 64), font=text_font, anchor="mm")
    return _encode_flat(img, compress_level)


def histogram_png(
    values,
    *,
    bins=40,
    value_range=None,
    width=480,
    height=280,
    title=None,
    color=_BAR,
    compress_level=1,
) -> bytes:
    """A histogram of the values of an array, with labelled axes, as PNG bytes.

    Parameters
    ----------
    values : array_like, any shape
        NaN and infinite values are left out.
    bins : int, default 40
    value_range : (float, float), optional
        Range of the bins; default the data's range.
    width, height : int
        Size in pixels.
    title : str, optional
        Written at the top.
    color : (int, int, int)
        Bar colour.
    compress_level : int, default 1

    Returns
    -------
    bytes

    Examples
    --------
    >>> png_size(histogram_png(np.random.default_rng(0).normal(size=1000)))
    (480, 280)
    """
    arr = as_float_array(values, "values").ravel()
    arr = arr[np.isfinite(arr)]
    lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 1.0)
    if value_range is not None:
        lo, hi = (float(v) for v in value_range)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    counts, _ = np.histogram(arr, bins=check_positive_int(bins, "bins"), range=(lo, hi))
    # drawn straight into palette indices (white, then 32-step blends of white with black,
    # grey and the bar colour), so anti-aliased text keeps its look and encoding stays fast
    width, height = int(width), int(height)
    size = max(13, height // 14)
    small = max(12, size - 3)
    idx = np.zeros((height, width), np.uint8)
    left, right, bottom = 12, width - 12, height - size - 16
    share = counts.max() / max(arr.size, 1) if arr.size else 0.0
    if title:
        _put_text(idx, title, (left, 4), size, "lt", _BLACK)
    _put_text(idx, f"tallest bar: {share:.0%} of values", (right, 6), small, "rt", _GREY)
    top = size + 16
    peak = max(int(counts.max()) if counts.size else 1, 1)
    edges = np.linspace(left, right, len(counts) + 1).round().astype(int)
    for i, n in enumerate(counts):
        if n:
            y = int(round(bottom - (bottom - top) * n / peak))
            idx[min(y, bottom - 1) : bottom, edges[i] : max(edges[i] + 1, edges[i + 1] - 1)] = (
                _COLOUR + 31
            )
    idx[bottom : bottom + 2, left:right] = _BLACK + 31
    ticks = [lo, hi] if not lo < 0 < hi else [lo, 0.0, hi]
    for v in ticks:
        x = int(round(left + (right - left) * (v - lo) / (hi - lo)))
        idx[bottom : bottom + 7, max(x - 1, 0) : x + 1] = _BLACK + 31
        anchor = "lt" if v == lo else ("rt" if v == hi else "mt")
        _put_text(idx, _label(v), (x, bottom + 8), size, anchor, _BLACK)
    img = Image.fromarray(idx, "P")
    img.putpalette(_blend_palette(tuple(int(c) for c in color)))
    return _encode(img, compress_level)


_BLACK, _GREY, _COLOUR = 0, 32, 64  # first index of each blend ramp in _blend_palette


def _put_text(idx, text, xy, size, anchor, ramp):
    """Write anti-aliased text into a palette-index array (on white) using a blend ramp."""
    font = _font(size)
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor=anchor)
    alpha = np.asarray(mask)
    x0, y0 = int(xy[0]) + left, int(xy[1]) + top
    h, w = idx.shape
    ys, xs = (
        slice(max(y0, 0), min(y0 + alpha.shape[0], h)),
        slice(max(x0, 0), min(x0 + alpha.shape[1], w)),
    )
    a = alpha[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0]
    region = idx[ys, xs]
    ink = a > 0
    region[ink] = ramp + np.rint(a[ink] * (31 / 255)).astype(np.uint8)


@lru_cache(maxsize=8)
def _blend_palette(color) -> bytes:
    """Palette: white, then white blended with black, grey and ``color`` in 32 steps each.

    Index 0 is white; ramp ``r`` (0, 32 or 64) reaches its full colour at ``r + 31``.
    """
    steps = np.linspace(0.0, 1.0, 32)[:, None]
    white = np.array([255.0, 255.0, 255.0])
    ramps = [white + (np.array(c, float) - white) * steps for c in ((0, 0, 0), _TEXT_GREY, color)]
    colours = np.concatenate(ramps).round().astype(np.uint8)
    return colours.tobytes() + bytes([255]) * (768 - colours.size)


def blank_png(width=DISPLAY_SIDE, height=DISPLAY_SIDE, text="") -> bytes:
    """A light-grey placeholder (shown instead of a map that cannot be computed).

    Examples
    --------
    >>> png_size(blank_png(40, 30))
    (40, 30)
    """
    img = Image.new("RGB", (int(width), int(height)), (244, 244, 244))
    if text:
        draw = ImageDraw.Draw(img)
        draw.text(
            (width / 2, height / 2),
            text,
            fill=_TEXT_GREY,
            font=_font(max(14, width // 18)),
            anchor="mm",
        )
    return _encode(img)


def figure_png(fig, *, artists=None, background=None, quantize=True, compress_level=1) -> bytes:
    """Render a matplotlib figure (Agg canvas) to PNG bytes, optionally by blitting.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure with an Agg canvas (``FigureCanvasAgg(fig)``).
    artists : list of Artist, optional
        With ``background``: restore the saved background and redraw only these artists
        (animated artists, the fast path); without: a full draw.
    background : object, optional
        What ``fig.canvas.copy_from_bbox(fig.bbox)`` returned after a full draw.
    quantize : bool, default True
        Reduce to 256 colours (fast octree, no dithering) and write a palette PNG: several
        times faster to encode than RGB, and a figure of flat colours looks the same.
    compress_level : int, default 1

    Returns
    -------
    bytes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> fig = Figure(figsize=(2, 1), dpi=50)
    >>> canvas = FigureCanvasAgg(fig)
    >>> png_size(figure_png(fig))
    (100, 50)
    """
    canvas = fig.canvas
    if artists is not None and background is not None:
        canvas.restore_region(background)
        for artist in artists:
            fig.draw_artist(artist)
    else:
        canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    img = Image.fromarray(np.ascontiguousarray(rgba[:, :, :3]), "RGB")
    return _encode(_quantize(img) if quantize else img, compress_level)
