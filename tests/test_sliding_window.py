"""cnnlab.lessons.sliding_window and layer_stacks: the worked examples and counting maps of
notebooks 01-04."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import cnnlab
from cnnlab import lessons
from cnnlab.kernels import curve_detector


def _coverage_brute_force(h, w, k, stride, padding):
    """Count windows per pixel by walking every window position (the definition)."""
    (pt, pb), (pl, pr) = cnnlab.resolve_padding(padding, (h, w), k, stride)
    oh, ow = cnnlab.output_shape((h, w), k, stride, ((pt, pb), (pl, pr)))
    counts = np.zeros((h + pt + pb, w + pl + pr), dtype=int)
    for i in range(oh):
        for j in range(ow):
            counts[i * stride : i * stride + k, j * stride : j * stride + k] += 1
    return counts[pt : pt + h, pl : pl + w]


@pytest.mark.parametrize(
    ("h", "w", "k", "stride", "padding"),
    [
        (6, 6, 3, 1, "valid"),
        (7, 5, 3, 2, "valid"),
        (7, 7, 3, 3, "valid"),
        (8, 6, 2, 2, 1),
        (5, 5, 3, 1, "same"),
        (5, 5, 3, 1, "full"),
        (6, 6, 3, 2, "same"),
    ],
)
def test_coverage_count_matches_brute_force(h, w, k, stride, padding):
    got = lessons.coverage_count((h, w), k, stride=stride, padding=padding)
    np.testing.assert_array_equal(got, _coverage_brute_force(h, w, k, stride, padding))


def test_coverage_count_edge_effect_and_conv_identity():
    counts = lessons.coverage_count((10, 12), 5)
    assert counts[0, 0] == counts[-1, -1] == 1
    assert counts[4:-4, 4:-4].min() == counts.max() == 25
    # Coverage of a valid stride-1 conv = full correlation of the output's ones with the kernel's
    spread = cnnlab.conv2d(np.ones((6, 8)), np.ones((5, 5)), padding="full")
    np.testing.assert_array_equal(counts, spread)
    # 'full' padding covers every pixel k*k times
    assert np.all(lessons.coverage_count((6, 6), 3, padding="full") == 9)


def test_coverage_count_dilation_and_leftover_column():
    counts = lessons.coverage_count((1, 7), (1, 3), stride=3)
    np.testing.assert_array_equal(counts, [[1, 1, 1, 1, 1, 1, 0]])  # the last column is lost
    dilated = lessons.coverage_count((1, 5), (1, 2), dilation=3)
    np.testing.assert_array_equal(dilated, [[1, 1, 0, 1, 1]])


# --------------------------------------------------------------------------------------------
# coverage_count (the one implementation; plotting and figures use it)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "k", "stride", "padding", "dilation"),
    [
        ((6, 6), 3, 1, "valid", 1),
        ((6, 5), 3, 1, "same", 1),
        ((7, 7), 3, 2, "valid", 1),
        ((7, 8), 2, (2, 3), "full", 2),
        ((5, 5), 3, 1, 1, 2),
    ],
)
def test_coverage_count_equals_conv2d_sensitivity(shape, k, stride, padding, dilation):
    """With a kernel of ones, the output changes by `count` when one pixel grows by 1."""
    counts = lessons.coverage_count(shape, k, stride=stride, padding=padding, dilation=dilation)
    ones = np.ones((k, k))
    for r in range(shape[0]):
        for c in range(shape[1]):
            e = np.zeros(shape)
            e[r, c] = 1.0
            out = cnnlab.conv2d(e, ones, stride=stride, padding=padding, dilation=dilation)
            assert counts[r, c] == out.sum()


def test_coverage_count_validates():
    with pytest.raises(ValueError, match="kernel_size"):
        lessons.coverage_count((3, 3), 5)
    with pytest.raises(TypeError, match="stride"):
        lessons.coverage_count((3, 3), 2, stride=1.5)


def test_example_6x6_gives_the_worked_map_and_fresh_copies():
    x, kernel = lessons.example_6x6()
    out = cnnlab.conv2d(x, kernel)
    assert out.shape == (4, 4)
    assert out[0, 0] == 3 + 1 + 2 - 1 - 8 - 2  # first column minus third column
    x[0, 0] = 99
    assert lessons.example_6x6()[0][0, 0] == 3


def test_curve_patches_give_the_classic_responses():
    k = curve_detector()
    match = lessons.curve_patch("match")
    assert cnnlab.conv2d(match, k).item() == 6600 == 30 * (50 + 50 + 50 + 20 + 50)
    assert cnnlab.conv2d(lessons.curve_patch("elsewhere"), k).item() == 0
    # the matching curve has bright pixels off the kernel's curve too (a drawn, imperfect curve)
    assert ((match > 0) & (k == 0)).any()
    with pytest.raises(ValueError, match="kind"):
        lessons.curve_patch("mouse")


@pytest.mark.parametrize(
    ("i", "k", "s", "p"), list(itertools.product([5, 7, 8], [1, 3], [1, 2, 3], [0, 1]))
)
def test_leftover_matches_the_last_window_end(i, k, s, p):
    o = cnnlab.output_size(i, k, s, p)
    last_end = (o - 1) * s + k  # one past the last padded index the windows reach
    assert lessons.leftover(i, k, s, p) == i + 2 * p - last_end


def test_leftover_known_values():
    assert [lessons.leftover(7, 3, s) for s in (1, 2, 3)] == [0, 0, 1]
    assert lessons.leftover(227, 11, 4) == 0
    assert lessons.leftover(224, 11, 4) == 1  # why AlexNet's "224" input does not fit
    with pytest.raises(ValueError, match="does not fit"):
        lessons.leftover(2, 3)


def test_same_padding_table_rows():
    rows = lessons.same_padding_table([5, 6, 7], [1, 2], kernel_size=3)
    assert len(rows) == 6
    for row in rows:
        assert row["tf_out"] == -(-row["i"] // row["s"])
        before, after = row["tf_pad"]
        assert after - before in (0, 1)  # the extra row/column goes at the bottom/right
        assert row["textbook_out"] == row["tf_out"]  # odd k: same size, maybe other padding
    row = next(r for r in rows if (r["i"], r["s"]) == (6, 2))
    assert row["tf_pad"] == (0, 1) and row["textbook_p"] == 1
    even = lessons.same_padding_table([8], [1], kernel_size=4)[0]
    assert even["tf_out"] == 8 and even["textbook_out"] == 9 and even["tf_pad"] == (1, 2)


def test_same_padding_table_matches_keras():
    import keras  # a hard dependency: a missing Keras must fail, not skip

    for row in lessons.same_padding_table([5, 6, 7, 28], [1, 2, 3], kernel_size=4) + (
        lessons.same_padding_table([5, 6, 7], [2, 3], kernel_size=3)
    ):
        layer = keras.layers.Conv2D(1, row["k"], strides=row["s"], padding="same")
        shape = layer.compute_output_shape((None, row["i"], row["i"], 1))
        assert shape[1] == shape[2] == row["tf_out"], row


def test_volume_shapes_and_validation():
    layers = [
        {"kind": "conv", "filters": 32, "kernel_size": 3, "padding": "same"},
        {"kind": "pool", "pool_size": 2},
        {"kind": "conv", "filters": 64, "kernel_size": 3, "stride": 2},
    ]
    assert lessons.volume_shapes((28, 28, 1), layers) == [
        (28, 28, 1),
        (28, 28, 32),
        (14, 14, 32),
        (6, 6, 64),
    ]
    with pytest.raises(ValueError, match="kind"):
        lessons.volume_shapes((28, 28, 1), [{"kind": "dense"}])
    with pytest.raises(ValueError, match="input_shape"):
        lessons.volume_shapes((28, 28), [])
