"""The backward pass of pooling in NumPy: the loop version beside the fast one.

Given the upstream gradient :math:`G = \\partial L / \\partial Y` of ``Y = pool2d(X, ...)``,
each output value sends its gradient back to the input cells of its window:

* **max** — all of it to the cell that won (the first largest one, reading the window row by
  row, as ``tf.nn.max_pool2d``'s gradient does); the other cells get nothing;
* **avg** — an equal share to each *real* cell of the window (padded cells never count,
  TensorFlow's rule for 'same');
* **l2** — :math:`g \\cdot x / y` to each cell :math:`x`, where :math:`y` is the window's norm.

Overlapping windows (stride smaller than the window) add their contributions.

* :func:`pool2d_backward_naive` — a loop over the output cells, each window clipped to the
  real cells of the image, as in :func:`cnnlab.pool2d_naive`. Read this one.
* :func:`pool2d_backward` — one pass per window offset over every position at once, as in
  :func:`cnnlab.pool2d`; tested equal to the loop version, to ``tf.GradientTape`` and to
  finite differences.

Both check their arguments by running :func:`cnnlab.pool2d` (so the errors are the forward
pass's own); the fast version also reuses its output, the winners' value for max and the
norms for l2.

References
----------
.. [1] CS231n, "Convolutional Neural Networks: Pooling Layer" (backpropagation through max
   pooling), https://cs231n.github.io/convolutional-networks/#pool
.. [2] TensorFlow, ``tf.nn.max_pool2d`` and ``tf.nn.avg_pool2d``,
   https://www.tensorflow.org/api_docs/python/tf/nn/max_pool2d
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_pair
from .pool import pool2d
from .shapes import resolve_padding

__all__ = ["pool2d_backward", "pool2d_backward_naive"]


@dataclass(frozen=True)
class _PoolBackward:
    """Checked arguments of a pooling's backward pass, in the (N, H, W, C) layout."""

    x: np.ndarray  # (N, H, W, C)
    out: np.ndarray  # (N, H', W', C): pool2d's output
    grad: np.ndarray  # (N, H', W', C): the upstream gradient
    pool: tuple[int, int]
    stride: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right))
    mode: str
    ndim: int  # the caller's number of dimensions


def _as_nhwc(a):
    return a[None, :, :, None] if a.ndim == 2 else (a[None] if a.ndim == 3 else a)


def _check_backward(x, grad_output, pool_size, stride, padding, mode) -> _PoolBackward:
    """Run the forward pass (which checks x, pool_size, stride, padding and mode as pool2d
    does), then check the upstream gradient against its output."""
    out = pool2d(x, pool_size, stride=stride, padding=padding, mode=mode)
    arr = as_float_array(x, "x")
    g = as_float_array(grad_output, "grad_output")
    pool = check_pair(pool_size, "pool_size")
    step = pool if stride is None else check_pair(stride, "stride")
    pads = resolve_padding(padding, arr.shape[-3:-1] if arr.ndim > 2 else arr.shape, pool, step)
    if g.shape != out.shape:
        raise ValueError(
            f"grad_output must have shape {out.shape}, the shape of pool2d's output for x of "
            f"shape {arr.shape} (pool_size={pool}, stride={step}, padding={pads}): one "
            f"upstream gradient per output value. Got shape {g.shape}."
        )
    dtype = np.result_type(arr.dtype, g.dtype)
    x4, out4, g4 = (_as_nhwc(a).astype(dtype, copy=False) for a in (arr, out, g))
    return _PoolBackward(x4, out4, g4, pool, step, pads, mode.lower(), arr.ndim)


def _caller_layout(grad_x, ndim):
    return grad_x[0, :, :, 0] if ndim == 2 else (grad_x[0] if ndim == 3 else grad_x)


