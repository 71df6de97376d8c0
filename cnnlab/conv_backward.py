"""The backward pass of a 2-D convolution in NumPy: the loop version beside the fast one.

Given the upstream gradient :math:`G = \\partial L / \\partial Y` of a convolution
``Y = conv2d(X, W) + b``, the backward pass returns the gradients of the loss with respect to
the input, the kernel and the bias:

* :func:`conv2d_backward_naive` — one loop over the output cells: every output value was a
  window of the input times the kernel, so it sends ``g · kernel`` back into that window of
  ``grad_x`` and ``g · window`` into ``grad_kernel``. Read this one.
* :func:`conv2d_backward` — the same gradients as two convolutions done by
  :func:`cnnlab.conv2d`: the kernel's gradient is the input cross-correlated with the upstream
  gradient, the input's gradient is a 'full' convolution of the (stride-spread) upstream
  gradient with the flipped kernel. Tested equal to the loop version, to ``tf.GradientTape``
  and to finite differences.

Layouts and padding are those of :func:`cnnlab.conv2d` (``channels_last``): images ``(H, W)``,
``(H, W, C)`` or ``(N, H, W, C)``; kernels ``(kh, kw)`` or ``(kh, kw, C, F)``.

References
----------
.. [1] CS231n, "Convolutional Neural Networks for Visual Recognition", assignment 2
   (``conv_backward_naive``) and the notes on backpropagation,
   https://cs231n.github.io/optimization-2/
.. [2] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
   arXiv:1603.07285, 2016, chapter 4 (transposed convolution). https://arxiv.org/abs/1603.07285
.. [3] TensorFlow, "Notes on padding",
   https://www.tensorflow.org/api_docs/python/tf/nn#notes_on_padding_2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_pair
from .conv import conv2d
from .layouts import CONV_KERNEL, promote
from .padding import pad2d
from .shapes import output_shape, resolve_padding

__all__ = ["conv2d_backward", "conv2d_backward_naive"]


@dataclass(frozen=True)
class _BackwardInputs:
    """Checked arguments of a convolution's backward pass, in the (N, H, W, C) layout."""

    x: np.ndarray  # (N, H, W, C)
    kernel: np.ndarray  # (kh, kw, C, F)
    grad: np.ndarray  # (N, H', W', F), the upstream gradient
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right))
    form: str  # the caller's layout: "hw" (2-D in, 2-D kernel), "hwf" (one image), "nhwf"


def _check_backward(x, kernel, grad_output, stride, padding, dilation) -> _BackwardInputs:
    """Validate the arguments as conv2d does, then the upstream gradient's shape."""
    x4, k4, form = promote(x, kernel, CONV_KERNEL)
    g = as_float_array(grad_output, "grad_output")
    kh, kw, _, n_filters = k4.shape
    stride, dilation = check_pair(stride, "stride"), check_pair(dilation, "dilation")
    hw = x4.shape[1:3]
    pads = resolve_padding(padding, hw, (kh, kw), stride, dilation)
    out_h, out_w = output_shape(hw, (kh, kw), stride, pads, dilation)
    expected = {
        "hw": (out_h, out_w),
        "hwf": (out_h, out_w, n_filters),
        "nhwf": (x4.shape[0], out_h, out_w, n_filters),
    }[form]
    if g.shape != expected:
        raise ValueError(
            f"grad_output must have shape {expected}, the shape of conv2d's output for x of "
            f"shape {np.shape(x)} and kernel of shape {np.shape(kernel)} (stride={stride}, padding={pads}, "
            f"dilation={dilation}): one upstream gradient per output value. Got shape {g.shape}."
        )
    g4 = g.reshape(x4.shape[0], out_h, out_w, n_filters)
    dtype = np.result_type(x4.dtype, k4.dtype, g4.dtype)
    x4, k4, g4 = (a.astype(dtype, copy=False) for a in (x4, k4, g4))
    return _BackwardInputs(x4, k4, g4, stride, dilation, pads, form)


