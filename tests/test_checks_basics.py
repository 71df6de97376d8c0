"""The checkers of notebooks 00-04 accept the reference solution, reject typical mistakes with
the specific hint, and never raise on an unfinished stub."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

import cnnlab
from cnnlab import checks
from cnnlab.checks import convolution, filters, images, padding, stride
from cnnlab.lessons import coverage_count

# ----------------------------------------------------------------------------------------------
# Correct answers are written here independently of the checkers' references (and differently
# from the notebooks' own solutions, which tests/test_notebooks.py runs through these checkers):
# a checker that compared with a broken reference would reject them.
# ----------------------------------------------------------------------------------------------


def correlate_valid(x, kernel):
    """'valid' cross-correlation from SciPy, not cnnlab: the independent oracle for conv2d."""
    return signal.correlate2d(x, kernel, mode="valid")


# ----------------------------------------------------------------------------------------------
# Every checker: stubs and crashing code give "not yet", never an exception
# ----------------------------------------------------------------------------------------------
FUNCTION_CHECKERS = [
    checks.check_normalise,
    checks.check_brighten,
    checks.check_dense_params,
    checks.check_conv2d,
    checks.check_conv_params,
    checks.check_gradient_magnitude,
    checks.check_box_blur,
    checks.check_padded_output_size,
    checks.check_padding_amount,
    checks.check_output_size,
    checks.check_same_output_size,
]
VALUE_CHECKERS = [
    checks.check_conv_value,
    checks.check_edge_kernel,
    checks.check_coverage_map,
    checks.check_receptive_field,
]


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS + VALUE_CHECKERS)
@pytest.mark.parametrize("stub", [Ellipsis, None])
def test_unfinished_stub_is_not_yet(checker, stub):
    result = checker(stub)
    assert not result.passed
    assert "Replace the `...`" in result.message
    assert "Not yet" in result._repr_html_()


@pytest.mark.parametrize("checker", [checks.check_edge_kernel, checks.check_coverage_map])
@pytest.mark.parametrize("stub", [np.array(...), [[1, 2], [..., 4]], np.array([[0, None]])])
def test_array_stub_is_not_yet(checker, stub):
    result = checker(stub)
    assert not result.passed
    assert "Replace the `...`" in result.message


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS)
def test_stub_function_returning_ellipsis_is_not_yet(checker):
    def stub(*args):
        return ...

    result = checker(stub)
    assert not result.passed
    assert "still returns `...`" in result.message


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS)
def test_function_that_raises_is_reported(checker):
    def broken(*args):
        raise IndexError("list index out of range")

    result = checker(broken)
    assert not result.passed
    assert "raised IndexError" in result.message


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS)
def test_function_without_return_is_reported(checker):
    def no_return(*args):
        args[0]  # a learner's body that forgot `return`

    result = checker(no_return)
    assert not result.passed
    assert "forget the `return`" in result.message


def test_checkers_are_reachable_from_the_package():
    for checker in FUNCTION_CHECKERS + VALUE_CHECKERS:
        assert getattr(checks, checker.__name__) is checker
    assert set(
        images.__all__ + convolution.__all__ + filters.__all__ + padding.__all__ + stride.__all__
    ) == {c.__name__ for c in FUNCTION_CHECKERS + VALUE_CHECKERS}


def test_learner_function_name_appears_in_the_message():
    def my_size(i, k, s, p):
        return (i + 2 * p - k) // s

    assert checks.check_output_size(my_size).message.startswith("my_size(")


# ----------------------------------------------------------------------------------------------
# 00 · Images as arrays
# ----------------------------------------------------------------------------------------------
def test_normalise_accepts_float64_and_float32_versions():
    assert checks.check_normalise(lambda im: np.divide(im, 255.0)).passed
    assert checks.check_normalise(lambda im: im.astype(np.float32) / np.float32(255)).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda im: im / 256, "Divide by 255, not 256"),
        (lambda im: im // 255, "true division"),
        (lambda im: im / im.max(), "own maximum"),
        (lambda im: (im - im.min()) / (im.max() - im.min()), "min-max"),
        (lambda im: im.reshape(-1) / 255, "keep the image's shape"),
        (lambda im: im / 255 + 0.01, "divided by 255"),
    ],
)
def test_normalise_rejects_typical_mistakes(mistake, hint):
    with np.errstate(divide="ignore", invalid="ignore"):
        result = checks.check_normalise(mistake)
    assert not result.passed
    assert hint in result.message


def test_brighten_accepts_integer_and_float_output():
    def widened(im, a):
        return np.minimum(np.maximum(im.astype(np.int64) + a, 0), 255).astype(np.uint8)

    assert checks.check_brighten(widened).passed
    assert checks.check_brighten(lambda im, a: np.clip(im + float(a), 0, 255)).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda im, a: im + a, "wrapped around"),  # uint8 + int wraps (and fails for a < 0)
        (lambda im, a: im.astype(int) + a, "Clip the result"),
        (lambda im, a: np.minimum(im.astype(int) + a, 255), "below 0"),
        (lambda im, a: np.clip(im.astype(int) + a, 0, 255) / 255, "0-255 scale"),
    ],
)
def test_brighten_rejects_typical_mistakes(mistake, hint):
    result = checks.check_brighten(mistake)
    assert not result.passed
    assert hint in result.message
    assert "250" in result.message or "brighten(" in result.message


def test_dense_params_accepts_a_correct_count():
    assert checks.check_dense_params(lambda n, u: (n + 1) * u).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda n, u: n * u, "forgot the biases"),
        (lambda n, u: n * u + 1, "not 1"),
        (lambda n, u: n * u + n, "not to the inputs"),
        (lambda n, u: n + u, "multiply"),
    ],
)
def test_dense_params_rejects_typical_mistakes(mistake, hint):
    result = checks.check_dense_params(mistake)
    assert not result.passed
    assert hint in result.message.replace("n_inputs * n_units", "multiply")
    assert "22579328" in result.message  # the first case is the 420 x 420 -> 128 layer


# ----------------------------------------------------------------------------------------------
# 01 · Convolution
# ----------------------------------------------------------------------------------------------
def test_conv_value_accepts_reference_and_other_positions():
    x, kernel = cnnlab.lessons.example_6x6()
    out = cnnlab.conv2d_naive(x, kernel)
    assert checks.check_conv_value(out[1, 3]).passed
    assert checks.check_conv_value(float(out[2, 0]), row=2, col=0).passed
    assert checks.check_conv_value("3").passed  # a number typed as text still counts
    assert not checks.check_conv_value(float(out[2, 0]) + 1, row=2, col=0).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (-3, "flipped the kernel"),  # the same window with the kernel flipped
        (-2, "That is output[3, 1]"),  # row and column swapped
        (8, "That is output[0, 3]"),  # one row too high
        (4, "multiply it element-wise"),
        ("three", "should be a number"),
    ],
)
def test_conv_value_rejects_typical_mistakes(answer, hint):
    result = checks.check_conv_value(answer)
    assert not result.passed
    assert hint in result.message


def test_conv_value_custom_example_and_bad_position():
    x = np.arange(16.0).reshape(4, 4)
    assert checks.check_conv_value(45, 0, 0, x=x, kernel=np.ones((3, 3))).passed
    with pytest.raises(ValueError, match="row, col"):
        checks.check_conv_value(1, 5, 0)


def test_conv2d_accepts_independent_implementations():
    def windows(x, k):
        return np.einsum("ijuv,uv->ij", sliding_window_view(x, k.shape), k)

    assert checks.check_conv2d(correlate_valid).passed
    assert checks.check_conv2d(windows).passed
    assert checks.check_conv2d(lambda x, k: correlate_valid(x, k).tolist()).passed  # lists too


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda x, k: correlate_valid(x, k[::-1, ::-1]), "You flipped the kernel"),
        (lambda x, k: correlate_valid(x, k)[:-1, :-1], "Off by one"),
        (lambda x, k: cnnlab.conv2d(x, k, padding="same"), "'valid'"),
        (lambda x, k: correlate_valid(x, k) + 1, "differs in"),
        (lambda x, k: correlate_valid(x.T, k.T), "swapped"),
        (
            lambda x, k: np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1)),
            "only zeros",
        ),
    ],
)
def test_conv2d_rejects_typical_mistakes(mistake, hint):
    result = checks.check_conv2d(mistake)
    assert not result.passed
    assert hint in result.message


def test_conv2d_catches_a_flip_the_symmetric_example_hides():
    """The 6x6 example's kernel is symmetric top-to-bottom: flipping only the rows passes it,
    the asymmetric second case must catch the mistake."""

    def flip_rows(x, k):
        return correlate_valid(x, k[::-1, :])

    x, kernel = cnnlab.lessons.example_6x6()
    np.testing.assert_array_equal(flip_rows(x, kernel), correlate_valid(x, kernel))
    result = checks.check_conv2d(flip_rows)
    assert not result.passed
    assert "(4, 5)" in result.message


def test_conv_params_accepts_a_correct_count():
    assert checks.check_conv_params(lambda k, c, f: f * k**2 * c + f).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda k, c, f: k * k * c * f, "forgot the biases"),
        (lambda k, c, f: (k * k + 1) * f, "spans all input channels"),
        (lambda k, c, f: k * k * c * f + 1, "not 1"),
        (lambda k, c, f: (k * k + 1) * c * f, "not one per input channel"),
        (lambda k, c, f: 416 * 416, "test cases right"),
    ],
)
def test_conv_params_rejects_typical_mistakes(mistake, hint):
    result = checks.check_conv_params(mistake)
    assert not result.passed
    assert hint in result.message


# ----------------------------------------------------------------------------------------------
# 02 · Sobel and other hand-made filters
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kernel",
    [
        cnnlab.kernels.sobel_horizontal(),
        cnnlab.kernels.sobel_horizontal(5),
        [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],  # Prewitt
        [[-3, -10, -3], [0, 0, 0], [3, 10, 3]],  # Scharr
        [[-1], [1]],  # the simplest difference
    ],
)
def test_edge_kernel_accepts_horizontal_detectors(kernel):
    assert checks.check_edge_kernel(kernel).passed
    assert checks.check_edge_kernel(np.asarray(kernel).T, orientation="vertical").passed


@pytest.mark.parametrize(
    ("kernel", "hint"),
    [
        (-cnnlab.kernels.sobel_horizontal(), "sign is flipped"),
        (cnnlab.kernels.sobel_vertical(), "Transpose it"),
        (np.ones((3, 3)), "sum to 9"),
        ([[-2, -1, 0], [-1, 0, 1], [0, 1, 2]], "also responds to vertical"),
        ([[1, 2, 1], [-2, -4, -2], [1, 2, 1]], "second derivative"),
        (np.zeros((3, 3)), "detects nothing"),
        (np.ones((9, 9)), "small 2-D array"),
        ("sobel", "2-D array of numbers"),
    ],
)
def test_edge_kernel_rejects_typical_mistakes(kernel, hint):
    result = checks.check_edge_kernel(kernel)
    assert not result.passed
    assert hint in result.message


def test_edge_kernel_vertical_sign_and_bad_orientation():
    assert not checks.check_edge_kernel(-cnnlab.kernels.sobel_vertical(), "vertical").passed
    with pytest.raises(ValueError, match="orientation"):
        checks.check_edge_kernel(cnnlab.kernels.sobel_vertical(), "diagonal")


def test_gradient_magnitude_accepts_correct_versions():
    assert checks.check_gradient_magnitude(np.hypot).passed
    assert checks.check_gradient_magnitude(lambda gx, gy: np.linalg.norm([gx, gy], axis=0)).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda gx, gy: gx**2 + gy**2, "forgot the square root"),
        (lambda gx, gy: gx + gy, "cancel"),
        (lambda gx, gy: np.abs(gx) + np.abs(gy), "approximation"),
        (lambda gx, gy: np.sqrt(np.abs(gx + gy)), "separately"),
        (lambda gx, gy: np.maximum(np.abs(gx), np.abs(gy)), "test cases right"),
    ],
)
def test_gradient_magnitude_rejects_typical_mistakes(mistake, hint):
    result = checks.check_gradient_magnitude(mistake)
    assert not result.passed
    assert hint in result.message


def test_box_blur_accepts_a_correct_kernel():
    assert checks.check_box_blur(lambda n: np.full((n, n), 1 / n**2)).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda n: np.ones((n, n)), "sum to 9"),
        (lambda n: np.ones((n, n)) / n, "sum to 3"),
        (lambda n: np.ones((3, 3)) / 9, "shape (5, 5)"),
        (lambda n: cnnlab.kernels.gaussian_blur(n), "differs in"),
    ],
)
def test_box_blur_rejects_typical_mistakes(mistake, hint):
    result = checks.check_box_blur(mistake)
    assert not result.passed
    assert hint in result.message


# ----------------------------------------------------------------------------------------------
# 03 · Padding
# ----------------------------------------------------------------------------------------------
def test_padded_output_size_accepts_counting_the_window_positions():
    assert checks.check_padded_output_size(lambda i, k, p: len(range(i + 2 * p - k + 1))).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda i, k, p: i + p - k + 1, "both sides"),
        (lambda i, k, p: i + 2 * p - k, "Off by one"),
        (lambda i, k, p: i - k + 1, "ignored the padding"),
        (lambda i, k, p: i + 2 * p - k - 1, "don't subtract"),
        (lambda i, k, p: i, "test cases right"),
        (lambda i, k, p: (i + 2 * p - k) / 2 + 1, "true division `/`"),
    ],
)
def test_padded_output_size_rejects_typical_mistakes(mistake, hint):
    result = checks.check_padded_output_size(mistake)
    assert not result.passed
    assert hint in result.message


def test_padding_amount_accepts_correct_versions():
    assert checks.check_padding_amount(
        lambda k, m: {"valid": 0, "same": k // 2}.get(m, k - 1)
    ).passed
    assert checks.check_padding_amount(
        lambda k, mode: cnnlab.padding_amounts(mode, 10, k)[0]
    ).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda k, m: {"valid": 0, "same": k - 1, "full": (k - 1) // 2}[m], "You swapped"),
        (lambda k, m: {"valid": 0, "same": (k - 1) // 2, "full": k}[m], "not k"),
        (lambda k, m: {"valid": 0, "same": (k + 1) // 2, "full": k - 1}[m], "2p = k - 1"),
        (lambda k, m: {"valid": 0, "same": k - 1, "full": k - 1}[m], "half as much"),
        (lambda k, m: {"valid": 0, "same": k / 2, "full": k - 1}[m], "`(k - 1) // 2`"),
    ],
)
def test_padding_amount_rejects_typical_mistakes(mistake, hint):
    result = checks.check_padding_amount(mistake)
    assert not result.passed
    assert hint in result.message


def test_coverage_map_accepts_reference_and_the_conv_trick():
    assert checks.check_coverage_map(coverage_count((6, 6), 3)).passed
    trick = cnnlab.conv2d(np.ones((4, 4)), np.ones((3, 3)), padding="full")
    assert checks.check_coverage_map(trick).passed
    assert checks.check_coverage_map(coverage_count((7, 5), 2), (7, 5), 2).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (cnnlab.conv2d(np.ones((6, 6)), np.ones((3, 3)), padding="same"), "'same' padding"),
        (np.full((6, 6), 9), "corner pixel lies in just one"),
        (cnnlab.conv2d(np.ones((6, 6)), np.ones((3, 3))), 'padding="full"'),
        (cnnlab.conv2d(np.ones((6, 6)), np.ones((3, 3)), padding="full"), "at only 4x4 positions"),
        (coverage_count((6, 6), 3) + np.eye(6), "differs in"),
        ("map", "array of numbers"),
    ],
)
def test_coverage_map_rejects_typical_mistakes(answer, hint):
    result = checks.check_coverage_map(answer)
    assert not result.passed
    assert hint in result.message


# ----------------------------------------------------------------------------------------------
# 04 · Stride
# ----------------------------------------------------------------------------------------------
def test_output_size_accepts_counting_the_window_starts():
    assert checks.check_output_size(lambda i, k, s, p: len(range(0, i + 2 * p - k + 1, s))).passed
    assert checks.check_output_size(lambda i, k, s, p: math.floor((i + 2 * p - k) / s) + 1).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda i, k, s, p: (i + 2 * p - k) / s + 1, "floor division"),
        (lambda i, k, s, p: (i + 2 * p - k) // s, "Off by one"),
        (lambda i, k, s, p: math.ceil((i + 2 * p - k) / s) + 1, "rounded up"),
        (lambda i, k, s, p: (i + p - k) // s + 1, "both sides"),
        (lambda i, k, s, p: (i + 2 * p - k + 1) // s, "Divide first"),
        (lambda i, k, s, p: i + 2 * p - k + 1, "ignored the stride"),
        (lambda i, k, s, p: (i + 2 * p - k) / s, "floor division `//`"),  # no + 1 either
        (lambda i, k, s, p: (i + p - k) / s + 1, "floor division `//`"),
    ],
)
def test_output_size_rejects_typical_mistakes(mistake, hint):
    result = checks.check_output_size(mistake)
    assert not result.passed
    assert hint in result.message


def test_output_size_names_the_case_that_does_not_fit():
    result = checks.check_output_size(lambda i, k, s, p: (i + 2 * p - k) / s + 1)
    assert result.message.startswith("my_output_size(7, 3, 3, 0) returned 2.33")
    assert "the answer is 2." in result.message


def test_same_output_size_accepts_counting_the_steps():
    assert checks.check_same_output_size(lambda i, s: len(range(0, i, s))).passed
    assert checks.check_same_output_size(lambda i, s: math.ceil(i / s)).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda i, s: i // s, "round up"),
        (lambda i, s: i / s, "whole numbers"),
        (lambda i, s: i, "does not keep the size"),
        (lambda i, s: round(i / s), "nearest"),
        (lambda i, s: (i + 2 - 3) // s, "test cases right"),
        (lambda i, s: i / s + 1, "true division `/`"),
    ],
)
def test_same_output_size_rejects_typical_mistakes(mistake, hint):
    result = checks.check_same_output_size(mistake)
    assert not result.passed
    assert hint in result.message


def test_receptive_field_accepts_reference():
    assert checks.check_receptive_field(7).passed
    stack = [(5, 1), (2, 2), (3, 1)]
    assert checks.check_receptive_field(10, stack).passed
    assert "5 -> 6 -> 10" in checks.check_receptive_field(10, stack).message
    assert checks.check_receptive_field(5, [3, 3]).passed  # plain kernel sizes work too


@pytest.mark.parametrize(
    ("answer", "layers", "hint"),
    [
        (9, [(3, 1)] * 3, "not k"),  # summed the kernel sizes
        (27, [(3, 1)] * 3, "not multiplying"),
        (8, [(5, 1), (2, 2), (3, 1)], "ignored the strides"),
        (6, [(3, 1)] * 3, "Start at 1 pixel"),
        ("seven", [(3, 1)] * 3, "number of pixels"),
    ],
)
def test_receptive_field_rejects_typical_mistakes(answer, layers, hint):
    result = checks.check_receptive_field(answer, layers)
    assert not result.passed
    assert hint in result.message


# ----------------------------------------------------------------------------------------------
# The shared machinery (cnnlab.checks.cases) protects the test inputs here too
# ----------------------------------------------------------------------------------------------
def test_brighten_that_changes_its_input_is_told_so():
    def brighten_in_place(image, amount):
        np.clip(image, 0, 255 - amount, out=image)
        image += np.uint8(amount)
        return image

    result = checks.check_brighten(brighten_in_place)
    assert not result.passed
    assert "changed the array it was given" in result.message


def test_magnitude_that_changes_its_input_is_told_so():
    def magnitude_in_place(gx, gy):
        gx **= 2
        gy **= 2
        return np.sqrt(gx + gy)

    result = checks.check_gradient_magnitude(magnitude_in_place)
    assert not result.passed
    assert "magnitude_in_place([[3.]], [[4.]]) changed the array it was given" in result.message


def test_conv2d_that_changes_its_input_is_told_so():
    def conv_in_place(x, kernel):
        out = cnnlab.conv2d(x, kernel)
        x[...] = 0
        return out

    assert "changed the array it was given" in checks.check_conv2d(conv_in_place).message
