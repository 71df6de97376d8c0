"""The layer operations (padding, conv, pool, dense) against TensorFlow/Keras, SciPy and their
own loop versions.

Every comparison would fail if the code were wrong: TensorFlow and SciPy are independent
implementations, and the property tests check facts (translation equivariance, no uint8
wrap-around) that a wrong index or dtype breaks.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from fractions import Fraction

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from scipy import signal

import cnnlab
from cnnlab import _conv_engine
from cnnlab.conv import conv2d, conv2d_naive, im2col
from cnnlab.fully_connected import dense, dropout, flatten
from cnnlab.padding import pad2d
from cnnlab.pool import pool2d, pool2d_naive

ATOL = RTOL = 1e-4  # float32: sums of up to ~100 products of values in [-1, 1]


STRATEGIES = ("conv_taps", "conv_banded", "conv_im2col")


@contextmanager
def _forced_strategy(name):
    """Make conv2d use one engine strategy, whatever the cost model would pick."""
    original = _conv_engine.choose_strategy
    _conv_engine.choose_strategy = lambda *shapes: getattr(_conv_engine, name)
    try:
        yield
    finally:
        _conv_engine.choose_strategy = original


def _tf_conv(x4, k4, stride, padding, dilation=(1, 1)):
    return tf.nn.conv2d(
        x4, k4, strides=list(stride), padding=padding, dilations=list(dilation)
    ).numpy()


# --------------------------------------------------------------------------------------------
# conv2d against tf.nn.conv2d: random shapes, every padding form
# --------------------------------------------------------------------------------------------
PADDING_FORMS = ("valid", "same", "full", "int", "pair", "nested")


def _conv_case(rng, form, dilated):
    """A random convolution whose kernel fits, with cnnlab's and TensorFlow's padding."""
    while True:
        n, c, f = (int(v) for v in rng.integers(1, 5, size=3))
        n = min(n, 2)
        kh, kw = (int(v) for v in rng.integers(1, 6, size=2))  # non-square and even kernels
        h, w = (int(v) for v in rng.integers(1, 17, size=2))
        if dilated:  # tf.nn.conv2d refuses stride > 1 together with dilation > 1
            stride, dilation = (1, 1), tuple(int(v) for v in rng.integers(1, 4, size=2))
        else:
            stride, dilation = tuple(int(v) for v in rng.integers(1, 5, size=2)), (1, 1)
        spans = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
        if form in ("valid", "same"):
            ours, theirs, pads = form, form.upper(), None
        elif form == "full":
            pads = ((spans[0] - 1,) * 2, (spans[1] - 1,) * 2)
            ours = "full"
        elif form == "int":
            p = int(rng.integers(0, 4))
            ours, pads = p, ((p, p), (p, p))
        elif form == "pair":
            a, b = (int(v) for v in rng.integers(0, 4, size=2))
            ours, pads = (a, b), ((a, a), (b, b))
        else:
            t, b, left, r = (int(v) for v in rng.integers(0, 4, size=4))
            ours = pads = ((t, b), (left, r))
        if pads is not None:
            theirs = [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]
        padded = (h, w) if pads is None else (h + sum(pads[0]), w + sum(pads[1]))
        if form != "same" and (padded[0] < spans[0] or padded[1] < spans[1]):
            continue  # kernel larger than the padded input: tested in test_bad_input
        x = rng.uniform(-1, 1, size=(n, h, w, c)).astype(np.float32)
        k = rng.uniform(-1, 1, size=(kh, kw, c, f)).astype(np.float32)
        return x, k, stride, dilation, ours, theirs


def _conv_cases():
    rng = np.random.default_rng(20240601)
    cases = []
    for form in PADDING_FORMS:
        for number in range(14):
            cases.append(pytest.param(*_conv_case(rng, form, number >= 10), id=f"{form}-{number}"))
    return cases


@pytest.mark.parametrize(("x", "k", "stride", "dilation", "ours", "theirs"), _conv_cases())
def test_conv2d_matches_tensorflow(x, k, stride, dilation, ours, theirs):
    got = conv2d(x, k, stride=stride, padding=ours, dilation=dilation)
    want = _tf_conv(x, k, stride, theirs, dilation)
    assert got.shape == want.shape
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


STRATEGY_SHAPES = [
    ((1, 64, 64, 1), (3, 3, 1, 1), (1, 1), "same"),
    ((2, 37, 45, 1), (7, 5, 1, 1), (2, 3), "same"),
    ((1, 50, 50, 1), (11, 11, 1, 1), (4, 4), "valid"),
    ((4, 28, 28, 1), (3, 3, 1, 8), (1, 1), "valid"),
    ((3, 30, 31, 2), (5, 4, 2, 2), (1, 2), "same"),
    ((1, 40, 40, 3), (7, 7, 3, 16), (2, 2), "same"),
    ((2, 20, 20, 12), (3, 3, 12, 10), (1, 1), "same"),
]


@pytest.mark.parametrize(
    ("strategy", "x_shape", "k_shape", "stride", "padding"),
    [
        pytest.param(strategy, *shapes, id=f"{strategy}-{'x'.join(map(str, shapes[0]))}")
        for strategy in STRATEGIES
        for shapes in STRATEGY_SHAPES
    ],
)
def test_each_strategy_matches_tensorflow(strategy, x_shape, k_shape, stride, padding):
    """conv2d picks a strategy by cost; each one must be right on every shape it may get."""
    rng = np.random.default_rng(sum(x_shape) + sum(k_shape))
    x = rng.uniform(-1, 1, size=x_shape).astype(np.float32)
    k = rng.uniform(-1, 1, size=k_shape).astype(np.float32)
    with _forced_strategy(strategy):
        got = conv2d(x, k, stride=stride, padding=padding)
    np.testing.assert_allclose(got, _tf_conv(x, k, stride, padding.upper()), rtol=RTOL, atol=ATOL)


def test_cost_model_picks_each_strategy_where_the_benchmark_shows_it_wins():
    """1x1 kernels: shift-and-add; few filters: banded; many filters: im2col."""
    choose = _conv_engine.choose_strategy
    assert choose((1, 1, 3, 8), (1, 1), (1, 1)) is _conv_engine.conv_taps
    assert choose((11, 11, 1, 1), (1, 1), (1, 1)) is _conv_engine.conv_banded
    assert choose((3, 3, 1, 32), (1, 1), (1, 1)) is _conv_engine.conv_im2col
    assert choose((7, 7, 3, 64), (2, 2), (1, 1)) is _conv_engine.conv_im2col


def test_large_convolution_runs_blas_on_one_thread_and_restores_it(monkeypatch):
    """Big products run inside _one_blas_thread: same result, BLAS thread count restored."""
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    seen = []
    choose = _conv_engine.choose_strategy

    def spy(*shapes):
        strategy = choose(*shapes)

        def run(*args):
            seen.append(blas_threads())
            return strategy(*args)

        return run

    monkeypatch.setattr(_conv_engine, "choose_strategy", spy)
    rng = np.random.default_rng(8)
    x = rng.uniform(-1, 1, size=(2, 64, 64, 3)).astype(np.float32)
    k = rng.uniform(-1, 1, size=(5, 5, 3, 16)).astype(np.float32)
    assert x.shape[0] * 64 * 64 * k.size >= _conv_engine.SINGLE_THREAD_MACS
    before = blas_threads()
    got = conv2d(x, k, padding="same")
    assert seen == [[1] * len(before)]
    assert blas_threads() == before
    np.testing.assert_allclose(got, _tf_conv(x, k, (1, 1), "SAME"), rtol=RTOL, atol=ATOL)


def test_conv2d_with_bias_matches_keras_conv2d_layer():
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, size=(2, 12, 11, 3)).astype(np.float32)
    layer = keras.layers.Conv2D(4, (3, 2), strides=(2, 1), padding="same")
    layer.build(x.shape)
    k = rng.uniform(-1, 1, size=(3, 2, 3, 4)).astype(np.float32)
    b = rng.uniform(-1, 1, size=4).astype(np.float32)
    layer.set_weights([k, b])
    got = conv2d(x, k, b, stride=(2, 1), padding="same")
    np.testing.assert_allclose(got, layer(x).numpy(), rtol=RTOL, atol=ATOL)
    assert not np.allclose(got, conv2d(x, k, stride=(2, 1), padding="same"))  # bias matters


def test_conv2d_keeps_the_callers_layout():
    rng = np.random.default_rng(3)
    x = rng.random((9, 8))
    k = rng.random((3, 2))
    batch = conv2d(x[None, :, :, None], k[:, :, None, None])
    assert conv2d(x, k).shape == (7, 7)
    np.testing.assert_allclose(conv2d(x, k), batch[0, :, :, 0])
    assert conv2d(x, k[:, :, None, None]).shape == (7, 7, 1)  # 2-D image, 4-D kernel
    x3 = rng.random((9, 8, 3))
    k4 = rng.random((3, 2, 3, 5))
    assert conv2d(x3, k4).shape == (7, 7, 5)
    np.testing.assert_allclose(conv2d(x3, k4), conv2d(x3[None], k4)[0])
    assert conv2d(np.stack([x3, 2 * x3]), k4).shape == (2, 7, 7, 5)


def test_conv2d_bias_scalar_and_per_filter():
    x = np.ones((4, 4, 2))
    k = np.ones((3, 3, 2, 3))
    np.testing.assert_array_equal(conv2d(x, k, 0.5), np.full((2, 2, 3), 18.5))
    np.testing.assert_array_equal(conv2d(x, k, [1, 2, 3])[0, 0], [19.0, 20.0, 21.0])


# --------------------------------------------------------------------------------------------
# Stride together with dilation (TensorFlow refuses): naive loops and a dilated kernel
# --------------------------------------------------------------------------------------------
def _dilate_kernel(k, dilation):
    dh, dw = dilation
    kh, kw = k.shape[:2]
    out = np.zeros((dh * (kh - 1) + 1, dw * (kw - 1) + 1, *k.shape[2:]), dtype=k.dtype)
    out[::dh, ::dw] = k
    return out


@pytest.mark.parametrize("seed", range(12))
def test_strided_dilated_conv_equals_conv_with_a_dilated_kernel(seed):
    rng = np.random.default_rng(seed)
    stride = tuple(int(v) for v in rng.integers(2, 5, size=2))
    dilation = tuple(int(v) for v in rng.integers(2, 4, size=2))
    k = rng.uniform(-1, 1, size=(*rng.integers(1, 5, size=2), 2, 3)).astype(np.float32)
    x = rng.uniform(-1, 1, size=(2, 17, 19, 2)).astype(np.float32)
    padding = ["valid", "same", "full", ((1, 2), (0, 3))][seed % 4]
    got = conv2d(x, k, stride=stride, padding=padding, dilation=dilation)
    big = _dilate_kernel(k, dilation)
    np.testing.assert_allclose(got, conv2d(x, big, stride=stride, padding=padding), atol=ATOL)
    np.testing.assert_allclose(
        got, conv2d_naive(x, k, stride=stride, padding=padding, dilation=dilation), atol=ATOL
    )
    if padding in ("valid", "same"):  # and TensorFlow agrees with the dilated-kernel version
        want = _tf_conv(x, big, stride, padding.upper())
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


# --------------------------------------------------------------------------------------------
# SciPy: cross-correlation, the kernel flip, full and same padding
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "kshape"), [((8, 9), (3, 3)), ((12, 7), (4, 2)), ((5, 5), (5, 1))]
)
def test_conv2d_is_scipy_correlate2d(shape, kshape):
    rng = np.random.default_rng(11)
    x, k = rng.random(shape), rng.standard_normal(kshape)
    np.testing.assert_allclose(conv2d(x, k), signal.correlate2d(x, k, mode="valid"))
    np.testing.assert_allclose(conv2d(x, k, padding="full"), signal.correlate2d(x, k, mode="full"))


def test_kernel_flip_turns_cross_correlation_into_convolution():
    rng = np.random.default_rng(12)
    x, k = rng.random((10, 9)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(conv2d(x, k[::-1, ::-1]), signal.convolve2d(x, k, mode="valid"))
    # without the flip, an asymmetric kernel gives something else
    assert not np.allclose(conv2d(x, k), signal.convolve2d(x, k, mode="valid"))


@pytest.mark.parametrize("size", [1, 3, 5, 7])
def test_same_padding_matches_scipy_for_odd_kernels(size):
    rng = np.random.default_rng(size)
    x, k = rng.random((13, 10)), rng.standard_normal((size, size))
    got = conv2d(x, k, padding="same")
    np.testing.assert_allclose(got, signal.correlate2d(x, k, mode="same"), atol=1e-12)


# --------------------------------------------------------------------------------------------
# Property tests (hypothesis): fast == naive, translation equivariance
# --------------------------------------------------------------------------------------------
@st.composite
def conv_problems(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(
        st.one_of(
            st.sampled_from(["valid", "same", "full"]),
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
            st.tuples(
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
            ),
        )
    )
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 9)), draw(st.integers(1, 5))
    h = draw(st.integers(dilation[0] * (kh - 1) + 1, 12))
    w = draw(st.integers(dilation[1] * (kw - 1) + 1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((n, h, w, c))
    k = rng.standard_normal((kh, kw, c, f))
    bias = rng.standard_normal(f) if draw(st.booleans()) else None
    return x, k, bias, stride, padding, dilation


@given(conv_problems())
def test_conv2d_equals_naive_loops(problem):
    x, k, bias, stride, padding, dilation = problem
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation}
    got = conv2d(x, k, bias, **kwargs)
    np.testing.assert_allclose(got, conv2d_naive(x, k, bias, **kwargs), atol=1e-10)
    for name in STRATEGIES:
        with _forced_strategy(name):
            np.testing.assert_allclose(conv2d(x, k, bias, **kwargs), got, atol=1e-10)
    windows = im2col(x, k.shape[:2], **kwargs)  # convolution as one matrix product
    product = windows @ k.reshape(-1, k.shape[-1] if k.ndim == 4 else 1)
    if bias is not None:
        product += bias
    np.testing.assert_allclose(product.reshape(got.shape), got, atol=1e-10)


@given(
    shift=st.tuples(st.integers(0, 4), st.integers(0, 4)),
    kernel=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    stride=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_shifting_the_input_shifts_the_output(shift, kernel, stride, seed):
    """Translation equivariance: a pattern moved by s*(a, b) moves the map by (a, b)."""
    rng = np.random.default_rng(seed)
    image = np.zeros((40, 40))
    image[12:24, 10:26] = rng.random((12, 16))  # away from every border
    k = rng.standard_normal(kernel)
    moved = np.roll(image, (stride * shift[0], stride * shift[1]), axis=(0, 1))
    out = conv2d(image, k, stride=stride, padding="same")
    out_moved = conv2d(moved, k, stride=stride, padding="same")
    np.testing.assert_allclose(out_moved, np.roll(out, shift, axis=(0, 1)), atol=1e-12)


def test_chunked_computation_gives_the_same_result(monkeypatch):
    """Tiny memory budgets force chunks of images and of rows: the result must not change."""
    rng = np.random.default_rng(5)
    cases = [
        (rng.random((3, 13, 11, 3)), rng.random((3, 3, 3, 6))),  # im2col
        (rng.random((3, 13, 11, 1)), rng.random((4, 3, 1, 2))),  # banded
        (rng.random((3, 13, 11, 10)), rng.random((2, 2, 10, 4))),  # im2col, channels last
    ]
    want = [conv2d(x, k, stride=(2, 1), padding="same") for x, k in cases]
    for budget in (1, 600, 5000):
        monkeypatch.setattr(_conv_engine, "IM2COL_BYTES", budget)
        monkeypatch.setattr(_conv_engine, "_BANDED_BYTES", budget)
        for (x, k), expected in zip(cases, want, strict=True):
            got = conv2d(x, k, stride=(2, 1), padding="same")
            np.testing.assert_allclose(got, expected, atol=1e-12)
            np.testing.assert_allclose(
                got, conv2d_naive(x, k, stride=(2, 1), padding="same"), atol=1e-12
            )


# --------------------------------------------------------------------------------------------
# Integer inputs never wrap around
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 2, 3, 5, 11])
def test_uint8_image_does_not_wrap(k):
    image = np.full((24, 24), 255, dtype=np.uint8)
    out = conv2d(image, np.ones((k, k), dtype=np.uint8))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, 255 * k * k)
    multi = conv2d(np.full((1, 12, 12, 3), 255, np.uint8), np.ones((k, k, 3, 2), np.uint8))
    np.testing.assert_array_equal(multi, 255 * k * k * 3)


def test_integer_dtypes_convert_before_arithmetic():
    assert conv2d(np.full((3, 3), 2**31 - 1, np.int32), np.ones((3, 3), np.int32))[0, 0] == 9 * (
        2**31 - 1
    )
    assert conv2d(np.ones((3, 3), bool), np.ones((3, 3), bool))[0, 0] == 9.0
    np.testing.assert_array_equal(
        pool2d(np.array([[250, 250]], np.uint8), (1, 2), mode="avg"), [[250.0]]
    )
    np.testing.assert_allclose(
        pool2d(np.array([[200, 200]], np.uint8), (1, 2), mode="l2"), [[np.sqrt(80000)]]
    )
    assert pad2d(np.ones((2, 2), np.uint8), 1, value=300).max() == 300


def test_result_dtype_is_the_floating_type_of_the_inputs_at_least_float32():
    x64, k64 = np.ones((5, 5)), np.ones((3, 3))
    assert conv2d(x64, k64).dtype == np.float64
    assert conv2d(x64.astype(np.float32), k64.astype(np.float32)).dtype == np.float32
    assert conv2d(x64.astype(np.float32), k64).dtype == np.float64
    assert conv2d(x64.astype(np.float16), k64.astype(np.float16)).dtype == np.float32
    assert conv2d(x64.astype(np.uint8), k64.astype(np.int8)).dtype == np.float32
    assert pool2d(x64.astype(np.uint8), 2).dtype == np.float32
    assert conv2d_naive(x64.astype(np.uint8), k64).dtype == np.float64


# --------------------------------------------------------------------------------------------
# pad2d
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "numpy_mode"),
    [
        ("constant", "constant"),
        ("reflect", "reflect"),
        ("replicate", "edge"),
        ("symmetric", "symmetric"),
        ("wrap", "wrap"),
    ],
)
def test_pad2d_modes_match_numpy_pad_on_the_spatial_axes(mode, numpy_mode):
    x = np.arange(2 * 4 * 5 * 3).reshape(2, 4, 5, 3)
    got = pad2d(x, ((1, 2), (3, 0)), mode=mode)
    want = np.pad(x, ((0, 0), (1, 2), (3, 0), (0, 0)), mode=numpy_mode)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(
        pad2d(x[0], (1, 2), mode=mode), np.pad(x[0], ((1, 1), (2, 2), (0, 0)), mode=numpy_mode)
    )


def test_pad2d_same_is_what_tensorflow_pads():
    """Zero 'same' padding then a valid conv equals TF's SAME conv (extra row at the bottom)."""
    rng = np.random.default_rng(4)
    x = rng.random((1, 6, 7, 1)).astype(np.float32)
    k = rng.random((3, 4, 1, 1)).astype(np.float32)
    padded = pad2d(x, "same", kernel_size=(3, 4), stride=2)
    # rows: total 1 -> (0, 1); columns: total 3 -> (1, 2); the extra goes at the bottom/right
    assert padded.shape == (1, 7, 10, 1)
    np.testing.assert_array_equal(padded[0, :6, 1:8], x[0])
    np.testing.assert_allclose(
        conv2d(padded, k, stride=2), _tf_conv(x, k, (2, 2), "SAME"), rtol=RTOL, atol=ATOL
    )


