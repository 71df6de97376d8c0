"""One transposed convolution, three ways, with the pieces each way draws (notebook 07).

:func:`transpose_views` computes the transposed convolution of a small 2-D input three times,
each from its own picture, and keeps the pictures:

1. *insert zeros and convolve*: ``s − 1`` zeros between the input values, ``k − 1 − p`` zeros
   around them (and ``output_padding`` more at the bottom and right), slid over by the kernel
   rotated by 180° (:attr:`TransposeViews.zero_inserted`);
2. *scatter*: every input value stamps ``value · K`` onto a canvas, the stamps ``s`` apart,
   overlaps adding up; the padding ``p`` is then cut off every side
   (:attr:`TransposeViews.canvas`, :attr:`TransposeViews.overlaps`);
3. *multiply by Cᵀ*: ``C`` is the matrix of the forward convolution (output shape → input
   shape) with the same kernel, stride and padding (:attr:`TransposeViews.matrix`).

All three equal :func:`cnnlab.conv2d_transpose` (which is tested against Keras's
``Conv2DTranspose``). The explorer of notebook 07 (:mod:`cnnlab.widgets.transpose`) draws these
pieces; the notebook uses them for its figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, check_int
from ..conv import conv2d
from ..conv_transpose import conv2d_transpose, conv_matrix

__all__ = ["TransposeViews", "transpose_views"]


@dataclass(frozen=True)
class TransposeViews:
    """A transposed convolution of a 2-D input computed three ways (see :func:`transpose_views`).

    Attributes
    ----------
    x : ndarray, shape (h, w)
        The transposed convolution's **input**.
    kernel : ndarray, shape (kh, kw)
        The kernel, as Keras stores it (not rotated).
    stride, padding, output_padding : int
        :math:`s`, :math:`p` (cut off every side) and :math:`a` (added at the bottom/right).
    output : ndarray, shape (oh, ow)
        ``conv2d_transpose(x, kernel, ...)``; :math:`o = (i - 1)s + k - 2p + a` per axis.
    zero_inserted : ndarray, shape (oh + kh − 1, ow + kw − 1)
        Way 1: the input with :math:`s - 1` zeros between neighbouring values and the border
        of zeros; ``conv2d(zero_inserted, kernel[::-1, ::-1])`` is the output.
    canvas, overlaps : ndarray, shape ((h − 1)s + kh + a, (w − 1)s + kw + a)
        Way 2: the sum of the stamps ``x[r, c] · kernel`` placed at ``(r·s, c·s)``, and how many
        stamps cover each cell; the output is the part :attr:`crop` frames.
    matrix : ndarray, shape (h·w, oh·ow)
        ``C`` of the forward convolution ``(oh, ow) → (h, w)``; way 3 is ``C.T @ x.ravel()``.
    ways : tuple of ndarray
        The three outputs, each of shape (oh, ow), in the order above.
    """

    x: np.ndarray
    kernel: np.ndarray
    stride: int
    padding: int
    output_padding: int
    output: np.ndarray
    zero_inserted: np.ndarray
    canvas: np.ndarray
    overlaps: np.ndarray
    matrix: np.ndarray
    ways: tuple

    @property
    def crop(self) -> tuple[int, int, int, int]:
        """Where the output lies on the canvas: (top, left, height, width)."""
        return (self.padding, self.padding, *self.output.shape)

    @property
    def largest_difference(self) -> float:
        """The largest absolute difference between any of the three ways and the output."""
        return float(max(np.max(np.abs(way - self.output), initial=0.0) for way in self.ways))

    def _check_pixel(self, r, c) -> tuple[int, int]:
        h, w = self.x.shape
        r = check_int(r, "r", minimum=0, maximum=h - 1)
        c = check_int(c, "c", minimum=0, maximum=w - 1)
        return r, c

    def stamp(self, r, c) -> tuple[int, int, int, int]:
        """The cells of the canvas that input pixel (r, c) stamps: (top, left, height, width).

        Examples
        --------
        >>> views = transpose_views(np.ones((2, 2)), np.ones((3, 3)), stride=2)
        >>> views.stamp(1, 0)
        (2, 0, 3, 3)
        """
        r, c = self._check_pixel(r, c)
        kh, kw = self.kernel.shape
        return (r * self.stride, c * self.stride, kh, kw)

    def stamp_in_output(self, r, c) -> tuple[int, int, int, int] | None:
        """The part of pixel (r, c)'s stamp that is left in the output, or None if none is.

        Examples
        --------
        >>> views = transpose_views(np.ones((2, 2)), np.ones((3, 3)), stride=2, padding=1)
        >>> views.output.shape, views.stamp_in_output(0, 0), views.stamp_in_output(1, 1)
        ((3, 3), (0, 0, 2, 2), (1, 1, 2, 2))
        """
        top, left, kh, kw = self.stamp(r, c)
        oh, ow = self.output.shape
        t0, l0 = max(top - self.padding, 0), max(left - self.padding, 0)
        t1, l1 = min(top - self.padding + kh, oh), min(left - self.padding + kw, ow)
        if t1 <= t0 or l1 <= l0:
            return None
        return (t0, l0, t1 - t0, l1 - l0)

    def in_zero_inserted(self, r, c) -> tuple[int, int] | None:
        """Where input pixel (r, c) sits in :attr:`zero_inserted`, or None if cut off.

        With :math:`p > k - 1` the border would be negative: rows of the spread-out input are
        cut off instead, and so are the pixels on them (their stamps fall in the padding).

        Examples
        --------
        >>> views = transpose_views(np.ones((2, 2)), np.ones((3, 3)), stride=2)
        >>> views.zero_inserted.shape, views.in_zero_inserted(1, 1)
        ((7, 7), (4, 4))
        """
        r, c = self._check_pixel(r, c)
        kh, kw = self.kernel.shape
        row = kh - 1 + r * self.stride - self.padding
        col = kw - 1 + c * self.stride - self.padding
        rows, cols = self.zero_inserted.shape
        if 0 <= row < rows and 0 <= col < cols:
            return (row, col)
        return None

    def column(self, r, c) -> int:
        """The column of :attr:`matrix`'s transpose ``Cᵀ`` that input pixel (r, c) multiplies.

        Examples
        --------
        >>> transpose_views(np.ones((2, 3)), np.ones((2, 2))).column(1, 0)
        3
        """
        r, c = self._check_pixel(r, c)
        return r * self.x.shape[1] + c

    def interior_overlaps(self) -> np.ndarray:
        """Stamp counts of the canvas cells that every nearby stamp can reach (no border effect).

        Canvas rows :math:`k - 1` to :math:`(h - 1)s` (and the same columns): there a cell is
        covered by :math:`\\lfloor k / s \\rfloor` or :math:`\\lceil k / s \\rceil` stamps per
        axis, the same number everywhere exactly when :math:`s` divides :math:`k`. Otherwise the
        counts alternate: the checkerboard. Empty when the input is too small to have such cells.

        Examples
        --------
        >>> views = transpose_views(np.ones((4, 4)), np.ones((3, 3)), stride=2)
        >>> views.interior_overlaps()
        array([[4, 2, 4, 2, 4],
               [2, 1, 2, 1, 2],
               [4, 2, 4, 2, 4],
               [2, 1, 2, 1, 2],
               [4, 2, 4, 2, 4]])
        """
        kh, kw = self.kernel.shape
        h, w = self.x.shape
        s = self.stride
        return self.overlaps[kh - 1 : (h - 1) * s + 1, kw - 1 : (w - 1) * s + 1]


def transpose_views(x, kernel, *, stride=1, padding=0, output_padding=0) -> TransposeViews:
    """Compute a transposed convolution three ways and keep what each way draws.

    Parameters
    ----------
    x : array_like, shape (h, w)
        The transposed convolution's input (a small 2-D map).
    kernel : array_like, shape (kh, kw)
        Not rotated: as ``Conv2DTranspose`` stores it and as the forward ``conv2d`` uses it.
    stride : int >= 1, default 1
    padding : int >= 0, default 0
        The forward convolution's padding, cut off every side of the output.
    output_padding : int in [0, stride − 1], default 0
        Extra rows and columns at the bottom and right.

    Returns
    -------
    TransposeViews

    Raises
    ------
    ValueError
        Empty input, output padding not below the stride (the sentence of
        :func:`cnnlab.conv2d_transpose`), padding that leaves no output.

    Examples
    --------
    Two values, stride 2, a 3-tap kernel of ones: the stamps overlap in the middle column.

    >>> views = transpose_views([[1.0, 2.0]], [[1.0, 1.0, 1.0]], stride=2)
    >>> views.output
    array([[1., 1., 3., 2., 2.]])
    >>> views.zero_inserted
    array([[0., 0., 1., 0., 2., 0., 0.]])
    >>> views.matrix.shape, views.largest_difference
    ((2, 5), 0.0)
    """
    x = as_float_array(x, "x", ndims=(2,))
    k = as_float_array(kernel, "kernel", ndims=(2,))
    if x.size == 0:
        raise ValueError(f"x must not be empty; got shape {x.shape}.")
    s = check_int(stride, "stride")
    p = check_int(padding, "padding", minimum=0)
    a = check_int(output_padding, "output_padding", minimum=0)
    output = conv2d_transpose(x, k, stride=s, padding=p, output_padding=a)  # checks the rest
    (h, w), (kh, kw), (oh, ow) = x.shape, k.shape, output.shape
    if oh == 0 or ow == 0:
        axis, i, kk, o = ("rows", h, kh, oh) if oh == 0 else ("columns", w, kw, ow)
        raise ValueError(
            f"padding={p} cuts off every one of the {axis}: (i − 1)·s + k − 2p + a = "
            f"({i} − 1)·{s} + {kk} − 2·{p} + {a} = {o}. Use a padding of at most "
            f"{((i - 1) * s + kk + a - 1) // 2}."
        )

    # 1 · insert zeros, pad by k − 1 (plus a at the bottom/right), cut p off, convolve rotated
    spread = np.zeros(((h - 1) * s + 1, (w - 1) * s + 1))
    spread[::s, ::s] = x
    bordered = np.pad(spread, ((kh - 1, kh - 1 + a), (kw - 1, kw - 1 + a)))
    zero_inserted = bordered[p : p + oh + kh - 1, p : p + ow + kw - 1]
    way1 = conv2d(zero_inserted, k[::-1, ::-1])

    # 2 · scatter: each input value stamps value · kernel, s apart; cut the padding off
    canvas = np.zeros(((h - 1) * s + kh + a, (w - 1) * s + kw + a))
    overlaps = np.zeros(canvas.shape, dtype=int)
    for r in range(h):
        for c in range(w):
            canvas[r * s : r * s + kh, c * s : c * s + kw] += x[r, c] * k
            overlaps[r * s : r * s + kh, c * s : c * s + kw] += 1
    way2 = canvas[p : p + oh, p : p + ow]

    # 3 · the forward convolution (oh, ow) -> (h, w) as a matrix C; its transpose maps back
    matrix = conv_matrix((oh, ow), k, stride=s, padding=p)
    way3 = (matrix.T @ x.ravel()).reshape(oh, ow)
    return TransposeViews(
        x=x,
        kernel=k,
        stride=s,
        padding=p,
        output_padding=a,
        output=output,
        zero_inserted=zero_inserted,
        canvas=canvas,
        overlaps=overlaps,
        matrix=matrix,
        ways=(way1, way2, way3),
    )
