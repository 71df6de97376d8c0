"""cnnlab.activations against TensorFlow's functions and tf.GradientTape's derivatives."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from cnnlab.activations import (
    ACTIVATIONS,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softplus,
    softplus_derivative,
    tanh,
    tanh_derivative,
)

# float32 values over several scales, with exact zeros (ReLU's kink) and large magnitudes
X = np.concatenate(
    [
        np.random.default_rng(0).normal(0, 3, 200),
        [0.0, -0.0, 1e-8, -1e-8, 15.0, -15.0, 40.0, -40.0, 90.0, -90.0],
    ]
).astype(np.float32)

PAIRS = [
    ("relu", relu, relu_derivative, tf.nn.relu),
    ("sigmoid", sigmoid, sigmoid_derivative, tf.nn.sigmoid),
    ("tanh", tanh, tanh_derivative, tf.nn.tanh),
    ("softplus", softplus, softplus_derivative, tf.nn.softplus),
    (
        "softplus-beta2",
        lambda x: softplus(x, 2.0),
        lambda x: softplus_derivative(x, 2.0),
        lambda x: tf.nn.softplus(2.0 * x) / 2.0,
    ),
]


def _tape_derivative(tf_func, x):
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.reduce_sum(tf_func(xt))
    return tape.gradient(y, xt).numpy()


@pytest.mark.parametrize(("name", "func", "deriv", "tf_func"), PAIRS, ids=[p[0] for p in PAIRS])
def test_activation_matches_tensorflow(name, func, deriv, tf_func):
    got = func(X)
    assert got.dtype == np.float32 and got.shape == X.shape
    np.testing.assert_allclose(got, tf_func(X).numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("name", "func", "deriv", "tf_func"), PAIRS, ids=[p[0] for p in PAIRS])
def test_derivative_matches_gradient_tape(name, func, deriv, tf_func):
    got = deriv(X)
    assert got.dtype == np.float32
    # TensorFlow's float32 gradients lose digits where the slope is tiny (1 - y*y with y ~ 1),
    # hence the absolute tolerance; the float64 comparison below is tight.
    eps = np.finfo(np.float32).eps  # TF: 1 - y*y with y rounded, a few ulps of 1.0
    np.testing.assert_allclose(got, _tape_derivative(tf_func, X), rtol=1e-5, atol=4 * eps)
    x64 = X.astype(np.float64)
    want = _tape_derivative(tf_func, x64)
    np.testing.assert_allclose(deriv(x64), want, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-15)  # float32: a few ulps


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_registered_derivative_is_the_slope_of_the_function(name):
    """Independent of TensorFlow: central differences in float64, away from ReLU's kink."""
    func, deriv = ACTIVATIONS[name]
    x = np.linspace(-4, 4, 81) + 0.05
    h = 1e-6
    slope = (func(x + h) - func(x - h)) / (2 * h)
    np.testing.assert_allclose(deriv(x), slope, atol=1e-6)


def test_relu_derivative_at_zero_is_zero_like_tensorflow():
    assert relu_derivative([0.0])[0] == 0.0
    assert _tape_derivative(tf.nn.relu, np.zeros(1, np.float32))[0] == 0.0


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_matches_tensorflow(axis):
    scores = np.random.default_rng(1).normal(0, 5, (6, 7)).astype(np.float32)
    got = softmax(scores, axis=axis)
    np.testing.assert_allclose(got, tf.nn.softmax(scores, axis=axis).numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got.sum(axis=axis), 1.0, rtol=1e-6)
    assert (got > 0).all()


def test_extreme_inputs_give_exact_limits_without_nan_or_overflow():
    big = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(sigmoid(big), [0.0, 1.0])
        np.testing.assert_array_equal(softplus(big), [0.0, 1000.0])
        np.testing.assert_array_equal(softplus(big, beta=10.0), [0.0, 1000.0])
        np.testing.assert_array_equal(softmax(big), [0.0, 1.0])
        np.testing.assert_array_equal(softmax([1000.0, 1000.0]), [0.5, 0.5])
        np.testing.assert_array_equal(softmax([-1000.0, -1000.0, -1000.0, -1000.0]), [0.25] * 4)
        np.testing.assert_array_equal(tanh(big), [-1.0, 1.0])
        for deriv in (sigmoid_derivative, tanh_derivative):
            np.testing.assert_array_equal(deriv(big), [0.0, 0.0])
        np.testing.assert_array_equal(softplus_derivative(big), [0.0, 1.0])
        for func in (sigmoid, softplus, softmax, tanh):
            assert np.isfinite(func(big.astype(np.float32))).all()


def test_integer_input_becomes_floating_point():
    out = relu(np.array([253, 200], dtype=np.uint8))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [253.0, 200.0])
    np.testing.assert_array_equal(tanh_derivative(np.array([0], dtype=np.uint8)), [1.0])
    assert sigmoid(np.array([0], dtype=np.int64)).dtype == np.float64
    np.testing.assert_allclose(softmax(np.array([1, 1], dtype=np.int8)), [0.5, 0.5])


BAD_INPUT = [
    (lambda: relu("x"), TypeError, r"x must be a numeric array, got 'x'"),
    (lambda: sigmoid([1 + 2j]), TypeError, r"x must be real-valued, got complex dtype complex128"),
    (
        lambda: softplus([1.0], beta=0),
        ValueError,
        r"beta \(the sharpness\) must be a finite real number > 0, got 0\.",
    ),
    (
        lambda: softplus([1.0], beta=float("inf")),
        ValueError,
        r"beta .* finite real number > 0, got inf",
    ),
    (
        lambda: softplus_derivative([1.0], beta="2"),
        TypeError,
        r"beta .* finite real number > 0, got '2'",
    ),
    (
        lambda: softmax(3.0),
        ValueError,
        r"x must have at least one dimension \(the scores\); got a scalar",
    ),
    (
        lambda: softmax([1.0, 2.0], axis=1),
        ValueError,
        r"axis must be in \[-1, 0\] for shape \(2,\); got 1",
    ),
    (
        lambda: softmax([1.0, 2.0], axis=0.5),
        TypeError,
        r"axis must be an integer \(the axis of the scores\); got 0.5",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT]
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
