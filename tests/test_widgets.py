"""Headless tests of the explorers in cnnlab.widgets and of the pictures they draw.

Every explorer is driven through its whole slider grid by setting widget values from Python.
For each setting the test checks that no exception escaped, that the array the explorer shows
(``.result``) equals the cnnlab operation computed independently here, that the pixels drawn
into the result panel are that array's colours, that the readout holds the output-size formula
with the right numbers, and that impossible settings show cnnlab's sentence and recover.
Correctness grids use small images and small panels (``display_side``); a few points use the
real 512x512 camera image.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import itertools
from xml.etree import ElementTree

import ipywidgets as widgets
import matplotlib.pyplot
import numpy as np
import pytest
from PIL import Image

import cnnlab
from cnnlab import plotting
from cnnlab.activations import ACTIVATIONS, relu, softplus
from cnnlab.images import MAX_SIDE, load_image, to_float, to_gray
from cnnlab.kernels import get_kernel, parse_kernel
from cnnlab.lessons import example_6x6
from cnnlab.shapes import explain_output_shape as size_readout
from cnnlab.shapes import explain_output_size as size_formula
from cnnlab.widgets import (
    ConvSettings,
    activation_explorer,
    choices,
    conv_controls,
    conv_explorer,
    conv_settings,
    dropout_explorer,
    fc_explorer,
    pictures,
    png,
    pool_explorer,
    step_explorer,
    window_svg,
)

SMALL = np.random.default_rng(7).random((9, 11)).astype(np.float32)  # rows != columns
KERNEL_SIZES = range(1, 12)  # the "kernel size" slider: 1..11
STRIDES = range(1, 5)  # the "stride" slider: 1..4
PADDINGS = [*range(0, 6), "valid", "same", "full"]  # the "padding" slider and the presets
SIDE = 48  # small panels: the grids test correctness, not looks


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def expected_formula(i, k, s, p):
    """The readout's formula for a numeric padding, computed independently of cnnlab."""
    o = (i + 2 * p - k) // s + 1
    text = f"⌊({i} + 2·{p} − {k}) / {s}⌋ + 1 = {o}".replace("= -", "= −")
    return text if o >= 1 else text + ": no output, the kernel does not fit"


