"""The backward passes (conv2d_backward, pool2d_backward) against tf.GradientTape, finite
differences and their own loop versions.

TensorFlow's gradients are an independent implementation (Conv2DBackpropInput/Filter,
MaxPoolGrad, AvgPoolGrad); the finite differences need no implementation at all. Every case is
float64, so the comparisons are tight (1e-9) and a wrong index or a missing contribution fails.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st

from cnnlab.conv import conv2d
from cnnlab.conv_backward import conv2d_backward, conv2d_backward_naive
from cnnlab.pool import pool2d
from cnnlab.pool_backward import pool2d_backward, pool2d_backward_naive
from cnnlab.shapes import resolve_padding

TOL = {"rtol": 1e-9, "atol": 1e-9}  # float64 sums of a few hundred products


def _tf_padding(padding, pads):
    """TensorFlow's own 'SAME' (to test cnnlab's padding rule too), else explicit amounts."""
    if padding == "same":
        return "SAME"
    if padding == "valid":
        return "VALID"
    return [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]


# --------------------------------------------------------------------------------------------
# Convolution: TensorFlow's gradients of tf.nn.conv2d + bias
# --------------------------------------------------------------------------------------------
def _tf_conv_grads(x, k, g, stride, padding, dilation):
    """(grad_x, grad_kernel, grad_bias) of ``tf.nn.conv2d(x, k) + b`` for upstream ``g``.

    TensorFlow's CPU gradients refuse a dilation above 1 (and its forward pass refuses one
    together with a stride above 1), so a dilated kernel is spread out by hand — zeros between
    its taps, an equivalent undilated kernel — and its gradient is read back at the taps.
    """
    kh, kw, c, f = k.shape
    pads = resolve_padding(padding, x.shape[1:3], (kh, kw), stride, dilation)
    by_hand = max(dilation) > 1
    if by_hand:
        spread = np.zeros((dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1, c, f))
        spread[:: dilation[0], :: dilation[1]] = k
        k_tf, dil_tf = spread, (1, 1)
    else:
        k_tf, dil_tf = k, dilation
    xt, kt, bt = tf.constant(x), tf.constant(k_tf), tf.constant(np.zeros(f))
    with tf.GradientTape() as tape:
        tape.watch([xt, kt, bt])
        y = tf.nn.conv2d(
            xt, kt, strides=list(stride), padding=_tf_padding(padding, pads), dilations=dil_tf
        )
        y = y + bt
    assert y.shape == g.shape, "cnnlab and TensorFlow disagree on the output shape"
    gx, gk, gb = (t.numpy() for t in tape.gradient(y, [xt, kt, bt], output_gradients=g))
    if by_hand:
        gk = gk[:: dilation[0], :: dilation[1]]
    return gx, gk, gb


CONV_PADDINGS = ("valid", "same", "full", "int", "pair", "nested")


def _conv_cases():
    """A seeded grid: every padding form, non-square kernels, strides 1-4, dilations 1-3."""
    rng = np.random.default_rng(20250101)
    cases = []
    for form in CONV_PADDINGS:
        made = 0
        while made < 9:
            n, c, f = int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
            kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
            h, w = (int(v) for v in rng.integers(1, 13, size=2))
            stride = tuple(int(v) for v in rng.integers(1, 5, size=2))
            dilation = tuple(int(v) for v in rng.integers(1, 4, size=2))
            padding = {
                "int": int(rng.integers(0, 4)),
                "pair": tuple(int(v) for v in rng.integers(0, 4, size=2)),
                "nested": tuple(tuple(int(v) for v in rng.integers(0, 4, size=2)) for _ in "hw"),
            }.get(form, form)
            try:
                out = conv2d(
                    np.zeros((n, h, w, c)),
                    np.zeros((kh, kw, c, f)),
                    stride=stride,
                    padding=padding,
                    dilation=dilation,
                )
            except ValueError:
                continue  # the kernel does not fit: tested in the bad-input tests
            x = rng.normal(size=(n, h, w, c))
            k = rng.normal(size=(kh, kw, c, f))
            g = rng.normal(size=out.shape)
            cases.append(pytest.param(x, k, g, stride, padding, dilation, id=f"{form}-{made}"))
            made += 1
    return cases


@pytest.mark.parametrize(("x", "k", "g", "stride", "padding", "dilation"), _conv_cases())
def test_conv2d_backward_matches_tensorflow(x, k, g, stride, padding, dilation):
    got = conv2d_backward(x, k, g, stride=stride, padding=padding, dilation=dilation)
    want = _tf_conv_grads(x, k, g, stride, padding, dilation)
    for name, ours, theirs in zip(("grad_x", "grad_kernel", "grad_bias"), got, want, strict=True):
        assert ours.shape == theirs.shape, name
        np.testing.assert_allclose(ours, theirs, **TOL, err_msg=name)


@pytest.mark.parametrize(
    ("hw", "kernel", "stride", "pads"),
    [
        ((6, 6), (4, 4), (1, 1), ((1, 2), (1, 2))),  # an even kernel at stride 1
        ((6, 7), (3, 3), (2, 2), ((0, 1), (1, 1))),  # stride 2: odd total on the rows only
        ((7, 8), (2, 3), (3, 2), ((0, 1), (0, 1))),  # both axes odd
    ],
)
def test_conv2d_backward_same_with_an_odd_total_pads_the_extra_after(hw, kernel, stride, pads):
    """TensorFlow's asymmetric 'same': the extra row/column is at the bottom/right."""
    assert resolve_padding("same", hw, kernel, stride) == pads
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, *hw, 2))
    k = rng.normal(size=(*kernel, 2, 3))
    g = rng.normal(size=conv2d(x, k, stride=stride, padding="same").shape)
    got = conv2d_backward(x, k, g, stride=stride, padding="same")
    for ours, theirs in zip(got, _tf_conv_grads(x, k, g, stride, "same", (1, 1)), strict=True):
        np.testing.assert_allclose(ours, theirs, **TOL)
    # the same amounts given explicitly give the same gradients
    for ours, explicit in zip(
        got, conv2d_backward(x, k, g, stride=stride, padding=pads), strict=True
    ):
        np.testing.assert_allclose(ours, explicit, **TOL)


