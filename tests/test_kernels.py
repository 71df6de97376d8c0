"""cnnlab.kernels: each kernel's defining property, Sobel orientation, scikit-image's Sobel."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage, signal
from skimage import filters

from cnnlab import conv2d, kernels, pad2d

SOBEL_SIZES = [3, 5, 7]


def _vertical_step(height=16, width=16, at=8):
    """Dark left half, bright right half: a vertical edge."""
    image = np.zeros((height, width))
    image[:, at:] = 1.0
    return image


# --------------------------------------------------------------------------------------------
# Sobel: vertical responds to vertical lines and edges, horizontal to horizontal ones
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SOBEL_SIZES)
def test_vertical_step_edge_gives_a_vertical_line_for_vertical_sobel(size):
    image = _vertical_step()
    response = conv2d(image, kernels.sobel_vertical(size))
    # every row is the same: the response is a vertical line (a band of columns)
    np.testing.assert_array_equal(response, np.broadcast_to(response[0], response.shape))
    lit = np.flatnonzero(response[0] != 0)
    # the window straddles the edge (at column 8) exactly for these output columns
    np.testing.assert_array_equal(lit, np.arange(8 - size + 1, 8))
    assert (response[0, lit] > 0).all()  # dark to bright from left to right: positive
    # and the horizontal kernel sees nothing
    np.testing.assert_array_equal(conv2d(image, kernels.sobel_horizontal(size)), 0)


@pytest.mark.parametrize("size", SOBEL_SIZES)
def test_horizontal_step_edge_gives_a_horizontal_line_for_horizontal_sobel(size):
    image = _vertical_step().T
    response = conv2d(image, kernels.sobel_horizontal(size))
    np.testing.assert_array_equal(response, np.broadcast_to(response[:, :1], response.shape))
    lit = np.flatnonzero(response[:, 0] != 0)
    np.testing.assert_array_equal(lit, np.arange(8 - size + 1, 8))
    assert (response[lit, 0] > 0).all()  # dark to bright from top to bottom: positive
    np.testing.assert_array_equal(conv2d(image, kernels.sobel_vertical(size)), 0)


@pytest.mark.parametrize("size", SOBEL_SIZES)
def test_thin_lines_light_up_only_the_matching_sobel(size):
    line = np.zeros((20, 20))
    line[:, 10] = 1.0  # one bright vertical line
    vertical = conv2d(line, kernels.sobel_vertical(size), padding="same")
    horizontal = conv2d(line, kernels.sobel_horizontal(size), padding="same")
    # away from the top and bottom borders the horizontal kernel gives exactly 0 ...
    np.testing.assert_array_equal(horizontal[size:-size], 0)
    # ... while the vertical one gives a +/- pair of columns on each side of the line
    middle = vertical[10]
    assert middle[9] > 0 and middle[11] < 0 and middle[10] == 0
    assert abs(vertical[size:-size]).sum() > 0
    # a darker-to-brighter edge has the opposite sign of a brighter-to-darker one
    np.testing.assert_array_equal(
        conv2d(1 - line, kernels.sobel_vertical(size)), -conv2d(line, kernels.sobel_vertical(size))
    )


def test_sobel_matches_scikit_image_everywhere():
    """skimage's sobel_v/sobel_h are cross-correlations with Sobel/4 and 'reflect' borders
    (NumPy's 'symmetric', the edge pixel repeated)."""
    image = np.random.default_rng(0).random((23, 17))
    padded = pad2d(image, 1, mode="symmetric")
    np.testing.assert_allclose(
        conv2d(padded, kernels.sobel_vertical() / 4), filters.sobel_v(image), atol=1e-12
    )
    np.testing.assert_allclose(
        conv2d(padded, kernels.sobel_horizontal() / 4), filters.sobel_h(image), atol=1e-12
    )
    # without padding, the interior pixels agree
    np.testing.assert_allclose(
        conv2d(image, kernels.sobel_vertical() / 4), filters.sobel_v(image)[1:-1, 1:-1], atol=1e-12
    )


def test_larger_sobel_kernels_are_the_3x3_one_smoothed_by_binomials():
    """OpenCV's construction: each size-2 step convolves with [1, 2, 1] in both directions."""
    smooth = np.outer([1, 2, 1], [1, 2, 1])
    for small, big in zip(SOBEL_SIZES, SOBEL_SIZES[1:], strict=False):
        expected = signal.convolve2d(kernels.sobel_vertical(small), smooth)
        np.testing.assert_array_equal(kernels.sobel_vertical(big), expected)
        np.testing.assert_array_equal(kernels.sobel_horizontal(big), expected.T)
    np.testing.assert_array_equal(
        kernels.sobel_vertical(5),
        [
            [-1, -2, 0, 2, 1],
            [-4, -8, 0, 8, 4],
            [-6, -12, 0, 12, 6],
            [-4, -8, 0, 8, 4],
            [-1, -2, 0, 2, 1],
        ],
    )


@pytest.mark.parametrize("size", SOBEL_SIZES)
def test_sobel_symmetries(size):
    v = kernels.sobel_vertical(size)
    assert v.sum() == 0
    np.testing.assert_array_equal(v[:, ::-1], -v)  # antisymmetric left-right
    np.testing.assert_array_equal(v[::-1], v)  # symmetric top-bottom
    np.testing.assert_array_equal(kernels.sobel_horizontal(size), v.T)


# --------------------------------------------------------------------------------------------
# The other named kernels: each one's defining property
# --------------------------------------------------------------------------------------------
FLAT = np.full((15, 15), 0.7)
RNG_IMAGE = np.random.default_rng(1).random((15, 15))


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7])
def test_blurs_sum_to_one_so_flat_regions_keep_their_value(size):
    for k in (kernels.box_blur(size), kernels.gaussian_blur(size)):
        assert k.shape == (size, size)
        np.testing.assert_allclose(k.sum(), 1.0)
        assert (k > 0).all()
        np.testing.assert_allclose(conv2d(FLAT, k), 0.7)
    np.testing.assert_array_equal(kernels.box_blur(size), np.full((size, size), 1 / size**2))


