"""Exercise checkers for notebooks 00-04: images, convolution, Sobel filters, padding, stride.

Every checker takes the learner's answer (a number, an array or a function they wrote), compares
it with cnnlab's reference on several cases including edge cases, and returns a
:class:`~cnnlab.checks.Result`. When the answer is wrong the message names the case that fails,
what came out, what was expected and, when the answer matches a typical mistake (an off-by-one
in the size formula, a flipped kernel, a forgotten bias, ...), what that mistake is. An
unfinished stub (``...`` or ``None``) gives a friendly "not yet", never an exception.

=============================  ==========  =====================================================
checker                        notebook    the learner provides
=============================  ==========  =====================================================
check_normalise                00          ``normalise(image)``: uint8 -> float in [0, 1]
check_brighten                 00          ``brighten(image, amount)`` without wrap-around
check_dense_params             00          ``dense_param_count(n_inputs, n_units)``
check_conv_value               01          one output value of the 6x6 example, by hand
check_conv2d                   01          ``my_conv2d(x, kernel)``: valid, stride 1
check_conv_params              01          ``conv_param_count(kernel_size, in_channels, filters)``
check_edge_kernel              02          a kernel for horizontal (or vertical) edges
check_gradient_magnitude       02          ``magnitude(gx, gy)``
check_box_blur                 02          ``my_box_blur(size)``
check_padded_output_size       03          ``padded_output_size(i, k, p)``
check_padding_amount           03          ``padding_for(k, mode)``: valid / same / full
check_coverage_map             03          the coverage-count map of a small image
check_output_size              04          ``my_output_size(i, k, s, p)``
check_same_output_size         04          ``tf_same_size(i, s)``: TensorFlow's 'same'
check_receptive_field          04          the receptive field of a stack of layers
=============================  ==========  =====================================================
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import kernels as _kernels
from ..ops import conv2d
from ..shapes import _layer_triplet, conv_params, dense_params, output_size, receptive_fields
from ..teaching import coverage_count, example_6x6
from ._core import (
    UNFINISHED,
    Result,
    check_cases,
    compare_array,
    correct,
    function_name,
    is_unfinished,
    run_case,
    same,
    show,
    wrong,
)

__all__ = [
    "check_box_blur",
    "check_brighten",
    "check_conv2d",
    "check_conv_params",
    "check_conv_value",
    "check_coverage_map",
    "check_dense_params",
    "check_edge_kernel",
    "check_gradient_magnitude",
    "check_normalise",
    "check_output_size",
    "check_padded_output_size",
    "check_padding_amount",
    "check_receptive_field",
    "check_same_output_size",
]


def _not_whole(value) -> bool:
    """Whether ``value`` is a finite number with a fractional part (what true division gives)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and not number.is_integer()


def _whole_number_hint(func, mistakes, hint):
    """``(func, mistakes)`` for :func:`check_cases`, with one more mistake after ``mistakes``:
    "some answer is not a whole number" (a learner's true division ``/`` instead of ``//``).

    The learner's function is wrapped so that its answers are recorded; the extra mistake
    returns those answers, case by case, when one of them has a fractional part, so it matches
    any such function that no catalogued mistake explained first.
    """
    if not callable(func):
        return func, mistakes
    answers = {}

    @functools.wraps(func)
    def recorded(*args):
        answers[args] = value = func(*args)
        return value

    def fractional(*args):
        if not any(_not_whole(v) for v in answers.values()):
            raise ValueError("every answer is a whole number")
        return answers[args]

    return recorded, [*mistakes, (fractional, hint)]


# ----------------------------------------------------------------------------------------------
# 00 · Images as arrays
# ----------------------------------------------------------------------------------------------
_NORMALISE_IMAGES = (
    np.array([[0, 128, 255]], dtype=np.uint8),
    np.array([[10, 20], [40, 100]], dtype=np.uint8),  # a dark image: its maximum is not 255
    np.arange(18, dtype=np.uint8).reshape(2, 3, 3) * 15,  # a tiny RGB image
    np.full((2, 2), 7, dtype=np.uint8),  # flat: (x - min) / (max - min) divides by zero
)