def pool2d_backward_naive(x, grad_output, pool_size=2, *, stride=None, padding="valid", mode="max"):
    """Gradient of a pooling with plain loops: the reference for :func:`pool2d_backward`.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        The pooling's input.
    grad_output : ndarray, the shape of ``pool2d(x, ...)``
        :math:`\\partial L / \\partial Y`.
    pool_size, stride, padding, mode :
        As for :func:`cnnlab.pool2d`.

    Returns
    -------
    grad_x : ndarray, the shape of ``x``

    See Also
    --------
    pool2d_backward : the vectorised version, tested equal to this one.

    Examples
    --------
    >>> x = np.array([[1.0, 5.0], [3.0, 2.0]])
    >>> pool2d_backward_naive(x, np.array([[10.0]]))              # max: all to the 5
    array([[ 0., 10.],
           [ 0.,  0.]])
    >>> pool2d_backward_naive(x, np.array([[10.0]]), mode="avg")  # avg: a quarter each
    array([[2.5, 2.5],
           [2.5, 2.5]])
    """
    args = _check_backward(x, grad_output, pool_size, stride, padding, mode)
    x4, g = args.x, args.grad
    (ph, pw), (sh, sw) = args.pool, args.stride
    (top, _), (left, _) = args.pads
    n_images, h, w, n_channels = x4.shape
    _, out_h, out_w, _ = g.shape
    grad_x = np.zeros_like(x4)
    for n in range(n_images):
        for i in range(out_h):
            for j in range(out_w):
                # the window's rows and columns in the *unpadded* input, clipped to real cells
                r0, c0 = max(i * sh - top, 0), max(j * sw - left, 0)
                r1, c1 = min(i * sh - top + ph, h), min(j * sw - left + pw, w)
                for ch in range(n_channels):
                    window = x4[n, r0:r1, c0:c1, ch]
                    if window.size == 0:
                        continue  # only padding (an empty image): no input to send anything to
                    upstream = g[n, i, j, ch]
                    if args.mode == "max":
                        # argmax: the first largest value, reading row by row
                        a, b = np.unravel_index(np.argmax(window), window.shape)
                        grad_x[n, r0 + a, c0 + b, ch] += upstream
                    elif args.mode == "avg":
                        grad_x[n, r0:r1, c0:c1, ch] += upstream / window.size
                    else:
                        norm = np.sqrt(np.sum(window**2))
                        if norm > 0:  # an all-zero window: the norm's gradient is taken as 0
                            grad_x[n, r0:r1, c0:c1, ch] += upstream * window / norm
    return _caller_layout(grad_x, args.ndim)


def _offset_view(a, i, j, out_hw, stride):
    """The cells that window offset (i, j) covers at every output position, in the padded
    ``a`` (N, Hp, Wp, C): a view of shape (N, H', W', C)."""
    (sh, sw), (oh, ow) = stride, out_hw
    return a[:, i : i + (oh - 1) * sh + 1 : sh, j : j + (ow - 1) * sw + 1 : sw, :]


