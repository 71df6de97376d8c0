"""Exercise checkers of notebook 08 · ReLU and softplus.

==========================  ========================================================
checker                     the learner provides
==========================  ========================================================
check_relu                  ``my_relu(x)``, element-wise
check_softplus_derivative   ``softplus_derivative(x)``: the logistic function
check_vanishing_depth       how many sigmoid layers until the gradient < 1e-6
==========================  ========================================================
"""

from __future__ import annotations

import math

import numpy as np

from ..activations import relu, sigmoid, softplus
from .cases import check_cases
from .compare import as_floats, compare_number
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_relu", "check_softplus_derivative", "check_vanishing_depth"]


def check_relu(func) -> Result:
    """Check a learner's ``my_relu(x)``: max(0, x) element by element, for arrays of any shape.

    Examples
    --------
    >>> check_relu(lambda x: np.maximum(x, 0)).passed
    True
    >>> print(check_relu(np.abs).message)   # doctest: +ELLIPSIS
    absolute(...) returned [2. , 0.5, 0. , 0.5, 3. ], ... ReLU sets negative values to 0; ...
    >>> print(check_relu(lambda x: max(0, x)).message)   # doctest: +ELLIPSIS
    Your function raised ValueError ... built-in max(0, x) ... np.maximum(x, 0) compares ...
    """
    cases = [
        (np.array([-2.0, -0.5, 0.0, 0.5, 3.0]),),
        (np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]]),),  # a small signed feature map
        (np.full((2, 2), -7.0),),  # all negative
        (np.array([1e6, -1e6, 2.5]),),  # no upper limit
    ]
    mistakes = [
        (
            np.abs,
            "ReLU sets negative values to 0; it does not flip their sign (that is abs).",
        ),
        (
            lambda x: np.clip(x, 0, 1),
            "ReLU has no upper limit: positive values pass unchanged, however large.",
        ),
        (
            lambda x: (x > 0).astype(float),
            "That is ReLU's derivative (1 where x > 0); ReLU itself passes positive values "
            "through unchanged.",
        ),
        (
            lambda x: np.max(x, axis=0),
            "np.max(x, 0) takes the maximum *along axis 0* (a reduction); np.maximum(x, 0) "
            "compares every element with 0.",
        ),
        (
            lambda x: np.minimum(x, 0),
            "That keeps the negative part; ReLU keeps the positive part, max(0, x).",
        ),
        (
            lambda x: np.log1p(np.exp(x)),
            "That is softplus, the smooth cousin of ReLU; ReLU is exactly max(0, x), with a "
            "kink at 0.",
        ),
        (
            lambda x: softplus(x),
            "That is softplus, the smooth cousin of ReLU; ReLU is exactly max(0, x), with a "
            "kink at 0.",
        ),
    ]
    result = check_cases(
        func,
        "my_relu",
        cases,
        relu,
        mistakes,
        success="Negative values become 0 and positive values pass unchanged.",
    )
    if not result.passed and "truth value of an array" in result.message:
        return wrong(
            f"{result.message.split(' Read the message')[0]} Python's built-in max(0, x) and "
            "`if x < 0` work on one number at a time, not on a whole array; "
            "np.maximum(x, 0) compares every element with 0."
        )
    return result


def check_softplus_derivative(func) -> Result:
    """Check a learner's ``softplus_derivative(x)``: the logistic function 1 / (1 + e^-x).

    Examples
    --------
    >>> check_softplus_derivative(lambda x: 1 / (1 + np.exp(-x))).passed
    True
    >>> print(check_softplus_derivative(lambda x: np.exp(x) / (1 + np.exp(x))).message)
    ... # doctest: +ELLIPSIS
    softplus_derivative(...) returned [ 0., 0., 1., nan], ... overflows to inf...
    """
    cases = [
        (np.array([0.0]),),
        (np.linspace(-4.0, 4.0, 5),),
        (np.array([[-1.0, 1.0], [2.5, -2.5]]),),
        (np.array([-1000.0, -50.0, 50.0, 1000.0]),),  # far out: exp overflows
    ]
    mistakes = [
        (
            softplus,
            "That is softplus itself, ln(1 + e^x); its derivative is e^x / (1 + e^x) = "
            "1 / (1 + e^-x).",
        ),
        (
            lambda x: (x > 0).astype(float),
            "That is ReLU's derivative (a step). Softplus is smooth, and so is its derivative: "
            "1 / (1 + e^-x).",
        ),
        (
            lambda x: sigmoid(x) * (1 - sigmoid(x)),
            "That is the derivative of the logistic function, one derivative too far; the "
            "derivative of softplus *is* the logistic function.",
        ),
        (
            lambda x: sigmoid(-x),
            "Check the sign: at x = 2 the derivative should be close to 1 (softplus is almost "
            "the line y = x there), 1 / (1 + e^-x).",
        ),
    ]
    return check_cases(
        func,
        "softplus_derivative",
        cases,
        sigmoid,
        mistakes,
        not_finite=(
            "For large x, e^x overflows to inf and inf / inf is nan (overflow). Divide top and "
            "bottom by e^x first: 1 / (1 + np.exp(-x)) gives 1 for large x and 0 for very "
            "negative x."
        ),
        success="The derivative of softplus is the logistic function 1 / (1 + e^-x).",
    )


def _layers_until(factor, threshold):
    depth, value = 0, 1.0
    while value >= threshold:
        depth += 1
        value *= factor
    return depth


def check_vanishing_depth(answer, *, factor=0.25, threshold=1e-6) -> Result:
    """Check the smallest number of layers whose product of derivatives falls below ``threshold``.

    With the sigmoid's largest derivative, 0.25, in every layer the gradient after ``L`` layers
    is at most ``0.25 ** L``.

    Parameters
    ----------
    answer : int
        The learner's depth.
    factor : float, default 0.25
        The derivative in every layer.
    threshold : float, default 1e-6

    Examples
    --------
    >>> check_vanishing_depth(10).passed
    True
    >>> print(check_vanishing_depth(9).message)   # doctest: +ELLIPSIS
    0.25 ** 9 = 3.8147e-06 is still above 1e-06. ... = 9.966, round up, not down.
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    expected = _layers_until(factor, threshold)
    value = as_floats(answer)
    if value is None or value.shape != ():
        return wrong(f"The answer should be a whole number of layers; you gave {answer!r}.")
    if not math.isclose(float(value), round(float(value))):
        return wrong(
            f"The answer should be a whole number of layers; you gave {answer!r}. A network "
            "has no fraction of a layer: round up."
        )
    got = round(float(value))
    if got == expected:
        return correct(
            f"{factor} ** {expected} = {factor**expected:.3g} is the first product below "
            f"{threshold:g}: {expected} layers."
        )
    if 0 < got < expected:
        return wrong(
            f"{factor} ** {got} = {factor**got:.5g} is still above {threshold:g}. If you "
            f"computed log({threshold:g}) / log({factor}) = "
            f"{math.log(threshold) / math.log(factor):.3f}, round up, not down."
        )
    if got > expected:
        return wrong(
            f"Fewer layers are enough: {factor} ** {expected} = {factor**expected:.3g} is "
            f"already below {threshold:g}. Look for the smallest depth."
        )
    return compare_number(got, expected, what="the number of layers")