def check_normalise(func) -> Result:
    """Check a learner's ``normalise(image)`` that maps a uint8 image to floats in [0, 1].

    Parameters
    ----------
    func : callable
        ``func(image)`` with ``image`` of dtype uint8, shape (H, W) or (H, W, 3); must return an
        array of the same shape with ``image / 255`` as floating point values.

    Returns
    -------
    Result

    Examples
    --------
    >>> check_normalise(lambda image: image / 255).passed
    True
    >>> print(check_normalise(lambda image: image / 256).message)   # doctest: +ELLIPSIS
    normalise([[  0, 128, 255]]) returned ...Divide by 255, not 256...
    """
    if is_unfinished(func):
        return wrong(UNFINISHED)
    name = function_name(func, "normalise")
    for image in _NORMALISE_IMAGES:
        value, problem = run_case(func, (image,), f"{name}(...)")
        if problem is not None:
            return problem
        got = np.asarray(value)
        expected = image / 255.0
        call = f"{name}({show(image)})"
        if got.shape != expected.shape:
            return wrong(
                f"{call} returned shape {got.shape}; keep the image's shape {image.shape}."
            )
        if not np.issubdtype(got.dtype, np.floating):
            return wrong(
                f"{call} returned dtype {got.dtype}, so values between 0 and 1 cannot exist. "
                "Use true division `/` (not `//`) so the result is floating point."
            )
        if same(got, expected):
            continue
        detail = f"{call} returned {show(got)}, expected {show(expected.round(4))}."
        if same(got, image / 256.0):
            return wrong(
                f"{detail} Divide by 255, not 256: the brightest uint8 value, 255, must "
                "become exactly 1.0."
            )
        span = float(image.max()) - float(image.min())
        if float(image.max()) > 0 and same(got, image / float(image.max())):
            return wrong(
                f"{detail} You divided by this image's own maximum ({int(image.max())}). "
                "Divide by 255, the largest possible uint8 value, so that every image uses "
                "the same scale and a dark image stays dark."
            )
        if np.isnan(got).any() or (
            span > 0 and same(got, (image.astype(float) - image.min()) / span)
        ):
            return wrong(
                f"{detail} That is min-max scaling, which stretches each image differently "
                "(and divides by zero on a flat image). Divide by 255 instead."
            )
        return wrong(f"{detail} Every value should be the pixel divided by 255.")
    return correct("Every pixel value is divided by 255: 0 -> 0.0, 255 -> 1.0.")


def _brighten_reference(image, amount):
    return np.clip(image.astype(int) + amount, 0, 255)


def check_brighten(func) -> Result:
    """Check a learner's ``brighten(image, amount)`` that adds ``amount`` without wrap-around.

    Parameters
    ----------
    func : callable
        ``func(image, amount)`` with a uint8 ``image`` and an integer ``amount`` (negative
        darkens); must return the values ``image + amount`` clipped to [0, 255] (any numeric
        dtype, on the 0-255 scale).

    Returns
    -------
    Result

    Examples
    --------
    >>> ok = lambda image, amount: np.clip(image.astype(int) + amount, 0, 255).astype(np.uint8)
    >>> check_brighten(ok).passed
    True
    >>> print(check_brighten(lambda image, amount: image + np.uint8(amount)).message)
    ... # doctest: +ELLIPSIS
    brighten(...) returned ...The values wrapped around: uint8 arithmetic...
    """
    image = np.array([[0, 100, 155, 200, 250, 255]], dtype=np.uint8)
    cases = [(image, 100), (image, 0), (image, 5), (image, -50)]
    mistakes = [
        (
            lambda im, a: (im.astype(int) + a) % 256,
            "The values wrapped around: uint8 arithmetic keeps only the last 8 bits, so "
            "250 + 100 became 94. Convert to a wider type first (`image.astype(int)` or "
            "`np.int16`), add, then clip with `np.clip(..., 0, 255)`.",
        ),
        (
            lambda im, a: im.astype(int) + a,
            "Nothing wraps any more, good, but values above 255 (or below 0) remain. "
            "Clip the result to [0, 255] with `np.clip`.",
        ),
        (
            lambda im, a: np.minimum(im.astype(int) + a, 255),
            "Brightening is right, but darkening (a negative amount) goes below 0. Clip at "
            "both ends: `np.clip(..., 0, 255)`.",
        ),
        (
            lambda im, a: np.clip(im.astype(int) + a, 0, 255) / 255.0,
            "Those are the right values divided by 255. Return them on the 0-255 scale.",
        ),
    ]
    return check_cases(
        func,
        "brighten",
        cases,
        _brighten_reference,
        mistakes,
        success="No wrap-around and every value clipped to [0, 255].",
    )