def _caller_layout(args, grad_xp, grad_k):
    """Crop the padding off ``grad_xp``; give every gradient the caller's layout."""
    (top, _), (left, _) = args.pads
    h, w = args.x.shape[1:3]
    grad_x = grad_xp[:, top : top + h, left : left + w, :]
    grad_b = args.grad.sum(axis=(0, 1, 2))  # (F,): every output value of a filter adds its b
    if args.form == "hw":
        return grad_x[0, :, :, 0], grad_k[:, :, 0, 0], grad_b[0]
    if args.form == "hwf":
        return grad_x[0], grad_k, grad_b
    return grad_x, grad_k, grad_b


def conv2d_backward_naive(x, kernel, grad_output, *, stride=1, padding="valid", dilation=1):
    """Gradients of a convolution with plain loops: the reference for :func:`conv2d_backward`.

    Slow on purpose (a loop over every output value): read it rather than run it on large
    images. Each output value :math:`y = \\sum \\text{window} \\cdot W + b` sends its upstream
    gradient :math:`g` back along the products that made it: ``g · W`` into the input window it
    read, ``g · window`` into the kernel, ``g`` into the bias.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        The convolution's input.
    kernel : ndarray, shape (kh, kw) or (kh, kw, C, F)
        The convolution's kernel.
    grad_output : ndarray, shape (H', W'), (H', W', F) or (N, H', W', F)
        :math:`\\partial L / \\partial Y`, the shape of ``conv2d(x, kernel, ...)``.
    stride, padding, dilation :
        As for :func:`cnnlab.conv2d`.

    Returns
    -------
    grad_x : ndarray, the shape of ``x``
    grad_kernel : ndarray, the shape of ``kernel``
    grad_bias : ndarray of shape (F,), or a scalar for a 2-D kernel

    See Also
    --------
    conv2d_backward : the vectorised version, tested equal to this one.

    References
    ----------
    .. [1] CS231n, assignment 2, ``conv_backward_naive``, https://cs231n.github.io/

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> grad_x, grad_k, grad_b = conv2d_backward_naive(x, np.ones((2, 2)), np.ones((2, 2)))
    >>> grad_x        # how many windows saw each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> grad_k        # the sum of the pixels each weight met
    array([[ 8., 12.],
           [20., 24.]])
    >>> float(grad_b)
    4.0
    """
    args = _check_backward(x, kernel, grad_output, stride, padding, dilation)
    k, g = args.kernel, args.grad  # (kh, kw, C, F) and (N, H', W', F)
    kh, kw, _, n_filters = k.shape
    n_images, out_h, out_w, _ = g.shape
    (sh, sw), (dh, dw) = args.stride, args.dilation
    x_pad = pad2d(args.x, args.pads)  # the input the forward pass slid over
    grad_xp = np.zeros_like(x_pad)  # gradient of every padded cell (the padding is cut off)
    grad_k = np.zeros_like(k)
    for n in range(n_images):  # every image of the batch
        for i in range(out_h):  # every output row
            for j in range(out_w):  # every output column
                r, c = i * sh, j * sw  # where the window starts in the padded input
                rows = slice(r, r + dh * (kh - 1) + 1, dh)  # kh rows, dh apart
                cols = slice(c, c + dw * (kw - 1) + 1, dw)  # kw columns, dw apart
                window = x_pad[n, rows, cols, :]  # (kh, kw, C): what the kernel saw
                for f in range(n_filters):  # one output channel per filter
                    upstream = g[n, i, j, f]  # ∂L/∂y for this output value
                    grad_xp[n, rows, cols, :] += upstream * k[:, :, :, f]  # ∂y/∂window = W
                    grad_k[:, :, :, f] += upstream * window  # ∂y/∂W = window
    return _caller_layout(args, grad_xp, grad_k)


