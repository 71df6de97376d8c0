"""Exercise checkers of notebook 09 · Dropout.

==========================  ========================================================
checker                     the learner provides
==========================  ========================================================
check_inverted_dropout      ``apply_dropout(x, keep, rate)`` with a given mask
check_dropout_layer         ``dropout_layer(x, rate, training, rng)``
==========================  ========================================================
"""

from __future__ import annotations

import math

import numpy as np

from .cases import check_cases, run_case
from .compare import as_floats, function_name, show
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["check_dropout_layer", "check_inverted_dropout"]


def _dropout_reference(x, keep, rate):
    return np.where(keep, x / (1.0 - rate), 0.0)


def check_inverted_dropout(func) -> Result:
    """Check a learner's ``apply_dropout(x, keep, rate)``: inverted dropout with a given mask.

    Parameters
    ----------
    func : callable
        ``func(x, keep, rate)`` with ``keep`` a boolean array of ``x``'s shape (True = kept):
        returns ``x / (1 - rate)`` where kept and 0 where dropped.

    Examples
    --------
    >>> check_inverted_dropout(lambda x, keep, rate: x * keep / (1 - rate)).passed
    True
    >>> print(check_inverted_dropout(lambda x, keep, rate: x * keep).message)
    ... # doctest: +ELLIPSIS
    apply_dropout(...) returned ... Scale the values you keep by 1 / (1 - rate)...
    """
    rng = np.random.default_rng(7)
    cases = [
        (np.ones((2, 4)), np.array([[1, 0, 1, 0], [0, 0, 1, 1]], dtype=bool), 0.5),
        (np.arange(1.0, 7.0).reshape(2, 3), np.array([[1, 1, 0], [1, 0, 1]], dtype=bool), 0.2),
        (rng.normal(size=(3, 3)), np.ones((3, 3), dtype=bool), 0.0),  # rate 0: nothing changes
        (rng.normal(size=(2, 2)), np.array([[0, 1], [0, 0]], dtype=bool), 0.75),
    ]
    mistakes = [
        (
            lambda x, k, r: x * k,
            "Scale the values you keep by 1 / (1 - rate): then every value's expected value "
            "stays x, and nothing needs to change at inference (inverted dropout).",
        ),
        (
            lambda x, k, r: x * k * (1 - r),
            "Divide the kept values by (1 - rate), do not multiply: they must grow to make up "
            "for the dropped ones.",
        ),
        (
            lambda x, k, r: x * k / r if r > 0 else x * k,
            "Divide by (1 - rate), the fraction kept, not by rate, the fraction dropped.",
        ),
        (
            lambda x, k, r: x * ~k / (1 - r),
            "True in `keep` means the value is kept; you dropped those and kept the others.",
        ),
    ]
    return check_cases(
        func,
        "apply_dropout",
        cases,
        _dropout_reference,
        mistakes,
        show_args=lambda x, k, r: f"x of shape {x.shape}, keep, rate={r}",
        success="Dropped values are 0 and kept ones are scaled by 1 / (1 - rate).",
    )


