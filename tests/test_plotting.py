"""Tests of cnnlab.plotting: what is drawn must be what cnnlab computes.

The figures are inspected through their artists (Rectangle positions, Text strings, image
arrays and colour limits), never by eye.
"""

import matplotlib

matplotlib.use("Agg")

import re
import struct

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from matplotlib.patches import Rectangle

import cnnlab
from cnnlab import plotting
from cnnlab.plotting import (
    SlidingWindowFigure,
    show_grid,
    show_image,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _cell(rect):
    """(row, col) of a one-cell Rectangle drawn by show_grid / highlight_cells."""
    x, y = rect.get_xy()
    return (round(y + 0.5), round(x + 0.5))


def _texts(artists):
    return [[t.get_text() for t in row] for row in artists["texts"]]


def _fmt(artists, value):
    return artists["format"](float(value))


# --------------------------------------------------------------------------------------------
# SlidingWindowFigure
# --------------------------------------------------------------------------------------------
CASES = [
    # (input shape, kernel shape, stride, padding, dilation, bias)
    ((6, 6), (3, 3), 1, "valid", 1, 0.0),
    ((5, 5), (3, 3), 2, "same", 1, 0.0),
    ((6, 6), (3, 3), 2, "same", 1, 0.5),  # odd total padding: extra row/col bottom/right
    ((5, 4), (2, 3), (1, 2), "full", 1, 0.0),
    ((7, 7), (3, 3), 1, "valid", 2, 0.0),
    ((6, 7), (2, 2), (2, 1), ((1, 0), (2, 1)), (2, 3), -1.0),
]


def _data(shape, kshape, seed=1):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 10, size=shape), rng.integers(-3, 4, size=kshape).astype(float)


@pytest.mark.parametrize(("shape", "kshape", "stride", "padding", "dilation", "bias"), CASES)
def test_sliding_window_draws_what_conv2d_computes(shape, kshape, stride, padding, dilation, bias):
    x, k = _data(shape, kshape)
    expected = cnnlab.conv2d(x, k, bias, stride=stride, padding=padding, dilation=dilation)
    (pt, pb), (pl, pr) = cnnlab.resolve_padding(padding, shape, kshape, stride, dilation)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation

    swf = SlidingWindowFigure(x, k, stride=stride, padding=padding, dilation=dilation, bias=bias)
    assert swf.out_shape == expected.shape
    assert swf.n_steps == expected.size
    padded = np.pad(x, ((pt, pb), (pl, pr)))
    np.testing.assert_array_equal(swf.padded, padded)

    # padding cells: exactly the ring outside the original image, each drawn hatched
    mask = np.ones(padded.shape, dtype=bool)
    mask[pt : pt + shape[0], pl : pl + shape[1]] = False
    np.testing.assert_array_equal(swf.padded_mask, mask)
    hatched = {_cell(p) for p in swf.input_artists["padded"]}
    assert hatched == {tuple(map(int, rc)) for rc in np.argwhere(mask)}
    assert all(p.get_hatch() for p in swf.input_artists["padded"])

    n_patches = len(swf.ax_input.patches)
    n_figs = len(plt.get_fignums())
    for step in range(swf.n_steps):
        swf.show_step(step)
        i, j = divmod(step, expected.shape[1])
        cells = [
            (i * sh + a * dh, j * sw + b * dw) for a in range(kshape[0]) for b in range(kshape[1])
        ]
        assert swf.window_cells(step) == cells
        # the highlighted rectangles sit exactly on those cells
        drawn = [_cell(r) for r in swf.input_artists["highlight"]]
        assert drawn == cells
        assert all(
            r.get_width() == 1.0 and r.get_height() == 1.0 for r in swf.input_artists["highlight"]
        )
        # the window the figure shows really produces conv2d's value
        window = np.array([padded[r, c] for r, c in drawn]).reshape(kshape)
        assert np.isclose(np.sum(window * k) + bias, expected[i, j])
        # products panel: window * kernel, cell by cell
        art = swf.product_artists
        assert _texts(art) == [[_fmt(art, v) for v in row] for row in window * k]
        # output panel: cells up to this step filled with conv2d's values, later ones blank
        art = swf.output_artists
        texts = _texts(art)
        for n in range(expected.size):
            r, c = divmod(n, expected.shape[1])
            assert texts[r][c] == (_fmt(art, expected[r, c]) if n <= step else "")
        assert [_cell(r) for r in art["highlight"]] == [(i, j)]
        assert swf.sum_text.get_text().startswith("sum = ")
        assert f"output[{i}, {j}]" in swf.title.get_text()
    # updated in place: no new figure, no accumulating patches
    assert len(plt.get_fignums()) == n_figs
    assert len(swf.ax_input.patches) == n_patches


