"""The machinery every checker shares (cnnlab.checks.result, compare, cases, claims): stub detection, value formatting,
comparisons, calling the learner's function safely, and running a list of cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from cnnlab import checks
from cnnlab.checks import cases, claims, compare, result
from cnnlab.checks.cases import (
    call_quietly,
    changed_inputs,
    check_cases,
    copy_arrays,
    returned_nothing,
    run_case,
)
from cnnlab.checks.compare import call_text, function_name, same, show
from cnnlab.checks.result import UNFINISHED, is_unfinished


# ----------------------------------------------------------------------------------------------
# is_unfinished
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "stub", [..., None, np.array(...), [[1, 2], [..., 4]], (1, None), np.array([[0, None]])]
)
def test_stubs_are_unfinished(stub):
    assert is_unfinished(stub)


@pytest.mark.parametrize(
    "answer", [0, 0.0, "", [], [[1, 2], [3, 4]], np.zeros((2, 2)), np.array([1, 2], dtype=object)]
)
def test_answers_are_not_unfinished(answer):
    assert not is_unfinished(answer)


# ----------------------------------------------------------------------------------------------
# same / show / call_text / function_name
# ----------------------------------------------------------------------------------------------
def test_same_compares_shape_first_then_values():
    assert same(np.array([[1.0, 2.0]]), [[1, 2]])
    assert not same([1, 2], [[1, 2]])
    assert not same([1, 2, 3], [1, 2])
    assert not same(object(), 1)
    assert not same([1.0, 2.0], [1.0, 2.1])


def test_same_keeps_large_counts_exact():
    # a relative tolerance of 1e-6 would accept this off-by-one parameter count
    assert not same(22_579_327, 22_579_328)
    assert same(22_579_328.0, 22_579_328)


def test_same_nan_only_when_asked():
    assert not same([np.nan, 1.0], [np.nan, 1.0])
    assert same([np.nan, 1.0], [np.nan, 1.0], equal_nan=True)


def test_show_writes_short_values():
    assert show(np.array([[1.0, 2.0], [3.0, 4.0]])) == "[[1., 2.], [3., 4.]]"
    assert show(np.arange(9.0)) == "an array of shape (9,)"
    assert show(np.arange(9.0), max_items=12).startswith("[0., 1., 2.")
    assert show(np.array(2.5)) == "2.5"
    assert show(np.float64(3.0)) == "3.0"
    assert show(7 / 3) == "2.33333"
    assert show(np.int64(4)) == "4"
    assert show((None, 26, 26, 32)) == "(None, 26, 26, 32)"
    assert show((5,)) == "(5,)"
    assert show([1, "a"]) == "[1, 'a']"
    assert "\n" not in show(np.eye(2))


def test_call_text_and_function_name():
    assert call_text("f", (np.array([1.0]), 2, "same")) == "f([1.], 2, 'same')"

    def my_relu(x):
        return x

    assert function_name(my_relu, "relu") == "my_relu"
    assert function_name(lambda x: x, "relu") == "relu"
    assert function_name(42, "relu") == "relu"


# ----------------------------------------------------------------------------------------------
# returned_nothing / run_case / call_quietly
# ----------------------------------------------------------------------------------------------
def test_returned_nothing():
    assert "still returns `...`" in returned_nothing(..., "f()").message
    assert UNFINISHED in returned_nothing(..., "f()").message
    assert "forget the `return`" in returned_nothing(None, "f()").message
    assert returned_nothing(0, "f()") is None
    assert returned_nothing(np.zeros(2), "f()") is None


def test_run_case_passes_copies_and_reports_in_place_changes():
    x = np.array([-1.0, 2.0])

    def relu_in_place(a):
        a[a < 0] = 0
        return a

    value, problem = run_case(relu_in_place, (x,), "my_relu(x)")
    assert value is None
    assert "my_relu(x) changed the array it was given" in problem.message
    assert "stays intact" in problem.message
    np.testing.assert_array_equal(x, [-1.0, 2.0])  # the caller's array is untouched

    _, problem = run_case(relu_in_place, (x,), "my_relu(x)", in_place_hint="Custom hint.")
    assert problem.message.endswith("Custom hint.")


def test_run_case_reports_crash_and_missing_return():
    _, crash = run_case(lambda a: a[5], (np.zeros(2),), "f(x)")
    assert "raised IndexError" in crash.message
    _, none = run_case(lambda a: None, (np.zeros(2),), "f(x)")
    assert "f(x) returned None" in none.message
    value, problem = run_case(lambda a: a.sum(), (np.ones(3),), "f(x)")
    assert problem is None and value == 3.0


def test_call_quietly_silences_overflow_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would raise here
        value, problem = call_quietly(np.exp, np.array([1000.0]))
    assert problem is None and np.isinf(value).all()


def test_copy_arrays_and_changed_inputs():
    x, y = np.zeros(2), np.array([np.nan])
    given = copy_arrays((x, 3, y))
    assert given[0] is not x and given[1] == 3 and given[2] is not y
    assert not changed_inputs(given, (x, 3, y))  # nan equals nan here
    given[0][0] = 1.0
    assert changed_inputs(given, (x, 3, y))


# ----------------------------------------------------------------------------------------------
# check_cases
# ----------------------------------------------------------------------------------------------
CEIL_CASES = [(6, 3), (7, 2), (5, 1)]
FLOOR_HINT = "Round up, not down."


def _ceil_check(func, **options):
    return check_cases(
        func,
        "size",
        CEIL_CASES,
        lambda i, s: math.ceil(i / s),
        [(lambda i, s: i // s, FLOOR_HINT)],
        success="ceil(i / s).",
        **options,
    )


def test_check_cases_accepts_the_reference():
    result = _ceil_check(lambda i, s: -(-i // s))
    assert result.passed and result.message == "ceil(i / s)."


def test_check_cases_names_first_failing_case_and_mistake():
    def size(i, s):
        return i // s

    result = _ceil_check(size)
    assert not result.passed
    assert result.message == f"size(7, 2) returned 3, but the answer is 4. {FLOOR_HINT}"


def test_check_cases_counts_right_cases_when_no_mistake_matches():
    result = _ceil_check(lambda i, s: 2)
    assert result.message.endswith("(1 of 3 test cases right.)")


@pytest.mark.parametrize("stub", [..., None])
def test_check_cases_unfinished(stub):
    assert _ceil_check(stub).message == UNFINISHED


def test_check_cases_prefers_an_earlier_wrong_answer_to_a_later_crash():
    def size(i, s):
        if s == 1:
            raise ZeroDivisionError("boom")
        return i // s

    result = _ceil_check(size)
    assert "size(7, 2) returned 3" in result.message and FLOOR_HINT in result.message
    crash_only = _ceil_check(lambda i, s: 1 / 0)
    assert "ZeroDivisionError" in crash_only.message


def test_check_cases_reports_in_place_changes_and_protects_the_cases():
    x = np.array([-1.0, 2.0])

    def relu_in_place(a):
        np.maximum(a, 0, out=a)
        return a

    result = check_cases(
        relu_in_place, "my_relu", [(x,)], lambda a: np.maximum(a, 0), [], success=""
    )
    assert "changed the array it was given" in result.message
    np.testing.assert_array_equal(x, [-1.0, 2.0])


def test_check_cases_reports_a_wrong_shape():
    result = check_cases(
        lambda a: a[:1], "f", [(np.arange(3.0),)], lambda a: a * 1.0, [], success=""
    )
    assert "returned shape (1,), but the answer has shape (3,): [0., 1., 2.]." in result.message


def test_check_cases_not_finite_hint_and_nan_matching_mistakes():
    cases = [(np.array([1.0, 2.0]),), (np.array([1000.0, 1001.0]),)]

    def softmax(s):
        e = np.exp(s - s.max())
        return e / e.sum()

    def naive(s):
        return np.exp(s) / np.exp(s).sum()

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the learner's overflow must not warn in the notebook
        hinted = check_cases(naive, "sm", cases, softmax, [], success="", not_finite="Overflow!")
        named = check_cases(naive, "sm", cases, softmax, [(naive, "Naive.")], success="")
    assert hinted.message.endswith("Overflow!") and "returned [nan, nan]" in hinted.message
    assert named.message.endswith("Naive.")  # nan in both: the mistake is still recognised


def test_check_cases_custom_compare_and_show_args():
    result = check_cases(
        lambda n: (n, n),
        "pair",
        [(2,)],
        lambda n: (n, n + 1),
        [],
        success="",
        compare=lambda g, e: tuple(g) == tuple(e),
        show_args=lambda n: f"n={n}",
    )
    assert result.message.startswith("pair(n=2) returned (2, 2), but the answer is (2, 3).")


def test_mistake_that_raises_is_skipped():
    def bad_mistake(i, s):
        raise ValueError("not applicable")

    result = check_cases(
        lambda i, s: i // s,
        "size",
        CEIL_CASES,
        lambda i, s: math.ceil(i / s),
        [(bad_mistake, "never"), (lambda i, s: i // s, FLOOR_HINT)],
        success="",
    )
    assert result.message.endswith(FLOOR_HINT)


def test_public_machinery_is_reachable_from_the_package():
    homes = {"check_cases": cases, "run_case": cases, "same": compare, "show": compare}
    homes |= {"is_unfinished": result, "Result": result, "claim": claims}
    for name, module in homes.items():
        assert getattr(checks, name) is getattr(module, name)
        assert name in checks.__all__


# ----------------------------------------------------------------------------- claim


def test_claim_prints_a_tick_when_the_statement_holds(capsys):
    from cnnlab.checks import claim

    claim("o = i − k + 1", 120 - 5 + 1, 116)
    claim("the maps agree", np.ones((3, 3)), np.ones((3, 3)) + 1e-9)
    claim("every value is positive", np.array([1.0, 2.0]) > 0)
    assert capsys.readouterr().out.splitlines() == [
        "✓ o = i − k + 1: 116 = 116",
        "✓ the maps agree",
        "✓ every value is positive",
    ]


def test_claim_prints_a_sentence_instead_of_raising_when_it_does_not_hold(capsys):
    from cnnlab.checks import claim

    claim("o = i − k + 1", 117, 116)
    claim("the shapes agree", (4, 4), (4, 5))
    claim("whole numbers are exact", 22_579_327, 22_579_328)
    claim("an array claim", np.array([1.0, -1.0]) > 0)
    claim("not a number", "seven", 7)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(line.startswith("✗ Not with these values: ") for line in lines)
    assert "(117 ≠ 116)" in lines[0] and "(4, 4) ≠ (4, 5)" in lines[1]


def test_claim_without_a_value_is_a_notebook_bug():
    from cnnlab.checks import claim

    with pytest.raises(TypeError, match="at least one value"):
        claim("nothing to check")
