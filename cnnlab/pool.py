"""Pooling in NumPy: the loop definition beside the vectorised version.

* :func:`pool2d_naive` — plain loops over the output cells, clipping each window to the real
  cells of the image. Read this one.
* :func:`pool2d` — one pass per window offset over every position at once (the same
  "loop over the taps, vectorise over the positions" idea as a convolution); tested equal to
  ``pool2d_naive`` and to ``tf.nn.max_pool2d`` / ``tf.nn.avg_pool2d``.

Padding never counts: ``max`` ignores padded cells, ``avg`` divides by the number of real cells
(TensorFlow's 'same' rule) and ``l2`` adds nothing for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_pair, describe
from .shapes import output_size, resolve_padding

__all__ = ["POOL_MODES", "pool2d", "pool2d_naive"]

#: The reductions pool2d offers.
POOL_MODES = ("max", "avg", "l2")


@dataclass(frozen=True)
class _PoolInputs:
    """Checked arguments of a pooling, before any padding."""

    x: np.ndarray  # (N, H, W, C), floating
    pool: tuple[int, int]
    stride: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right))
    out_hw: tuple[int, int]
    mode: str
    ndim: int  # the caller's number of dimensions, to give the output the same layout


def _empty_max(dtype):
    """Max pooling's value for a window of padding only: the lowest finite number, as in
    ``tf.nn.max_pool2d`` (it only happens for an image with no rows or columns)."""
    return np.finfo(dtype).min


def _check_pool(x, pool_size, stride, padding, mode) -> _PoolInputs:
    arr = as_float_array(x, "x", ndims=(2, 3, 4))
    if not isinstance(mode, str) or mode.lower() not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}; got {describe(mode)}.")
    mode = mode.lower()
    ph, pw = check_pair(pool_size, "pool_size")
    s = (ph, pw) if stride is None else check_pair(stride, "stride")
    x4 = arr[None, :, :, None] if arr.ndim == 2 else (arr[None] if arr.ndim == 3 else arr)
    h, w = x4.shape[1:3]
    pads = resolve_padding(padding, (h, w), (ph, pw), s)
    for (before, after), k, size, axis in zip(
        pads, (ph, pw), (h, w), ("rows", "columns"), strict=True
    ):
        if size and size + before + after < k:
            raise ValueError(
                f"pool_size={pool_size!r} does not fit: the window is larger than the padded "
                f"input ({size} + {before} + {after} = {size + before + after}) along the {axis}. "
                f"Use a pool_size of at most {size + before + after} or more padding."
            )
        if max(before, after) >= k:
            raise ValueError(
                f"padding {pads} puts whole pooling windows outside the image along the {axis}: "
                f"each side's padding must be smaller than pool_size ({k})."
            )
    out_hw = (output_size(h, ph, s[0], pads[0]), output_size(w, pw, s[1], pads[1]))
    if mode == "avg" and 0 in (h, w) and 0 not in out_hw:
        raise ValueError(
            f"x has shape {arr.shape}, no {'rows' if h == 0 else 'columns'}: with padding "
            f"{pads} every window holds only padding, and 'avg' pooling never counts padding, "
            "so there is no value to average (tf.nn.avg_pool2d has no such case). Use "
            "mode='max' or 'l2', or no padding."
        )
    return _PoolInputs(x4, (ph, pw), s, pads, out_hw, mode, arr.ndim)


def _offset_view(xp, i, j, out_hw, stride):
    """What window offset (i, j) of the padded ``xp`` (N, Hp, Wp, C) holds at every output
    position: a view of shape (N, out_h, out_w, C)."""
    (sh, sw), (oh, ow) = stride, out_hw
    return xp[:, i : i + (oh - 1) * sh + 1 : sh, j : j + (ow - 1) * sw + 1 : sw, :]


def _caller_layout(out, ndim):
    return out[0, :, :, 0] if ndim == 2 else (out[0] if ndim == 3 else out)


def pool2d(x, pool_size=2, *, stride=None, padding="valid", mode="max"):
    """Max, average or L2-norm pooling over each channel, vectorised.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        Input feature map(s); the depth ``C`` is unchanged.
    pool_size : int or (int, int), default 2
        Window size.
    stride : int or (int, int), optional
        Step; defaults to ``pool_size`` (non-overlapping windows), as in Keras.
    padding : str, int or pair, default "valid"
        As for :func:`cnnlab.conv2d`; each side's padding must be smaller than the window.
        Padded cells never count: ``max`` ignores them, ``avg`` divides by the number of real
        cells only (like TensorFlow's 'same'), ``l2`` adds nothing for them.
    mode : {"max", "avg", "l2"}, default "max"
        ``max`` keeps the largest value, ``avg`` the mean, ``l2`` the square root of the sum of
        squares of the window.

    Returns
    -------
    ndarray, shape (H', W'), (H', W', C) or (N, H', W', C)
        With ``H'`` from :func:`cnnlab.output_size`. For an image with no rows or columns but
        with padding, every window holds only padding: ``max`` gives the lowest finite number
        (as ``tf.nn.max_pool2d`` does), ``l2`` gives 0 and ``avg`` raises ``ValueError``.

    See Also
    --------
    pool2d_naive : the loop version this one is tested against.

    Examples
    --------
    >>> pool2d(np.array([[1, 2], [3, 4]]), 2)
    array([[4.]])
    >>> pool2d(np.array([[1, 2], [3, 4]]), 2, mode="avg")
    array([[2.5]])
    >>> pool2d(np.zeros((4, 4, 8)), 2).shape
    (2, 2, 8)
    """
    args = _check_pool(x, pool_size, stride, padding, mode)
    (ph, pw), s, out_hw, mode = args.pool, args.stride, args.out_hw, args.mode
    fill = -np.inf if mode == "max" else 0.0  # padding that can never win or add anything
    width = ((0, 0), *args.pads, (0, 0))
    xp = np.pad(args.x, width, constant_values=fill)
    if mode == "l2":
        xp = xp * xp
    reduce = np.maximum if mode == "max" else np.add
    out = None
    for i in range(ph):  # one pass per window offset, over every position at once
        for j in range(pw):
            view = _offset_view(xp, i, j, out_hw, s)
            out = view.copy() if out is None else reduce(out, view, out=out)
    if mode == "max" and 0 in args.x.shape[1:3]:
        out[...] = _empty_max(out.dtype)  # an empty image: every window is padding only
    elif mode == "avg":
        # How many real cells each window holds: the same views of a padded array of ones.
        real = np.pad(np.ones((1, *args.x.shape[1:3], 1), dtype=xp.dtype), width)
        count = sum(_offset_view(real, i, j, out_hw, s) for i in range(ph) for j in range(pw))
        out /= count
    elif mode == "l2":
        np.sqrt(out, out=out)
    return _caller_layout(out, args.ndim)


def pool2d_naive(x, pool_size=2, *, stride=None, padding="valid", mode="max"):
    """Pooling with plain loops: the reference for :func:`pool2d` (same parameters and result).

    Each window is clipped to the real cells of the image, so padding never counts, without
    padding anything.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
    pool_size, stride, padding, mode :
        As for :func:`pool2d`.

    Returns
    -------
    ndarray, shape (H', W'), (H', W', C) or (N, H', W', C)
        :math:`o = \\lfloor (i + p_{top} + p_{bottom} - k) / s \\rfloor + 1` along each axis.

    Examples
    --------
    >>> pool2d_naive(np.array([[1, 2], [3, 4]]), 2, mode="l2")
    array([[5.47722558]])
    """
    args = _check_pool(x, pool_size, stride, padding, mode)
    x4, (ph, pw), (sh, sw), mode = args.x, args.pool, args.stride, args.mode
    (top, _), (left, _) = args.pads
    n, h, w, c = x4.shape
    oh, ow = args.out_hw
    out = np.zeros((n, oh, ow, c), dtype=x4.dtype)
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                # window rows/cols in the *unpadded* input, clipped to the real cells
                r0, c0 = i * sh - top, j * sw - left
                window = x4[b, max(r0, 0) : min(r0 + ph, h), max(c0, 0) : min(c0 + pw, w), :]
                for ch in range(c):
                    values = window[:, :, ch]
                    if mode == "max":
                        out[b, i, j, ch] = values.max() if values.size else _empty_max(x4.dtype)
                    elif mode == "avg":
                        out[b, i, j, ch] = values.mean()
                    else:
                        out[b, i, j, ch] = np.sqrt(np.sum(values**2))
    return _caller_layout(out, args.ndim)
