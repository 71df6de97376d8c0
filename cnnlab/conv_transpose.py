"""Transposed convolution in NumPy: the scatter loop beside the vectorised version, and C.

A convolution is a linear map, so it is a matrix :math:`C` (:func:`conv_matrix`): one row per
output position, one column per input pixel, mostly zeros, the same kernel weights in every row.
Its transpose :math:`C^T` maps the output shape back to the input shape. Three ways to compute
it, all equal (the tests prove it):

* :func:`conv2d_transpose_naive` — *scatter*: each input value stamps ``value · kernel`` onto
  the output, the stamps ``stride`` steps apart, overlapping stamps adding up. Read this one.
* :func:`conv2d_transpose` — *insert zeros and convolve*: put ``stride − 1`` zeros between the
  input values, pad, and cross-correlate with the kernel rotated by 180°. Fast (vectorised).
* ``conv_matrix(...).T @ y.ravel()`` for one 2-D image: the definition.

It is also the backward pass of :func:`cnnlab.conv2d` with respect to its input, and exactly what
``keras.layers.Conv2DTranspose`` and ``tf.nn.conv2d_transpose`` compute. It is *not* the inverse
of the convolution: it restores the shape, not the values.

Layout is Keras's ``channels_last``: inputs ``(H, W)``, ``(H, W, C_in)`` or ``(N, H, W, C_in)``;
kernels ``(kh, kw)`` or ``(kh, kw, C_out, C_in)`` as ``Conv2DTranspose`` stores them, which is
the same array as the kernel ``(kh, kw, C, F)`` of the forward ``conv2d`` it transposes (its
``F`` outputs are the transpose's inputs).

References
----------
.. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
   arXiv:1603.07285, 2016, chapter 4. https://arxiv.org/abs/1603.07285
.. [2] Keras, ``Conv2DTranspose`` layer,
   https://keras.io/api/layers/convolution_layers/convolution2d_transpose/
.. [3] CS231n, "Convolutional Neural Networks for Visual Recognition", course notes,
   https://cs231n.github.io/convolutional-networks/
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_int, check_pair, describe
from .conv import conv2d
from .layouts import TRANSPOSED_KERNEL, promote, promote_bias, to_caller_layout
from .shapes import output_size, padding_amounts, resolve_padding

__all__ = ["conv2d_transpose", "conv2d_transpose_naive", "conv_matrix", "transposed_output_size"]

#: The largest matrix :func:`conv_matrix` builds (80 MB in float64).
MAX_MATRIX_ENTRIES = 10_000_000


def _check_output_padding(value, stride: int) -> int:
    """One axis's output padding: an integer in [0, stride − 1], as Keras requires."""
    op = check_int(value, "output_padding", minimum=0)
    if op >= stride:
        raise ValueError(
            f"output_padding must be smaller than the stride (Keras's rule: 0 <= output_padding < "
            f"stride), got output_padding={op} with stride={stride}. Use an output_padding in "
            f"[0, {stride - 1}], or None for Keras's default."
        )
    return op


