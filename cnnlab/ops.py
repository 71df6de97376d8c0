"""Reference layer operations in NumPy: padding, convolution, pooling, flatten, dense, dropout.

Each spatial operation comes twice, in the style of CS231n's layer code:

* ``*_naive``: plain Python loops that read like the textbook definition. This is the reference.
* the plain name: a vectorised version, tested equal to the naive one and to TensorFlow.

Layout is Keras's ``channels_last``: images ``(H, W)``, ``(H, W, C)`` or ``(N, H, W, C)``;
kernels ``(kh, kw)`` or ``(kh, kw, C_in, C_out)``.

Deep-learning "convolution" is *cross-correlation*: the kernel is not flipped. ``conv2d`` matches
``tf.nn.conv2d`` and ``keras.layers.Conv2D``; to get the flipped mathematical convolution, pass
``kernel[::-1, ::-1]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._validate import _is_int, as_float_array, check_pair, describe
from .shapes import output_size, resolve_padding

__all__ = [
    "PAD_MODES",
    "POOL_MODES",
    "conv2d",
    "conv2d_naive",
    "dense",
    "dropout",
    "flatten",
    "pad2d",
    "pool2d",
    "pool2d_naive",
]

PAD_MODES = ("constant", "reflect", "replicate", "symmetric", "wrap")
_NP_PAD_MODE = {
    "constant": "constant",
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "edge": "edge",
    "symmetric": "symmetric",
    "wrap": "wrap",
    "circular": "wrap",
}
POOL_MODES = ("max", "avg", "l2")

# Largest im2col patch matrix built at once (bytes); bigger inputs are processed in row blocks
# so that a Binder session (1-2 GB) never allocates hundreds of MB for one convolution.
_IM2COL_BYTES = 32 * 2**20


# --------------------------------------------------------------------------------------------
# Input normalisation shared by the naive and fast versions
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _ConvSpec:
    x: np.ndarray  # (N, Hp, Wp, C), padded, floating
    kernel: np.ndarray  # (kh, kw, C, F), same dtype as x
    bias: np.ndarray  # (F,)
    stride: tuple[int, int]
    dilation: tuple[int, int]
    out_hw: tuple[int, int]
    out_form: str  # "hw" (2-D in, 2-D kernel), "hwf" (single image), "nhwf" (batch)

    def finish(self, out: np.ndarray) -> np.ndarray:
        """Add the bias and give the output the layout the caller's input had."""
        out += self.bias
        if self.out_form == "hw":
            return out[0, :, :, 0]
        if self.out_form == "hwf":
            return out[0]
        return out


def _prepare_conv(x, kernel, bias, stride, padding, dilation) -> _ConvSpec:
    x = as_float_array(x, "x", ndims=(2, 3, 4))
    k = as_float_array(kernel, "kernel", ndims=(2, 4))
    dtype = np.result_type(x.dtype, k.dtype)
    if k.ndim == 2:
        if x.ndim != 2:
            raise ValueError(
                f"kernel has shape {k.shape}, a 2-D kernel for a 2-D (H, W) image, but x has shape "
                f"{x.shape}. For an image with C channels give a kernel of shape "
                f"(kh, kw, C, filters), e.g. (3, 3, {x.shape[-1]}, 1)."
            )
        x4, k4, form = x[None, :, :, None], k[:, :, None, None], "hw"
    else:
        form = "nhwf" if x.ndim == 4 else "hwf"
        x4 = x[None, :, :, None] if x.ndim == 2 else (x[None] if x.ndim == 3 else x)
        k4 = k
        if x4.shape[-1] != k4.shape[2]:
            raise ValueError(
                f"channel mismatch: x has {x4.shape[-1]} channel(s) (shape {x.shape}) but kernel "
                f"has shape {k.shape}, i.e. C_in={k.shape[2]}. The kernel's third axis must "
                f"equal the number of input channels ({x4.shape[-1]})."
            )
    if 0 in x4.shape[1:3] or 0 in k4.shape:
        raise ValueError(f"x and kernel must not be empty; got shapes {x.shape} and {k.shape}.")
    kh, kw, _, f = k4.shape
    stride = check_pair(stride, "stride")
    dilation = check_pair(dilation, "dilation")
    h, w = x4.shape[1:3]
    pads = resolve_padding(padding, (h, w), (kh, kw), stride, dilation)
    out_hw = (
        output_size(h, kh, stride[0], pads[0], dilation[0]),
        output_size(w, kw, stride[1], pads[1], dilation[1]),
    )
    if bias is None:
        b = np.zeros(f, dtype)
    else:
        b = as_float_array(bias, "bias")
        if b.ndim == 0:
            b = np.full(f, b, dtype)
        elif b.shape != (f,):
            raise ValueError(
                f"bias must be a scalar or have shape ({f},), one value per filter; "
                f"got shape {b.shape}."
            )
    xp = np.pad(x4.astype(dtype, copy=False), ((0, 0), pads[0], pads[1], (0, 0)))
    return _ConvSpec(
        xp, k4.astype(dtype, copy=False), b.astype(dtype), stride, dilation, out_hw, form
    )