def pool2d_backward(x, grad_output, pool_size=2, *, stride=None, padding="valid", mode="max"):
    """Gradient of ``pool2d(x, pool_size, ...)`` with respect to ``x``.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        The pooling's input, as given to :func:`cnnlab.pool2d`.
    grad_output : ndarray, shape (H', W'), (H', W', C) or (N, H', W', C)
        The upstream gradient :math:`G = \\partial L / \\partial Y`: exactly the shape of
        ``pool2d(x, pool_size, ...)``.
    pool_size : int or (int, int), default 2
        Window size.
    stride : int or (int, int), optional
        Step; defaults to ``pool_size``.
    padding : str, int or pair, default "valid"
        As for :func:`cnnlab.pool2d`; padded cells are not inputs and get no gradient.
    mode : {"max", "avg", "l2"}, default "max"

    Returns
    -------
    grad_x : ndarray, the shape of ``x``
        :math:`\\partial L / \\partial X`, in the floating dtype of the inputs.

    Raises
    ------
    ValueError, TypeError
        As :func:`cnnlab.pool2d` for bad ``x``, ``pool_size``, ``stride``, ``padding`` or
        ``mode``; ``ValueError`` when ``grad_output`` does not have the shape of the pooling's
        output.

    See Also
    --------
    pool2d_backward_naive : the loop version this one is tested against.
    cnnlab.pool2d : the forward pass.

    Notes
    -----
    For one output value :math:`y` of window :math:`R` (its real cells only) with upstream
    gradient :math:`g`, the gradient sent to an input cell :math:`x_r`, :math:`r \\in R`, is

    .. math::

        \\text{max:}\\ g\\,[r = r^*],\\ r^* \\text{ the first } r \\text{ with } x_r = y;
        \\qquad \\text{avg:}\\ \\frac{g}{|R|};
        \\qquad \\text{l2:}\\ g\\,\\frac{x_r}{y},\\ y = \\sqrt{\\textstyle\\sum_{r \\in R}
        x_r^2},

    summed over every window that holds :math:`x_r`. Max pooling is not differentiable where
    a window holds a tie; like ``tf.nn.max_pool2d`` the whole gradient goes to the first of
    the tied cells, reading the window row by row. The L2 norm is not differentiable at an
    all-zero window; there the gradient is taken as 0 (the smallest subgradient), where
    TensorFlow's ``sqrt`` of a sum of squares gives NaN.

    The fast version loops over the :math:`p_h p_w` window offsets and handles every position
    at once: for max it walks the offsets in row-major order and gives each output's gradient
    to the first offset whose cell equals the output (pool2d's own result).

    References
    ----------
    .. [1] CS231n, "Convolutional Neural Networks", Pooling Layer, "Backpropagation",
       https://cs231n.github.io/convolutional-networks/#pool
    .. [2] TensorFlow, ``tf.nn.max_pool2d`` (gradient ``MaxPoolGrad``) and "Notes on padding",
       https://www.tensorflow.org/api_docs/python/tf/nn#notes_on_padding_2

    Examples
    --------
    Overlapping 2x2 windows at stride 1: the 9 wins all four windows and collects all four
    gradients.

    >>> x = np.array([[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]])
    >>> pool2d_backward(x, np.ones((2, 2)), 2, stride=1)
    array([[0., 0., 0.],
           [0., 4., 0.],
           [0., 0., 0.]])

    'same' padding at stride 2 on a 3x3 image: the corner windows hold 4, 2, 2 and 1 real cells.

    >>> pool2d_backward(np.zeros((3, 3)), np.ones((2, 2)), 2, padding="same", mode="avg")
    array([[0.25, 0.25, 0.5 ],
           [0.25, 0.25, 0.5 ],
           [0.5 , 0.5 , 1.  ]])
    >>> pool2d_backward(np.array([[3.0, 4.0]]), np.array([[1.0]]), (1, 2), mode="l2")
    array([[0.6, 0.8]])
    """
    args = _check_backward(x, grad_output, pool_size, stride, padding, mode)
    x4, out, g = args.x, args.out, args.grad
    (ph, pw), step = args.pool, args.stride
    (top, bottom), (left, right) = args.pads
    n_images, h, w, n_channels = x4.shape
    out_hw = out.shape[1:3]
    width = ((0, 0), (top, bottom), (left, right), (0, 0))
    grad_xp = np.zeros((n_images, h + top + bottom, w + left + right, n_channels), x4.dtype)
    offsets = [(i, j) for i in range(ph) for j in range(pw)]  # row-major: TensorFlow's order
    if args.mode == "max":
        xp = np.pad(x4, width, constant_values=-np.inf)  # padding never wins
        unclaimed = np.ones(out.shape, dtype=bool)  # outputs whose winner is still to be found
        for i, j in offsets:
            won = unclaimed & (_offset_view(xp, i, j, out_hw, step) == out)
            _offset_view(grad_xp, i, j, out_hw, step)[won] += g[won]
            unclaimed &= ~won
    elif args.mode == "avg":
        # How many real cells each window holds: the same views of a padded array of ones.
        real = np.pad(np.ones((1, h, w, 1), x4.dtype), width)
        count = sum(_offset_view(real, i, j, out_hw, step) for i, j in offsets)
        share = g / count
        for i, j in offsets:  # padded cells get a share too, and are cut off below
            _offset_view(grad_xp, i, j, out_hw, step)[...] += share
    else:
        xp = np.pad(x4, width)  # zeros add nothing to a norm
        ratio = np.divide(g, out, out=np.zeros_like(g), where=out > 0)  # g / y, 0 where y = 0
        for i, j in offsets:
            _offset_view(grad_xp, i, j, out_hw, step)[...] += ratio * _offset_view(
                xp, i, j, out_hw, step
            )
    return _caller_layout(grad_xp[:, top : top + h, left : left + w, :], args.ndim)
