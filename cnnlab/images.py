"""Images for the notebooks: bundled scikit-image pictures and conversions to float arrays.

No plotting here. scikit-image is imported inside the functions that need it, so that
``import cnnlab`` stays fast.
"""

from __future__ import annotations

import io

import numpy as np

from ._validate import check_int, describe

__all__ = [
    "IMAGE_NAMES",
    "MAX_SIDE",
    "downscale",
    "load_image",
    "read_image_bytes",
    "to_float",
    "to_gray",
]

#: Bundled scikit-image images offered by the explorers (all ship inside scikit-image).
IMAGE_NAMES = ("camera", "coins", "chelsea", "astronaut", "moon", "checkerboard")

#: Uploaded images larger than this (pixels per side) are downscaled so sliders stay live.
MAX_SIDE = 512


def to_float(image):
    """Convert an image to float32 in [0, 1] for uint8/bool/integers, leaving floats alone.

    uint8 values are divided by 255 (after conversion, so nothing wraps around); other integer
    types by their maximum; bool becomes 0.0/1.0. An alpha channel (RGBA) is dropped.

    Parameters
    ----------
    image : ndarray, shape (H, W), (H, W, 3) or (H, W, 4)

    Returns
    -------
    ndarray of float32 (or the input float dtype), shape (H, W) or (H, W, 3)

    Examples
    --------
    >>> to_float(np.array([[0, 128, 255]], dtype=np.uint8)).round(3)
    array([[0.   , 0.502, 1.   ]], dtype=float32)
    >>> to_float(np.zeros((2, 2, 4), dtype=np.uint8)).shape
    (2, 2, 3)
    """
    arr = np.asarray(image)
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (1, 3, 4)):
        raise ValueError(
            f"image must have shape (H, W), (H, W, 3) RGB or (H, W, 4) RGBA; got shape {arr.shape}."
        )
    if arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.dtype == np.bool_:
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer):
        scale = 255.0 if arr.dtype == np.uint8 else float(np.iinfo(arr.dtype).max)
        return (arr.astype(np.float32) / np.float32(scale)).astype(np.float32)
    if np.issubdtype(arr.dtype, np.floating):
        return arr
    raise TypeError(f"image must be a numeric array; got {describe(image)}.")


def to_gray(image):
    """Grayscale float image in [0, 1]: RGB(A) is converted with the ITU-R BT.709 luminance
    weights 0.2125 R + 0.7154 G + 0.0721 B (as ``skimage.color.rgb2gray``).

    Parameters
    ----------
    image : ndarray, shape (H, W), (H, W, 3) or (H, W, 4); any dtype

    Returns
    -------
    ndarray, shape (H, W), float

    Examples
    --------
    >>> to_gray(np.full((1, 1, 3), 255, dtype=np.uint8))
    array([[1.]], dtype=float32)
    """
    arr = to_float(image)
    if arr.ndim == 2:
        return arr
    weights = np.array([0.2125, 0.7154, 0.0721], dtype=arr.dtype)
    return arr @ weights


