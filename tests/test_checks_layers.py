"""The checkers of notebooks 05-10 accept the reference solution, reject typical mistakes with
the specific hint, and never raise on an unfinished stub."""

from __future__ import annotations

import math

import numpy as np
import pytest

import cnnlab
from cnnlab import checks
from cnnlab.checks import activations, dense, dropout, pooling

# ----------------------------------------------------------------------------------------------
# Reference solutions, as a learner would write them in the notebooks
# ----------------------------------------------------------------------------------------------


def max_pool(x, size):
    h, w = x.shape[0] // size, x.shape[1] // size
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = x[i * size : (i + 1) * size, j * size : (j + 1) * size].max()
    return out


def pooled_shape(h, w, depth, pool_size, stride):
    return ((h - pool_size) // stride + 1, (w - pool_size) // stride + 1, depth)


def orders_agree(x, mode):
    relu_after_pool = cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode))
    relu_before_pool = cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode)
    return np.allclose(relu_after_pool, relu_before_pool)


def my_relu(x):
    return np.maximum(x, 0)


def softplus_derivative(x):
    return 1 / (1 + np.exp(-x))


def apply_dropout(x, keep, rate):
    return np.where(keep, x / (1 - rate), 0.0)


def dropout_layer(x, rate, training, rng):
    if not training:
        return x
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def my_softmax(scores):
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(y_true, probs):
    return -np.mean(np.sum(y_true * np.log(probs), axis=1))


FUNCTION_CHECKERS = {
    checks.check_max_pool: max_pool,
    checks.check_pooled_shape: pooled_shape,
    checks.check_orders_agree: orders_agree,
    checks.check_relu: my_relu,
    checks.check_softplus_derivative: softplus_derivative,
    checks.check_inverted_dropout: apply_dropout,
    checks.check_dropout_layer: dropout_layer,
    checks.check_softmax: my_softmax,
    checks.check_cross_entropy: cross_entropy,
}
NUMBER_CHECKERS = {checks.check_vanishing_depth: 10, checks.check_fc_params: 54_090}
ALL = {**FUNCTION_CHECKERS, **NUMBER_CHECKERS}
IDS = [c.__name__ for c in ALL]


def _message(result):
    assert not result.passed, "a wrong answer was accepted"
    return result.message


# ----------------------------------------------------------------------------------------------
# Every checker: the solution passes; stubs and crashing code give "not yet", never an exception
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("checker", "solution"), ALL.items(), ids=IDS)
def test_accepts_the_solution(checker, solution):
    result = checker(solution)
    assert result.passed, result.message
    assert "Correct" in result._repr_html_()


@pytest.mark.parametrize("checker", list(ALL), ids=IDS)
@pytest.mark.parametrize("stub", [..., None], ids=["ellipsis", "none"])
def test_unfinished_stub_is_not_yet(checker, stub):
    result = checker(stub)
    assert not result.passed
    assert "Replace the `...`" in result.message


@pytest.mark.parametrize("checker", list(FUNCTION_CHECKERS), ids=IDS[: len(FUNCTION_CHECKERS)])
def test_function_stubs_and_crashes_are_reported(checker):
    def returns_ellipsis(*args):
        return ...

    def returns_none(*args):
        return None

    def crashes(*args):
        raise ZeroDivisionError("boom")

    assert "still returns `...`" in _message(checker(returns_ellipsis))
    assert "returned None" in _message(checker(returns_none))
    crash = _message(checker(crashes))
    assert "ZeroDivisionError" in crash and "boom" in crash


def test_checkers_are_reachable_from_cnnlab_checks():
    for checker in ALL:
        assert getattr(checks, checker.__name__) is checker


def test_every_public_checker_is_tested_here():
    assert set(pooling.__all__ + activations.__all__ + dropout.__all__ + dense.__all__) == {
        c.__name__ for c in ALL
    }


