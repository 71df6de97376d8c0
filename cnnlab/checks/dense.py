"""Exercise checkers of notebook 10 · The fully connected layer.

==========================  ========================================================
checker                     the learner provides
==========================  ========================================================
check_softmax               ``my_softmax(scores)`` for a vector or a batch
check_cross_entropy         ``cross_entropy(y_true, probs)``
check_fc_params             the dense layer's parameter count of a small CNN
==========================  ========================================================
"""

from __future__ import annotations

import numpy as np

from ..activations import softmax
from ..losses import categorical_crossentropy
from ..shapes import conv_params, dense_params, output_shape
from .cases import check_cases
from .compare import as_floats, compare_number
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_cross_entropy", "check_fc_params", "check_softmax"]


def check_softmax(func) -> Result:
    """Check a learner's ``my_softmax(scores)`` for one score vector or a batch (one row each).

    Examples
    --------
    >>> def my_softmax(scores):
    ...     e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    ...     return e / e.sum(axis=-1, keepdims=True)
    >>> check_softmax(my_softmax).passed
    True
    >>> print(check_softmax(lambda s: np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)).message)
    ... # doctest: +ELLIPSIS
    my_softmax([1000., 1001., 1002.]) returned [nan, nan, nan], ... Subtract the largest score...
    """
    cases = [
        (np.array([1.0, 2.0, 3.0]),),
        (np.array([0.0, 0.0, 0.0, 0.0]),),  # equal scores: equal probabilities
        (np.array([-2.0, 0.5, 4.0, 1.0]),),
        (np.array([1000.0, 1001.0, 1002.0]),),  # large scores: e^1000 overflows
        (np.array([[1.0, 2.0], [3.0, 5.0], [0.0, 0.0]]),),  # a batch: one row per example
    ]
    mistakes = [
        (
            lambda s: s / s.sum(axis=-1, keepdims=True),
            "Exponentiate first: softmax(s)_k = e^(s_k) / sum_j e^(s_j). Dividing the scores "
            "by their sum fails for negative scores and for scores that sum to 0.",
        ),
        (
            lambda s: np.exp(s - s.max()) / np.exp(s - s.max()).sum(),
            "For a batch, normalise each row (example) separately: sum over axis=-1 with "
            "keepdims=True, so every row sums to 1.",
        ),
        (
            lambda s: np.exp(s - s.max(axis=0)) / np.exp(s - s.max(axis=0)).sum(axis=0),
            "For a batch, each *row* is one example: sum over the last axis (axis=-1, "
            "keepdims=True), not over axis 0.",
        ),
        (
            lambda s: np.exp(s),
            "Divide by the sum of the exponentials so the probabilities add up to 1.",
        ),
    ]
    return check_cases(
        func,
        "my_softmax",
        cases,
        lambda s: softmax(s, axis=-1),
        mistakes,
        not_finite=(
            "e^1000 overflows to inf and inf / inf is nan. Subtract the largest score first "
            "(scores - scores.max(axis=-1, keepdims=True)): softmax does not change when the "
            "same number is subtracted from every score."
        ),
        success="Positive probabilities that sum to 1 for every example, without overflow.",
    )


def _ce_reference(y_true, probs):
    return float(categorical_crossentropy(y_true, probs))


