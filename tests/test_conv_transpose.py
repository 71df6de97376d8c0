"""cnnlab.conv_transpose against Keras's Conv2DTranspose, tf.nn.conv2d_transpose and the input
gradient of a convolution (tf.GradientTape); the scatter loop against the vectorised version;
the matrix C against conv2d, and its transpose against conv2d_transpose."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import assume, given
from hypothesis import strategies as st

from cnnlab.conv import conv2d
from cnnlab.conv_transpose import (
    MAX_MATRIX_ENTRIES,
    conv2d_transpose,
    conv2d_transpose_naive,
    conv_matrix,
    transposed_output_size,
)

TF_TOL = {"rtol": 1e-4, "atol": 1e-4}  # TensorFlow computes in float32
OTHER_AXIS = 5  # the second spatial axis of the size grid, with a 1-wide kernel

# Keras's Conv2DTranspose refuses strides > 1 together with dilation_rate > 1.
STRIDE_DILATION = [(1, 1), (1, 2), (1, 3), (2, 1), (3, 1)]


def _size_grid():
    for k, (s, d), padding in itertools.product(range(1, 6), STRIDE_DILATION, ("valid", "same")):
        for op in (None, *range(s)):
            yield k, s, d, padding, op


def _refused(k, s, d, padding, op, i, keras_size):
    """Where transposed_output_size raises although Keras reports a size."""
    even_span = (d * (k - 1) + 1) % 2 == 0
    return keras_size < 0 or (padding == "same" and op == 0 and even_span and i > 0)


def test_transposed_output_size_equals_keras_on_a_grid():
    checked = refused = 0
    for k, s, d, padding, op in _size_grid():
        layer = keras.layers.Conv2DTranspose(
            1,
            (k, 1),
            strides=(s, 1),
            padding=padding,
            output_padding=None if op is None else (op, 0),
            dilation_rate=(d, 1),
        )
        for i in range(0, 9):
            expected = layer.compute_output_shape((None, i, OTHER_AXIS, 1))[1]
            setting = f"i={i}, k={k}, s={s}, d={d}, padding={padding!r}, output_padding={op}"
            if _refused(k, s, d, padding, op, i, expected):
                with pytest.raises(ValueError, match="output_padding|< 0"):
                    transposed_output_size(i, k, s, padding, op, d)
                refused += 1
            else:
                assert transposed_output_size(i, k, s, padding, op, d) == expected, setting
                checked += 1
    assert checked > 800 and refused > 0


def test_same_with_an_even_kernel_and_no_output_padding_fails_in_keras_too():
    """The one case where Keras reports a size: its layer then cannot produce it."""
    layer = keras.layers.Conv2DTranspose(1, 2, strides=2, padding="same", output_padding=0)
    assert layer.compute_output_shape((None, 4, 4, 1))[1] == 6
    with pytest.raises(Exception):  # noqa: B017 (TensorFlow raises its own error types)
        layer(np.zeros((1, 4, 4, 1), dtype="float32"))
    with pytest.raises(ValueError, match=r"even kernel span \(2\).*output_padding=None"):
        transposed_output_size(4, 2, 2, "same", output_padding=0)


def test_transposed_output_size_inverts_output_size():
    """A convolution maps the transposed output size back to the input size."""
    from cnnlab.shapes import output_size

    for k, s, d, padding, op in _size_grid():
        for i in range(1, 9):
            try:
                o = transposed_output_size(i, k, s, padding, op, d)
            except ValueError:
                continue
            if o > 0:
                assert output_size(o, k, s, padding, d) == i, (i, k, s, d, padding, op)


def _random_layer_configs(count, seed):
    """Layer settings Keras accepts: kernels 1–5 (non-square), stride 1–3 or dilation 1–3."""
    rng = np.random.default_rng(seed)
    configs = []
    while len(configs) < count:
        kernel = tuple(int(v) for v in rng.integers(1, 6, 2))
        if rng.random() < 0.3:
            stride, dilation = (1, 1), tuple(int(v) for v in rng.integers(1, 4, 2))
        else:
            stride, dilation = tuple(int(v) for v in rng.integers(1, 4, 2)), (1, 1)
        padding = str(rng.choice(["valid", "same"]))
        op = None
        if rng.random() < 0.5:
            op = tuple(int(rng.integers(0, s)) for s in stride)
            spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
            if padding == "same" and any(
                p == 0 and n % 2 == 0 for p, n in zip(op, spans, strict=True)
            ):
                continue  # Keras's layer fails there (tested above)
        channels = tuple(int(v) for v in rng.integers(1, 4, 2))  # (C_in, C_out)
        configs.append((kernel, stride, dilation, padding, op, channels))
    return configs


@pytest.mark.parametrize(
    ("kernel", "stride", "dilation", "padding", "op", "channels"),
    [
        ((3, 3), (2, 2), (1, 1), "same", None, (2, 3)),  # the usual 2× upsampling
        ((4, 4), (2, 2), (1, 1), "same", (1, 1), (1, 1)),
        ((1, 1), (3, 3), (1, 1), "valid", None, (2, 1)),  # stride wider than the kernel
        ((2, 5), (1, 1), (3, 2), "same", None, (1, 2)),
        *_random_layer_configs(20, seed=7),
    ],
)
def test_conv2d_transpose_equals_keras_conv2d_transpose(
    kernel, stride, dilation, padding, op, channels
):
    c_in, c_out = channels
    rng = np.random.default_rng(sum(kernel) + 10 * sum(stride) + 100 * c_in)
    layer = keras.layers.Conv2DTranspose(
        c_out, kernel, strides=stride, padding=padding, output_padding=op, dilation_rate=dilation
    )
    layer.build((None, None, None, c_in))
    k = rng.standard_normal((*kernel, c_out, c_in)).astype("float32")
    b = rng.standard_normal(c_out).astype("float32")
    layer.set_weights([k, b])
    for shape in [(1, 4, 5, c_in), (3, 6, 3, c_in)]:  # one layer, two input sizes
        x = rng.standard_normal(shape).astype("float32")
        expected = layer(x).numpy()
        kwargs = {"stride": stride, "padding": padding, "output_padding": op, "dilation": dilation}
        ours = conv2d_transpose(x, k, b, **kwargs)
        assert ours.shape == expected.shape
        np.testing.assert_allclose(ours, expected, **TF_TOL)
        np.testing.assert_allclose(conv2d_transpose_naive(x, k, b, **kwargs), expected, **TF_TOL)


@st.composite
def transpose_problems(draw, *, keras_only=True, numeric_padding=False):
    """(x, kernel, kwargs): a batch, a (kh, kw, C_out, C_in) kernel and the keyword arguments."""
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if keras_only and max(stride) > 1:
        dilation = (1, 1)
    paddings = [st.sampled_from(["valid", "same"])]
    if numeric_padding:
        amount = st.integers(0, 3)
        paddings += [amount, st.tuples(st.tuples(amount, amount), st.tuples(amount, amount))]
    padding = draw(st.one_of(*paddings))
    op = draw(st.none() | st.tuples(st.integers(0, stride[0] - 1), st.integers(0, stride[1] - 1)))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, w, c_in))
    kernel = rng.standard_normal((kh, kw, c_out, c_in))
    kwargs = {"stride": stride, "padding": padding, "output_padding": op, "dilation": dilation}
    return x, kernel, kwargs


def _output_or_none(x, kernel, kwargs):
    try:
        return conv2d_transpose(x, kernel, **kwargs)
    except ValueError:
        return None  # 'same' with an even span and no output padding, or too much padding


@given(transpose_problems())
def test_conv2d_transpose_equals_tf_nn_conv2d_transpose(problem):
    x, kernel, kwargs = problem
    ours = _output_or_none(x, kernel, kwargs)
    assume(ours is not None)
    theirs = tf.nn.conv2d_transpose(
        x.astype("float32"),
        kernel.astype("float32"),
        output_shape=ours.shape,
        strides=kwargs["stride"],
        padding=kwargs["padding"].upper(),
        dilations=kwargs["dilation"],
    ).numpy()
    np.testing.assert_allclose(ours, theirs, **TF_TOL)


def _tf_conv2d(x, kernel, stride, padding, dilation):
    """tf.nn.conv2d with cnnlab's padding argument (amounts through tf.pad, since TensorFlow's
    CPU gradient refuses explicit padding together with dilation)."""
    if isinstance(padding, str):
        return tf.nn.conv2d(x, kernel, stride, padding.upper(), dilations=dilation)
    if isinstance(padding, int):
        padding = ((padding, padding), (padding, padding))
    padded = tf.pad(x, [[0, 0], list(padding[0]), list(padding[1]), [0, 0]])
    return tf.nn.conv2d(padded, kernel, stride, "VALID", dilations=dilation)


@given(transpose_problems(numeric_padding=True))
def test_conv2d_transpose_is_the_input_gradient_of_the_convolution(problem):
    """conv2d_transpose(g, K) = ∂/∂x Σ conv2d(x, K) ⊙ g, with x of the transposed output size."""
    g, kernel, kwargs = problem
    ours = _output_or_none(g, kernel, kwargs)
    assume(ours is not None and 0 not in ours.shape)
    # The forward convolution: x of the transposed output's shape, with C_out channels; the
    # same kernel array, read by conv2d as (kh, kw, C, F) = (kh, kw, C_out, C_in).
    x = tf.Variable(np.zeros((*ours.shape[:3], kernel.shape[2]), dtype="float32"))
    with tf.GradientTape() as tape:
        y = _tf_conv2d(
            x, kernel.astype("float32"), kwargs["stride"], kwargs["padding"], kwargs["dilation"]
        )
        assert y.shape == g.shape  # the convolution maps the transposed size back
        loss = tf.reduce_sum(y * g.astype("float32"))
    np.testing.assert_allclose(ours, tape.gradient(loss, x).numpy(), **TF_TOL)
    # and with cnnlab's own conv2d, in float64: the same linear map, transposed
    forward = conv2d(np.zeros(ours.shape), kernel, **_forward_kwargs(kwargs))
    assert forward.shape == g.shape


def _forward_kwargs(kwargs):
    return {k: v for k, v in kwargs.items() if k != "output_padding"}


@given(transpose_problems(keras_only=False, numeric_padding=True))
def test_scatter_loop_equals_vectorised_version(problem):
    x, kernel, kwargs = problem
    ours = _output_or_none(x, kernel, kwargs)
    assume(ours is not None)
    bias = np.arange(kernel.shape[2], dtype=float)
    np.testing.assert_allclose(
        conv2d_transpose_naive(x, kernel, bias, **kwargs), ours + bias, rtol=1e-12, atol=1e-12
    )


CONV_MATRIX_CASES = [
    ((5, 6), (3, 2), 1, "valid", 1),
    ((7, 7), (3, 3), 2, "valid", 1),
    ((8, 7), (2, 3), 3, "valid", 1),
    ((9, 8), (3, 2), (2, 3), "valid", (2, 1)),  # stride and dilation together (Keras refuses)
    ((6, 6), (3, 3), 1, "same", 1),
    ((7, 6), (4, 3), 2, "same", 1),
    ((5, 5), (3, 3), 1, "full", 1),
    ((6, 5), (2, 3), 2, ((0, 2), (1, 0)), 1),
    ((6, 7), (3, 3), 1, 1, 2),
]


@pytest.mark.parametrize(("hw", "khw", "stride", "padding", "dilation"), CONV_MATRIX_CASES)
def test_conv_matrix_times_x_is_conv2d(hw, khw, stride, padding, dilation):
    rng = np.random.default_rng(3)
    x, k = rng.standard_normal(hw), rng.standard_normal(khw)
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation}
    c = conv_matrix(hw, k, **kwargs)
    y = conv2d(x, k, **kwargs)
    assert c.shape == (y.size, x.size)
    np.testing.assert_allclose(c @ x.ravel(), y.ravel(), rtol=1e-12, atol=1e-12)


def _matching_output_padding(hw, y_hw, khw, stride, padding, dilation):
    """Per axis, the output_padding that makes the transpose of y_hw exactly hw again."""
    pads = padding if isinstance(padding, tuple) else (padding, padding)
    stride = stride if isinstance(stride, tuple) else (stride, stride)
    dilation = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    ops = []
    for i, o, k, s, p, d in zip(y_hw, hw, khw, stride, pads, dilation, strict=True):
        sizes = {transposed_output_size(i, k, s, p, a, d): a for a in range(s)}
        ops.append(sizes[o])  # a KeyError here would mean no output_padding fits
    return tuple(ops)


@pytest.mark.parametrize(
    ("hw", "khw", "stride", "padding", "dilation"),
    [case for case in CONV_MATRIX_CASES if case[3] != "same"],
)
def test_conv_matrix_transposed_is_conv2d_transpose(hw, khw, stride, padding, dilation):
    """C.T @ y = conv2d_transpose(y, K) with the kernel itself, unflipped, as (kh, kw, 1, 1)."""
    rng = np.random.default_rng(4)
    k = rng.standard_normal(khw)
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation}
    c = conv_matrix(hw, k, **kwargs)
    y = rng.standard_normal(conv2d(np.zeros(hw), k, **kwargs).shape)
    op = _matching_output_padding(hw, y.shape, khw, stride, padding, dilation)
    ours = conv2d_transpose(y, k[:, :, None, None], **kwargs, output_padding=op)  # (H, W, 1)
    assert ours.shape == (*hw, 1)
    ours = ours[:, :, 0]
    np.testing.assert_allclose(c.T @ y.ravel(), ours.ravel(), rtol=1e-12, atol=1e-12)
    # the same with a 2-D kernel, and as the scatter loop
    np.testing.assert_allclose(conv2d_transpose(y, k, **kwargs, output_padding=op), ours)
    np.testing.assert_allclose(conv2d_transpose_naive(y, k, **kwargs, output_padding=op), ours)


def test_conv_matrix_is_weight_tied_and_mostly_zero():
    k = np.arange(1.0, 7.0).reshape(2, 3)
    c = conv_matrix((6, 7), k)
    assert c.shape == (5 * 5, 6 * 7)
    for row in c:  # every output sees every weight exactly once, and nothing else
        np.testing.assert_array_equal(np.sort(row[row != 0]), np.sort(k.ravel()))
    assert np.count_nonzero(c) == 25 * 6


def test_conv_matrix_refuses_matrices_too_large_to_build():
    with pytest.raises(ValueError, match=r"dense matrix of shape \(3844, 4096\).*use conv2d"):
        conv_matrix((64, 64), np.ones((3, 3)))
    assert conv_matrix((56, 56), np.ones((3, 3))).size <= MAX_MATRIX_ENTRIES


def test_overlap_is_even_only_when_the_stride_divides_the_kernel():
    """Checkerboard artefacts: a 3×3 kernel at stride 2 covers some pixels twice as often."""
    interior = (slice(4, -4), slice(4, -4))
    even = conv2d_transpose(np.ones((6, 6)), np.ones((4, 4)), stride=2)[interior]
    uneven = conv2d_transpose(np.ones((6, 6)), np.ones((3, 3)), stride=2)[interior]
    assert np.unique(even).tolist() == [4.0]  # every pixel under 2 × 2 stamps
    assert np.unique(uneven).tolist() == [1.0, 2.0, 4.0]  # 1 × 1, 1 × 2 or 2 × 2 stamps


def test_layouts_bias_and_dtypes():
    rng = np.random.default_rng(5)
    x2, k2 = rng.standard_normal((3, 4)), rng.standard_normal((2, 3))
    batch = conv2d_transpose(x2[None, :, :, None], k2[:, :, None, None], stride=2)
    assert conv2d_transpose(x2, k2, stride=2).shape == (6, 9)
    np.testing.assert_allclose(conv2d_transpose(x2, k2, stride=2), batch[0, :, :, 0])
    k4 = rng.standard_normal((2, 3, 5, 1))  # a 2-D input with a 4-D kernel: one channel
    assert conv2d_transpose(x2, k4).shape == (4, 6, 5)
    one = conv2d_transpose(x2[:, :, None], k4, np.arange(5.0))
    np.testing.assert_allclose(one, conv2d_transpose(x2, k4) + np.arange(5.0))
    np.testing.assert_allclose(conv2d_transpose(x2, k2, 1.5), conv2d_transpose(x2, k2) + 1.5)
    assert (
        conv2d_transpose(np.full((2, 2), 200, np.uint8), np.full((2, 2), 2, np.uint8))[1, 1] == 1600
    )
    assert (
        conv2d_transpose(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32)).dtype
        == np.float32
    )
    assert conv2d_transpose(np.ones((2, 2)), np.ones((2, 2))).dtype == np.float64
    assert conv2d_transpose(np.ones((0, 3, 3, 2)), np.ones((2, 2, 4, 2))).shape == (0, 4, 4, 4)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: transposed_output_size(4, 3, 2, output_padding=2),
            ValueError,
            r"output_padding must be smaller than the stride.*output_padding=2 with stride=2",
        ),
        (
            lambda: transposed_output_size(4, 3, 1, output_padding=1),
            ValueError,
            r"Use an output_padding in \[0, 0\]",
        ),
        (
            lambda: transposed_output_size(4, 3, 2, output_padding=-1),
            ValueError,
            r"output_padding must be an integer >= 0, got -1",
        ),
        (lambda: transposed_output_size(4, 3, 2, output_padding=True), TypeError, r"a bool"),
        (lambda: transposed_output_size(4.0, 3), TypeError, r"input_size must be an integer"),
        (lambda: transposed_output_size(4, 0), ValueError, r"kernel_size must be an integer >= 1"),
        (
            lambda: transposed_output_size(4, 2, 2, "same", output_padding=0),
            ValueError,
            r"maps 6 back to ⌈6 / 2⌉ = 3, not 4.*output_padding=None \(output i·s = 8\) or "
            r"output_padding=1\.",
        ),
        (
            lambda: conv2d_transpose(np.ones((3, 3)), np.ones((2, 2)), padding=((3, 3), (0, 0))),
            ValueError,
            r"padding along the rows crops 3 \+ 3 = 6 rows off.*= 4: the output would have -2",
        ),
        (
            lambda: transposed_output_size(4, 3, padding="half"),
            ValueError,
            r"padding must be 'valid'",
        ),
        (
            lambda: transposed_output_size(1, 2, padding=3),
            ValueError,
            r"crops 3 \+ 3 = 6 positions off.*the output would have -4",
        ),
        (
            lambda: conv2d_transpose(
                np.ones((3, 3)), np.ones((2, 2)), stride=(2, 1), output_padding=(1, 1)
            ),
            ValueError,
            r"output_padding=\(1, 1\) with stride=\(2, 1\): along the columns 1 is not below 1",
        ),
        (
            lambda: conv2d_transpose(np.ones((3, 3, 2)), np.ones((2, 2, 1, 3))),
            ValueError,
            r"channel mismatch: x has 2 channel\(s\).*\(kh, kw, C_out, C_in\)",
        ),
        (
            lambda: conv2d_transpose(np.ones((3, 3, 2)), np.ones((2, 2))),
            ValueError,
            r"a 2-D kernel for a 2-D \(H, W\) input.*\(3, 3, 1, 2\)",
        ),
        (
            lambda: conv2d_transpose(np.ones((3, 3)), np.ones((2, 2, 0, 1))),
            ValueError,
            r"kernel must not be empty",
        ),
        (
            lambda: conv2d_transpose(np.ones((3, 3, 1)), np.ones((2, 2, 4, 1)), np.ones(3)),
            ValueError,
            r"bias must be a scalar or have shape \(4,\)",
        ),
        (
            lambda: conv2d_transpose(np.ones(3), np.ones((2, 2))),
            ValueError,
            r"x must have 2, 3 or 4 dimensions",
        ),
        (
            lambda: conv2d_transpose(np.ones((3, 3)), np.ones((2, 2)), stride=0),
            ValueError,
            r"stride must be an integer >= 1",
        ),
        (
            lambda: conv2d_transpose(
                np.ones((3, 3)), np.ones((2, 2)), padding="same", output_padding=0
            ),
            ValueError,
            r"even kernel span \(2\) along the rows needs output_padding >= 1",
        ),
        (
            lambda: conv2d_transpose(np.ones((3, 3)), np.ones((2, 2)), padding=[1, 2, 3]),
            ValueError,
            r"padding must be 'valid'",
        ),
        (
            lambda: conv_matrix((4, 4), np.ones((2, 2, 1, 1))),
            ValueError,
            r"kernel must have 2 dimensions",
        ),
        (lambda: conv_matrix((2, 2), np.ones((3, 3))), ValueError, r"kernel_size=3 does not fit"),
        (lambda: conv_matrix((0, 4), np.ones((3, 3))), ValueError, r"input_hw must be"),
    ],
)
def test_bad_arguments_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
