"""The machinery every exercise checker shares: a result that renders nicely in a notebook,
and comparisons that say precisely what is off.

A checker never raises because of the learner's answer (an unfinished stub, a wrong shape or
an exception inside the learner's function all become a failing :class:`Result` with a hint),
so a notebook always runs top to bottom.

The per-notebook modules build on these pieces:

* :func:`is_unfinished` recognises a stub (``...``, ``None``, ``np.array(...)``);
* :func:`show` and :func:`call_text` write values and calls short enough for a message;
* :func:`same` compares numbers or arrays (shape first, then values);
* :func:`run_case` calls the learner's function once, quietly, on copies of the inputs, and
  reports a crash, a missing ``return`` or an input changed in place;
* :func:`check_cases` runs a list of cases against a reference and reports the first failing
  one, with the hint of a typical mistake when the answers match it;
* :func:`claim` shows a statement of the prose as one readable line (never raising), where a
  notebook would otherwise ``assert`` it.
"""

from __future__ import annotations

import functools
import html
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "UNFINISHED",
    "Result",
    "as_floats",
    "call_learner",
    "call_quietly",
    "call_text",
    "changed_inputs",
    "check_cases",
    "claim",
    "compare_array",
    "compare_number",
    "copy_arrays",
    "correct",
    "function_name",
    "is_unfinished",
    "not_whole",
    "returned_nothing",
    "run_case",
    "same",
    "same_with_nan",
    "show",
    "whole_number_hint",
    "wrong",
]


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


def correct(message: str = "") -> Result:
    """A passing result."""
    return Result(True, message)


def wrong(message: str) -> Result:
    """A failing result with a hint."""
    return Result(False, message)


#: The message for an unfinished exercise (``...`` or ``None`` still in the cell).
UNFINISHED = "Replace the `...` (or `None`) in the exercise cell with your answer, then run it."


def is_unfinished(answer) -> bool:
    """Whether ``answer`` is still an exercise stub: ``...`` or ``None``, also inside a list, a
    tuple or an object array (``np.array(...)``, ``[[1, 2], [..., 4]]``).

    Parameters
    ----------
    answer : object
        Anything a learner may have assigned.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_unfinished(...), is_unfinished(np.array(...)), is_unfinished([[1, 2], [None, 4]])
    (True, True, True)
    >>> is_unfinished(np.zeros((2, 2))), is_unfinished(0)
    (False, False)
    """
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, np.ndarray):
        return answer.dtype == object and any(is_unfinished(v) for v in answer.flat)
    if isinstance(answer, list | tuple):
        return any(is_unfinished(v) for v in answer)
    return False


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


def returned_nothing(value, call: str) -> Result | None:
    """A failing Result if the learner's function returned ``...`` or None, else None.

    Parameters
    ----------
    value : object
        What the learner's function returned.
    call : str
        The call, as :func:`call_text` writes it, to name in the message.

    Returns
    -------
    Result or None

    Examples
    --------
    >>> print(returned_nothing(None, "my_relu(...)").message)
    my_relu(...) returned None. Did you forget the `return` statement?
    >>> returned_nothing(0, "my_relu(...)") is None
    True
    """
    if value is Ellipsis:
        return wrong(f"{call} still returns `...`. {UNFINISHED}")
    if value is None:
        return wrong(f"{call} returned None. Did you forget the `return` statement?")
    return None


def copy_arrays(args: Sequence) -> tuple:
    """``args`` as a tuple, with every NumPy array replaced by a copy."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def changed_inputs(given: Sequence, originals: Sequence) -> bool:
    """Whether any array in ``given`` differs from its original in ``originals`` (nan = nan).

    Examples
    --------
    >>> x = np.array([1.0, -1.0])
    >>> given = copy_arrays((x, 2))
    >>> given[0][1] = 0.0   # what an in-place ReLU does
    >>> changed_inputs(given, (x, 2))
    True
    """
    return any(
        isinstance(a, np.ndarray) and not np.array_equal(a, o, equal_nan=True)
        for a, o in zip(given, originals, strict=True)
    )


def call_quietly(func, *args):
    """:func:`call_learner` with NumPy's overflow/invalid-value warnings silenced.

    A learner's ``np.exp(1000)`` then gives inf or nan without a warning box in the notebook;
    the checker's hint explains it instead.

    Examples
    --------
    >>> value, problem = call_quietly(np.exp, np.array([1000.0]))
    >>> value, problem
    (array([inf]), None)
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return call_learner(func, *args)


