"""Exercise checkers of notebook 04 · Stride (and dilation).

============================  ========================================================
checker                       the learner provides
============================  ========================================================
check_output_size             ``my_output_size(i, k, s, p)``
check_same_output_size        ``tf_same_size(i, s)``: TensorFlow's 'same'
check_receptive_field         the receptive field of a stack of layers
============================  ========================================================
"""

from __future__ import annotations

import math

from ..shapes import layer_triplet, output_size, receptive_fields
from .cases import check_cases, whole_number_hint
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_output_size", "check_receptive_field", "check_same_output_size"]


def _output_size_reference(i, k, s, p):
    return output_size(i, k, s, p)


def check_output_size(func) -> Result:
    """Check a learner's ``my_output_size(i, k, s, p)``: o = floor((i + 2p - k) / s) + 1.

    Parameters
    ----------
    func : callable
        ``func(i, k, s, p)``: input size, kernel size, stride, padding per side.

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
    func, mistakes = whole_number_hint(
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
    func, mistakes = whole_number_hint(
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
    ks = [layer_triplet(layer)[0] for layer in layers]
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