def drawn_indices(data, shape, side=SIDE):
    """The colormap indices of an ``(h, w)`` array drawn (enlarged) at the top left of ``data``."""
    img = Image.open(io.BytesIO(data))
    assert img.mode == "P", "colour-mapped panels are palette PNGs"
    k, f = png.scale_for(shape, side), png.reduction_for(shape, side)
    h, w = -(-shape[0] // f), -(-shape[1] // f)  # arrays larger than the panel: block means
    pixels = np.asarray(img)[: h * k : k, : w * k : k]
    assert pixels.shape == (h, w)
    return pixels


def assert_drawn(explorer, panel, values):
    """The panel shows exactly ``values`` in the colours of cnnlab.plotting (block means if big)."""
    idx, name, _ = png.shrunk_indices(values, png.reduction_for(values.shape, explorer.side))
    shown = drawn_indices(explorer.panels[panel].value, values.shape, explorer.side)
    np.testing.assert_array_equal(shown, idx)


def error_of(func, *args, **kwargs):
    with pytest.raises(ValueError) as info:
        func(*args, **kwargs)
    return str(info.value)


def png_bytes(image, fmt="PNG"):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def upload(explorer, content, name="photo.png"):
    explorer.controls["upload"].value = (
        {
            "name": name,
            "type": "image/png",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        },
    )


# --------------------------------------------------------------------------------------------
# controls, parsing, readouts
# --------------------------------------------------------------------------------------------
def test_conv_controls_are_the_same_sliders_everywhere():
    explorers = [
        conv_explorer(SMALL, kernel="box blur", display_side=SIDE),
        pool_explorer(SMALL, display_side=SIDE),
        activation_explorer(SMALL, kernel="box blur", display_side=SIDE),
        dropout_explorer(SMALL, kernel="box blur", display_side=SIDE),
        fc_explorer(SMALL, display_side=SIDE),
        step_explorer(),
    ]
    for ex in explorers:
        assert isinstance(ex, widgets.VBox)
        for name in ("kernel size", "stride", "padding"):
            slider = ex.controls[name]
            assert isinstance(slider, widgets.IntSlider)
            assert slider.description == name
            assert slider.style.description_width == "initial"
        assert ex.controls["padding preset"].options == ("number", "valid", "same", "full")


def test_conv_controls_preset_disables_the_padding_slider():
    controls = conv_controls(3, 2, "same")
    assert controls["padding"].disabled
    assert conv_settings(controls).padding == "same"
    controls["padding preset"].value = "number"
    controls["padding"].value = 4
    assert not controls["padding"].disabled
    assert conv_settings(controls) == ConvSettings(kernel_size=3, stride=2, padding=4)
    with pytest.raises(ValueError, match="padding must be an integer >= 0 or one of"):
        conv_controls(3, 1, "half")


def test_explorers_do_not_display_themselves(capsys):
    ex = conv_explorer(SMALL, display_side=SIDE)
    assert capsys.readouterr().out == ""
    assert ex.message == ""


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('echo hacked')",
        "1 0 -1; 2 0",
        "",
        "   ",
        "1e999 0",
        "nan 1",
        "1/0 1",
        "[[1, 2], [3]]",
        "lambda: 1",
        "1 2; 3 x",
        "; ".join(["1 " * 16] * 16),
    ],
)
def test_parse_kernel_rejects_garbage_with_a_sentence(text):
    with pytest.raises(ValueError, match="custom kernel"):
        parse_kernel(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 0 -1; 2 0 -2; 1 0 -1", [[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
        ("1, 0, -1\n2, 0, -2\n1, 0, -1", [[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
        ("[[1, 0], [0, 1]]", [[1, 0], [0, 1]]),
        ("1/4 1/4; 1/4 1/4", [[0.25, 0.25], [0.25, 0.25]]),
        ("\u22121 .5 2e-1", [[-1, 0.5, 0.2]]),
    ],
)
def test_parse_kernel_accepts_numbers(text, expected):
    np.testing.assert_array_equal(parse_kernel(text), np.array(expected, dtype=float))


def test_size_formula_matches_the_worked_examples():
    assert size_formula(512, 3, 2, 1) == "⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256"
    assert size_formula(227, 11, 4, 0) == "⌊(227 + 2·0 − 11) / 4⌋ + 1 = 55"  # AlexNet
    assert size_formula(512, 3, 2, "same") == (
        "'same': ⌈512 / 2⌉ = 256, padding 0 before + 1 after; ⌊(512 + 0 + 1 − 3) / 2⌋ + 1 = 256"
    )
    assert size_formula(120, 5, 1, "full") == (
        "'full': padding 5 − 1 = 4 on each side; ⌊(120 + 2·4 − 5) / 1⌋ + 1 = 124"
    )
    assert size_formula(7, 3, 1, 0, dilation=2) == (
        "effective kernel 2·(3 − 1) + 1 = 5; ⌊(7 + 2·0 − 5) / 1⌋ + 1 = 3"
    )
    assert size_formula(6, 7, 1, 0).endswith("= 0: no output, the kernel does not fit")
    assert size_readout((300, 451), 3, 1, 0).splitlines() == [
        "output: 298 × 449",
        "rows: ⌊(300 + 2·0 − 3) / 1⌋ + 1 = 298",
        "columns: ⌊(451 + 2·0 − 3) / 1⌋ + 1 = 449",
    ]


# --------------------------------------------------------------------------------------------
# the renderer draws plotting's colours
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "values",
    [
        SMALL,
        SMALL - 0.5,
        (SMALL * 255).astype(np.uint8),
        SMALL.astype(bool),
        np.full((3, 4), 2.0),
        np.array([[np.nan, 1.0, -3.0]]),
        np.linspace(-7, 3, 500).reshape(20, 25),
    ],
)
def test_color_indices_give_the_colours_of_plotting(values):
    idx, name, limits = png.color_indices(values)
    palette = np.frombuffer(png.palette(name), np.uint8).reshape(256, 3)
    expected = plotting.colorize(values)
    finite = np.isfinite(np.asarray(values, dtype=float))
    np.testing.assert_array_equal(palette[idx][finite], expected[finite])
    assert name == plotting.cmap_for(values)
    assert limits == plotting.display_limits(values)


def test_array_to_png_enlarges_small_arrays_by_an_integer_factor():
    data = png.array_to_png(np.arange(12.0).reshape(3, 4))
    assert png.png_size(data) == (4 * 128, 3 * 128)
    pixels = drawn_indices(data, (3, 4), png.DISPLAY_SIDE)
    np.testing.assert_array_equal(pixels, png.color_indices(np.arange(12.0).reshape(3, 4))[0])
    rgb = png.array_to_png(np.zeros((5, 5, 3), np.uint8), scale=3)
    assert Image.open(io.BytesIO(rgb)).mode == "RGB"
    assert png.png_size(rgb) == (15, 15)


# --------------------------------------------------------------------------------------------
# convolution explorer
# --------------------------------------------------------------------------------------------
def test_conv_explorer_whole_slider_grid_on_a_small_image():
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    h, w = SMALL.shape
    for k, s, p in itertools.product(KERNEL_SIZES, STRIDES, PADDINGS):
        ex.set(kernel_size=k, stride=s, padding=p)
        kernel = get_kernel("box blur", k)
        pads = cnnlab.resolve_padding(p, SMALL.shape, k, s)
        fits = all(n + a + b >= k for n, (a, b) in zip(SMALL.shape, pads, strict=True))
        if isinstance(p, int):
            assert f"rows: {expected_formula(h, k, s, p)}" in ex.readout
            assert f"columns: {expected_formula(w, k, s, p)}" in ex.readout
        if fits:
            assert ex.message == "", (k, s, p, ex.message)
            expected = cnnlab.conv2d(SMALL, kernel, stride=s, padding=p)
            np.testing.assert_allclose(ex.result, expected, rtol=1e-5, atol=1e-6)
            assert_drawn(ex, "feature map", ex.result)
            oh, ow = expected.shape
            assert ex.readout.splitlines()[1] == f"feature map: {oh} × {ow}"
        else:
            assert ex.result is None
            assert ex.message == error_of(cnnlab.conv2d, SMALL, kernel, stride=s, padding=p)
            assert "does not fit" in ex.message and "Traceback" not in ex.message
            assert ex.readout.splitlines()[1] == "feature map: none"


def test_conv_explorer_impossible_setting_recovers():
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    ex.set(kernel_size=11, padding=0)
    assert ex.message.startswith("kernel_size=11 does not fit")
    assert ex.captions["kernel"].value == "kernel box blur 11×11"  # drawn, the map is not
    assert ex._message_html.layout.display is None and "does not fit" in ex._message_html.value
    assert png.png_size(ex.panels["feature map"].value) == (SIDE, SIDE)  # greyed out
    ex.set(padding=1)  # 9 + 2 >= 11: fits again
    assert ex.message == "" and ex._message_html.layout.display == "none"
    np.testing.assert_allclose(
        ex.result, cnnlab.conv2d(SMALL, get_kernel("box blur", 11), padding=1), rtol=1e-5
    )


def test_conv_explorer_dilation_and_padding_modes():
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    for d, k in itertools.product(range(1, 5), range(1, 6)):
        ex.set(dilation=d, kernel_size=k, padding=2)
        kd = d * (k - 1) + 1
        if d > 1:
            assert f"effective kernel {d}·({k} − 1) + 1 = {kd}" in ex.readout
        kernel = get_kernel("box blur", k)
        if SMALL.shape[0] + 4 >= kd:
            expected = cnnlab.conv2d(SMALL, kernel, padding=2, dilation=d)
            np.testing.assert_allclose(ex.result, expected, rtol=1e-5, atol=1e-6)
        else:
            assert ex.message == error_of(cnnlab.conv2d, SMALL, kernel, padding=2, dilation=d)
    ex.set(dilation=1, kernel_size=3, stride=1, padding=2)
    zero = ex.result.copy()
    for mode, pad_mode in (("reflect", "reflect"), ("replicate", "replicate")):
        ex.set(padding_mode=mode)
        padded = cnnlab.pad2d(SMALL, 2, mode=pad_mode)
        expected = cnnlab.conv2d(padded, get_kernel("box blur", 3))
        np.testing.assert_allclose(ex.result, expected, rtol=1e-5, atol=1e-6)
        assert not np.allclose(ex.result[0], zero[0])  # the border differs from zero padding
        np.testing.assert_allclose(ex.result[2:-2, 2:-2], zero[2:-2, 2:-2], rtol=1e-5)


def test_big_maps_are_sent_at_about_their_displayed_size():
    """A 510×510 feature map in a 320-px panel: 255×255 means of 2×2 blocks, full-map colours."""
    ex = conv_explorer()  # camera, vertical Sobel, default panels
    fmap = ex.result
    assert ex.side == 320 and fmap.shape == (510, 510)
    assert png.png_size(ex.panels["feature map"].value) == (255, 255)
    lo, hi = -np.abs(fmap).max(), np.abs(fmap).max()  # the colour bar's limits: the whole map
    block = fmap[100:102, 200:202].mean()
    expected = min(255, int((block - lo) / (hi - lo) * 256))
    shown = np.asarray(Image.open(io.BytesIO(ex.panels["feature map"].value)))
    assert shown[50, 100] == expected
    assert ex.colorbars["feature map"].value == pictures.colorbar_html("RdBu_r", lo, hi)
    big = conv_explorer(display_side=512)  # a panel as large as the map: every pixel
    assert png.png_size(big.panels["feature map"].value) == (510, 510)


def test_conv_explorer_on_the_camera():
    ex = conv_explorer()  # camera, vertical Sobel, 512x512 panels
    camera = load_image("camera")
    np.testing.assert_allclose(
        ex.result, cnnlab.conv2d(camera, get_kernel("sobel vertical", 3)), rtol=1e-5, atol=1e-5
    )
    assert_drawn(ex, "feature map", ex.result)
    ex.set(kernel_size=3, stride=2, padding=1)
    assert "rows and columns: ⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256" in ex.readout
    assert ex.result.shape == (256, 256)
    ex.set(padding="same")
    assert (
        "'same': ⌈512 / 2⌉ = 256, padding 0 before + 1 after; ⌊(512 + 0 + 1 − 3) / 2⌋ + 1 = 256"
        in ex.readout
    )
    np.testing.assert_allclose(
        ex.result,
        cnnlab.conv2d(camera, get_kernel("sobel vertical", 3), stride=2, padding="same"),
        rtol=1e-5,
        atol=1e-5,
    )
    ex.set(kernel_size=4)  # the Sobel kernel needs an odd size: the slider moves on to 5
    assert ex.controls["kernel size"].value == 5
    assert ex.message == "" and ex.result.shape == (256, 256)
    assert "kernel sobel vertical 5×5" in ex.readout
    ex.set(image="chelsea", padding=0, stride=1, kernel_size=3)
    assert ex.readout.splitlines()[0].startswith("input 300×451, converted to gray")
    assert "rows: ⌊(300 + 2·0 − 3) / 1⌋ + 1 = 298" in ex.readout
    assert "columns: ⌊(451 + 2·0 − 3) / 1⌋ + 1 = 449" in ex.readout
    assert ex.result.shape == (298, 449)


def test_conv_explorer_custom_kernel_text():
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    ex.set(kernel="custom")
    assert ex.controls["kernel size"].disabled
    ex.controls["custom kernel"].value = "__import__('os')"
    assert ex.result is None
    assert ex.message.startswith("custom kernel: \"__import__('os')\" is not a number")
    assert ex.captions["kernel"].value == "kernel: none" and ex.readout == ""
    ex.controls["custom kernel"].value = "1 0 -1; 2 0 -2; 1 0 -1"
    assert ex.message == ""
    assert ex.controls["kernel size"].value == 3
    sobel_like = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)
    np.testing.assert_allclose(ex.result, cnnlab.conv2d(SMALL, sobel_like), rtol=1e-5)
    assert_drawn(ex, "feature map", ex.result)
    ex.set(kernel="sharpen")
    assert not ex.controls["kernel size"].disabled