def test_sliding_window_kernel_panel_and_sum():
    x = np.arange(16).reshape(4, 4)
    k = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    swf = SlidingWindowFigure(x, k, bias=0.5)
    assert _texts(swf.kernel_artists) == [["1", "0", "-1"], ["2", "0", "-2"], ["1", "0", "-1"]]
    swf.show_step(3)
    value = cnnlab.conv2d(x, k)[1, 1]
    assert swf.sum_text.get_text() == f"sum = {value:.0f}, + bias → {value + 0.5:g}"
    assert swf.output_artists["texts"][1][1].get_text() == f"{value + 0.5:g}"


def test_sliding_window_reuses_a_given_figure():
    fig = plt.figure()
    swf = SlidingWindowFigure(np.ones((4, 4)), np.ones((2, 2)), fig=fig)
    assert swf.fig is fig
    assert len(fig.axes) == 4


def test_sliding_window_errors_come_from_cnnlab():
    with pytest.raises(ValueError, match="kernel_size"):
        SlidingWindowFigure(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="stride"):
        SlidingWindowFigure(np.ones((4, 4)), np.ones((3, 3)), stride=0)
    with pytest.raises(ValueError, match="padding"):
        SlidingWindowFigure(np.ones((4, 4)), np.ones((3, 3)), padding="half")
    with pytest.raises(ValueError, match="x must have 2 dimensions"):
        SlidingWindowFigure(np.ones((4, 4, 3)), np.ones((3, 3)))
    swf = SlidingWindowFigure(np.ones((4, 4)), np.ones((3, 3)))
    for bad in (4, -1, 1.5):
        with pytest.raises(ValueError, match=r"step must be an integer from 0 to 3"):
            swf.show_step(bad)


# --------------------------------------------------------------------------------------------
# Animation
# --------------------------------------------------------------------------------------------
def test_animation_html_has_one_frame_per_step(tmp_path):
    x, k = np.arange(9).reshape(3, 3), np.ones((2, 2))
    anim = plotting.animate_sliding_window(x, k, hold=2)
    assert isinstance(anim, FuncAnimation)
    swf = anim.sliding_window
    html = plotting.animation_html(anim)
    assert len(re.findall(r"frames\[\d+\] = ", html)) == swf.n_steps + 2
    assert plt.fignum_exists(swf.fig.number) is False  # closed: no static copy in the notebook


def test_save_animation_writes_a_gif_of_all_steps(tmp_path):
    from PIL import Image

    anim = plotting.animate_sliding_window(np.arange(16).reshape(4, 4), np.ones((3, 3)), hold=0)
    path = plotting.save_animation(anim, "demo.gif", directory=tmp_path, dpi=30)
    assert path == tmp_path / "demo.gif"
    assert path.read_bytes()[:6] == b"GIF89a"
    with Image.open(path) as gif:
        assert gif.n_frames == anim.sliding_window.n_steps
        frames = []
        for n in range(gif.n_frames):
            gif.seek(n)
            frames.append(np.asarray(gif.convert("RGB")))
    assert not np.array_equal(frames[0], frames[-1])  # the window moved


# --------------------------------------------------------------------------------------------
# show_grid / update_grid / highlight_cells
# --------------------------------------------------------------------------------------------
def test_show_grid_texts_positions_and_highlight():
    values = np.array([[1.0, -2.5, 3.0], [0.25, 10.0, -0.0]])
    art = show_grid(values, highlight=[(1, 2), (0, 0)])
    assert _texts(art) == [["1", "-2.5", "3"], ["0.25", "10", "0"]]
    for r, row in enumerate(art["texts"]):
        for c, t in enumerate(row):
            assert t.get_position() == (c, r)
    assert [_cell(r) for r in art["highlight"]] == [(1, 2), (0, 0)]
    im = art["image"]
    assert im.get_cmap().name.startswith("RdBu_r")
    assert im.norm.vmin == -im.norm.vmax == -10.0


