"""The checkers of notebook 06 accept the reference solutions, reject the typical mistakes with
their specific hint, and never raise on an unfinished stub or a crashing answer."""

from __future__ import annotations

import numpy as np
import pytest

import cnnlab
from cnnlab import checks
from cnnlab.checks import learning

# ----------------------------------------------------------------------------------------------
# Reference solutions, as a learner would write them in the notebook
# ----------------------------------------------------------------------------------------------


def kernel_gradient(x, kernel, grad_output):
    kh, kw = kernel.shape
    oh, ow = grad_output.shape
    grad = np.zeros((kh, kw))
    for r in range(oh):
        for c in range(ow):
            grad += grad_output[r, c] * x[r : r + kh, c : c + kw]
    return grad


def max_pool_gradient(x, grad_output):
    grad = np.zeros_like(x, dtype=float)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            window = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            u, v = np.unravel_index(np.argmax(window), window.shape)
            grad[2 * i + u, 2 * j + v] += grad_output[i, j]
    return grad


def test_topic_is_registered_and_checkers_reachable():
    assert "learning" in checks.TOPICS
    assert checks.check_kernel_gradient is learning.check_kernel_gradient
    assert checks.check_max_pool_gradient is learning.check_max_pool_gradient


def test_kernel_gradient_reference_passes_and_equals_the_backward_pass():
    assert learning.check_kernel_gradient(kernel_gradient).passed
    x = np.arange(20.0).reshape(4, 5)
    k = np.ones((2, 3))
    g = np.random.default_rng(0).normal(size=(3, 3))
    np.testing.assert_allclose(kernel_gradient(x, k, g), cnnlab.conv2d_backward(x, k, g)[1])


def _first_window(x, k, g):
    return g[0, 0] * x[: k.shape[0], : k.shape[1]]


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda x, k, g: cnnlab.conv2d(x, g)[::-1, ::-1], "rotated by 180°"),
        (lambda x, k, g: cnnlab.conv2d(x, g[::-1, ::-1]), "You flipped grad_output"),
        (lambda x, k, g: cnnlab.conv2d(x, g) / g.size, "take the sum"),
        (_first_window, "only the first window"),
        (lambda x, k, g: k * g.sum(), "the kernel's own values do not appear"),
        (lambda x, k, g: cnnlab.conv2d_backward(x, k, g)[0], "That is ∂L/∂X"),
    ],
)
def test_kernel_gradient_mistakes_get_their_hint(wrong, hint):
    result = learning.check_kernel_gradient(wrong)
    assert not result.passed
    assert hint in result.message, result.message


def test_kernel_gradient_unfinished_and_crashing_answers_do_not_raise():
    def stub(x, kernel, grad_output):
        return ...

    def crash(x, kernel, grad_output):
        return x @ np.ones(7)

    assert "Replace the `...`" in learning.check_kernel_gradient(stub).message
    assert "raised" in learning.check_kernel_gradient(crash).message
    assert not learning.check_kernel_gradient(...).passed


def test_max_pool_gradient_reference_passes_and_equals_the_backward_pass():
    assert learning.check_max_pool_gradient(max_pool_gradient).passed
    x = np.random.default_rng(1).normal(size=(6, 7))
    g = np.random.default_rng(2).normal(size=(3, 3))
    np.testing.assert_allclose(max_pool_gradient(x, g), cnnlab.pool2d_backward(x, g, 2))


def _route(pick):
    def route(x, g):
        out = np.zeros_like(x, dtype=float)
        for i in range(g.shape[0]):
            for j in range(g.shape[1]):
                w = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
                out[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] += g[i, j] * pick(w)
        return out

    return route


def _at(index):
    def mark(w):
        m = np.zeros(w.shape)
        m[np.unravel_index(index(w), w.shape)] = 1.0
        return m

    return mark


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda x, g: cnnlab.pool2d_backward(x, g, 2, mode="avg"), "average pooling's"),
        (_route(lambda w: (w == w.max()).astype(float)), "Every cell that ties"),
        (_route(_at(lambda w: 3 - int(np.argmax(w.ravel()[::-1])))), "the last maximum"),
        (_route(_at(lambda w: int(np.argmin(w)))), "the smallest value"),
        (_route(lambda w: np.ones(w.shape)), "Every cell of the window got the whole"),
        (
            _route(
                _at(
                    lambda w: int(np.argmax(w.T.ravel())) % 2 * 2 + int(np.argmax(w.T.ravel())) // 2
                )
            ),
            "column by column",
        ),
        (_route(_at(lambda w: 0)), "top-left cell"),
    ],
)
def test_max_pool_gradient_mistakes_get_their_hint(wrong, hint):
    result = learning.check_max_pool_gradient(wrong)
    assert not result.passed
    assert hint in result.message, result.message


def test_max_pool_gradient_wrong_shape_is_named():
    result = learning.check_max_pool_gradient(lambda x, g: g)
    assert not result.passed and "shape" in result.message