# --------------------------------------------------------------------------------------------
# Padding
# --------------------------------------------------------------------------------------------
def _fits(value, dtype) -> bool:
    """Whether the fill ``value`` is exactly representable in an array of ``dtype``."""
    if isinstance(value, str) or not np.isscalar(value) or np.iscomplexobj(value):
        raise TypeError(f"value must be a real number; got {describe(value)}.")
    if np.issubdtype(dtype, np.floating):
        return True
    if not float(value).is_integer():
        return False
    if dtype == np.bool_:
        return value in (0, 1)
    info = np.iinfo(dtype)
    return info.min <= value <= info.max


def pad2d(x, padding, mode="constant", value=0, *, kernel_size=None, stride=1, dilation=1):
    """Pad the two spatial axes of an image or a batch of images.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        Image(s); channels and batch axes are never padded.
    padding : int, (int, int), ((int, int), (int, int)) or str
        Symmetric amount, ``(rows, cols)`` or ``((top, bottom), (left, right))``. The presets
        ``"valid"``, ``"same"`` and ``"full"`` need ``kernel_size`` (and ``stride``,
        ``dilation``) to know how much to pad.
    mode : {"constant", "reflect", "replicate", "symmetric", "wrap"}, default "constant"
        How to fill the border: a constant ``value`` (zero padding), a mirror without repeating
        the edge (``reflect``), the edge value repeated (``replicate``), a mirror that repeats
        the edge (``symmetric``), or the opposite side (``wrap``).
    value : float, default 0
        Fill value for ``mode="constant"``.
    kernel_size, stride, dilation : int or (int, int), optional
        Only used to resolve a string ``padding``.

    Returns
    -------
    ndarray, shape (H + top + bottom, W + left + right[, C]) with the batch axis kept
        Same dtype as ``x`` when ``value`` fits it, else floating point.

    Examples
    --------
    >>> pad2d(np.ones((2, 2), dtype=int), 1)
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    >>> pad2d(np.arange(3.0)[None, :], ((0, 0), (2, 0)), mode="reflect")
    array([[2., 1., 0., 1., 2.]])
    >>> pad2d(np.zeros((32, 32)), "same", kernel_size=5).shape
    (36, 36)
    """
    arr = np.asarray(x)
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            f"x must be (H, W), (H, W, C) or (N, H, W, C); got shape {arr.shape} "
            f"({arr.ndim} dimensions)."
        )
    if not isinstance(mode, str) or mode.lower() not in _NP_PAD_MODE:
        raise ValueError(f"mode must be one of {PAD_MODES}; got {describe(mode)}.")
    hw_axes = (1, 2) if arr.ndim == 4 else (0, 1)
    hw = (arr.shape[hw_axes[0]], arr.shape[hw_axes[1]])
    if isinstance(padding, str):
        if kernel_size is None:
            raise ValueError(
                f"padding={padding!r} needs kernel_size (and stride, dilation) to know how much "
                "to pad; pass kernel_size=..., or give the amounts as numbers."
            )
        pads = resolve_padding(padding, hw, kernel_size, stride, dilation)
    else:
        pads = resolve_padding(padding, hw, 1)
    np_mode = _NP_PAD_MODE[mode.lower()]
    if np_mode != "constant" and 0 in hw:
        raise ValueError(f"mode={mode!r} needs a non-empty image; got shape {arr.shape}.")
    width = [(0, 0)] * arr.ndim
    width[hw_axes[0]], width[hw_axes[1]] = pads
    if np_mode == "constant":
        if not _fits(value, arr.dtype):
            arr = as_float_array(arr, "x")
        return np.pad(arr, width, mode="constant", constant_values=value)
    return np.pad(arr, width, mode=np_mode)


