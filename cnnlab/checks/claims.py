""":func:`claim`: a statement of a notebook's prose shown as one readable line.

A notebook uses it where it would otherwise ``assert``: a learner who changes a parameter (as
the prose invites) reads a sentence instead of an ``AssertionError``, and the tests that
execute the notebooks fail on any claim that does not hold with the notebook's own settings.
"""

from __future__ import annotations

import numpy as np

from .compare import as_floats, show

__all__ = ["claim"]


def _agree(a, b, atol: float, rtol: float) -> bool:
    """Equality for :func:`claim`: exact for whole numbers and text, close for floats."""
    if isinstance(a, str | bytes | tuple | list) or isinstance(b, str | bytes | tuple | list):
        if isinstance(a, tuple | list) and isinstance(b, tuple | list) and len(a) == len(b):
            return all(_agree(x, y, atol, rtol) for x, y in zip(a, b, strict=True))
        return a == b
    if a is None or b is None:  # e.g. the batch axis of a Keras shape, (None, 10, 64)
        return a is b
    fa, fb = as_floats(a), as_floats(b)
    if fa is None or fb is None or fa.shape != fb.shape:
        return False
    if np.issubdtype(np.asarray(a).dtype, np.floating) or np.issubdtype(
        np.asarray(b).dtype, np.floating
    ):
        return bool(np.allclose(fa, fb, atol=atol, rtol=rtol))
    return bool(np.array_equal(fa, fb))


def claim(statement: str, *values, atol: float = 1e-6, rtol: float = 1e-6) -> None:
    """Print one line saying whether a statement of the prose holds for the values computed.

    A notebook uses this where it would otherwise write ``assert``: the line reads ``✓ …``
    when the statement holds and, when a learner's change of a parameter makes it false, a
    sentence saying so instead of an ``AssertionError``. The notebook goes on either way.

    Parameters
    ----------
    statement : str
        The claim in words or as a formula, e.g. ``"o = i − k + 1"``.
    *values
        One value: the claim holds when it is true (for an array: when every element is).
        Two or more: the claim holds when all are equal to the first (whole numbers, strings
        and tuples exactly; floating-point values within ``atol`` + ``rtol`` · |value|). The
        line shows short values joined by ``=``.
    atol, rtol : float, default 1e-6
        Tolerances for floating-point values.

    Returns
    -------
    None
        Nothing (so a cell that ends with a claim shows only its line). The tests that
        execute the notebooks read these lines: a ``✗`` with the notebook's own settings fails
        them.

    Raises
    ------
    TypeError
        If no value is given (a bug in the notebook, not in the learner's answer).

    Examples
    --------
    >>> claim("o = i − k + 1", 120 - 5 + 1, 116)
    ✓ o = i − k + 1: 116 = 116
    >>> claim("dropout helped", 0.91 > 0.95)
    ✗ Not with these values: dropout helped. The text was written for the notebook's own settings; with yours the numbers above tell the story.
    >>> claim("the shapes agree", (4, 4), (6 - 3 + 1, 6 - 3 + 1))
    ✓ the shapes agree: (4, 4) = (4, 4)
    >>> claim("Keras's shape", (None, 10, 64), (None, 10, 64))
    ✓ Keras's shape: (None, 10, 64) = (None, 10, 64)
    >>> claim("two sums agree", 3, 4)
    ✗ Not with these values: two sums agree (3 ≠ 4). The text was written for the notebook's own settings; with yours the numbers above tell the story.
    """
    if not values:
        raise TypeError("claim() needs the statement and at least one value to check")
    if len(values) == 1:
        value = values[0]
        try:
            holds = bool(np.all(value))
        except (TypeError, ValueError):
            holds = False
        shown = ""
    else:
        first = values[0]
        holds = all(_agree(first, v, atol, rtol) for v in values[1:])
        small = [v for v in values if not (isinstance(v, np.ndarray) and v.size > 8)]
        shown = ": " + " = ".join(show(v) for v in values) if len(small) == len(values) else ""
        if not holds and shown:
            shown = shown.replace(" = ", " ≠ ", 1) if len(values) == 2 else shown
    if holds:
        print(f"✓ {statement}{shown}")
    else:
        detail = f" ({shown[2:]})" if shown else ""
        print(
            f"✗ Not with these values: {statement}{detail}. The text was written for the "
            "notebook's own settings; with yours the numbers above tell the story."
        )
