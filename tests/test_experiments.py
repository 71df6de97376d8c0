"""The experiments behind notebooks 05-07 compute what they claim: shift robustness against a
direct computation on shifted images, gradients against finite differences, and the
over-fitting story the dropout notebook tells."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import cnnlab
from cnnlab import experiments as ex
from cnnlab.activations import ACTIVATIONS

# ----------------------------------------------------------------------------------------------
# shift_robustness
# ----------------------------------------------------------------------------------------------


def test_shift_inside_a_pooling_window_leaves_the_pooled_map_unchanged():
    x = np.zeros((4, 6))
    x[1, 1] = 1.0  # column 1 -> column 0: the same 2×2 window
    inside = ex.shift_robustness(x, 1)
    assert inside.pooled_unchanged == 1.0
    assert inside.unpooled_unchanged == pytest.approx(1 - 2 / 20)  # 4×5 values, 2 differ

    x = np.zeros((4, 6))
    x[1, 2] = 1.0  # column 2 -> column 1: into the neighbouring window
    across = ex.shift_robustness(x, 1)
    # pooled 2×2 grids: the 1 moves from cell (0, 1) to cell (0, 0), so 2 of 4 cells change
    assert across.pooled_unchanged == pytest.approx(0.5)


def test_shift_robustness_equals_shifting_the_image_itself():
    image = cnnlab.images.load_image("camera")[200:328, 150:278]
    kernel = cnnlab.kernels.sobel_vertical()
    fmap = cnnlab.conv2d(image, kernel)
    result = ex.shift_robustness(fmap, 1)
    # Shift the *image* by one column and convolve again ('valid'): the same two maps
    a = cnnlab.conv2d(image[:, :-1], kernel)
    b = cnnlab.conv2d(image[:, 1:], kernel)
    tol = 1e-6 * np.abs(fmap).max()
    assert result.unpooled_unchanged == pytest.approx(np.mean(np.abs(a - b) <= tol))
    pa, pb = cnnlab.pool2d(a, 2), cnnlab.pool2d(b, 2)
    assert result.pooled_unchanged == pytest.approx(np.mean(np.abs(pa - pb) <= tol))
    assert result.pooled_correlation == pytest.approx(np.corrcoef(pa.ravel(), pb.ravel())[0, 1])


def test_max_pooling_makes_a_real_feature_map_more_robust_to_a_one_pixel_shift():
    image = cnnlab.images.load_image("camera")
    fmap = cnnlab.conv2d(image, cnnlab.kernels.sobel_vertical())
    r = ex.shift_robustness(fmap, 1, mode="max")
    assert r.pooled_unchanged > 2 * r.unpooled_unchanged
    assert r.pooled_correlation > r.unpooled_correlation


def test_shift_robustness_rows_equal_columns_of_the_transpose():
    m = np.random.default_rng(0).normal(size=(9, 12))
    assert dataclasses.astuple(ex.shift_robustness(m.T, 2, axis=0)) == pytest.approx(
        dataclasses.astuple(ex.shift_robustness(m, 2, axis=1))
    )


def test_constant_map_is_unchanged_by_any_shift():
    r = ex.shift_robustness(np.full((6, 6), 3.0), 2, mode="avg")
    assert (r.unpooled_unchanged, r.pooled_unchanged) == (1.0, 1.0)
    assert (r.unpooled_correlation, r.pooled_correlation) == (1.0, 1.0)


def test_shift_robustness_rejects_bad_arguments():
    with pytest.raises(ValueError, match="shift=5 leaves nothing"):
        ex.shift_robustness(np.ones((5, 5)), 5)
    with pytest.raises(ValueError, match="axis must be 0"):
        ex.shift_robustness(np.ones((5, 5)), 1, axis=2)
    with pytest.raises(ValueError, match="shift must be an integer >= 1"):
        ex.shift_robustness(np.ones((5, 5)), 0)


# ----------------------------------------------------------------------------------------------
# chain_gradient
# ----------------------------------------------------------------------------------------------


def _chain_output(activation, depth, x0, weight, bias, beta=1.0):
    f = ACTIVATIONS[activation][0]
    kwargs = {"beta": beta} if activation == "softplus" else {}
    x = np.array([x0], dtype=float)
    for _ in range(depth):
        x = f(weight * x + bias, **kwargs)
    return float(x[0])


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_chain_gradient_matches_finite_differences(activation):
    x0, w, b, h = 0.3, 1.5, 0.1, 1e-6
    grads = ex.chain_gradient(activation, 5, x0=x0, weight=w, bias=b, beta=2.0)
    for depth in (1, 3, 5):
        up = _chain_output(activation, depth, x0 + h, w, b, beta=2.0)
        down = _chain_output(activation, depth, x0 - h, w, b, beta=2.0)
        assert grads[depth - 1] == pytest.approx((up - down) / (2 * h), rel=1e-5)


def test_sigmoid_gradient_shrinks_at_least_fourfold_per_layer():
    grads = ex.chain_gradient("sigmoid", 12, x0=0.0)
    assert grads[0] == 0.25
    assert np.all(grads <= 0.25 ** np.arange(1, 13) + 1e-15)
    assert grads[-1] < 1e-7


def test_relu_chain_passes_the_gradient_or_blocks_it():
    assert np.array_equal(ex.chain_gradient("relu", 20, x0=2.0), np.ones(20))
    assert np.array_equal(ex.chain_gradient("relu", 3, x0=-1.0), np.zeros(3))


def test_chain_gradient_rejects_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of"):
        ex.chain_gradient("swish", 3)


@pytest.mark.slow
def test_keras_sigmoid_gradients_vanish_towards_the_input_but_relu_gradients_do_not():
    sig = ex.layer_gradient_norms("sigmoid", depth=6, width=16, n_samples=128)
    rel = ex.layer_gradient_norms("relu", depth=6, width=16, n_samples=128)
    assert sig.shape == rel.shape == (6,)
    assert sig[0] / sig[-1] < 1e-2
    assert rel[0] / rel[-1] > 0.1


# ----------------------------------------------------------------------------------------------
# digits, DropoutMLP, training
# ----------------------------------------------------------------------------------------------


def test_digits_split_corrupts_exactly_the_flagged_training_labels():
    x_tr, clean, x_va, y_va, none = ex.digits_split(200, 100, seed=3)
    x_tr2, noisy, x_va2, y_va2, bad = ex.digits_split(200, 100, label_noise=0.25, seed=3)
    assert np.array_equal(x_tr, x_tr2) and np.array_equal(y_va, y_va2)
    assert not none.any() and int(bad.sum()) == 50
    assert np.array_equal(noisy != clean, bad)
    assert x_tr.shape == (200, 64) and x_tr.dtype == np.float32
    assert 0.0 <= x_tr.min() and x_tr.max() <= 1.0
    with pytest.raises(ValueError, match="n_train \\+ n_val must be at most 1797"):
        ex.digits_split(1500, 500)


def _numeric_grad(net, x, y, param, index, seed, h=1e-6):
    old = param[index]
    param[index] = old + h
    up = net.loss_and_grads(x, y, rng=np.random.default_rng(seed))[0]
    param[index] = old - h
    down = net.loss_and_grads(x, y, rng=np.random.default_rng(seed))[0]
    param[index] = old
    return (up - down) / (2 * h)


@pytest.mark.parametrize("rate", [0.0, 0.5])
def test_backpropagation_matches_finite_differences(rate):
    net = ex.DropoutMLP.create([6, 5, 4, 3], rate=rate, seed=1)
    net.weights = [w.astype(np.float64) for w in net.weights]
    net.biases = [b.astype(np.float64) + 0.1 for b in net.biases]
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(7, 6)), rng.integers(0, 3, 7)
    _, gw, gb = net.loss_and_grads(x, y, rng=np.random.default_rng(9))
    for layer in range(3):
        for index in [(0, 0), (1, 2), (-1, -1)]:
            numeric = _numeric_grad(net, x, y, net.weights[layer], index, seed=9)
            assert gw[layer][index] == pytest.approx(numeric, rel=1e-4, abs=1e-8)
        numeric = _numeric_grad(net, x, y, net.biases[layer], (0,), seed=9)
        assert gb[layer][0] == pytest.approx(numeric, rel=1e-4, abs=1e-8)


def test_dropout_only_in_training():
    net = ex.DropoutMLP.create([8, 32, 3], rate=0.5, seed=0)
    x = np.random.default_rng(0).random((4, 8))
    assert np.array_equal(net.scores(x), net.scores(x))
    assert not np.allclose(net.scores(x, training=True, rng=1), net.scores(x))
    assert net.n_params == 8 * 32 + 32 + 32 * 3 + 3
    assert np.allclose(net.predict_proba(x).sum(axis=1), 1.0)


def test_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least 2 layer sizes"):
        ex.DropoutMLP.create([64])
    with pytest.raises(ValueError, match="rate must be in \\[0, 1\\)"):
        ex.DropoutMLP.create([4, 2], rate=1.0)
    with pytest.raises(ValueError, match="rates must contain"):
        ex.overfitting_experiment(())


def test_training_is_reproducible_and_lowers_the_loss():
    x_tr, y_tr, x_va, y_va, _ = ex.digits_split(100, 100)
    runs = []
    for _ in range(2):
        net = ex.DropoutMLP.create([64, 32, 10], rate=0.3, seed=4)
        runs.append(
            ex.train_mlp(
                net, x_tr, y_tr, x_va, y_va, epochs=20, batch_size=25, learning_rate=5e-3, seed=4
            )
        )
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert np.array_equal(runs[0][key], runs[1][key])
    assert runs[0]["loss"][-1] < 0.5 * runs[0]["loss"][0]
    assert runs[0]["val_accuracy"][-1] > 0.8


@pytest.mark.slow
def test_overfitting_story_of_the_dropout_notebook():
    res = ex.overfitting_experiment()  # the notebook's default settings
    plain, dropped = res.histories[0.0], res.histories[0.5]
    # Without dropout the network memorises the noisy training labels ...
    assert plain["accuracy"][-1] > 0.9
    # ... while its validation accuracy falls from its peak and its validation loss climbs.
    assert plain["val_accuracy"][-1] < plain["val_accuracy"].max() - 0.05
    assert plain["val_loss"][-1] > plain["val_loss"].min() + 0.05
    # With dropout it fits the training set less and generalises better.
    assert dropped["accuracy"][-1] < plain["accuracy"][-1] - 0.1
    assert dropped["val_accuracy"][-1] > plain["val_accuracy"][-1] + 0.05
    assert dropped["val_loss"][-1] < plain["val_loss"][-1]
    # The plain network first fits the correct labels (its accuracy pauses near their share) ...
    assert abs(plain["accuracy"][19] - (1 - res.corrupted.mean())) < 0.05
    # ... and ends up reproducing most of the wrong labels; the dropout network far fewer.
    wrong = res.corrupted
    memorised = {
        rate: np.mean(net.scores(res.x_train).argmax(axis=1)[wrong] == res.y_train[wrong])
        for rate, net in res.networks.items()
    }
    assert memorised[0.0] > 0.7 and memorised[0.5] < memorised[0.0] - 0.3
    # The full network at inference predicts like the average of many thinned networks.
    net, rng = res.networks[0.5], np.random.default_rng(0)
    averaged = np.mean([net.predict_proba(res.x_val, training=True, rng=rng) for _ in range(50)], 0)
    agree = np.mean(averaged.argmax(axis=1) == net.predict_proba(res.x_val).argmax(axis=1))
    assert agree > 0.9