# ----------------------------------------------------------------------------------------------
# 05 · Pooling
# ----------------------------------------------------------------------------------------------
def test_max_pool_mistakes():
    def average(x, size):
        h, w = x.shape[0] // size, x.shape[1] // size
        return x[: h * size, : w * size].reshape(h, size, w, size).mean(axis=(1, 3))

    def running_max_from_zero(x, size):
        h, w = x.shape[0] // size, x.shape[1] // size
        out = np.zeros((h, w))
        for i in range(h):
            for j in range(w):
                best = 0.0
                for value in x[i * size : (i + 1) * size, j * size : (j + 1) * size].ravel():
                    best = max(best, value)
                out[i, j] = best
        return out

    def ceil_windows(x, size):
        h, w = math.ceil(x.shape[0] / size), math.ceil(x.shape[1] / size)
        out = np.zeros((h, w))
        for i in range(h):
            for j in range(w):
                out[i, j] = x[i * size : (i + 1) * size, j * size : (j + 1) * size].max()
        return out

    def overlapping(x, size):
        h, w = x.shape[0] - size + 1, x.shape[1] - size + 1
        return np.array([[x[i : i + size, j : j + size].max() for j in range(w)] for i in range(h)])

    assert "average pooling" in _message(checks.check_max_pool(average))
    assert "not from 0" in _message(checks.check_max_pool(running_max_from_zero))
    assert "complete windows" in _message(checks.check_max_pool(ceil_windows))
    message = _message(checks.check_max_pool(overlapping))
    assert "must not overlap" in message and "shape" in message


def test_max_pool_must_not_change_its_input():
    def in_place(x, size):
        x[:] = 0
        return max_pool(x, size)

    assert "changed the array" in _message(checks.check_max_pool(in_place))


