"""cnnlab.lessons.learning: the loss of one convolution layer, its gradients, gradient descent,
mini-batches and Adam, checked against finite differences, TensorFlow and hand computation."""

from __future__ import annotations

import numpy as np
import pytest

import cnnlab
from cnnlab.lessons import learning


def test_conv_mse_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x, w, t = rng.normal(size=(6, 7)), rng.normal(size=(3, 2)), rng.normal(size=(2, 3))
    r = learning.conv_mse(x, w, t, 0.3, stride=2, padding="valid")

    def loss(kernel=w, bias=0.3, image=x):
        return learning.conv_mse(image, kernel, t, bias, stride=2).loss

    np.testing.assert_allclose(r.grad_kernel, learning.numerical_gradient(loss, w), atol=1e-7)
    np.testing.assert_allclose(
        r.grad_x, learning.numerical_gradient(lambda v: loss(image=v), x), atol=1e-7
    )
    db = (loss(bias=0.3 + 1e-6) - loss(bias=0.3 - 1e-6)) / 2e-6
    assert r.grad_bias == pytest.approx(db, abs=1e-6)
    y = cnnlab.conv2d(x, w, stride=2) + 0.3
    assert r.loss == pytest.approx(np.mean((y - t) ** 2))
    np.testing.assert_allclose(r.grad_output, 2 * (y - t) / y.size)


def test_conv_mse_rejects_a_target_of_the_wrong_shape():
    with pytest.raises(
        ValueError, match=r"target must have the shape .*\(2, 2\).*got shape \(3, 3\)"
    ):
        learning.conv_mse(np.zeros((3, 3)), np.ones((2, 2)), np.zeros((3, 3)))


def test_descend_takes_exactly_the_gradient_steps():
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=(5, 5)), rng.normal(size=(4, 4))
    run = learning.descend(x, t, np.zeros((2, 2)), learning_rate=0.1, steps=3, bias=0.5)
    w, b = np.zeros((2, 2)), 0.5
    for step in range(3):
        r = learning.conv_mse(x, w, t, b)
        assert run.losses[step] == pytest.approx(r.loss)
        w, b = w - 0.1 * r.grad_kernel, b - 0.1 * r.grad_bias
        np.testing.assert_allclose(run.kernels[step + 1], w)
        assert run.biases[step + 1] == pytest.approx(b)
    assert run.kernels.shape == (4, 2, 2) and run.losses.shape == (4,)
    assert not run.diverged


def test_descend_too_large_a_rate_diverges_and_stops_at_overflow():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 8))
    t = cnnlab.conv2d(x, cnnlab.kernels.sobel_vertical())
    run = learning.descend(x, t, np.zeros((3, 3)), learning_rate=2.0, steps=500)
    assert run.diverged and run.losses[-1] == np.inf
    assert len(run.losses) == len(run.kernels) < 501
    assert np.isfinite(run.kernels).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"learning_rate": 0, "steps": 3}, "learning_rate"),
        ({"learning_rate": 0.1, "steps": -1}, "steps"),
        ({"learning_rate": 0.1, "steps": 2.5}, "steps"),
    ],
)
def test_descend_names_bad_settings(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        learning.descend(np.zeros((3, 3)), np.zeros((2, 2)), np.zeros((2, 2)), **kwargs)


def test_numerical_gradient_of_a_known_function():
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(
        learning.numerical_gradient(lambda v: float(np.sum(v**3)), w), 3 * w**2, rtol=1e-8
    )
    with pytest.raises(TypeError, match="f must be a function"):
        learning.numerical_gradient(3.0, w)


def test_edge_data_shapes_split_and_targets():
    x_tr, t_tr, x_va, t_va = learning.edge_data(5, 3, side=10, noise=0.0)
    assert x_tr.shape == (5, 10, 10, 1) and x_va.shape == (3, 10, 10, 1)
    np.testing.assert_allclose(x_tr.mean(axis=(1, 2, 3)), 0, atol=1e-12)
    sobel = cnnlab.kernels.sobel_vertical()[:, :, None, None]
    np.testing.assert_allclose(t_va, cnnlab.conv2d(x_va, sobel))
    # training and validation crops are different crops
    assert not any(np.array_equal(a, b) for a in x_tr for b in x_va)
    with pytest.raises(ValueError, match="n_train \\+ n_val must be at most"):
        learning.edge_data(3000, 3000, side=12)


def test_train_conv_minibatches_learn_sobel_and_adam_matches_keras_update():
    data = learning.edge_data(16, 16, side=10, noise=0.0)
    run = learning.train_conv(*data, epochs=40, batch_size=4, learning_rate=0.05)
    assert run.steps_per_epoch == 4
    assert run.train_loss[-1] < 1e-3 * run.train_loss[0]
    np.testing.assert_allclose(run.kernel, cnnlab.kernels.sobel_vertical(), atol=0.02)
    adam = learning._Adam((2,), 0.1)
    g = np.array([0.5, -2.0])
    # the first Adam step is lr · sign(g) (bias correction), whatever the gradient's size
    np.testing.assert_allclose(adam.step(g), 0.1 * np.sign(g), rtol=1e-5)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        learning.train_conv(*data, optimizer="sgd")


def test_adam_step_equals_keras():
    import keras  # a hard dependency: its absence must fail, not skip

    w = keras.Variable(np.array([1.0, -1.0, 0.5], dtype="float32"))
    opt = keras.optimizers.Adam(learning_rate=0.1)
    ours = learning._Adam((3,), 0.1)
    w_np = np.array([1.0, -1.0, 0.5])
    for grad in ([0.3, -2.0, 0.01], [0.1, 1.0, -0.5], [2.0, 0.0, 0.2]):
        opt.apply_gradients([(keras.ops.convert_to_tensor(np.array(grad, "float32")), w)])
        w_np = w_np - ours.step(np.array(grad))
    # float32 in Keras: 1 − 0.999 alone is off by about 1e-5 relative
    np.testing.assert_allclose(np.asarray(w.numpy()), w_np, rtol=1e-4)


def test_optimizer_paths_on_the_valley():
    gd = learning.optimizer_path("gd", learning_rate=0.019, steps=60)
    adam = learning.optimizer_path("adam", learning_rate=0.1, steps=60)
    assert gd.shape == adam.shape == (61, 2)
    value = lambda p: learning.valley(p)[0]  # noqa: E731
    assert value(adam[-1]) < value(gd[-1]) / 5
    # above 2 / 100 plain gradient descent diverges across the valley
    assert value(learning.optimizer_path("gd", learning_rate=0.021, steps=60)[-1]) > 1e3
    np.testing.assert_allclose(gd[1], [-4 * (1 - 0.019), 1 * (1 - 1.9)])
    with pytest.raises(ValueError, match="w must hold 2 numbers"):
        learning.valley([1.0, 2.0, 3.0])
