"""Exercise checkers of notebook 00 · Images as arrays.

============================  ========================================================
checker                       the learner provides
============================  ========================================================
check_normalise               ``normalise(image)``: uint8 -> float in [0, 1]
check_brighten                ``brighten(image, amount)`` without wrap-around
check_dense_params            ``dense_param_count(n_inputs, n_units)``
============================  ========================================================
"""

from __future__ import annotations

import numpy as np

from ..shapes import dense_params
from .cases import check_cases, run_case
from .compare import function_name, same, show
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_brighten", "check_dense_params", "check_normalise"]


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
