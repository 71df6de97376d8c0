"""Argument checking shared by every cnnlab function: one rule per kind of argument.

Every error says which parameter was wrong, quotes the value received and says what would be
valid, in the style of Keras's ``compute_conv_output_shape``. Widgets show these messages to
learners verbatim, so they are written as sentences.

The rules:

* an **integer** (:func:`check_int`, :func:`check_pair`) is any ``numbers.Integral`` (Python or
  NumPy), never a float such as ``3.0``;
* a **real number** (:func:`check_real`) is any finite ``numbers.Real``: ``int``, ``float``,
  NumPy scalars and ``fractions.Fraction`` (``Fraction(1, 9)``);
* a **bool is never a number**: ``True`` is rejected wherever a number is expected, and the
  message says so (``stride=True`` is almost always a slip, not a stride of 1).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "check_int",
    "check_pair",
    "check_real",
    "describe",
    "is_int",
]

_BOOL_NOTE = " (a bool: booleans are not accepted as numbers)"


def describe(value) -> str:
    """Return a short, readable description of ``value`` for an error message.

    Examples
    --------
    >>> describe(np.zeros((2, 3)))
    'an array of shape (2, 3) and dtype float64'
    >>> describe("x" * 100)[-5:]
    'xx...'
    """
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def _is_bool(value) -> bool:
    return isinstance(value, bool | np.bool_)


def _got(value) -> str:
    """``describe(value)``, plus a note when ``value`` is a bool (rejected as a number)."""
    return describe(value) + (_BOOL_NOTE if _is_bool(value) else "")


def is_int(value) -> bool:
    """Whether ``value`` is an integer (Python or NumPy) and not a bool.

    Examples
    --------
    >>> is_int(3), is_int(np.int64(3)), is_int(3.0), is_int(True)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Integral) and not _is_bool(value)


def check_int(value, name: str, *, minimum: int | None = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer in ``[minimum, maximum]``.

    ``minimum=None`` (or ``maximum=None``) leaves that side open.

    Examples
    --------
    >>> check_int(3, "stride")
    3
    >>> check_int(0, "seed", minimum=0)
    0
    >>> check_int(0, "stride")
    Traceback (most recent call last):
    ...
    ValueError: stride must be an integer >= 1, got 0.
    >>> check_int(True, "stride")
    Traceback (most recent call last):
    ...
    TypeError: stride must be an integer >= 1, got True (a bool: booleans are not accepted as numbers).
    >>> check_int(12, "size", minimum=1, maximum=11)
    Traceback (most recent call last):
    ...
    ValueError: size must be an integer in [1, 11], got 12.
    """
    if minimum is not None and maximum is not None:
        valid = f"an integer in [{minimum}, {maximum}]"
    elif minimum is not None:
        valid = f"an integer >= {minimum}"
    elif maximum is not None:
        valid = f"an integer <= {maximum}"
    else:
        valid = "an integer"
    if not is_int(value):
        raise TypeError(f"{name} must be {valid}, got {_got(value)}.")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {valid}, got {value!r}.")
    return int(value)


def _interval(low, high, low_open: bool, high_open: bool) -> str:
    """The valid range as text: ``in [0, 1)``, ``> 0``, ``<= 5`` or ``""``."""
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high}"
    return ""


def check_real(
    value,
    name: str,
    *,
    low=None,
    high=None,
    low_open: bool = False,
    high_open: bool = False,
    what: str | None = None,
) -> float:
    """Return ``value`` as a ``float`` after checking it is a finite real number in range.

    Parameters
    ----------
    value : int, float, NumPy scalar or fractions.Fraction
        Not a bool, not NaN or infinite.
    name : str
        The parameter's name, for the message.
    low, high : real, optional
        Bounds; ``None`` leaves that side unbounded.
    low_open, high_open : bool, default False
        Whether the bound itself is excluded (``low=0, low_open=True`` means ``> 0``).
    what : str, optional
        What the number means, shown after the name (``"the fraction of values dropped"``).

    Examples
    --------
    >>> from fractions import Fraction
    >>> check_real(Fraction(1, 4), "rate", low=0, high=1, high_open=True)
    0.25
    >>> check_real(1.0, "rate", low=0, high=1, high_open=True, what="the fraction dropped")
    Traceback (most recent call last):
    ...
    ValueError: rate (the fraction dropped) must be a finite real number in [0, 1), got 1.0.
    >>> check_real(True, "sigma", low=0, low_open=True)
    Traceback (most recent call last):
    ...
    TypeError: sigma must be a finite real number > 0, got True (a bool: booleans are not accepted as numbers).
    """
    label = f"{name} ({what})" if what else name
    valid = "a finite real number" + _interval(low, high, low_open, high_open)
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{label} must be {valid}, got {_got(value)}.")
    number = float(value)
    if (
        not math.isfinite(number)
        or (low is not None and (number <= low if low_open else number < low))
        or (high is not None and (number >= high if high_open else number > high))
    ):
        raise ValueError(f"{label} must be {valid}, got {describe(value)}.")
    return number


def check_pair(value, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """Return ``(a, b)`` from an int or a pair of ints, each ``>= minimum``.

    Examples
    --------
    >>> check_pair(2, "stride")
    (2, 2)
    >>> check_pair((1, 3), "dilation")
    (1, 3)
    >>> check_pair((1, True), "stride")
    Traceback (most recent call last):
    ...
    TypeError: stride must be an integer >= 1 or a pair (rows, cols) of them, got (1, True) (a bool: booleans are not accepted as numbers).
    """
    if is_int(value) or _is_bool(value):
        v = check_int(value, name, minimum=minimum)
        return (v, v)
    if isinstance(value, tuple | list) and len(value) == 2 and all(is_int(v) for v in value):
        if min(value) < minimum:
            raise ValueError(
                f"{name} must be an integer >= {minimum} or a pair of them, got {tuple(value)!r}."
            )
        return (int(value[0]), int(value[1]))
    note = _BOOL_NOTE if isinstance(value, tuple | list) and any(_is_bool(v) for v in value) else ""
    raise TypeError(
        f"{name} must be an integer >= {minimum} or a pair (rows, cols) of them, "
        f"got {describe(value)}{note}."
    )


def as_float_array(x, name: str, *, ndims: tuple[int, ...] | None = None, min_dtype=np.float32):
    """Convert ``x`` to a floating-point array without integer wrap-around.

    Integer and bool arrays (such as uint8 images) become floating point *before* any
    arithmetic. Floating inputs keep their precision; the result is at least ``min_dtype``.

    Examples
    --------
    >>> as_float_array(np.array([250, 10], dtype=np.uint8), "x").dtype
    dtype('float32')
    >>> as_float_array([1.5, 2.0], "x").dtype
    dtype('float64')
    """
    arr = np.asarray(x)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric array, got {describe(x)}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real-valued, got complex dtype {arr.dtype}.")
    if ndims is not None and arr.ndim not in ndims:
        names = [str(n) for n in ndims]
        allowed = names[-1] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        raise ValueError(
            f"{name} must have {allowed} dimensions, got shape {arr.shape} "
            f"({arr.ndim} dimension{'' if arr.ndim == 1 else 's'})."
        )
    if np.issubdtype(arr.dtype, np.floating):
        dtype = np.result_type(arr.dtype, min_dtype)
    elif arr.dtype.itemsize >= 4 and np.issubdtype(arr.dtype, np.integer):
        dtype = np.float64  # int32/int64 do not fit float32 exactly
    else:
        dtype = np.dtype(min_dtype)
    return arr.astype(dtype, copy=False)