def test_conv2d_backward_keeps_the_callers_layout():
    """(H, W) with (kh, kw) and (H, W, C) with (kh, kw, C, F) give the batch result's slices."""
    rng = np.random.default_rng(3)
    x, k = rng.normal(size=(7, 6)), rng.normal(size=(3, 2))
    g = rng.normal(size=(4, 3))
    gx, gk, gb = conv2d_backward(x, k, g, stride=(2, 2), padding="same")
    bx, bk, bb = conv2d_backward(
        x[None, :, :, None], k[:, :, None, None], g[None, :, :, None], stride=2, padding="same"
    )
    assert gx.shape == x.shape and gk.shape == k.shape and np.ndim(gb) == 0
    np.testing.assert_allclose(gx, bx[0, :, :, 0], **TOL)
    np.testing.assert_allclose(gk, bk[:, :, 0, 0], **TOL)
    assert gb == pytest.approx(g.sum())
    x3, k4 = rng.normal(size=(5, 5, 2)), rng.normal(size=(2, 2, 2, 3))
    g3 = rng.normal(size=(4, 4, 3))
    gx3, gk4, gb3 = conv2d_backward(x3, k4, g3)
    assert (gx3.shape, gk4.shape, gb3.shape) == ((5, 5, 2), (2, 2, 2, 3), (3,))
    tx, tk, tb = _tf_conv_grads(x3[None], k4, g3[None], (1, 1), "valid", (1, 1))
    np.testing.assert_allclose(gx3, tx[0], **TOL)
    np.testing.assert_allclose(gk4, tk, **TOL)
    np.testing.assert_allclose(gb3, tb, **TOL)


