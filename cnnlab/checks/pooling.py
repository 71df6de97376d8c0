"""Exercise checkers of notebook 05 · Pooling.

==========================  ========================================================
checker                     the learner provides
==========================  ========================================================
check_max_pool              ``max_pool(x, size)``: non-overlapping max pooling
check_pooled_shape          ``pooled_shape(h, w, depth, pool_size, stride)``
check_orders_agree          ``orders_agree(x, mode)``: ReLU then pool == pool then ReLU?
==========================  ========================================================
"""

from __future__ import annotations

import numpy as np

from ..activations import relu
from ..pool import pool2d
from ..shapes import output_size
from .cases import check_cases
from .compare import show
from .result import Result

__all__ = ["check_max_pool", "check_orders_agree", "check_pooled_shape"]


def _pool_cases():
    rng = np.random.default_rng(5)
    return [
        (np.array([[1.0, 2.0], [3.0, 4.0]]), 2),
        (np.array([[1.0, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]), 2),
        (-np.arange(1.0, 17.0).reshape(4, 4), 2),  # all negative
        (np.arange(25.0).reshape(5, 5), 2),  # odd size: the last row and column are left over
        (rng.integers(-9, 10, (6, 6)).astype(float), 3),
        (np.arange(24.0).reshape(4, 6) % 7, 2),  # not square
    ]


def check_max_pool(func) -> Result:
    """Check a learner's ``max_pool(x, size)``: max pooling with ``size x size`` windows.

    Parameters
    ----------
    func : callable
        ``func(x, size)`` with ``x`` of shape (H, W): non-overlapping windows (stride =
        ``size``), no padding (left-over rows and columns are dropped); returns an array of
        shape ``(H // size, W // size)``.

    Examples
    --------
    >>> import cnnlab
    >>> check_max_pool(lambda x, size: cnnlab.pool2d(x, size)).passed
    True
    >>> print(check_max_pool(lambda x, s: cnnlab.pool2d(x, s, mode="avg")).message)
    ... # doctest: +ELLIPSIS
    max_pool([[1., 2.], [3., 4.]], 2) returned [[2.5]], but the answer is [[4.]]. That is ...
    """
    mistakes = [
        (
            lambda x, s: pool2d(x, s, mode="avg"),
            "That is average pooling; max pooling keeps the largest value of each window "
            "(window.max()).",
        ),
        (
            lambda x, s: np.maximum(pool2d(x, s), 0),
            "When every value of a window is negative its maximum is negative too: start from "
            "the window's values (window.max()), not from 0.",
        ),
        (
            lambda x, s: pool2d(x, s, padding="same"),
            "Keep only complete windows: the output has H // size rows and W // size columns; "
            "left-over rows and columns are dropped.",
        ),
        (
            lambda x, s: pool2d(x, s, stride=1),
            "The windows must not overlap: move by `size` pixels each step (stride = size), "
            "so window (i, j) is x[i*size:(i+1)*size, j*size:(j+1)*size].",
        ),
        (
            lambda x, s: -pool2d(-x, s),
            "That is the minimum of each window; max pooling keeps the largest value.",
        ),
    ]
    return check_cases(
        func,
        "max_pool",
        _pool_cases(),
        lambda x, s: pool2d(x, s, mode="max"),
        mistakes,
        success="The largest value of every complete window, windows side by side.",
    )


def _pooled_shape_reference(h, w, depth, pool_size, stride):
    return (output_size(h, pool_size, stride), output_size(w, pool_size, stride), depth)


def check_pooled_shape(func) -> Result:
    """Check a learner's ``pooled_shape(h, w, depth, pool_size, stride)``.

    Parameters
    ----------
    func : callable
        Returns the output shape ``(h', w', depth')`` of pooling an ``h x w x depth`` volume
        with ``pool_size x pool_size`` windows, the given stride and no padding.

    Examples
    --------
    >>> ok = lambda h, w, d, k, s: ((h - k) // s + 1, (w - k) // s + 1, d)
    >>> check_pooled_shape(ok).passed
    True
    >>> print(check_pooled_shape(lambda h, w, d, k, s: ((h - k) // s + 1, (w - k) // s + 1, d // k)).message)
    ... # doctest: +ELLIPSIS
    pooled_shape(4, 4, 3, 2, 2) returned (2, 2, 1), but the answer is (2, 2, 3). Pooling ...
    """
    cases = [
        (4, 4, 3, 2, 2),
        (28, 28, 32, 2, 2),
        (5, 5, 1, 2, 2),  # odd: one row and column left over
        (7, 9, 8, 3, 2),  # overlapping windows, not square
        (8, 8, 4, 3, 2),
        (13, 13, 256, 3, 2),  # AlexNet's overlapping pooling
        (6, 6, 16, 3, 3),
    ]

    def floor_out(n, k, s):
        return (n - k) // s + 1

    mistakes = [
        (
            lambda h, w, d, k, s: (floor_out(h, k, s), floor_out(w, k, s), d // k),
            "Pooling works on each channel separately, so the depth stays the same.",
        ),
        (
            lambda h, w, d, k, s: (floor_out(h, k, s), floor_out(w, k, s), d // (k * k)),
            "Pooling works on each channel separately, so the depth stays the same.",
        ),
        (
            lambda h, w, d, k, s: (-(-(h - k) // s) + 1, -(-(w - k) // s) + 1, d),
            "A window that does not fit completely is dropped: round down "
            "(floor((h - k) / s) + 1), not up.",
        ),
        (
            lambda h, w, d, k, s: ((h - k) // s, (w - k) // s, d),
            "Off by one: count the first window too, floor((h - k) / s) + 1.",
        ),
        (
            lambda h, w, d, k, s: (h - k + 1, w - k + 1, d),
            "You ignored the stride: the window jumps `stride` pixels, so divide (h - k) by it.",
        ),
        (
            lambda h, w, d, k, s: (h // k, w // k, d),
            "h // pool_size only works when the stride equals the pool size; use the general "
            "formula floor((h - k) / s) + 1.",
        ),
        (
            lambda h, w, d, k, s: (h // s, w // s, d),
            "h // stride is not the general rule (it ignores the window size); use "
            "floor((h - k) / s) + 1.",
        ),
    ]
    return check_cases(
        func,
        "pooled_shape",
        cases,
        _pooled_shape_reference,
        mistakes,
        show_args=lambda *a: ", ".join(map(str, a)),
        success="floor((h - k) / s) + 1 rows and columns, and the depth is unchanged.",
    )


def _orders_agree_reference(x, mode):
    return bool(np.allclose(relu(pool2d(x, 2, mode=mode)), pool2d(relu(x), 2, mode=mode)))


def _orders_cases():
    rng = np.random.default_rng(50)
    return [
        # one window all negative, the others mixed: max pooling still commutes with ReLU
        (np.array([[-3.0, -1, 2, -5], [-2, -4, -1, 1], [4, -6, 0, 3], [-1, 2, -2, -7]]), "max"),
        (np.array([[-3.0, 1, 2, 0], [1, 1, 4, 2], [0, 5, 1, 1], [3, 2, 2, 0]]), "avg"),  # -3 + 3
        (np.array([[1.0, 2, 0, 4], [3, 0, 1, 1], [2, 2, 5, 0], [0, 1, 3, 3]]), "avg"),  # all >= 0
        (-np.arange(1.0, 17.0).reshape(4, 4), "avg"),  # all negative: both orders give 0
        (-np.arange(1.0, 17.0).reshape(4, 4), "max"),
        (rng.normal(size=(6, 6)), "max"),
        (rng.normal(size=(6, 6)), "avg"),
    ]


def check_orders_agree(func) -> Result:
    """Check a learner's ``orders_agree(x, mode)``: does ReLU commute with 2×2 pooling on ``x``?

    Parameters
    ----------
    func : callable
        ``func(x, mode)`` with ``x`` a 2-D map and ``mode`` ``"max"`` or ``"avg"``: returns
        True when ReLU after 2×2 pooling (stride 2) gives the same map as 2×2 pooling after
        ReLU, else False. The cases include maps where average pooling agrees (no window mixes
        signs) and where it does not, so an answer that only looks at ``mode`` is rejected.

    Examples
    --------
    >>> import cnnlab
    >>> def orders_agree(x, mode):
    ...     relu_after = cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode))
    ...     relu_before = cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode)
    ...     return np.allclose(relu_after, relu_before)
    >>> check_orders_agree(orders_agree).passed
    True
    >>> print(check_orders_agree(lambda x, mode: mode == "max").message)
    ... # doctest: +ELLIPSIS
    orders_agree(x = [[...]], mode='avg') returned False, but the answer is True. ...
    """

    def after(x, m):
        return relu(pool2d(x, 2, mode=m))

    def before(x, m):
        return pool2d(relu(x), 2, mode=m)

    mistakes = [
        (
            lambda x, m: after(x, m) == before(x, m),
            "Return one True or False for the whole map: `a == b` compares element by element; "
            "np.allclose(a, b) (or np.array_equal) compares the whole arrays.",
        ),
        (
            lambda x, m: m == "max",
            "Decide from the map itself, not only from the mode: compute both orders on `x` and "
            "compare them. With average pooling the orders agree on some maps (no window mixes "
            "positive and negative values) and not on others.",
        ),
        (
            lambda x, m: True,
            "Your function says the orders always agree. Compare relu(pool(x)) with "
            "pool(relu(x)), two different orders; on a window such as [[-3, 1], [1, 1]] average "
            "pooling then ReLU gives 0, ReLU then average pooling gives 0.75.",
        ),
        (
            lambda x, m: bool(np.allclose(pool2d(x, 2, mode=m), before(x, m))),
            "One order is missing its ReLU: compare cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode)) "
            "(pool, then ReLU) with cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode) (ReLU, then "
            "pool).",
        ),
        (
            lambda x, m: bool(np.allclose(after(x, m), pool2d(x, 2, mode=m))),
            "One order is missing its ReLU: compare cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode)) "
            "(pool, then ReLU) with cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode) (ReLU, then "
            "pool).",
        ),
        (
            lambda x, m: not _orders_agree_reference(x, m),
            "True and False are the wrong way round: return True when the two orders give the "
            "same map.",
        ),
    ]
    return check_cases(
        func,
        "orders_agree",
        _orders_cases(),
        _orders_agree_reference,
        mistakes,
        show_args=lambda x, m: f"x = {show(x, max_items=16)}, mode={m!r}",
        success=(
            "Max pooling and ReLU commute on every map: ReLU never changes which value is the "
            "largest, so relu(max) = max(relu). Average pooling commutes only when no window "
            "mixes positive and negative values."
        ),
    )