def check_dense_params(func) -> Result:
    """Check a learner's ``dense_param_count(n_inputs, n_units)``.

    Parameters
    ----------
    func : callable
        ``func(n_inputs, n_units)`` returning the number of trainable parameters of a fully
        connected layer (weights and biases).

    Returns
    -------
    Result

    Examples
    --------
    >>> check_dense_params(lambda n, u: n * u + u).passed
    True
    >>> print(check_dense_params(lambda n, u: n * u).message)      # doctest: +ELLIPSIS
    dense_param_count(176400, 128) returned 22579200, but the answer is 22579328. You forgot ...
    """
    cases = [(420 * 420, 128), (784, 10), (3, 5), (1, 1)]
    mistakes = [
        (
            lambda n, u: n * u,
            "You forgot the biases: each of the n_units neurons has one bias, so add n_units.",
        ),
        (
            lambda n, u: n * u + 1,
            "Every neuron has its own bias, so add n_units biases, not 1.",
        ),
        (
            lambda n, u: n * u + n,
            "The biases belong to the neurons (n_units of them), not to the inputs.",
        ),
        (
            lambda n, u: n + u,
            "Every input is connected to every neuron: the weights are n_inputs * n_units.",
        ),
    ]
    return check_cases(
        func,
        "dense_param_count",
        cases,
        dense_params,
        mistakes,
        success="n_inputs * n_units weights plus one bias per neuron.",
    )


