"""cnnlab.images: conversions against scikit-image, bundled images, decoding uploads."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from skimage import color, data, transform

from cnnlab import images


def _encode(array_or_image, fmt="PNG", **kwargs):
    img = (
        array_or_image
        if isinstance(array_or_image, Image.Image)
        else Image.fromarray(array_or_image)
    )
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def test_to_float_scales_integers_without_wrap_around():
    u8 = np.array([[0, 1, 128, 255]], np.uint8)
    out = images.to_float(u8)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, u8.astype(np.float32) / 255)
    assert out.max() == 1.0 and out.min() == 0.0
    np.testing.assert_array_equal(images.to_float(np.array([[0, 65535]], np.uint16)), [[0.0, 1.0]])
    np.testing.assert_array_equal(images.to_float(np.array([[False, True]])), [[0.0, 1.0]])


def test_to_float_leaves_floats_alone_and_handles_channels():
    f = np.random.default_rng(0).random((4, 5))
    assert images.to_float(f) is f
    rgba = np.zeros((4, 5, 4), np.uint8)
    rgba[..., 3] = 255
    assert images.to_float(rgba).shape == (4, 5, 3)  # alpha dropped
    assert images.to_float(np.zeros((4, 5, 1), np.uint8)).shape == (4, 5)


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_to_gray_matches_skimage_rgb2gray(dtype):
    rgb = data.chelsea()[:60, :80]
    rgb = rgb if dtype == np.uint8 else rgb / 255.0
    np.testing.assert_allclose(images.to_gray(rgb), color.rgb2gray(rgb), atol=1e-6)
    gray = np.random.default_rng(1).random((5, 5))
    assert images.to_gray(gray) is gray


def test_downscale_is_the_block_mean():
    image = np.random.default_rng(2).random((1030, 700))
    small = images.downscale(image, 512)  # factor ceil(1030 / 512) = 3
    assert small.shape == (343, 233)
    want = transform.downscale_local_mean(image[:1029, :699], (3, 3))
    np.testing.assert_allclose(small, want, atol=1e-12)
    rgb = np.random.default_rng(3).random((600, 300, 3)).astype(np.float32)
    assert images.downscale(rgb, 512).shape == (300, 150, 3)
    assert images.downscale(rgb, 512).dtype == np.float32
    assert images.downscale(image, 2000) is image  # small enough: unchanged


@pytest.mark.parametrize("name", images.IMAGE_NAMES)
def test_load_image_gives_float_images_in_0_1(name):
    image = images.load_image(name)
    raw = getattr(data, name)()
    assert image.dtype == np.float32
    assert image.shape == raw.shape[:2] + ((3,) if raw.ndim == 3 else ())
    assert 0.0 <= image.min() and image.max() <= 1.0
    np.testing.assert_allclose(image, (raw[..., :3] if raw.ndim == 3 else raw) / 255.0, atol=1e-6)
    assert images.load_image(name, gray=True).ndim == 2


def test_read_image_bytes_png_roundtrip_is_exact():
    rgb = np.random.default_rng(4).integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
    np.testing.assert_array_equal(
        images.read_image_bytes(_encode(rgb)), rgb.astype(np.float32) / 255
    )
    gray = rgb[..., 0]
    np.testing.assert_array_equal(
        images.read_image_bytes(_encode(gray)), gray.astype(np.float32) / 255
    )


def test_read_image_bytes_other_modes():
    jpeg = images.read_image_bytes(_encode(data.astronaut(), "JPEG", quality=95))
    np.testing.assert_allclose(jpeg, data.astronaut() / 255.0, atol=0.2)
    rgba = Image.new("RGBA", (8, 6), (255, 0, 0, 128))
    np.testing.assert_array_equal(
        images.read_image_bytes(_encode(rgba)), np.broadcast_to([1.0, 0.0, 0.0], (6, 8, 3))
    )
    la = images.read_image_bytes(_encode(Image.new("LA", (8, 6), (51, 10))))
    np.testing.assert_allclose(la, np.full((6, 8), 0.2))  # grayscale stays 2-D
    gif = images.read_image_bytes(_encode(Image.new("P", (8, 6), 0), "GIF"))
    assert gif.shape == (6, 8, 3)
    bilevel = images.read_image_bytes(_encode(Image.new("1", (8, 6), 1)))
    np.testing.assert_array_equal(bilevel, np.ones((6, 8)))


def test_read_image_bytes_16_bit_png_keeps_its_grey_levels():
    deep = np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000
    out = images.read_image_bytes(_encode(deep))
    np.testing.assert_allclose(out, deep / 65535.0, rtol=1e-6)
    assert len(np.unique(out)) == 12  # not clipped to black and white


def test_read_image_bytes_downscales_large_uploads():
    big = np.zeros((1200, 900), np.uint8)
    assert images.read_image_bytes(_encode(big)).shape == (400, 300)
    assert images.read_image_bytes(_encode(big), max_side=1200).shape == (1200, 900)


BAD_INPUT = [
    (
        lambda: images.to_float(np.zeros((4, 4, 2))),
        ValueError,
        r"image must have shape \(H, W\), \(H, W, 3\) RGB or \(H, W, 4\) RGBA; got shape \(4, 4, 2\)",
    ),
    (
        lambda: images.to_float(np.zeros(4)),
        ValueError,
        r"image must have shape .*; got shape \(4,\)",
    ),
    (lambda: images.to_float(np.array([["a", "b"]])), TypeError, r"image must be a numeric array"),
    (
        lambda: images.downscale(np.zeros((4, 4)), 0),
        ValueError,
        r"max_side must be an integer >= 1, got 0",
    ),
    (
        lambda: images.load_image("lena"),
        ValueError,
        r"name must be one of \('camera', .*\); got 'lena'",
    ),
    (
        lambda: images.read_image_bytes(b"not an image"),
        ValueError,
        r"content is not an image file that Pillow can read \(PNG, JPEG, GIF, \.\.\.\)",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT]
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def _photo(h=3000, w=4000):
    """A smooth 12-megapixel RGB picture (compresses well, like a photo of large shapes)."""
    coarse = np.random.default_rng(5).integers(0, 256, size=(30, 40, 3), dtype=np.uint8)
    return Image.fromarray(coarse).resize((w, h), Image.Resampling.BILINEAR)


def test_read_image_bytes_shrinks_a_big_upload_before_making_floats():
    """A 12 MP upload never exists as a float array: the peak stays far below one such copy.

    Converting the whole photo first (the old way) allocates 4000 * 3000 * 3 * 4 bytes = 144 MB
    of float32 (and 36 MB of uint8 before it); shrinking with Pillow first keeps NumPy's and
    Python's peak (tracemalloc) under 16 MB.
    """
    import tracemalloc

    photo = _photo()
    blocks = np.asarray(photo).reshape(375, 8, 500, 8, 3)  # factor ceil(4000 / 512) = 8
    reference = blocks.sum(axis=(1, 3), dtype=np.uint32) / (64 * 255.0)  # block mean in [0, 1]
    uploads = {
        "PNG": _encode(photo, compress_level=1),
        "JPEG": _encode(photo, "JPEG", quality=90),
    }
    del photo, blocks
    for fmt, content in uploads.items():
        tracemalloc.start()
        try:
            out = images.read_image_bytes(content)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 16 * 2**20, (fmt, peak)
        assert out.shape == reference.shape == (375, 500, 3) and out.dtype == np.float32
        assert 0.0 <= out.min() and out.max() <= 1.0
        if fmt == "PNG":  # the same block mean, rounded to 8 bits once
            np.testing.assert_allclose(out, reference, atol=0.5 / 255 + 1e-6)
        else:  # decoded at 1/8 size by the JPEG decoder: close to the block mean
            assert np.abs(out - reference).mean() < 0.02


def test_read_image_bytes_shrinks_every_mode_like_downscale():
    gray16 = (np.arange(1030 * 700, dtype=np.uint32).reshape(1030, 700) % 65536).astype(np.uint16)
    out = images.read_image_bytes(_encode(gray16))
    want = images.downscale(gray16, 512)  # block mean of the 16-bit values / 65535
    assert out.shape == want.shape == (343, 233)
    np.testing.assert_allclose(out, want, atol=1 / 65535)
    palette = Image.new("P", (1100, 600), 3)
    assert images.read_image_bytes(_encode(palette, "GIF")).shape == (200, 366, 3)
    bilevel = images.read_image_bytes(_encode(Image.new("1", (1024, 520), 1)))
    np.testing.assert_array_equal(bilevel, np.ones((260, 512)))
    la = images.read_image_bytes(_encode(Image.new("LA", (600, 1100), (51, 10))))
    np.testing.assert_allclose(la, np.full((366, 200), 0.2), atol=1e-6)
