"""Exercise checkers of notebook 03 · Padding.

============================  ========================================================
checker                       the learner provides
============================  ========================================================
check_padded_output_size      ``padded_output_size(i, k, p)``
check_padding_amount          ``padding_for(k, mode)``: valid / same / full
check_coverage_map            the coverage-count map of a small image
============================  ========================================================
"""

from __future__ import annotations

import numpy as np

from ..conv import conv2d
from ..lessons.sliding_window import coverage_count
from ..shapes import output_size
from .cases import check_cases, whole_number_hint
from .compare import compare_array, same
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_coverage_map", "check_padded_output_size", "check_padding_amount"]


def check_padded_output_size(func) -> Result:
    """Check a learner's ``padded_output_size(i, k, p)`` for stride 1.

    Parameters
    ----------
    func : callable
        ``func(i, k, p)``: input size ``i``, kernel size ``k``, padding ``p`` on each side;
        must return ``i + 2p - k + 1``.

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
    func, mistakes = whole_number_hint(
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
    func, mistakes = whole_number_hint(
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

    Examples
    --------
    >>> from cnnlab.lessons import coverage_count
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