@pytest.mark.parametrize(("size", "sigma"), [(3, None), (5, None), (7, 1.5), (9, 0.8)])
def test_gaussian_blur_is_scipys_gaussian(size, sigma):
    k = kernels.gaussian_blur(size, sigma)
    if sigma is None:
        sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8  # OpenCV's default
    impulse = np.zeros((size, size))
    impulse[size // 2, size // 2] = 1.0
    radius = size // 2
    want = ndimage.gaussian_filter(impulse, sigma, mode="constant", truncate=radius / sigma)
    np.testing.assert_allclose(k, want / want.sum(), atol=1e-12)
    assert k[radius, radius] == k.max()
    np.testing.assert_allclose(k, k.T)
    np.testing.assert_allclose(k, k[::-1, ::-1])


def test_gaussian_smooths_noise_more_than_it_blurs_a_flat_image():
    noise = np.random.default_rng(2).normal(size=(40, 40))
    assert conv2d(noise, kernels.gaussian_blur(5)).std() < 0.5 * noise.std()


@pytest.mark.parametrize("size", [1, 3, 5, 7])
def test_identity_copies_the_image(size):
    np.testing.assert_array_equal(
        conv2d(RNG_IMAGE, kernels.identity(size), padding="same"), RNG_IMAGE
    )


def test_identity_even_size_puts_the_one_upper_left_of_centre():
    k = kernels.identity(4)
    assert k.sum() == 1 and k[1, 1] == 1


@pytest.mark.parametrize("size", [3, 5])
def test_sharpen_keeps_flat_regions_and_boosts_differences(size):
    k = kernels.sharpen(size)
    np.testing.assert_allclose(k.sum(), 1.0)
    np.testing.assert_allclose(conv2d(FLAT, k), 0.7)
    step = _vertical_step()
    out = conv2d(step, k, padding="same")[5]
    assert out[7] < 0 and out[8] > 1  # overshoot on both sides of the edge


def test_sharpen_3x3_is_the_classic_kernel():
    np.testing.assert_array_equal(kernels.sharpen(), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])


@pytest.mark.parametrize("size", [3, 5, 7])
def test_outline_sums_to_zero_and_sees_edges_of_every_orientation(size):
    k = kernels.outline(size)
    assert k.sum() == 0
    np.testing.assert_allclose(conv2d(FLAT, k), 0, atol=1e-12)  # (0.7 is inexact in binary)
    np.testing.assert_array_equal(conv2d(np.full((9, 9), 0.5), k), 0)
    for image in (_vertical_step(), _vertical_step().T):
        assert abs(conv2d(image, k)).max() > 0


def test_laplacian_sums_to_zero_and_is_the_4_neighbour_stencil():
    k = kernels.laplacian()
    assert k.sum() == 0
    # the Laplacian of x**2 + y**2 is 4 everywhere
    y, x = np.mgrid[0:9, 0:9].astype(float)
    np.testing.assert_allclose(conv2d(x**2 + y**2, k), 4.0)


@pytest.mark.parametrize("size", [3, 5])
def test_emboss_sums_to_one_and_is_antisymmetric_off_centre(size):
    k = kernels.emboss(size)
    assert k.sum() == 1
    c = size // 2
    off = k.copy()
    off[c, c] = 0
    np.testing.assert_array_equal(off[::-1, ::-1], -off)
    np.testing.assert_allclose(conv2d(FLAT, k), 0.7)


