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

from contextlib import contextmanager
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

# Largest temporary a convolution builds at once (bytes): bigger inputs are processed in chunks
# of images or output rows, so a Binder session (1-2 GB) never allocates hundreds of MB for one
# convolution.
_IM2COL_BYTES = 32 * 2**20
# The banded strategy's partial sums are kept this small so that they stay in the CPU cache.
_BANDED_BYTES = 4 * 2**20
# Matrix products with more multiply-adds than this run on one BLAS thread (see _one_blas_thread).
_SINGLE_THREAD_MACS = 2**20
# Output rows per band (see _conv_banded) for row strides 1-2 and above: more rows make a
# bigger, more efficient matrix product but multiply more zeros of the band.
_BAND_ROWS = (8, 4)


# --------------------------------------------------------------------------------------------
# Input normalisation shared by the naive and fast versions
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _ConvSpec:
    x: np.ndarray  # (N, Hp, Wp, C), padded, floating
    kernel: np.ndarray  # (kh, kw, C, F), same dtype as x
    bias: np.ndarray | None  # (F,), or None for no bias
    stride: tuple[int, int]
    dilation: tuple[int, int]
    out_hw: tuple[int, int]
    out_form: str  # "hw" (2-D in, 2-D kernel), "hwf" (single image), "nhwf" (batch)

    def finish(self, out: np.ndarray) -> np.ndarray:
        """Add the bias and give the output the layout the caller's input had."""
        if self.bias is not None:
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
    b = None
    if bias is not None:
        b = as_float_array(bias, "bias")
        if b.ndim == 0:
            b = np.full(f, b, dtype)
        elif b.shape != (f,):
            raise ValueError(
                f"bias must be a scalar or have shape ({f},), one value per filter; "
                f"got shape {b.shape}."
            )
        b = b.astype(dtype, copy=False)
    xp = x4.astype(dtype, copy=False)
    if any(pads[0] + pads[1]):
        xp = np.pad(xp, ((0, 0), pads[0], pads[1], (0, 0)))
    return _ConvSpec(xp, k4.astype(dtype, copy=False), b, stride, dilation, out_hw, form)


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


def _tap_view(xp, i0, j0, out_hw, stride):
    """View of the padded input seen by kernel tap (i0, j0) at every output position."""
    sh, sw = stride
    oh, ow = out_hw
    return xp[:, i0 : i0 + (oh - 1) * sh + 1 : sh, j0 : j0 + (ow - 1) * sw + 1 : sw, :]


