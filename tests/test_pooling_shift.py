"""cnnlab.lessons.pooling_shift (notebook 05): shift robustness against a direct computation on
shifted images."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import cnnlab
from cnnlab import lessons


def test_shift_inside_a_pooling_window_leaves_the_pooled_map_unchanged():
    x = np.zeros((4, 6))
    x[1, 1] = 1.0  # column 1 -> column 0: the same 2×2 window
    inside = lessons.shift_robustness(x, 1)
    assert inside.pooled_unchanged == 1.0
    assert inside.unpooled_unchanged == pytest.approx(1 - 2 / 20)  # 4×5 values, 2 differ

    x = np.zeros((4, 6))
    x[1, 2] = 1.0  # column 2 -> column 1: into the neighbouring window
    across = lessons.shift_robustness(x, 1)
    # pooled 2×2 grids: the 1 moves from cell (0, 1) to cell (0, 0), so 2 of 4 cells change
    assert across.pooled_unchanged == pytest.approx(0.5)


def test_shift_robustness_equals_shifting_the_image_itself():
    image = cnnlab.images.load_image("camera")[200:328, 150:278]
    kernel = cnnlab.kernels.sobel_vertical()
    fmap = cnnlab.conv2d(image, kernel)
    result = lessons.shift_robustness(fmap, 1)
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
    r = lessons.shift_robustness(fmap, 1, mode="max")
    assert r.pooled_unchanged > 2 * r.unpooled_unchanged
    assert r.pooled_correlation > r.unpooled_correlation


def test_shift_robustness_rows_equal_columns_of_the_transpose():
    m = np.random.default_rng(0).normal(size=(9, 12))
    assert dataclasses.astuple(lessons.shift_robustness(m.T, 2, axis=0)) == pytest.approx(
        dataclasses.astuple(lessons.shift_robustness(m, 2, axis=1))
    )


def test_constant_map_is_unchanged_by_any_shift():
    r = lessons.shift_robustness(np.full((6, 6), 3.0), 2, mode="avg")
    assert (r.unpooled_unchanged, r.pooled_unchanged) == (1.0, 1.0)
    assert (r.unpooled_correlation, r.pooled_correlation) == (1.0, 1.0)


def test_shift_robustness_rejects_bad_arguments():
    with pytest.raises(ValueError, match="shift=5 leaves nothing"):
        lessons.shift_robustness(np.ones((5, 5)), 5)
    with pytest.raises(ValueError, match="axis must be 0"):
        lessons.shift_robustness(np.ones((5, 5)), 1, axis=2)
    with pytest.raises(ValueError, match="shift must be an integer >= 1"):
        lessons.shift_robustness(np.ones((5, 5)), 0)