def test_conv2d_backward_float32_in_float32_out():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(1, 9, 9, 2)).astype(np.float32)
    k = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)
    g = rng.normal(size=(1, 5, 5, 4)).astype(np.float32)
    got = conv2d_backward(x, k, g, stride=2, padding="same")
    assert all(a.dtype == np.float32 for a in got)
    want = _tf_conv_grads(x.astype(float), k.astype(float), g.astype(float), (2, 2), "same", (1, 1))
    for ours, theirs in zip(got, want, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_conv2d_backward_uint8_image_does_not_wrap_around():
    x = np.full((4, 4), 200, dtype=np.uint8)
    _, gk, _ = conv2d_backward(x, np.ones((2, 2)), np.ones((3, 3)))
    np.testing.assert_array_equal(gk, np.full((2, 2), 9 * 200.0))  # not 9·200 mod 256


def test_conv2d_backward_of_an_empty_batch_or_image():
    k = np.ones((2, 2, 1, 3))
    gx, gk, gb = conv2d_backward(np.zeros((0, 5, 5, 1)), k, np.zeros((0, 4, 4, 3)))
    assert gx.shape == (0, 5, 5, 1) and not gk.any() and not gb.any()
    # no rows, but padding: the windows see only zeros, yet the bias still gets its gradient
    g = np.arange(3.0 * 3).reshape(1, 1, 3, 3)
    gx, gk, gb = conv2d_backward(np.zeros((1, 0, 2, 1)), k, g, padding=1)
    assert gx.shape == (1, 0, 2, 1) and not gk.any()
    np.testing.assert_array_equal(gb, g.sum(axis=(0, 1, 2)))
    naive = conv2d_backward_naive(np.zeros((1, 0, 2, 1)), k, g, padding=1)
    for ours, loop in zip((gx, gk, gb), naive, strict=True):
        np.testing.assert_array_equal(ours, loop)


# --------------------------------------------------------------------------------------------
# Finite differences: no implementation needed at all
# --------------------------------------------------------------------------------------------
def _numerical_gradient(f, a, eps=1e-6):
    """Central differences of the scalar ``f()`` with respect to every entry of ``a`` (in place)."""
    grad = np.zeros_like(a)
    for index in np.ndindex(a.shape):
        old = a[index]
        a[index] = old + eps
        up = f()
        a[index] = old - eps
        down = f()
        a[index] = old
        grad[index] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    ("x_shape", "k_shape", "stride", "padding", "dilation"),
    [
        ((5, 4), (2, 3), 1, "valid", 1),
        ((1, 6, 5, 2), (3, 2, 2, 2), (2, 1), "same", 1),
        ((2, 5, 6, 1), (2, 2, 1, 3), 2, ((1, 0), (0, 2)), (2, 1)),
        ((4, 4, 2), (2, 2, 2, 1), 3, "full", 2),
    ],
)
def test_conv2d_backward_matches_finite_differences(x_shape, k_shape, stride, padding, dilation):
    rng = np.random.default_rng(11)
    x, k = rng.normal(size=x_shape), rng.normal(size=k_shape)
    b = rng.normal(size=() if len(k_shape) == 2 else k_shape[-1])
    opts = {"stride": stride, "padding": padding, "dilation": dilation}
    g = rng.normal(size=conv2d(x, k, **opts).shape)

    def loss():  # L = Σ G ⊙ conv2d(x, k, b): its gradient with respect to Y is G
        return float(np.sum(g * conv2d(x, k, b, **opts)))

    gx, gk, gb = conv2d_backward(x, k, g, **opts)
    np.testing.assert_allclose(gx, _numerical_gradient(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gk, _numerical_gradient(loss, k), rtol=1e-6, atol=1e-7)
    b = np.atleast_1d(b)  # a scalar bias is nudged through a one-element array
    np.testing.assert_allclose(np.atleast_1d(gb), _numerical_gradient(loss, b), rtol=1e-6)


@pytest.mark.parametrize("mode", ["max", "avg", "l2"])
@pytest.mark.parametrize(
    ("x_shape", "pool", "stride", "padding"),
    [
        ((5, 5), 2, None, "valid"),
        ((1, 5, 6, 2), (3, 2), (2, 1), "same"),
        ((2, 4, 5, 1), 2, 1, ((1, 0), (0, 1))),
    ],
)
def test_pool2d_backward_matches_finite_differences(x_shape, pool, stride, padding, mode):
    # distinct values, at least 0.01 apart: a nudge of 1e-6 never changes a window's winner
    rng = np.random.default_rng(5)
    x = rng.permutation(np.prod(x_shape)).reshape(x_shape) / 100.0 + 0.5
    opts = {"pool_size": pool, "stride": stride, "padding": padding, "mode": mode}
    g = rng.normal(size=pool2d(x, **opts).shape)

    def loss():
        return float(np.sum(g * pool2d(x, **opts)))

    np.testing.assert_allclose(
        pool2d_backward(x, g, **opts), _numerical_gradient(loss, x), rtol=1e-6, atol=1e-7
    )


# --------------------------------------------------------------------------------------------
# Pooling: TensorFlow's gradients of tf.nn.max_pool2d / avg_pool2d and of an L2 pool
# --------------------------------------------------------------------------------------------
def _per_channel_window_sum(a, pool, stride, padding):
    """Σ over each window, channel by channel: a ones-kernel tf.nn.conv2d per channel."""
    ones = tf.ones((*pool, 1, 1), a.dtype)
    return tf.concat(
        [
            tf.nn.conv2d(a[..., c : c + 1], ones, strides=list(stride), padding=padding)
            for c in range(a.shape[-1])
        ],
        axis=-1,
    )


def _tf_pool(xt, pool, stride, padding, pads, mode):
    """pool2d built from TensorFlow ops: its own max/avg pools where TensorFlow has them."""
    tf_padding = _tf_padding(padding, pads)
    if mode == "max":
        return tf.nn.max_pool2d(xt, list(pool), list(stride), tf_padding)
    if mode == "avg" and isinstance(tf_padding, str):
        return tf.nn.avg_pool2d(xt, list(pool), list(stride), tf_padding)
    if isinstance(tf_padding, list):  # explicit amounts: pad with zeros, then slide without
        real = tf.pad(tf.ones_like(xt[..., :1]), tf_padding)  # 1 on the image, 0 on the padding
        xt, tf_padding = tf.pad(xt, tf_padding), "VALID"
    if mode == "avg":  # only explicit amounts get here: divide by the real cells of the window
        count = _per_channel_window_sum(real, pool, stride, "VALID")
        return _per_channel_window_sum(xt, pool, stride, "VALID") / count
    return tf.sqrt(_per_channel_window_sum(xt * xt, pool, stride, tf_padding))  # l2


def _tf_pool_grad(x, g, pool, stride, padding, mode):
    pads = resolve_padding(padding, x.shape[1:3], pool, stride)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = _tf_pool(xt, pool, stride, padding, pads, mode)
    assert y.shape == g.shape, "cnnlab and TensorFlow disagree on the output shape"
    return tape.gradient(y, xt, output_gradients=g).numpy()


POOL_PADDINGS = ("valid", "same", "int", "pair", "nested")


def _pool_cases():
    rng = np.random.default_rng(4242)
    cases = []
    for form in POOL_PADDINGS:
        made = 0
        while made < 6:
            pool = tuple(int(v) for v in rng.integers(1, 5, size=2))
            stride = tuple(int(v) for v in rng.integers(1, 5, size=2))
            shape = (int(rng.integers(1, 3)), *(int(v) for v in rng.integers(1, 11, size=2)))
            shape = (*shape, int(rng.integers(1, 4)))
            padding = {
                "int": int(rng.integers(0, 3)),
                "pair": tuple(int(v) for v in rng.integers(0, 3, size=2)),
                "nested": tuple(tuple(int(v) for v in rng.integers(0, 3, size=2)) for _ in "hw"),
            }.get(form, form)
            try:
                out = pool2d(np.zeros(shape), pool, stride=stride, padding=padding)
            except ValueError:
                continue  # window larger than the input, or padding as large as the window
            x = rng.normal(size=shape) + 0.1  # no all-zero window for l2
            g = rng.normal(size=out.shape)
            cases.append(pytest.param(x, g, pool, stride, padding, id=f"{form}-{made}"))
            made += 1
    return cases


@pytest.mark.parametrize("mode", ["max", "avg", "l2"])
@pytest.mark.parametrize(("x", "g", "pool", "stride", "padding"), _pool_cases())
def test_pool2d_backward_matches_tensorflow(x, g, pool, stride, padding, mode):
    got = pool2d_backward(x, g, pool, stride=stride, padding=padding, mode=mode)
    want = _tf_pool_grad(x, g, pool, stride, padding, mode)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, want, **TOL)


