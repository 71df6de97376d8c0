"""Learning a filter from data: recover a known kernel (Sobel) from (image, filtered image) pairs.

Notebook 10 starts a convolution kernel from random numbers and lets gradient descent find the
kernel that turned images into their filtered versions. Everything here is NumPy, so the
explorer's sliders stay fast; :func:`learn_kernel_keras` does the same with one Keras
``Conv2D`` layer (TensorFlow is imported inside it, only when it is called).

The pieces:

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
* :func:`learn_kernel`: gradient descent with momentum on the mean squared error
  :math:`L(w) = \\frac{1}{M} \\lVert P w - t \\rVert^2`, whose gradient is
  :math:`\\frac{2}{M} P^\\top (P w - t)` (:func:`gd_step`); plus the exact least-squares optimum.
* :func:`early_stopping_epoch`: when Keras's ``EarlyStopping`` would stop, for a list of
  validation losses (notebook 09's hyperparameter advice).

Why standardise the images? Neighbouring pixels of a photograph are strongly correlated, so
``P^T P`` is badly conditioned and plain gradient descent crawls along the directions that
distinguish kernels differing only in fine detail. Zero mean and unit variance (and momentum)
make a 3x3 kernel converge in a few hundred steps instead of many thousands.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import images as _images
from . import kernels as _kernels
from ._validate import _is_int, as_float_array, check_pair, check_positive_int, describe
from .ops import conv2d
from .shapes import output_shape, resolve_padding

__all__ = [
    "DEFAULT_IMAGES",
    "EarlyStop",
    "KernelFit",
    "align_target",
    "early_stopping_epoch",
    "filter_pairs",
    "gd_step",
    "ideal_kernel",
    "kernel_patches",
    "learn_kernel",
    "learn_kernel_keras",
    "record_steps",
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
    side = check_positive_int(side, "side", minimum=2)
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
def _as_batch(x, name: str) -> np.ndarray:
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
    arr = _as_batch(x, "x")
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
    if _is_int(shift):
        return int(shift), int(shift)
    if isinstance(shift, tuple | list) and len(shift) == 2 and all(_is_int(s) for s in shift):
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
    arr = _as_batch(y, "y")
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


# --------------------------------------------------------------------------------------------
# Gradient descent
# --------------------------------------------------------------------------------------------
def gd_step(kernel, patches, targets, learning_rate):
    """One plain gradient-descent step on the mean squared error of a convolution.

    With the im2col matrix ``P`` (M rows) and targets ``t``, the loss is
    :math:`L(w) = \\frac{1}{M} \\sum_m (P_m \\cdot w - t_m)^2` and its gradient
    :math:`\\nabla L = \\frac{2}{M} P^\\top (P w - t)`; the step is :math:`w - \\eta \\nabla L`.

    Parameters
    ----------
    kernel : ndarray, shape (kh, kw) or (kh * kw,)
    patches : ndarray, shape (M, kh * kw)
        From :func:`kernel_patches`.
    targets : ndarray, shape (M,) (or any shape with M values)
    learning_rate : float

    Returns
    -------
    ndarray, the shape of ``kernel``

    Examples
    --------
    >>> P = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> gd_step(np.zeros(2), P, np.array([1.0, 2.0]), 0.5)
    array([0.5, 2. ])
    """
    w = as_float_array(kernel, "kernel", min_dtype=np.float64)
    p = as_float_array(patches, "patches", ndims=(2,), min_dtype=np.float64)
    t = as_float_array(targets, "targets", min_dtype=np.float64).reshape(-1)
    if p.shape[1] != w.size or p.shape[0] != t.size:
        raise ValueError(
            f"patches must have shape (M, {w.size}) for a kernel of {w.size} taps and M = "
            f"{t.size} targets; got patches of shape {p.shape}."
        )
    grad = 2.0 / t.size * (p.T @ (p @ w.reshape(-1) - t))
    return w - float(learning_rate) * grad.reshape(w.shape)


def record_steps(steps: int, n: int = 40) -> np.ndarray:
    """Roughly log-spaced steps ``0 .. steps`` at which to keep a snapshot of the kernel.

    Examples
    --------
    >>> record_steps(100, 8).tolist()
    [0, 1, 2, 4, 7, 14, 27, 52, 100]
    """
    steps = check_positive_int(steps, "steps", minimum=0)
    n = check_positive_int(n, "n")
    if steps == 0:
        return np.array([0])
    marks = np.unique(np.rint(np.geomspace(1, steps, n)).astype(int))
    return np.concatenate([[0], marks])


@dataclass(frozen=True, eq=False)
class KernelFit:
    """What :func:`learn_kernel` (or :func:`learn_kernel_keras`) learned, step by step.

    Attributes
    ----------
    kernel : ndarray, shape (kh, kw)
        The learned kernel after the last step.
    ideal : ndarray, shape (kh, kw), or None
        :func:`ideal_kernel`: what a perfect learner finds (None if no kernel can).
    steps : ndarray of int, shape (S,)
        The steps at which snapshots were kept (0 = the random start).
    kernels : ndarray, shape (S, kh, kw)
        The kernel at each of those steps.
    losses : ndarray, shape (S,)
        The mean squared error at each of those steps.
    optimum : ndarray, shape (kh, kw)
        The exact least-squares solution (what gradient descent converges to).
    optimum_loss : float
        Its mean squared error (0 up to rounding when ``ideal`` is not None).
    learning_rate : float
    n_equations : int
        Output positions with a target (the rows of the least-squares problem).
    n_dropped : int
        Output positions without a target (window centred in the padding), left out.
    """

    kernel: np.ndarray
    ideal: np.ndarray | None
    steps: np.ndarray
    kernels: np.ndarray
    losses: np.ndarray
    optimum: np.ndarray
    optimum_loss: float
    learning_rate: float
    n_equations: int
    n_dropped: int

    @property
    def loss(self) -> float:
        """The mean squared error after the last step."""
        return float(self.losses[-1])

    @property
    def errors(self) -> np.ndarray | None:
        """Largest absolute difference from ``ideal`` at each snapshot (None without ideal)."""
        if self.ideal is None:
            return None
        return np.abs(self.kernels - self.ideal).max(axis=(1, 2))

    @property
    def error(self) -> float | None:
        """Largest absolute difference between the learned and the ideal kernel."""
        return None if self.ideal is None else float(np.abs(self.kernel - self.ideal).max())


class _Problem:
    """The least-squares problem of one setting: P, t, and the Gram form of the loss."""

    def __init__(self, x, y, kernel_size, stride, padding, shift):
        self.shape = check_pair(kernel_size, "kernel_size")
        xb, yb = _as_batch(x, "x"), _as_batch(y, "y")
        if xb.shape != yb.shape:
            raise ValueError(
                f"x and y must have the same shape (one target per pixel); got x of shape "
                f"{xb.shape} and y of shape {yb.shape}."
            )
        patches = kernel_patches(xb, self.shape, stride=stride, padding=padding)
        targets = align_target(yb, self.shape, stride=stride, padding=padding, shift=shift)
        targets = targets.reshape(-1)
        keep = np.isfinite(targets)
        self.n_dropped = int((~keep).sum())
        self.patches, self.targets = patches[keep], targets[keep]
        self.m = len(self.targets)
        if self.m == 0:
            raise ValueError(
                f"padding={padding!r} and shift={shift!r} leave no output position whose window "
                "is centred on the image, so there is nothing to learn from; use less padding."
            )
        self.gram = self.patches.T @ self.patches / self.m
        self.h = self.patches.T @ self.targets / self.m
        self.c = float(self.targets @ self.targets / self.m)
        self.lam_max = float(np.linalg.eigvalsh(self.gram)[-1])

    def loss(self, w):
        w = w.reshape(len(w), -1) if w.ndim == 2 else w.reshape(1, -1)
        value = np.einsum("si,ij,sj->s", w, self.gram, w) - 2 * w @ self.h + self.c
        return np.maximum(value, 0.0)

    def optimum(self):
        # the normal equations (P^T P / M) w = P^T t / M: a tiny (k^2 x k^2) system
        w, *_ = np.linalg.lstsq(self.gram, self.h, rcond=1e-12)
        return w


def _initial_kernel(init, shape, seed) -> np.ndarray:
    if init is None:
        return np.random.default_rng(seed).normal(0.0, 1.0, shape)
    w0 = as_float_array(init, "init", min_dtype=np.float64)
    if w0.shape != shape:
        raise ValueError(f"init must have shape {shape} (the kernel size); got shape {w0.shape}.")
    return w0.copy()


def _check_rate(value, name):
    if value is None:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a positive number or None; got {describe(value)}.")
    return float(value)


def learn_kernel(
    x,
    y,
    kernel_size=3,
    *,
    stride=1,
    padding="valid",
    shift=0,
    steps=500,
    learning_rate=None,
    momentum=0.9,
    seed=0,
    init=None,
    record=40,
    target_kernel=None,
):
    """Learn a kernel by gradient descent (with momentum) from (image, filtered image) pairs.

    Minimises the mean squared error between ``conv2d(x, kernel, stride, padding)`` and the
    aligned targets (:func:`align_target`) with the heavy-ball update
    :math:`v \\leftarrow \\mu v - \\eta \\nabla L(w)`, :math:`w \\leftarrow w + v` (Keras's
    ``SGD(momentum=...)``), starting from random numbers. The loss is quadratic, so each step
    uses the precomputed :math:`P^\\top P / M` and costs microseconds.

    Parameters
    ----------
    x, y : ndarray, shape (N, H, W) or (H, W)
        Images and their full-size filtered versions (:func:`filter_pairs`).
    kernel_size : int or (int, int), default 3
        Size of the kernel being learned.
    stride, padding :
        Of the convolution being learned (``padding`` as for :func:`cnnlab.conv2d`).
    shift : int or (int, int), default 0
        Misalign the targets on purpose (see :func:`align_target`).
    steps : int, default 500
        Gradient-descent steps (0: just the random start).
    learning_rate : float, optional
        Default ``1 / lambda_max(P^T P / M)``: half the largest stable step of plain gradient
        descent on this quadratic, and fast with momentum 0.9.
    momentum : float in [0, 1), default 0.9
        0 gives plain gradient descent (:func:`gd_step`).
    seed : int, default 0
        Seed of the random initial kernel (standard normal).
    init : ndarray, shape (kh, kw), optional
        Start here instead.
    record : int, default 40
        About this many snapshots, log-spaced in the steps (:func:`record_steps`).
    target_kernel : str or ndarray, optional
        The filter that made ``y``; fills ``KernelFit.ideal`` (:func:`ideal_kernel`).

    Returns
    -------
    KernelFit

    Raises
    ------
    ValueError
        If the kernel does not fit the padded image, or no output position has a target.

    Examples
    --------
    >>> x, y = filter_pairs("sobel vertical", side=48)
    >>> fit = learn_kernel(x, y, 3, steps=300, target_kernel="sobel vertical")
    >>> fit.kernel.round(2)
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    >>> fit.error < 1e-3, bool(fit.losses[0] > 1), fit.loss < 1e-6
    (True, True, True)
    """
    steps = check_positive_int(steps, "steps", minimum=0)
    if not isinstance(momentum, numbers.Real) or not 0 <= momentum < 1:
        raise ValueError(f"momentum must be a number in [0, 1); got {describe(momentum)}.")
    rate = _check_rate(learning_rate, "learning_rate")
    problem = _Problem(x, y, kernel_size, stride, padding, shift)
    shape = problem.shape
    if rate is None:
        rate = 1.0 / max(problem.lam_max, 1e-12)
    w = _initial_kernel(init, shape, seed).reshape(-1)
    marks = record_steps(steps, record)
    keep = set(marks.tolist())
    snaps = [w.copy()] if 0 in keep else []
    v = np.zeros_like(w)
    for step in range(1, steps + 1):
        grad = 2.0 * (problem.gram @ w - problem.h)
        v = momentum * v - rate * grad
        w = w + v
        if step in keep:
            snaps.append(w.copy())
    snaps = np.array(snaps)
    optimum = problem.optimum()
    ideal = None if target_kernel is None else ideal_kernel(target_kernel, shape, shift=shift)
    return KernelFit(
        kernel=w.reshape(shape),
        ideal=ideal,
        steps=marks,
        kernels=snaps.reshape(-1, *shape),
        losses=problem.loss(snaps),
        optimum=optimum.reshape(shape),
        optimum_loss=float(problem.loss(optimum)[0]),
        learning_rate=rate,
        n_equations=problem.m,
        n_dropped=problem.n_dropped,
    )


def learn_kernel_keras(
    x,
    y,
    kernel_size=3,
    *,
    stride=1,
    padding="valid",
    steps=300,
    learning_rate=None,
    momentum=0.9,
    seed=0,
    init=None,
    record=40,
    target_kernel=None,
):
    """The same learning with a real Keras ``Conv2D(1, kernel_size, use_bias=False)`` layer.

    Builds ``keras.Sequential([Input((H, W, 1)), Conv2D(1, kernel_size, strides=stride,
    padding=padding, use_bias=False)])``, starts its kernel from the same random numbers as
    :func:`learn_kernel` (same ``seed``), and trains it with ``SGD(learning_rate, momentum)`` on
    the ``"mse"`` loss, one full batch of all images per step. So it follows the same path as
    the NumPy version (up to float32 rounding).

    Parameters
    ----------
    x, y : ndarray, shape (N, H, W)
        Images and full-size targets (:func:`filter_pairs`).
    kernel_size, stride :
        Of the ``Conv2D`` layer.
    padding : {"valid", "same"}, default "valid"
        The paddings a Keras ``Conv2D`` has; the targets are aligned with :func:`align_target`.
    steps, learning_rate, momentum, seed, init, record, target_kernel :
        As for :func:`learn_kernel` (the default learning rate is computed the same way).

    Returns
    -------
    KernelFit
        ``kernels`` and ``losses`` are the Keras layer's kernel and the MSE at the recorded
        steps; ``optimum`` is NumPy's exact least-squares solution.

    Examples
    --------
    >>> x, y = filter_pairs("sobel vertical", side=32)
    >>> fit = learn_kernel_keras(x, y, 3, steps=200, target_kernel="sobel vertical")
    >>> fit.error < 1e-2
    True
    """
    if padding not in ("valid", "same"):
        raise ValueError(
            f"padding must be 'valid' or 'same' (the paddings of keras.layers.Conv2D); "
            f"got {describe(padding)}."
        )
    steps = check_positive_int(steps, "steps", minimum=0)
    if not isinstance(momentum, numbers.Real) or not 0 <= momentum < 1:
        raise ValueError(f"momentum must be a number in [0, 1); got {describe(momentum)}.")
    rate = _check_rate(learning_rate, "learning_rate")
    problem = _Problem(x, y, kernel_size, stride, padding, 0)
    shape = problem.shape
    if rate is None:
        rate = 1.0 / max(problem.lam_max, 1e-12)
    w0 = _initial_kernel(init, shape, seed)
    xb = _as_batch(x, "x")
    targets = align_target(_as_batch(y, "y"), shape, stride=stride, padding=padding)

    import keras
    import tensorflow as tf

    layer = keras.layers.Conv2D(
        1,
        shape,
        strides=check_pair(stride, "stride"),
        padding=padding,
        use_bias=False,
        kernel_initializer=keras.initializers.Constant(w0[:, :, None, None]),
        name="learned_filter",
    )
    model = keras.Sequential([keras.Input(shape=(*xb.shape[1:], 1)), layer], name="one_filter")
    model.compile(optimizer=keras.optimizers.SGD(rate, momentum=momentum), loss="mse")
    marks = record_steps(steps, record)
    keep = set(marks.tolist())

    class Snapshots(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.kernels = []

        def _take(self):
            self.kernels.append(np.asarray(layer.kernel.numpy(), np.float64)[:, :, 0, 0])

        def on_train_begin(self, logs=None):
            if 0 in keep:
                self._take()

        def on_train_batch_end(self, batch, logs=None):
            if batch + 1 in keep:
                self._take()

    snapshots = Snapshots()
    if steps:
        data = tf.data.Dataset.from_tensors(
            (xb[..., None].astype(np.float32), targets[..., None].astype(np.float32))
        ).repeat(steps)
        model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[snapshots])
    else:
        snapshots._take()
    kernels = np.array(snapshots.kernels)
    optimum = problem.optimum()
    ideal = None if target_kernel is None else ideal_kernel(target_kernel, shape)
    return KernelFit(
        kernel=kernels[-1],
        ideal=ideal,
        steps=marks,
        kernels=kernels,
        losses=problem.loss(kernels.reshape(len(kernels), -1)),
        optimum=optimum.reshape(shape),
        optimum_loss=float(problem.loss(optimum)[0]),
        learning_rate=rate,
        n_equations=problem.m,
        n_dropped=problem.n_dropped,
    )


# --------------------------------------------------------------------------------------------
# Early stopping
# --------------------------------------------------------------------------------------------
class EarlyStop(NamedTuple):
    """Result of :func:`early_stopping_epoch`; epochs counted from 1, as Keras prints them."""

    stopped_after: int | None
    best_epoch: int


def early_stopping_epoch(val_losses, patience=2, *, min_delta=0.0) -> EarlyStop:
    """When ``keras.callbacks.EarlyStopping(monitor="val_loss", patience=...)`` would stop.

    Keras counts the epochs since the best value so far; an epoch improves on it when its loss
    is lower by more than ``min_delta``. Training stops after the first epoch that does not
    improve when ``patience`` epochs in a row have not improved (but never after the first
    epoch); with ``restore_best_weights=True`` the weights of the best epoch are put back.

    Parameters
    ----------
    val_losses : sequence of float, shape (E,)
        The validation loss after each epoch (``history.history["val_loss"]``).
    patience : int, default 2
    min_delta : float, default 0.0

    Returns
    -------
    EarlyStop
        ``stopped_after``: the epoch (from 1) after which training stops, or None if it would
        have run all E epochs; ``best_epoch``: the epoch (from 1) with the lowest loss so far
        at that point, whose weights ``restore_best_weights`` keeps.

    Examples
    --------
    >>> early_stopping_epoch([0.9, 0.5, 0.6, 0.55, 0.4], patience=2)
    EarlyStop(stopped_after=4, best_epoch=2)
    >>> early_stopping_epoch([0.9, 0.5, 0.4], patience=2)
    EarlyStop(stopped_after=None, best_epoch=3)
    """
    patience = check_positive_int(patience, "patience", minimum=0)
    values = as_float_array(val_losses, "val_losses", ndims=(1,), min_dtype=np.float64)
    if not isinstance(min_delta, numbers.Real) or min_delta < 0:
        raise ValueError(f"min_delta must be a number >= 0; got {describe(min_delta)}.")
    best, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(values.tolist()):
        wait += 1
        if best is None or value + min_delta < best:
            best, best_epoch, wait = value, epoch, 0
        elif wait >= patience and epoch > 0:
            return EarlyStop(epoch + 1, best_epoch + 1)
    return EarlyStop(None, best_epoch + 1)