def test_pooled_shape_mistakes():
    def depth_halved(h, w, d, k, s):
        return ((h - k) // s + 1, (w - k) // s + 1, d // k)

    def rounded_up(h, w, d, k, s):
        return (math.ceil((h - k) / s) + 1, math.ceil((w - k) / s) + 1, d)

    def off_by_one(h, w, d, k, s):
        return ((h - k) // s, (w - k) // s, d)

    def by_pool_size(h, w, d, k, s):
        return (h // k, w // k, d)

    def true_division(h, w, d, k, s):
        return ((h - k) / s + 1, (w - k) / s + 1, d)

    assert "depth stays the same" in _message(checks.check_pooled_shape(depth_halved))
    assert "round down" in _message(checks.check_pooled_shape(rounded_up))
    assert "Off by one" in _message(checks.check_pooled_shape(off_by_one))
    assert "stride equals the pool size" in _message(checks.check_pooled_shape(by_pool_size))
    # (5 - 2) / 2 + 1 = 2.5: no known mistake, but the failing case is named
    assert "true_division(5, 5, 1, 2, 2) returned (2.5, 2.5, 1)" in _message(
        checks.check_pooled_shape(true_division)
    )


def test_orders_agree_needs_the_map_not_only_the_mode():
    def pool(x, mode):
        return cnnlab.pool2d(x, 2, mode=mode)

    def elementwise(x, mode):
        return cnnlab.relu(pool(x, mode)) == pool(cnnlab.relu(x), mode)

    def by_mode_only(x, mode):
        return mode == "max"

    def always(x, mode):
        return True

    def pool_after_relu_vs_plain_pool(x, mode):
        return np.allclose(pool(x, mode), pool(cnnlab.relu(x), mode))

    def swapped(x, mode):
        return not orders_agree(x, mode)

    assert "element by element" in _message(checks.check_orders_agree(elementwise))
    message = _message(checks.check_orders_agree(by_mode_only))
    assert "mode='avg') returned False, but the answer is True" in message
    assert "not only from the mode" in message
    assert "always agree" in _message(checks.check_orders_agree(always))
    assert "missing its ReLU" in _message(checks.check_orders_agree(pool_after_relu_vs_plain_pool))
    assert "wrong way round" in _message(checks.check_orders_agree(swapped))


def test_orders_agree_reference_is_the_commuting_fact():
    # The fact the checker teaches, from the public ops: max pooling commutes with ReLU on every
    # map; average pooling does not on a mixed-sign window (and does on a positive one).
    def agree(x, mode):
        after = cnnlab.relu(cnnlab.pool2d(x, 2, mode=mode))
        return np.allclose(after, cnnlab.pool2d(cnnlab.relu(x), 2, mode=mode))

    rng = np.random.default_rng(0)
    assert all(agree(rng.normal(size=(6, 6)), "max") for _ in range(20))
    assert not agree(np.array([[-3.0, 1.0], [1.0, 1.0]]), "avg")
    assert agree(np.array([[3.0, 1.0], [1.0, 1.0]]), "avg")
    solution = lambda x, mode: agree(x, mode)  # noqa: E731 (an independent correct answer)
    assert checks.check_orders_agree(solution).passed


# ----------------------------------------------------------------------------------------------
# 08 · ReLU and softplus
# ----------------------------------------------------------------------------------------------
def test_relu_with_builtin_max_gets_np_maximum_hint():
    def builtin_max(x):
        return max(0, x)

    def python_if(x):
        return 0 if x < 0 else x

    for func in (builtin_max, python_if):
        message = _message(checks.check_relu(func))
        assert "truth value of an array" in message
        assert "np.maximum(x, 0)" in message and "built-in max(0, x)" in message
        assert "Read the message" not in message


def test_relu_mistakes():
    def relu_in_place(x):
        x[x < 0] = 0
        return x

    assert "flip their sign" in _message(checks.check_relu(np.abs))
    assert "no upper limit" in _message(checks.check_relu(lambda x: np.clip(x, 0, 1)))
    assert "derivative" in _message(checks.check_relu(lambda x: (x > 0).astype(float)))
    assert "reduction" in _message(checks.check_relu(lambda x: np.max(x, 0)))
    assert "softplus" in _message(checks.check_relu(lambda x: np.log1p(np.exp(x))))
    assert "changed the array" in _message(checks.check_relu(relu_in_place))


def test_softplus_derivative_mistakes():
    def naive_logistic(x):
        return np.exp(x) / (1 + np.exp(x))

    assert "overflow" in _message(checks.check_softplus_derivative(naive_logistic))
    assert "softplus itself" in _message(
        checks.check_softplus_derivative(lambda x: np.logaddexp(0, x))
    )
    assert "ReLU's derivative" in _message(
        checks.check_softplus_derivative(lambda x: np.where(x > 0, 1.0, 0.0))
    )
    assert "one derivative too far" in _message(
        checks.check_softplus_derivative(
            lambda x: softplus_derivative(x) * (1 - softplus_derivative(x))
        )
    )
    assert "Check the sign" in _message(
        checks.check_softplus_derivative(lambda x: 1 / (1 + np.exp(x)))
    )


def test_vanishing_depth_answers():
    assert 0.25**10 < 1e-6 <= 0.25**9  # the reference answer is 10
    assert "round up" in _message(checks.check_vanishing_depth(9))
    assert "round up" in _message(checks.check_vanishing_depth(int(math.log(1e-6, 0.25))))
    assert "Fewer layers" in _message(checks.check_vanishing_depth(11))
    assert "whole number" in _message(checks.check_vanishing_depth(9.97))
    assert "whole number" in _message(checks.check_vanishing_depth("ten"))
    assert checks.check_vanishing_depth(math.ceil(math.log(1e-6) / math.log(0.25))).passed
    assert checks.check_vanishing_depth(4, factor=0.1, threshold=1e-3).passed  # 0.1**4 < 1e-3
    assert not checks.check_vanishing_depth(0).passed


# ----------------------------------------------------------------------------------------------
# 09 · Dropout
# ----------------------------------------------------------------------------------------------
def test_inverted_dropout_mistakes():
    def no_scaling(x, keep, rate):
        return x * keep

    def times_keep_prob(x, keep, rate):
        return x * keep * (1 - rate)

    def flipped_mask(x, keep, rate):
        return np.where(keep, 0.0, x / (1 - rate))

    assert "1 / (1 - rate)" in _message(checks.check_inverted_dropout(no_scaling))
    assert "do not multiply" in _message(checks.check_inverted_dropout(times_keep_prob))
    assert "True in `keep` means" in _message(checks.check_inverted_dropout(flipped_mask))


def test_dropout_layer_mistakes():
    def scales_at_inference(x, rate, training, rng):
        if not training:
            return x * (1 - rate)
        return dropout_layer(x, rate, training, rng)

    def drops_at_inference(x, rate, training, rng):
        return dropout_layer(x, rate, True, rng)

    def keeps_rate(x, rate, training, rng):
        if not training:
            return x
        keep = rng.random(x.shape) < rate  # keeps a fraction `rate` instead of dropping it
        return np.where(keep, x / (1 - rate), 0.0)

    def no_scaling(x, rate, training, rng):
        if not training:
            return x
        return np.where(rng.random(x.shape) >= rate, x, 0.0)

    def global_random(x, rate, training, rng):
        if not training:
            return x
        keep = np.random.default_rng().random(x.shape) >= rate  # ignores the rng argument
        return np.where(keep, x / (1 - rate), 0.0)

    def fixed_mask(x, rate, training, rng):
        if not training:
            return x
        keep = np.random.default_rng(0).random(x.shape) >= rate
        return np.where(keep, x / (1 - rate), 0.0)

    def in_place(x, rate, training, rng):
        if training:
            x[rng.random(x.shape) < rate] = 0.0
            x /= 1 - rate
        return x

    assert "already happened during training" in _message(
        checks.check_dropout_layer(scales_at_inference)
    )
    assert "still dropped values" in _message(checks.check_dropout_layer(drops_at_inference))
    assert "about 1 - rate" in _message(checks.check_dropout_layer(keeps_rate))
    assert "Scale the kept values" in _message(checks.check_dropout_layer(no_scaling))
    assert "same seed gave different masks" in _message(checks.check_dropout_layer(global_random))
    assert "different seeds gave the same mask" in _message(checks.check_dropout_layer(fixed_mask))
    assert "changed the array" in _message(checks.check_dropout_layer(in_place))
    assert "shape" in _message(checks.check_dropout_layer(lambda x, r, t, rng: 1.0))


# ----------------------------------------------------------------------------------------------
# 10 · The fully connected layer
# ----------------------------------------------------------------------------------------------
def test_softmax_mistakes():
    def overflowing(scores):
        e = np.exp(scores)
        return e / e.sum(axis=-1, keepdims=True)

    def whole_batch(scores):
        e = np.exp(scores - scores.max())
        return e / e.sum()

    def no_exp(scores):
        return scores / scores.sum(axis=-1, keepdims=True)

    assert "Subtract the largest score" in _message(checks.check_softmax(overflowing))
    assert "each row" in _message(checks.check_softmax(whole_batch))
    assert "Exponentiate first" in _message(checks.check_softmax(no_exp))


def test_cross_entropy_mistakes():
    def no_minus(y, p):
        return np.mean(np.sum(y * np.log(p), axis=1))

    def summed(y, p):
        return -np.sum(y * np.log(p))

    def mean_everything(y, p):
        return -np.mean(y * np.log(p))

    def log10(y, p):
        return -np.mean(np.sum(y * np.log10(p), axis=1))

    assert "minus sign" in _message(checks.check_cross_entropy(no_minus))
    assert "Average over the examples" in _message(checks.check_cross_entropy(summed))
    assert "divides by the number of classes" in _message(
        checks.check_cross_entropy(mean_everything)
    )
    assert "natural logarithm" in _message(checks.check_cross_entropy(log10))


def test_fc_params_answers():
    assert 13 * 13 * 32 * 10 + 10 == 54_090
    assert "forgot the biases" in _message(checks.check_fc_params(54_080))
    assert "flattened length" in _message(checks.check_fc_params(5_408))
    assert "skipped the pooling" in _message(checks.check_fc_params(26 * 26 * 32 * 10 + 10))
    assert "all 32 channels" in _message(checks.check_fc_params(13 * 13 * 10 + 10))
    assert "'valid' padding" in _message(checks.check_fc_params(14 * 14 * 32 * 10 + 10))
    assert "convolution's" in _message(checks.check_fc_params(54_090 + 320))
    assert "layer by layer" in _message(checks.check_fc_params(12_345))
    assert "should be a number" in _message(checks.check_fc_params("many"))
    # another network: 32×32×3, 5×5 'same' convolution with 16 filters, 2×2 pooling, 100 units
    assert checks.check_fc_params(
        16 * 16 * 16 * 100 + 100,
        input_shape=(32, 32, 3),
        kernel_size=5,
        filters=16,
        padding="same",
        units=100,
    ).passed


# ----------------------------------------------------------------------------------------------
# The shared machinery (cnnlab.checks.cases): a wrong answer beats a later crash
# ----------------------------------------------------------------------------------------------
def test_wrong_answer_before_a_crash_is_the_message():
    def relu_crashes_on_big_input(x):
        if x.size == 3:
            raise IndexError("index 3 is out of bounds")
        return np.abs(x)

    message = _message(checks.check_relu(relu_crashes_on_big_input))
    assert "returned [2. , 0.5, 0. , 0.5, 3. ]" in message
    assert "does not flip their sign" in message
