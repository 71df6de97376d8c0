"""cnnlab.losses against Keras's loss objects and loss functions."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnlab.losses import categorical_crossentropy, hinge, mse

RNG = np.random.default_rng(0)
SHAPES = [(8, 5), (3, 4, 6), (7,)]


def _one_hot(shape):
    labels = RNG.integers(0, shape[-1], size=shape[:-1])
    return np.eye(shape[-1], dtype=np.float32)[labels]


def _probabilities(shape, zeros=False):
    p = RNG.random(shape).astype(np.float32)
    if zeros:
        p[..., 0] = 0.0  # a zero probability: Keras clips instead of returning infinity
    return p / p.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("shape", SHAPES)
def test_mse_matches_keras(shape):
    t, p = RNG.normal(size=shape).astype(np.float32), RNG.normal(size=shape).astype(np.float32)
    np.testing.assert_allclose(mse(t, p), keras.losses.MeanSquaredError()(t, p).numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        mse(t, p, reduction="none"), keras.losses.mean_squared_error(t, p).numpy(), rtol=1e-6
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("labels", ["-1/1", "0/1"])
def test_hinge_matches_keras(shape, labels):
    t = RNG.integers(0, 2, size=shape).astype(np.float32)
    if labels == "-1/1":
        t = 2 * t - 1
    p = RNG.normal(size=shape).astype(np.float32)
    np.testing.assert_allclose(hinge(t, p), keras.losses.Hinge()(t, p).numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        hinge(t, p, reduction="none"), keras.losses.hinge(t, p).numpy(), rtol=1e-6
    )


def test_hinge_0_1_labels_mean_the_same_as_minus_1_1():
    t01 = np.array([[0.0, 1.0, 1.0]])
    p = np.array([[0.3, -2.0, 0.5]])
    assert hinge(t01, p) == hinge(2 * t01 - 1, p)
    np.testing.assert_allclose(hinge(t01, p), np.mean(np.maximum(0, 1 - (2 * t01 - 1) * p)))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("zeros", [False, True])
def test_categorical_crossentropy_matches_keras(shape, zeros):
    t, p = _one_hot(shape), _probabilities(shape, zeros)
    want = keras.losses.CategoricalCrossentropy()(t, p).numpy()
    np.testing.assert_allclose(categorical_crossentropy(t, p), want, rtol=1e-5)
    want_each = keras.losses.categorical_crossentropy(t, p).numpy()
    np.testing.assert_allclose(
        categorical_crossentropy(t, p, reduction="none"), want_each, rtol=1e-5
    )
    assert np.isfinite(categorical_crossentropy(t, p, reduction="none")).all()


@pytest.mark.parametrize("shape", SHAPES)
def test_categorical_crossentropy_from_logits_matches_keras(shape):
    t = _one_hot(shape)
    logits = RNG.normal(0, 20, size=shape).astype(np.float32)  # large scores: needs stability
    want = keras.losses.CategoricalCrossentropy(from_logits=True)(t, logits).numpy()
    np.testing.assert_allclose(
        categorical_crossentropy(t, logits, from_logits=True), want, rtol=1e-5
    )


def test_unnormalised_probabilities_are_rescaled_like_keras():
    t = np.array([[0.0, 1.0, 0.0]], np.float32)
    p = np.array([[2.0, 6.0, 2.0]], np.float32)  # sums to 10: means (0.2, 0.6, 0.2)
    np.testing.assert_allclose(categorical_crossentropy(t, p), -np.log(0.6), rtol=1e-6)
    np.testing.assert_allclose(
        categorical_crossentropy(t, p),
        keras.losses.CategoricalCrossentropy()(t, p).numpy(),
        rtol=1e-6,
    )


def test_worked_values():
    assert float(mse([[0.0, 1.0]], [[1.0, 1.0]])) == 0.5
    np.testing.assert_allclose(
        categorical_crossentropy([[0, 1, 0]], [[0.1, 0.8, 0.1]]), -np.log(0.8)
    )
    perfect = categorical_crossentropy([[0, 1]], [[0.0, 1.0]])
    assert 0 < perfect < 1e-6  # clipped to 1 - 1e-7, never exactly 0 or infinite


BAD_INPUT = [
    (
        lambda: mse([[1.0, 2.0]], [[1.0, 2.0, 3.0]]),
        ValueError,
        r"y_true and y_pred must have the same shape; got \(1, 2\) and \(1, 3\)",
    ),
    (
        lambda: mse(1.0, 2.0),
        ValueError,
        r"y_true and y_pred must have at least one dimension; got scalars",
    ),
    (
        lambda: hinge([[1.0]], [[1.0]], reduction="sum"),
        ValueError,
        r"reduction must be 'mean' or 'none'; got 'sum'",
    ),
    (
        lambda: categorical_crossentropy([["a", "b"]], [[0.5, 0.5]]),
        TypeError,
        r"y_true must be a numeric array",
    ),
    (
        lambda: categorical_crossentropy([[1, 0]], [[0.5 + 1j, 0.5]]),
        TypeError,
        r"y_pred must be real-valued",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT]
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