def check_dropout_layer(func) -> Result:
    """Check a learner's ``dropout_layer(x, rate, training, rng)``: Keras-style dropout.

    Checked: at inference (``training=False``) the input comes back unchanged; in training a
    fraction ``rate`` of the values (within a few standard deviations, on 40,000 values) is 0,
    the others are scaled by ``1 / (1 - rate)``, so the mean is preserved; the mask comes from
    ``rng`` (the same seed gives the same mask, another seed another mask); ``rate=0`` changes
    nothing; the input array is not modified.

    Examples
    --------
    >>> def dropout_layer(x, rate, training, rng):
    ...     if not training:
    ...         return x
    ...     keep = rng.random(x.shape) >= rate
    ...     return np.where(keep, x / (1 - rate), 0.0)
    >>> check_dropout_layer(dropout_layer).passed
    True
    >>> print(check_dropout_layer(lambda x, rate, training, rng: x * (1 - rate)).message)
    ... # doctest: +ELLIPSIS
    At inference (training=False) ... inverted dropout ...
    """
    if is_unfinished(func):
        return wrong(UNFINISHED)
    name = function_name(func, "dropout_layer")

    def run(x, rate, training, seed):
        call = f"{name}(x of shape {x.shape}, rate={rate}, training={training}, rng)"
        value, problem = run_case(
            func,
            (x, rate, training, np.random.default_rng(seed)),
            call,
            in_place_hint="Return a new array instead, so the layer's input stays intact.",
        )
        if problem is None and (as_floats(value) is None or np.shape(value) != x.shape):
            problem = wrong(f"{call} should return an array of shape {x.shape}; got {show(value)}.")
        return (None if problem is not None else as_floats(value)), problem, call

    # Inference: nothing happens.
    x = np.arange(1.0, 13.0).reshape(3, 4)
    got, problem, call = run(x, 0.5, False, 0)
    if problem is not None:
        return problem
    if not np.allclose(got, x):
        if np.allclose(got, x * 0.5):
            return wrong(
                f"At inference (training=False) {call} scaled the input by (1 - rate). With "
                "inverted dropout the scaling already happened during training (kept values "
                "divided by 1 - rate), so at inference return x unchanged."
            )
        if np.any(got == 0):
            return wrong(
                f"At inference (training=False) {call} still dropped values. Dropout is only "
                "used during training; at inference return x unchanged."
            )
        return wrong(f"At inference (training=False) {call} should return x unchanged.")

    # Training on 40,000 ones: the fraction dropped and the scale of the survivors.
    rate = 0.3
    ones = np.ones((200, 200))
    got, problem, call = run(ones, rate, True, 1)
    if problem is not None:
        return problem
    dropped = float(np.mean(got == 0))
    kept = got[got != 0]
    if dropped < 0.005:
        return wrong(
            f"In training {call} dropped {dropped:.1%} of the values; it should drop about "
            f"{rate:.0%} (each value with probability rate)."
        )
    if abs(dropped - (1 - rate)) < 0.02:
        return wrong(
            f"{call} dropped {dropped:.1%} of the values, about 1 - rate. Drop a value with "
            "probability rate: keep it where rng.random(x.shape) >= rate."
        )
    if abs(dropped - rate) > 0.02:
        return wrong(f"{call} dropped {dropped:.1%} of the values; it should be about {rate:.0%}.")
    scale = float(np.median(kept))
    if not np.allclose(kept, 1 / (1 - rate)):
        hint = ""
        if math.isclose(scale, 1.0):
            hint = " Scale the kept values by 1 / (1 - rate) so the mean stays the same."
        elif math.isclose(scale, 1 - rate):
            hint = " Divide by (1 - rate), do not multiply."
        elif math.isclose(scale, 1 / rate):
            hint = " Divide by (1 - rate), the fraction kept, not by rate."
        return wrong(
            f"{call} on an array of ones kept values of {scale:.4g}; they should all be "
            f"1 / (1 - {rate}) = {1 / (1 - rate):.4g}.{hint}"
        )
    mean = float(got.mean())
    if abs(mean - 1.0) > 0.03:
        return wrong(f"{call}: the mean of the output is {mean:.3f}; it should stay close to 1.")

    # The mask comes from rng.
    again, problem, _ = run(ones, rate, True, 1)
    if problem is not None:
        return problem
    other, problem, _ = run(ones, rate, True, 2)
    if problem is not None:
        return problem
    if not np.array_equal(again, got):
        return wrong(
            "Two calls with the same seed gave different masks. Draw the mask from the `rng` "
            "argument (e.g. rng.random(x.shape) >= rate), not from np.random, so the same seed "
            "gives the same mask."
        )
    if np.array_equal(other, got):
        return wrong(
            "Two calls with different seeds gave the same mask: draw a new random mask from "
            "`rng` every call."
        )

    # rate = 0 in training changes nothing.
    got, problem, call = run(x, 0.0, True, 3)
    if problem is not None:
        return problem
    if not np.allclose(got, x):
        return wrong(f"With rate=0 nothing is dropped: {call} should return x unchanged.")
    return correct(
        f"In training about {dropped:.1%} of the values were dropped and the rest scaled by "
        f"1/(1 - {rate}) (mean {mean:.3f}); at inference x passes unchanged."
    )
