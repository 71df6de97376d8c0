"""Exercise checkers of notebook 06 · How a network learns.

============================  ========================================================
checker                       the learner provides
============================  ========================================================
check_kernel_gradient         ``kernel_gradient(x, kernel, grad_output)``: ∂L/∂W of a
                              one-channel 'valid' convolution with stride 1
check_max_pool_gradient       ``max_pool_gradient(x, grad_output)``: ∂L/∂X of 2×2 max
                              pooling with stride 2, routed by hand
============================  ========================================================
"""

from __future__ import annotations

import numpy as np

from ..conv import conv2d
from ..conv_backward import conv2d_backward
from ..pool_backward import pool2d_backward
from .cases import check_cases
from .result import Result

__all__ = ["check_kernel_gradient", "check_max_pool_gradient"]


def _kernel_gradient_reference(x, kernel, grad_output):
    return conv2d(x, grad_output)


def _kernel_cases():
    rng = np.random.default_rng(6)
    cases = []
    for (h, w), (kh, kw) in [
        ((4, 4), (2, 2)),
        ((5, 6), (3, 2)),
        ((3, 3), (3, 3)),
        ((6, 6), (3, 3)),
    ]:
        x = rng.integers(-4, 5, (h, w)).astype(float)
        kernel = rng.integers(-2, 3, (kh, kw)).astype(float)
        grad = rng.integers(-3, 4, (h - kh + 1, w - kw + 1)).astype(float)
        cases.append((x, kernel, grad))
    return cases


def check_kernel_gradient(func) -> Result:
    """Check a learner's ``kernel_gradient(x, kernel, grad_output)``: ∂L/∂W of a convolution.

    Parameters
    ----------
    func : callable
        ``func(x, kernel, grad_output)`` for ``Y = conv2d(x, kernel)`` ('valid', stride 1,
        ``x`` of shape (H, W), ``kernel`` (kh, kw)) and the upstream gradient
        ``grad_output`` = ∂L/∂Y of shape (H − kh + 1, W − kw + 1). Returns ∂L/∂W, shape
        (kh, kw): entry (u, v) is the sum over every output position (r, c) of
        ``x[r + u, c + v] * grad_output[r, c]``, i.e. ``x`` cross-correlated with
        ``grad_output``.

    Examples
    --------
    >>> import cnnlab
    >>> check_kernel_gradient(lambda x, k, g: cnnlab.conv2d(x, g)).passed
    True
    >>> print(check_kernel_gradient(lambda x, k, g: cnnlab.conv2d(x, g)[::-1, ::-1]).message)
    ... # doctest: +ELLIPSIS
    kernel_gradient(...) returned [[...]], but the answer is [[...]]. That is the right answer rotated by 180°...
    """

    def first_window(x, kernel, g):
        kh, kw = kernel.shape
        return g[0, 0] * x[:kh, :kw]

    mistakes = [
        (
            lambda x, k, g: conv2d(x, g)[::-1, ::-1],
            "That is the right answer rotated by 180°: entry (u, v) of ∂L/∂W collects "
            "x[r + u, c + v] · grad_output[r, c], so weight (0, 0) pairs with the top-left "
            "corner of every window. Do not flip anything.",
        ),
        (
            lambda x, k, g: conv2d(x, g[::-1, ::-1]),
            "You flipped grad_output (a true convolution). The forward pass is a "
            "cross-correlation, and so is its weight gradient: x[r + u, c + v] · "
            "grad_output[r, c], without a flip.",
        ),
        (
            lambda x, k, g: conv2d(x, g) / g.size,
            "You averaged over the output positions. Every position adds its own "
            "contribution to the weight's gradient (the chain rule sums them): take the sum, "
            "not the mean.",
        ),
        (
            first_window,
            "That is only the first window's contribution, grad_output[0, 0] · x[:kh, :kw]. "
            "The same weights are used at every output position, so sum the contributions "
            "of all positions.",
        ),
        (
            lambda x, k, g: k * g.sum(),
            "∂L/∂W is built from the input x and the upstream gradient; the kernel's own "
            "values do not appear in it (each output is linear in the weights).",
        ),
        (
            lambda x, k, g: conv2d_backward(x, k, g)[0],
            "That is ∂L/∂X, the input's gradient (the shape of x). The weights' gradient has "
            "the kernel's shape: slide grad_output over x instead.",
        ),
    ]
    return check_cases(
        func,
        "kernel_gradient",
        _kernel_cases(),
        _kernel_gradient_reference,
        mistakes,
        success="∂L/∂W is the input cross-correlated with the upstream gradient: each weight "
        "collects x · grad_output over every position it was used at.",
    )