# ----------------------------------------------------------------------------------------------
# 01 · Convolution
# ----------------------------------------------------------------------------------------------
def check_conv_value(answer, row=1, col=3, *, x=None, kernel=None) -> Result:
    """Check one output value of a valid, stride-1 convolution computed by hand.

    Parameters
    ----------
    answer : number
        The learner's value of ``output[row, col]``.
    row, col : int, default 1, 3
        Position in the output (counting from 0).
    x : ndarray, shape (H, W), optional
        The image; default the 6x6 example of :func:`cnnlab.teaching.example_6x6`.
    kernel : ndarray, shape (kh, kw), optional
        The kernel; default that example's 3x3 vertical-edge kernel.

    Returns
    -------
    Result

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

    Returns
    -------
    Result

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
        value, problem = run_case(func, (x, kernel), f"{name}(...)")
        if problem is not None:
            return problem
        try:
            got = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return wrong(f"{name}(...) should return an array of numbers; got {value!r}.")
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

    Returns
    -------
    Result

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


# ----------------------------------------------------------------------------------------------
# 02 · Sobel and other hand-made filters
# ----------------------------------------------------------------------------------------------
def _edge_images(size=12):
    rows = np.zeros((size, size))
    rows[size // 2 :, :] = 1.0  # dark above, bright below: a horizontal edge
    return {"horizontal": rows, "vertical": rows.T.copy()}


def check_edge_kernel(kernel, orientation="horizontal") -> Result:
    """Check a hand-made kernel that detects edges of one orientation.

    The kernel is tried on three test images: a flat one (the response must be 0 everywhere),
    an edge of the asked orientation (the response must be positive where the image gets
    brighter: downwards for ``"horizontal"``, to the right for ``"vertical"``), and an edge of
    the other orientation (the response must be 0). Sobel, Prewitt and Scharr kernels all pass.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw)
        At most 7x7.
    orientation : {"horizontal", "vertical"}, default "horizontal"

    Returns
    -------
    Result

    Examples
    --------
    >>> check_edge_kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]).passed
    True
    >>> print(check_edge_kernel([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]).message)
    ... # doctest: +ELLIPSIS
    The sign is flipped: ...
    """
    if orientation not in ("horizontal", "vertical"):
        raise ValueError(f"orientation must be 'horizontal' or 'vertical'; got {orientation!r}.")
    if is_unfinished(kernel):
        return wrong(UNFINISHED)
    try:
        k = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError):
        return wrong(f"The kernel should be a 2-D array of numbers; got {kernel!r}.")
    if k.ndim != 2 or not (1 <= k.shape[0] <= 7 and 1 <= k.shape[1] <= 7):
        return wrong(f"The kernel should be a small 2-D array such as 3x3; got shape {k.shape}.")
    if not np.isfinite(k).all():
        return wrong("The kernel contains nan or inf; use ordinary numbers.")
    other = "vertical" if orientation == "horizontal" else "horizontal"
    brighter = "below" if orientation == "horizontal" else "to the right"
    images = _edge_images()
    total = float(k.sum())
    if abs(total) > 1e-9:
        return wrong(
            f"Your weights sum to {total:g}, so a flat region of brightness b gives "
            f"{total:g} * b instead of 0. An edge detector's weights sum to 0 (for example "
            "one row negative, one row positive)."
        )
    own = conv2d(images[orientation], k)
    cross = conv2d(images[other], k)
    scale = float(np.abs(k).sum())
    own_peak, own_low = float(own.max()), float(own.min())
    cross_peak = float(np.abs(cross).max())
    if cross_peak > 1e-9 * scale and own_peak <= 1e-9 * scale and own_low >= -1e-9 * scale:
        return wrong(
            f"Your kernel ignores {orientation} edges and responds to {other} ones: it is a "
            f"{other}-edge detector. Transpose it (`kernel.T`)."
        )
    if cross_peak > 1e-9 * scale:
        return wrong(
            f"Your kernel also responds to {other} edges (up to {cross_peak:g} on a step of "
            f"height 1). Make each row of the kernel (for horizontal edges) or each column "
            "(for vertical edges) constant in sign and symmetric, like Sobel's."
        )
    if own_peak <= 1e-9 * scale and own_low < -1e-9 * scale:
        return wrong(
            f"The sign is flipped: where the image gets brighter {brighter} your kernel gives "
            f"{own_low:g}. The convention here is a positive response there: multiply the "
            "kernel by -1."
        )
    if own_peak <= 1e-9 * scale:
        return wrong(f"Your kernel gives 0 on a {orientation} edge too: it detects nothing.")
    if own_low < -1e-9 * scale:
        return wrong(
            f"On one {orientation} edge your kernel gives both positive ({own_peak:g}) and "
            f"negative ({own_low:g}) responses: it measures a second derivative (like the "
            "Laplacian), which marks each side of the edge. For a first derivative put the "
            "negative weights on the dark side and the positive ones on the bright side."
        )
    return correct(
        f"Flat regions give 0, {other} edges give 0, and the {orientation} edge gives "
        f"{own_peak:g} where the image gets brighter {brighter}."
    )


def _magnitude_cases():
    return [
        (np.array([[3.0]]), np.array([[4.0]])),
        (np.array([[-3.0, 0.0, 5.0]]), np.array([[4.0, 0.0, -12.0]])),
        (np.zeros((2, 2)), np.zeros((2, 2))),
        (np.array([[1.0, -2.0], [0.5, 6.0]]), np.array([[-1.0, 2.0], [1.2, -8.0]])),
    ]


def check_gradient_magnitude(func) -> Result:
    """Check a learner's ``magnitude(gx, gy)``: the gradient magnitude of two Sobel maps.

    Parameters
    ----------
    func : callable
        ``func(gx, gy)`` with two arrays of the same shape; must return
        ``sqrt(gx**2 + gy**2)`` element-wise.

    Returns
    -------
    Result

    Examples
    --------
    >>> check_gradient_magnitude(np.hypot).passed
    True
    >>> print(check_gradient_magnitude(lambda gx, gy: gx**2 + gy**2).message)
    ... # doctest: +ELLIPSIS
    magnitude([[3.]], [[4.]]) returned [[25.]], but the answer is [[5.]]. You forgot the square root...
    """
    mistakes = [
        (lambda gx, gy: gx**2 + gy**2, "You forgot the square root: sqrt(gx**2 + gy**2)."),
        (
            lambda gx, gy: gx + gy,
            "Adding gx and gy lets a negative response cancel a positive one. Square each "
            "map, add, then take the square root (Pythagoras).",
        ),
        (
            lambda gx, gy: np.abs(gx) + np.abs(gy),
            "|gx| + |gy| is a cheap approximation; the magnitude is sqrt(gx**2 + gy**2).",
        ),
        (
            lambda gx, gy: np.sqrt(np.abs(gx + gy)),
            "Square gx and gy separately before adding: sqrt(gx**2 + gy**2).",
        ),
    ]
    return check_cases(
        func,
        "magnitude",
        _magnitude_cases(),
        np.hypot,
        mistakes,
        success="sqrt(gx**2 + gy**2), element by element.",
    )


def check_box_blur(func) -> Result:
    """Check a learner's ``my_box_blur(size)``: a size x size kernel that averages the window.

    Parameters
    ----------
    func : callable
        ``func(size)`` returning an array of shape (size, size).

    Returns
    -------
    Result

    Examples
    --------
    >>> check_box_blur(lambda size: np.ones((size, size)) / size**2).passed
    True
    >>> print(check_box_blur(lambda size: np.ones((size, size))).message)   # doctest: +ELLIPSIS
    my_box_blur(3) returned an array of shape (3, 3). The weights sum to 9, so...
    """
    if is_unfinished(func):
        return wrong(UNFINISHED)
    name = function_name(func, "my_box_blur")
    for size in (3, 5, 1, 4):
        value, problem = run_case(func, (size,), f"{name}({size})")
        if problem is not None:
            return problem
        try:
            got = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return wrong(f"{name}({size}) should return an array of numbers; got {value!r}.")
        expected = _kernels.box_blur(size)
        head = f"{name}({size}) returned {show(got)}."
        if got.shape != expected.shape:
            return wrong(f"{head} It should have shape ({size}, {size}).")
        if same(got, expected):
            continue
        total = float(got.sum())
        if np.allclose(got, got.flat[0]) and not math.isclose(total, 1.0):
            return wrong(
                f"{head} The weights sum to {total:g}, so the blurred image would be "
                f"{total:g} times as bright. Divide by size * size = {size * size} so they "
                "sum to 1."
            )
        return compare_array(got, expected, what=f"{name}({size})")
    return correct("Every weight is 1 / size², so the kernel averages the window.")


# ----------------------------------------------------------------------------------------------
# 03 · Padding
# ----------------------------------------------------------------------------------------------
def check_padded_output_size(func) -> Result:
    """Check a learner's ``padded_output_size(i, k, p)`` for stride 1.

    Parameters
    ----------
    func : callable
        ``func(i, k, p)``: input size ``i``, kernel size ``k``, padding ``p`` on each side;
        must return ``i + 2p - k + 1``.

    Returns
    -------
    Result

    Examples
    --------
    >>> check_padded_output_size(lambda i, k, p: i + 2 * p - k + 1).passed
    True
    >>> print(check_padded_output_size(lambda i, k, p: i + p - k + 1).message)
    ... # doctest: +ELLIPSIS
    padded_output_size(32, 5, 2) returned 30, but the answer is 32. Padding p is added on both sides...
    """
    cases = [(120, 5, 0), (32, 5, 2), (6, 3, 2), (5, 5, 0), (3, 5, 2), (1, 1, 0)]
    mistakes = [
        (
            lambda i, k, p: i + p - k + 1,
            "Padding p is added on both sides, so the padded input is i + 2p wide.",
        ),
        (
            lambda i, k, p: i + 2 * p - k,
            "Off by one: the window fits at positions 0, 1, ..., (i + 2p - k), which is "
            "i + 2p - k + 1 positions.",
        ),
        (
            lambda i, k, p: i - k + 1,
            "You ignored the padding: it makes the input i + 2p wide before the convolution.",
        ),
        (
            lambda i, k, p: i + 2 * p - k - 1,
            "Add 1, don't subtract it: o = i + 2p - k + 1.",
        ),
    ]
    func, mistakes = _whole_number_hint(
        func,
        mistakes,
        "Some of your answers are fractions, which true division `/` gives; a size is a whole "
        "number of window positions. With stride 1 nothing needs dividing: "
        "o = i + 2p - k + 1 (use floor division `//` if you divide).",
    )
    return check_cases(
        func,
        "padded_output_size",
        cases,
        lambda i, k, p: output_size(i, k, 1, p),
        mistakes,
        success="o = i + 2p - k + 1.",
    )


def _padding_for(k, mode):
    return {"valid": 0, "same": (k - 1) // 2, "full": k - 1}[mode]


def check_padding_amount(func) -> Result:
    """Check a learner's ``padding_for(k, mode)``: padding per side for an odd kernel, stride 1.

    Parameters
    ----------
    func : callable
        ``func(k, mode)`` with an odd kernel size ``k`` and ``mode`` in ``"valid"``,
        ``"same"``, ``"full"``; must return 0, ``(k - 1) / 2`` and ``k - 1``.

    Returns
    -------
    Result

    Examples
    --------
    >>> ref = lambda k, mode: {"valid": 0, "same": (k - 1) // 2, "full": k - 1}[mode]
    >>> check_padding_amount(ref).passed
    True
    >>> swapped = lambda k, mode: {"valid": 0, "same": k - 1, "full": (k - 1) // 2}[mode]
    >>> print(check_padding_amount(swapped).message)   # doctest: +ELLIPSIS
    padding_for(3, 'same') returned 2, but the answer is 1. You swapped ...
    """
    cases = [(k, mode) for k in (3, 5, 1, 7) for mode in ("valid", "same", "full")]
    mistakes = [
        (
            lambda k, m: {"valid": 0, "same": k - 1, "full": (k - 1) // 2}[m],
            "You swapped 'same' and 'full': 'same' keeps the size, o = i + 2p - k + 1 = i, so "
            "p = (k - 1) / 2; 'full' keeps every partial overlap, p = k - 1.",
        ),
        (
            lambda k, m: {"valid": 0, "same": (k - 1) // 2, "full": k}[m],
            "'full' pads k - 1, not k: with k pixels of padding the window would first sit "
            "entirely on padding.",
        ),
        (
            lambda k, m: {"valid": 0, "same": (k + 1) // 2, "full": k - 1}[m],
            "'same' pads (k - 1) / 2 per side: o = i + 2p - k + 1 = i gives 2p = k - 1.",
        ),
        (
            lambda k, m: {"valid": 0, "same": k - 1, "full": k - 1}[m],
            "'same' pads half as much as 'full': (k - 1) / 2 on each side, so that "
            "i + 2p - k + 1 = i.",
        ),
    ]
    func, mistakes = _whole_number_hint(
        func,
        mistakes,
        "Some of your answers are fractions, which true division `/` gives (3 / 2 = 1.5); "
        "padding is a whole number of pixels. For an odd k, (k - 1) / 2 is whole: write "
        "`(k - 1) // 2`.",
    )
    return check_cases(
        func,
        "padding_for",
        cases,
        _padding_for,
        mistakes,
        success="valid: 0, same: (k - 1) / 2, full: k - 1.",
    )


def check_coverage_map(answer, input_hw=(6, 6), kernel_size=3) -> Result:
    """Check a coverage-count map: how many windows (valid, stride 1) cover each input pixel.

    Parameters
    ----------
    answer : array_like, shape (H, W)
    input_hw : (int, int), default (6, 6)
    kernel_size : int, default 3

    Returns
    -------
    Result

    Examples
    --------
    >>> from cnnlab.teaching import coverage_count
    >>> check_coverage_map(coverage_count((6, 6), 3)).passed
    True
    >>> import cnnlab
    >>> neighbours = cnnlab.conv2d(np.ones((6, 6)), np.ones((3, 3)), padding="same")
    >>> print(check_coverage_map(neighbours).message)      # doctest: +ELLIPSIS
    At the top-left corner you have 4, expected 1. ... pixels each window covers ...
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    h, w = input_hw
    k = kernel_size
    expected = coverage_count((h, w), k)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return wrong(f"The map should be an array of numbers; got {answer!r}.")
    if got.shape != expected.shape:
        hint = ""
        if got.shape == (h - k + 1, w - k + 1):
            hint = (
                " That is the size of the output; the coverage map has one count per input "
                f"pixel. Try conv2d(np.ones(({h - k + 1}, {w - k + 1})), np.ones(({k}, {k})), "
                'padding="full").'
            )
        elif got.shape == (h + k - 1, w + k - 1):
            hint = (
                f" That is a 'full' convolution of the whole {h}x{w} image: it spreads a 1 from "
                "every pixel, and counts positions of a padded input. Spread the ones from the "
                f"window positions instead: a 'valid' {k}x{k} window fits at only "
                f"{h - k + 1}x{w - k + 1} positions, one 1 for each."
            )
        return wrong(f"The map has shape {got.shape}; it should be {expected.shape}.{hint}")
    if same(got, expected):
        return correct(
            f"Corners are covered {int(expected[0, 0])} time(s), interior pixels {k * k} times "
            "(and every border pixel fewer): the edge effect."
        )
    neighbours = conv2d(np.ones((h, w)), np.ones((k, k)), padding="same")
    if same(got, neighbours):
        return wrong(
            f"At the top-left corner you have {got[0, 0]:g}, expected {expected[0, 0]:g}. Your map "
            "counts the image pixels each window covers ('same' padding); count instead, for "
            "each pixel, the 'valid' windows that cover it. Hint: start from np.ones of the "
            "output's shape and spread each window's 1 over its k x k pixels ('full' padding)."
        )
    if same(got, np.full((h, w), k * k)):
        return wrong(
            f"Only interior pixels are covered {k * k} times; a corner pixel lies in just one "
            "'valid' window."
        )
    return compare_array(got, expected, what="your coverage map")


# ----------------------------------------------------------------------------------------------
# 04 · Stride (and dilation)
# ----------------------------------------------------------------------------------------------
def _output_size_reference(i, k, s, p):
    return output_size(i, k, s, p)


def check_output_size(func) -> Result:
    """Check a learner's ``my_output_size(i, k, s, p)``: o = floor((i + 2p - k) / s) + 1.

    Parameters
    ----------
    func : callable
        ``func(i, k, s, p)``: input size, kernel size, stride, padding per side.

    Returns
    -------
    Result

    Examples
    --------
    >>> check_output_size(lambda i, k, s, p: (i + 2 * p - k) // s + 1).passed
    True
    >>> print(check_output_size(lambda i, k, s, p: (i + 2 * p - k) / s + 1).message)
    ... # doctest: +ELLIPSIS
    my_output_size(7, 3, 3, 0) returned 2.333..., but the answer is 2. ... floor ...
    """
    cases = [
        (7, 3, 1, 0),
        (7, 3, 2, 0),
        (7, 3, 3, 0),  # does not fit: one column is left over
        (227, 11, 4, 0),  # AlexNet
        (32, 5, 1, 2),
        (5, 5, 1, 0),  # kernel as large as the input
        (6, 3, 2, 1),
        (1, 1, 1, 0),
        (10, 3, 4, 1),
    ]
    mistakes = [
        (
            lambda i, k, s, p: (i + 2 * p - k) / s + 1,
            "When (i + 2p - k) is not a multiple of s the last window does not fit; round "
            "down with floor division `//`.",
        ),
        (
            lambda i, k, s, p: (i + 2 * p - k) // s,
            "Off by one: count the first window too, o = floor((i + 2p - k) / s) + 1.",
        ),
        (
            lambda i, k, s, p: -(-(i + 2 * p - k) // s) + 1,
            "You rounded up; a window that does not fit is dropped, so round down (`//`).",
        ),
        (
            lambda i, k, s, p: (i + p - k) // s + 1,
            "Padding is added on both sides: i + 2p.",
        ),
        (
            lambda i, k, s, p: (i + 2 * p - k + 1) // s,
            "Divide first, then add 1: o = floor((i + 2p - k) / s) + 1.",
        ),
        (
            lambda i, k, s, p: i + 2 * p - k + 1,
            "You ignored the stride: the window jumps s pixels, so divide (i + 2p - k) by s.",
        ),
    ]
    func, mistakes = _whole_number_hint(
        func,
        mistakes,
        "Some of your answers are fractions, which true division `/` gives; a size counts "
        "whole windows. Round down with floor division `//` (or `math.floor`): a window that "
        "does not fit is dropped.",
    )
    return check_cases(
        func,
        "my_output_size",
        cases,
        _output_size_reference,
        mistakes,
        success="o = floor((i + 2p - k) / s) + 1, including sizes that do not fit.",
    )


def check_same_output_size(func) -> Result:
    """Check a learner's ``tf_same_size(i, s)``: TensorFlow's 'same' output size, ceil(i / s).

    Parameters
    ----------
    func : callable
        ``func(i, s)``: input size and stride.

    Returns
    -------
    Result

    Examples
    --------
    >>> check_same_output_size(lambda i, s: -(-i // s)).passed
    True
    >>> print(check_same_output_size(lambda i, s: i // s).message)   # doctest: +ELLIPSIS
    tf_same_size(7, 2) returned 3, but the answer is 4. ...so round up...
    """
    cases = [(i, s) for i in (7, 6, 5, 1, 224, 227) for s in (1, 2, 3, 4)]
    mistakes = [
        (
            lambda i, s: i // s,
            "'same' keeps every input pixel: it pads so that a last, partial step still gets "
            "a window, so round up, ceil(i / s) (in Python `-(-i // s)` or `math.ceil(i / s)`).",
        ),
        (
            lambda i, s: i / s,
            "Sizes are whole numbers, but true division `/` gives fractions: round up, "
            "ceil(i / s) (in Python `-(-i // s)` or `math.ceil(i / s)`).",
        ),
        (
            lambda i, s: i,
            "With stride s > 1, 'same' does not keep the size: TensorFlow gives ceil(i / s).",
        ),
        (
            lambda i, s: round(i / s),
            "Python's round() goes to the nearest (even) integer; TensorFlow always rounds "
            "up, ceil(i / s).",
        ),
    ]
    func, mistakes = _whole_number_hint(
        func,
        mistakes,
        "Some of your answers are fractions, which true division `/` gives; a size is a whole "
        "number. TensorFlow rounds i / s up: `-(-i // s)` or `math.ceil(i / s)`.",
    )
    return check_cases(
        func,
        "tf_same_size",
        cases,
        lambda i, s: output_size(i, 3, s, "same"),
        mistakes,
        success="ceil(i / s), whatever the kernel size.",
    )


def check_receptive_field(answer, layers=((3, 1), (3, 1), (3, 1))) -> Result:
    """Check the receptive field (one axis, in input pixels) of the last layer of a stack.

    Parameters
    ----------
    answer : int
    layers : sequence of (kernel_size, stride)
        The stack, first layer first (pooling layers count too).

    Returns
    -------
    Result

    Examples
    --------
    >>> check_receptive_field(7).passed
    True
    >>> print(check_receptive_field(9).message)         # doctest: +ELLIPSIS
    You gave 9, the receptive field is 7. ... adds k - 1 ...
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    fields = receptive_fields(layers)
    expected = fields[-1]
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return wrong(f"The answer should be a number of pixels, you gave {answer!r}.")
    path = " -> ".join(str(r) for r in fields)
    if value == expected:
        return correct(f"The receptive field grows {path} pixels over the {len(fields)} layers.")
    head = f"You gave {value:g}, the receptive field is {expected}."
    ks = [_layer_triplet(layer)[0] for layer in layers]
    no_stride = 1 + sum(k - 1 for k in ks)
    if value == sum(ks) and value != no_stride:
        return wrong(
            f"{head} Consecutive windows overlap: each layer adds k - 1 pixels (times the "
            "product of the earlier strides), not k."
        )
    if value == no_stride:
        return wrong(
            f"{head} You ignored the strides: after a stride-s layer, one step of the next "
            "layer moves s input pixels, so its k - 1 extra pixels count s times. "
            f"Layer by layer: {path}."
        )
    if value == math.prod(ks):
        return wrong(f"{head} Receptive fields grow by adding, not multiplying: {path}.")
    return wrong(
        f"{head} Start at 1 pixel; each layer adds (k - 1) times the product of the strides "
        f"before it: {path}."
    )
