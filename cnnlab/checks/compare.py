"""Comparisons that say precisely what is off, and short text for values in a message.

* :func:`same` compares numbers or arrays (shape first, then values);
* :func:`show` and :func:`call_text` write values and calls short enough for a message;
* :func:`compare_number` and :func:`compare_array` turn a comparison into a :class:`Result`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = [
    "as_floats",
    "call_text",
    "compare_array",
    "compare_number",
    "function_name",
    "not_whole",
    "same",
    "same_with_nan",
    "show",
]


def same_with_nan(got, expected, *, atol: float = 1e-6) -> bool:
    """:func:`same` with nan = nan, so that 0 / 0 in an answer compares like the reference's.

    Examples
    --------
    >>> same_with_nan([np.nan, 1.0], [np.nan, 1.0]), same([np.nan], [np.nan])
    (True, False)
    """
    return same(got, expected, atol=atol, equal_nan=True)


def as_floats(value) -> np.ndarray | None:
    """``value`` as a float array of any shape, or None if it is not made of numbers.

    Parameters
    ----------
    value : object

    Returns
    -------
    ndarray or None

    Examples
    --------
    >>> as_floats([1, 2]), as_floats("seven")
    (array([1., 2.]), None)
    """
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def same(got, expected, *, atol: float = 1e-6, rtol: float = 1e-9, equal_nan: bool = False) -> bool:
    """Whether ``got`` equals ``expected``: numbers or arrays of the same shape with close values.

    Parameters
    ----------
    got, expected : number or array_like, any shape
        Anything that is not made of numbers is never the same.
    atol, rtol : float
        Tolerances as in :func:`numpy.allclose`; the small default ``rtol`` keeps large
        counts exact (22579327 is not 22579328).
    equal_nan : bool, default False
        Whether nan equals nan (to recognise a mistake that overflows as the learner's did).

    Returns
    -------
    bool

    Examples
    --------
    >>> same(0.1 + 0.2, 0.3), same([1, 2], [[1, 2]]), same(22579327, 22579328)
    (True, False, False)
    >>> same([np.nan], [np.nan]), same([np.nan], [np.nan], equal_nan=True)
    (False, True)
    """
    g, e = as_floats(got), as_floats(expected)
    if g is None or e is None or g.shape != e.shape:
        return False
    return bool(np.allclose(g, e, atol=atol, rtol=rtol, equal_nan=equal_nan))


def show(value, *, max_items: int = 8) -> str:
    """Short text for a value in a message: arrays and sequences of up to ``max_items``
    elements in full (4 decimals, on one line), larger arrays by their shape.

    Parameters
    ----------
    value : object
    max_items : int, default 8

    Returns
    -------
    str

    Examples
    --------
    >>> show(np.array([[1.0, 2.0], [3.0, 4.0]])), show(np.ones((3, 4)))
    ('[[1., 2.], [3., 4.]]', 'an array of shape (3, 4)')
    >>> show(np.float64(2.0)), show(7 / 3), show((None, np.int64(4)))
    ('2.0', '2.33333', '(None, 4)')
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.ndarray):
        if value.size <= max_items:
            text = np.array2string(value, separator=", ", precision=4, suppress_small=True)
            return " ".join(text.split())
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple | list) and len(value) <= max_items:
        items = ", ".join(show(v, max_items=max_items) for v in value)
        if isinstance(value, list):
            return f"[{items}]"
        return f"({items}{',' if len(value) == 1 else ''})"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return repr(value) if value.is_integer() else f"{value:.6g}"
    return repr(value)


def call_text(name: str, args: Sequence, *, max_items: int = 8) -> str:
    """How a call looks in a message: ``name(arg, ...)`` with each argument :func:`show`-n.

    Examples
    --------
    >>> call_text("my_output_size", (7, 3, 2, 0))
    'my_output_size(7, 3, 2, 0)'
    """
    return f"{name}({', '.join(show(a, max_items=max_items) for a in args)})"


def function_name(func, default: str) -> str:
    """The learner's name for ``func`` (``default`` for a lambda or a non-function).

    Examples
    --------
    >>> function_name(np.hypot, "magnitude"), function_name(lambda x: x, "my_relu")
    ('hypot', 'my_relu')
    """
    name = getattr(func, "__name__", None) if callable(func) else None
    return name if isinstance(name, str) and name.isidentifier() else default


def compare_number(answer, expected, *, what: str = "the answer", rel_tol: float = 1e-9) -> Result:
    """Compare a numeric answer with the expected value.

    Examples
    --------
    >>> compare_number(784, 28 * 28).passed
    True
    >>> print(compare_number(728, 784, what="the number of pixels").message)
    the number of pixels should be 784, you gave 728 (56 too few).
    """
    if is_unfinished(answer):
        return wrong(UNFINISHED)
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
    if is_unfinished(answer):
        return wrong(UNFINISHED)
    got = as_floats(answer)
    if got is None:
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


def not_whole(value) -> bool:
    """Whether ``value`` is a finite number with a fractional part (what true division gives)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and not number.is_integer()
