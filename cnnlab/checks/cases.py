"""Running a learner's function safely, case by case.

* :func:`run_case` calls the learner's function once, quietly, on copies of the inputs, and
  reports a crash, a missing ``return`` or an input changed in place;
* :func:`check_cases` runs a list of cases against a reference and reports the first failing
  one, with the hint of a typical mistake when the answers match it.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from .compare import as_floats, call_text, function_name, not_whole, same, show
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = [
    "array_answer",
    "call_learner",
    "call_quietly",
    "changed_inputs",
    "check_cases",
    "copy_arrays",
    "returned_nothing",
    "run_case",
    "whole_number_hint",
]


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

    Examples
    --------
    >>> import math
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


def array_answer(func, args: Sequence, call: str):
    """:func:`run_case`, then the answer as a float array: ``(array, None)`` or ``(None, Result)``.

    Examples
    --------
    >>> array, problem = array_answer(lambda n: "many", (3,), "my_box_blur(3)")
    >>> array is None, problem.message
    (True, "my_box_blur(3) should return an array of numbers; got 'many'.")
    """
    value, problem = run_case(func, args, call)
    if problem is not None:
        return None, problem
    array = as_floats(value)
    if array is None:
        return None, wrong(f"{call} should return an array of numbers; got {value!r}.")
    return array, None
