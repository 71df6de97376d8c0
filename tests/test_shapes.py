"""cnnlab.shapes against the shapes Keras layers report and TensorFlow's padding."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st

from cnnlab import conv2d
from cnnlab.shapes import (
    conv_params,
    dense_params,
    effective_kernel_size,
    explain_output_shape,
    explain_output_size,
    output_shape,
    output_size,
    padding_amounts,
    receptive_field,
    receptive_fields,
    resolve_padding,
)

INPUTS = range(1, 13)
OTHER_AXIS = 20  # the second spatial axis, large enough for every kernel


def _keras_or_error(layer, size):
    """Keras's output height for an input of ``size`` rows, or "error" if Keras refuses."""
    try:
        return layer.compute_output_shape((None, size, OTHER_AXIS, 1))[1]
    except ValueError:
        return "error"


def _ours_or_error(size, *args, **kwargs):
    try:
        return output_size(size, *args, **kwargs)
    except ValueError:
        return "error"


def _conv_grid():
    for k, s, d, padding in itertools.product(
        range(1, 6), range(1, 5), range(1, 4), ("valid", "same")
    ):
        if s > 1 and d > 1:
            continue  # Keras refuses strides > 1 together with dilation_rate > 1
        yield k, s, d, padding


def test_output_size_equals_keras_conv2d_on_an_exhaustive_grid():
    checked = 0
    for k, s, d, padding in _conv_grid():
        layer = keras.layers.Conv2D(1, k, strides=s, padding=padding, dilation_rate=d)
        for size in INPUTS:
            want = _keras_or_error(layer, size)
            assert _ours_or_error(size, k, s, padding, d) == want, (size, k, s, d, padding)
            checked += want != "error"
    assert checked > 500  # most of the grid is valid, so the comparison is not vacuous


def test_output_size_equals_keras_max_pooling2d_on_an_exhaustive_grid():
    for pool, s, padding in itertools.product(range(1, 6), range(1, 5), ("valid", "same")):
        layer = keras.layers.MaxPooling2D(pool, strides=s, padding=padding)
        for size in INPUTS:
            want = _keras_or_error(layer, size)
            assert _ours_or_error(size, pool, s, padding) == want, (size, pool, s, padding)


def test_keras_refuses_exactly_where_cnnlab_refuses():
    """A 'valid' kernel larger than the input: both raise ValueError, for conv and pooling."""
    with pytest.raises(ValueError):
        keras.layers.Conv2D(1, 5).compute_output_shape((None, 4, 4, 1))
    with pytest.raises(ValueError, match=r"kernel_size=5 does not fit"):
        output_size(4, 5)
    assert (
        output_size(4, 5, padding="same")
        == keras.layers.Conv2D(1, 5, padding="same").compute_output_shape((None, 4, 4, 1))[1]
    )


@pytest.mark.parametrize(
    ("input_hw", "kernel", "stride", "padding", "dilation"),
    [
        ((32, 28), (5, 3), (1, 2), "valid", 1),
        ((7, 9), (3, 3), (2, 3), "same", 1),
        ((227, 227), (11, 11), (4, 4), "valid", 1),
        ((10, 13), (3, 2), (1, 1), "valid", (2, 3)),
        ((256, 256), (3, 3), 1, "same", 1),
    ],
)
def test_output_shape_equals_keras_for_rectangular_layers(
    input_hw, kernel, stride, padding, dilation
):
    layer = keras.layers.Conv2D(64, kernel, strides=stride, padding=padding, dilation_rate=dilation)
    want = layer.compute_output_shape((None, *input_hw, 3))[1:3]
    assert output_shape(input_hw, kernel, stride, padding, dilation) == tuple(want)