# --------------------------------------------------------------------------------------------
# Convolution (cross-correlation)
# --------------------------------------------------------------------------------------------
def conv2d_naive(x, kernel, bias=None, *, stride=1, padding="valid", dilation=1):
    """2-D cross-correlation with plain loops: the textbook definition, kept as the reference.

    Same parameters and result as :func:`conv2d`; it is slow on purpose, so read it rather
    than run it on large images.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> conv2d_naive(x, np.ones((3, 3)))
    array([[45., 54.],
           [81., 90.]])
    """
    spec = _prepare_conv(x, kernel, bias, stride, padding, dilation)
    x_pad, k = spec.x, spec.kernel
    kh, kw, _, n_filters = k.shape
    sh, sw = spec.stride
    dh, dw = spec.dilation
    out_h, out_w = spec.out_hw
    out = np.zeros((x_pad.shape[0], out_h, out_w, n_filters), dtype=x_pad.dtype)
    for n in range(x_pad.shape[0]):  # every image of the batch
        for i in range(out_h):  # every output row
            for j in range(out_w):  # every output column
                top, left = i * sh, j * sw  # where the window starts in the padded input
                window = x_pad[
                    n,
                    top : top + dh * (kh - 1) + 1 : dh,  # kh rows, dh apart
                    left : left + dw * (kw - 1) + 1 : dw,  # kw columns, dw apart
                    :,  # the filter spans the full depth
                ]
                for f in range(n_filters):  # one output channel per filter
                    out[n, i, j, f] = np.sum(window * k[:, :, :, f])  # multiply, then sum
    return spec.finish(out)


def _tap_view(xp, i0, j0, out_hw, stride, rows=None):
    """View of the padded input seen by kernel tap (i0, j0) at every output position."""
    n, _, _, c = xp.shape
    s_n, s_h, s_w, s_c = xp.strides
    r0, r1 = rows if rows is not None else (0, out_hw[0])
    base = xp[:, i0 + r0 * stride[0] :, j0:, :]
    return as_strided(
        base,
        shape=(n, r1 - r0, out_hw[1], c),
        strides=(s_n, s_h * stride[0], s_w * stride[1], s_c),
        writeable=False,
    )


def _conv_taps(spec: _ConvSpec) -> np.ndarray:
    """Shift-and-add: one multiply-add of a strided view per kernel tap (few channels)."""
    xp, k = spec.x, spec.kernel
    kh, kw, _, f = k.shape
    n = xp.shape[0]
    out = np.zeros((n, *spec.out_hw, f), dtype=xp.dtype)
    tmp = np.empty_like(out)
    for i in range(kh):
        for j in range(kw):
            view = _tap_view(
                xp, i * spec.dilation[0], j * spec.dilation[1], spec.out_hw, spec.stride
            )
            np.multiply(view, k[i, j, 0], out=tmp)  # (N, oh, ow, 1) * (F,)
            out += tmp
    return out


