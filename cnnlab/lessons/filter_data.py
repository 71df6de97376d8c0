"""What a learned filter must reproduce (notebook 12): image pairs, patches, alignment.

NumPy only; :mod:`cnnlab.lessons.filter_learning` learns from these.

* :func:`filter_pairs`: bundled pictures ``x`` (standardised crops) and their filtered versions
  ``y = conv2d(x, target, padding="same")``: one target value per pixel.
* :func:`kernel_patches`: the im2col matrix ``P`` of a ``k x k`` window at every output
  position, so that ``P @ kernel.ravel()`` is ``conv2d(x, kernel, stride, padding)``.
* :func:`align_target`: which target pixel each output position must reproduce. An output
  position of a ``k x k`` kernel "sits" on the pixel under the kernel's centre tap
  ``c = (k - 1) // 2``: output ``(i, j)`` sits on pixel ``(i s - p_top + c, j s - p_left + c)``.
  A larger kernel with ``'valid'`` padding has a smaller output that starts further in, so the
  target must be cropped by the same amount on each side, not just cut at the bottom/right.
* :func:`ideal_kernel`: the kernel a perfect learner should find: the target kernel placed
  at the centre of a ``k x k`` grid of zeros (the extra taps are 0), or None if it cannot hold it.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import images as _images
from .. import kernels as _kernels
from .._validate import as_float_array, check_int, check_pair, describe, is_int
from ..conv import conv2d
from ..shapes import output_shape, resolve_padding

__all__ = [
    "DEFAULT_IMAGES",
    "align_target",
    "filter_pairs",
    "ideal_kernel",
    "image_batch",
    "kernel_patches",
]


#: The bundled scikit-image pictures used as training images by default.
DEFAULT_IMAGES = ("camera", "coins", "moon", "astronaut")


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
def _target_kernel(kernel) -> np.ndarray:
    if isinstance(kernel, str):
        return _kernels.get_kernel(kernel, 3)
    arr = as_float_array(kernel, "kernel", min_dtype=np.float64)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(
            f"kernel must be a kernel name (e.g. 'sobel vertical') or a 2-D array (kh, kw); "
            f"got {describe(kernel)}."
        )
    return arr


def _crop(image: np.ndarray, side: int) -> np.ndarray:
    h, w = image.shape
    if min(h, w) < side:
        raise ValueError(
            f"side={side} is larger than a bundled image after shrinking ({h}x{w}); "
            f"use side <= {min(h, w)}."
        )
    top, left = (h - side) // 2, (w - side) // 2
    return image[top : top + side, left : left + side]


def filter_pairs(kernel="sobel vertical", images=DEFAULT_IMAGES, *, side=96, standardise=True):
    """Training pairs for learning a filter: images and the same images filtered by ``kernel``.

    Each bundled picture is converted to gray, shrunk by an integer factor to at most 128
    pixels per side, centre-cropped to ``side x side`` and (by default) standardised to zero
    mean and unit variance. The targets are ``conv2d(x, kernel, padding="same")`` (zero
    padding, TensorFlow's rule), so every pixel has a target value: the filter's response
    centred on that pixel.

    Parameters
    ----------
    kernel : str or ndarray, shape (kh, kw), default "sobel vertical"
        The filter to be learned: a name of :data:`cnnlab.kernels.KERNELS` (built 3x3) or an
        array.
    images : sequence of str or of ndarray (H, W)
        Names from :data:`cnnlab.images.IMAGE_NAMES` or grayscale arrays at least ``side``
        pixels high and wide (after shrinking).
    side : int, default 96
        Side of the square crops (at most 101 for the default pictures).
    standardise : bool, default True
        Subtract each crop's mean and divide by its standard deviation.

    Returns
    -------
    x : ndarray of float64, shape (N, side, side)
        The images.
    y : ndarray of float64, shape (N, side, side)
        The filtered images.

    Examples
    --------
    >>> x, y = filter_pairs("sobel vertical", ["camera", "coins"], side=32)
    >>> x.shape, y.shape
    ((2, 32, 32), (2, 32, 32))
    >>> bool(np.allclose(y[0], conv2d(x[0], _kernels.sobel_vertical(), padding="same")))
    True
    """
    target = _target_kernel(kernel)
    side = check_int(side, "side", minimum=2)
    if isinstance(images, str) or not hasattr(images, "__len__") or len(images) == 0:
        raise ValueError(
            f"images must be a non-empty sequence of image names {_images.IMAGE_NAMES} or 2-D "
            f"arrays; got {describe(images)}."
        )
    crops = []
    for image in images:
        if isinstance(image, str):
            arr = _images.load_image(image, gray=True)
        else:
            arr = _images.to_gray(np.asarray(image))
        arr = _images.downscale(arr, 128).astype(np.float64)
        crop = _crop(arr, side)
        if standardise:
            spread = crop.std()
            crop = (crop - crop.mean()) / (spread if spread > 0 else 1.0)
        crops.append(crop)
    x = np.stack(crops)
    y = np.stack([conv2d(c, target, padding="same") for c in crops])
    return x, y


# --------------------------------------------------------------------------------------------
# im2col, alignment, the ideal kernel
# --------------------------------------------------------------------------------------------
def image_batch(x, name: str) -> np.ndarray:
    """``x`` of shape (H, W) or (N, H, W) as a float64 batch (N, H, W); errors name ``name``."""
    arr = as_float_array(x, name, ndims=(2, 3), min_dtype=np.float64)
    return arr[np.newaxis] if arr.ndim == 2 else arr


def kernel_patches(x, kernel_size, *, stride=1, padding="valid"):
    """The im2col matrix: one row per output position, holding the window the kernel sees.

    Parameters
    ----------
    x : ndarray, shape (H, W) or (N, H, W)
        Image(s), zero padded as ``padding`` says.
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : {"valid", "same", "full"}, int or pair, default "valid"
        As for :func:`cnnlab.conv2d`.

    Returns
    -------
    ndarray of float64, shape (N * H' * W', kh * kw)
        Rows in the order of ``conv2d(...).ravel()`` (image, row, column); columns in the
        order of ``kernel.ravel()``. So ``kernel_patches(x, k) @ kernel.ravel()`` equals
        ``conv2d(x, kernel).ravel()``.

    Raises
    ------
    ValueError
        If the kernel does not fit the padded image (cnnlab's message).

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> kernel_patches(x, 3).shape
    (4, 9)
    >>> kernel_patches(x, 3)[0].reshape(3, 3)
    array([[ 0.,  1.,  2.],
           [ 4.,  5.,  6.],
           [ 8.,  9., 10.]])
    >>> k = np.arange(9.0).reshape(3, 3)
    >>> bool(np.allclose(kernel_patches(x, 3, padding="same") @ k.ravel(),
    ...                  conv2d(x, k, padding="same").ravel()))
    True
    """
    arr = image_batch(x, "x")
    kh, kw = check_pair(kernel_size, "kernel_size")
    sh, sw = check_pair(stride, "stride")
    hw = arr.shape[1:]
    pads = resolve_padding(padding, hw, (kh, kw), (sh, sw))
    oh, ow = output_shape(hw, (kh, kw), (sh, sw), pads)
    padded = np.pad(arr, ((0, 0), *pads)) if any(sum(p) for p in pads) else arr
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))
    windows = windows[:, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw]
    return windows.reshape(-1, kh * kw).copy()


def _offsets(kernel_size, shift) -> tuple[int, int]:
    kh, kw = check_pair(kernel_size, "kernel_size")
    sr, sc = _shift_pair(shift)
    return (kh - 1) // 2 + sr, (kw - 1) // 2 + sc


def _shift_pair(shift) -> tuple[int, int]:
    if is_int(shift):
        return int(shift), int(shift)
    if isinstance(shift, tuple | list) and len(shift) == 2 and all(is_int(s) for s in shift):
        return int(shift[0]), int(shift[1])
    raise TypeError(
        f"shift must be an integer or a pair (rows, cols) of integers; got {describe(shift)}."
    )


def align_target(y, kernel_size, *, stride=1, padding="valid", shift=0):
    """The target value each output position of a ``k x k`` convolution must reproduce.

    Output position ``(i, j)`` of ``conv2d(x, kernel, stride, padding)`` sits on the image pixel
    under the kernel's centre tap ``c = (k - 1) // 2``: row ``i * s - p_top + c`` (columns
    likewise). Its target is the full-size target map ``y`` at that pixel. With ``'valid'``
    padding and a 5x5 kernel the output starts 2 pixels in, so a 3x3 filter's valid output
    (which starts 1 pixel in) must lose one row/column on *each* side, not two at the end.

    Parameters
    ----------
    y : ndarray, shape (H, W) or (N, H, W)
        Full-size targets, one per pixel (e.g. from :func:`filter_pairs`).
    kernel_size : int or (int, int)
        Of the kernel being learned.
    stride, padding :
        Of the convolution being learned, as for :func:`cnnlab.conv2d`.
    shift : int or (int, int), default 0
        Deliberately misalign by this many pixels (rows, cols): the kernel must then learn a
        shifted filter. 0 is the correct alignment.

    Returns
    -------
    ndarray of float64, shape of the convolution's output (with the batch axis if ``y`` has one)
        NaN where the pixel lies outside the image (the window is centred in the padding);
        such positions have no target and are left out of the loss.

    Examples
    --------
    >>> y = np.arange(36.0).reshape(6, 6)
    >>> align_target(y, 3)            # valid 3x3: output (i, j) sits on pixel (i + 1, j + 1)
    array([[ 7.,  8.,  9., 10.],
           [13., 14., 15., 16.],
           [19., 20., 21., 22.],
           [25., 26., 27., 28.]])
    >>> align_target(y, 5)            # valid 5x5: on pixel (i + 2, j + 2)
    array([[14., 15.],
           [20., 21.]])
    >>> align_target(y, 3, padding="full")[0]   # 'full': the first row sits above the image
    array([nan, nan, nan, nan, nan, nan, nan, nan])
    """
    arr = image_batch(y, "y")
    kh, kw = check_pair(kernel_size, "kernel_size")
    sh, sw = check_pair(stride, "stride")
    h, w = arr.shape[1:]
    (pt, pb), (pl, pr) = resolve_padding(padding, (h, w), (kh, kw), (sh, sw))
    oh, ow = output_shape((h, w), (kh, kw), (sh, sw), ((pt, pb), (pl, pr)))
    cr, cc = _offsets((kh, kw), shift)
    rows = np.arange(oh) * sh - pt + cr
    cols = np.arange(ow) * sw - pl + cc
    ok_r = (rows >= 0) & (rows < h)
    ok_c = (cols >= 0) & (cols < w)
    out = np.full((arr.shape[0], oh, ow), np.nan)
    out[np.ix_(np.arange(arr.shape[0]), ok_r, ok_c)] = arr[:, rows[ok_r]][:, :, cols[ok_c]]
    return out if np.ndim(y) == 3 else out[0]


def ideal_kernel(target_kernel, kernel_size, *, shift=0):
    """The ``k x k`` kernel that reproduces ``target_kernel``'s filtered image exactly.

    The target kernel placed so its centre tap lands on the ``k x k`` kernel's centre tap
    ``(k - 1) // 2`` (moved by ``shift``), zeros everywhere else: taps the target does not
    have must learn 0.

    Parameters
    ----------
    target_kernel : str or ndarray, shape (th, tw)
        The filter that made the targets (a kernel name builds the 3x3 version).
    kernel_size : int or (int, int)
        Size of the kernel being learned.
    shift : int or (int, int), default 0
        As in :func:`align_target`.

    Returns
    -------
    ndarray of float64, shape (kh, kw), or None
        None when the target does not fit in ``k x k`` at that place (e.g. a 3x3 Sobel in a
        2x2 kernel): then no kernel reproduces the targets exactly.

    Examples
    --------
    >>> ideal_kernel("sobel vertical", 5)
    array([[ 0.,  0.,  0.,  0.,  0.],
           [ 0., -1.,  0.,  1.,  0.],
           [ 0., -2.,  0.,  2.,  0.],
           [ 0., -1.,  0.,  1.,  0.],
           [ 0.,  0.,  0.,  0.,  0.]])
    >>> ideal_kernel("sobel vertical", 2) is None
    True
    """
    t = _target_kernel(target_kernel)
    kh, kw = check_pair(kernel_size, "kernel_size")
    cr, cc = _offsets((kh, kw), shift)
    top = cr - (t.shape[0] - 1) // 2
    left = cc - (t.shape[1] - 1) // 2
    if top < 0 or left < 0 or top + t.shape[0] > kh or left + t.shape[1] > kw:
        return None
    out = np.zeros((kh, kw))
    out[top : top + t.shape[0], left : left + t.shape[1]] = t
    return out
