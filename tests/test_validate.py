"""One rule per kind of argument: integers, real numbers (fractions included), never bools."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from cnnlab._validate import check_int, check_pair, check_real, is_int


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integers_of_every_kind_are_integers(value):
    assert is_int(value) and check_int(value, "size") == 3


@pytest.mark.parametrize("value", [True, np.bool_(True), 3.0, "3", None, Fraction(3)])
def test_bools_floats_and_text_are_not_integers(value):
    assert not is_int(value)
    with pytest.raises(TypeError, match=r"size must be an integer >= 1, got "):
        check_int(value, "size")


def test_a_bool_is_refused_with_a_reason_everywhere():
    note = r"\(a bool: booleans are not accepted as numbers\)"
    with pytest.raises(TypeError, match=note):
        check_int(True, "stride")
    with pytest.raises(TypeError, match=note):
        check_pair((2, False), "stride")
    with pytest.raises(TypeError, match=note):
        check_real(np.bool_(False), "rate")


def test_check_int_bounds():
    assert check_int(0, "seed", minimum=0) == 0
    assert check_int(-5, "offset", minimum=None) == -5
    with pytest.raises(ValueError, match=r"size must be an integer in \[1, 11\], got 12\.$"):
        check_int(12, "size", maximum=11)
    with pytest.raises(ValueError, match=r"k must be an integer <= 2, got 3\.$"):
        check_int(3, "k", minimum=None, maximum=2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Fraction(1, 9), 1 / 9), (np.float32(0.5), 0.5), (2, 2.0), (np.int8(-1), -1.0)],
)
def test_real_numbers_of_every_kind_are_accepted_as_floats(value, expected):
    got = check_real(value, "x")
    assert type(got) is float and got == expected


@pytest.mark.parametrize(
    ("kwargs", "bad", "good", "text"),
    [
        ({"low": 0, "high": 1, "high_open": True}, [1, -0.1], [0, 0.999], r"in \[0, 1\)"),
        ({"low": 0, "low_open": True}, [0, -1], [1e-9], r"> 0"),
        ({"low": 0, "high": 1, "low_open": True}, [0, 1.5], [1, 0.5], r"in \(0, 1\]"),
        ({"high": 5, "high_open": True}, [5, 6], [-100], r"< 5"),
        ({"high": 5}, [5.5], [5], r"<= 5"),
        ({}, [float("nan"), float("inf"), -float("inf")], [-1e300], r", got"),
    ],
)
def test_check_real_bounds_open_and_closed(kwargs, bad, good, text):
    for value in good:
        assert check_real(value, "x", **kwargs) == float(value)
    for value in bad:
        with pytest.raises(ValueError, match=rf"^x must be a finite real number ?{text}"):
            check_real(value, "x", **kwargs)


def test_check_real_names_what_the_number_means():
    with pytest.raises(TypeError, match=r"^rate \(the fraction dropped\) must be .*got '0\.5'\.$"):
        check_real("0.5", "rate", low=0, what="the fraction dropped")