def _conv_im2col(spec: _ConvSpec) -> np.ndarray:
    """im2col: gather every window into a row of a matrix, then one matrix product (BLAS)."""
    xp, k = spec.x, spec.kernel
    kh, kw, c, f = k.shape
    n = xp.shape[0]
    oh, ow = spec.out_hw
    s_n, s_h, s_w, s_c = xp.strides
    (sh, sw), (dh, dw) = spec.stride, spec.dilation
    k_mat = k.reshape(kh * kw * c, f)
    out = np.empty((n, oh, ow, f), dtype=xp.dtype)
    row_bytes = n * ow * kh * kw * c * xp.itemsize
    block = max(1, min(oh, _IM2COL_BYTES // max(row_bytes, 1)))
    for r0 in range(0, oh, block):
        r1 = min(oh, r0 + block)
        patches = as_strided(
            xp[:, r0 * sh :],
            shape=(n, r1 - r0, ow, kh, kw, c),
            strides=(s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c),
            writeable=False,
        )
        cols = patches.reshape(n * (r1 - r0) * ow, kh * kw * c)  # copies: the im2col matrix
        np.matmul(cols, k_mat, out=out[:, r0:r1].reshape(-1, f))
    return out


def conv2d(x, kernel, bias=None, *, stride=1, padding="valid", dilation=1):
    """2-D cross-correlation, vectorised, exactly like ``tf.nn.conv2d`` / ``keras.layers.Conv2D``.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        Image, multi-channel image or batch (channels_last). Integer images (uint8) are
        converted to floating point first, so nothing wraps around.
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
        Wrong rank, channel mismatch, kernel larger than the padded input, stride or dilation
        below 1, negative or unknown padding, wrong bias shape.

    See Also
    --------
    conv2d_naive : the loop version this one is tested against.

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
    """
    spec = _prepare_conv(x, kernel, bias, stride, padding, dilation)
    c, f = spec.kernel.shape[2:]
    out = _conv_taps(spec) if c == 1 and f <= 4 else _conv_im2col(spec)
    return spec.finish(out)


# --------------------------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------------------------
def _prepare_pool(x, pool_size, stride, padding, mode):
    arr = as_float_array(x, "x", ndims=(2, 3, 4))
    if not isinstance(mode, str) or mode.lower() not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}; got {describe(mode)}.")
    ph, pw = check_pair(pool_size, "pool_size")
    s = (ph, pw) if stride is None else check_pair(stride, "stride")
    x4 = arr[None, :, :, None] if arr.ndim == 2 else (arr[None] if arr.ndim == 3 else arr)
    h, w = x4.shape[1:3]
    pads = resolve_padding(padding, (h, w), (ph, pw), s)
    for (before, after), k, axis in zip(pads, (ph, pw), ("rows", "columns"), strict=True):
        if max(before, after) >= k:
            raise ValueError(
                f"padding {pads} puts whole pooling windows outside the image along the {axis}: "
                f"each side's padding must be smaller than pool_size ({k})."
            )
    out_hw = (output_size(h, ph, s[0], pads[0]), output_size(w, pw, s[1], pads[1]))
    return arr, x4, (ph, pw), s, pads, out_hw, mode.lower()


def _unbatch(out, arr):
    return out[0, :, :, 0] if arr.ndim == 2 else (out[0] if arr.ndim == 3 else out)


def pool2d(x, pool_size=2, *, stride=None, padding="valid", mode="max"):
    """Max, average or L2-norm pooling over each channel, vectorised.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
        Input feature map(s); the depth ``C`` is unchanged.
    pool_size : int or (int, int), default 2
        Window size.
    stride : int or (int, int), optional
        Step; defaults to ``pool_size`` (non-overlapping windows), as in Keras.
    padding : str, int or pair, default "valid"
        As for :func:`conv2d`. Padded cells never count: ``max`` ignores them, ``avg`` divides
        by the number of real cells only (like TensorFlow's 'same'), ``l2`` adds nothing for them.
    mode : {"max", "avg", "l2"}, default "max"
        ``max`` keeps the largest value, ``avg`` the mean, ``l2`` the square root of the sum of
        squares of the window.

    Returns
    -------
    ndarray, shape (H', W'), (H', W', C) or (N, H', W', C)

    Examples
    --------
    >>> pool2d(np.array([[1, 2], [3, 4]]), 2)
    array([[4.]])
    >>> pool2d(np.array([[1, 2], [3, 4]]), 2, mode="avg")
    array([[2.5]])
    >>> pool2d(np.zeros((4, 4, 8)), 2).shape
    (2, 2, 8)
    """
    arr, x4, (ph, pw), s, pads, out_hw, mode = _prepare_pool(x, pool_size, stride, padding, mode)
    fill = -np.inf if mode == "max" else 0.0
    width = ((0, 0), pads[0], pads[1], (0, 0))
    xp = np.pad(x4, width, constant_values=fill)
    if mode == "l2":
        xp = xp * xp
    reduce = np.maximum if mode == "max" else np.add
    out = None
    for i in range(ph):
        for j in range(pw):
            view = _tap_view(xp, i, j, out_hw, s)
            out = view.copy() if out is None else reduce(out, view, out=out)
    if mode == "avg":
        real = np.pad(np.ones((1, *x4.shape[1:3], 1), dtype=xp.dtype), width)
        count = sum(_tap_view(real, i, j, out_hw, s) for i in range(ph) for j in range(pw))
        out /= count
    elif mode == "l2":
        np.sqrt(out, out=out)
    return _unbatch(out, arr)


def pool2d_naive(x, pool_size=2, *, stride=None, padding="valid", mode="max"):
    """Pooling with plain loops: the reference for :func:`pool2d` (same parameters and result).

    Examples
    --------
    >>> pool2d_naive(np.array([[1, 2], [3, 4]]), 2, mode="l2")
    array([[5.47722558]])
    """
    arr, x4, (ph, pw), (sh, sw), pads, (oh, ow), mode = _prepare_pool(
        x, pool_size, stride, padding, mode
    )
    (top, _), (left, _) = pads
    n, h, w, c = x4.shape
    out = np.zeros((n, oh, ow, c), dtype=x4.dtype)
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                # window rows/cols in the *unpadded* input, clipped to the real cells
                r0, c0 = i * sh - top, j * sw - left
                window = x4[b, max(r0, 0) : min(r0 + ph, h), max(c0, 0) : min(c0 + pw, w), :]
                for ch in range(c):
                    values = window[:, :, ch]
                    if mode == "max":
                        out[b, i, j, ch] = values.max()
                    elif mode == "avg":
                        out[b, i, j, ch] = values.mean()
                    else:
                        out[b, i, j, ch] = np.sqrt(np.sum(values**2))
    return _unbatch(out, arr)


# --------------------------------------------------------------------------------------------
# Flatten, dense, dropout
# --------------------------------------------------------------------------------------------
def flatten(x, *, batch=None):
    """Flatten feature maps into a vector, keeping the batch axis of a batch.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
    batch : bool, optional
        Whether the first axis is a batch axis. By default a 4-D array is a batch
        ``(N, H, W, C)`` and anything else is one example.

    Returns
    -------
    ndarray, shape (H*W*C,) for one example or (N, H*W*C) for a batch
        In row-major (C) order, like ``keras.layers.Flatten`` with channels_last.

    Examples
    --------
    >>> flatten(np.zeros((28, 28))).shape
    (784,)
    >>> flatten(np.zeros((5, 4, 4, 8))).shape
    (5, 128)
    """
    arr = np.asarray(x)
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension; got a scalar.")
    is_batch = arr.ndim == 4 if batch is None else bool(batch)
    if is_batch:
        if arr.ndim < 2:
            raise ValueError(f"batch=True needs at least 2 dimensions; got shape {arr.shape}.")
        return arr.reshape(arr.shape[0], -1)
    return arr.reshape(-1)


def dense(x, weights, bias=None):
    """Fully connected layer: ``x @ weights + bias``.

    Parameters
    ----------
    x : ndarray, shape (n_in,) or (N, n_in)
        One flattened example or a batch of them.
    weights : ndarray, shape (n_in, units)
        One column of weights per output neuron (Keras's ``kernel``).
    bias : ndarray, shape (units,), optional

    Returns
    -------
    ndarray, shape (units,) or (N, units)
        One score per output neuron (per class, for the last layer).

    Examples
    --------
    >>> dense([1.0, 2.0], [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], bias=[0.5, 0.5, 0.0])
    array([1.5, 2.5, 3. ])
    """
    xa = as_float_array(x, "x", ndims=(1, 2))
    wa = as_float_array(weights, "weights", ndims=(2,))
    if xa.shape[-1] != wa.shape[0]:
        raise ValueError(
            f"x has {xa.shape[-1]} features (shape {xa.shape}) but weights has shape {wa.shape}; "
            f"weights must be (n_in, units) with n_in = {xa.shape[-1]}."
        )
    out = xa @ wa
    if bias is not None:
        ba = as_float_array(bias, "bias")
        if ba.shape not in ((), (wa.shape[1],)):
            raise ValueError(
                f"bias must have shape ({wa.shape[1]},), one per unit; got shape {ba.shape}."
            )
        out = out + ba
    return out


def _as_rng(rng):
    if rng is None or _is_int(rng):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"rng must be None, an integer seed or a numpy Generator; got {describe(rng)}.")