def test_show_grid_fmt_nan_and_padded_mask():
    values = np.array([[0.0, 1.0], [np.nan, 3.0]])
    mask = np.array([[True, False], [False, False]])
    art = show_grid(values, fmt=".1f", padded_mask=mask)
    assert _texts(art) == [["0.0", "1.0"], ["", "3.0"]]
    assert [_cell(p) for p in art["padded"]] == [(0, 0)]
    assert art["texts"][0][0].get_fontstyle() == "italic"  # padding numbers drawn distinctly
    with pytest.raises(ValueError, match="padded_mask must have the shape"):
        show_grid(values, padded_mask=np.zeros((3, 3), dtype=bool))


def test_show_grid_text_colour_contrasts_with_cell():
    art = show_grid(np.array([[0.0, 1.0]]), cmap="gray", vmin=0, vmax=1)
    black_cell, white_cell = art["texts"][0]
    assert black_cell.get_color() == "white" and white_cell.get_color() == "black"


def test_update_grid_in_place():
    art = show_grid(np.zeros((2, 3)), highlight=[(0, 0)])
    ax = art["image"].axes
    n_texts = len(ax.texts)
    plotting.update_grid(art, np.arange(6.0).reshape(2, 3), highlight=[(1, 1), (1, 2)])
    assert _texts(art) == [["0", "1", "2"], ["3", "4", "5"]]
    assert [_cell(r) for r in art["highlight"]] == [(1, 1), (1, 2)]
    plotting.update_grid(art, highlight=[])
    assert art["highlight"] == []
    assert not [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert len(ax.texts) == n_texts
    with pytest.raises(ValueError, match="keep the grid's shape"):
        plotting.update_grid(art, np.zeros((3, 3)))


def test_highlight_cells_block_and_inset():
    _, ax = plt.subplots()
    show_grid(np.zeros((4, 4)), ax)
    (rect,) = plotting.highlight_cells(ax, [(1, 1), (1, 2), (2, 1), (2, 2)], block=True, inset=0.1)
    assert rect.get_xy() == pytest.approx((0.6, 0.6))
    assert (rect.get_width(), rect.get_height()) == pytest.approx((1.8, 1.8))


def test_show_grid_fixed_colors():
    art = show_grid(np.array([[1, 2]]), colors=[["#ff0000", "#0000ff"]])
    rgba = art["image"].get_array()
    assert rgba.shape == (1, 2, 4)
    np.testing.assert_allclose(rgba[0, 0], [1, 0, 0, 1])
    assert _texts(art) == [["1", "2"]]


# --------------------------------------------------------------------------------------------
# Images, feature maps and colours
# --------------------------------------------------------------------------------------------
def test_show_image_signed_map_uses_diverging_symmetric_limits():
    sobel = cnnlab.conv2d(
        cnnlab.images.load_image("camera")[:64, :64], cnnlab.kernels.sobel_vertical()
    )
    assert sobel.min() < 0 < sobel.max()
    im = show_image(sobel, title="vertical Sobel")
    assert im.get_cmap().name == plotting.DIVERGING_CMAP
    assert im.norm.vmin == -im.norm.vmax
    assert im.norm.vmax == pytest.approx(np.abs(sobel).max())
    np.testing.assert_array_equal(im.get_array(), sobel)
    assert len(im.figure.axes) == 2  # the image and its colour bar
    assert im.axes.get_title() == "vertical Sobel"


def test_show_image_image_uses_sequential_colormap():
    img = cnnlab.images.load_image("camera")[:32, :32]
    im = show_image(img, colorbar=False)
    assert im.get_cmap().name == plotting.IMAGE_CMAP
    assert (im.norm.vmin, im.norm.vmax) == (0.0, 1.0)
    assert len(im.figure.axes) == 1
    im8 = show_image((img * 255).astype(np.uint8))
    assert (im8.norm.vmin, im8.norm.vmax) == (0.0, 255.0)


def test_show_image_overrides_and_rgb():
    im = show_image(np.array([[0.0, 2.0]]), signed=True, vmax=1.0)
    assert (im.norm.vmin, im.norm.vmax) == (-1.0, 1.0)
    assert im.get_cmap().name == plotting.DIVERGING_CMAP
    rgb = np.zeros((4, 5, 3))
    rgb[..., 0] = 1.0
    im = show_image(rgb)
    assert im.get_array().shape == (4, 5, 3)
    assert len(im.figure.axes) == 1  # no colour bar for RGB
    with pytest.raises(ValueError, match="image must have shape"):
        show_image(np.zeros((2, 2, 2)))


def test_show_feature_maps_grid():
    maps = np.random.default_rng(0).normal(size=(6, 5, 5))
    ims = plotting.show_feature_maps(maps, ncols=2, titles=list("abcde"))
    assert len(ims) == 5
    fig = ims[0].figure
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5 and len(fig.axes) == 6  # 3x2 grid, the last one hidden
    for f, im in enumerate(ims):
        np.testing.assert_array_equal(im.get_array(), maps[:, :, f])
        assert im.axes.get_title() == "abcde"[f]
        assert im.get_cmap().name == plotting.DIVERGING_CMAP
        assert im.norm.vmin == -im.norm.vmax == -np.abs(maps[:, :, f]).max()
    shared = plotting.show_feature_maps(maps[None], share_limits=True)
    assert {im.norm.vmax for im in shared} == {np.abs(maps).max()}
    with pytest.raises(ValueError, match="titles must have one entry per map"):
        plotting.show_feature_maps(maps, titles=["a"])


def test_colour_helpers():
    assert plotting.signed_limits([[-3.0, 1.0]]) == (-3.0, 3.0)
    assert plotting.signed_limits(np.zeros((2, 2))) == (-1.0, 1.0)
    assert plotting.signed_limits([[np.nan, -2.0]]) == (-2.0, 2.0)
    assert plotting.cmap_for([[-0.1, 5.0]]) == "RdBu_r"
    assert plotting.cmap_for([[0.0, 5.0]]) == "gray"
    assert plotting.display_limits([[2.0, 2.0]]) == (1.5, 2.5)
    with pytest.raises(TypeError, match="values must be a numeric array"):
        plotting.signed_limits(np.array(["a"]))


@pytest.mark.parametrize(
    "values", [np.linspace(-3, 2, 12).reshape(3, 4), np.linspace(0, 1, 6)[None]]
)
def test_colorize_matches_show_image(values):
    """The widgets' fast PNG renderer and the matplotlib figures draw identical colours."""
    im = show_image(values)
    np.testing.assert_array_equal(
        plotting.colorize(values), im.to_rgba(values, bytes=True)[..., :3]
    )


def test_style():
    with plotting.style_context():
        assert plt.rcParams["font.size"] >= 16
    before = plt.rcParams["font.size"]
    try:
        plotting.use_style()
        assert plt.rcParams["font.size"] == plotting.STYLE["font.size"]
    finally:
        plt.rcParams["font.size"] = before


# --------------------------------------------------------------------------------------------
# save_fig
# --------------------------------------------------------------------------------------------
def test_save_fig_writes_png(tmp_path):
    fig, ax = plt.subplots(figsize=(4, 3))
    show_grid(np.eye(3), ax)
    path = plotting.save_fig(fig, "grid", directory=tmp_path, dpi=100)
    assert path == tmp_path / "grid.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    assert 100 <= width <= 400 and 100 <= height <= 300  # tight bbox of a 4x3 in figure
    assert plotting.save_fig(fig, "grid.png", directory=tmp_path) == path  # suffix not doubled


@pytest.mark.parametrize("save", ["save_fig", "save_animation"])
def test_save_functions_need_a_folder(save):
    fig = plt.figure()
    with pytest.raises(TypeError, match="directory"):
        getattr(plotting, save)(fig, "grid")
    with pytest.raises(ValueError, match="directory must be the folder to write into"):
        getattr(plotting, save)(fig, "grid", directory=None)


def test_the_installed_package_knows_no_repository_folder():
    # imgs/ belongs to the repository's build script (tools/figures.py), not to the package.
    assert not hasattr(plotting, "IMGS_DIR")


@pytest.mark.parametrize("name", ["../evil", "a/b", "", 3, ".hidden"])
def test_save_fig_rejects_bad_names(tmp_path, name):
    fig = plt.figure()
    with pytest.raises(ValueError, match="name must be a plain file name"):
        plotting.save_fig(fig, name, directory=tmp_path)