def test_pad2d_constant_value_and_dtype():
    assert pad2d(np.ones((1, 1), np.uint8), 1).dtype == np.uint8
    assert pad2d(np.ones((1, 1), np.uint8), 1, value=0.5).dtype == np.float32
    np.testing.assert_array_equal(pad2d(np.ones((1, 1)), (0, 1), value=7), [[7.0, 1.0, 7.0]])


# --------------------------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------------------------
def _pool_cases():
    rng = np.random.default_rng(99)
    cases = []
    while len(cases) < 40:
        pool = tuple(int(v) for v in rng.integers(1, 5, size=2))
        stride = tuple(int(v) for v in rng.integers(1, 5, size=2))
        padding = ("valid", "same")[len(cases) % 2]
        shape = (int(rng.integers(1, 3)), *(int(v) for v in rng.integers(1, 14, size=2)), 2)
        if padding == "valid" and (shape[1] < pool[0] or shape[2] < pool[1]):
            continue
        x = rng.uniform(-1, 1, size=shape).astype(np.float32)
        cases.append(pytest.param(x, pool, stride, padding, id=f"{padding}-{len(cases)}"))
    return cases


@pytest.mark.parametrize(("x", "pool", "stride", "padding"), _pool_cases())
def test_pool2d_matches_tensorflow(x, pool, stride, padding):
    tf_args = {"ksize": list(pool), "strides": list(stride), "padding": padding.upper()}
    got_max = pool2d(x, pool, stride=stride, padding=padding, mode="max")
    np.testing.assert_allclose(got_max, tf.nn.max_pool2d(x, **tf_args).numpy(), rtol=1e-6)
    got_avg = pool2d(x, pool, stride=stride, padding=padding, mode="avg")
    np.testing.assert_allclose(
        got_avg, tf.nn.avg_pool2d(x, **tf_args).numpy(), rtol=RTOL, atol=1e-6
    )
    # L2: TensorFlow has no L2 pooling; the square root of a ones-kernel convolution of x**2
    # per channel (zero padding adds nothing, like cnnlab's padded cells)
    ones = np.ones((*pool, 1, 1), np.float32)
    sums = [_tf_conv(x[..., c : c + 1] ** 2, ones, stride, padding.upper()) for c in range(2)]
    got_l2 = pool2d(x, pool, stride=stride, padding=padding, mode="l2")
    np.testing.assert_allclose(got_l2, np.sqrt(np.concatenate(sums, axis=-1)), rtol=RTOL, atol=1e-6)


