"""The sliding window of a convolution, taken apart (notebooks 01, 03 and 04).

NumPy only (no plotting, no printing); the exercise checkers and the step-through explorer
reuse these:

* :func:`example_6x6`: the 6x6 image and 3x3 vertical-edge kernel worked by hand in notebook 01
  (also notebook 03's padding example).
* :class:`SlidingWindow`: a convolution step by step (where the window is, what it multiplies),
  the model behind :class:`cnnlab.plotting.SlidingWindowFigure` and the step-through explorer.
* :func:`curve_patch`: the image patches for the classic "curve detector" demonstration
  (notebook 01).
* :func:`coverage_count`: how many kernel windows cover each input pixel, the edge effect
  (notebooks 03 and 04).
* :func:`leftover`: input rows/columns that no window reaches, sizes that "do not fit"
  (notebook 04).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_pair, describe, is_int
from ..conv import conv2d
from ..padding import pad2d
from ..shapes import (
    effective_kernel_size,
    output_shape,
    output_size,
    padding_amounts,
    resolve_padding,
)

__all__ = [
    "CURVE_PATCH_KINDS",
    "SlidingWindow",
    "coverage_count",
    "curve_patch",
    "example_6x6",
    "leftover",
]


def example_6x6():
    """The 6x6 image and 3x3 vertical-edge kernel of the hand-worked convolution example.

    The image is the one in Andrew Ng's deep-learning course; the kernel
    ``[[1, 0, -1]] * 3`` responds where the image is brighter on the left than on the right.

    Returns
    -------
    x : ndarray, shape (6, 6), float
    kernel : ndarray, shape (3, 3), float
        Fresh copies on every call, so a notebook may modify them.

    Examples
    --------
    >>> x, kernel = example_6x6()
    >>> x.shape, kernel.shape
    ((6, 6), (3, 3))
    >>> float((x[:3, :3] * kernel).sum())     # the top-left output value
    -5.0
    """
    x = np.array(
        [
            [3, 0, 1, 2, 7, 4],
            [1, 5, 8, 9, 3, 1],
            [2, 7, 2, 5, 1, 3],
            [0, 1, 3, 1, 7, 8],
            [4, 2, 1, 6, 2, 8],
            [2, 4, 5, 2, 3, 9],
        ],
        dtype=float,
    )
    kernel = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float)
    return x, kernel


def _pair_text(pair) -> str:
    return f"{pair[0]}" if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


class SlidingWindow:
    """A 2-D convolution taken apart step by step: where the window is and what it multiplies.

    Step ``n`` (0 to ``n_steps - 1``, row by row) computes output cell ``(i, j) =
    divmod(n, out_w)``: the window starts at ``(i * stride_h, j * stride_w)`` of the padded
    input and its taps are ``dilation`` cells apart. Everything comes from the cnnlab core
    (:func:`cnnlab.pad2d`, :func:`cnnlab.conv2d`); this class only indexes it. It is the model
    that :class:`cnnlab.plotting.SlidingWindowFigure` and the step-through explorer draw.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    kernel : ndarray, shape (kh, kw)
    stride, padding, dilation :
        As for :func:`cnnlab.conv2d`; impossible settings raise its ``ValueError``.
    bias : float, default 0.0

    Attributes
    ----------
    x, kernel : ndarray, float
    padded : ndarray, shape (H + top + bottom, W + left + right)
        The zero-padded input, in which the window moves.
    padded_mask : ndarray of bool, same shape
        True on padding cells.
    pads : ((top, bottom), (left, right))
    output : ndarray, shape out_shape
        ``conv2d(x, kernel, bias, stride=..., padding=..., dilation=...)``.
    sums : ndarray, shape out_shape
        The same without the bias (the sums of the products).
    out_shape : (int, int)
    n_steps : int
        ``out_h * out_w``.
    stride, dilation : (int, int)
    padding, bias :
        As given.

    Examples
    --------
    >>> x, kernel = example_6x6()
    >>> sw = SlidingWindow(x, kernel)
    >>> sw.n_steps, sw.output_index(6), sw.window_cells(6)[:3]
    (16, (1, 2), [(1, 2), (1, 3), (1, 4)])
    >>> float(sw.products(0).sum()), float(sw.output[0, 0])
    (-5.0, -5.0)
    >>> sw.partial_output(1)[0].tolist()
    [-5.0, -4.0, nan, nan]
    """

    def __init__(self, x, kernel, *, stride=1, padding="valid", dilation=1, bias=0.0):
        x = as_float_array(x, "x", ndims=(2,))
        k = as_float_array(kernel, "kernel", ndims=(2,))
        # conv2d validates stride, padding, dilation and the fit of the kernel
        self.output = conv2d(x, k, bias, stride=stride, padding=padding, dilation=dilation)
        self.sums = conv2d(x, k, None, stride=stride, padding=padding, dilation=dilation)
        self.bias = float(bias)
        self.x, self.kernel, self.padding = x, k, padding
        self.stride = check_pair(stride, "stride")
        self.dilation = check_pair(dilation, "dilation")
        self.pads = resolve_padding(padding, x.shape, k.shape, self.stride, self.dilation)
        self.out_shape = output_shape(x.shape, k.shape, self.stride, self.pads, self.dilation)
        if self.out_shape != self.output.shape:  # the two rules of cnnlab must agree
            raise RuntimeError(f"output_shape {self.out_shape} != conv2d {self.output.shape}")
        self.padded = pad2d(x, self.pads)
        (pt, _), (pl, _) = self.pads
        self.padded_mask = np.ones(self.padded.shape, dtype=bool)
        self.padded_mask[pt : pt + x.shape[0], pl : pl + x.shape[1]] = False
        self.n_steps = self.out_shape[0] * self.out_shape[1]

    def check_step(self, step) -> int:
        """``step`` as an int, or a ValueError saying which steps exist."""
        if not is_int(step) or not 0 <= step < self.n_steps:
            raise ValueError(
                f"step must be an integer from 0 to {self.n_steps - 1} (one per output cell of "
                f"the {self.out_shape[0]}x{self.out_shape[1]} output); got {describe(step)}."
            )
        return int(step)

    def output_index(self, step):
        """Output cell ``(i, j)`` computed at ``step`` (row-major order)."""
        return divmod(self.check_step(step), self.out_shape[1])

    def window_cells(self, step):
        """Cells ``(row, col)`` of the padded input under the kernel at ``step``.

        Listed kernel row by kernel row, like ``kernel.ravel()``.
        """
        i, j = self.output_index(step)
        kh, kw = self.kernel.shape
        (sh, sw), (dh, dw) = self.stride, self.dilation
        return [(i * sh + a * dh, j * sw + b * dw) for a in range(kh) for b in range(kw)]

    def window(self, step):
        """The input values under the kernel at ``step``, shape (kh, kw)."""
        rows, cols = zip(*self.window_cells(step), strict=True)
        return self.padded[list(rows), list(cols)].reshape(self.kernel.shape)

    def products(self, step):
        """Element-wise products ``window(step) * kernel``, shape (kh, kw)."""
        return self.window(step) * self.kernel

    def partial_output(self, step):
        """The output computed up to and including ``step``; NaN where not computed yet."""
        step = self.check_step(step)
        shown = np.full(self.out_shape, np.nan)
        shown.reshape(-1)[: step + 1] = self.output.reshape(-1)[: step + 1]
        return shown

    def describe(self) -> str:
        """The settings in words, e.g. ``'3×3 kernel, stride 1, padding 0'``."""
        kh, kw = self.kernel.shape
        padding = repr(self.padding) if isinstance(self.padding, str) else str(self.padding)
        parts = [f"{kh}×{kw} kernel", f"stride {_pair_text(self.stride)}", f"padding {padding}"]
        if self.dilation != (1, 1):
            parts.append(f"dilation {_pair_text(self.dilation)}")
        if self.bias:
            parts.append(f"bias {self.bias:g}")
        return ", ".join(parts)

    def step_title(self, step) -> str:
        """``'step 7 of 16: output[1, 2]'``."""
        i, j = self.output_index(step)
        return f"step {step + 1} of {self.n_steps}: output[{i}, {j}]"

    def sum_line(self, step, fmt_sum=str, fmt_out=str) -> str:
        """``'sum = 4'``, or with a bias ``'sum = 4, + bias → 4.5'`` (numbers via the formats)."""
        i, j = self.output_index(step)
        text = f"sum = {fmt_sum(float(self.sums[i, j]))}"
        if self.bias:
            text += f", + bias → {fmt_out(float(self.output[i, j]))}"
        return text


#: Patches offered by :func:`curve_patch`.
CURVE_PATCH_KINDS = ("match", "elsewhere")


def curve_patch(kind="match"):
    """A 7x7 image patch for the classic curve-detector demonstration.

    The kernel :func:`cnnlab.kernels.curve_detector` has weight 30 on a curve bending to the
    upper right. The ``"match"`` patch is a drawn curve of the same shape: four pixels of
    brightness 50 and one fainter pixel of 20 lie on the kernel's curve, while its top end bends
    one pixel further right, off the kernel. The response is therefore
    ``30 * (50 + 50 + 50 + 20 + 50) = 6600``. The ``"elsewhere"`` patch holds a curve of the same
    brightness bending the other way on the left side of the window: none of its pixels meets a
    non-zero weight, so the response is 0.

    Parameters
    ----------
    kind : {"match", "elsewhere"}, default "match"

    Returns
    -------
    ndarray, shape (7, 7), float
        Pixel intensities (0 = dark background).

    Examples
    --------
    >>> from cnnlab.kernels import curve_detector
    >>> float((curve_patch("match") * curve_detector()).sum())
    6600.0
    >>> float((curve_patch("elsewhere") * curve_detector()).sum())
    0.0
    """
    patch = np.zeros((7, 7))
    if kind == "match":
        for (r, c), value in {
            (0, 6): 50,  # the drawn curve leaves the kernel's curve at the top ...
            (1, 4): 50,
            (2, 3): 50,
            (3, 3): 50,
            (4, 3): 20,  # ... and one pixel was drawn faintly
            (5, 3): 50,
            (6, 3): 50,  # the kernel's curve ends one row higher
        }.items():
            patch[r, c] = value
    elif kind == "elsewhere":
        for r, c in ((0, 0), (1, 1), (2, 2), (3, 2), (4, 2), (5, 1), (6, 0)):
            patch[r, c] = 50
    else:
        raise ValueError(f"kind must be one of {CURVE_PATCH_KINDS}; got {describe(kind)}.")
    return patch


def coverage_count(input_hw, kernel_size, *, stride=1, padding="valid", dilation=1):
    """How many kernel windows cover each input pixel.

    Slide a ``kernel_size`` window over the (padded) input and count, for every *original*
    pixel, the window positions that include it. Without padding a corner pixel is used once
    and an interior pixel ``k * k`` times (stride 1): the edge effect that padding reduces.

    Parameters
    ----------
    input_hw : (int, int)
        Input height and width.
    kernel_size, stride, dilation : int or (int, int)
    padding : str, int, (int, int) or ((int, int), (int, int)), default "valid"
        As in :func:`cnnlab.conv2d`.

    Returns
    -------
    ndarray, shape (H, W), int
        The count per input pixel. Its sum equals ``out_h * out_w * kh * kw`` minus the taps
        that landed on padding.

    Examples
    --------
    >>> coverage_count((5, 5), 3)
    array([[1, 2, 3, 2, 1],
           [2, 4, 6, 4, 2],
           [3, 6, 9, 6, 3],
           [2, 4, 6, 4, 2],
           [1, 2, 3, 2, 1]])
    >>> coverage_count((1, 5), (1, 3), stride=2)
    array([[1, 1, 2, 1, 1]])
    """
    h, w = check_pair(input_hw, "input_hw")
    kh, kw = check_pair(kernel_size, "kernel_size")
    sh, sw = check_pair(stride, "stride")
    dh, dw = check_pair(dilation, "dilation")
    (pt, pb), (pl, pr) = resolve_padding(padding, (h, w), (kh, kw), (sh, sw), (dh, dw))
    oh, ow = output_shape((h, w), (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw))
    counts = np.zeros((h + pt + pb, w + pl + pr), dtype=int)
    for i in range(kh):  # every kernel tap touches one strided grid of input pixels
        for j in range(kw):
            r0, c0 = i * dh, j * dw
            counts[r0 : r0 + sh * (oh - 1) + 1 : sh, c0 : c0 + sw * (ow - 1) + 1 : sw] += 1
    return counts[pt : pt + h, pl : pl + w]


def leftover(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """Rows (or columns) at the end of the padded input that no window reaches.

    ``(i + 2p - d(k - 1) - 1) mod s``: 0 when the windows fit exactly. CS231n calls a
    setting with a non-zero leftover "invalid", because
    :math:`(W - F + 2P)/S + 1` is not an integer; libraries floor it and drop those pixels.

    Parameters
    ----------
    input_size, kernel_size, stride : int
    padding : int or (int, int), default 0
        Symmetric amount or ``(before, after)``; presets are resolved with :func:`padding_amounts`.
    dilation : int, default 1

    Returns
    -------
    int

    Examples
    --------
    >>> leftover(7, 3, stride=2)      # positions 0, 2, 4: the window ends at the last column
    0
    >>> leftover(7, 3, stride=3)      # positions 0, 3: the last column is never used
    1
    >>> leftover(227, 11, stride=4)   # AlexNet: (227 - 11) / 4 + 1 = 55 exactly
    0
    """
    before, after = padding_amounts(padding, input_size, kernel_size, stride, dilation)
    output_size(input_size, kernel_size, stride, (before, after), dilation)  # validates the fit
    span = input_size + before + after - effective_kernel_size(kernel_size, dilation)
    return span % stride