def test_same_padding_split_is_tensorflows():
    """Padding a ones image as cnnlab says and convolving with ones equals TF's SAME conv.

    The sums count the real cells under each window, so any other split of the padding
    (extra row at the top instead of the bottom, say) would change them.
    """
    for size, k, s in itertools.product(range(1, 9), range(1, 6), range(1, 4)):
        x = np.ones((1, size, 1, 1), np.float32)
        w = np.ones((k, 1, 1, 1), np.float32)
        before, after = padding_amounts("same", size, k, s)
        assert before in ((before + after) // 2,)  # the smaller half goes before
        want = tf.nn.conv2d(x, w, strides=[s, 1], padding="SAME").numpy()
        got = conv2d(x, w, stride=(s, 1), padding=((before, after), (0, 0)))
        np.testing.assert_array_equal(got, want, err_msg=f"size={size} k={k} s={s}")


def test_padding_amounts_worked_examples():
    assert padding_amounts("valid", 5, 3) == (0, 0)
    assert padding_amounts("same", 5, 3) == (1, 1)
    assert padding_amounts("same", 6, 3, stride=2) == (0, 1)  # extra at the bottom/right
    assert padding_amounts("same", 5, 4) == (1, 2)  # even kernel: extra after
    assert padding_amounts("same", 4, 3, dilation=2) == (2, 2)
    assert padding_amounts("full", 5, 3, dilation=2) == (4, 4)
    assert padding_amounts(2, 5, 3) == (2, 2)
    assert padding_amounts((0, 3), 5, 3) == (0, 3)
    assert padding_amounts("SAME", 32, 5) == (2, 2)  # case-insensitive, like Keras


def test_resolve_padding_accepts_every_form():
    assert resolve_padding(1, (6, 6), 3) == ((1, 1), (1, 1))
    assert resolve_padding((1, 2), (6, 6), 3) == ((1, 1), (2, 2))
    assert resolve_padding([[0, 1], [2, 3]], (6, 6), 3) == ((0, 1), (2, 3))
    assert resolve_padding("full", (6, 6), (3, 2), dilation=(1, 2)) == ((2, 2), (2, 2))
    assert resolve_padding("same", (7, 8), (3, 3), stride=(2, 3)) == ((1, 1), (0, 1))


def test_output_size_formula_worked_examples():
    """The numbers the curriculum quotes."""
    assert output_size(6, 3) == 4
    assert output_size(120, 5) == 116
    assert output_size(32, 5, padding=2) == 32
    assert output_size(7, 3, stride=1) == 5
    assert output_size(7, 3, stride=2) == 3
    assert output_size(7, 3, stride=3) == 2  # floor, like Keras (CS231n calls it "invalid")
    assert output_size(227, 11, stride=4) == 55
    assert output_size(5, 3, stride=2, padding="same") == 3
    assert output_size(5, 3, padding="full") == 7
    assert output_size(9, 3, dilation=3) == 3
    assert effective_kernel_size(3, 2) == 5


# --------------------------------------------------------------------------------------------
# Parameter counts against Keras
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kernel", "channels", "filters", "use_bias"),
    [(5, 1, 1, True), ((3, 3), 3, 64, True), ((3, 5), 16, 8, False), (1, 64, 32, True)],
)
def test_conv_params_equals_keras(kernel, channels, filters, use_bias):
    layer = keras.layers.Conv2D(filters, kernel, use_bias=use_bias)
    layer.build((None, 32, 32, channels))
    assert conv_params(kernel, channels, filters, use_bias) == layer.count_params()


@pytest.mark.parametrize(("inputs", "units", "use_bias"), [(784, 128, True), (10, 3, False)])
def test_dense_params_equals_keras(inputs, units, use_bias):
    layer = keras.layers.Dense(units, use_bias=use_bias)
    layer.build((None, inputs))
    assert dense_params(inputs, units, use_bias) == layer.count_params()


def test_parameter_explosion_numbers_from_the_curriculum():
    assert dense_params(420 * 420, 128) == 22_579_328
    assert conv_params(5, 1, 1) == 26
    assert conv_params(3, 3, 64) == 1792


