"""Padding: the border added around an image before a window slides over it.

``pad2d`` pads the two spatial axes of ``(H, W)``, ``(H, W, C)`` or ``(N, H, W, C)`` arrays and
never the channel or batch axes. The amount is given as numbers or as one of the presets of
:mod:`cnnlab.shapes` (``"valid"``, ``"same"``, ``"full"``); the fill is one of
:data:`PAD_MODES`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import as_float_array, check_real, describe
from .shapes import resolve_padding

__all__ = ["PAD_MODES", "pad2d"]

#: The fills ``pad2d`` offers (``"zeros"``, ``"edge"`` and ``"circular"`` are accepted aliases).
PAD_MODES = ("constant", "reflect", "replicate", "symmetric", "wrap")
_NP_PAD_MODE = {
    "constant": "constant",
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "edge": "edge",
    "symmetric": "symmetric",
    "wrap": "wrap",
    "circular": "wrap",
}


def _fits(value, dtype) -> bool:
    """Whether the fill ``value`` is exactly representable in an array of ``dtype``."""
    if np.issubdtype(dtype, np.floating):
        return True
    if not float(value).is_integer():
        return False
    if dtype == np.bool_:
        return value in (0, 1)
    info = np.iinfo(dtype)
    return info.min <= value <= info.max


def pad2d(x, padding, mode="constant", value=0, *, kernel_size=None, stride=1, dilation=1):
    """Pad the two spatial axes of an image or a batch of images.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        Image(s); channels and batch axes are never padded.
    padding : int, (int, int), ((int, int), (int, int)) or str
        Symmetric amount, ``(rows, cols)`` or ``((top, bottom), (left, right))``. The presets
        ``"valid"``, ``"same"`` and ``"full"`` need ``kernel_size`` (and ``stride``,
        ``dilation``) to know how much to pad.
    mode : {"constant", "reflect", "replicate", "symmetric", "wrap"}, default "constant"
        How to fill the border: a constant ``value`` (zero padding), a mirror without repeating
        the edge (``reflect``), the edge value repeated (``replicate``), a mirror that repeats
        the edge (``symmetric``), or the opposite side (``wrap``).
    value : real number, default 0
        Fill value for ``mode="constant"`` (an int, a float or a ``fractions.Fraction``).
    kernel_size, stride, dilation : int or (int, int), optional
        Only used to resolve a string ``padding``.

    Returns
    -------
    ndarray, shape (H + top + bottom, W + left + right[, C]) with the batch axis kept
        Same dtype as ``x`` when ``value`` fits it, else floating point.

    Examples
    --------
    >>> pad2d(np.ones((2, 2), dtype=int), 1)
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    >>> pad2d(np.arange(3.0)[None, :], ((0, 0), (2, 0)), mode="reflect")
    array([[2., 1., 0., 1., 2.]])
    >>> pad2d(np.zeros((32, 32)), "same", kernel_size=5).shape
    (36, 36)
    >>> pad2d(np.zeros((0, 2)), 1)   # an image with no rows still gets its border
    array([[0., 0., 0., 0.],
           [0., 0., 0., 0.]])
    """
    arr = np.asarray(x)
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            f"x must be (H, W), (H, W, C) or (N, H, W, C); got shape {arr.shape} "
            f"({arr.ndim} dimensions)."
        )
    if not isinstance(mode, str) or mode.lower() not in _NP_PAD_MODE:
        raise ValueError(f"mode must be one of {PAD_MODES}; got {describe(mode)}.")
    check_real(value, "value")
    if not isinstance(value, numbers.Integral):
        value = float(value)  # a Fraction or NumPy float: np.pad wants a plain number
    hw_axes = (1, 2) if arr.ndim == 4 else (0, 1)
    hw = (arr.shape[hw_axes[0]], arr.shape[hw_axes[1]])
    if isinstance(padding, str):
        if kernel_size is None:
            raise ValueError(
                f"padding={padding!r} needs kernel_size (and stride, dilation) to know how much "
                "to pad; pass kernel_size=..., or give the amounts as numbers."
            )
        pads = resolve_padding(padding, hw, kernel_size, stride, dilation)
    else:
        pads = resolve_padding(padding, hw, 1)
    np_mode = _NP_PAD_MODE[mode.lower()]
    if np_mode != "constant" and 0 in hw:
        raise ValueError(f"mode={mode!r} needs a non-empty image; got shape {arr.shape}.")
    width = [(0, 0)] * arr.ndim
    width[hw_axes[0]], width[hw_axes[1]] = pads
    if np_mode == "constant":
        if not _fits(value, arr.dtype):
            arr = as_float_array(arr, "x")
        return np.pad(arr, width, mode="constant", constant_values=value)
    return np.pad(arr, width, mode=np_mode)
