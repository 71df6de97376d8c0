"""cnnlab.lessons.vanishing (notebook 08): chain gradients against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab import lessons
from cnnlab.activations import ACTIVATIONS


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
    grads = lessons.chain_gradient(activation, 5, x0=x0, weight=w, bias=b, beta=2.0)
    for depth in (1, 3, 5):
        up = _chain_output(activation, depth, x0 + h, w, b, beta=2.0)
        down = _chain_output(activation, depth, x0 - h, w, b, beta=2.0)
        assert grads[depth - 1] == pytest.approx((up - down) / (2 * h), rel=1e-5)


def test_sigmoid_gradient_shrinks_at_least_fourfold_per_layer():
    grads = lessons.chain_gradient("sigmoid", 12, x0=0.0)
    assert grads[0] == 0.25
    assert np.all(grads <= 0.25 ** np.arange(1, 13) + 1e-15)
    assert grads[-1] < 1e-7


def test_relu_chain_passes_the_gradient_or_blocks_it():
    assert np.array_equal(lessons.chain_gradient("relu", 20, x0=2.0), np.ones(20))
    assert np.array_equal(lessons.chain_gradient("relu", 3, x0=-1.0), np.zeros(3))


def test_chain_gradient_rejects_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of"):
        lessons.chain_gradient("swish", 3)