def _transposed_axis(i, k, s, padding, op, d, axis=None) -> tuple[int, tuple[int, int]]:
    """Output size of one axis and the padding (before, after) of the matching convolution.

    The arguments are checked already; ``padding`` is a string or one axis's amounts, ``op`` is
    None or an integer in [0, s − 1]; ``axis`` (``"rows"`` or ``"columns"``) names the axis in
    messages.
    """
    kd = d * (k - 1) + 1  # the kernel's span
    where = f" along the {axis}" if axis else ""
    if isinstance(padding, str) and padding.lower() == "same":
        o = i * s if op is None else (i - 1) * s + kd % 2 + op
        if o >= 0 and -(-o // s) != i:  # a 'same' convolution maps o to ⌈o / s⌉, which must be i
            others = {1: "", 2: " or output_padding=1"}.get(s, f" or one in [1, {s - 1}]")
            raise ValueError(
                f"padding='same' with an even kernel span ({kd}){where} needs output_padding >= "
                f"1: output_padding={op} gives (i − 1)·s + {kd % 2} + {op} = ({i} − 1)·{s} + "
                f"{kd % 2} + {op} = {o}, and a 'same' convolution of stride {s} maps {o} back "
                f"to ⌈{o} / {s}⌉ = {-(-o // s)}, not {i} (Keras computes this shape but "
                f"TensorFlow then fails). Use output_padding=None (output i·s = {i * s}){others}."
            )
        if o < 0:
            raise ValueError(
                f"padding='same' with output_padding={op}{where} gives (i − 1)·s + {kd % 2} + "
                f"{op} = {o} < 0 for input size {i}: use output_padding=None or a non-empty input."
            )
        return o, padding_amounts("same", o, k, s, d)
    # "valid", "full" or amounts: the padding does not depend on the size (0 is a placeholder)
    before, after = padding_amounts(padding, 0, k, s, d)
    if op is None:
        # Keras's default for 'valid': when the stride is wider than the kernel, the output
        # still covers the last stride, (i − 1)·s + max(kd, s) rows; otherwise nothing extra.
        op = max(kd, s) - kd if isinstance(padding, str) and padding.lower() == "valid" else 0
    o = (i - 1) * s + kd - before - after + op
    if o < 0:
        raise ValueError(
            f"padding{where} crops {before} + {after} = {before + after} {axis or 'positions'} "
            f"off the stamps, which cover only (i − 1)·s + d(k − 1) + 1 + output_padding = "
            f"({i} − 1)·{s} + {kd} + {op} = {o + before + after}: the output would have {o}. Use "
            f"at most {o + before + after} padding in total{where}."
        )
    return o, (before, after)


def transposed_output_size(
    input_size, kernel_size, stride=1, padding="valid", output_padding=None, dilation=1
) -> int:
    """Output length of a transposed convolution along one axis (Keras's rule).

    Parameters
    ----------
    input_size : int >= 0
        Input length :math:`i` of the transposed convolution.
    kernel_size, stride, dilation : int >= 1
        :math:`k`, :math:`s` and :math:`d`; the kernel's span is :math:`k_d = d(k - 1) + 1`.
    padding : {"valid", "same", "full"} or int or (int, int), default "valid"
        The padding of the convolution being transposed: the transposed convolution crops it
        off its output.
    output_padding : int in [0, stride − 1], optional
        Extra rows at the end (bottom or right). ``None`` is Keras's default.

    Returns
    -------
    int
        With :math:`p_b, p_a` the padding before and after and :math:`a` the output padding,

        * amounts and ``"full"`` (:math:`p = k_d - 1`): :math:`(i - 1)s + k_d - p_b - p_a + a`
          (``a = 0`` by default), relationship 14 of Dumoulin and Visin [1]_;
        * ``"valid"``: the same with :math:`p = 0`; by default :math:`(i - 1)s + \\max(k_d, s)`;
        * ``"same"``: by default :math:`i s`, else :math:`(i - 1)s + (k_d \\bmod 2) + a`,

        which is what ``keras.layers.Conv2DTranspose`` reports (the rule of Keras's
        ``deconv_output_length``).

    Raises
    ------
    ValueError
        ``output_padding`` not below the stride; ``"same"`` with an even kernel span and
        ``output_padding=0`` (no convolution maps that size back to :math:`i`: Keras reports a
        size, then TensorFlow fails); padding larger than the output.

    Notes
    -----
    The result :math:`o` is a size whose convolution (same kernel, stride and padding) has
    output :math:`i` again; with a stride there are :math:`s` such sizes, and
    ``output_padding`` picks one.

    References
    ----------
    .. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
       arXiv:1603.07285, 2016, relationships 8 to 14. https://arxiv.org/abs/1603.07285
    .. [2] Keras, ``Conv2DTranspose``,
       https://keras.io/api/layers/convolution_layers/convolution2d_transpose/

    Examples
    --------
    >>> transposed_output_size(2, 3, stride=2)            # (2 − 1)·2 + 3
    5
    >>> transposed_output_size(7, 3, stride=2, padding="same")
    14
    >>> transposed_output_size(7, 3, stride=2, padding="same", output_padding=0)
    13
    >>> transposed_output_size(4, 1, stride=3)            # the stride is wider than the kernel
    12
    >>> transposed_output_size(5, 3, stride=2, padding=1, output_padding=1)  # (5 − 1)·2 + 3 − 2 + 1
    10
    >>> transposed_output_size(4, 3, stride=2, output_padding=2)
    Traceback (most recent call last):
    ...
    ValueError: output_padding must be smaller than the stride (Keras's rule: 0 <= output_padding < stride), got output_padding=2 with stride=2. Use an output_padding in [0, 1], or None for Keras's default.
    """
    i = check_int(input_size, "input_size", minimum=0)
    k = check_int(kernel_size, "kernel_size")
    s = check_int(stride, "stride")
    d = check_int(dilation, "dilation")
    op = None if output_padding is None else _check_output_padding(output_padding, s)
    return _transposed_axis(i, k, s, padding, op, d)[0]


@dataclass(frozen=True)
class _TransposeInputs:
    """Checked arguments of a transposed convolution."""

    x: np.ndarray  # (N, H, W, C_in), floating
    kernel: np.ndarray  # (kh, kw, C_out, C_in), same dtype as x
    bias: np.ndarray | None  # (C_out,), or None
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # of the matching convolution
    out_hw: tuple[int, int]
    form: str  # the caller's layout: "hw", "hwf" (one image) or "nhwf"


def _check_transpose(x, kernel, bias, stride, padding, output_padding, dilation):
    """Validate and promote the arguments of conv2d_transpose / conv2d_transpose_naive."""
    x4, k4, form = promote(x, kernel, TRANSPOSED_KERNEL)
    dtype = np.result_type(x4.dtype, k4.dtype)
    kh, kw, c_out, _ = k4.shape
    stride = check_pair(stride, "stride")
    dilation = check_pair(dilation, "dilation")
    if output_padding is None:
        ops = (None, None)
    else:
        ops = check_pair(output_padding, "output_padding", minimum=0)
        for op, s, axis in zip(ops, stride, ("rows", "columns"), strict=True):
            if op >= s:
                raise ValueError(
                    "output_padding must be smaller than the stride along each axis (Keras's "
                    f"rule: 0 <= output_padding < stride), got output_padding="
                    f"{describe(output_padding)} with stride={stride}: along the {axis} {op} is "
                    f"not below {s}. Use a value in [0, {s - 1}] there, or output_padding=None "
                    "for Keras's default."
                )
    if isinstance(padding, str):
        specs = (padding, padding)
    else:  # amounts: resolve_padding checks them (they do not depend on the input size)
        specs = resolve_padding(padding, (0, 0), (kh, kw), stride, dilation)
    h, w = x4.shape[1:3]
    oh, ph = _transposed_axis(h, kh, stride[0], specs[0], ops[0], dilation[0], "rows")
    ow, pw = _transposed_axis(w, kw, stride[1], specs[1], ops[1], dilation[1], "columns")
    b = promote_bias(
        bias, c_out, dtype, "one value per output channel (C_out, the kernel's third axis)"
    )
    x4, k4 = x4.astype(dtype, copy=False), k4.astype(dtype, copy=False)
    return _TransposeInputs(x4, k4, b, stride, dilation, (ph, pw), (oh, ow), form)


def _crop(canvas, pads, out_hw):
    """Cut the matching convolution's padding off the stamped canvas: (N, H', W', C_out).

    Rows ``top .. top + H' − 1`` are kept; where ``output_padding`` asks for more rows than the
    canvas has, they are zeros (no stamp reaches them).
    """
    (top, _), (left, _) = pads
    oh, ow = out_hw
    out = np.zeros((canvas.shape[0], oh, ow, canvas.shape[3]), dtype=canvas.dtype)
    kept = canvas[:, top : top + oh, left : left + ow]
    out[:, : kept.shape[1], : kept.shape[2]] = kept
    return out


def conv2d_transpose_naive(
    x, kernel, bias=None, *, stride=1, padding="valid", output_padding=None, dilation=1
):
    """Transposed convolution with plain loops: every input value stamps the kernel.

    Slow on purpose (nested loops over every input value): read it rather than run it on large
    inputs. :func:`conv2d_transpose` gives the same result, fast.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C_in) or (N, H, W, C_in)
        One 2-D map, one map with ``C_in`` channels, or a batch of ``N`` of them.
    kernel : ndarray, shape (kh, kw) or (kh, kw, C_out, C_in)
        A 2-D kernel for a 2-D input, or Keras's ``Conv2DTranspose`` layout.
    bias, stride, padding, output_padding, dilation :
        As for :func:`conv2d_transpose`.

    Returns
    -------
    out : ndarray, shape (H', W'), (H', W', C_out) or (N, H', W', C_out)
        Same layout as the input; :math:`H'` and :math:`W'` from
        :func:`transposed_output_size`.

    See Also
    --------
    conv2d_transpose : the vectorised version, tested equal to this one.

    Notes
    -----
    Input value :math:`x_{i,j}` adds :math:`x_{i,j}\\,K` to the canvas rows
    :math:`s_h i, s_h i + d_h, \\dots, s_h i + d_h(k_h - 1)` (likewise for columns), for every
    output channel at once; overlapping stamps add up. The canvas has
    :math:`(H - 1)s_h + d_h(k_h - 1) + 1` rows; the padding of the matching convolution is then
    cut off the top (and left), and the output is cut to (or filled with zeros up to)
    :math:`H'` rows.

    References
    ----------
    .. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
       arXiv:1603.07285, 2016, chapter 4. https://arxiv.org/abs/1603.07285
    .. [2] Keras, ``Conv2DTranspose``,
       https://keras.io/api/layers/convolution_layers/convolution2d_transpose/

    Examples
    --------
    Four 3×3 stamps of ones, 2 apart, scaled by 1, 2, 3 and 4: where they overlap they add up.

    >>> conv2d_transpose_naive(np.array([[1, 2], [3, 4]]), np.ones((3, 3)), stride=2)
    array([[ 1.,  1.,  3.,  2.,  2.],
           [ 1.,  1.,  3.,  2.,  2.],
           [ 4.,  4., 10.,  6.,  6.],
           [ 3.,  3.,  7.,  4.,  4.],
           [ 3.,  3.,  7.,  4.,  4.]])
    """
    args = _check_transpose(x, kernel, bias, stride, padding, output_padding, dilation)
    x4, k = args.x, args.kernel  # (N, H, W, C_in) and (kh, kw, C_out, C_in)
    n_images, h, w, c_in = x4.shape
    kh, kw, c_out, _ = k.shape
    (sh, sw), (dh, dw) = args.stride, args.dilation
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1  # the stamp's size on the canvas
    # A canvas every stamp fits on: the last stamp starts at (H − 1)·s and covers span rows
    canvas_h, canvas_w = max((h - 1) * sh + span_h, 0), max((w - 1) * sw + span_w, 0)
    canvas = np.zeros((n_images, canvas_h, canvas_w, c_out), dtype=x4.dtype)
    for n in range(n_images):  # every image of the batch
        for i in range(h):  # every input row
            for j in range(w):  # every input column
                r, c = i * sh, j * sw  # one step in the input is s steps on the canvas
                for ci in range(c_in):  # each input channel has its own kernel slice
                    canvas[
                        n,
                        r : r + span_h : dh,  # kh rows, dh apart
                        c : c + span_w : dw,  # kw columns, dw apart
                        :,  # all output channels at once
                    ] += x4[n, i, j, ci] * k[:, :, :, ci]  # stamp value · kernel
    out = _crop(canvas, args.pads, args.out_hw)
    if args.bias is not None:
        out += args.bias  # one number per output channel, on every position
    return to_caller_layout(out, args.form)


def conv2d_transpose(
    x, kernel, bias=None, *, stride=1, padding="valid", output_padding=None, dilation=1
):
    """Transposed convolution, vectorised, exactly like ``keras.layers.Conv2DTranspose``.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C_in) or (N, H, W, C_in)
        One 2-D map, one map with ``C_in`` channels, or a batch (channels_last). Integer
        inputs are converted to floating point first.
    kernel : ndarray, shape (kh, kw) or (kh, kw, C_out, C_in)
        A 2-D kernel for a 2-D input, or Keras's ``Conv2DTranspose`` layout (``layer.kernel``).
        It is the kernel ``(kh, kw, C, F)`` of the forward :func:`cnnlab.conv2d` whose
        transpose this is, with ``C_out = C`` and ``C_in = F``. Not flipped.
    bias : float or ndarray of shape (C_out,), optional
        Added to every output value of each output channel.
    stride : int or (int, int), default 1
        Steps between the stamps in the output (the forward convolution's stride).
    padding : str, int, (int, int) or ((int, int), (int, int)), default "valid"
        The forward convolution's padding, cropped off the output: ``"valid"`` and ``"same"``
        (as in Keras, which accepts only these two), ``"full"``, or amounts as for
        :func:`cnnlab.conv2d`.
    output_padding : int or (int, int), optional
        Extra rows/columns at the bottom/right, each in ``[0, stride − 1]``; ``None`` is
        Keras's default (see :func:`transposed_output_size`).
    dilation : int or (int, int), default 1
        Spacing between kernel taps. Keras refuses it together with a stride > 1; this function
        computes that case too (the transpose of the matching ``conv2d``).

    Returns
    -------
    ndarray
        ``(H', W')``, ``(H', W', C_out)`` or ``(N, H', W', C_out)``, following the input's
        layout, with :math:`H'` and :math:`W'` from :func:`transposed_output_size` (the shape
        Keras gives). The dtype is the inputs' floating type, at least float32.

    Raises
    ------
    ValueError
        Wrong rank, channel mismatch, empty kernel, stride or dilation below 1, output padding
        not below the stride, ``"same"`` with an even kernel span and ``output_padding=0``,
        unknown or too large padding, wrong bias shape.
    TypeError
        Non-numeric or complex input, non-integer stride, dilation or output padding.

    See Also
    --------
    conv2d_transpose_naive : the scatter loop this one is tested against.
    conv_matrix : the convolution as a matrix C; this function multiplies by its transpose.

    Notes
    -----
    With :math:`y = \\mathrm{conv2d}(x, K)` of stride :math:`s` and padding :math:`p`, and
    :math:`x` of :math:`H' \\times W'` pixels (the size chosen by ``output_padding``),

    .. math:: \\mathrm{conv2d\\_transpose}(g, K) = \\frac{\\partial}{\\partial x}
              \\sum y \\odot g = C^T g ,

    the backward pass of the convolution with respect to its input. Computed here by
    inserting :math:`s - 1` zeros between neighbouring input values, padding by
    :math:`d(k - 1)` on every side and cross-correlating (:func:`cnnlab.conv2d`, dilation
    :math:`d`) with the kernel rotated by 180° and its channel axes swapped,
    ``kernel[::-1, ::-1].transpose(0, 1, 3, 2)``; then the forward padding is cut off as in
    :func:`conv2d_transpose_naive`. The rotation turns the scatter into a gather: output row
    :math:`r` receives :math:`x_i K_a` wherever :math:`r = s i + d a - p_{top}`.

    References
    ----------
    As :func:`conv2d_transpose_naive`, and TensorFlow's ``tf.nn.conv2d_transpose``,
    https://www.tensorflow.org/api_docs/python/tf/nn/conv2d_transpose

    Examples
    --------
    The overlapping stamps of :func:`conv2d_transpose_naive`'s example, without its loops:

    >>> x, k = np.array([[1, 2], [3, 4]]), np.ones((3, 3))
    >>> np.array_equal(conv2d_transpose(x, k, stride=2), conv2d_transpose_naive(x, k, stride=2))
    True

    A stride wider than the kernel leaves gaps (the checkerboard pattern, in its extreme form):

    >>> conv2d_transpose(np.ones((2, 2)), np.ones((1, 1)), stride=2)
    array([[1., 0., 1., 0.],
           [0., 0., 0., 0.],
           [1., 0., 1., 0.],
           [0., 0., 0., 0.]])

    Upsampling a batch of 7×7 maps with 64 channels to 14×14 with 32:

    >>> conv2d_transpose(np.zeros((8, 7, 7, 64)), np.zeros((3, 3, 32, 64)), stride=2,
    ...                  padding="same").shape
    (8, 14, 14, 32)
    """
    args = _check_transpose(x, kernel, bias, stride, padding, output_padding, dilation)
    x4, k = args.x, args.kernel  # (N, H, W, C_in) and (kh, kw, C_out, C_in)
    n_images, h, w, c_in = x4.shape
    kh, kw, c_out, _ = k.shape
    (sh, sw), (dh, dw) = args.stride, args.dilation
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if 0 in (n_images, h, w):  # nothing to stamp: the canvas stays zero
        canvas_shape = (n_images, max((h - 1) * sh + span_h, 0), max((w - 1) * sw + span_w, 0))
        canvas = np.zeros((*canvas_shape, c_out), dtype=x4.dtype)
    else:
        spread = np.zeros((n_images, (h - 1) * sh + 1, (w - 1) * sw + 1, c_in), dtype=x4.dtype)
        spread[:, ::sh, ::sw] = x4  # s − 1 zeros between neighbouring values
        rotated = k[::-1, ::-1].transpose(0, 1, 3, 2)  # (kh, kw, C_in, C_out), turned by 180°
        full = ((span_h - 1, span_h - 1), (span_w - 1, span_w - 1))  # every partial overlap
        canvas = conv2d(spread, rotated, padding=full, dilation=(dh, dw))
    out = _crop(canvas, args.pads, args.out_hw)
    if args.bias is not None:
        out += args.bias
    return to_caller_layout(out, args.form)


def conv_matrix(input_hw, kernel, *, stride=1, padding="valid", dilation=1):
    """The convolution of an ``input_hw`` image as a matrix: ``conv2d(x, kernel) = C @ x``.

    Parameters
    ----------
    input_hw : int or (int, int)
        Height and width :math:`(H, W)` of the 2-D image.
    kernel : ndarray, shape (kh, kw)
        A 2-D kernel, as for :func:`cnnlab.conv2d` (not flipped).
    stride, padding, dilation :
        As for :func:`cnnlab.conv2d` (zero padding).

    Returns
    -------
    C : ndarray, shape (H'·W', H·W)
        ``conv2d(x, kernel, ...).ravel() == C @ x.ravel()`` for every ``x`` of shape
        ``input_hw``: one row per output position and one column per input pixel, both in
        ``ravel`` (row-major) order. At most :data:`MAX_MATRIX_ENTRIES` entries: this is for
        small images.

    Raises
    ------
    ValueError
        Kernel not 2-D or empty, kernel larger than the padded image, matrix too large.

    See Also
    --------
    conv2d_transpose : multiplies by ``C.T`` without building ``C``.

    Notes
    -----
    Row :math:`(i, j)` holds kernel weight :math:`K_{a,b}` in the column of input pixel
    :math:`(s_h i + d_h a - p_{top},\\ s_w j + d_w b - p_{left})` and zeros elsewhere (taps on
    the padding have no column): a dense layer that is mostly zeros and repeats the same
    :math:`k_h k_w` weights in every row.

    Its transpose is the transposed convolution with the *same* kernel, not flipped, in
    Keras's layout:

    ``C.T @ y.ravel() == conv2d_transpose(y, kernel[:, :, None, None], stride=s,
    padding=padding, output_padding=r, dilation=d).ravel()``

    where ``r`` makes the output exactly :math:`H \\times W`: for ``"valid"``,
    :math:`r = H - (H' - 1)s - d(k - 1) - 1`, the rows at the bottom that no window reached
    (likewise for the columns). Column :math:`(p, q)` of :math:`C`, read as a
    :math:`H' \\times W'` map, says which outputs pixel :math:`(p, q)` contributes to; the
    180° rotation appears only when :math:`C^T` is written as a correlation of the zero-filled
    ``y`` (see :func:`conv2d_transpose`).

    References
    ----------
    .. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
       arXiv:1603.07285, 2016, section 4.1. https://arxiv.org/abs/1603.07285

    Examples
    --------
    >>> k = np.arange(1.0, 10.0).reshape(3, 3)
    >>> C = conv_matrix((4, 4), k)
    >>> C.shape                                  # 2·2 outputs, 4·4 inputs
    (4, 16)
    >>> C[0].reshape(4, 4)                       # the top-left window
    array([[1., 2., 3., 0.],
           [4., 5., 6., 0.],
           [7., 8., 9., 0.],
           [0., 0., 0., 0.]])
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> bool(np.allclose(C @ x.ravel(), conv2d(x, k).ravel()))
    True
    >>> y = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> bool(np.allclose(C.T @ y.ravel(), conv2d_transpose(y, k[:, :, None, None]).ravel()))
    True
    """
    h, w = check_pair(input_hw, "input_hw")
    k = as_float_array(kernel, "kernel", ndims=(2,))
    if 0 in k.shape:
        raise ValueError(f"kernel must not be empty; got kernel shape {k.shape}.")
    kh, kw = k.shape
    sh, sw = check_pair(stride, "stride")
    dh, dw = check_pair(dilation, "dilation")
    (top, bottom), (left, right) = resolve_padding(padding, (h, w), (kh, kw), (sh, sw), (dh, dw))
    oh = output_size(h, kh, sh, (top, bottom), dh)
    ow = output_size(w, kw, sw, (left, right), dw)
    if oh * ow * h * w > MAX_MATRIX_ENTRIES:
        raise ValueError(
            f"conv_matrix would build a dense matrix of shape ({oh * ow}, {h * w}) "
            f"({oh * ow * h * w:,} entries) for input_hw={describe((h, w))}; it is meant for "
            f"small images, at most {MAX_MATRIX_ENTRIES:,} entries (for example 56 × 56 with a "
            "3 × 3 kernel). For larger images use conv2d, which computes C @ x without C."
        )
    c = np.zeros((oh * ow, h * w), dtype=k.dtype)
    outputs = np.arange(oh * ow)  # one row of C per output position
    out_i, out_j = outputs // ow, outputs % ow
    for a in range(kh):  # every kernel tap ...
        for b in range(kw):
            r = sh * out_i + dh * a - top  # ... reads this input pixel, for every output at once
            q = sw * out_j + dw * b - left
            inside = (r >= 0) & (r < h) & (q >= 0) & (q < w)  # a tap on padding reads a zero
            c[outputs[inside], r[inside] * w + q[inside]] = k[a, b]
    return c