def _route(x, grad, pick):
    """Send each window's gradient to the cell(s) ``pick(window)`` marks (2×2, stride 2)."""
    out = np.zeros_like(x, dtype=float)
    for i in range(grad.shape[0]):
        for j in range(grad.shape[1]):
            window = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            out[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] += grad[i, j] * pick(window)
    return out


def _one_hot(window, flat_index):
    mark = np.zeros(window.shape)
    mark[np.unravel_index(flat_index, window.shape)] = 1.0
    return mark


def _last_winner(window):
    flat = window.ravel()
    return _one_hot(window, len(flat) - 1 - int(np.argmax(flat[::-1])))


def _column_winner(window):
    col, row = divmod(int(np.argmax(window.T.ravel())), window.shape[0])
    return _one_hot(window, row * window.shape[1] + col)


def _pool_cases():
    rng = np.random.default_rng(16)
    ties = np.array([[3.0, 3, 1, 2], [0, 1, 2, 2], [5, 4, 0, 0], [5, 1, 0, 0]])
    return [
        (np.array([[1.0, 2], [3, 4]]), np.array([[1.0]])),
        (
            np.array([[1.0, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]),
            np.array([[1.0, -2], [3, 0.5]]),
        ),
        (-np.arange(1.0, 17.0).reshape(4, 4), np.array([[2.0, 1], [-1, 3]])),  # all negative
        (ties, np.array([[1.0, 2], [3, 4]])),  # ties: the first in reading order wins
        (rng.integers(-5, 6, (5, 6)).astype(float), rng.integers(-3, 4, (2, 3)).astype(float)),
    ]


def check_max_pool_gradient(func) -> Result:
    """Check a learner's ``max_pool_gradient(x, grad_output)``: ∂L/∂X of 2×2 max pooling.

    Parameters
    ----------
    func : callable
        ``func(x, grad_output)`` for ``Y = pool2d(x, 2)`` (2×2 windows, stride 2, 'valid';
        ``x`` of shape (H, W), rows and columns left over at the bottom and right belong to
        no window) and ``grad_output`` = ∂L/∂Y of shape (H // 2, W // 2). Returns ∂L/∂X,
        the shape of ``x``: each window's gradient goes to the cell that won (on a tie, the
        first in reading order, as TensorFlow does); every other cell gets 0.

    Examples
    --------
    >>> import cnnlab
    >>> check_max_pool_gradient(lambda x, g: cnnlab.pool2d_backward(x, g, 2)).passed
    True
    >>> print(check_max_pool_gradient(
    ...     lambda x, g: cnnlab.pool2d_backward(x, g, 2, mode="avg")).message)
    ... # doctest: +ELLIPSIS
    max_pool_gradient(...) returned [[0.25, 0.25], [0.25, 0.25]], but the answer is [[0., 0.], [0., 1.]]. That spreads ...
    """
    mistakes = [
        (
            lambda x, g: pool2d_backward(x, g, 2, mode="avg"),
            "That spreads each gradient evenly over its window, which is average pooling's "
            "backward pass. Max pooling's output is one cell of the window, so only that cell "
            "(the winner) gets the gradient.",
        ),
        (
            lambda x, g: _route(x, g, lambda w: (w == w.max()).astype(float)),
            "Every cell that ties for the maximum got the gradient, so a tied window sends "
            "it twice. The output copied one cell: give the gradient to the first maximum in "
            "reading order (np.argmax of the flattened window) and 0 to the others.",
        ),
        (
            lambda x, g: _route(x, g, _last_winner),
            "On a tie you gave the gradient to the last maximum; TensorFlow (and cnnlab) "
            "give it to the first one in reading order, as np.argmax does.",
        ),
        (
            lambda x, g: _route(x, g, lambda w: _one_hot(w, int(np.argmin(w)))),
            "The gradient went to the smallest value of each window; max pooling passes it "
            "to the largest.",
        ),
        (
            lambda x, g: _route(x, g, lambda w: np.ones(w.shape)),
            "Every cell of the window got the whole gradient. Only the winner influenced the "
            "output, so only it gets the gradient; the others get 0.",
        ),
        (
            lambda x, g: _route(x, g, _column_winner),
            "The gradient landed on the wrong cell of some windows: you searched the window "
            "column by column. Find the winner in reading order (row by row), e.g. with "
            "np.unravel_index(np.argmax(window), window.shape).",
        ),
        (
            lambda x, g: _route(x, g, lambda w: _one_hot(w, 0)),
            "The gradient always went to the top-left cell of each window; it must go to the "
            "cell holding the window's maximum.",
        ),
    ]
    return check_cases(
        func,
        "max_pool_gradient",
        _pool_cases(),
        lambda x, g: pool2d_backward(x, g, 2),
        mistakes,
        success="Each window's gradient goes to its winner (the first maximum on a tie); the "
        "other cells, and rows or columns outside every window, get 0.",
    )
