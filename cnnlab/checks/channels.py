"""Exercise checkers of notebook 07 · Channels, 1×1 and transposed convolution.

=============================  ========================================================
checker                        the learner provides
=============================  ========================================================
check_transposed_output_size   ``transposed_size(i, k, s, p, a)``: o = (i − 1)·s + k − 2p + a
check_conv_matrix_1d           ``conv_matrix_1d(n, kernel, stride)``: the matrix C of a 1-D
                               convolution, ``C @ x`` = the convolution of ``x``
=============================  ========================================================
"""

from __future__ import annotations

import numpy as np

from ..conv_transpose import conv_matrix, transposed_output_size
from .cases import check_cases, whole_number_hint
from .compare import show
from .result import Result

__all__ = ["check_conv_matrix_1d", "check_transposed_output_size"]


def _transposed_size_reference(i, k, s, p, a):
    return transposed_output_size(i, k, s, p, a)


def check_transposed_output_size(func) -> Result:
    """Check a learner's ``transposed_size(i, k, s, p, a)``: o = (i − 1)·s + k − 2p + a.

    Parameters
    ----------
    func : callable
        ``func(i, k, s, p, a)``: the transposed convolution's input size, kernel size, stride,
        padding per side and output padding (``0 <= a < s``); returns its output size, what
        ``keras.layers.Conv2DTranspose(padding=..., output_padding=a)`` gives.

    Examples
    --------
    >>> check_transposed_output_size(lambda i, k, s, p, a: (i - 1) * s + k - 2 * p + a).passed
    True
    >>> print(check_transposed_output_size(lambda i, k, s, p, a: (i + 2 * p - k) // s + 1).message)
    ... # doctest: +ELLIPSIS
    transposed_size(2, 3, 2, 0, 0) returned 0, but the answer is 5. That is the forward ...
    """
    cases = [
        (2, 3, 2, 0, 0),  # the 2×2 → 5×5 picture
        (3, 3, 1, 0, 0),  # stride 1: o = i + k − 1
        (4, 4, 2, 1, 0),  # DCGAN's 4×4 kernels: doubles the size
        (5, 3, 2, 1, 1),
        (7, 3, 2, 1, 1),  # 7 → 14, like 'same' with stride 2
        (4, 1, 3, 0, 0),  # stride wider than the kernel: gaps
        (3, 2, 3, 0, 2),
        (1, 5, 1, 2, 0),
        (6, 5, 3, 2, 1),
    ]
    mistakes = [
        (
            lambda i, k, s, p, a: (i + 2 * p - k) // s + 1,
            "That is the forward convolution's formula, which shrinks. The transposed "
            "convolution goes the other way: it solves the forward formula for the input, "
            "o = (i − 1)·s + k − 2p + a.",
        ),
        (
            lambda i, k, s, p, a: (i - 1) * s + k - 2 * p,
            "You left out the output padding a: it adds a rows at the bottom (and columns at "
            "the right), so add + a.",
        ),
        (
            lambda i, k, s, p, a: i * s + k - 2 * p + a,
            "The first stamp starts at 0 and the last at (i − 1)·s: there are i − 1 steps "
            "between i stamps, so it is (i − 1)·s, not i·s.",
        ),
        (
            lambda i, k, s, p, a: i * s,
            "i·s is Keras's size for padding='same' with the default output padding; with "
            "padding p and output padding a it is (i − 1)·s + k − 2p + a.",
        ),
        (
            lambda i, k, s, p, a: (i - 1) * s + k + 2 * p + a,
            "The padding is cut off the output (it was added to the forward convolution's "
            "input), so subtract it: − 2p.",
        ),
        (
            lambda i, k, s, p, a: (i - 1) * s + k - p + a,
            "The padding is cut off both sides: subtract 2p, not p.",
        ),
        (
            lambda i, k, s, p, a: (i - 1) * s + k + a,
            "You ignored the padding p: it is cut off both sides of the output (− 2p).",
        ),
        (
            lambda i, k, s, p, a: (i - 1) * s + k - 2 * p + a - 1,
            "Off by one: the last stamp starts at (i − 1)·s and covers k cells, so the stamps "
            "reach (i − 1)·s + k; do not subtract 1.",
        ),
    ]
    func, mistakes = whole_number_hint(
        func,
        mistakes,
        "A size is a whole number: this formula needs no division at all.",
    )
    return check_cases(
        func,
        "transposed_size",
        cases,
        _transposed_size_reference,
        mistakes,
        success="(i − 1)·s + k − 2p + a: the stamps reach (i − 1)·s + k, the padding comes off "
        "both sides and the output padding goes on at the end, as in Keras's Conv2DTranspose.",
    )


