"""Headless tests of the transposed-convolution explorer (notebook 07).

The sliders are driven from Python through their whole grid. For each setting the test checks
that no exception escaped, that the output the explorer shows equals the scatter loop
``cnnlab.conv2d_transpose_naive`` (itself tested against Keras's ``Conv2DTranspose``) and a
scatter written here, that the panels are drawn in that array's colours, that the readout holds
the output-size formula with the right numbers, and that impossible settings show cnnlab's
sentence and recover.
"""

from __future__ import annotations

import io
import itertools

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

import cnnlab
from cnnlab.widgets import TransposeExplorer, pictures, png, transpose_explorer
from cnnlab.widgets.transpose import INPUT_KINDS, stamps_per_cell, values_of

SIDE = 48  # small panels: the grid tests correctness, not looks


def drawn_indices(data, shape, side=SIDE):
    """The colormap indices of an ``(h, w)`` array drawn (enlarged) at the top left of ``data``."""
    img = Image.open(io.BytesIO(data))
    assert img.mode == "P", "colour-mapped panels are palette PNGs"
    k = png.scale_for(shape, side)
    pixels = np.asarray(img)[: shape[0] * k : k, : shape[1] * k : k]
    assert pixels.shape == tuple(shape)
    return pixels


def assert_drawn(explorer, panel, values):
    idx, _, _ = png.color_indices(values)
    shown = drawn_indices(explorer.panels[panel].value, values.shape, explorer.side)
    np.testing.assert_array_equal(shown, idx)


def scatter(x, kernel, s, p, a):
    """Independent oracle: every input value stamps value·kernel, s apart; p cut off each side."""
    (h, w), (k, _) = x.shape, kernel.shape
    oh, ow = (h - 1) * s + k - 2 * p + a, (w - 1) * s + k - 2 * p + a
    canvas = np.zeros((oh + 2 * p + k, ow + 2 * p + k))
    for r, c in itertools.product(range(h), range(w)):
        canvas[r * s : r * s + k, c * s : c * s + k] += x[r, c] * kernel
    return canvas[p : p + oh, p : p + ow]


def test_the_shared_sliders_and_its_own_controls():
    ex = transpose_explorer(display_side=SIDE)
    assert isinstance(ex, widgets.VBox) and TransposeExplorer is transpose_explorer
    for name in ("kernel size", "stride", "padding", "output padding", "input size"):
        slider = ex.controls[name]
        assert isinstance(slider, widgets.IntSlider)
        assert slider.description == name
        assert slider.style.description_width == "initial"
    assert "padding preset" not in ex.controls  # padding is an amount p, cut off each side
    assert ex.controls["input"].options == ex.controls["kernel"].options == INPUT_KINDS
    assert ex.message == "" and ex.result.shape == (7, 7)  # (3 − 1)·2 + 3


@pytest.mark.parametrize("input_size", [1, 3])
def test_whole_slider_grid_matches_an_independent_scatter(input_size):
    ex = transpose_explorer(input_size=input_size, kernel_kind="random", display_side=SIDE)
    x = values_of("1, 2, 3, …", input_size, input_size)
    np.testing.assert_array_equal(ex.computed["views"].x, x)
    for k, s, p, a in itertools.product(range(1, 6), range(1, 5), range(0, 5), range(0, 4)):
        ex.set(kernel_size=k, stride=s, padding=p, output_padding=a)
        kernel = values_of("random", k, k, seed=2)
        o = (input_size - 1) * s + k - 2 * p + a
        if a >= s or o <= 0:
            with pytest.raises(ValueError) as info:
                cnnlab.lessons.transpose_views(x, kernel, stride=s, padding=p, output_padding=a)
            assert ex.message == str(info.value) and ex.result is None
            assert f"= {o}, so none: the ".replace("= -", "= −") in ex.readout
            continue
        assert ex.message == ""
        expected = scatter(x, kernel, s, p, a)
        np.testing.assert_allclose(ex.result, expected, atol=1e-12)
        np.testing.assert_allclose(
            ex.result,
            cnnlab.conv2d_transpose_naive(x, kernel, stride=s, padding=p, output_padding=a),
            atol=1e-12,
        )
        formula = f"({input_size} − 1)·{s} + {k} − 2·{p} + {a} = {o}, so {o}×{o}"
        assert f"output y: o = (i − 1)·s + k − 2p + a = {formula}" in ex.readout
        assert "differ by at most 0" in ex.readout or "differ by at most 1e-1" in ex.readout