# --------------------------------------------------------------------------------------------
# Receptive fields: formula against an experiment with impulses
# --------------------------------------------------------------------------------------------
def _measured_receptive_field(layers, length=96):
    """Push one impulse per input position through ones-kernel convolutions (1-D, as 1 x L
    images); the receptive field of an output unit is the span of the impulses that reach it
    (with dilation some positions inside the span are skipped)."""
    x = np.eye(length)[:, None, :, None]  # batch of impulses, shape (L, 1, L, 1)
    for k, s, d in layers:
        x = conv2d(x, np.ones((1, k, 1, 1)), stride=(1, s), dilation=(1, d))
    reached = np.flatnonzero(x[:, 0, x.shape[2] // 2, 0] > 0)
    return int(reached[-1] - reached[0] + 1)


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1, 1)],
        [(3, 1, 1), (3, 1, 1), (3, 1, 1)],
        [(3, 1, 1), (2, 2, 1), (3, 1, 1)],
        [(11, 4, 1), (3, 2, 1), (5, 1, 1)],
        [(3, 1, 2), (3, 1, 4)],
        [(5, 2, 1), (3, 1, 2), (2, 2, 1), (3, 1, 1)],
    ],
)
def test_receptive_field_matches_impulse_experiment(layers):
    assert receptive_field(layers) == _measured_receptive_field(layers)
    assert receptive_fields(layers)[-1] == receptive_field(layers)


