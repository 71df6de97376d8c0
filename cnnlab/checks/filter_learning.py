"""Exercise checkers of notebook 12 · Learning filters from data.

==========================  ========================================================
checker                     the learner provides
==========================  ========================================================
check_gd_step               ``gd_step(w, patches, targets, lr)``: one gradient step
check_align_valid           ``align_valid(y, k)``: the target cropped like a 'valid' map
==========================  ========================================================
"""

from __future__ import annotations

import numpy as np

from ..lessons.filter_data import align_target
from ..lessons.filter_learning import gd_step as _gd_step_reference
from .cases import check_cases
from .compare import same_with_nan
from .result import Result

__all__ = ["check_align_valid", "check_gd_step"]


def _gd_cases():
    rng = np.random.default_rng(10)
    cases = []
    for m, k, lr in ((6, 2, 0.1), (20, 3, 0.05), (1, 1, 0.5), (50, 3, 0.01)):
        kernel = rng.normal(size=(k, k))
        patches = rng.normal(size=(m, k * k))
        targets = rng.normal(size=m)
        cases.append((kernel, patches, targets, lr))
    return cases


def _as_kernel(value, shape):
    arr = np.asarray(value, dtype=float)
    return arr.reshape(shape) if arr.size == int(np.prod(shape)) else arr


def check_gd_step(func) -> Result:
    """Check a learner's ``gd_step(kernel, patches, targets, learning_rate)``.

    Parameters
    ----------
    func : callable
        ``func(kernel, patches, targets, learning_rate)`` with ``kernel`` (k, k), ``patches``
        (M, k*k) (the im2col matrix), ``targets`` (M,); must return the kernel after one step
        of gradient descent on the mean squared error
        ``mean((patches @ kernel.ravel() - targets) ** 2)``: ``kernel - learning_rate * grad``
        with ``grad = 2 / M * patches.T @ (patches @ kernel.ravel() - targets)``, shape (k, k)
        (or flat (k*k,)).

    Examples
    --------
    >>> from cnnlab.lessons import gd_step
    >>> check_gd_step(gd_step).passed
    True
    >>> def ascent(kernel, patches, targets, lr):
    ...     return 2 * kernel - gd_step(kernel, patches, targets, lr)
    >>> print(check_gd_step(ascent).message)  # doctest: +ELLIPSIS
    ascent(...) returned ...You stepped uphill...
    """

    def reference(kernel, patches, targets, lr):
        return _gd_step_reference(kernel, patches, targets, lr)

    def same_kernel(got, expected):
        try:
            return same_with_nan(_as_kernel(got, expected.shape), expected, atol=1e-8)
        except (TypeError, ValueError):
            return False

    def grad(kernel, patches, targets):
        return (patches.T @ (patches @ kernel.ravel() - targets)).reshape(kernel.shape)

    mistakes = [
        (
            lambda w, p, t, lr: w + lr * 2 / len(t) * grad(w, p, t),
            "You stepped uphill: the gradient points to where the loss grows, so subtract it "
            "(w - learning_rate * grad), and make sure the error is prediction - target.",
        ),
        (
            lambda w, p, t, lr: w - lr / len(t) * grad(w, p, t),
            "The factor 2 is missing: the derivative of (prediction - target)**2 is "
            "2 * (prediction - target) * patch.",
        ),
        (
            lambda w, p, t, lr: w - lr * 2 * grad(w, p, t),
            "You summed over the M positions instead of averaging: the loss is a mean, so "
            "divide the gradient by M = len(targets).",
        ),
        (
            lambda w, p, t, lr: w - lr * grad(w, p, t),
            "Both the factor 2 and the division by M = len(targets) are missing: "
            "grad = 2 / M * patches.T @ (patches @ kernel.ravel() - targets).",
        ),
        (
            lambda w, p, t, lr: -lr * 2 / len(t) * grad(w, p, t),
            "That is only the change -learning_rate * grad; return the new kernel: "
            "kernel - learning_rate * grad.",
        ),
    ]
    return check_cases(
        func,
        "gd_step",
        _gd_cases(),
        reference,
        mistakes,
        compare=same_kernel,
        max_items=12,
        success="kernel - learning_rate * 2/M * patches.T @ (patches @ kernel - targets): one "
        "step downhill on the mean squared error.",
    )


def _align_cases():
    return [
        (np.arange(36.0).reshape(6, 6), 3),
        (np.arange(36.0).reshape(6, 6), 5),
        (np.arange(63.0).reshape(7, 9), 3),
        (np.arange(20.0).reshape(4, 5), 1),
        (np.arange(64.0).reshape(8, 8), 4),
    ]


def check_align_valid(func) -> Result:
    """Check a learner's ``align_valid(y, kernel_size)``: the target part a valid output sees.

    Parameters
    ----------
    func : callable
        ``func(y, kernel_size)`` with ``y`` a full-size target map (H, W) (one value per
        pixel); must return the (H - k + 1, W - k + 1) part of ``y`` that lines up with
        ``conv2d(x, kernel, padding="valid")`` for a k x k kernel: output (r, c) sits on the
        pixel under the kernel's centre tap, ``y[r + h, c + h]`` with ``h = (k - 1) // 2``.

    Examples
    --------
    >>> def align_valid(y, k):
    ...     h = (k - 1) // 2
    ...     return y[h : h + y.shape[0] - k + 1, h : h + y.shape[1] - k + 1]
    >>> check_align_valid(align_valid).passed
    True
    >>> print(check_align_valid(lambda y, k: y[: y.shape[0] - k + 1, : y.shape[1] - k + 1]).message)
    ... # doctest: +ELLIPSIS
    align_valid(...) returned ...top-left corner...
    """

    def reference(y, k):
        return align_target(y, k)

    mistakes = [
        (
            lambda y, k: y[: y.shape[0] - k + 1, : y.shape[1] - k + 1],
            "You kept the top-left corner, so each target sits (k - 1) // 2 pixels up and left "
            "of the window's centre: the learned kernel would come out shifted into the corner. "
            "Output (r, c) sits on pixel (r + h, c + h), h = (k - 1) // 2: crop h on each side.",
        ),
        (
            lambda y, k: y[k - 1 :, k - 1 :],
            "You kept the bottom-right corner (cut k - 1 at the top and left). Output (r, c) "
            "sits on pixel (r + h, c + h) with h = (k - 1) // 2: crop the same h on each side.",
        ),
        (
            lambda y, k: y[
                k // 2 : k // 2 + y.shape[0] - k + 1, k // 2 : k // 2 + y.shape[1] - k + 1
            ],
            "Right for odd kernels; for an even kernel the centre tap is (k - 1) // 2 (for k = 4 "
            "that is 1, TensorFlow's convention), not k // 2.",
        ),
        (
            lambda y, k: y[k - 1 : y.shape[0] - k + 1, k - 1 : y.shape[1] - k + 1],
            "You cropped k - 1 on each side, which removes too much: the valid output is "
            "(H - k + 1) x (W - k + 1), so crop (k - 1) // 2 at the top/left and the rest at "
            "the bottom/right.",
        ),
    ]
    return check_cases(
        func,
        "align_valid",
        _align_cases(),
        reference,
        mistakes,
        compare=same_with_nan,
        max_items=12,
        success="Output (r, c) of a valid k x k convolution lines up with pixel "
        "(r + (k-1)//2, c + (k-1)//2): crop the same margin on both sides.",
    )
