"""Pooling and small shifts (notebook 05): how much of a feature map survives a shift.

NumPy only. :func:`shift_robustness` measures, before and after pooling, how many values of a
feature map stay the same when the input moves by a pixel or two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, check_int, describe
from ..pool import pool2d

__all__ = ["ShiftRobustness", "shift_robustness"]


@dataclass(frozen=True)
class ShiftRobustness:
    """What a shift of ``shift`` pixels does to a feature map, before and after pooling.

    ``*_unchanged`` is the fraction of values that stay the same at the same position;
    ``*_correlation`` is the Pearson correlation between the map and its shifted version
    (1 = identical pattern).
    """

    shift: int
    unpooled_unchanged: float
    pooled_unchanged: float
    unpooled_correlation: float
    pooled_correlation: float


def _correlation(a, b):
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else 1.0


def shift_robustness(
    feature_map,
    shift=1,
    *,
    axis=1,
    pool_size=2,
    stride=None,
    padding="valid",
    mode="max",
    rtol=1e-6,
):
    """Measure how much of a feature map survives a small shift, with and without pooling.

    Shifting the input image by ``shift`` pixels shifts a convolution's feature map by the same
    amount (convolution is translation-equivariant), so this compares the map with itself moved
    by ``shift`` pixels along ``axis``: ``a = map[..., :-shift]`` and ``b = map[..., shift:]``
    (rows for ``axis=0``). Both are pooled with the same windows and compared position by
    position.

    Parameters
    ----------
    feature_map : ndarray, shape (H, W) or (H, W, C)
    shift : int >= 1, default 1
        Pixels to shift by; must leave at least ``pool_size`` rows/columns.
    axis : {0, 1}, default 1
        0 shifts down the rows, 1 along the columns.
    pool_size, stride, padding, mode :
        As for :func:`cnnlab.pool2d` (default 2×2 max pooling with stride 2).
    rtol : float, default 1e-6
        Values count as unchanged when they differ by at most ``rtol`` times the largest
        absolute value of the map (so rounding does not count as a change).

    Returns
    -------
    ShiftRobustness

    Examples
    --------
    A single bright pixel moving one column inside its 2×2 window: the pooled map does not
    change, while 2 of the 12 un-pooled values do.

    >>> x = np.zeros((4, 5))
    >>> x[1, 1] = 1.0
    >>> r = shift_robustness(x, 1)
    >>> round(r.unpooled_unchanged, 3), r.pooled_unchanged
    (0.875, 1.0)
    """
    fmap = as_float_array(feature_map, "feature_map", ndims=(2, 3))
    s = check_int(shift, "shift")
    if axis not in (0, 1) or isinstance(axis, bool):
        raise ValueError(f"axis must be 0 (rows) or 1 (columns); got {describe(axis)}.")
    if s >= fmap.shape[axis]:
        raise ValueError(
            f"shift={s} leaves nothing to compare: feature_map has only {fmap.shape[axis]} "
            f"{'rows' if axis == 0 else 'columns'}; use a shift below {fmap.shape[axis]}."
        )
    n = fmap.shape[axis]
    a = np.take(fmap, np.arange(0, n - s), axis=axis)
    b = np.take(fmap, np.arange(s, n), axis=axis)
    pa = pool2d(a, pool_size, stride=stride, padding=padding, mode=mode)
    pb = pool2d(b, pool_size, stride=stride, padding=padding, mode=mode)
    tol = float(rtol) * float(np.abs(fmap).max(initial=0.0))
    return ShiftRobustness(
        shift=s,
        unpooled_unchanged=float(np.mean(np.abs(a - b) <= tol)),
        pooled_unchanged=float(np.mean(np.abs(pa - pb) <= tol)),
        unpooled_correlation=_correlation(a, b),
        pooled_correlation=_correlation(pa, pb),
    )