def test_receptive_field_layer_descriptions():
    assert receptive_fields([3, 3, 3]) == [3, 5, 7]
    assert receptive_field([{"kernel_size": 3, "stride": 2}, {"kernel_size": 3}]) == 7
    assert receptive_field([(3,), (3, 1, 2)]) == 7
    assert receptive_field([(11, 4), (3, 2), (5, 1)]) == 51  # AlexNet conv1, pool1, conv2


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
BAD_INPUT = [
    (lambda: output_size(-1, 3), ValueError, r"input_size must be an integer >= 0, got -1"),
    (
        lambda: output_size(0, 3),
        ValueError,
        r"kernel_size=3 does not fit: the input is empty .*Pad by at least 2 in total",
    ),
    (lambda: output_size(5, 0), ValueError, r"kernel_size must be an integer >= 1, got 0"),
    (lambda: output_size(5, 3, stride=0), ValueError, r"stride must be an integer >= 1, got 0"),
    (lambda: output_size(5, 3, dilation=0), ValueError, r"dilation must be an integer >= 1, got 0"),
    (lambda: output_size(5.0, 3), TypeError, r"input_size must be an integer >= 0, got 5.0"),
    (
        lambda: output_size(5, 3, padding="half"),
        ValueError,
        r"padding must be 'valid', 'same', 'full', an integer >= 0.*got 'half'",
    ),
    (lambda: output_size(5, 3, padding=-1), ValueError, r"padding must not be negative: got -1"),
    (
        lambda: output_size(5, 3, padding=(1, 2, 3)),
        ValueError,
        r"padding for one axis must be an integer or a pair \(before, after\); got \(1, 2, 3\)",
    ),
    (
        lambda: output_size(3, 5),
        ValueError,
        r"kernel_size=5 does not fit: it is larger than the padded input \(3 \+ 0 \+ 0 = 3\)\. Use a kernel_size of at most 3 or more padding\.$",
    ),
    (
        lambda: output_size(4, 3, dilation=2),
        ValueError,
        r"kernel_size=3 with dilation=2 does not fit: its span 2·\(3 − 1\) \+ 1 = 5",
    ),
    (
        lambda: resolve_padding(((1, 2), 3), (5, 5), 3),
        ValueError,
        r"padding must be .*\(\(top, bottom\), \(left, right\)\); got \(\(1, 2\), 3\)",
    ),
    (lambda: resolve_padding(True, (5, 5), 3), ValueError, r"padding must be .*; got True"),
    (lambda: conv_params(3, 0, 8), ValueError, r"in_channels must be an integer >= 1, got 0"),
    (
        lambda: conv_params((3, 0), 1, 8),
        ValueError,
        r"kernel_size must be an integer >= 1 or a pair of them, got \(3, 0\)",
    ),
    (lambda: dense_params(10, 0), ValueError, r"units must be an integer >= 1, got 0"),
    (
        lambda: receptive_field([]),
        ValueError,
        r"layers must contain at least one layer; got an empty stack",
    ),
    (
        lambda: receptive_field(["3x3"]),
        TypeError,
        r"each layer must be a kernel size, a tuple \(kernel_size, stride\[, dilation\]\) or a dict with those keys; got '3x3'",
    ),
    (lambda: receptive_field([(3, 0)]), ValueError, r"stride must be an integer >= 1, got 0"),
    (
        lambda: receptive_field([{"stride": 2}]),
        TypeError,
        r"kernel_size must be an integer >= 1, got None",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT]
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------------------------------
# The formula written out, and the empty axis
# --------------------------------------------------------------------------------------------
def test_explain_output_size_worked_examples():
    assert explain_output_size(227, 11, 4, 0) == "⌊(227 + 2·0 − 11) / 4⌋ + 1 = 55"  # AlexNet
    assert explain_output_size(120, 5, 1, "full") == (
        "'full': padding 5 − 1 = 4 on each side; ⌊(120 + 2·4 − 5) / 1⌋ + 1 = 124"
    )
    assert explain_output_size(6, 4, 1, "same") == (
        "'same': ⌈6 / 1⌉ = 6, padding 1 before + 2 after; ⌊(6 + 1 + 2 − 4) / 1⌋ + 1 = 6"
    )
    assert (
        explain_output_size(32, 3, 1, "valid")
        == "'valid': no padding; ⌊(32 + 2·0 − 3) / 1⌋ + 1 = 30"
    )
    assert explain_output_size(6, 7, 1, 0).endswith("= 0: no output, the kernel does not fit")
    assert explain_output_shape((300, 451), 3, 1, (1, 0)).splitlines() == [
        "output: 300 × 449",
        "rows: ⌊(300 + 2·1 − 3) / 1⌋ + 1 = 300",
        "columns: ⌊(451 + 2·0 − 3) / 1⌋ + 1 = 449",
    ]
    assert explain_output_shape((9, 9), 3, name="pooled").startswith("pooled: 7 × 7\nrows and")


@given(
    i=st.integers(1, 40),
    k=st.integers(1, 9),
    s=st.integers(1, 4),
    d=st.integers(1, 3),
    padding=st.one_of(st.sampled_from(["valid", "same", "full"]), st.integers(0, 4)),
)
def test_explained_number_is_output_size(i, k, s, d, padding):
    text = explain_output_size(i, k, s, padding, d)
    try:
        want = output_size(i, k, s, padding, d)
    except ValueError:
        assert text.endswith("no output, the kernel does not fit")
        return
    assert text.endswith(f"= {want}")


def test_explain_rejects_bad_arguments_with_a_sentence():
    with pytest.raises(TypeError, match=r"stride must be an integer >= 1, got True \(a bool"):
        explain_output_size(5, 3, True)
    with pytest.raises(TypeError, match=r"input_hw must be a pair \(height, width\); got 5"):
        explain_output_shape(5, 3)


def test_same_padding_is_odd_for_even_kernels_at_stride_1():
    """The module docstring's claim: an odd total also happens at stride 1 with even kernels."""
    assert padding_amounts("same", 6, 4) == (1, 2)
    assert padding_amounts("same", 6, 2) == (0, 1)
    assert padding_amounts("same", 6, 3) == (1, 1)


def test_an_empty_axis_follows_tensorflow():
    """0 output positions while the padding is almost one window (TF's size formula gives 0)."""
    assert output_size(0, 2, padding=1) == 1  # one window, of padding only
    assert output_size(0, 3, padding=1) == 0
    assert output_size(0, 3, stride=2) == 0
    assert output_size(0, 3, padding="same") == 0
    with pytest.raises(ValueError, match=r"the input is empty .*Pad by at least 2 in total"):
        output_size(0, 3)
