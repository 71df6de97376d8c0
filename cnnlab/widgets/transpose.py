"""The transposed-convolution explorer: one small input, three ways to the same output.

The sliders set the transposed convolution (kernel size, stride, padding, output padding) and
a small input; the panels show the input, the kernel and the output, and the picture of each
of the three ways (:func:`cnnlab.lessons.transpose_views`): the zero-inserted input that the
rotated kernel slides over, the scatter of stamps on the canvas, and the matrix Cᵀ. An "input
pixel" slider picks one input value and frames it in the views: its cell among the zeros,
its column of Cᵀ and what its stamp leaves in the output. The input and the kernels are drawn
as numbered cells; the larger arrays as colour maps (PNGs written straight from the array).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..lessons.transposed import transpose_views
from .base import Explorer
from .controls import conv_controls, slider, toggle
from .pictures import grid_svg
from .settings import FrozenArray

__all__ = [
    "INPUT_KINDS",
    "TransposeExplorer",
    "TransposeSettings",
    "stamps_per_cell",
    "transpose_explorer",
    "values_of",
]

#: The choices of the "input" and "kernel" buttons.
INPUT_KINDS = ("ones", "1, 2, 3, …", "random")

_INPUT = "input x"
_KERNEL = "kernel K"
_ROTATED = "K rotated 180°"
_OUTPUT = "output y"
_ZEROS = "① zeros inserted"
_SCATTER = "② scatter"
_MATRIX = "③ Cᵀ"
_NUMBERED = (_INPUT, _KERNEL, _ROTATED)


def values_of(kind, rows, cols, seed=0) -> np.ndarray:
    """The array a button of the explorer stands for: ones, 1, 2, 3, … or random integers.

    Parameters
    ----------
    kind : {"ones", "1, 2, 3, …", "random"}
    rows, cols : int
    seed : int, default 0
        Of the random integers (from −3 to 3, never all zero).

    Examples
    --------
    >>> values_of("1, 2, 3, …", 2, 3)
    array([[1., 2., 3.],
           [4., 5., 6.]])
    """
    if kind == "ones":
        return np.ones((rows, cols))
    if kind == "1, 2, 3, …":
        return np.arange(1.0, rows * cols + 1).reshape(rows, cols)
    if kind == "random":
        values = np.random.default_rng(seed).integers(-3, 4, (rows, cols)).astype(float)
        values[values == 0] = 1.0  # every weight visible in C (a zero weight would hide a tap)
        return values
    raise ValueError(f"kind must be one of {INPUT_KINDS}; got {kind!r}.")


@dataclass(frozen=True)
class TransposeSettings:
    """What the transposed-convolution explorer shows."""

    input_size: int = 3
    kernel_size: int = 3
    stride: int = 2
    padding: int = 0
    output_padding: int = 0
    input_kind: str = "1, 2, 3, …"
    kernel_kind: str = "ones"
    pixel: int = 0


@lru_cache(maxsize=64)
def _views(i, k, s, p, a, input_kind, kernel_kind):
    """The three ways, and each picture as a FrozenArray (drawn once, then cached)."""
    x = values_of(input_kind, i, i, seed=1)
    kernel = values_of(kernel_kind, k, k, seed=2)
    views = transpose_views(x, kernel, stride=s, padding=p, output_padding=a)
    pictures = {
        _INPUT: views.x,
        _KERNEL: views.kernel,
        _ROTATED: views.kernel[::-1, ::-1],
        _OUTPUT: views.output,
        _ZEROS: views.zero_inserted,
        _SCATTER: views.canvas,
        _MATRIX: views.matrix.T,
    }
    return views, {name: FrozenArray.of(values) for name, values in pictures.items()}


def stamps_per_cell(k, s) -> tuple[int, int]:
    """Fewest and most stamps covering a cell away from the border (any input large enough).

    Along one axis, canvas cell ``t`` is covered by the stamps whose kernel tap ``u`` lands on
    it, ``u ≡ t (mod s)`` with ``0 <= u < k``: ``len(range(t % s, k, s))`` of them, the same for
    every ``t`` exactly when ``s`` divides ``k``; in 2-D the two axes' counts multiply.

    Examples
    --------
    >>> stamps_per_cell(3, 2), stamps_per_cell(4, 2), stamps_per_cell(1, 2)
    ((1, 4), (4, 4), (0, 1))
    """
    per_axis = [len(range(q, k, s)) for q in range(s)]
    return min(per_axis) ** 2, max(per_axis) ** 2


def _overlap_line(k, s) -> str:
    """How many stamps cover a cell away from the border: even, a checkerboard, or gaps."""
    lo, hi = stamps_per_cell(k, s)
    if s > k:
        return (
            f"stride {s} > kernel size {k}: gaps, cells no stamp reaches (0 to {hi} stamps per "
            "cell away from the border), the extreme checkerboard"
        )
    if lo == hi:
        return f"every cell away from the border gets {lo} stamps: the stride {s} divides {k}"
    return (
        f"checkerboard: cells away from the border get {lo} to {hi} stamps, because the stride "
        f"{s} does not divide the kernel size {k}"
    )


class TransposeExplorer(Explorer):
    """Explore a transposed convolution computed three ways, with the input always labelled.

    The **kernel size**, **stride** and **padding** sliders are those of the convolution being
    transposed (Keras's ``Conv2DTranspose(kernel_size, strides, ...)``); **output padding**
    adds rows and columns at the bottom and right (it must stay below the stride); **input
    size**, **input** and **kernel** choose the arrays, and **input pixel** the input value
    framed in every view. The output has
    :math:`o = (i - 1)s + k - 2p + a` rows and columns, and the three ways give the same numbers
    as :func:`cnnlab.conv2d_transpose` (the readout says by how little they differ).

    Parameters
    ----------
    input_size, kernel_size, stride, padding, output_padding : int
        Initial values (input 1-5, kernel 1-5, stride 1-4, padding 0-4, output padding 0-3).
    input_kind, kernel_kind : {"ones", "1, 2, 3, …", "random"}
        The values of the input and of the kernel.
    display_side : int, default 360
        Pixels of the longer side of the image panels (seven of them: smaller than the other
        explorers' 512, so that a step stays fast).

    Attributes
    ----------
    result : ndarray
        The output ``conv2d_transpose(x, K, ...)``; ``.computed["views"]`` holds the
        :class:`cnnlab.lessons.TransposeViews` with the three ways.

    Examples
    --------
    >>> ex = TransposeExplorer(input_size=2, kernel_size=3, stride=2, input_kind="ones")
    >>> ex.result.shape, ex.computed["views"].largest_difference
    ((5, 5), 0.0)
    >>> ex.set(output_padding=2).message.startswith("output_padding must be smaller")
    True
    """

    title = "Transposed-convolution explorer"
    #: The picture a projector must keep in view (the first panel with a colour bar otherwise).
    main_panel = _OUTPUT

    def __init__(
        self,
        *,
        input_size=3,
        kernel_size=3,
        stride=2,
        padding=0,
        output_padding=0,
        input_kind="1, 2, 3, …",
        kernel_kind="ones",
        display_side=360,
    ):
        controls = conv_controls(
            kernel_size,
            stride,
            padding,
            presets=False,
            kernel_sizes=(1, 5),
            strides=(1, 4),
            paddings=(0, 4),
        )
        controls["output padding"] = slider("output padding", output_padding, 0, 3)
        controls["input size"] = slider("input size", input_size, 1, 5)
        controls["input pixel"] = slider("input pixel", 0, 0, input_size**2 - 1)
        controls["input"] = toggle("input", INPUT_KINDS, input_kind, "110px")
        controls["kernel"] = toggle("kernel", INPUT_KINDS, kernel_kind, "110px")
        # the output is the main picture: the largest panel of the first row
        panels = {_INPUT: "18%", _KERNEL: "16%", _ROTATED: "20%", _OUTPUT: "40%"}
        panels.update({_ZEROS: "32%", _SCATTER: "32%", _MATRIX: "32%"})
        super().__init__(
            controls, panels, display_side=display_side, colorbars=(_OUTPUT,), drawings=_NUMBERED
        )

    def _react(self, change):
        pixel = self.controls["input pixel"]
        pixel.max = self.controls["input size"].value ** 2 - 1  # also moves the value down

    def _settings(self):
        c = self.controls
        return TransposeSettings(
            input_size=int(c["input size"].value),
            kernel_size=int(c["kernel size"].value),
            stride=int(c["stride"].value),
            padding=int(c["padding"].value),
            output_padding=int(c["output padding"].value),
            input_kind=c["input"].value,
            kernel_kind=c["kernel"].value,
            pixel=int(c["input pixel"].value),
        )

    def _readout(self, s):
        i, k, st, p, a = s.input_size, s.kernel_size, s.stride, s.padding, s.output_padding
        o = (i - 1) * st + k - 2 * p + a
        formula = f"({i} − 1)·{st} + {k} − 2·{p} + {a} = {o}".replace("= -", "= −")
        if a >= st:
            size = f"none: the output padding must stay below the stride ({a} ≥ {st})"
        elif o <= 0:
            size = "none: the padding cuts off every row"
        else:
            size = f"{o}×{o}"
        return (
            f"input x: {i}×{i} (the transposed convolution's input); kernel {k}×{k}; stride "
            f"{st}; padding {p}; output padding {a}\n"
            f"output y: o = (i − 1)·s + k − 2p + a = {formula}, so {size}"
        )

    def _compute(self, s):
        views, pictures = _views(
            s.input_size,
            s.kernel_size,
            s.stride,
            s.padding,
            s.output_padding,
            s.input_kind,
            s.kernel_kind,
        )
        return {"views": views, "pictures": pictures, "result": views.output, "settings": s}

    def _draw(self, c):
        views, pictures, s = c["views"], c["pictures"], c["settings"]
        r, col = divmod(s.pixel, s.input_size)
        place = views.in_zero_inserted(r, col)
        matrix = views.matrix.T
        frames = {
            _OUTPUT: views.stamp_in_output(r, col),
            _ZEROS: None if place is None else (*place, 1, 1),
            _SCATTER: views.crop,
            _MATRIX: (0, views.column(r, col), matrix.shape[0], 1),
        }
        for name, values in pictures.items():
            if name in _NUMBERED:  # small and rarely changing: numbered cells (cached)
                self.panels[name].value = grid_svg(values.array, side=300)
            else:
                self._show_map(name, values, frame=frames.get(name))

        def size(name):
            return "×".join(map(str, pictures[name].shape))

        captions = {
            _INPUT: f"input x, {size(_INPUT)}",
            _OUTPUT: f"output y, {size(_OUTPUT)}",
            _ZEROS: f"① zeros inserted, {size(_ZEROS)}",
            _SCATTER: f"② scatter, {size(_SCATTER)} canvas",
            _MATRIX: f"③ Cᵀ, {size(_MATRIX)}",
        }
        for name, text in captions.items():
            self.captions[name].value = text
        # the matrix is tall and thin: as wide as its shape says, never stretched into a square
        share = max(8.0, min(100.0, 100 * matrix.shape[1] / matrix.shape[0]))
        self.panels[_MATRIX].layout.width = f"{share:.0f}%"
        self._show_readout(self.readout + "\n" + "\n".join(self._lines(views, s, r, col)))

    def _lines(self, views, s, r, col):
        i, k, st, p, a = s.input_size, s.kernel_size, s.stride, s.padding, s.output_padding
        o = views.output.shape[0]
        border = k - 1 - p
        if border >= 0:
            around = f"{border} = k − 1 − p around"
        else:
            around = f"none around (p > k − 1: {-border} of the spread rows cut off each side)"
        extra = f", {a} more at the bottom and right" if a else ""
        zeros = views.zero_inserted.shape[0]
        lines = [
            f"① {st - 1} {'zero' if st == 2 else 'zeros'} between neighbouring values, "
            f"{around}{extra}: {zeros}×{zeros}; K rotated 180° slid over it gives {o}×{o}",
            f"② {i * i} stamps x[r, c]·K, {st} apart, on a {views.canvas.shape[0]}×"
            f"{views.canvas.shape[1]} canvas; p = {p} cut off each side leaves the framed output",
            f"③ Cᵀ is {o * o}×{i * i}, one row per output cell and one column per input pixel: "
            f"the transpose of C, the convolution {o}×{o} → {i}×{i} with the same kernel, stride "
            "and padding",
            f"the three ways and conv2d_transpose differ by at most {views.largest_difference:.1g}",
            _overlap_line(k, st),
        ]
        value = f"{views.x[r, col]:g}".replace("-", "−")
        left = views.stamp_in_output(r, col)
        if left is None:
            where = "its whole stamp falls in the padding, which is cut off"
        else:
            t, lft, h, w = left
            where = f"its stamp covers output rows {t}–{t + h - 1}, columns {lft}–{lft + w - 1}"
        lines.append(
            f"input pixel ({r}, {col}) = {value} (framed in ① and ③, its stamp in the output): "
            f"{where}; it multiplies column {views.column(r, col)} of Cᵀ"
        )
        return lines

    def _clear(self):
        for name in (_OUTPUT, _ZEROS, _SCATTER, _MATRIX):
            self._blank(name)


#: The name the notebooks call: ``widgets.transpose_explorer(...)``.
transpose_explorer = TransposeExplorer
