"""The fast engine behind :func:`cnnlab.conv2d`: private, tested equal to the readable code.

Learners read :mod:`cnnlab.conv` (``conv2d_naive`` and ``im2col``); this module only makes the
same arithmetic fast enough for the explorers (a 3x3-11x11 kernel on a 512x512 image in a few
milliseconds) and for small batches of many filters. It is the ``fast_layers.py`` of CS231n's
layout. Every strategy computes the cross-correlation of an already padded input:

* :func:`conv_taps` — shift-and-add, one pass per kernel tap (used for 1x1 kernels, where it
  is a single multiplication or matrix product);
* :func:`conv_im2col` — windows copied into a matrix, then one BLAS product (many filters);
* :func:`conv_banded` — a banded (Toeplitz) weight matrix times the input rows, read through a
  strided view instead of copied (few filters: grayscale images and hand-made kernels).

:func:`choose_strategy` picks one with a rough cost model, and :func:`correlate` runs it with
NumPy's matrix products on one BLAS thread. Whether each part still pays for itself is measured
by ``benchmarks/bench_conv.py``, which times every strategy against the others and against
``tf.nn.conv2d`` on the same workloads in one run; the constants below were chosen from its
output, so re-run it before changing them.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from numpy.lib.stride_tricks import as_strided

__all__ = [
    "IM2COL_BYTES",
    "choose_strategy",
    "conv_banded",
    "conv_im2col",
    "conv_taps",
    "correlate",
]

# Largest temporary a convolution builds at once (bytes): bigger inputs are processed in chunks
# of images or output rows, so a Binder session (1-2 GB) never allocates hundreds of MB for one
# convolution.
IM2COL_BYTES = 32 * 2**20
# The banded strategy's partial sums are kept this small so that they stay in the CPU cache.
_BANDED_BYTES = 4 * 2**20
# Matrix products with more multiply-adds than this run on one BLAS thread (see one_blas_thread).
SINGLE_THREAD_MACS = 2**20
# Output rows per band (see conv_banded) for row strides 1-2 and above: more rows make a
# bigger, more efficient matrix product but multiply more zeros of the band.
_BAND_ROWS = (8, 4)
# im2col copies the windows tap-major (taps x positions) up to this many channels, where the
# transposing copy is the cheaper one (bench_conv.py's many-filter workloads show the switch).
_TAP_MAJOR_CHANNELS = 8


def tap_view(xp, i0, j0, out_hw, stride):
    """View of the padded input ``xp`` (N, Hp, Wp, C) that kernel tap (i0, j0) sees at every
    output position: shape (N, out_h, out_w, C)."""
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


def conv_taps(xp, k, stride, dilation, out_hw):
    """Shift-and-add: ``out += (input shifted by the tap) @ weights``, once per kernel tap.

    ``xp`` is the padded input (N, Hp, Wp, C), ``k`` the kernel (kh, kw, C, F); returns
    (N, out_h, out_w, F). Two array passes per tap.
    """
    kh, kw, c, f = k.shape
    dh, dw = dilation
    out = np.zeros((xp.shape[0], *out_hw, f), dtype=xp.dtype)
    for i in range(kh):
        for j in range(kw):
            view = tap_view(xp, i * dh, j * dw, out_hw, stride)  # (N, oh, ow, C)
            if c == 1:
                out += view * k[i, j, 0]  # (F,) weights broadcast: no matrix product needed
            else:
                out += view @ k[i, j]  # (C,) @ (C, F) at every position
    return out


def conv_im2col(xp, k, stride, dilation, out_hw):
    """im2col: copy every window into a row of a matrix, then one matrix product (BLAS).

    The matrix is filled tap by tap (one strided copy per kernel tap). With few channels it is
    stored transposed (taps x positions), so each copy writes one contiguous block.
    """
    kh, kw, c, f = k.shape
    n = xp.shape[0]
    oh, ow = out_hw
    sh = stride[0]
    dh, dw = dilation
    k_mat = k.reshape(kh * kw * c, f)
    out = np.empty((n, oh, ow, f), dtype=xp.dtype)
    flat = out.reshape(-1, f)
    tap_major = c <= _TAP_MAJOR_CHANNELS
    row_bytes = ow * kh * kw * c * xp.itemsize
    for n0, n1, r0, r1 in _chunks(n, oh, row_bytes, IM2COL_BYTES):
        m = (n1 - n0) * (r1 - r0) * ow
        block = xp[n0:n1, r0 * sh :]
        if tap_major:
            cols = np.empty((kh, kw, c, n1 - n0, r1 - r0, ow), dtype=xp.dtype)
        else:
            cols = np.empty((n1 - n0, r1 - r0, ow, kh, kw, c), dtype=xp.dtype)
        for i in range(kh):
            for j in range(kw):
                view = tap_view(block, i * dh, j * dw, (r1 - r0, ow), stride)
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


def _band_rows(row_stride):
    return _BAND_ROWS[0] if row_stride <= 2 else _BAND_ROWS[1]


def conv_banded(xp, k, stride, dilation, out_hw):
    """Banded matrix product: for few filters, any kernel size, without an im2col copy.

    ``B`` consecutive output rows read only ``span`` consecutive input rows. Multiplying the
    banded weight matrix (:func:`_band_matrix`) by those input rows (a strided view: nothing
    is copied) gives, for every kernel column ``j``, the sums over the kernel rows and channels
    at every input column. The output is the sum over ``j`` of these partial sums, shifted
    left by ``j * dilation``: ``kw`` array additions instead of ``kh * kw``.
    """
    kh, kw, c, f = k.shape
    n, _, wp, _ = xp.shape
    oh, ow = out_hw
    (sh, sw), (dh, dw) = stride, dilation
    xt = np.ascontiguousarray(xp.transpose(0, 1, 3, 2))  # (N, Hp, C, Wp): rows, channels adjacent
    # Byte strides of the C-ordered xt, computed from its shape rather than read from
    # xt.strides (a length-1 axis may report any stride). as_strided trusts them blindly, so
    # the tests compare this strategy with TensorFlow on odd shapes, strides and dilations.
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


def choose_strategy(kernel_shape, stride, dilation):
    """Pick a strategy with a rough cost model: array passes per output value.

    im2col copies ``kh*kw*C`` values per output position, then a matrix product that costs about
    as much again (more for many filters). The banded strategy adds ``kw`` shifted partial sums
    per output value, and its product multiplies some zeros of the band. The weights were
    fitted to ``benchmarks/bench_conv.py``'s strategy table, which shows where each one wins.
    """
    kh, kw, c, f = kernel_shape
    if kh * kw == 1:
        return conv_taps  # a 1x1 kernel: one multiplication (or product) per position
    (sh, sw), dh = stride, dilation[0]
    rows = _band_rows(sh)
    span = (rows - 1) * sh + (kh - 1) * dh + 1
    im2col = kh * kw * c * (1 + max(1.0, f / 16))
    banded = kw * f * (1 + c * span * sw / (2 * rows))
    return conv_banded if banded < im2col else conv_im2col


_blas_controller = None  # threadpoolctl's controller of NumPy's BLAS, made on first use


@contextmanager
def one_blas_thread():
    """Run NumPy's matrix products on one thread for a while.

    OpenBLAS's threads busy-wait for each other. When other programs use the cores (a shared
    Binder machine, TensorFlow's own thread pool in the same notebook) a multi-threaded product
    of the sizes conv2d makes can be many times slower than a one-thread one, while on an idle
    2-core machine the second thread saves little; ``benchmarks/bench_conv.py`` times both.
    One thread is the safe choice.
    """
    global _blas_controller
    if _blas_controller is None:
        from threadpoolctl import ThreadpoolController

        _blas_controller = ThreadpoolController().select(user_api="blas")
    with _blas_controller.limit(limits=1):
        yield


def correlate(xp, k, stride, dilation, out_hw, *, strategy=None):
    """Cross-correlate the padded input ``xp`` (N, Hp, Wp, C) with ``k`` (kh, kw, C, F).

    ``out_hw`` is the output size (from :func:`cnnlab.output_size`); the result has shape
    (N, out_h, out_w, F) and the dtype of ``xp``. ``strategy`` overrides the cost model (the
    benchmark and the tests use it).
    """
    n, f = xp.shape[0], k.shape[3]
    if n == 0 or 0 in out_hw:
        return np.zeros((n, *out_hw, f), dtype=xp.dtype)
    run = strategy or choose_strategy(k.shape, stride, dilation)
    macs = n * out_hw[0] * out_hw[1] * k.size
    if macs < SINGLE_THREAD_MACS:  # too small for BLAS to start threads
        return run(xp, k, stride, dilation, out_hw)
    with one_blas_thread():
        return run(xp, k, stride, dilation, out_hw)
