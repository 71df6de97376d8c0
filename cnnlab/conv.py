"""2-D convolution (cross-correlation) in NumPy: the loop definition beside the fast version.

* :func:`conv2d_naive` — plain loops that read like the textbook definition. Read this one.
* :func:`im2col` — the same sums as one matrix product: every window becomes a row.
* :func:`conv2d` — the vectorised version the notebooks and explorers call. It pads exactly as
  ``conv2d_naive`` does and hands the sums to a private engine (``cnnlab._conv_engine``);
  tests prove it equal to ``conv2d_naive``, to ``im2col`` and to ``tf.nn.conv2d``.

Layout is Keras's ``channels_last``: images ``(H, W)``, ``(H, W, C)`` or ``(N, H, W, C)``;
kernels ``(kh, kw)`` or ``(kh, kw, C, F)``.

Deep-learning "convolution" is *cross-correlation*: the kernel is not flipped. ``conv2d`` matches
``tf.nn.conv2d`` and ``keras.layers.Conv2D``; to get the flipped mathematical convolution, pass
``kernel[::-1, ::-1]``.

References
----------
.. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
   arXiv:1603.07285, 2016. https://arxiv.org/abs/1603.07285
.. [2] CS231n, "Convolutional Neural Networks for Visual Recognition", course notes,
   https://cs231n.github.io/convolutional-networks/
.. [3] TensorFlow, "Notes on padding",
   https://www.tensorflow.org/api_docs/python/tf/nn#notes_on_padding_2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import _conv_engine
from ._validate import as_float_array, check_pair
from .layouts import CONV_KERNEL, promote, promote_bias, to_caller_layout
from .padding import pad2d
from .shapes import output_size, resolve_padding

__all__ = ["conv2d", "conv2d_naive", "im2col"]


@dataclass(frozen=True)
class _ConvInputs:
    """Checked arguments of a convolution, before any padding."""

    x: np.ndarray  # (N, H, W, C), floating
    kernel: np.ndarray  # (kh, kw, C, F), same dtype as x
    bias: np.ndarray | None  # (F,), or None for no bias
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right))
    out_hw: tuple[int, int]
    form: str  # the caller's layout: "hw" (2-D in, 2-D kernel), "hwf" (one image), "nhwf"


def _check_conv(x, kernel, bias, stride, padding, dilation) -> _ConvInputs:
    """Validate and promote the arguments of conv2d / conv2d_naive / im2col (nothing padded)."""
    x4, k4, form = promote(x, kernel, CONV_KERNEL)
    dtype = np.result_type(x4.dtype, k4.dtype)
    kh, kw, _, f = k4.shape
    stride = check_pair(stride, "stride")
    dilation = check_pair(dilation, "dilation")
    h, w = x4.shape[1:3]
    pads = resolve_padding(padding, (h, w), (kh, kw), stride, dilation)
    out_hw = (
        output_size(h, kh, stride[0], pads[0], dilation[0]),
        output_size(w, kw, stride[1], pads[1], dilation[1]),
    )
    b = promote_bias(bias, f, dtype, "one value per filter")
    x4, k4 = x4.astype(dtype, copy=False), k4.astype(dtype, copy=False)
    return _ConvInputs(x4, k4, b, stride, dilation, pads, out_hw, form)


def conv2d_naive(x, kernel, bias=None, *, stride=1, padding="valid", dilation=1):
    """2-D cross-correlation with plain loops: the textbook definition, kept as the reference.

    Slow on purpose (four nested loops): read it rather than run it on large images.
    :func:`conv2d` gives the same result, fast.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        One grayscale image, one image with ``C`` channels, or a batch of ``N`` of them.
    kernel : ndarray, shape (kh, kw) or (kh, kw, C, F)
        One 2-D kernel for a 2-D image, or ``F`` filters that each span all ``C`` channels.
    bias : float or ndarray of shape (F,), optional
        One number per filter, added to every output value of that filter.
    stride : int or (int, int), default 1
        Step :math:`s` of the window, in rows and columns.
    padding : str, int, (int, int) or ((int, int), (int, int)), default "valid"
        Zeros added around the image: ``"valid"``, ``"same"``, ``"full"`` or amounts, as for
        :func:`conv2d`.
    dilation : int or (int, int), default 1
        Spacing :math:`d` between kernel taps.

    Returns
    -------
    out : ndarray, shape (H', W'), (H', W', F) or (N, H', W', F)
        Same layout as the input, with, along each axis,
        :math:`o = \\lfloor (i + p_{top} + p_{bottom} - d(k - 1) - 1) / s \\rfloor + 1`
        (:func:`cnnlab.output_size`).

    See Also
    --------
    conv2d : the vectorised version, tested equal to this one.

    References
    ----------
    .. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
       arXiv:1603.07285, 2016. https://arxiv.org/abs/1603.07285
    .. [2] CS231n, "Convolutional Neural Networks", course notes (``conv_forward_naive``),
       https://cs231n.github.io/convolutional-networks/
    .. [3] TensorFlow, "Notes on padding",
       https://www.tensorflow.org/api_docs/python/tf/nn#notes_on_padding_2

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> conv2d_naive(x, np.ones((3, 3)))
    array([[45., 54.],
           [81., 90.]])
    >>> conv2d_naive(x, np.ones((3, 3)), padding=1)[0]   # 0 + 1 + 4 + 5 at the corner
    array([10., 18., 24., 18.])
    """
    args = _check_conv(x, kernel, bias, stride, padding, dilation)
    x4, k = args.x, args.kernel  # (N, H, W, C) and (kh, kw, C, F)
    n_images, h, w, _ = x4.shape
    kh, kw, _, n_filters = k.shape
    (sh, sw), (dh, dw) = args.stride, args.dilation
    (top, bottom), (left, right) = args.pads
    x_pad = pad2d(x4, args.pads)  # zeros around: (N, H + top + bottom, W + left + right, C)
    # o = ⌊(i + p_top + p_bottom − d(k − 1) − 1) / s⌋ + 1; 0 when an empty image is too small
    # for one window (TensorFlow's result)
    out_h = max((h + top + bottom - dh * (kh - 1) - 1) // sh + 1, 0)
    out_w = max((w + left + right - dw * (kw - 1) - 1) // sw + 1, 0)
    out = np.zeros((n_images, out_h, out_w, n_filters), dtype=x_pad.dtype)
    for n in range(n_images):  # every image of the batch
        for i in range(out_h):  # every output row
            for j in range(out_w):  # every output column
                r, c = i * sh, j * sw  # where the window starts in the padded input
                window = x_pad[
                    n,
                    r : r + dh * (kh - 1) + 1 : dh,  # kh rows, dh apart
                    c : c + dw * (kw - 1) + 1 : dw,  # kw columns, dw apart
                    :,  # the filter spans the full depth
                ]
                for f in range(n_filters):  # one output channel per filter
                    out[n, i, j, f] = np.sum(window * k[:, :, :, f])  # multiply, then sum
    if args.bias is not None:
        out += args.bias  # one number per filter, broadcast over (N, H', W')
    return to_caller_layout(out, args.form)


def im2col(x, kernel_size, *, stride=1, padding="valid", dilation=1):
    """Convolution as one matrix product: every window the kernel sees, as one row.

    ``im2col(x, (kh, kw)) @ kernel.reshape(-1, F)`` is the convolution: one row per output
    position (in the order of ``conv2d(...).reshape(-1, F)``), one column per kernel weight
    (in the order of ``kernel.reshape(-1, F)``, i.e. row, column, channel).

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
    kernel_size : int or (int, int)
        ``(kh, kw)``.
    stride, padding, dilation :
        As for :func:`conv2d` (zero padding).

    Returns
    -------
    ndarray, shape (N·H'·W', kh·kw·C)
        ``N = 1`` and ``C = 1`` for inputs without those axes. A copy: an 11x11 kernel on a
        512x512 image makes a 120 MB float32 matrix, which is why :func:`conv2d` never builds
        it whole.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> im2col(x, 3).shape
    (4, 9)
    >>> im2col(x, 3)[0].reshape(3, 3)      # the top-left window
    array([[ 0.,  1.,  2.],
           [ 4.,  5.,  6.],
           [ 8.,  9., 10.]])
    >>> k = np.arange(9.0).reshape(3, 3)
    >>> bool(np.allclose((im2col(x, 3, padding="same") @ k.ravel()).reshape(4, 4),
    ...                  conv2d(x, k, padding="same")))
    True
    """
    kh, kw = check_pair(kernel_size, "kernel_size")
    arr = as_float_array(x, "x", ndims=(2, 3, 4))
    c = 1 if arr.ndim == 2 else arr.shape[-1]
    x3 = arr[:, :, None] if arr.ndim == 2 else arr  # (H, W, 1), (H, W, C) or (N, H, W, C)
    args = _check_conv(x3, np.zeros((kh, kw, c, 1)), None, stride, padding, dilation)
    (sh, sw), (dh, dw) = args.stride, args.dilation
    oh, ow = args.out_hw
    if args.x.shape[0] == 0 or 0 in args.out_hw:
        return np.zeros((0, kh * kw * c), dtype=args.x.dtype)  # no windows: no rows
    x_pad = pad2d(args.x, args.pads)  # (N, H + top + bottom, W + left + right, C)
    spans = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = sliding_window_view(x_pad, spans, axis=(1, 2))  # (N, ., ., C, span_h, span_w)
    windows = windows[:, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, :, ::dh, ::dw]
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, kh * kw * c)  # copies


def conv2d(x, kernel, bias=None, *, stride=1, padding="valid", dilation=1):
    """2-D cross-correlation, vectorised, exactly like ``tf.nn.conv2d`` / ``keras.layers.Conv2D``.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        Image, multi-channel image or batch (channels_last). Integer images (uint8) are
        converted to floating point first, so nothing wraps around. An image with no rows or
        columns is allowed: as in TensorFlow, windows that see only padding give 0 (plus bias).
    kernel : ndarray, shape (kh, kw) or (kh, kw, C, F)
        A single 2-D kernel for a 2-D image, or ``F`` filters that each span all ``C`` input
        channels. Not flipped (cross-correlation, as in every deep-learning library).
    bias : float or ndarray of shape (F,), optional
        Added to every output value of each filter.
    stride : int or (int, int), default 1
        Step of the window in rows and columns.
    padding : str, int, (int, int) or ((int, int), (int, int)), default "valid"
        ``"valid"`` (none), ``"same"`` (TensorFlow's rule: output ``ceil(H / stride)``, the
        extra row/column at the bottom/right), ``"full"`` (``d(k - 1)`` on every side), an
        amount, ``(rows, cols)`` amounts or ``((top, bottom), (left, right))``. Zeros are used.
    dilation : int or (int, int), default 1
        Spacing between kernel taps (``dilation_rate`` in Keras).

    Returns
    -------
    ndarray
        ``(H', W')`` for a 2-D image and 2-D kernel, ``(H', W', F)`` for one image with a 4-D
        kernel, ``(N, H', W', F)`` for a batch, where ``H' = floor((H + pads - d(kh-1) - 1) / s)
        + 1`` (see :func:`cnnlab.output_size`). The dtype is the floating type of the inputs, at
        least float32.

    Raises
    ------
    ValueError
        Wrong rank, channel mismatch, empty kernel, kernel larger than the padded input, stride
        or dilation below 1, negative or unknown padding, wrong bias shape.
    TypeError
        Non-numeric or complex input, non-integer stride or dilation.

    See Also
    --------
    conv2d_naive : the loop version this one is tested against.
    im2col : the same sums as one matrix product.

    Notes
    -----
    The padding and output size are those of :func:`conv2d_naive`; the sums are done by a
    private engine (``cnnlab._conv_engine``) that picks one of three vectorised strategies from
    the shapes (each tested against TensorFlow). Large inputs are processed in chunks, so
    temporaries stay below about 32 MB.

    References
    ----------
    .. [1] TensorFlow, ``tf.nn.conv2d`` and "Notes on padding",
       https://www.tensorflow.org/api_docs/python/tf/nn#notes_on_padding_2

    Examples
    --------
    A vertical step edge gives a response only where the window straddles it:

    >>> x = np.array([[0, 0, 9, 9]] * 3)
    >>> conv2d(x, [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
    array([[27., 27.]])
    >>> conv2d(np.ones((5, 5)), np.ones((3, 3)), padding="same", stride=2)
    array([[4., 6., 4.],
           [6., 9., 6.],
           [4., 6., 4.]])
    >>> conv2d(np.zeros((2, 28, 28, 1)), np.zeros((3, 3, 1, 32))).shape
    (2, 26, 26, 32)
    >>> conv2d(np.zeros((1, 0, 2, 1)), np.ones((2, 2, 1, 1)), 5.0, padding=1)  # no rows
    array([[[[5.],
             [5.],
             [5.]]]])
    """
    args = _check_conv(x, kernel, bias, stride, padding, dilation)
    x_pad = pad2d(args.x, args.pads) if any(sum(p) for p in args.pads) else args.x
    out = _conv_engine.correlate(x_pad, args.kernel, args.stride, args.dilation, args.out_hw)
    if args.bias is not None:
        out += args.bias
    return to_caller_layout(out, args.form)
