"""Argument checking shared by every cnnlab function.

Every error says which parameter was wrong, quotes the value received and says what would be
valid, in the style of Keras's ``compute_conv_output_shape``. Widgets show these messages to
learners verbatim, so they are written as sentences.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "check_positive_int",
    "check_pair",
    "describe",
]


def describe(value) -> str:
    """Return a short, readable description of ``value`` for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def check_positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer ``>= minimum``.

    Examples
    --------
    >>> check_positive_int(3, "stride")
    3
    >>> check_positive_int(0, "stride")
    Traceback (most recent call last):
    ...
    ValueError: stride must be an integer >= 1, got 0.
    """
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {describe(value)}.")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_pair(value, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """Return ``(a, b)`` from an int or a pair of ints, each ``>= minimum``.

    Examples
    --------
    >>> check_pair(2, "stride")
    (2, 2)
    >>> check_pair((1, 3), "dilation")
    (1, 3)
    """
    if _is_int(value):
        v = check_positive_int(value, name, minimum=minimum)
        return (v, v)
    if isinstance(value, tuple | list) and len(value) == 2 and all(_is_int(v) for v in value):
        if min(value) < minimum:
            raise ValueError(
                f"{name} must be an integer >= {minimum} or a pair of them, got {tuple(value)!r}."
            )
        return (int(value[0]), int(value[1]))
    raise TypeError(
        f"{name} must be an integer >= {minimum} or a pair (rows, cols) of them, "
        f"got {describe(value)}."
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