def test_curve_detector_responds_to_its_curve_only():
    k = kernels.curve_detector()
    image = np.zeros((20, 20))
    image[5:12, 6:13] = (k > 0) * 50.0  # the same curve, brightness 50
    response = conv2d(image, k)
    assert response.max() == 30 * 50 * 6
    assert np.unravel_index(response.argmax(), response.shape) == (5, 6)
    line = np.zeros((20, 20))
    line[:, 3] = 50.0  # a vertical line: overlaps the curve's vertical part only
    assert conv2d(line, k).max() < response.max()


def test_get_kernel_builds_every_named_kernel():
    for name, builder in kernels.KERNELS.items():
        size = 5
        np.testing.assert_array_equal(kernels.get_kernel(name, size), builder(size))
        np.testing.assert_array_equal(
            kernels.get_kernel(name.replace(" ", "_").upper(), size), builder(size)
        )
    np.testing.assert_array_equal(kernels.get_kernel("laplacian"), kernels.laplacian())
    np.testing.assert_array_equal(kernels.get_kernel("curve detector", 7), kernels.curve_detector())


BAD_INPUT = [
    (lambda: kernels.box_blur(0), ValueError, r"size must be an integer >= 1, got 0"),
    (lambda: kernels.identity(2.5), TypeError, r"size must be an integer >= 1, got 2.5"),
    (
        lambda: kernels.sobel_vertical(4),
        ValueError,
        r"size must be odd \(the kernel needs a centre pixel\); got 4",
    ),
    (lambda: kernels.sobel_horizontal(1), ValueError, r"size must be an integer >= 3, got 1"),
    (lambda: kernels.outline(2), ValueError, r"size must be odd .*got 2"),
    (lambda: kernels.emboss(6), ValueError, r"size must be odd .*got 6"),
    (
        lambda: kernels.gaussian_blur(5, sigma=0),
        ValueError,
        r"sigma \(in pixels\) must be a finite real number > 0, got 0\.",
    ),
    (
        lambda: kernels.gaussian_blur(5, sigma=float("nan")),
        ValueError,
        r"sigma \(in pixels\) must be a finite real number > 0, got nan",
    ),
    (
        lambda: kernels.gaussian_blur(5, sigma="wide"),
        TypeError,
        r"sigma \(in pixels\) must be a finite real number > 0, got 'wide'",
    ),
    (
        lambda: kernels.get_kernel("sobel diagonal"),
        ValueError,
        r"name must be one of 'identity', 'box blur'.*'curve detector'; got 'sobel diagonal'",
    ),
    (
        lambda: kernels.get_kernel("laplacian", 5),
        ValueError,
        r"the laplacian kernel only exists as 3x3; got size=5",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT]
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------------------------------
# Kernels typed as text
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1 0 -1; 2 0",
        "__import__('os').system('ls')",
        "1e999 0",
        "nan 1",
        "inf",
        "1/0 1",
        "1/2/3",
        "0x10",
        "[[1, 2], [3]]",
        "lambda: 1",
        "1 2; 3 x",
        "; ".join(["1 " * 16] * 16),
    ],
)
def test_parse_kernel_rejects_garbage_with_a_sentence(text):
    with pytest.raises(ValueError, match="^custom kernel"):
        kernels.parse_kernel(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 0 -1; 2 0 -2; 1 0 -1", [[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
        ("1, 0, -1\n2, 0, -2\n1, 0, -1", [[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
        ("[[1, 0], [0, 1]]", [[1, 0], [0, 1]]),
        ("1/4 1/4; 1/4 1/4", [[0.25, 0.25], [0.25, 0.25]]),
        ("\u22121 .5 2e-1", [[-1, 0.5, 0.2]]),
        ("1.5/3 -2/-4", [[0.5, 0.5]]),
    ],
)
def test_parse_kernel_accepts_numbers(text, expected):
    np.testing.assert_array_equal(kernels.parse_kernel(text), np.array(expected, dtype=float))


def test_parse_kernel_reads_fractions_exactly():
    """1/9 becomes the float nearest to one ninth, so a typed box blur equals box_blur(3)."""
    typed = kernels.parse_kernel("; ".join(["1/9 1/9 1/9"] * 3))
    np.testing.assert_array_equal(typed, np.full((3, 3), 1 / 9))
    np.testing.assert_allclose(typed, kernels.box_blur(3), rtol=0, atol=1e-17)


@pytest.mark.parametrize("name", ["sobel vertical", "sharpen", "emboss", "box blur"])
def test_format_kernel_round_trips_through_parse_kernel(name):
    kernel = kernels.get_kernel(name, 3)
    back = kernels.parse_kernel(kernels.format_kernel(kernel))
    np.testing.assert_allclose(back, kernel, rtol=1e-6, atol=0)


def test_parse_kernel_needs_text_and_format_kernel_2d():
    with pytest.raises(TypeError, match="custom kernel must be text; got list"):
        kernels.parse_kernel([[1, 0]])
    with pytest.raises(ValueError, match=r"kernel must be 2-D \(rows, cols\); got shape \(3,\)"):
        kernels.format_kernel([1, 2, 3])
