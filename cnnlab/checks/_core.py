"""The machinery every exercise checker shares: a result that renders nicely in a notebook,
and comparisons that say precisely what is off.

A checker never raises because of the learner's answer (an unfinished stub, a wrong shape or
an exception inside the learner's function all become a failing :class:`Result` with a hint),
so a notebook always runs top to bottom.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Result", "call_learner", "compare_array", "compare_number", "correct", "wrong"]


@dataclass(frozen=True)
class Result:
    """Outcome of a check: ``passed`` and a message for the learner.

    Displays as a green "Correct" or an orange "Not yet" box in a notebook, and is truthy
    only when the answer passed.

    Examples
    --------
    >>> bool(correct("4 is right."))
    True
    >>> wrong("off by one").message
    'off by one'
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return ("✅ Correct! " if self.passed else "❌ Not yet. ") + self.message

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour, border, head = (
            ("#e6f4ea", "#1e7e34", "✅ Correct!")
            if self.passed
            else ("#fff4e5", "#b35c00", "❌ Not yet.")
        )
        body = html.escape(self.message).replace("\n", "<br>")
        return (
            f'<div class="cnnlab-check" style="background:{colour};border-left:6px solid {border};'
            f'padding:0.6em 1em;font-size:1.1em;color:#111"><b>{head}</b> {body}</div>'
        )


def correct(message: str = "") -> Result:
    """A passing result."""
    return Result(True, message)


def wrong(message: str) -> Result:
    """A failing result with a hint."""
    return Result(False, message)


_UNFINISHED = "Replace the `...` (or `None`) in the exercise cell with your answer, then run it."


def call_learner(func, *args, **kwargs):
    """Call the learner's function; return ``(value, None)`` or ``(None, failing Result)``.

    Examples
    --------
    >>> value, problem = call_learner(lambda a: a + 1, 1)
    >>> value, problem
    (2, None)
    >>> call_learner(lambda a: 1 / a, 0)[1].passed
    False
    """
    if func is None or func is Ellipsis:
        return None, wrong(_UNFINISHED)
    if not callable(func):
        return None, wrong(f"Expected a function, got {type(func).__name__}: {func!r}.")
    call = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    try:
        return func(*args, **kwargs), None
    except Exception as err:  # the learner's code may raise anything
        return None, wrong(
            f"Your function raised {type(err).__name__} for ({call}): {err}. "
            "Read the message, fix the code and run the cell again."
        )


def compare_number(answer, expected, *, what: str = "the answer", rel_tol: float = 1e-9) -> Result:
    """Compare a numeric answer with the expected value.

    Examples
    --------
    >>> compare_number(784, 28 * 28).passed
    True
    >>> print(compare_number(728, 784, what="the number of pixels").message)
    the number of pixels should be 784, you gave 728 (56 too few).
    """
    if answer is None or answer is Ellipsis:
        return wrong(_UNFINISHED)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return wrong(f"{what} should be a number, you gave {answer!r}.")
    if math.isclose(value, float(expected), rel_tol=rel_tol, abs_tol=1e-12):
        return correct(f"{what} is {expected}.")
    diff = value - float(expected)
    size = f"{abs(diff):g} too {'many' if diff > 0 else 'few'}"
    return wrong(f"{what} should be {expected}, you gave {answer!r} ({size}).")


def compare_array(answer, expected, *, what: str = "your array", atol: float = 1e-6) -> Result:
    """Compare an array answer with the expected one: shape first, then values.

    The message names the first wrong position and both values.

    Examples
    --------
    >>> compare_array(np.eye(2), np.eye(2)).passed
    True
    >>> print(compare_array(np.zeros((2, 3)), np.zeros((2, 2))).message)
    your array has shape (2, 3) but should have shape (2, 2).
    """
    if answer is None or answer is Ellipsis:
        return wrong(_UNFINISHED)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return wrong(f"{what} should be an array of numbers, you gave {answer!r}.")
    exp = np.asarray(expected, dtype=float)
    if got.shape != exp.shape:
        return wrong(f"{what} has shape {got.shape} but should have shape {exp.shape}.")
    bad = ~np.isclose(got, exp, atol=atol, rtol=1e-6)
    if not bad.any():
        return correct(f"{what} matches.")
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return wrong(
        f"{what} differs in {int(bad.sum())} of {bad.size} places; the first is at index "
        f"{first}: you have {got[first]:g}, expected {exp[first]:g}."
    )