@pytest.mark.parametrize(
    ("pool", "stride", "padding"),
    [((2, 2), (1, 1), "valid"), ((3, 3), (1, 1), "same"), ((2, 3), (2, 1), ((1, 1), (0, 2)))],
)
def test_max_pool_ties_go_where_tensorflow_sends_them(pool, stride, padding):
    """Values from {0, 1, 2}: most windows hold a tie; the first largest cell (row by row)
    gets the whole gradient, in both versions, exactly as tf.nn.max_pool2d's gradient."""
    rng = np.random.default_rng(1)
    x = rng.integers(0, 3, size=(2, 7, 6, 2)).astype(float)
    g = rng.normal(size=pool2d(x, pool, stride=stride, padding=padding).shape)
    want = _tf_pool_grad(x, g, pool, stride, padding, "max")
    for version in (pool2d_backward, pool2d_backward_naive):
        np.testing.assert_allclose(version(x, g, pool, stride=stride, padding=padding), want, **TOL)


def test_max_pool_tie_worked_example():
    x = np.array([[1.0, 3.0, 3.0], [3.0, 2.0, 3.0], [0.0, 3.0, 1.0]])
    np.testing.assert_array_equal(
        pool2d_backward(x, np.ones((2, 2)), 2, stride=1), [[0, 2, 0], [1, 0, 1], [0, 0, 0]]
    )