def _conv_matrix_1d_reference(n, kernel, stride):
    row = np.asarray(kernel, dtype=float)[None, :]
    return conv_matrix((1, n), row, stride=(1, stride))


def _loops_1d(n, kernel, stride, *, flip=False, ignore_stride=False, rows_fewer=0):
    """The matrix a typical loop builds, with the mistakes asked for (for the hints)."""
    kernel = np.asarray(kernel, dtype=float)
    k = kernel.size
    s = 1 if ignore_stride else stride
    weights = kernel[::-1] if flip else kernel
    C = np.zeros(((n - k) // s + 1 - rows_fewer, n))
    for r in range(C.shape[0]):
        C[r, r * s : r * s + k] = weights
    return C


def check_conv_matrix_1d(func) -> Result:
    """Check a learner's ``conv_matrix_1d(n, kernel, stride)``: the matrix C of a 1-D convolution.

    Parameters
    ----------
    func : callable
        ``func(n, kernel, stride)`` with ``kernel`` a 1-D array of ``k`` weights; returns ``C``
        of shape ``((n − k) // stride + 1, n)`` with ``C @ x`` equal to the 'valid'
        cross-correlation of ``x`` (length ``n``) with ``kernel`` at that stride: row ``r``
        holds the kernel, not flipped, in columns ``r·stride`` to ``r·stride + k − 1``.

    Examples
    --------
    >>> import cnnlab
    >>> ok = lambda n, kernel, stride: cnnlab.conv_matrix((1, n), np.array([kernel]), stride=(1, stride))
    >>> check_conv_matrix_1d(ok).passed
    True
    >>> print(check_conv_matrix_1d(lambda n, kernel, stride: ok(n, kernel, stride).T).message)
    ... # doctest: +ELLIPSIS
    conv_matrix_1d(5, [1., 2., 3.], 1) returned shape (5, 3), but the answer has shape (3, 5). That is Cᵀ, ...
    """
    cases = [
        (5, np.array([1.0, 2.0, 3.0]), 1),  # not symmetric: a flip shows
        (4, np.array([1.0, -1.0]), 1),
        (6, np.array([1.0, 2.0, 3.0]), 2),  # stride 2: each row moves 2 columns
        (7, np.array([2.0, 0.0, -1.0]), 3),
        (3, np.array([5.0]), 1),  # a 1-tap kernel: 5 times the identity
        (3, np.array([1.0, 2.0, 3.0]), 1),  # kernel as long as the input: one row
        (8, np.array([1.0, 2.0, 3.0]), 3),  # does not fit: the last two inputs are left over
    ]
    mistakes = [
        (
            lambda n, kernel, stride: _conv_matrix_1d_reference(n, kernel, stride).T,
            "That is Cᵀ, the transposed convolution's matrix: C has one row per output "
            "position, (n − k) // stride + 1 of them, and one column per input value, n.",
        ),
        (
            lambda n, kernel, stride: _loops_1d(n, kernel, stride, flip=True),
            "The kernel is reversed in every row: a CNN's convolution is a cross-correlation, "
            "so row r holds kernel[0], kernel[1], … in columns r·stride, r·stride + 1, ….",
        ),
        (
            lambda n, kernel, stride: _loops_1d(n, kernel, stride, ignore_stride=True),
            "You ignored the stride: row r starts at column r·stride, and there are only "
            "(n − k) // stride + 1 rows.",
        ),
        (
            lambda n, kernel, stride: _loops_1d(n, kernel, stride, flip=True, ignore_stride=True),
            "Two things: the stride moves each row by `stride` columns, and the kernel must not "
            "be reversed (a cross-correlation).",
        ),
        (
            lambda n, kernel, stride: _loops_1d(n, kernel, stride, rows_fewer=1),
            "One row is missing: there is one row per position of the kernel, "
            "(n − k) // stride + 1 of them (the + 1 counts the first position).",
        ),
    ]

    def show_args(n, kernel, stride):
        return f"{n}, {show(kernel)}, {stride}"

    return check_cases(
        func,
        "conv_matrix_1d",
        cases,
        _conv_matrix_1d_reference,
        mistakes,
        success="One row per output position, the kernel (not flipped) moving `stride` columns "
        "from row to row, zeros everywhere else: a dense layer with tied, mostly zero weights.",
        show_args=show_args,
    )