@pytest.mark.parametrize(
    "image",
    [
        SMALL > 0.5,  # bool
        (SMALL * 255).astype(np.uint8),  # uint8
        np.dstack([SMALL, SMALL[::-1], 1 - SMALL]),  # RGB float
        np.dstack([(SMALL * 255).astype(np.uint8)] * 3 + [np.zeros(SMALL.shape, np.uint8)]),
    ],
    ids=["bool", "uint8", "rgb", "rgba"],
)
def test_conv_explorer_accepts_any_image_array(image):
    ex = conv_explorer(image, kernel="box blur", display_side=SIDE)
    assert ex.message == ""
    gray = to_gray(to_float(image))
    np.testing.assert_allclose(ex.result, cnnlab.conv2d(gray, get_kernel("box blur", 3)), rtol=1e-5)


def test_uploads_rgba_huge_broken_and_too_large(monkeypatch):
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    rgba = np.zeros((30, 40, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = np.arange(40, dtype=np.uint8) * 6, 128
    upload(ex, png_bytes(Image.fromarray(rgba, "RGBA")), "rgba.png")
    assert ex.controls["image"].value == "upload: rgba.png"
    gray = to_gray(rgba)  # alpha dropped
    np.testing.assert_allclose(ex.result, cnnlab.conv2d(gray, get_kernel("box blur", 3)), rtol=1e-5)

    huge = Image.fromarray(
        (np.random.default_rng(0).random((1500, 2100, 3)) * 255).astype(np.uint8)
    )
    upload(ex, png_bytes(huge, "JPEG"), "huge.jpg")
    assert ex.message == ""
    image = ex.image_choice.image()
    assert max(image.shape[:2]) <= MAX_SIDE and image.shape[:2] == (300, 420)
    assert "huge.jpg (2100×1500) was shrunk to 420×300" in ex.readout
    assert ex.result.shape == (298, 418)

    upload(ex, b"this is not an image", "notes.txt")
    assert "is not an image file" in ex.message and ex.result is None
    monkeypatch.setattr(choices, "MAX_UPLOAD_PIXELS", 1000)
    upload(ex, png_bytes(Image.new("L", (50, 50))), "big.png")
    assert ex.message.startswith("upload: 'big.png' is 50×50 pixels, more than the 1,000")
    ex.set(image="camera")
    assert ex.message == "" and ex.result.shape == (510, 510)


def test_unexpected_errors_are_visible_and_cleared(monkeypatch):
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)

    def broken(settings):
        raise KeyError("a bug")

    monkeypatch.setattr(ex, "_compute", broken)
    ex.set(stride=2)
    assert ex.message.startswith("Unexpected error (KeyError")
    assert any("KeyError: 'a bug'" in o.get("text", "") for o in ex.output.outputs)
    monkeypatch.undo()
    ex.set(stride=1)
    assert ex.message == "" and ex.output.outputs == ()


def test_explorers_keep_their_own_state():
    a = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    b = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    a.set(kernel_size=5, stride=2)
    assert b.result.shape == (7, 9) and a.result.shape == (3, 4)
    with pytest.raises(ValueError, match="'kernel_sise' is not a control"):
        a.set(kernel_sise=3)


# --------------------------------------------------------------------------------------------
# step-through explorer
# --------------------------------------------------------------------------------------------
def test_step_explorer_default_is_the_worked_example():
    x, kernel = example_6x6()
    ex = step_explorer()
    np.testing.assert_array_equal(ex.result, cnnlab.conv2d(x, kernel))
    assert ex.controls["position"].max == 15 and ex.controls["play"].max == 15
    assert "rows and columns: ⌊(6 + 2·0 − 3) / 1⌋ + 1 = 4" in ex.readout
    window = ex.window
    before = ex.panels["sliding window"].value
    ex.controls["play"].value = 6  # the play button drives the position slider
    assert ex.controls["position"].value == 6
    assert ex.computed["cell"] == (1, 2)
    assert ex.computed["window_cells"] == ex.window.window_cells(6)
    assert ex.readout.splitlines()[-1].startswith("step 7 of 16: the window covers rows 1–3")
    assert ex.panels["sliding window"].value != before
    assert ex.window is window  # moving the window keeps the model, only the picture changes
    ex.set(stride=2)
    assert ex.window is not window and ex.window.stride == (2, 2)


def test_step_explorer_every_slider_value_and_every_position():
    x, kernel = example_6x6()
    ex = step_explorer()
    grid = [("kernel size", v) for v in range(1, 8)]
    grid += [("stride", v) for v in range(1, 5)]
    grid += [("padding", v) for v in [0, 1, 2, 3, "valid", "same", "full"]]
    grid += [("dilation", 2)]
    ex.set(kernel="box blur")
    for name, value in grid:
        settings = {"kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}
        settings[name.replace(" ", "_")] = value
        ex.set(**settings)
        k = get_kernel("box blur", settings.pop("kernel_size"))
        try:
            expected = cnnlab.conv2d(x, k, **settings)
        except ValueError as err:
            assert ex.message == str(err) and ex.result is None
            continue
        assert ex.message == "", (name, value, ex.message)
        np.testing.assert_allclose(ex.result, expected, rtol=1e-6)
        n = expected.size
        assert ex.controls["position"].max == n - 1
        step = n - 1
        ex.set(position=step)
        assert ex.computed["step"] == step
        assert ex.computed["window_cells"] == ex.window.window_cells(step)
        assert f"step {n} of {n}:" in ex.readout
    ex.set(kernel_size=3, stride=2, padding=1, dilation=1)  # 3x3 positions, 2 cells apart
    for step in range(ex.controls["position"].max + 1):
        ex.set(position=step)
        assert ex.computed["cell"] == divmod(step, ex.result.shape[1])
        assert ex.computed["window_cells"] == ex.window.window_cells(step)


def _pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _panel_cells(drawing, geometry, panel, shape):
    """The cells of one panel of the sliding-window drawing: fills and orange frames."""
    x0, y0 = geometry["origins"][panel]
    cell = geometry["cell"]
    fills, framed = {}, set()
    for rect in _svg(drawing)[1]("rect"):
        x, y = float(rect.get("x", 0)), float(rect.get("y", 0))
        r, c = int((y - y0) // cell), int((x - x0) // cell)
        if not (0 <= r < shape[0] and 0 <= c < shape[1]):
            continue
        if rect.get("stroke") == plotting.HIGHLIGHT:
            framed.add((r, c))
        elif rect.get("fill") != "none" and float(rect.get("width")) == cell:
            fills[r, c] = rect.get("fill")
    return fills, framed


def test_sliding_window_svg_draws_the_window_and_fills_the_output_in_order():
    """The drawing highlights exactly the window's cells and fills the output in order."""
    x, kernel = example_6x6()
    window = cnnlab.lessons.SlidingWindow(x, kernel, stride=2, padding=1)
    geometry = window_svg.sliding_window_geometry(window)
    spec = plotting.sliding_window_panels(window)["output"]
    lut = np.frombuffer(png.palette(spec["cmap"]), np.uint8).reshape(256, 3)
    idx = png.color_indices(window.output, cmap=spec["cmap"], vmin=spec["vmin"], vmax=spec["vmax"])[
        0
    ]
    oh, ow = window.out_shape
    for step in range(window.n_steps):
        drawing = window_svg.sliding_window_svg(window, step)
        viewbox = _svg(drawing)[0].get("viewBox").split()
        assert tuple(int(v) for v in viewbox[2:]) == geometry["size"]
        fills, framed = _panel_cells(drawing, geometry, "input", window.padded.shape)
        assert framed == set(window.window_cells(step)), step
        pad_cells = {tuple(rc) for rc in np.argwhere(window.padded_mask)}
        assert {rc for rc, f in fills.items() if f == "#ececec"} == pad_cells  # hatched grey
        fills, framed = _panel_cells(drawing, geometry, "output", (oh, ow))
        assert framed == {window.output_index(step)}
        for n in range(oh * ow):
            r, c = divmod(n, ow)
            if n <= step:  # computed: the colour of conv2d's value
                assert fills[r, c] == "#{:02x}{:02x}{:02x}".format(*lut[idx[r, c]]), (step, r, c)
            else:  # not computed yet: blank
                assert fills[r, c] == "#f4f4f4", (step, r, c)


def test_step_explorer_picture_is_the_fresh_picture_of_its_step():
    """Moving back and forth leaves nothing of the previous steps behind."""
    ex = step_explorer(padding=1)
    for step in (0, 7, 3):
        ex.set(position=step)
    assert ex.panels["sliding window"].value == window_svg.sliding_window_svg(ex.window, 3)
    x, kernel = example_6x6()
    np.testing.assert_array_equal(ex.window.products(3), ex.window.window(3) * kernel)
    texts = _texts(ex.panels["sliding window"].value)
    assert ex.window.step_title(3) in texts


def test_sliding_window_svg_has_the_figures_proportions():
    """The drawing and SlidingWindowFigure share one layout (plotting.sliding_window_layout)."""
    x, kernel = example_6x6()
    for padding, stride in ((0, 1), (1, 2), ("full", 3)):
        window = cnnlab.lessons.SlidingWindow(x, kernel, stride=stride, padding=padding)
        with plotting.style_context():
            swf = plotting.SlidingWindowFigure(x, kernel, stride=stride, padding=padding)
        width, height = swf.fig.get_size_inches() * 80
        matplotlib.pyplot.close(swf.fig)
        viewbox = _svg(window_svg.sliding_window_svg(window, 0))[0].get("viewBox").split()
        w, h = float(viewbox[2]), float(viewbox[3])
        assert abs(w - width) / width < 0.02 and abs(h - height) / height < 0.02


def test_step_explorer_impossible_and_back():
    born = step_explorer(kernel="box blur", kernel_size=7)  # impossible from the start
    assert born.message.startswith("kernel_size=7 does not fit") and born.result is None
    assert born.output.outputs == ()  # a sentence, not a traceback
    assert born.set(padding=1).result.shape == (2, 2)
    ex = step_explorer()
    ex.set(kernel="box blur", kernel_size=7)
    assert ex.message.startswith("kernel_size=7 does not fit") and ex.result is None
    ex.set(padding=1)
    assert ex.message == "" and ex.result.shape == (2, 2)
    assert ex.controls["position"].max == 3


# --------------------------------------------------------------------------------------------
# pooling explorer
# --------------------------------------------------------------------------------------------
def test_pool_explorer_whole_slider_grid():
    ex = pool_explorer(SMALL, display_side=SIDE)
    h, w = SMALL.shape
    for (k, s, p), mode in zip(
        itertools.product(KERNEL_SIZES, STRIDES, PADDINGS), itertools.cycle(("max", "avg", "l2"))
    ):
        ex.set(kernel_size=k, stride=s, padding=p, mode=mode)
        if isinstance(p, int):
            assert f"rows: {expected_formula(h, k, s, p)}" in ex.readout
        try:
            expected = cnnlab.pool2d(SMALL, k, stride=s, padding=p, mode=mode)
        except ValueError as err:
            assert ex.message == str(err) and ex.result is None
            continue
        assert ex.message == "", (k, s, p, ex.message)
        np.testing.assert_allclose(ex.result, expected, rtol=1e-6)
        assert_drawn(ex, "pooled", ex.result)
        oh, ow = expected.shape
        assert ex.readout.splitlines()[-1].startswith(f"{oh * ow:,} of {h * w:,} values")


def test_pool_explorer_conv_map_colour_and_camera():
    ex = pool_explorer()  # the camera, 2x2 max pooling with stride 2
    camera = load_image("camera")
    np.testing.assert_array_equal(ex.result, cnnlab.pool2d(camera, 2))
    assert ex.readout.splitlines()[-1] == (
        "65,536 of 262,144 values per channel kept (25.0%); 75.0% discarded"
    )
    ex.set(pool="conv feature map", conv_kernel="sobel horizontal", mode="avg")
    fmap = cnnlab.conv2d(camera, get_kernel("sobel horizontal", 3), padding="same")
    np.testing.assert_allclose(ex.result, cnnlab.pool2d(fmap, 2, mode="avg"), rtol=1e-5, atol=1e-6)
    assert_drawn(ex, "pooled", ex.result)
    ex.set(pool="image", image="astronaut", mode="max", kernel_size=3, stride=3)
    astronaut = load_image("astronaut")
    assert ex.result.shape == (170, 170, 3)
    np.testing.assert_array_equal(ex.result, cnnlab.pool2d(astronaut, 3))
    ex.set(padding=3)  # padding must stay below the pool size
    assert ex.message == error_of(cnnlab.pool2d, astronaut, 3, stride=3, padding=3)
    ex.set(padding=1)
    assert ex.message == ""


def test_pool_explorer_drives_the_convolution_and_the_pooling():
    """Both sets of sliders are live: the conv's "kernel size"/"stride"/"padding" and the pool's."""
    ex = pool_explorer(SMALL, source="conv feature map", conv_kernel="box blur", display_side=SIDE)
    conv_box, pool_box = (
        ex.sections["convolution feeding the pool"],
        ex.sections["pooling (the kernel size is the pool size)"],
    )
    grid = conv_box.children[1].children
    for name in ("conv kernel", "conv kernel size", "conv stride", "conv padding"):
        assert ex.controls[name] in grid  # in the framed convolution box ...
    assert [ex.controls[n].description for n in ("conv kernel size", "conv stride")] == [
        "kernel size",
        "stride",
    ]  # ... made by the same builder, with the same labels
    assert ex.controls["kernel size"] in pool_box.children[1].children
    gray = to_gray(SMALL)
    h, w = SMALL.shape
    for (ck, cs, cp), (k, s) in zip(
        itertools.product(range(1, 8), (1, 2, 3), (0, 1, 2, "valid", "same", "full")),
        itertools.cycle(((2, 2), (3, 1), (1, 1), (3, 2))),
    ):
        ex.set(conv_kernel_size=ck, conv_stride=cs, conv_padding=cp, kernel_size=k, stride=s)
        if isinstance(cp, int):
            assert f"rows: {expected_formula(h, ck, cs, cp)}" in ex.readout
        try:
            fmap = cnnlab.conv2d(gray, get_kernel("box blur", ck), stride=cs, padding=cp)
            expected = cnnlab.pool2d(fmap, k, stride=s)
        except ValueError as err:
            assert ex.message == str(err) and ex.result is None, (ck, cs, cp, k, s)
            continue
        assert ex.message == "", (ck, cs, cp, k, s, ex.message)
        np.testing.assert_allclose(ex.computed["input"], fmap, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ex.result, expected, rtol=1e-5, atol=1e-6)
        assert_drawn(ex, "input", ex.computed["input"])
        assert_drawn(ex, "pooled", ex.result)
        assert ex.captions["input"].value == f"conv feature map {fmap.shape[0]}×{fmap.shape[1]}"


def test_pool_explorer_conv_box_is_off_while_pooling_the_image():
    ex = pool_explorer(SMALL, display_side=SIDE)  # pools the image
    conv = ("conv kernel", "conv kernel size", "conv stride", "conv padding", "conv padding preset")
    assert all(ex.controls[n].disabled for n in conv)
    assert "off" in ex.sections["convolution feeding the pool"].children[0].value
    ex.set(conv_kernel_size=7)  # no effect on the image's pooling
    np.testing.assert_array_equal(ex.result, cnnlab.pool2d(SMALL, 2))
    ex.set(pool="conv feature map")
    assert not any(ex.controls[n].disabled for n in conv if n != "conv padding")
    assert ex.controls["conv padding"].disabled  # the 'same' preset is chosen
    expected = cnnlab.conv2d(SMALL, get_kernel("sobel vertical", 7), padding="same")
    np.testing.assert_allclose(ex.computed["input"], expected, rtol=1e-5, atol=1e-5)
    ex.set(conv_padding=2)  # a number selects the slider
    assert ex.controls["conv padding preset"].value == "number"
    assert not ex.controls["conv padding"].disabled
    ex.set(conv_padding=0, conv_kernel_size=11)  # no feature map: both panels say so
    assert ex.message.startswith("kernel_size=11 does not fit") and ex.result is None
    assert ex.captions["input"].value == "conv feature map: none"
    ex.set(conv_kernel_size=3)
    assert ex.message == "" and ex.computed["input"].shape == (7, 9)


# --------------------------------------------------------------------------------------------
# kernels that exist at some sizes only
# --------------------------------------------------------------------------------------------
def slider_values(slider):
    """Every value a learner can drag the slider to (the browser snaps to min + n * step)."""
    return list(range(slider.min, slider.max + 1, slider.step))


ODD_KERNELS = ["sobel vertical", "sobel horizontal", "emboss", "outline"]


@pytest.mark.parametrize("name", ODD_KERNELS)
def test_odd_only_kernels_draw_a_picture_at_every_slider_value(name):
    fits = {"padding": "same", "display_side": SIDE}  # every size fits: only oddness matters
    explorers = {
        "conv": (conv_explorer(SMALL, kernel=name, **fits), "kernel size"),
        "activation": (activation_explorer(SMALL, kernel=name, **fits), "kernel size"),
        "step": (step_explorer(kernel=name, padding="full"), "kernel size"),
        "pool": (
            pool_explorer(SMALL, source="conv feature map", conv_kernel=name, display_side=SIDE),
            "conv kernel size",
        ),
    }
    for label, (ex, size_name) in explorers.items():
        slider = ex.controls[size_name]
        values = slider_values(slider)
        assert slider.step == 2 and values and all(v % 2 == 1 for v in values), label
        assert not slider.disabled and "odd size" in slider.tooltip
        for v in values:
            ex.set(**{size_name.replace(" ", "_"): v})
            assert ex.message == "", (label, v, ex.message)
            assert ex.result is not None
            settings = ex.computed["settings"]
            used = settings.conv_kernel if label == "pool" else settings.kernel
            np.testing.assert_array_equal(used.array, get_kernel(name, v))
        # dragging from 5 to 4 lands on 3, from 3 to 4 on 5 (values set from Python alike)
        ex.set(**{size_name.replace(" ", "_"): 5})
        slider.value = 4
        assert slider.value == 3 and ex.message == ""
        slider.value = 4
        assert slider.value == 5 and ex.message == ""


def test_kernel_size_slider_is_restored_for_other_kernels():
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    slider = ex.controls["kernel size"]
    assert (slider.min, slider.max, slider.step, slider.tooltip) == (1, 11, 1, None)
    ex.set(kernel_size=4)
    ex.set(kernel="sobel vertical")  # 4 does not exist: the next odd size
    assert (slider.min, slider.max, slider.step, slider.value) == (3, 11, 2, 5)
    assert ex.message == "" and ex.result.shape == (5, 7)
    ex.set(kernel="emboss")  # emboss exists as 1x1 too
    assert (slider.min, slider.step) == (1, 2)
    ex.set(kernel="gaussian blur", kernel_size=6)
    assert (slider.min, slider.max, slider.step, slider.value) == (1, 11, 1, 6)
    assert ex.message == "" and not slider.disabled


@pytest.mark.parametrize(("name", "size"), [("laplacian", 3), ("curve detector", 7)])
def test_fixed_size_kernels_disable_the_slider_with_a_tooltip(name, size):
    image = np.random.default_rng(1).random((12, 14))
    ex = conv_explorer(image, kernel="box blur", kernel_size=5, display_side=SIDE)
    ex.set(kernel=name)
    slider = ex.controls["kernel size"]
    assert slider.disabled and slider.value == size
    assert slider.tooltip == f"the {name} kernel only exists as {size}×{size}"
    assert ex.message == ""
    np.testing.assert_allclose(ex.result, cnnlab.conv2d(image, get_kernel(name, size)), rtol=1e-6)
    ex.set(kernel="box blur")
    assert not slider.disabled and slider.tooltip is None and slider.step == 1
    ex.set(kernel="custom")
    assert slider.disabled and "numbers typed" in slider.tooltip


def test_conv_controls_with_a_prefix():
    controls = conv_controls(5, 2, 1, prefix="conv ", dilation=2)
    assert set(controls) == {
        "conv kernel size",
        "conv stride",
        "conv padding",
        "conv padding preset",
        "conv dilation",
    }
    assert controls["conv padding"].description == "padding"
    merged = {**conv_controls(2, 2, "valid"), **controls}
    assert conv_settings(merged) == ConvSettings(kernel_size=2, stride=2, padding="valid")
    assert conv_settings(merged, prefix="conv ") == ConvSettings(5, 2, 1, dilation=2)
    merged["padding preset"].value = "number"  # each preset enables its own slider only
    assert not merged["padding"].disabled and not merged["conv padding"].disabled
    merged["conv padding preset"].value = "full"
    assert merged["conv padding"].disabled and not merged["padding"].disabled


# --------------------------------------------------------------------------------------------
# activation, dropout and fully connected explorers
# --------------------------------------------------------------------------------------------
def conv_map(k, s, p, image=SMALL, name="box blur"):
    return cnnlab.conv2d(image, get_kernel(name, k), stride=s, padding=p)


def test_activation_explorer_whole_slider_grid():
    ex = activation_explorer(SMALL, kernel="box blur", display_side=SIDE)
    names = itertools.cycle(ACTIVATIONS)
    for k, s, p in itertools.product(KERNEL_SIZES, STRIDES, PADDINGS):
        name = next(names)
        ex.set(kernel_size=k, stride=s, padding=p, activation=name)
        try:
            fmap = conv_map(k, s, p)
        except ValueError as err:
            assert ex.message == str(err) and ex.result is None
            continue
        assert ex.message == ""
        np.testing.assert_allclose(ex.computed["feature map"], fmap, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ex.result, ACTIVATIONS[name][0](fmap), rtol=1e-5, atol=1e-6)
        assert_drawn(ex, "after activation", ex.result)


def test_activation_explorer_relu_softplus_on_the_camera():
    ex = activation_explorer()  # camera, vertical Sobel, ReLU
    fmap = cnnlab.conv2d(load_image("camera"), get_kernel("sobel vertical", 3))
    np.testing.assert_allclose(ex.result, relu(fmap), rtol=1e-5, atol=1e-6)
    negative = float(np.mean(fmap < 0))
    assert f"ReLU max(0, x): {negative:.1%} of the values were negative" in ex.readout
    assert ex.controls["beta"].disabled
    ex.set(activation="softplus", beta=4.0)
    assert not ex.controls["beta"].disabled
    np.testing.assert_allclose(ex.result, softplus(fmap, beta=4.0), rtol=1e-5, atol=1e-6)
    assert 'viewBox="0 0 320 300"' in ex.panels["values before and after"].value


def test_dropout_explorer_grid_rates_phases_and_new_mask():
    ex = dropout_explorer(SMALL, kernel="box blur", display_side=SIDE)
    for k, s, p in itertools.product(KERNEL_SIZES, STRIDES, PADDINGS):
        ex.set(kernel_size=k, stride=s, padding=p)
        try:
            fmap = conv_map(k, s, p)
        except ValueError as err:
            assert ex.message == str(err) and ex.result is None
            continue
        expected = cnnlab.dropout(fmap, 0.5, rng=0)
        np.testing.assert_allclose(ex.result, expected, rtol=1e-5, atol=1e-6)
    ex.set(kernel_size=3, stride=1, padding=0)
    fmap = conv_map(3, 1, 0)
    for rate in np.arange(0, 0.91, 0.05).round(2):
        ex.set(rate=float(rate))
        out, mask = cnnlab.dropout(fmap, float(rate), rng=0, return_mask=True)
        np.testing.assert_allclose(ex.result, out, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(ex.computed["mask"], mask)
        assert f"{int(mask.sum()):,} of {mask.size:,} values kept" in ex.readout
    first = ex.computed["mask"].copy()
    ex.controls["new random mask"].click()
    assert ex.seed == 1 and not np.array_equal(ex.computed["mask"], first)
    ex.set(phase="inference")
    np.testing.assert_allclose(ex.result, fmap, rtol=1e-6)
    assert "inference: dropout does nothing" in ex.readout


def test_fc_explorer_whole_slider_grid_matches_shape_arithmetic():
    ex = fc_explorer(display_side=SIDE)  # 28x28 input, 32 filters, 2x2 pooling, 10 units
    for k, s, p in itertools.product(KERNEL_SIZES, STRIDES, PADDINGS):
        pool = (k + s) % 4 + 1  # every pool size 1..4 comes up
        ex.set(kernel_size=k, stride=s, padding=p, pool_size=pool)
        pads = cnnlab.resolve_padding(p, (28, 28), k, s)
        (a, b) = pads[0]
        conv_side = (28 + a + b - k) // s + 1
        if 28 + a + b < k:
            assert ex.message.startswith("Conv2D: kernel_size=") and ex.result is None
            continue
        side = conv_side // pool
        if side == 0:
            assert ex.message.startswith(f"MaxPooling2D({pool}): ") and ex.result is None
            continue
        assert ex.message == "", (k, s, p, pool, ex.message)
        shapes = ex.computed["shapes"]
        flat = side * side * 32
        assert shapes["flat"] == flat
        assert shapes["dense_params"] == flat * 10 + 10
        assert shapes["conv_params"] == k * k * 32 + 32
        assert f"flatten: {side}·{side}·32 = {flat:,} values" in ex.readout
        assert f"dense: {flat:,}·10 + 10 = {flat * 10 + 10:,} parameters" in ex.readout
        assert f"<td>{flat * 10 + 10:,}</td>" in ex.table.value
        x = ex.computed["input"]
        fmap = relu(cnnlab.conv2d(x, ex._filters[k], stride=s, padding=p))
        expected = cnnlab.pool2d(fmap, pool) if pool > 1 else fmap
        np.testing.assert_allclose(ex.result, expected, rtol=1e-6)


def test_fc_explorer_curriculum_numbers():
    ex = fc_explorer(input_size=420, kernel_size=5, filters=1, pool_size=1, units=128)
    assert ex.computed["shapes"]["conv"] == (416, 416, 1)
    assert ex.computed["shapes"]["conv_params"] == 26  # 5x5 weights + 1 bias
    assert ex.computed["shapes"]["flat"] == 416 * 416
    ex.set(filters=1, units=128, input_size=28, kernel_size=3, pool_size=2)
    assert "flatten: 13·13·1 = 169 values" in ex.readout


# --------------------------------------------------------------------------------------------
# the SVG drawings: colour bars, histograms, kernel grids
# --------------------------------------------------------------------------------------------
_SVG = "{http://www.w3.org/2000/svg}"


def _svg(markup):
    """The parsed drawing (it must be well-formed XML) and its elements by tag."""
    root = ElementTree.fromstring(markup)
    assert root.tag == _SVG + "svg"
    return root, lambda tag: root.iter(_SVG + tag)


def _texts(markup):
    return [t.text for t in _svg(markup)[1]("text")]


def _bar_parts(bar):
    """A colour bar's ramp colours (top to bottom, from its embedded PNG) and its labels."""
    uri = bar.split("background-image:url(", 1)[1].split(")", 1)[0]
    data = base64.b64decode(uri.split(",", 1)[1])
    ramp = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))[:, 0]
    labels = [part.split("</span>")[0].split('">')[-1] for part in bar.split("<span")[1:]]
    return ramp, labels


def test_feature_map_colour_bar_shows_the_maps_colormap_and_limits():
    ex = conv_explorer(SMALL, kernel="sobel vertical", display_side=SIDE)
    _, cmap, (lo, hi) = png.color_indices(ex.result)
    assert cmap == "RdBu_r" and lo == -hi  # a signed map: the diverging colormap, centred on 0
    bar = ex.colorbars["feature map"].value
    assert bar == pictures.colorbar_html(cmap, lo, hi)
    ramp, labels = _bar_parts(bar)
    assert labels == [pictures.tick_label(v) for v in (hi, 0.0, lo)]
    lut = np.frombuffer(png.palette("RdBu_r"), np.uint8).reshape(256, 3)
    np.testing.assert_array_equal(ramp, lut[::-1])  # the maps' 256 colours, top = hi
    # beside the map, which takes the rest of the width; as tall as the map (stretched)
    assert ex.colorbars["feature map"].layout.width == pictures.COLORBAR_WIDTH
    assert pictures.COLORBAR_WIDTH in ex.panels["feature map"].layout.width
    ex.set(kernel="box blur")  # unsigned: gray, other limits
    _, cmap, (lo, hi) = png.color_indices(ex.result)
    assert cmap == "gray"
    assert ex.colorbars["feature map"].value == pictures.colorbar_html(cmap, lo, hi)
    ex.set(kernel_size=11)  # no map: no bar
    assert ex.colorbars["feature map"].layout.visibility == "hidden"
    ex.set(kernel_size=3)
    assert ex.colorbars["feature map"].layout.visibility is None


def test_colour_bar_labels_top_middle_and_bottom():
    ramp, labels = _bar_parts(pictures.colorbar_html("gray", -2.0, 5.0))
    assert labels == ["5", "1.5", "−2"]
    assert ramp[0].tolist() == [255, 255, 255] and ramp[-1].tolist() == [0, 0, 0]  # white at 5
    assert _bar_parts(pictures.colorbar_html("gray", 0.0, 1.0))[1] == ["1", "0.5", "0"]


def _bar_heights(markup):
    return [float(r.get("height")) for r in _svg(markup)[1]("rect")]


def test_histogram_counts_the_values_on_a_shared_axis():
    values = np.array([-1.0, -1.0, 0.5, 2.0, np.nan, np.inf])
    hist = pictures.Histogram(300, 180, bins=6)
    drawing = hist.svg(values, value_range=(-1.0, 2.0))
    counts = np.histogram(values[:4], 6, range=(-1, 2))[0]
    np.testing.assert_array_equal(hist.counts, counts)
    assert hist.ticks == ["−1", "0", "2"] and _svg(drawing)[0].get("viewBox") == "0 0 300 180"
    heights = np.array(_bar_heights(drawing))  # proportional to the counts, the tallest full
    np.testing.assert_allclose(heights / heights.max(), counts / counts.max(), atol=0.01)
    assert [t for t in _texts(drawing) if t in hist.ticks] == hist.ticks
    hist.svg(np.arange(5.0))  # new data: no tick left over at 0
    assert hist.ticks == ["0", "4"] and hist.counts.sum() == 5
    two = pictures.Histogram(300, 300, bins=4, rows=2)
    drawing = two.svg([np.zeros(3), np.array([-1.0, 3.0])], title=["a", "b"])
    assert [c.tolist() for c in two.counts] == [[0, 3, 0, 0], [1, 0, 0, 1]]  # one axis: -1..3
    assert len(_bar_heights(drawing)) == 8 and {"a", "b"} <= set(_texts(drawing))
    with pytest.raises(ValueError, match="one entry per row"):
        two.svg([np.zeros(3)])


def test_activation_histograms_share_one_value_axis():
    ex = activation_explorer(SMALL - 0.5, kernel="sobel vertical", display_side=SIDE)
    fmap, out = ex.computed["feature map"], ex.result
    fresh = pictures.Histogram(rows=2).svg(
        [fmap, out], title=["before (the feature map)", "after ReLU"]
    )
    assert ex.panels["values before and after"].value == fresh
    counts = ex.histogram_counts
    lo, hi = min(fmap.min(), out.min()), max(fmap.max(), out.max())
    np.testing.assert_array_equal(counts[0], np.histogram(fmap, 40, range=(lo, hi))[0])
    np.testing.assert_array_equal(counts[1], np.histogram(out, 40, range=(lo, hi))[0])
    negative = int((fmap < 0).sum())  # ReLU piles every negative value onto 0
    assert counts[1][np.searchsorted(np.linspace(lo, hi, 41), 0.0, "right") - 1] >= negative
    ex.set(activation="tanh")  # another activation: other counts, the same map before
    np.testing.assert_array_equal(ex.histogram_counts[0], counts[0])
    assert not np.array_equal(ex.histogram_counts[1], counts[1])


def _cells(markup):
    """The fill colours of a grid's cells, row by row (the square rects), and its numbers."""
    rects = [r for r in _svg(markup)[1]("rect") if r.get("fill") != "none"]
    return [r.get("fill") for r in rects], _texts(markup)


def test_kernel_panel_is_plottings_grid_of_the_dilated_kernel():
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    ex.set(kernel_size=2, dilation=2)
    shown = np.array([[0.25, np.nan, 0.25], [np.nan] * 3, [0.25, np.nan, 0.25]])
    assert ex.panels["kernel"].value == pictures.grid_svg(shown, side=300)
    assert ex.captions["kernel"].value == "kernel box blur 2×2"
    # the cells: the blank NaN gaps, the kernel's colour and its numbers, as show_grid draws them
    fills, numbers = _cells(ex.panels["kernel"].value)
    nan = [1, 3, 4, 5, 7]  # row by row
    assert [fills[i] for i in nan] == ["#f4f4f4"] * 5 and numbers == ["0.25"] * 4
    # show_grid's limits for a kernel of 0s and 0.25s: gray from 0 to 1
    expected = "#{:02x}{:02x}{:02x}".format(
        *plotting.colorize(np.array([[0.25]]), vmin=0, vmax=1)[0, 0]
    )
    assert {fills[i] for i in (0, 2, 6, 8)} == {expected} == {"#404040"}


def test_grid_numbers_are_dark_on_light_cells_and_signed_with_a_real_minus():
    fills, numbers = _cells(pictures.grid_svg(np.array([[-1.0, 0.0, 1.0]]), side=120))
    assert numbers == ["−1", "0", "1"]  # the diverging colormap: blue, white, red
    colours = [
        t.get("fill") for t in _svg(pictures.grid_svg(np.array([[-1.0, 0.0, 1.0]])))[1]("text")
    ]
    assert colours == ["#fff", "#000", "#fff"] and fills[1] in ("#f7f7f7", "#f6f6f6", "#f7f6f6")


def test_grid_svg_is_cached_by_value():
    a = pictures.grid_svg(np.eye(3), side=120)
    assert pictures.grid_svg(np.eye(3), side=120) is a  # drawn once
    assert pictures.grid_svg(2 * np.eye(3), side=120) != a  # same colours, other numbers
    with pytest.raises(ValueError, match="values must"):
        pictures.grid_svg(np.ones(3))


def test_training_curve_marks_the_frame_on_log_axes():
    curve = pictures.TrainingCurve()
    steps, losses = np.array([0, 1, 10, 100]), np.array([1.0, 0.1, 0.01, 0.001])
    first = curve.svg(steps, losses, None, 0)
    last = curve.svg(steps, losses, None, 3)
    (line,) = _svg(first)[1]("polyline")
    points = np.array([p.split(",") for p in line.get("points").split()], float)
    # log loss, symlog steps: equal decades are equal distances, from step 1 on
    assert np.allclose(np.diff(points[1:, 0]), points[2, 0] - points[1, 0], atol=0.02)
    assert np.allclose(np.diff(points[:, 1]), points[1, 1] - points[0, 1], atol=0.02)
    (a,), (b,) = list(_svg(first)[1]("circle")), list(_svg(last)[1]("circle"))
    assert (float(a.get("cx")), float(a.get("cy"))) == tuple(points[0])
    assert (float(b.get("cx")), float(b.get("cy"))) == tuple(points[3])
    assert first.replace(a.get("cx"), "") != last  # only the marker moved
    with_errors = curve.svg(steps, losses, losses / 2, 1)
    assert len(list(_svg(with_errors)[1]("polyline"))) == 2
    assert "max |learned − ideal|" in _texts(with_errors)


# --------------------------------------------------------------------------------------------
# the base class: what a new explorer has to write
# --------------------------------------------------------------------------------------------
def test_a_new_explorer_is_a_subclass_with_a_few_hooks():
    from dataclasses import dataclass

    from cnnlab.widgets import Explorer
    from cnnlab.widgets.controls import slider

    @dataclass(frozen=True)
    class Settings:
        n: int

    class SquareExplorer(Explorer):
        title = "Squares"

        def __init__(self, n=2):
            super().__init__({"n": slider("n", n, 0, 5)}, {"square": "50%"})

        def _settings(self):
            return Settings(int(self.controls["n"].value))

        def _readout(self, s):
            return f"{s.n}² = {s.n**2}"

        def _compute(self, s):
            if s.n == 0:
                raise ValueError("n must be at least 1 for a picture.")
            return {"result": np.full((s.n, s.n), float(s.n))}

        def _draw(self, c):
            self._show_map("square", c["result"])

    ex = SquareExplorer(3)  # drawn by the base class once __init__ is done
    assert ex.settings == Settings(3) and ex.readout == "3² = 9"
    assert_drawn(ex, "square", np.full((3, 3), 3.0))
    ex.set(n=0)
    assert ex.message == "n must be at least 1 for a picture." and ex.result is None
    assert ex.output.outputs == ()  # a sentence, no traceback
    ex.set(n=4)
    assert ex.message == "" and ex.result.shape == (4, 4)


def test_explorer_classes_are_the_names_the_notebooks_call():
    import cnnlab.widgets as cw

    pairs = [
        (cw.conv_explorer, cw.ConvExplorer),
        (cw.step_explorer, cw.StepExplorer),
        (cw.pool_explorer, cw.PoolExplorer),
        (cw.activation_explorer, cw.ActivationExplorer),
        (cw.dropout_explorer, cw.DropoutExplorer),
        (cw.fc_explorer, cw.FCExplorer),
        (cw.cnn_explorer, cw.CNNExplorer),
        (cw.filter_explorer, cw.FilterExplorer),
    ]
    for alias, cls in pairs:
        assert alias is cls and cls.__doc__ and "Examples" in cls.__doc__
    from cnnlab.widgets import cnn

    assert cnn.cnn_explorer is cw.CNNExplorer and cnn.filter_explorer is cw.FilterExplorer
    assert cnn.progress_callback is cw.progress_callback


def test_settings_are_frozen_and_caches_follow_the_values():
    ex = conv_explorer(SMALL, kernel="custom", display_side=SIDE)
    ex.controls["custom kernel"].value = "1 0; 0 1"
    first = ex.result.copy()
    ex.controls["custom kernel"].value = "0 1; 1 0"  # same shape, other numbers
    np.testing.assert_allclose(ex.result, cnnlab.conv2d(SMALL, np.array([[0, 1], [1, 0.0]])))
    assert not np.allclose(ex.result, first)
    with pytest.raises(AttributeError):
        ex.settings.conv.stride = 2
    assert not ex.result.flags.writeable  # shared by the cache: read-only


def test_controls_that_do_nothing_are_off_and_say_why():
    """A control without effect in the current mode is disabled with a tooltip, or hidden."""
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    padding = ex.controls["padding"]
    assert not padding.disabled and padding.tooltip is None
    ex.set(padding="same")
    assert padding.disabled and "'same'" in padding.tooltip
    ex.set(padding=1)
    assert not padding.disabled and padding.tooltip is None
    box = ex.controls["custom kernel"]
    assert box.layout.display == "none"  # the text box only matters for "custom"
    ex.set(kernel="custom")
    assert box.layout.display is None

    act = activation_explorer(SMALL, kernel="box blur", display_side=SIDE)
    assert act.controls["beta"].disabled and "softplus" in act.controls["beta"].tooltip
    act.set(activation="softplus")
    assert not act.controls["beta"].disabled and act.controls["beta"].tooltip is None

    drop = dropout_explorer(SMALL, kernel="box blur", display_side=SIDE)
    assert not drop.controls["rate"].disabled
    drop.set(phase="inference")
    for name in ("rate", "new random mask"):
        assert drop.controls[name].disabled and "inference" in drop.controls[name].tooltip

    pool = pool_explorer(SMALL, display_side=SIDE)  # pools the image: the convolution is off
    conv_names = [n for n in pool.controls if n.startswith("conv ")]
    assert conv_names and all(pool.controls[n].disabled for n in conv_names)
    assert all("the pool takes the image" in pool.controls[n].tooltip for n in conv_names)
    pool.set(pool="conv feature map")
    assert (
        not pool.controls["conv kernel"].disabled and pool.controls["conv kernel"].tooltip is None
    )


def test_the_main_picture_is_marked_for_the_layout():
    """Each explorer marks the panel that shows its result; a wrong name is an error."""
    ex = conv_explorer(SMALL, kernel="box blur", display_side=SIDE)
    assert ex.main_panel == "feature map"
    assert "cnnlab-main-picture" in ex.panels["feature map"]._dom_classes
    assert pool_explorer(SMALL, display_side=SIDE).main_panel == "pooled"

    class Wrong(type(ex)):
        main_panel = "no such panel"

    with pytest.raises(ValueError, match="'no such panel' is not a panel of Wrong"):
        Wrong(SMALL, kernel="box blur", display_side=SIDE)


def test_the_readout_shown_is_the_whole_readout_after_each_update():
    """The readout is sent once per update, after the explorer added its summary to it."""
    ex = activation_explorer(SMALL - 0.5, kernel="sobel vertical", display_side=SIDE)
    for size in (5, 3):
        ex.set(kernel_size=size)
        shown = ex._readout_html.value.split(">", 1)[1].rsplit("</div>", 1)[0]
        assert shown.split("<br>") == [html.escape(line) for line in ex.readout.split("\n")]
        assert "ReLU max(0, x)" in shown and f"kernel sobel vertical {size}×{size}" in shown
    ex.set(kernel_size=11)  # impossible: the formula says why, no stale summary beside it
    shown = ex._readout_html.value
    assert ex.message and "no output, the kernel does not fit" in shown
    assert "ReLU max(0, x)" not in shown and "ReLU max(0, x)" not in ex.readout