_NEW_ARRAY = (
    "Return a new array instead (for example with np.maximum or np.where, which make one), so "
    "the caller's data stays intact."
)


def run_case(func, args: Sequence, call: str, *, in_place_hint: str = _NEW_ARRAY):
    """Call the learner's ``func`` once: on copies of ``args``, quietly, checking the return.

    Parameters
    ----------
    func : callable
        The learner's function.
    args : sequence
        The arguments; arrays are copied, so the learner's function cannot spoil them.
    call : str
        The call as it should appear in a message (see :func:`call_text`).
    in_place_hint : str, optional
        What to say after "``call`` changed the array it was given."

    Returns
    -------
    value : object
        What ``func`` returned, or None when there is a problem.
    problem : Result or None
        A failing Result when ``func`` raised, returned ``...`` or None, or changed one of the
        arrays it was given in place; else None.

    Examples
    --------
    >>> x = np.array([-1.0, 2.0])
    >>> run_case(lambda a: np.maximum(a, 0), (x,), "my_relu(x)")
    (array([0., 2.]), None)
    >>> def relu_in_place(a):
    ...     a[a < 0] = 0
    ...     return a
    >>> print(run_case(relu_in_place, (x,), "my_relu(x)")[1].message)
    my_relu(x) changed the array it was given. Return a new array instead (for example with np.maximum or np.where, which make one), so the caller's data stays intact.
    """
    given = copy_arrays(args)
    value, problem = call_quietly(func, *given)
    if problem is None:
        problem = returned_nothing(value, call)
    if problem is None and changed_inputs(given, args):
        problem = wrong(f"{call} changed the array it was given. {in_place_hint}")
    return (None, problem) if problem is not None else (value, None)


def _not_finite(got, expected) -> bool:
    """Whether ``got`` has inf/nan where ``expected`` is finite (same shape)."""
    g, e = as_floats(got), as_floats(expected)
    if g is None or e is None or g.shape != e.shape:
        return False
    return bool(np.any(~np.isfinite(g) & np.isfinite(e)))


