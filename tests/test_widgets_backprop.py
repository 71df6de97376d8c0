"""The backpropagation explorer: driven through its sliders, compared with gradients computed
independently (loops over the forward pass, and finite differences), and never a traceback."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

import cnnlab
from cnnlab.widgets import BackpropExplorer, backprop, backprop_explorer
from cnnlab.widgets.backprop import STAGES, default_input, default_kernel

KERNEL_SIZES = (1, 2, 3, 5)
STRIDES = (1, 2, 3)
PADDINGS = (0, 1, "same", "full")


def forward(x, kernel, stride, padding):
    """z, a = relu(z), p = 2×2 max pool of a; loops over the padded input (no cnnlab conv)."""
    (top, bottom), (left, right) = cnnlab.resolve_padding(padding, x.shape, kernel.shape, stride)
    xp = np.pad(x, ((top, bottom), (left, right)))
    k = kernel.shape[0]
    oh = (xp.shape[0] - k) // stride + 1
    ow = (xp.shape[1] - k) // stride + 1
    z = np.array(
        [
            [
                np.sum(xp[r * stride : r * stride + k, c * stride : c * stride + k] * kernel)
                for c in range(ow)
            ]
            for r in range(oh)
        ]
    )
    a = np.maximum(z, 0)
    ph, pw = oh // 2, ow // 2
    p = np.array(
        [[a[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max() for j in range(pw)] for i in range(ph)]
    )
    return z, a, p


def loss_of(stage, picked):
    """L as a function of (x, kernel): one output value of the stage, or the sum of them all."""

    def loss(x, kernel, stride, padding):
        out = dict(zip(STAGES, forward(x, kernel, stride, padding), strict=True))[stage]
        return float(out.sum() if picked is None else out[picked])

    return loss


def numerical(f, w, eps=1e-6):
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


def test_alias_and_default_state():
    assert backprop_explorer is BackpropExplorer
    ex = BackpropExplorer()
    assert ex.message == ""
    for name in ("kernel size", "stride", "padding", "stage", "output cell", "upstream"):
        assert name in ex.controls
    assert ex.controls["kernel size"].description == "kernel size"
    assert ex.controls["stride"].description == "stride"
    assert ex.controls["padding"].description == "padding"
    z, a, p = forward(default_input(), default_kernel(3), 1, 0)
    np.testing.assert_array_equal(ex.computed["z"], z)
    np.testing.assert_array_equal(ex.computed["p"], p)
    assert ex.controls["output cell"].max == p.size - 1
    for name, panel in ex.panels.items():
        assert panel.value.startswith("<svg"), name


@pytest.mark.parametrize("stage", STAGES)
def test_gradients_match_finite_differences_over_the_slider_grid(stage):
    """Every setting: ∂L/∂x and ∂L/∂W equal finite differences of the loop forward pass."""
    # non-integer values: no z lands exactly on ReLU's kink and no pooling window ties, where
    # finite differences would average the two one-sided slopes
    x = default_input() + np.random.default_rng(3).uniform(0.1, 0.4, (8, 8))
    ex = BackpropExplorer(x, stage=stage)
    checked = 0
    for k, s, p in itertools.product(KERNEL_SIZES, STRIDES, PADDINGS):
        ex.set(kernel_size=k, stride=s, padding=p)
        try:
            z, _, pooled = forward(x, default_kernel(k), s, p)
            if z.size == 0:
                raise ValueError
        except ValueError:
            assert ex.message and ex.result is None and "Traceback" not in ex.message
            continue
        if stage == "max pool" and pooled.size == 0:
            assert "too small for the 2×2 max pool" in ex.message
            assert ex.result is None
            continue
        assert ex.message == "", (k, s, p, ex.message)
        out = {"conv": z, "ReLU": np.maximum(z, 0), "max pool": pooled}[stage]
        assert ex.controls["output cell"].max == max(out.size - 1, 1)
        cell = out.size // 2
        ex.set(output_cell=cell)
        picked = np.unravel_index(cell, out.shape)
        assert ex.computed["picked"] == tuple(int(v) for v in picked)
        loss = loss_of(stage, picked)
        kernel = default_kernel(k)
        of_x = functools.partial(loss, kernel=kernel, stride=s, padding=p)
        of_w = functools.partial(loss, x, stride=s, padding=p)
        np.testing.assert_allclose(ex.result, numerical(of_x, x), atol=1e-5)
        np.testing.assert_allclose(ex.computed["grad_kernel"], numerical(of_w, kernel), atol=1e-5)
        checked += 1
    assert checked > 25


def test_max_pool_routes_to_the_winner_and_relu_blocks():
    x = np.zeros((4, 4))
    x[1, 0] = 5.0  # the winner of the top-left window (the 1×1 kernel is the identity)
    x[2, 3] = -4.0  # negative: after ReLU the bottom-right window is all 0, a four-way tie
    ex = BackpropExplorer(x, kernel_size=1, stage="max pool", cell=0)
    expected = np.zeros((4, 4))
    expected[1, 0] = 1.0
    np.testing.assert_array_equal(ex.computed["grad_a"], expected)
    np.testing.assert_array_equal(ex.result, expected)
    assert "winner a[1, 0] = 5 gets all of it (the switch)" in ex.readout
    ex.set(output_cell=3)
    tie = np.zeros((4, 4))
    tie[2, 2] = 1.0  # the first of the tied cells, in reading order
    np.testing.assert_array_equal(ex.computed["grad_a"], tie)
    assert not ex.result.any()  # z[2, 2] = 0: ReLU blocks it
    assert "z[2, 2] = 0 ≤ 0: ReLU blocks it" in ex.readout


def test_relu_blocked_cell_sends_nothing_back():
    ex = BackpropExplorer(stage="ReLU")
    z = ex.computed["z"]
    blocked = int(np.flatnonzero(z.ravel() <= 0)[0])
    ex.set(output_cell=blocked)
    assert not ex.result.any() and not ex.computed["grad_kernel"].any()
    assert ex.computed["grad_bias"] == 0.0
    assert "ReLU blocks it" in ex.readout
    passing = int(np.flatnonzero(z.ravel() > 0)[0])
    ex.set(output_cell=passing)
    assert ex.computed["grad_bias"] == 1.0 and "ReLU passes it" in ex.readout


def test_stride_larger_than_the_kernel_leaves_pixels_without_gradient():
    ex = BackpropExplorer(kernel_size=2, stride=3, stage="conv", upstream="every cell")
    assert ex.controls["output cell"].disabled
    covered = np.zeros((8, 8), bool)
    for r in range(3):
        for c in range(3):
            covered[3 * r : 3 * r + 2, 3 * c : 3 * c + 2] = True
    uncovered = {tuple(map(int, rc)) for rc in np.argwhere(~covered)}
    assert set(ex.computed["uncovered"]) == uncovered
    assert all(ex.result[rc] == 0 for rc in uncovered)
    assert f"{len(uncovered)} of 64 input pixels lie in no window" in ex.readout
    # L = sum of z: ∂L/∂b counts the outputs, ∂L/∂W sums the windows
    assert ex.computed["grad_bias"] == 9.0
    ex.set(stride=2)
    assert ex.computed["uncovered"] == () and "every input pixel" in ex.readout


def test_receptive_field_and_touched_weights_with_padding():
    ex = BackpropExplorer(kernel_size=3, padding=1, stage="conv", cell=0)
    # output (0, 0) with padding 1: the window covers padded rows/cols 0-2; 5 taps in padding
    assert ex.computed["receptive"] == tuple((r, c) for r in range(3) for c in range(3))
    assert ex.computed["touched"] == ((1, 1), (1, 2), (2, 1), (2, 2))
    ex.set(stage="max pool")
    assert len(ex.computed["receptive"]) == 16  # 4 conv cells, 4×4 padded cells


def test_impossible_settings_say_a_sentence_and_recover():
    ex = BackpropExplorer(stage="max pool")
    ex.set(kernel_size=5, stride=4)  # 1×1 conv output: nothing to pool
    assert "too small for the 2×2 max pool" in ex.message and ex.result is None
    ex.set(stage="conv")
    assert ex.message == "" and ex.result.shape == (8, 8)
    with pytest.raises(ValueError, match="stage must be one of"):
        BackpropExplorer(stage="pool")
    with pytest.raises(ValueError, match="upstream must be one of"):
        BackpropExplorer(upstream="all")


def test_a_slider_step_redraws_only_what_changed():
    """Moving the picked cell reuses the cached drawings of the grids it does not change."""
    ex = BackpropExplorer(stage="conv")
    before = {name: panel.value for name, panel in ex.panels.items()}
    hits = backprop._grid.cache_info().hits
    ex.controls["output cell"].value = 1
    for name in ("ReLU output a", "max pool output p"):  # nothing framed in them at this stage
        assert ex.panels[name].value is before[name], name
    assert ex.panels["input x"].value != before["input x"]  # the receptive field moved
    assert backprop._grid.cache_info().hits >= hits + 2


def test_pictures_are_grids_of_the_maps():
    ex = BackpropExplorer(padding=2, stage="conv")
    cell = 32
    assert _size(ex.panels["input x"].value) == (12 * cell, 12 * cell)  # padded input
    assert _size(ex.panels["conv output z"].value) == (10 * cell, 10 * cell)
    assert _size(ex.panels["∂L/∂W"].value) == (3 * cell, 3 * cell)


def _size(drawing):
    """Width and height of an SVG drawing (its viewBox)."""
    _, _, w, h = drawing.split('viewBox="', 1)[1].split('"', 1)[0].split()
    return int(w), int(h)
