"""Exercise checkers of notebook 02 · Sobel and other hand-made filters.

============================  ========================================================
checker                       the learner provides
============================  ========================================================
check_edge_kernel             a kernel for horizontal (or vertical) edges
check_gradient_magnitude      ``magnitude(gx, gy)``
check_box_blur                ``my_box_blur(size)``
============================  ========================================================
"""

from __future__ import annotations

import math

import numpy as np

from .. import kernels as _kernels
from ..conv import conv2d
from .cases import array_answer, check_cases
from .compare import as_floats, compare_array, function_name, same, show
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_box_blur", "check_edge_kernel", "check_gradient_magnitude"]


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
    k = as_floats(kernel)
    if k is None:
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
        got, problem = array_answer(func, (size,), f"{name}({size})")
        if problem is not None:
            return problem
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