def check_cases(
    func,
    default_name: str,
    cases: Sequence[Sequence],
    reference: Callable,
    mistakes: Sequence[tuple[Callable, str]] = (),
    *,
    success: str,
    compare: Callable | None = None,
    show_args: Callable | None = None,
    not_finite: str | None = None,
    in_place_hint: str = _NEW_ARRAY,
    max_items: int = 8,
) -> Result:
    """Run the learner's ``func`` on every case, compare with ``reference``, and explain.

    Each call goes through :func:`run_case` (copied inputs, no warnings, a crash, a missing
    ``return`` or a changed input stops the run). The first case whose answer differs from
    ``reference(*case)`` is shown; when a crash stopped the run after a wrong answer, the wrong
    answer is the message (it is the more useful one).

    Parameters
    ----------
    func : callable
        The learner's function.
    default_name : str
        Its name in messages when it has none of its own (a lambda).
    cases : sequence of tuple
        The argument tuples, edge cases included.
    reference : callable
        The correct function.
    mistakes : sequence of (callable, str)
        Typical mistakes and their hints: when the learner's answers equal a mistake's on every
        case that ran, its hint is added to the message (the first matching mistake wins).
    success : str
        The message when every case is right.
    compare : callable, optional
        ``compare(got, expected) -> bool`` for both the answer and the mistakes; default
        :func:`same` (mistakes are matched with ``equal_nan=True``, so an overflow to nan that
        the mistake shares is recognised).
    show_args : callable, optional
        ``show_args(*case) -> str``, the text between the parentheses of a call (default: every
        argument through :func:`show`).
    not_finite : str, optional
        The hint for inf/nan where the answer is finite (overflow), when no mistake matched.
    in_place_hint : str, optional
        The hint for a function that changes an input array (see :func:`run_case`).
    max_items : int, default 8
        Arrays up to this size are printed in full (see :func:`show`).

    Returns
    -------
    Result

    Examples
    --------
    >>> mistakes = [(lambda i, s: i // s, "Round up, not down.")]
    >>> ok = check_cases(lambda i, s: -(-i // s), "size", [(7, 2), (6, 3)],
    ...                  lambda i, s: math.ceil(i / s), mistakes, success="ceil(i / s).")
    >>> ok.passed
    True
    >>> print(check_cases(lambda i, s: i // s, "size", [(6, 3), (7, 2)],
    ...                   lambda i, s: math.ceil(i / s), mistakes, success="").message)
    size(7, 2) returned 3, but the answer is 4. Round up, not down.
    """
    if is_unfinished(func):
        return wrong(UNFINISHED)
    name = function_name(func, default_name)

    def call_of(args):
        if show_args is None:
            return call_text(name, args, max_items=max_items)
        return f"{name}({show_args(*args)})"

    equal = compare or same
    like_mistake = compare or (lambda g, e: same(g, e, equal_nan=True))
    got, stopped = [], None
    for args in cases:
        value, problem = run_case(func, args, call_of(args), in_place_hint=in_place_hint)
        if problem is not None:
            stopped = problem
            break
        got.append(value)
    ran = cases[: len(got)]
    with np.errstate(all="ignore"):
        expected = [reference(*copy_arrays(args)) for args in ran]
        failing = [n for n in range(len(ran)) if not equal(got[n], expected[n])]
        if not failing:
            return stopped if stopped is not None else correct(success)
        first = failing[0]
        g, e = got[first], expected[first]
        call = call_of(ran[first])
        if isinstance(g, np.ndarray) and g.ndim > 0 and g.shape != np.shape(e):
            values = f": {show(e, max_items=max_items)}" if np.size(e) <= max_items else ""
            detail = (
                f"{call} returned shape {g.shape}, but the answer has shape {np.shape(e)}{values}."
            )
        else:
            detail = (
                f"{call} returned {show(g, max_items=max_items)}, but the answer is "
                f"{show(e, max_items=max_items)}."
            )
        for mistake, hint in mistakes:
            try:
                matches = all(
                    like_mistake(got[n], mistake(*copy_arrays(ran[n]))) for n in range(len(ran))
                )
            except (ArithmeticError, ValueError, TypeError, IndexError):
                matches = False
            if matches:
                return wrong(f"{detail} {hint}")
        if not_finite and any(_not_finite(got[n], expected[n]) for n in failing):
            return wrong(f"{detail} {not_finite}")
    return wrong(f"{detail} ({len(ran) - len(failing)} of {len(ran)} test cases right.)")


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
    if is_unfinished(func):
        return None, wrong(UNFINISHED)
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


def not_whole(value) -> bool:
    """Whether ``value`` is a finite number with a fractional part (what true division gives)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and not number.is_integer()


def whole_number_hint(func, mistakes, hint):
    """``(func, mistakes)`` for :func:`check_cases`, with one more mistake after ``mistakes``:
    "some answer is not a whole number" (a learner's true division ``/`` instead of ``//``).

    The learner's function is wrapped so that its answers are recorded; the extra mistake
    returns those answers, case by case, when one of them has a fractional part, so it matches
    any such function that no catalogued mistake explained first.
    """
    if not callable(func):
        return func, mistakes
    answers = {}

    @functools.wraps(func)
    def recorded(*args):
        answers[args] = value = func(*args)
        return value

    def fractional(*args):
        if not any(not_whole(v) for v in answers.values()):
            raise ValueError("every answer is a whole number")
        return answers[args]

    return recorded, [*mistakes, (fractional, hint)]