def test_l2_pool_of_an_all_zero_window_has_gradient_zero_not_nan():
    x = np.zeros((4, 4))
    x[0, 0] = 3.0
    got = pool2d_backward(x, np.ones((2, 2)), 2, mode="l2")
    want = np.zeros((4, 4))
    want[0, 0] = 1.0  # d/dx sqrt(x²) = x / |x| for the one non-zero window
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(pool2d_backward_naive(x, np.ones((2, 2)), 2, mode="l2"), want)


def test_pool2d_backward_keeps_layout_and_dtype():
    x = np.random.default_rng(2).normal(size=(6, 6, 3)).astype(np.float32)
    for mode in ("max", "avg", "l2"):
        got = pool2d_backward(x, np.ones((3, 3, 3), np.float32), 2, mode=mode)
        assert got.shape == (6, 6, 3) and got.dtype == np.float32
        batch = pool2d_backward(x[None], np.ones((1, 3, 3, 3), np.float32), 2, mode=mode)
        np.testing.assert_array_equal(got, batch[0])
    # avg with non-overlapping windows: every cell gets a quarter of its window's gradient
    np.testing.assert_array_equal(
        pool2d_backward(np.zeros((4, 4)), np.array([[4.0, 8.0], [12.0, 16.0]]), mode="avg"),
        np.kron([[1.0, 2.0], [3.0, 4.0]], np.ones((2, 2))),
    )