def check_cross_entropy(func) -> Result:
    """Check a learner's ``cross_entropy(y_true, probs)``: mean over examples of -sum y ln p.

    Parameters
    ----------
    func : callable
        ``func(y_true, probs)`` with one-hot labels and predicted probabilities, both of shape
        (N, classes); returns one number, the average over the N examples.

    Examples
    --------
    >>> check_cross_entropy(lambda y, p: -np.mean(np.sum(y * np.log(p), axis=1))).passed
    True
    >>> print(check_cross_entropy(lambda y, p: np.mean(np.sum(y * np.log(p), axis=1))).message)
    ... # doctest: +ELLIPSIS
    cross_entropy(...) returned -0.223144, but the answer is 0.223144. ...minus sign...
    """
    cases = [
        (np.array([[0.0, 1.0, 0.0]]), np.array([[0.1, 0.8, 0.1]])),
        (
            np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
            np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]),
        ),
        (
            np.eye(4)[[3, 0, 1]],
            np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.05, 0.9, 0.03, 0.02]]),
        ),
        (np.array([[0.0, 1.0]]), np.array([[0.001, 0.999]])),  # confident and right: near 0
    ]

    def per_example(y, p):
        return -np.sum(y * np.log(p), axis=1)

    mistakes = [
        (
            lambda y, p: -float(np.mean(per_example(y, p))),
            "The loss should be positive: you are missing the minus sign, -sum y ln p.",
        ),
        (
            lambda y, p: float(np.sum(per_example(y, p))),
            "Average over the examples (np.mean over axis 0), do not add them up.",
        ),
        (
            lambda y, p: float(np.mean(per_example(y, p))) / np.log(10),
            "Use the natural logarithm, np.log, not np.log10.",
        ),
        (
            lambda y, p: float(-np.mean(y * np.log(p))),
            "np.mean over the whole array also divides by the number of classes. Sum over the "
            "classes (axis=1) first, then average over the examples.",
        ),
        (
            lambda y, p: float(-np.mean(np.sum(np.log(p), axis=1))),
            "Only the probability of the true class counts: multiply ln p by the one-hot labels "
            "y before summing.",
        ),
        (
            lambda y, p: float(-np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))),
            "That is binary cross-entropy for independent yes/no outputs; for one class out of "
            "many (softmax outputs) use -sum y ln p only.",
        ),
    ]
    return check_cases(
        func,
        "cross_entropy",
        cases,
        _ce_reference,
        mistakes,
        show_args=lambda y, p: f"y_true of shape {y.shape}, probs of shape {p.shape}",
        success="-sum y ln p per example, averaged over the examples, as Keras computes it.",
    )


def check_fc_params(
    answer,
    *,
    input_shape=(28, 28, 1),
    kernel_size=3,
    filters=32,
    stride=1,
    padding="valid",
    pool_size=2,
    units=10,
) -> Result:
    """Check the parameter count of the dense layer after conv -> max-pool -> flatten.

    The network: an ``input_shape`` image, ``Conv2D(filters, kernel_size, stride, padding)``,
    ``MaxPooling2D(pool_size)`` (stride = pool size), ``Flatten``, ``Dense(units)``.

    Parameters
    ----------
    answer : int
        The learner's count of the dense layer's weights and biases.
    input_shape, kernel_size, filters, stride, padding, pool_size, units :
        The network (defaults: 28×28×1, 32 filters of 3×3, 'valid', 2×2 pooling, 10 classes).

    Examples
    --------
    >>> check_fc_params(13 * 13 * 32 * 10 + 10).passed
    True
    >>> print(check_fc_params(13 * 13 * 32 * 10).message)   # doctest: +ELLIPSIS
    the dense layer's parameters should be 54090, you gave 54080 (10 too few). ...biases...
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    h, w, c = input_shape
    conv_hw = output_shape((h, w), kernel_size, stride, padding)
    pool_hw = output_shape(conv_hw, pool_size, pool_size)
    flat = pool_hw[0] * pool_hw[1] * filters
    expected = dense_params(flat, units)
    result = compare_number(answer, expected, what="the dense layer's parameters")
    if result.passed:
        return correct(
            f"conv {conv_hw[0]}×{conv_hw[1]}×{filters} -> pool {pool_hw[0]}×{pool_hw[1]}×"
            f"{filters} -> flatten {flat:,} values; {flat:,} × {units} weights + {units} biases "
            f"= {expected:,}."
        )
    hints = {
        flat * units: "You forgot the biases: one per neuron of the dense layer.",
        flat: f"{flat:,} is the flattened length; every one of those values is connected to "
        f"each of the {units} neurons, and each neuron has a bias.",
        dense_params(conv_hw[0] * conv_hw[1] * filters, units): "You skipped the pooling layer: "
        f"it shrinks the {conv_hw[0]}×{conv_hw[1]} maps before flattening.",
        dense_params(pool_hw[0] * pool_hw[1], units): f"Flatten keeps all {filters} channels: "
        f"the flattened length is height × width × {filters}.",
        expected + conv_params(kernel_size, c, filters): "That includes the convolution's "
        "parameters; count only the dense layer.",
    }
    same_hw = output_shape(output_shape((h, w), kernel_size, stride, "same"), pool_size, pool_size)
    if padding == "valid" and same_hw != pool_hw:
        hints[dense_params(same_hw[0] * same_hw[1] * filters, units)] = (
            f"With 'valid' padding the {kernel_size}×{kernel_size} convolution shrinks the "
            f"image to {conv_hw[0]}×{conv_hw[1]} before pooling."
        )
    value = as_floats(answer)
    if value is not None and value.shape == () and float(value) in hints:
        return wrong(f"{result.message} {hints[float(value)]}")
    return wrong(
        f"{result.message} Work it out layer by layer: conv output size, then pooling, then "
        "flatten (height × width × channels), then weights + biases."
    )