def test_pool2d_default_stride_is_the_pool_size_like_keras():
    x = np.random.default_rng(0).random((2, 9, 8, 3)).astype(np.float32)
    np.testing.assert_array_equal(pool2d(x, 2), keras.layers.MaxPooling2D(2)(x).numpy())
    np.testing.assert_allclose(
        pool2d(x, (3, 2), padding="same", mode="avg"),
        keras.layers.AveragePooling2D((3, 2), padding="same")(x).numpy(),
        rtol=1e-6,
    )


def test_pool2d_worked_example_4x4_to_2x2():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(pool2d(x, 2), [[6, 8], [3, 4]])
    np.testing.assert_array_equal(pool2d(x, 2, mode="avg"), [[3.25, 5.25], [2, 2]])
    np.testing.assert_allclose(pool2d(x, 2, mode="l2")[0, 0], np.sqrt(1 + 1 + 25 + 36))
    assert pool2d(np.zeros((4, 4, 7)), 2).shape == (2, 2, 7)


@given(
    shape=st.tuples(st.integers(1, 2), st.integers(1, 9), st.integers(1, 9), st.integers(1, 3)),
    pool=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    padding=st.sampled_from(["valid", "same", "full", 1, (0, 1), ((1, 0), (0, 2))]),
    mode=st.sampled_from(["max", "avg", "l2"]),
    seed=st.integers(0, 2**16),
)
def test_pool2d_equals_naive_loops(shape, pool, stride, padding, mode, seed):
    x = np.random.default_rng(seed).standard_normal(shape)
    kwargs = {"stride": stride, "padding": padding, "mode": mode}
    try:
        want = pool2d_naive(x, pool, **kwargs)
    except ValueError as err:  # impossible settings must fail the same way
        with pytest.raises(ValueError, match=re.escape(str(err))):
            pool2d(x, pool, **kwargs)
        return
    np.testing.assert_allclose(pool2d(x, pool, **kwargs), want, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Dropout against keras.layers.Dropout
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_behaves_like_keras_dropout(rate):
    x = np.random.default_rng(1).uniform(0.5, 2.0, size=(200, 500)).astype(np.float32)
    ours, mask = dropout(x, rate, rng=0, return_mask=True)
    theirs = keras.layers.Dropout(rate, seed=0)(x, training=True).numpy()
    for out in (ours, theirs):
        kept = out != 0
        # survivors are scaled by 1 / (1 - rate), like Keras
        np.testing.assert_allclose(out[kept], x[kept] / (1 - rate), rtol=1e-6)
        # the fraction of zeros is rate, within 5 standard deviations of a binomial count
        sd = np.sqrt(rate * (1 - rate) / x.size)
        assert abs((~kept).mean() - rate) < 5 * sd
    np.testing.assert_array_equal(mask, ours != 0)
    assert ours.dtype == np.float32
    # the expected value is unchanged (inverted dropout)
    assert abs(ours.mean() / x.mean() - 1) < 0.02
    # inference: the identity, for both
    np.testing.assert_array_equal(dropout(x, rate, training=False), x)
    np.testing.assert_array_equal(keras.layers.Dropout(rate)(x, training=False).numpy(), x)


def test_dropout_randomness_is_controlled_by_rng():
    x = np.ones((50, 50))
    np.testing.assert_array_equal(dropout(x, 0.5, rng=3), dropout(x, 0.5, rng=3))
    assert not np.array_equal(dropout(x, 0.5, rng=3), dropout(x, 0.5, rng=4))
    generator = np.random.default_rng(8)
    assert not np.array_equal(dropout(x, 0.5, rng=generator), dropout(x, 0.5, rng=generator))
    np.testing.assert_array_equal(dropout(x, 0.0, rng=1), x)


# --------------------------------------------------------------------------------------------
# Flatten and dense against Keras
# --------------------------------------------------------------------------------------------
def test_flatten_matches_keras_flatten():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(flatten(x), keras.layers.Flatten()(x).numpy())
    np.testing.assert_array_equal(flatten(x[0]), x[0].ravel())
    assert flatten(x[0], batch=True).shape == (3, 20)


def test_dense_matches_keras_dense():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 6)).astype(np.float32)
    layer = keras.layers.Dense(3)
    layer.build((None, 6))
    w, b = rng.standard_normal((6, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    layer.set_weights([w, b])
    np.testing.assert_allclose(dense(x, w, b), layer(x).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dense(x[0], w, b), layer(x[:1]).numpy()[0], rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------------------------
# Bad input: the message names the parameter, quotes the value and says what is valid
# --------------------------------------------------------------------------------------------
IMG = np.zeros((6, 6))
K3 = np.ones((3, 3))
BAD_INPUT = [
    # wrong rank
    (
        lambda: conv2d(np.zeros(5), K3),
        ValueError,
        r"x must have 2, 3 or 4 dimensions, got shape \(5,\)",
    ),
    (
        lambda: conv2d(IMG, np.ones((3, 3, 1))),
        ValueError,
        r"kernel must have 2 or 4 dimensions, got shape \(3, 3, 1\)",
    ),
    (
        lambda: conv2d(np.zeros((6, 6, 3)), K3),
        ValueError,
        r"kernel has shape \(3, 3\), a 2-D kernel for a 2-D .*\(3, 3, 3, 1\)",
    ),
    # channel mismatch
    (
        lambda: conv2d(np.zeros((6, 6, 3)), np.ones((3, 3, 2, 4))),
        ValueError,
        r"channel mismatch: x has 3 channel.*C_in=2.*\(3\)",
    ),
    # kernel larger than the padded input
    (
        lambda: conv2d(np.zeros((4, 4)), np.ones((5, 5))),
        ValueError,
        r"kernel_size=5 does not fit.*\(4 \+ 0 \+ 0 = 4\).*at most 4",
    ),
    (
        lambda: conv2d(np.zeros((4, 4)), K3, dilation=2),
        ValueError,
        r"kernel_size=3 with dilation=2 does not fit: its span 2·\(3 − 1\) \+ 1 = 5 .*"
        r"at most 2 at this dilation",
    ),
    # stride and dilation
    (lambda: conv2d(IMG, K3, stride=0), ValueError, r"stride must be an integer >= 1, got 0"),
    (
        lambda: conv2d(IMG, K3, stride=(1, -2)),
        ValueError,
        r"stride must be an integer >= 1 or a pair of them, got \(1, -2\)",
    ),
    (
        lambda: conv2d(IMG, K3, stride=1.5),
        TypeError,
        r"stride must be an integer >= 1 or a pair \(rows, cols\) of them, got 1.5",
    ),
    (lambda: conv2d(IMG, K3, dilation=0), ValueError, r"dilation must be an integer >= 1, got 0"),
    # padding
    (
        lambda: conv2d(IMG, K3, padding="samee"),
        ValueError,
        r"padding must be 'valid', 'same', 'full'.*got 'samee'",
    ),
    (
        lambda: conv2d(IMG, K3, padding=-1),
        ValueError,
        r"padding must not be negative: got -1\. Valid: 'valid'",
    ),
    (
        lambda: conv2d(IMG, K3, padding=((0, -2), (1, 1))),
        ValueError,
        r"padding must not be negative: got -2",
    ),
    (
        lambda: conv2d(IMG, K3, padding=(1, 2, 3)),
        ValueError,
        r"padding must be 'valid'.*got \(1, 2, 3\)",
    ),
    (lambda: conv2d(IMG, K3, padding=1.5), ValueError, r"padding must be 'valid'.*got 1.5"),
    # bias
    (
        lambda: conv2d(np.zeros((6, 6, 2)), np.ones((3, 3, 2, 4)), bias=np.ones(3)),
        ValueError,
        r"bias must be a scalar or have shape \(4,\).*got shape \(3,\)",
    ),
    # non-numeric input
    (lambda: conv2d("image", K3), TypeError, r"x must be a numeric array, got 'image'"),
    (lambda: conv2d([[1, None], [2, 3]], np.ones((1, 1))), TypeError, r"x must be a numeric array"),
    (
        lambda: conv2d(IMG, np.ones((3, 3), complex)),
        TypeError,
        r"kernel must be real-valued, got complex dtype complex128",
    ),
    (
        lambda: conv2d(np.zeros((0, 5)), np.ones((0, 3))),
        ValueError,
        r"kernel must not be empty \(every axis at least 1.*got kernel shape \(0, 3\) for x of shape \(0, 5\)",
    ),
    # pooling
    (lambda: pool2d(IMG, 0), ValueError, r"pool_size must be an integer >= 1, got 0"),
    (
        lambda: pool2d(IMG, 2, mode="median"),
        ValueError,
        r"mode must be one of \('max', 'avg', 'l2'\); got 'median'",
    ),
    (
        lambda: pool2d(IMG, 2, padding=2),
        ValueError,
        r"padding \(\(2, 2\), \(2, 2\)\) puts whole pooling windows outside.*smaller than pool_size \(2\)",
    ),
    (
        lambda: pool2d(IMG, 7),
        ValueError,
        r"pool_size=7 does not fit: the window is larger than the padded input \(6 \+ 0 \+ 0 = 6\)",
    ),
    (lambda: pool2d(IMG, 2, stride=0), ValueError, r"stride must be an integer >= 1, got 0"),
    # pad2d
    (
        lambda: pad2d(np.zeros(4), 1),
        ValueError,
        r"x must be \(H, W\), \(H, W, C\) or \(N, H, W, C\); got shape \(4,\)",
    ),
    (
        lambda: pad2d(IMG, 1, mode="mirror"),
        ValueError,
        r"mode must be one of \('constant', 'reflect', 'replicate', 'symmetric', 'wrap'\); got 'mirror'",
    ),
    (lambda: pad2d(IMG, "same"), ValueError, r"padding='same' needs kernel_size"),
    (lambda: pad2d(IMG, -1), ValueError, r"padding must not be negative: got -1"),
    (
        lambda: pad2d(IMG, 1, value="zero"),
        TypeError,
        r"value must be a finite real number, got 'zero'",
    ),
    (
        lambda: pad2d(IMG, 1, value=True),
        TypeError,
        r"value must be a finite real number, got True \(a bool: booleans are not accepted",
    ),
    # dropout
    (
        lambda: dropout(IMG, 1.0),
        ValueError,
        r"rate \(the fraction dropped\) must be a finite real number in \[0, 1\), got 1.0",
    ),
    (lambda: dropout(IMG, -0.1), ValueError, r"rate .* in \[0, 1\), got -0.1"),
    (lambda: dropout(IMG, float("nan")), ValueError, r"rate .* in \[0, 1\), got nan"),
    (lambda: dropout(IMG, "0.5"), TypeError, r"rate .* real number in \[0, 1\), got '0.5'"),
    (lambda: dropout(IMG, True), TypeError, r"rate .* got True \(a bool: booleans are not"),
    (lambda: conv2d(IMG, K3, stride=True), TypeError, r"stride must be .*got True \(a bool"),
    (lambda: pool2d(IMG, (2, True)), TypeError, r"pool_size must be .*\(a bool"),
    (
        lambda: dropout(IMG, 0.5, rng="seed"),
        TypeError,
        r"rng must be None, a non-negative integer seed or a numpy Generator; got 'seed'",
    ),
    (
        lambda: dropout(IMG, 0.5, rng=-1),
        ValueError,
        r"rng must be None, a non-negative integer seed or a numpy Generator; got -1",
    ),
    # flatten and dense
    (
        lambda: flatten(np.float64(3.0)),
        ValueError,
        r"x must have at least one dimension; got a scalar",
    ),
    (
        lambda: dense(np.ones(3), np.ones((4, 2))),
        ValueError,
        r"x has 3 features.*weights must be \(n_in, units\) with n_in = 3",
    ),
    (
        lambda: dense(np.ones(4), np.ones((4, 2)), bias=np.ones(3)),
        ValueError,
        r"bias must have shape \(2,\), one per unit; got shape \(3,\)",
    ),
    (
        lambda: dense(np.ones(4), np.ones(4)),
        ValueError,
        r"weights must have 2 dimensions, got shape \(4,\)",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT]
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_naive_versions_validate_like_the_fast_ones():
    with pytest.raises(ValueError, match=r"channel mismatch"):
        conv2d_naive(np.zeros((6, 6, 3)), np.ones((3, 3, 2, 4)))
    with pytest.raises(ValueError, match=r"mode must be one of"):
        pool2d_naive(IMG, 2, mode="median")


# --------------------------------------------------------------------------------------------
# Images with no rows or columns: TensorFlow's results, or the error TensorFlow raises too
# --------------------------------------------------------------------------------------------
EMPTY_CONV_CASES = [
    # x shape, kernel shape, TF padding (explicit amounts or a preset), stride, dilation
    ((1, 0, 2, 1), (1, 1, 1, 1), [[0, 0], [1, 1], [1, 1], [0, 0]], 1, 1),
    ((1, 0, 2, 1), (2, 2, 1, 1), [[0, 0], [1, 1], [1, 1], [0, 0]], 1, 1),
    ((1, 0, 2, 1), (3, 3, 1, 1), [[0, 0], [1, 1], [1, 1], [0, 0]], 1, 1),  # a row short: empty
    ((1, 0, 2, 1), (2, 2, 1, 1), [[0, 0], [1, 1], [1, 1], [0, 0]], 1, 2),
    ((1, 0, 0, 1), (2, 2, 1, 3), [[0, 0], [1, 1], [1, 1], [0, 0]], 1, 1),
    ((2, 3, 0, 2), (2, 2, 2, 3), [[0, 0], [0, 1], [2, 1], [0, 0]], (1, 2), 1),
    ((1, 0, 2, 1), (1, 1, 1, 1), "VALID", 1, 1),
    ((1, 0, 4, 1), (3, 3, 1, 2), "VALID", 2, 1),
    ((1, 0, 2, 1), (3, 3, 1, 1), "SAME", 1, 1),
    ((1, 0, 5, 1), (3, 3, 1, 2), "SAME", 2, 1),
    ((0, 3, 3, 1), (2, 2, 1, 1), "VALID", 1, 1),  # an empty batch
]


def _tf_output_shape(x_shape, k_shape, tf_padding, stride, dilation):
    """The output shape by TensorFlow's documented rules (GetWindowedOutputSize)."""
    stride = (stride, stride) if isinstance(stride, int) else stride
    sizes = []
    for axis in (0, 1):
        i, s = x_shape[1 + axis], stride[axis]
        kd = dilation * (k_shape[axis] - 1) + 1
        if tf_padding == "SAME":
            sizes.append(-(-i // s))
        else:
            pads = 0 if tf_padding == "VALID" else sum(tf_padding[1 + axis])
            sizes.append(int((i + pads - kd + s) / s))  # C++ division: rounds towards zero
    return (x_shape[0], *sizes, k_shape[-1])


@pytest.mark.parametrize(
    ("x_shape", "k_shape", "tf_padding", "stride", "dilation"), EMPTY_CONV_CASES
)
def test_empty_image_with_padding_gives_what_tensorflow_gives(
    x_shape, k_shape, tf_padding, stride, dilation
):
    """Windows that see only padding give 0 plus the bias, as in TensorFlow.

    For an empty *result* TensorFlow's CPU kernel hands back a tensor of its input's shape, so
    there the shape is checked against TensorFlow's documented size rule instead.
    """
    rng = np.random.default_rng(sum(k_shape))
    x = np.zeros(x_shape, np.float32)
    k = rng.standard_normal(k_shape).astype(np.float32)
    bias = rng.standard_normal(k_shape[-1]).astype(np.float32)
    want_shape = _tf_output_shape(x_shape, k_shape, tf_padding, stride, dilation)
    padding = (
        tf_padding.lower()
        if isinstance(tf_padding, str)
        else tuple(tuple(p) for p in tf_padding[1:3])
    )
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation}
    theirs = tf.nn.conv2d(x, k, strides=stride, padding=tf_padding, dilations=dilation).numpy()
    for conv in (conv2d, conv2d_naive):
        got = conv(x, k, bias, **kwargs)
        assert got.shape == want_shape
        if theirs.size:
            assert theirs.shape == want_shape  # the size rule is TensorFlow's
            np.testing.assert_allclose(got, theirs + bias, atol=1e-6)
            assert not np.allclose(got, 0)  # not vacuous: the bias is there
        else:
            assert got.size == 0
    assert im2col(x, k_shape[:2], **kwargs).shape == (
        int(np.prod(want_shape[:3])),
        int(np.prod(k_shape[:3])),
    )


def test_empty_image_far_too_small_for_the_kernel_fails_as_in_tensorflow():
    x = np.zeros((1, 0, 5, 3), np.float32)
    k = np.ones((3, 3, 3, 2), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="output size would be negative"):
        tf.nn.conv2d(x, k, strides=1, padding="VALID")
    for conv in (conv2d, conv2d_naive):
        with pytest.raises(
            ValueError, match=r"kernel_size=3 does not fit: the input is empty.*at least 2 in total"
        ):
            conv(x, k)


def test_empty_image_2d_form_keeps_the_callers_layout():
    got = conv2d(np.zeros((0, 3)), np.ones((2, 2)), 1.5, padding=1)
    np.testing.assert_array_equal(got, np.full((1, 4), 1.5))
    assert conv2d(np.zeros((0, 3)), np.ones((1, 2))).shape == (0, 2)


@pytest.mark.parametrize(
    "k_shape", [(0, 2, 1, 1), (2, 2, 1, 0)], ids=["no kernel rows", "no filters"]
)
def test_empty_kernel_is_refused_as_tensorflow_refuses_it(k_shape):
    x = np.zeros((1, 3, 3, 1), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="filter must not have zero elements"):
        tf.nn.conv2d(x, np.zeros(k_shape, np.float32), strides=1, padding="VALID")
    for conv in (conv2d, conv2d_naive):
        with pytest.raises(ValueError, match=r"kernel must not be empty .*got kernel shape"):
            conv(x, np.zeros(k_shape))


@pytest.mark.parametrize(
    ("x_shape", "pool", "stride", "tf_padding"),
    [
        ((1, 0, 2, 1), 2, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]),  # windows of padding only
        ((1, 0, 2, 1), 3, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]),  # too small: empty
        ((1, 0, 2, 1), 1, 1, "VALID"),
        ((1, 0, 2, 1), 2, 2, "SAME"),
        ((1, 4, 4, 0), 2, 2, "VALID"),  # no channels
        ((0, 4, 4, 1), 2, 2, "VALID"),  # an empty batch
    ],
)
def test_max_pool_of_an_empty_image_gives_what_tensorflow_gives(x_shape, pool, stride, tf_padding):
    x = np.zeros(x_shape, np.float32)
    want = tf.nn.max_pool2d(x, pool, stride, tf_padding).numpy()
    padding = (
        tf_padding.lower()
        if isinstance(tf_padding, str)
        else tuple(tuple(p) for p in tf_padding[1:3])
    )
    for pool_fn in (pool2d, pool2d_naive):
        got = pool_fn(x, pool, stride=stride, padding=padding)
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)  # the lowest float32 where only padding
    if isinstance(tf_padding, str):
        avg = tf.nn.avg_pool2d(x, pool, stride, tf_padding).numpy()
        assert pool2d(x, pool, stride=stride, padding=padding, mode="avg").shape == avg.shape


def test_avg_pool_of_padding_only_is_refused_and_l2_is_zero():
    x = np.zeros((1, 0, 2, 1))
    for pool_fn in (pool2d, pool2d_naive):
        with pytest.raises(ValueError, match=r"no rows: with padding .* no value to average"):
            pool_fn(x, 2, stride=1, padding=1, mode="avg")
        np.testing.assert_array_equal(
            pool_fn(x, 2, stride=1, padding=1, mode="l2"), np.zeros((1, 1, 3, 1))
        )
    with pytest.raises(tf.errors.InvalidArgumentError, match="Top padding 1 needs to be smaller"):
        tf.nn.max_pool2d(x.astype(np.float32), 1, 1, [[0, 0], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(ValueError, match=r"each side's padding must be smaller than pool_size"):
        pool2d(x, 1, padding=1)


# --------------------------------------------------------------------------------------------
# One rule per kind of argument; the public names
# --------------------------------------------------------------------------------------------
def test_fractions_are_accepted_where_a_real_number_is():
    x = np.ones((4, 4))
    np.testing.assert_array_equal(dropout(x, Fraction(1, 4), rng=3), dropout(x, 0.25, rng=3))
    np.testing.assert_array_equal(pad2d(x, 1, value=Fraction(1, 2))[0, 0], 0.5)


def test_top_level_names_are_the_core_functions():
    homes = {"conv2d": cnnlab.conv, "conv2d_naive": cnnlab.conv, "im2col": cnnlab.conv}
    homes |= {"pad2d": cnnlab.padding, "pool2d": cnnlab.pool, "pool2d_naive": cnnlab.pool}
    homes |= {"flatten": cnnlab.fully_connected, "dropout": cnnlab.fully_connected}
    for name, module in homes.items():
        assert getattr(cnnlab, name) is getattr(module, name)
    assert cnnlab.dense is dense  # the function, not a module of that name