def test_max_pool_backward_of_an_empty_image_is_empty():
    for version in (pool2d_backward, pool2d_backward_naive):
        got = version(np.zeros((1, 0, 3, 2)), np.ones((1, 1, 2, 2)), 2, padding=1)
        assert got.shape == (1, 0, 3, 2)


# --------------------------------------------------------------------------------------------
# The loop versions equal the vectorised ones
# --------------------------------------------------------------------------------------------
@given(
    n=st.integers(1, 2),
    hw=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    c=st.integers(1, 3),
    f=st.integers(1, 3),
    k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same", "full", 2, (0, 1), ((1, 0), (2, 3))]),
    seed=st.integers(0, 2**16),
)
def test_conv2d_backward_naive_equals_vectorised(n, hw, c, f, k, stride, dilation, padding, seed):
    rng = np.random.default_rng(seed)
    x, kernel = rng.normal(size=(n, *hw, c)), rng.normal(size=(*k, c, f))
    opts = {"stride": stride, "padding": padding, "dilation": dilation}
    try:
        out = conv2d(x, kernel, **opts)
    except ValueError:
        return  # the kernel does not fit
    g = rng.normal(size=out.shape)
    fast = conv2d_backward(x, kernel, g, **opts)
    loop = conv2d_backward_naive(x, kernel, g, **opts)
    for a, b in zip(fast, loop, strict=True):
        np.testing.assert_allclose(a, b, **TOL)


