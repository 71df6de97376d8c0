"""Arrays to pictures for the explorers' image and feature-map panels, and to PNG bytes.

The big panels (images and feature maps, up to 512x512) change on every slider move. Drawing
them with matplotlib (``imshow`` + a full redraw) costs tens of milliseconds; mapping the
array to palette indices costs a few (``benchmarks/bench_widgets.py`` measures both).
:func:`draw_map` makes the picture a :class:`~cnnlab.widgets.map_view.MapView` sends to the
browser as canvas pixels; the same picture as PNG (:func:`array_to_png`) is what the static
site and the tests read. So:

* a colour-mapped array is written as an 8-bit *palette* PNG: one byte per pixel, the
  colormap's 256 colours as the palette (the same colormaps and limits as
  :mod:`cnnlab.plotting`: :func:`color_indices` equals :func:`cnnlab.plotting.colorize`),
  which Pillow compresses several times faster than RGB;
* small arrays are enlarged by an integer factor with :func:`numpy.repeat`, so their cells
  stay sharp squares in the browser; arrays larger than the panel are shrunk to block means
  (:func:`reduce_mean`), so a picture is sent at about the size it is displayed;
* ``compress_level=1``: nearly the size of the default level for a fraction of the time.

The small pictures (number grids, colour bars, histograms, curves, the sliding window) are
not pictures here: they are SVG markup the browser draws (:mod:`cnnlab.widgets.pictures`).

>>> png_size(array_to_png(np.zeros((3, 5)), scale=2))
(10, 6)
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import matplotlib as mpl
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .._validate import as_float_array, check_int, describe
from ..plotting import HIGHLIGHT, cmap_for, display_limits
from .settings import FrozenArray

__all__ = [
    "DrawnMap",
    "draw_map",
    "drawn_map",
    "DISPLAY_SIDE",
    "array_to_png",
    "blank_png",
    "color_indices",
    "enlarge",
    "indices_image",
    "indices_png",
    "palette",
    "pil_font",
    "png_size",
    "reduce_mean",
    "reduction_for",
    "rgb_image",
    "scale_for",
    "shrunk_indices",
]

#: Target side (pixels) of the image panels: arrays are enlarged by an integer factor up to it.
DISPLAY_SIDE = 512

_TEXT_GREY = (90, 90, 90)
_FONT_DIR = Path(mpl.get_data_path()) / "fonts" / "ttf"


@lru_cache(maxsize=64)
def pil_font(size: int, style: str = "") -> ImageFont.FreeTypeFont:
    """DejaVu Sans (shipped with matplotlib, so always present) at ``size`` pixels."""
    return ImageFont.truetype(str(_FONT_DIR / f"DejaVuSans{style}.ttf"), int(size))


@lru_cache(maxsize=16)
def palette(name: str) -> bytes:
    """The 256 colours of a matplotlib colormap as a flat RGB palette."""
    lut = mpl.colormaps[name].resampled(256)(np.arange(256), bytes=True)[:, :3]
    return lut.astype(np.uint8).tobytes()


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


def reduction_for(shape, side: int = DISPLAY_SIDE) -> int:
    """Integer shrinking so the longer side of an ``(H, W)`` array is at most ``side``.

    1 (no shrinking) while the array fits; otherwise ``ceil(longest / side)``, so an array is
    sent at about the size it is displayed rather than larger (:func:`reduce_mean`).

    Examples
    --------
    >>> reduction_for((512, 512), 512), reduction_for((512, 512), 320), reduction_for((30, 30), 8)
    (1, 2, 4)
    """
    longest = max(int(shape[0]), int(shape[1]), 1)
    return max(1, -(-longest // max(1, int(side))))


def reduce_mean(arr: np.ndarray, factor: int) -> np.ndarray:
    """Means of ``factor`` x ``factor`` blocks (rows and columns padded by repeating the edge).

    Examples
    --------
    >>> reduce_mean(np.arange(16.0).reshape(4, 4), 2)
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> reduce_mean(np.arange(9.0).reshape(3, 3), 2)  # the last row and column repeat
    array([[2. , 3.5],
           [6.5, 8. ]])
    """
    factor = int(factor)
    if factor == 1:
        return arr
    h, w = arr.shape[:2]
    ph, pw = -h % factor, -w % factor
    if ph or pw:
        arr = np.pad(arr, [(0, ph), (0, pw)] + [(0, 0)] * (arr.ndim - 2), mode="edge")
    # a sum of factor² strided views: several times faster than reshape(...).mean(axis=(1, 3))
    dtype = np.float32 if arr.dtype == np.float32 else np.float64
    total = np.zeros((arr.shape[0] // factor, arr.shape[1] // factor, *arr.shape[2:]), dtype)
    for i in range(factor):
        for j in range(factor):
            total += arr[i::factor, j::factor]
    total *= dtype(1.0 / factor**2)
    return total


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
    name, lo, hi = _limits(raw, arr, signed, cmap, vmin, vmax)
    return _map(arr, lo, hi), name, (lo, hi)


def _limits(raw, arr, signed, cmap, vmin, vmax):
    """Colormap name and limits of :func:`color_indices` (``arr``: ``raw`` as float)."""
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
    return name, lo, hi


def _map(arr, lo, hi) -> np.ndarray:
    """Colormap indices of ``arr`` (float) between ``lo`` and ``hi``, as matplotlib picks them."""
    # matplotlib: Normalize in the array's float type, then floor(t * N) clipped to [0, N - 1]
    t = arr - arr.dtype.type(lo) if arr.dtype.kind == "f" else arr - lo
    t /= hi - lo
    t *= 256
    np.nan_to_num(t, copy=False, nan=0.0)
    np.clip(t, 0, 255, out=t)
    return t.astype(np.uint8)


def enlarge(arr: np.ndarray, scale: int) -> np.ndarray:
    if scale == 1:
        return arr
    return np.repeat(np.repeat(arr, scale, axis=0), scale, axis=1)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _draw_frame(img: Image.Image, frame, scale: int, colors=None) -> None:
    """Outline a region (array cells); dashed dark/light on palette images, orange on RGB."""
    top, left, height, width = (round(int(v) * scale) for v in frame)
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
    lut = np.frombuffer(palette(name), np.uint8).reshape(256, 3).astype(float)
    lum = lut @ np.array([0.2126, 0.7152, 0.0722])
    return int(np.argmin(lum)), int(np.argmax(lum))


def array_to_png(
    values,
    *,
    signed=None,
    cmap=None,
    vmin=None,
    vmax=None,
    scale=None,
    side=DISPLAY_SIDE,
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
    k = scale_for(arr.shape, side) if scale is None else check_int(scale, "scale")
    shrink = reduction_for(arr.shape, side) if scale is None else 1
    if is_rgb:
        return _encode(rgb_image(arr, scale=k, shrink=shrink, frame=frame), compress_level)
    idx, name, _ = shrunk_indices(arr, shrink, signed=signed, cmap=cmap, vmin=vmin, vmax=vmax)
    return indices_png(
        idx, name, scale=k, frame=frame, compress_level=compress_level, shrink=shrink
    )


def rgb_image(values, *, scale=1, shrink=1, frame=None) -> Image.Image:
    """An RGB image (floats in [0, 1] or uint8) as :func:`array_to_png` draws it, unencoded."""
    rgb = np.asarray(values)[:, :, :3]
    if shrink > 1:
        floats = as_float_array(rgb, "values") / (255.0 if rgb.dtype == np.uint8 else 1.0)
        rgb = reduce_mean(floats, shrink)
    if rgb.dtype != np.uint8:
        rgb = (np.clip(as_float_array(rgb, "values"), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    img = Image.fromarray(np.ascontiguousarray(enlarge(rgb, int(scale))), "RGB")
    if frame is not None:
        _draw_frame(img, frame, int(scale) / int(shrink))
    return img


def shrunk_indices(values, shrink, **colours):
    """:func:`color_indices` of the ``shrink`` x ``shrink`` block means of ``values``.

    The colormap and its limits are those of the whole array (so the colour bar is the same
    as without shrinking); only the picture is smaller (:func:`reduce_mean`).

    Examples
    --------
    >>> idx, name, limits = shrunk_indices(np.array([[0.0, 1.0], [1.0, 1.0]]), 2)
    >>> idx.tolist(), limits
    ([[192]], (0.0, 1.0))
    """
    if shrink == 1:
        return color_indices(values, **colours)
    raw = np.asarray(values)
    arr = as_float_array(raw, "values", ndims=(2,))
    c = {k: colours.get(k) for k in ("signed", "cmap", "vmin", "vmax")}
    name, lo, hi = _limits(raw, arr, c["signed"], c["cmap"], c["vmin"], c["vmax"])
    return _map(reduce_mean(arr, shrink), lo, hi), name, (lo, hi)


def indices_png(indices, cmap, *, scale=1, frame=None, compress_level=1, shrink=1) -> bytes:
    """Colormap indices (:func:`color_indices`) as a palette PNG with ``cmap``'s colours.

    For callers that need the colours too (e.g. for a colour bar): ``color_indices`` once,
    then this; :func:`array_to_png` does both.

    Examples
    --------
    >>> idx, cmap, limits = color_indices(np.array([[0.0, 1.0]]))
    >>> png_size(indices_png(idx, cmap, scale=3)), limits
    ((6, 3), (0.0, 1.0))
    """
    img = indices_image(indices, cmap, scale=scale, frame=frame, shrink=shrink)
    return _encode(img, compress_level)


def indices_image(indices, cmap, *, scale=1, frame=None, shrink=1) -> Image.Image:
    """What :func:`indices_png` encodes: a palette image, enlarged, the frame drawn in."""
    img = Image.fromarray(enlarge(np.asarray(indices, np.uint8), int(scale)), "P")
    img.putpalette(palette(cmap))
    if frame is not None:  # in cells of the array before it was shrunk by ``shrink``
        _draw_frame(img, frame, int(scale) / int(shrink), colors=_dark_light(cmap))
    return img


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
            font=pil_font(max(14, width // 18)),
            anchor="mm",
        )
    return _encode(img)


class DrawnMap(NamedTuple):
    """A map drawn as a picture (Pillow image of mode "P", or "RGB"), with the colours used."""

    image: Image.Image
    cmap: str | None  # None for RGB
    limits: tuple


def draw_map(values, side, *, frame=None, **colours) -> DrawnMap:
    """An image (RGB) or a map (colour-mapped) drawn at about ``side`` pixels, frame drawn in."""
    arr = np.asarray(values)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim != 2:
        k, shrink = scale_for(arr.shape, side), reduction_for(arr.shape, side)
        return DrawnMap(rgb_image(arr, scale=k, shrink=shrink, frame=frame), None, ())
    k, shrink = scale_for(arr.shape, side), reduction_for(arr.shape, side)
    idx, cmap, limits = shrunk_indices(arr, shrink, **colours)
    return DrawnMap(indices_image(idx, cmap, scale=k, frame=frame, shrink=shrink), cmap, limits)


@lru_cache(maxsize=16)
def drawn_map(values: FrozenArray, side: int, colours: tuple) -> DrawnMap:
    """:func:`draw_map` cached by content, for panels that often stay the same."""
    return draw_map(values.array, side, **dict(colours))
