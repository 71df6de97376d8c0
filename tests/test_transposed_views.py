"""cnnlab.lessons.transposed (notebook 07): the three ways of a transposed convolution, each
computed from its own picture, against conv2d_transpose and against loops written here."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import cnnlab
from cnnlab.lessons import transpose_views


def scatter_here(x, kernel, s, p, a):
    """Independent oracle: stamp every value on a large canvas, then cut the padding off."""
    (h, w), (kh, kw) = x.shape, kernel.shape
    oh, ow = (h - 1) * s + kh - 2 * p + a, (w - 1) * s + kw - 2 * p + a
    canvas = np.zeros((oh + 2 * p + kh, ow + 2 * p + kw))
    for r, c in itertools.product(range(h), range(w)):
        canvas[r * s : r * s + kh, c * s : c * s + kw] += x[r, c] * kernel
    return canvas[p : p + oh, p : p + ow]


SETTINGS = [
    (h, w, k, s, p, a)
    for h, w, k, s, p, a in itertools.product(
        [1, 2, 3], [1, 4], [1, 2, 3, 5], [1, 2, 3], [0, 1, 2, 5], [0, 1, 2]
    )
    if a < s and (h - 1) * s + k - 2 * p + a > 0 and (w - 1) * s + k - 2 * p + a > 0
]


@pytest.mark.parametrize(("h", "w", "k", "s", "p", "a"), SETTINGS)
def test_three_ways_equal_conv2d_transpose_and_a_scatter_written_here(h, w, k, s, p, a):
    rng = np.random.default_rng(h * 1000 + w * 100 + k * 10 + s + p + a)
    x, kernel = rng.normal(size=(h, w)), rng.normal(size=(k, k))
    views = transpose_views(x, kernel, stride=s, padding=p, output_padding=a)
    expected = scatter_here(x, kernel, s, p, a)
    np.testing.assert_allclose(views.output, expected, atol=1e-12)
    for way in views.ways:
        np.testing.assert_allclose(way, expected, atol=1e-12)
    assert views.largest_difference < 1e-12
    # the pictures say what the ways compute
    np.testing.assert_allclose(
        cnnlab.conv2d(views.zero_inserted, kernel[::-1, ::-1]), expected, atol=1e-12
    )
    top, left, oh, ow = views.crop
    np.testing.assert_allclose(views.canvas[top : top + oh, left : left + ow], expected)
    assert views.matrix.shape == (h * w, oh * ow)
    y = rng.normal(size=(oh, ow))  # C is the forward convolution of the output's shape
    np.testing.assert_allclose(
        views.matrix @ y.ravel(), cnnlab.conv2d(y, kernel, stride=s, padding=p).ravel()
    )


def test_zero_inserted_input_holds_the_input_values_s_apart():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    views = transpose_views(x, np.ones((3, 3)), stride=2)
    z = views.zero_inserted
    assert z.shape == (1 * 2 + 1 + 4, 2 * 2 + 1 + 4)  # (i − 1)·s + 1 + 2(k − 1) per axis
    for r, c in itertools.product(range(2), range(3)):
        assert z[views.in_zero_inserted(r, c)] == x[r, c]
    assert np.count_nonzero(z) == 6


def test_pixels_cut_off_by_a_large_padding_have_no_place_in_the_zero_inserted_input():
    views = transpose_views(np.ones((3, 3)), np.ones((2, 2)), stride=2, padding=2)
    assert views.output.shape == (2, 2)  # (3 − 1)·2 + 2 − 4
    assert views.in_zero_inserted(0, 0) is None  # its stamp lies in the padding
    assert views.stamp_in_output(0, 0) is None
    assert views.in_zero_inserted(1, 1) == (1, 1)
    assert views.stamp_in_output(1, 1) == (0, 0, 2, 2)


def test_stamp_column_and_overlaps():
    views = transpose_views(np.ones((2, 3)), np.ones((3, 3)), stride=2, output_padding=1)
    assert views.stamp(1, 2) == (2, 4, 3, 3)
    assert views.column(1, 2) == 5
    assert views.canvas.shape == views.overlaps.shape == (6, 8)  # (i − 1)·s + k + a
    np.testing.assert_array_equal(views.canvas, views.overlaps)  # ones stamp their count
    # the output padding row and column: no stamp reaches them
    assert not views.overlaps[-1].any() and not views.overlaps[:, -1].any()


@pytest.mark.parametrize(("k", "s"), [(3, 1), (4, 2), (6, 3), (3, 2), (5, 2), (2, 3), (1, 2)])
def test_interior_overlaps_are_even_exactly_when_the_stride_divides_the_kernel(k, s):
    views = transpose_views(np.ones((6, 6)), np.ones((k, k)), stride=s)
    counts = views.interior_overlaps()
    assert counts.size > 0
    even = counts.min() == counts.max()
    assert even == (k % s == 0)
    per_axis = {k // s, -(-k // s)}
    assert set(np.unique(counts)) <= {a * b for a in per_axis for b in per_axis}
    assert (counts.min() == 0) == (s > k)  # gaps only when the stride exceeds the kernel


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stride": 2, "output_padding": 2}, "output_padding must be smaller than the stride"),
        ({"padding": 3}, "padding along the rows crops"),
        ({"padding": 3, "stride": 2, "output_padding": 1}, "cuts off every one of the rows"),
        ({"stride": 0}, "stride"),
    ],
)
def test_impossible_settings_raise_the_sentence_of_conv2d_transpose(kwargs, message):
    with pytest.raises(ValueError, match=message):
        transpose_views(np.ones((2, 2)), np.ones((3, 3)), **kwargs)


def test_bad_inputs_say_what_is_wrong():
    with pytest.raises(ValueError, match="must not be empty"):
        transpose_views(np.ones((0, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="x"):
        transpose_views(np.ones(3), np.ones((2, 2)))
    views = transpose_views(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="r"):
        views.stamp(2, 0)
