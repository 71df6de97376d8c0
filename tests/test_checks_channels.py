"""The checkers of notebook 07 (channels, 1×1 and transposed convolution) accept correct answers
written independently of their references, reject the typical mistakes with the specific hint,
and never raise on an unfinished stub."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab import checks
from cnnlab.checks import channels

CHECKERS = [checks.check_transposed_output_size, checks.check_conv_matrix_1d]


def test_checkers_are_reachable_from_the_package():
    assert "channels" in checks.TOPICS
    for checker in CHECKERS:
        assert getattr(checks, checker.__name__) is checker
    assert set(channels.__all__) == {c.__name__ for c in CHECKERS}


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("stub", [Ellipsis, None])
def test_unfinished_stub_is_not_yet(checker, stub):
    result = checker(stub)
    assert not result.passed
    assert "Replace the `...`" in result.message


@pytest.mark.parametrize("checker", CHECKERS)
def test_stub_function_returning_ellipsis_is_not_yet(checker):
    result = checker(lambda *args: ...)
    assert not result.passed
    assert "still returns `...`" in result.message


@pytest.mark.parametrize("checker", CHECKERS)
def test_function_that_raises_is_reported(checker):
    def broken(*args):
        raise IndexError("index 3 is out of bounds")

    result = checker(broken)
    assert not result.passed
    assert "raised IndexError" in result.message


# ----------------------------------------------------------------------------------------------
# transposed_size(i, k, s, p, a)
# ----------------------------------------------------------------------------------------------
def stamps_reach(i, k, s, p, a):
    """Independent answer: place the i stamps and measure how far they reach, then crop."""
    last_stamp_end = max(r * s + k for r in range(i))
    return last_stamp_end - 2 * p + a


def test_transposed_size_accepts_placing_the_stamps():
    assert checks.check_transposed_output_size(stamps_reach).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda i, k, s, p, a: (i + 2 * p - k) // s + 1, "forward convolution's formula"),
        (lambda i, k, s, p, a: (i - 1) * s + k - 2 * p, "left out the output padding"),
        (lambda i, k, s, p, a: i * s + k - 2 * p + a, "not i·s"),
        (lambda i, k, s, p, a: i * s, "padding='same'"),
        (lambda i, k, s, p, a: (i - 1) * s + k + 2 * p + a, "subtract it"),
        (lambda i, k, s, p, a: (i - 1) * s + k - p + a, "subtract 2p, not p"),
        (lambda i, k, s, p, a: (i - 1) * s + k + a, "ignored the padding"),
        (lambda i, k, s, p, a: (i - 1) * s + k - 2 * p + a - 1, "Off by one"),
        (lambda i, k, s, p, a: (i - 1) * s + k / 2 - 2 * p + a, "whole number"),
    ],
)
def test_transposed_size_rejects_typical_mistakes(mistake, hint):
    result = checks.check_transposed_output_size(mistake)
    assert not result.passed
    assert hint in result.message


def test_transposed_size_names_the_learners_function():
    def my_size(i, k, s, p, a):
        return i * s

    assert checks.check_transposed_output_size(my_size).message.startswith("my_size(")


# ----------------------------------------------------------------------------------------------
# conv_matrix_1d(n, kernel, stride)
# ----------------------------------------------------------------------------------------------
def matrix_from_unit_vectors(n, kernel, stride):
    """Independent answer: C's column j is the convolution of the j-th unit vector."""
    k = len(kernel)

    def conv1d(x):
        return np.array(
            [np.dot(x[r * stride : r * stride + k], kernel) for r in range((n - k) // stride + 1)]
        )

    return np.stack([conv1d(np.eye(n)[j]) for j in range(n)], axis=1)


def test_conv_matrix_1d_accepts_the_matrix_of_unit_vectors():
    assert checks.check_conv_matrix_1d(matrix_from_unit_vectors).passed


def test_conv_matrix_1d_accepts_a_list_of_lists():
    def as_lists(n, kernel, stride):
        return matrix_from_unit_vectors(n, kernel, stride).tolist()

    assert checks.check_conv_matrix_1d(as_lists).passed


def flipped(n, kernel, stride):
    return matrix_from_unit_vectors(n, np.asarray(kernel)[::-1], stride)


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda n, kernel, stride: matrix_from_unit_vectors(n, kernel, stride).T, "That is Cᵀ"),
        (flipped, "reversed in every row"),
        (lambda n, kernel, stride: matrix_from_unit_vectors(n, kernel, 1), "ignored the stride"),
        (lambda n, kernel, stride: flipped(n, kernel, 1), "Two things"),
        (
            lambda n, kernel, stride: matrix_from_unit_vectors(n, kernel, stride)[:-1],
            "One row is missing",
        ),
    ],
)
def test_conv_matrix_1d_rejects_typical_mistakes(mistake, hint):
    result = checks.check_conv_matrix_1d(mistake)
    assert not result.passed
    assert hint in result.message


def test_conv_matrix_1d_wrong_entries_show_the_failing_case():
    def one_off(n, kernel, stride):
        C = matrix_from_unit_vectors(n, kernel, stride)
        C[0, -1] += 1.0  # a stray weight
        return C

    result = checks.check_conv_matrix_1d(one_off)
    assert not result.passed
    assert result.message.startswith("one_off(5, [1., 2., 3.], 1) returned")
    assert "test cases right" in result.message
