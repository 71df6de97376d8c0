"""Exercise checkers of notebook 01 · Convolution.

============================  ========================================================
checker                       the learner provides
============================  ========================================================
check_conv_value              one output value of the 6x6 example, by hand
check_conv2d                  ``my_conv2d(x, kernel)``: valid, stride 1
check_conv_params             ``conv_param_count(kernel_size, in_channels, filters)``
============================  ========================================================
"""

from __future__ import annotations

import math

import numpy as np

from ..conv import conv2d
from ..lessons.sliding_window import example_6x6
from ..shapes import conv_params
from .cases import array_answer, check_cases
from .compare import compare_array, function_name, same
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_conv2d", "check_conv_params", "check_conv_value"]


def check_conv_value(answer, row=1, col=3, *, x=None, kernel=None) -> Result:
    """Check one output value of a valid, stride-1 convolution computed by hand.

    Parameters
    ----------
    answer : number
        The learner's value of ``output[row, col]``.
    row, col : int, default 1, 3
        Position in the output (counting from 0).
    x : ndarray, shape (H, W), optional
        The image; default the 6x6 example of :func:`cnnlab.lessons.example_6x6`.
    kernel : ndarray, shape (kh, kw), optional
        The kernel; default that example's 3x3 vertical-edge kernel.

    Examples
    --------
    >>> check_conv_value(3).passed
    True
    >>> print(check_conv_value(-3).message)     # doctest: +ELLIPSIS
    You gave -3; output[1, 3] is not that. That is what you get if you flipped the kernel...
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    ex, ek = example_6x6()
    x = ex if x is None else np.asarray(x, dtype=float)
    kernel = ek if kernel is None else np.asarray(kernel, dtype=float)
    out = conv2d(x, kernel)
    if not (0 <= row < out.shape[0] and 0 <= col < out.shape[1]):
        raise ValueError(f"row, col must lie inside the {out.shape} output; got ({row}, {col}).")
    expected = float(out[row, col])
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return wrong(f"The answer should be a number, you gave {answer!r}.")
    kh, kw = kernel.shape
    if math.isclose(value, expected, abs_tol=1e-9):
        return correct(
            f"output[{row}, {col}] = {expected:g}: the sum of the {kh * kw} products of the "
            f"window x[{row}:{row + kh}, {col}:{col + kw}] with the kernel."
        )
    head = f"You gave {value:g}; output[{row}, {col}] is not that."
    flipped = float(conv2d(x, kernel[::-1, ::-1])[row, col])
    if math.isclose(value, flipped, abs_tol=1e-9):
        return wrong(
            f"{head} That is what you get if you flipped the kernel (textbook convolution). "
            "CNN 'convolution' is cross-correlation: multiply each pixel with the kernel value "
            "in the same position, no flipping."
        )
    for r, c in (
        (col, row),
        (row - 1, col - 1),
        (row + 1, col + 1),
        (row, col - 1),
        (row - 1, col),
    ):
        if (r, c) != (row, col) and 0 <= r < out.shape[0] and 0 <= c < out.shape[1]:
            if math.isclose(value, float(out[r, c]), abs_tol=1e-9):
                return wrong(
                    f"{head} That is output[{r}, {c}]. Indices count from 0, and "
                    f"output[{row}, {col}] uses the window whose top-left pixel is "
                    f"x[{row}, {col}] (row first, then column)."
                )
    return wrong(
        f"{head} Take the {kh}x{kw} window x[{row}:{row + kh}, {col}:{col + kw}], multiply it "
        "element-wise with the kernel and add the products up."
    )


def _conv_cases():
    x, kernel = example_6x6()
    rect = (np.arange(20, dtype=float).reshape(4, 5) * 7) % 10  # non-square image
    asym = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])  # non-square, not symmetric
    small = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    return [
        (x, kernel),
        (rect, asym),
        (small, np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]])),  # 1x1 output
        (rect[:3, :4], np.array([[2.0]])),  # a 1x1 kernel scales the image
    ]


def check_conv2d(func) -> Result:
    """Check a learner's ``my_conv2d(x, kernel)``: valid padding, stride 1, no flip.

    Parameters
    ----------
    func : callable
        ``func(x, kernel)`` with ``x`` of shape (H, W) and ``kernel`` of shape (kh, kw), both
        float; must return the (H - kh + 1, W - kw + 1) cross-correlation.

    Examples
    --------
    >>> from scipy import signal
    >>> check_conv2d(lambda x, k: signal.correlate2d(x, k, mode="valid")).passed
    True
    >>> print(check_conv2d(lambda x, k: signal.convolve2d(x, k, mode="valid")).message)
    ... # doctest: +ELLIPSIS
    my_conv2d(...) ... You flipped the kernel ...
    """
    if is_unfinished(func):
        return wrong(UNFINISHED)
    name = function_name(func, "my_conv2d")
    for x, kernel in _conv_cases():
        got, problem = array_answer(func, (x, kernel), f"{name}(...)")
        if problem is not None:
            return problem
        expected = conv2d(x, kernel)
        (h, w), (kh, kw) = x.shape, kernel.shape
        call = f"{name}(x of shape {x.shape}, kernel of shape {kernel.shape})"
        if got.shape != expected.shape:
            if got.shape == (h - kh, w - kw):
                hint = (
                    f"Off by one: a window of width {kw} fits at {w - kw + 1} positions in a row "
                    f"of {w} pixels (0 to {w - kw}), so the size is W - kw + 1."
                )
            elif got.shape == (h, w):
                hint = "That is the input's size: this exercise wants 'valid' (no padding)."
            elif got.shape == expected.shape[::-1]:
                hint = "Rows and columns are swapped: the output is (H - kh + 1, W - kw + 1)."
            else:
                hint = "The output has H - kh + 1 rows and W - kw + 1 columns."
            return wrong(f"{call} returned shape {got.shape}, expected {expected.shape}. {hint}")
        if same(got, expected):
            continue
        if not got.any():
            return wrong(
                f"{call} returned only zeros. Fill in every out[i, j] with the sum of "
                "x[i:i+kh, j:j+kw] * kernel inside two loops over i and j."
            )
        if same(got, expected.T):
            return wrong(
                f"{call} gives the right values transposed: rows and columns are swapped. "
                "Index as x[row, column], rows first."
            )
        if same(got, conv2d(x, kernel[::-1, ::-1])):
            return wrong(
                f"{call} gives the values of the flipped kernel. You flipped the kernel "
                "(mathematical convolution); CNNs compute cross-correlation: "
                "out[i, j] = sum(x[i:i+kh, j:j+kw] * kernel), no flip."
            )
        return compare_array(got, expected, what=f"the result of {call}")
    return correct("Your loops give the same maps as cnnlab.conv2d on all four test cases.")


def check_conv_params(func) -> Result:
    """Check a learner's ``conv_param_count(kernel_size, in_channels, filters)``.

    Parameters
    ----------
    func : callable
        ``func(kernel_size, in_channels, filters)`` returning the trainable parameters of a
        Conv2D layer with square ``kernel_size`` kernels and biases.

    Examples
    --------
    >>> check_conv_params(lambda k, c, f: (k * k * c + 1) * f).passed
    True
    >>> print(check_conv_params(lambda k, c, f: k * k * f + f).message)   # doctest: +ELLIPSIS
    conv_param_count(5, 3, 6) returned 156, but the answer is 456. Each filter spans ...
    """
    cases = [(5, 3, 6), (5, 1, 1), (3, 64, 128), (1, 1, 1), (5, 3, 1)]
    mistakes = [
        (
            lambda k, c, f: k * k * c * f,
            "You forgot the biases: one per filter, so add `filters`.",
        ),
        (
            lambda k, c, f: (k * k + 1) * f,
            "Each filter spans all input channels: it has k * k * in_channels weights.",
        ),
        (
            lambda k, c, f: k * k * c * f + 1,
            "Each filter has its own bias, so add `filters` biases, not 1.",
        ),
        (
            lambda k, c, f: (k * k + 1) * c * f,
            "A filter has one bias, not one per input channel: (k * k * in_channels + 1) per "
            "filter.",
        ),
    ]
    return check_cases(
        func,
        "conv_param_count",
        cases,
        lambda k, c, f: conv_params(k, c, f),
        mistakes,
        success="(k * k * in_channels + 1) * filters, whatever the image size.",
    )