def downscale(image, max_side=MAX_SIDE):
    """Shrink an image by an integer factor (block mean) so neither side exceeds ``max_side``.

    Block averaging keeps it fast and alias-free; images already small enough are returned
    unchanged.

    Parameters
    ----------
    image : ndarray, shape (H, W) or (H, W, C)
    max_side : int, default MAX_SIDE

    Examples
    --------
    >>> downscale(np.ones((2000, 1000)), 512).shape
    (500, 250)
    """
    m = check_int(max_side, "max_side")
    arr = to_float(image)
    h, w = arr.shape[:2]
    factor = -(-max(h, w) // m)
    if factor <= 1:
        return arr
    hh, ww = h // factor * factor, w // factor * factor
    blocks = arr[:hh, :ww].reshape(hh // factor, factor, ww // factor, factor, *arr.shape[2:])
    return blocks.mean(axis=(1, 3)).astype(arr.dtype)


def load_image(name="camera", *, gray=False):
    """Load a bundled scikit-image picture as a float image in [0, 1].

    Parameters
    ----------
    name : str, default "camera"
        One of ``IMAGE_NAMES``: ``"camera"`` (512x512 grayscale photographer), ``"coins"``,
        ``"chelsea"`` (the cat, RGB), ``"astronaut"`` (RGB), ``"moon"``, ``"checkerboard"``.
    gray : bool, default False
        Convert colour images to grayscale with :func:`to_gray`.

    Returns
    -------
    ndarray, shape (H, W) or (H, W, 3), float32

    Examples
    --------
    >>> load_image("camera").shape
    (512, 512)
    >>> load_image("chelsea", gray=True).shape
    (300, 451)
    """
    if name not in IMAGE_NAMES:
        raise ValueError(f"name must be one of {IMAGE_NAMES}; got {describe(name)}.")
    from skimage import data

    image = to_float(getattr(data, name)())
    return to_gray(image) if gray else image


def read_image_bytes(content, *, max_side=MAX_SIDE):
    """Decode an uploaded image file (PNG, JPEG, ...) into a float image, downscaled.

    A large file is shrunk while it is still Pillow's 8-bit (or 16-bit) image, before any
    float array exists: JPEGs are decoded straight at 1/2, 1/4 or 1/8 of their size when that
    divides the shrink factor (DCT scaling), and then ``Image.reduce`` averages blocks of
    pixels (a box filter, like :func:`downscale`). A 12-megapixel photo so never becomes a
    150 MB float array; only the small result is converted to float.

    Parameters
    ----------
    content : bytes
        The file's bytes (e.g. from ``ipywidgets.FileUpload``).
    max_side : int, default MAX_SIDE
        Larger images are shrunk by the integer factor ``ceil(longer side / max_side)``, as
        :func:`downscale` does, so the explorers stay responsive.

    Returns
    -------
    ndarray, shape (H, W) or (H, W, 3), float32 in [0, 1]
        Grayscale files (also with alpha) give ``(H, W)``; alpha is dropped. 16-bit files are
        divided by 65535; 32-bit integer or float files outside the usual range are stretched
        from their minimum..maximum to 0..1.

    Examples
    --------
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGBA", (1200, 600), (255, 0, 0, 128)).save(buffer, format="PNG")
    >>> small = read_image_bytes(buffer.getvalue())
    >>> small.shape, small.dtype, float(small[..., 0].min())
    ((200, 400, 3), dtype('float32'), 1.0)
    """
    m = check_int(max_side, "max_side")
    from PIL import Image, UnidentifiedImageError

    data = content if isinstance(content, bytes) else bytes(content)
    try:
        with Image.open(io.BytesIO(data)) as img:
            arr = _pil_to_array(_shrink(img, m))
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError(
            f"content is not an image file that Pillow can read (PNG, JPEG, GIF, ...): {err}"
        ) from None
    return downscale(arr, m)


def _shrink(img, max_side):
    """The decoded Pillow image in a standard mode, block-averaged to at most ``max_side``."""
    w, h = img.size
    factor = -(-max(w, h) // max_side)
    if factor > 1 and img.format == "JPEG":
        scale = max(d for d in (1, 2, 4, 8) if factor % d == 0)
        if scale > 1:  # the decoder itself shrinks by this much
            img.draft(img.mode, (w // scale, h // scale))
    img.load()
    img = _standard_mode(img)
    w, h = img.size
    factor = -(-max(w, h) // max_side)
    if factor <= 1:
        return img
    if img.mode.startswith("I;16"):  # Image.reduce needs 32-bit integers for 16-bit pixels
        img = img.convert("I")
    # whole blocks only, as downscale() does: the last rows/columns that do not fill a block go
    return img.reduce(factor, box=(0, 0, w // factor * factor, h // factor * factor))


def _standard_mode(img):
    """L, RGB, RGBA or a 16/32-bit/float mode: what :func:`_pil_to_array` reads."""
    mode = img.mode
    if mode.startswith("I;16") or mode in ("I", "F", "L", "RGB", "RGBA"):
        return img
    if mode in ("LA", "La", "1"):  # grayscale (with alpha, or 1-bit): stay grayscale
        return img.convert("L")
    return img.convert("RGBA" if "A" in mode or "transparency" in img.info else "RGB")


def _pil_to_array(img):
    """Pixel array of a Pillow image: uint8/uint16, or float32 already in [0, 1]."""
    mode = img.mode
    if mode.startswith("I;16"):  # 16-bit grayscale (PNG, TIFF): to_float divides by 65535
        return np.asarray(img).astype(np.uint16)
    if mode in ("I", "F"):  # 32-bit integer or float pixels: no standard range
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        top = 65535.0 if mode == "I" else 1.0
        if lo < 0 or hi > top:  # outside the usual range: stretch min..max to 0..1
            arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
        else:
            arr = arr / top
        return arr.astype(np.float32)
    return np.asarray(_standard_mode(img))
