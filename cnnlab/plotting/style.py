"""The look of every figure: palettes, colormaps, colour limits and the projector style.

Large fonts (:data:`STYLE`, applied by :func:`use_style`) and colour-blind-safe colormaps:
``"gray"`` for images and unsigned maps, the diverging ``"RdBu_r"`` centred on 0
(``vmin == -vmax``) for signed maps such as Sobel responses, and the Okabe-Ito palette for lines
and highlights. The widgets' palette PNGs (:mod:`cnnlab.widgets.png`) use the same rules, so a map
looks the same in a figure and in an explorer.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Normalize

from .._validate import as_float_array, describe

__all__ = [
    "DIVERGING_CMAP",
    "HIGHLIGHT",
    "HIGHLIGHT_2",
    "IMAGE_CMAP",
    "OKABE_ITO",
    "STYLE",
    "cmap_for",
    "colorize",
    "display_limits",
    "finite_values",
    "is_signed",
    "signed_limits",
    "style_context",
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


def use_style():
    """Apply :data:`STYLE` (large fonts, colour-blind-safe colours) to all later figures.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> use_style()
    >>> plt.rcParams["font.size"]
    16.0
    """
    mpl.rcParams.update(STYLE)


def style_context():
    """A context manager applying :data:`STYLE` only inside a ``with`` block.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with style_context():
    ...     size = plt.rcParams["axes.titlesize"]
    >>> size
    18.0
    """
    return mpl.rc_context(STYLE)


# --------------------------------------------------------------------------------------------
# Colour limits and colormaps
# --------------------------------------------------------------------------------------------
def finite_values(values) -> np.ndarray:
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
    finite = finite_values(values)
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
    finite = finite_values(values)
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
    finite = finite_values(values)
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