def test_panels_show_the_three_ways_in_their_colours():
    ex = transpose_explorer(input_size=3, kernel_size=3, stride=2, kernel_kind="random")
    views = ex.computed["views"]
    for panel, values in [
        ("input x", views.x),
        ("kernel K", views.kernel),
        ("K rotated 180°", views.kernel[::-1, ::-1]),
    ]:  # numbered cells, as cnnlab.plotting.show_grid draws them
        assert ex.panels[panel].value == pictures.grid_svg(values, side=300)
    assert_drawn(ex, "output y", ex.result)
    assert_drawn(ex, "① zeros inserted", views.zero_inserted)
    assert_drawn(ex, "② scatter", views.canvas)
    assert_drawn(ex, "③ Cᵀ", views.matrix.T)
    # the zero-inserted input holds the input values 2 apart, 2 = k − 1 cells from the edge
    np.testing.assert_array_equal(views.zero_inserted[2:-2:2, 2:-2:2], views.x)
    assert ex.captions["③ Cᵀ"].value == "③ Cᵀ, 49×9"
    assert ex.captions["① zeros inserted"].value == "① zeros inserted, 9×9"
    assert ex.captions["output y"].value == "output y, 7×7"


def test_input_pixel_follows_the_input_size_and_is_named_in_every_view():
    ex = transpose_explorer(input_size=3, kernel_size=3, stride=2, display_side=SIDE)
    assert ex.controls["input pixel"].max == 8
    ex.set(input_pixel=5)  # (1, 2), value 6
    assert (
        "input pixel (1, 2) = 6 (framed in ① and ③, its stamp in the output): its stamp covers output rows 2–4, columns 4–6"
        in ex.readout
    )
    assert "it multiplies column 5 of Cᵀ" in ex.readout
    ex.set(input_size=2)
    assert ex.controls["input pixel"].max == 3 and ex.settings.pixel == 3
    assert "input pixel (1, 1) = 4 " in ex.readout
    ex.set(input_size=3, input_pixel=0, kernel_size=2, padding=2)  # its stamp is cut off
    assert ex.result.shape == (2, 2)
    assert "its whole stamp falls in the padding, which is cut off" in ex.readout


@pytest.mark.parametrize(
    ("k", "s", "words"),
    [
        (3, 2, "checkerboard: cells away from the border get 1 to 4 stamps"),
        (4, 2, "every cell away from the border gets 4 stamps: the stride 2 divides 4"),
        (1, 2, "stride 2 > kernel size 1: gaps"),
        (3, 1, "every cell away from the border gets 9 stamps"),
    ],
)
def test_readout_names_the_checkerboard(k, s, words):
    ex = transpose_explorer(input_size=4, kernel_size=k, stride=s, display_side=SIDE)
    assert words in ex.readout


@pytest.mark.parametrize(("k", "s"), list(itertools.product(range(1, 6), range(1, 5))))
def test_stamps_per_cell_equals_the_counts_in_the_middle_of_a_large_input(k, s):
    views = cnnlab.lessons.transpose_views(np.ones((8, 8)), np.ones((k, k)), stride=s)
    counts = views.interior_overlaps()
    assert stamps_per_cell(k, s) == (counts.min(), counts.max())


def test_impossible_settings_show_a_sentence_and_recover():
    ex = transpose_explorer(stride=2, display_side=SIDE)
    ex.set(output_padding=2)
    assert ex.message.startswith("output_padding must be smaller than the stride")
    assert ex.result is None
    assert png.png_size(ex.panels["output y"].value) == (SIDE, SIDE)  # greyed out
    ex.set(output_padding=1)
    assert ex.message == "" and ex.result.shape == (8, 8)
    ex.set(padding=4)  # (3 − 1)·2 + 3 − 8 + 1 = 0: nothing left
    assert ex.message.startswith("padding=4 cuts off every one of the rows")
    assert "Use a padding of at most 3" in ex.message
    ex.set(output_padding=0)  # −1: the sentence of conv2d_transpose
    assert ex.message.startswith("padding along the rows crops")
    ex.set(padding=1)
    assert ex.message == "" and ex.result.shape == (5, 5)  # (3 − 1)·2 + 3 − 2 + 0


def test_values_of_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        values_of("zeros", 2, 2)
    assert np.count_nonzero(values_of("random", 5, 5)) == 25
