"""cnnlab.lessons.dropout_mlp (notebook 09): backpropagation against finite differences, and the
over-fitting story the dropout notebook tells."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab import lessons


def test_digits_split_corrupts_exactly_the_flagged_training_labels():
    x_tr, clean, x_va, y_va, none = lessons.digits_split(200, 100, seed=3)
    x_tr2, noisy, x_va2, y_va2, bad = lessons.digits_split(200, 100, label_noise=0.25, seed=3)
    assert np.array_equal(x_tr, x_tr2) and np.array_equal(y_va, y_va2)
    assert not none.any() and int(bad.sum()) == 50
    assert np.array_equal(noisy != clean, bad)
    assert x_tr.shape == (200, 64) and x_tr.dtype == np.float32
    assert 0.0 <= x_tr.min() and x_tr.max() <= 1.0
    with pytest.raises(ValueError, match="n_train \\+ n_val must be at most 1797"):
        lessons.digits_split(1500, 500)


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
    net = lessons.DropoutMLP.create([6, 5, 4, 3], rate=rate, seed=1)
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
    net = lessons.DropoutMLP.create([8, 32, 3], rate=0.5, seed=0)
    x = np.random.default_rng(0).random((4, 8))
    assert np.array_equal(net.scores(x), net.scores(x))
    assert not np.allclose(net.scores(x, training=True, rng=1), net.scores(x))
    assert net.n_params == 8 * 32 + 32 + 32 * 3 + 3
    assert np.allclose(net.predict_proba(x).sum(axis=1), 1.0)


def test_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least 2 layer sizes"):
        lessons.DropoutMLP.create([64])
    with pytest.raises(
        ValueError, match=r"rate \(the fraction dropped\) must be .* in \[0, 1\), got 1.0"
    ):
        lessons.DropoutMLP.create([4, 2], rate=1.0)
    with pytest.raises(ValueError, match="rates must contain"):
        lessons.overfitting_experiment(())


def test_training_is_reproducible_and_lowers_the_loss():
    x_tr, y_tr, x_va, y_va, _ = lessons.digits_split(100, 100)
    runs = []
    for _ in range(2):
        net = lessons.DropoutMLP.create([64, 32, 10], rate=0.3, seed=4)
        runs.append(
            lessons.train_mlp(
                net, x_tr, y_tr, x_va, y_va, epochs=20, batch_size=25, learning_rate=5e-3, seed=4
            )
        )
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert np.array_equal(runs[0][key], runs[1][key])
    assert runs[0]["loss"][-1] < 0.5 * runs[0]["loss"][0]
    assert runs[0]["val_accuracy"][-1] > 0.8


@pytest.mark.slow
def test_overfitting_story_of_the_dropout_notebook():
    res = lessons.overfitting_experiment()  # the notebook's default settings
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