def conv2d_backward(x, kernel, grad_output, *, stride=1, padding="valid", dilation=1):
    """Gradients of ``conv2d(x, kernel, bias, ...)`` with respect to x, kernel and bias.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        The convolution's input (channels_last), as given to :func:`cnnlab.conv2d`.
    kernel : ndarray, shape (kh, kw) or (kh, kw, C, F)
        The convolution's kernel: a 2-D kernel for a 2-D image, or ``F`` filters.
    grad_output : ndarray, shape (H', W'), (H', W', F) or (N, H', W', F)
        The upstream gradient :math:`G = \\partial L / \\partial Y`: one number per output
        value, so exactly the shape of ``conv2d(x, kernel, ...)``.
    stride, padding, dilation :
        As for :func:`cnnlab.conv2d`: stride and dilation an int or ``(rows, cols)``;
        padding ``"valid"``, ``"same"`` (TensorFlow's rule, the extra row/column at the
        bottom/right), ``"full"``, an int, a pair or ``((top, bottom), (left, right))``.

    Returns
    -------
    grad_x : ndarray, the shape of ``x``
        :math:`\\partial L / \\partial X`. Padded cells are not inputs: their gradient is cut off.
    grad_kernel : ndarray, the shape of ``kernel``
        :math:`\\partial L / \\partial W`.
    grad_bias : ndarray of shape (F,), or a scalar for a 2-D kernel
        :math:`\\partial L / \\partial b`.

    All three in the floating dtype of the inputs (at least float32).

    Raises
    ------
    ValueError
        As :func:`cnnlab.conv2d` (wrong rank, channel mismatch, empty kernel, kernel larger
        than the padded input, bad padding, stride or dilation), and when ``grad_output`` does
        not have the shape of the convolution's output.
    TypeError
        Non-numeric or complex arrays, non-integer stride or dilation.

    See Also
    --------
    conv2d_backward_naive : the loop version this one is tested against.
    cnnlab.conv2d : the forward pass.
    cnnlab.conv2d_transpose : ``grad_x`` is the transposed convolution of ``grad_output``.

    Notes
    -----
    With :math:`\\tilde X` the padded input, stride :math:`s`, dilation :math:`d` and the
    forward pass :math:`Y_{n,i,j,f} = b_f + \\sum_{a,b,c} \\tilde X_{n,\\,is+ad,\\,js+bd,\\,c}
    W_{a,b,c,f}`, the chain rule gives

    .. math::

        \\frac{\\partial L}{\\partial b_f} = \\sum_{n,i,j} G_{n,i,j,f}, \\qquad
        \\frac{\\partial L}{\\partial W_{a,b,c,f}} =
            \\sum_{n,i,j} \\tilde X_{n,\\,is+ad,\\,js+bd,\\,c}\\, G_{n,i,j,f},

        \\frac{\\partial L}{\\partial \\tilde X_{n,r,q,c}} =
            \\sum_{f}\\ \\sum_{\\substack{i,a:\\ is+ad=r \\\\ j,b:\\ js+bd=q}}
            G_{n,i,j,f}\\, W_{a,b,c,f} .

    Both sums are convolutions, computed here by :func:`cnnlab.conv2d`:

    * :math:`\\partial L/\\partial W` is the padded input cross-correlated with :math:`G`, the
      roles swapped: the batch axis is summed like channels, :math:`G` is the kernel, spread
      out by the forward stride (as a dilation) and moved by the forward dilation (as a
      stride).
    * :math:`\\partial L/\\partial \\tilde X` is a 'full' convolution of :math:`G` — spread out
      by the stride, i.e. :math:`s - 1` zeros inserted between its values — with the kernel
      flipped in both spatial axes and its in/out channels swapped (a *transposed
      convolution*). Rows and columns of :math:`\\tilde X` that no window reached get 0;
      cropping the padding off gives :math:`\\partial L/\\partial X`.

    References
    ----------
    .. [1] CS231n, "Backpropagation, intuitions", https://cs231n.github.io/optimization-2/
    .. [2] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
       arXiv:1603.07285, 2016, chapter 4. https://arxiv.org/abs/1603.07285
    .. [3] TensorFlow, ``tf.nn.conv2d`` (its gradients are ``Conv2DBackpropInput`` and
       ``Conv2DBackpropFilter``), https://www.tensorflow.org/api_docs/python/tf/nn/conv2d

    Examples
    --------
    A 3x3 image, a 2x2 kernel and the upstream gradient of ``L = sum(conv2d(x, kernel))``:

    >>> x = np.arange(9.0).reshape(3, 3)
    >>> kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> grad_x, grad_kernel, grad_bias = conv2d_backward(x, kernel, np.ones((2, 2)))
    >>> grad_x
    array([[ 1.,  3.,  2.],
           [ 4., 10.,  6.],
           [ 3.,  7.,  4.]])
    >>> grad_kernel
    array([[ 8., 12.],
           [20., 24.]])
    >>> float(grad_bias)
    4.0

    A 1x1 kernel at stride 2 reads every other pixel; only those get a gradient:

    >>> conv2d_backward(np.ones((4, 4)), np.ones((1, 1)), np.ones((2, 2)), stride=2)[0]
    array([[1., 0., 1., 0.],
           [0., 0., 0., 0.],
           [1., 0., 1., 0.],
           [0., 0., 0., 0.]])
    >>> grads = conv2d_backward(np.zeros((2, 28, 28, 1)), np.zeros((3, 3, 1, 8)),
    ...                         np.zeros((2, 28, 28, 8)), padding="same")
    >>> [g.shape for g in grads]
    [(2, 28, 28, 1), (3, 3, 1, 8), (8,)]
    """
    args = _check_backward(x, kernel, grad_output, stride, padding, dilation)
    xp = pad2d(args.x, args.pads) if any(sum(p) for p in args.pads) else args.x
    k, g = args.kernel, args.grad  # (kh, kw, C, F) and (N, H', W', F)
    kh, kw, _, n_filters = k.shape
    n_images, out_h, out_w, _ = g.shape
    (sh, sw), (dh, dw) = args.stride, args.dilation
    grad_xp = np.zeros_like(xp)
    if g.size == 0:  # no output values (an empty batch or image): nothing flows back
        return _caller_layout(args, grad_xp, np.zeros_like(k))

    # ∂L/∂W: the padded input, channels as the batch and the batch as channels, cross-correlated
    # with G as the kernel (G's taps s apart, moved d at a time). When the input has rows or
    # columns past the last window (the stride skipped them) the result is larger than the
    # kernel: only its first kh x kw positions are kernel taps.
    grad_k = conv2d(
        xp.transpose(3, 1, 2, 0),  # (C, Hp, Wp, N)
        g.transpose(1, 2, 0, 3),  # (H', W', N, F)
        stride=(dh, dw),
        dilation=(sh, sw),
    )[:, :kh, :kw, :]  # (C, kh, kw, F)
    grad_k = grad_k.transpose(1, 2, 0, 3)  # (kh, kw, C, F)

    # ∂L/∂X̃: G spread out by the stride (zeros in between), 'full'-convolved with the flipped
    # kernel whose in/out channels are swapped: the transposed convolution.
    spread = np.zeros((n_images, sh * (out_h - 1) + 1, sw * (out_w - 1) + 1, n_filters), g.dtype)
    spread[:, ::sh, ::sw, :] = g
    flipped = k[::-1, ::-1, :, :].transpose(0, 1, 3, 2)  # (kh, kw, F, C)
    full = conv2d(spread, flipped, padding="full", dilation=(dh, dw))  # (N, ≤ Hp, ≤ Wp, C)
    # Rows and columns past the last window (when the stride skips them) get no gradient.
    grad_xp[:, : full.shape[1], : full.shape[2], :] = full
    return _caller_layout(args, grad_xp, grad_k)