def _chunks(n_images, rows, row_bytes, budget):
    """Split the output into pieces whose temporaries stay below ``budget`` bytes.

    Yields ``(n0, n1, r0, r1)``: whole images ``n0:n1`` (``r0, r1 = 0, rows``) when an image
    fits, else rows ``r0:r1`` of the single image ``n0``. Either way ``out[n0:n1, r0:r1]`` is
    one contiguous piece of a C-ordered ``(N, rows, ...)`` output.
    """
    image_bytes = rows * row_bytes
    if image_bytes <= budget:
        step = max(1, budget // max(image_bytes, 1))
        for n0 in range(0, n_images, step):
            yield n0, min(n_images, n0 + step), 0, rows
    else:
        step = max(1, budget // max(row_bytes, 1))
        for n in range(n_images):
            for r0 in range(0, rows, step):
                yield n, n + 1, r0, min(rows, r0 + step)


def _conv_taps(spec: _ConvSpec) -> np.ndarray:
    """Shift-and-add: out += weight * (input shifted by the tap), once per kernel tap.

    One channel in (C == 1) only. Two array passes per tap, so conv2d uses it for 1x1 kernels,
    where it is a single multiplication.
    """
    xp, k = spec.x, spec.kernel
    kh, kw, _, f = k.shape
    dh, dw = spec.dilation
    out = np.empty((xp.shape[0], *spec.out_hw, f), dtype=xp.dtype)
    tmp = np.empty_like(out) if kh * kw > 1 else out
    for i in range(kh):
        for j in range(kw):
            view = _tap_view(xp, i * dh, j * dw, spec.out_hw, spec.stride)  # (N, oh, ow, 1)
            if i == j == 0:
                np.multiply(view, k[0, 0, 0], out=out)  # (F,) weights broadcast
            else:
                np.multiply(view, k[i, j, 0], out=tmp)
                out += tmp
    return out


def _conv_im2col(spec: _ConvSpec) -> np.ndarray:
    """im2col: copy every window into a row of a matrix, then one matrix product (BLAS).

    The matrix is filled tap by tap (one strided copy per kernel tap). With few channels it is
    stored transposed (taps x positions), so each copy writes one contiguous block.
    """
    xp, k = spec.x, spec.kernel
    kh, kw, c, f = k.shape
    n = xp.shape[0]
    oh, ow = spec.out_hw
    sh = spec.stride[0]
    dh, dw = spec.dilation
    k_mat = k.reshape(kh * kw * c, f)
    out = np.empty((n, oh, ow, f), dtype=xp.dtype)
    flat = out.reshape(-1, f)
    tap_major = c <= 8  # (measured: the transposing copy wins up to about 8 channels)
    row_bytes = ow * kh * kw * c * xp.itemsize
    for n0, n1, r0, r1 in _chunks(n, oh, row_bytes, _IM2COL_BYTES):
        m = (n1 - n0) * (r1 - r0) * ow
        block = xp[n0:n1, r0 * sh :]
        if tap_major:
            cols = np.empty((kh, kw, c, n1 - n0, r1 - r0, ow), dtype=xp.dtype)
        else:
            cols = np.empty((n1 - n0, r1 - r0, ow, kh, kw, c), dtype=xp.dtype)
        for i in range(kh):
            for j in range(kw):
                view = _tap_view(block, i * dh, j * dw, (r1 - r0, ow), spec.stride)
                if tap_major:
                    np.copyto(cols[i, j], view.transpose(3, 0, 1, 2))
                else:
                    cols[:, :, :, i, j, :] = view
        patches = cols.reshape(-1, m).T if tap_major else cols.reshape(m, -1)
        start = (n0 * oh + r0) * ow
        np.matmul(patches, k_mat, out=flat[start : start + m])
        del cols, patches  # free this chunk's matrix before the next one is allocated
    return out


def _band_matrix(k, rows, stride, dilation):
    """Weights of ``rows`` output rows as one matrix over the input rows they read.

    Entry ``[j, r, f, r * stride + i * dilation, c]`` is ``k[i, j, c, f]`` and everything else
    is 0: a banded (Toeplitz) matrix, one band per kernel column ``j``.
    """
    kh, kw, c, f = k.shape
    span = (rows - 1) * stride + (kh - 1) * dilation + 1  # input rows read by the block
    band = np.zeros((kw, rows, f, span, c), dtype=k.dtype)
    r = np.arange(rows)[:, None]
    band[:, r, :, r * stride + np.arange(kh) * dilation, :] = k.transpose(0, 1, 3, 2)
    return band.reshape(kw * rows * f, span * c), span


def _conv_banded(spec: _ConvSpec) -> np.ndarray:
    """Banded matrix product: for few filters, any kernel size, without an im2col copy.

    ``B`` consecutive output rows read only ``span`` consecutive input rows. Multiplying the
    banded weight matrix (:func:`_band_matrix`) by those input rows (a strided view: nothing
    is copied) gives, for every kernel column ``j``, the sums over the kernel rows and channels
    at every input column. The output is the sum over ``j`` of these partial sums, shifted
    left by ``j * dilation``: ``kw`` array additions instead of ``kh * kw``.
    """
    xp, k = spec.x, spec.kernel
    kh, kw, c, f = k.shape
    n, _, wp, _ = xp.shape
    oh, ow = spec.out_hw
    (sh, sw), (dh, dw) = spec.stride, spec.dilation
    xt = np.ascontiguousarray(xp.transpose(0, 1, 3, 2))  # (N, Hp, C, Wp): rows, channels adjacent
    # strides of the C-ordered xt, from its shape (a length-1 axis may report any stride)
    w_s = xt.itemsize
    c_s, h_s, n_s = wp * w_s, c * wp * w_s, xt.shape[1] * c * wp * w_s
    out = np.empty((n, oh, ow, f), dtype=xp.dtype)
    rows = min(_band_rows(sh), oh)
    full = oh // rows  # blocks of `rows` output rows, then one shorter block
    for first, count, b in ((0, full, rows), (full * rows, 1 if oh % rows else 0, oh % rows)):
        if not count:
            continue
        mat, span = _band_matrix(k, b, sh, dh)
        q_bytes = kw * b * f * wp * xp.itemsize  # partial sums of one block
        for n0, n1, b0, b1 in _chunks(n, count, q_bytes, _BANDED_BYTES):
            top = (first + b0 * b) * sh
            blocks = as_strided(
                xt[n0:n1, top:],
                shape=(n1 - n0, b1 - b0, span * c, wp),
                strides=(n_s, b * sh * h_s, c_s, w_s),
                writeable=False,
            )
            q = np.matmul(mat, blocks).reshape(n1 - n0, b1 - b0, kw, b, f, wp)
            dest = out[n0:n1, first + b0 * b : first + b1 * b].view()
            dest.shape = (n1 - n0, b1 - b0, b, ow, f)  # raises rather than copy
            dest = dest.transpose(0, 1, 2, 4, 3)  # (.., b, f, ow) like q
            acc = dest if f == 1 else np.empty(dest.shape, dtype=xp.dtype)
            for j in range(kw):
                shifted = q[:, :, j, :, :, j * dw : j * dw + (ow - 1) * sw + 1 : sw]
                if j == 0:
                    np.copyto(acc, shifted)
                else:
                    acc += shifted
            if acc is not dest:
                dest[...] = acc
            del q, acc  # free this chunk's partial sums before the next ones
    return out


_blas_controller = None  # threadpoolctl's controller of NumPy's BLAS, made on first use


@contextmanager
def _one_blas_thread():
    """Run NumPy's matrix products on one thread for a while (if threadpoolctl is installed).

    OpenBLAS's threads busy-wait for each other. When other programs use the cores (a shared
    Binder machine, TensorFlow's own thread pool in the same notebook), a 2-thread product of
    the sizes conv2d makes was measured 10-30 times slower than a 1-thread one; on an idle
    2-core machine the second thread saves at most a third. One thread is the safe choice.
    """
    global _blas_controller
    if _blas_controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            _blas_controller = False
        else:
            _blas_controller = ThreadpoolController().select(user_api="blas")
    if not _blas_controller:  # pragma: no cover
        yield
        return
    with _blas_controller.limit(limits=1):
        yield


def _band_rows(row_stride):
    return _BAND_ROWS[0] if row_stride <= 2 else _BAND_ROWS[1]


def _choose_strategy(spec: _ConvSpec):
    """Pick a strategy with a rough cost model: array passes per output value.

    im2col copies ``kh*kw*C`` values per output position, then a matrix product that costs about
    as much again (more for many filters). The banded strategy adds ``kw`` shifted partial sums
    per output value, and its product multiplies some zeros of the band. The constants were
    fitted to timings on a 2-core machine (``benchmarks/bench_conv.py`` prints the result).
    """
    kh, kw, c, f = spec.kernel.shape
    if kh * kw == 1 and c == 1:
        return _conv_taps  # a 1x1 kernel on one channel: a single multiplication
    (sh, sw), dh = spec.stride, spec.dilation[0]
    rows = _band_rows(sh)
    span = (rows - 1) * sh + (kh - 1) * dh + 1
    im2col = kh * kw * c * (1 + max(1.0, f / 16))
    banded = kw * f * (1 + c * span * sw / (2 * rows))
    return _conv_banded if banded < im2col else _conv_im2col


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
    TypeError
        Non-numeric or complex input, non-integer stride or dilation.

    See Also
    --------
    conv2d_naive : the loop version this one is tested against.

    Notes
    -----
    Three vectorised strategies give the same result (each is tested against TensorFlow);
    a cost model picks one from the shapes: *banded* (a banded weight matrix times the input
    rows, for few filters: grayscale images and hand-made kernels), *im2col* (windows copied
    into a matrix, one BLAS product, for many filters) and *shift-and-add* (1x1 kernels).
    Large inputs are processed in chunks, so temporaries stay below about 32 MB.

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
    strategy = _choose_strategy(spec)
    macs = spec.x.shape[0] * spec.out_hw[0] * spec.out_hw[1] * spec.kernel.size
    if macs < _SINGLE_THREAD_MACS:  # too small for BLAS to start threads
        return spec.finish(strategy(spec))
    with _one_blas_thread():
        return spec.finish(strategy(spec))


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
    for (before, after), k, size, axis in zip(
        pads, (ph, pw), (h, w), ("rows", "columns"), strict=True
    ):
        if size + before + after < k:
            raise ValueError(
                f"pool_size={pool_size!r} does not fit: the window is larger than the padded "
                f"input ({size} + {before} + {after} = {size + before + after}) along the {axis}. "
                f"Use a pool_size of at most {size + before + after} or more padding."
            )
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
    valid = "rng must be None, a non-negative integer seed or a numpy Generator"
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None and not _is_int(rng):
        raise TypeError(f"{valid}; got {describe(rng)}.")
    if rng is not None and rng < 0:
        raise ValueError(f"{valid}; got {rng!r}.")
    return np.random.default_rng(rng)


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