@given(
    shape=st.tuples(st.integers(1, 2), st.integers(1, 9), st.integers(1, 9), st.integers(1, 3)),
    pool=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    padding=st.sampled_from(["valid", "same", "full", 1, (0, 1), ((1, 0), (0, 2))]),
    mode=st.sampled_from(["max", "avg", "l2"]),
    ties=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_pool2d_backward_naive_equals_vectorised(shape, pool, stride, padding, mode, ties, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, size=shape).astype(float) if ties else rng.normal(size=shape)
    opts = {"pool_size": pool, "stride": stride, "padding": padding, "mode": mode}
    try:
        out = pool2d(x, **opts)
    except ValueError:
        return  # window too large, or padding as large as the window
    g = rng.normal(size=out.shape)
    np.testing.assert_allclose(
        pool2d_backward(x, g, **opts), pool2d_backward_naive(x, g, **opts), **TOL
    )


# --------------------------------------------------------------------------------------------
# Bad input: the forward pass's own errors, and a wrong grad_output shape explained
# --------------------------------------------------------------------------------------------
BAD_CONV = [
    pytest.param(np.zeros((5, 5, 2)), np.zeros((3, 3)), {}, id="2-D kernel for a 3-D image"),
    pytest.param(np.zeros((5, 5, 2)), np.zeros((3, 3, 1, 4)), {}, id="channel mismatch"),
    pytest.param(np.zeros((5, 5)), np.zeros((0, 3)), {}, id="empty kernel"),
    pytest.param(np.zeros(5), np.zeros((3, 3)), {}, id="1-D image"),
    pytest.param(np.zeros((5, 5)), np.zeros((3, 3, 1)), {}, id="3-D kernel"),
    pytest.param(np.array([["a"]]), np.zeros((1, 1)), {}, id="strings"),
    pytest.param(np.zeros((5, 5)), np.zeros((7, 7)), {}, id="kernel does not fit"),
    pytest.param(np.zeros((5, 5)), np.zeros((3, 3)), {"dilation": 3}, id="dilated too far"),
    pytest.param(np.zeros((5, 5)), np.zeros((3, 3)), {"stride": 0}, id="stride 0"),
    pytest.param(np.zeros((5, 5)), np.zeros((3, 3)), {"stride": 1.5}, id="float stride"),
    pytest.param(np.zeros((5, 5)), np.zeros((3, 3)), {"dilation": True}, id="bool dilation"),
    pytest.param(np.zeros((5, 5)), np.zeros((3, 3)), {"padding": "half"}, id="unknown padding"),
    pytest.param(np.zeros((5, 5)), np.zeros((3, 3)), {"padding": -1}, id="negative padding"),
]


@pytest.mark.parametrize("version", [conv2d_backward, conv2d_backward_naive])
@pytest.mark.parametrize(("x", "k", "opts"), BAD_CONV)
def test_conv2d_backward_bad_input_gets_conv2ds_error(version, x, k, opts):
    with pytest.raises((ValueError, TypeError)) as forward:
        conv2d(x, k, **opts)
    with pytest.raises(forward.type, match=re.escape(str(forward.value))):
        version(x, k, np.zeros((3, 3)), **opts)


@pytest.mark.parametrize("version", [conv2d_backward, conv2d_backward_naive])
def test_conv2d_backward_wrong_grad_shape_says_which_shape_and_why(version):
    x, k = np.zeros((2, 8, 8, 3)), np.zeros((3, 3, 3, 4))
    message = (
        "grad_output must have shape (2, 4, 4, 4), the shape of conv2d's output for x of shape "
        "(2, 8, 8, 3) and kernel of shape (3, 3, 3, 4) (stride=(2, 2), padding=((0, 1), (0, 1)), "
        "dilation=(1, 1)): one upstream gradient per output value. Got shape (2, 3, 3, 4)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        version(x, k, np.zeros((2, 3, 3, 4)), stride=2, padding="same")
    with pytest.raises(ValueError, match=re.escape("must have shape (6, 6), the shape")):
        version(np.zeros((8, 8)), np.zeros((3, 3)), np.zeros((6, 6, 1)))
    with pytest.raises(TypeError, match="grad_output must be a numeric array"):
        version(np.zeros((8, 8)), np.zeros((3, 3)), "zeros")


BAD_POOL = [
    pytest.param(np.zeros((4, 4)), {"mode": "min"}, id="unknown mode"),
    pytest.param(np.zeros((4, 4)), {"pool_size": 5}, id="window too large"),
    pytest.param(np.zeros((4, 4)), {"pool_size": 0}, id="pool_size 0"),
    pytest.param(np.zeros((4, 4)), {"stride": (1, 0)}, id="stride 0"),
    pytest.param(np.zeros((4, 4)), {"padding": 2}, id="padding as large as the window"),
    pytest.param(np.zeros((4, 4)), {"padding": "half"}, id="unknown padding"),
    pytest.param(np.zeros((4, 4, 1, 1, 1)), {}, id="5-D input"),
    pytest.param(np.zeros((1, 0, 2, 1)), {"padding": 1, "mode": "avg"}, id="avg of padding only"),
]


@pytest.mark.parametrize("version", [pool2d_backward, pool2d_backward_naive])
@pytest.mark.parametrize(("x", "opts"), BAD_POOL)
def test_pool2d_backward_bad_input_gets_pool2ds_error(version, x, opts):
    with pytest.raises((ValueError, TypeError)) as forward:
        pool2d(x, **opts)
    with pytest.raises(forward.type, match=re.escape(str(forward.value))):
        version(x, np.zeros((2, 2)), **opts)


@pytest.mark.parametrize("version", [pool2d_backward, pool2d_backward_naive])
def test_pool2d_backward_wrong_grad_shape_says_which_shape_and_why(version):
    message = (
        "grad_output must have shape (3, 3, 2), the shape of pool2d's output for x of shape "
        "(5, 5, 2) (pool_size=(2, 2), stride=(2, 2), padding=((0, 1), (0, 1))): one upstream "
        "gradient per output value. Got shape (2, 2, 2)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        version(np.zeros((5, 5, 2)), np.zeros((2, 2, 2)), 2, padding="same")