def dropout(x, rate, *, training=True, rng=None, return_mask=False):
    """Inverted dropout, like ``keras.layers.Dropout``.

    During training each value is zeroed with probability ``rate`` and the survivors are
    scaled by ``1 / (1 - rate)``, so the expected value of every unit is unchanged. At
    inference (``training=False``) it is the identity.

    Parameters
    ----------
    x : ndarray, any shape
    rate : float in [0, 1)
        Fraction of values to drop.
    training : bool, default True
    rng : None, int or numpy.random.Generator
        Source of randomness (an int seeds a new generator).
    return_mask : bool, default False
        Also return the boolean keep-mask (True = kept).

    Returns
    -------
    ndarray (and the mask if ``return_mask``), same shape as ``x``

    Examples
    --------
    >>> y = dropout(np.ones((2, 4)), 0.5, rng=0)
    >>> sorted(set(y.ravel().tolist()))
    [0.0, 2.0]
    >>> dropout(np.ones(3), 0.5, training=False)
    array([1., 1., 1.])
    """
    xa = as_float_array(x, "x")
    if isinstance(rate, bool) or not isinstance(rate, int | float | np.floating | np.integer):
        raise TypeError(f"rate must be a number in [0, 1); got {describe(rate)}.")
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1) (the fraction of values dropped); got {rate!r}.")
    generator = _as_rng(rng)
    if not training or rate == 0:
        mask = np.ones(xa.shape, dtype=bool)
        return (xa.copy(), mask) if return_mask else xa.copy()
    mask = generator.random(xa.shape) >= rate
    out = np.where(mask, xa / (1.0 - rate), 0.0).astype(xa.dtype, copy=False)
    return (out, mask) if return_mask else out
