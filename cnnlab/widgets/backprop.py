"""The backpropagation explorer: one gradient, stepped back through conv → ReLU → max pool."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validate import as_float_array, describe
from ..activations import relu
from ..conv import conv2d
from ..conv_backward import conv2d_backward
from ..plotting import cell_formatter
from ..pool import pool2d
from ..pool_backward import pool2d_backward
from ..shapes import explain_output_shape, output_shape, resolve_padding
from .base import Explorer
from .controls import conv_controls, conv_settings, slider, toggle
from .pictures import blank_svg, fit_font_size, grid_cells, grid_limits, svg
from .settings import ConvSettings, FrozenArray

__all__ = ["STAGES", "BackpropExplorer", "BackpropSettings", "backprop_explorer", "backward_pass"]

#: Where the upstream gradient enters: the output of the convolution, of the ReLU, or of the pool.
STAGES = ("conv", "ReLU", "max pool")
#: "one cell": L is one output value; "every cell": L is the sum of the stage's outputs.
UPSTREAM = ("one cell", "every cell")
_FORWARD = ("input x", "kernel W", "conv output z", "ReLU output a", "max pool output p")
_BACKWARD = ("∂L/∂p", "∂L/∂a", "∂L/∂z", "∂L/∂x", "∂L/∂W")
_CELL_PX = 32  # pixels per grid cell of the pictures


def default_input(seed=0) -> np.ndarray:
    """The explorer's 8×8 input: small signed integers (seeded), so every number is readable.

    Examples
    --------
    >>> default_input().shape, default_input().dtype
    ((8, 8), dtype('float64'))
    """
    return np.random.default_rng(seed).integers(-3, 6, (8, 8)).astype(float)


def default_kernel(size, seed=1) -> np.ndarray:
    """A ``size × size`` kernel of small signed integers, the same for the same size.

    The 1×1 kernel is [[1]] (the identity: the convolution passes the input through).

    Examples
    --------
    >>> default_kernel(1)
    array([[1.]])
    >>> default_kernel(2)
    array([[ 2.,  2.],
           [-2., -2.]])
    """
    if int(size) == 1:
        return np.ones((1, 1))
    rng = np.random.default_rng([seed, int(size)])
    while True:  # redraw until both signs appear and at most a third of the taps are 0
        kernel = rng.integers(-2, 3, (int(size), int(size))).astype(float)
        if (kernel > 0).any() and (kernel < 0).any() and (kernel == 0).mean() <= 1 / 3:
            return kernel


@dataclass(frozen=True)
class BackpropSettings:
    """The convolution's structure, where the gradient enters, and which output cell."""

    conv: ConvSettings
    stage: str
    cell: int
    upstream: str


def _windows(conv_cells, k, stride):
    """Padded-input cells of the windows of these conv-output cells (sorted, unique)."""
    cells = set()
    for r, c in conv_cells:
        for u in range(k):
            for v in range(k):
                cells.add((r * stride + u, c * stride + v))
    return tuple(sorted(cells))


@lru_cache(maxsize=64)
def backward_pass(x: FrozenArray, kernel: FrozenArray, s: BackpropSettings) -> dict:
    """Forward through conv → ReLU → 2×2 max pool, then one upstream gradient back.

    The upstream gradient is 1 at one cell of the chosen stage's output (``s.cell``, counted
    row by row) or at every cell (``s.upstream == "every cell"``, i.e. L is the sum of the
    outputs), 0 elsewhere. Max pooling sends it to each window's winner
    (:func:`cnnlab.pool2d_backward`), ReLU passes it where ``z > 0``, and
    :func:`cnnlab.conv2d_backward` gives ∂L/∂x, ∂L/∂W and ∂L/∂b.

    Returns
    -------
    dict
        ``"z"``, ``"a"``, ``"p"`` (p None when z is smaller than 2×2), the gradients
        ``"grad_p"``, ``"grad_a"`` (None upstream of the stage), ``"grad_z"``, ``"grad_x"``,
        ``"grad_kernel"``, ``"grad_bias"``; ``"picked"`` (the (row, col) picked, or None),
        ``"conv_cells"`` (the conv outputs it depends on), ``"receptive"`` (their windows, in
        padded-input coordinates), ``"touched"`` (kernel taps that met a real pixel),
        ``"uncovered"`` (input pixels in no window) and ``"pads"``.

    Raises
    ------
    ValueError
        For an impossible convolution, or a max-pool stage on a map smaller than 2×2.

    Examples
    --------
    >>> x, k = FrozenArray.of(default_input()), FrozenArray.of(default_kernel(3))
    >>> r = backward_pass(x, k, BackpropSettings(ConvSettings(3, 1, 0), "conv", 0, "one cell"))
    >>> r["z"].shape, r["grad_bias"], r["receptive"][:3]
    ((6, 6), 1.0, ((0, 0), (0, 1), (0, 2)))
    """
    conv = s.conv
    xa, ka = x.array, kernel.array
    k, stride = conv.kernel_size, conv.stride
    z = conv2d(xa, ka, stride=stride, padding=conv.padding)
    a = relu(z)
    p = pool2d(a, 2) if min(z.shape) >= 2 else None
    stage_map = {"conv": z, "ReLU": a, "max pool": p}[s.stage]
    if stage_map is None:
        raise ValueError(
            f"The conv output is {z.shape[0]}×{z.shape[1]}, too small for the 2×2 max pool: "
            "lower the kernel size or the stride, add padding, or pick the stage 'conv' or "
            "'ReLU'."
        )
    if s.upstream == "every cell":
        upstream, picked = np.ones_like(stage_map), None
    else:
        cell = min(max(int(s.cell), 0), stage_map.size - 1)
        picked = tuple(int(v) for v in np.unravel_index(cell, stage_map.shape))
        upstream = np.zeros_like(stage_map)
        upstream[picked] = 1.0
    grad_p = grad_a = None
    if s.stage == "max pool":
        grad_p = upstream
        grad_a = pool2d_backward(a, grad_p, 2)
    elif s.stage == "ReLU":
        grad_a = upstream
    grad_z = upstream if grad_a is None else grad_a * (z > 0)
    grad_x, grad_kernel, grad_bias = conv2d_backward(
        xa, ka, grad_z, stride=stride, padding=conv.padding
    )
    # which conv outputs the picked value depends on (forward), and their windows
    if s.upstream == "every cell":
        conv_cells = [tuple(map(int, rc)) for rc in np.ndindex(z.shape)]
    elif s.stage == "max pool":
        r, c = picked
        conv_cells = [(2 * r + i, 2 * c + j) for i in range(2) for j in range(2)]
    else:
        conv_cells = [picked]
    pads = resolve_padding(conv.padding, xa.shape, k, stride)
    (top, _), (left, _) = pads
    receptive = _windows(conv_cells, k, stride)
    h, w = xa.shape
    touched = tuple(
        sorted(
            {
                (u, v)
                for r, c in conv_cells
                for u in range(k)
                for v in range(k)
                if 0 <= r * stride + u - top < h and 0 <= c * stride + v - left < w
            }
        )
    )
    coverage = conv2d_backward(xa, np.ones_like(ka), np.ones_like(z), stride=stride, padding=pads)[
        0
    ]
    uncovered = tuple((int(r), int(c)) for r, c in zip(*np.nonzero(coverage == 0), strict=True))
    return {
        "z": z,
        "a": a,
        "p": p,
        "grad_p": grad_p,
        "grad_a": grad_a,
        "grad_z": grad_z,
        "grad_x": grad_x,
        "grad_kernel": grad_kernel,
        "grad_bias": float(grad_bias),
        "picked": picked,
        "conv_cells": tuple(conv_cells),
        "receptive": receptive,
        "touched": touched,
        "uncovered": uncovered,
        "pads": pads,
    }


@lru_cache(maxsize=512)
def _grid(values: FrozenArray, mask, highlight: tuple, signed: bool, blank_zeros: bool) -> str:
    """A small grid with its numbers as SVG: ``mask`` hatched, ``highlight`` framed in orange.

    Cached by content: the explorer redraws only the grids whose numbers or frames changed.
    """
    arr = np.asarray(values.array, float)
    m = np.zeros(arr.shape, bool) if mask is None else mask.array.astype(bool)
    cmap, lo, hi, real = grid_limits(arr, m, True if signed else None, None, None, None)
    fmt = cell_formatter(None, real[np.isfinite(real)] if real.size else real)
    if blank_zeros:  # gradients: most cells are 0, and the others should stand out
        number = fmt

        def fmt(v):
            return "" if v == 0 else number(v)

    strings = [fmt(float(v)) for v in arr[np.isfinite(arr)].ravel()]
    size = fit_font_size(strings, _CELL_PX, maximum=18)
    body = grid_cells(
        arr, m, cell=_CELL_PX, cmap=cmap, lo=lo, hi=hi, fmt_fn=fmt, size=size, highlight=highlight
    )
    h, w = arr.shape
    return svg(w * _CELL_PX, h * _CELL_PX, body, label=f"{h}×{w} grid of numbers")


def _show(values, *, highlight=(), mask=None, signed=True, blank_zeros=False) -> str:
    frozen_mask = None if mask is None or not np.any(mask) else FrozenArray.of(mask, dtype=bool)
    return _grid(
        FrozenArray.of(values), frozen_mask, tuple(highlight), bool(signed), bool(blank_zeros)
    )


class BackpropExplorer(Explorer):
    """Step one gradient back through conv → ReLU → 2×2 max pool on a small grid.

    The forward pass: ``z = conv2d(x, W)`` with the **kernel size**, **stride** and
    **padding** sliders (zero padding; the kernel is a fixed pattern of −1, 0 and 1 for each
    size), ``a = relu(z)``, ``p = pool2d(a, 2)``. The **stage** switch says where the upstream
    gradient enters (the output of the convolution, of the ReLU or of the pool), the
    **output cell** slider which value of that output is the loss L (counted row by row), and
    **upstream** "every cell" makes L the sum of all of them.

    The pictures, top row forward, bottom row backward: the picked cell and everything it
    depends on is framed in orange (its receptive field in the padded input, the weights that
    met a real pixel); the gradients show where it goes back: max pooling gives it to the
    window's winner, ReLU passes it where z > 0, the convolution spreads it over the window
    (∂L/∂x) and collects input values for the weights (∂L/∂W). In the ∂L/∂x picture, the
    pixels no window covers (stride larger than the kernel) are framed: they never get a
    gradient. Padding cells are hatched.

    Parameters
    ----------
    x : ndarray, shape (H, W), optional
        Default: :func:`default_input`, an 8×8 grid of small integers (up to about 10×10 keeps
        the numbers readable).
    kernel_size, stride, padding :
        Initial values (padding: a number or "valid", "same", "full").
    stage : {"conv", "ReLU", "max pool"}, default "max pool"
    cell : int, default 0
    upstream : {"one cell", "every cell"}, default "one cell"

    Attributes
    ----------
    result : ndarray
        ∂L/∂x; ``.computed`` holds every map and gradient of :func:`backward_pass`. See
        :class:`cnnlab.widgets.Explorer` for the rest.

    Examples
    --------
    >>> ex = BackpropExplorer(stage="conv")
    >>> ex.result.shape, ex.computed["grad_bias"], ex.controls["output cell"].max
    ((8, 8), 1.0, 35)
    >>> _ = ex.set(stride=3, kernel_size=2)
    >>> len(ex.computed["uncovered"])
    28
    """

    title = "Backpropagation explorer"

    def __init__(
        self,
        x=None,
        *,
        kernel_size=3,
        stride=1,
        padding=0,
        stage="max pool",
        cell=0,
        upstream="one cell",
    ):
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}; got {describe(stage)}.")
        if upstream not in UPSTREAM:
            raise ValueError(f"upstream must be one of {UPSTREAM}; got {describe(upstream)}.")
        self.x = FrozenArray.of(
            as_float_array(default_input() if x is None else x, "x", ndims=(2,))
        )
        side = max(self.x.shape)
        controls = {
            **conv_controls(
                kernel_size,
                stride,
                padding,
                kernel_sizes=(1, min(5, side)),
                strides=(1, 4),
                paddings=(0, 2),
            ),
            "stage": toggle("stage", STAGES, stage, "95px"),
            "output cell": slider("output cell", cell, 0, max(int(cell), 1)),
            "upstream": toggle("upstream", UPSTREAM, upstream, "110px"),
        }
        panels = {name: "19%" for name in (*_FORWARD, *_BACKWARD)}
        super().__init__(controls, panels, drawings=panels)

    # ---- controls -----------------------------------------------------------------------
    def _stage_shape(self, s):
        """The shape of the chosen stage's output (ValueError if there is none)."""
        conv = s.conv
        shape = output_shape(self.x.shape, conv.kernel_size, conv.stride, conv.padding)
        if s.stage == "max pool":
            return (shape[0] // 2, shape[1] // 2)
        return shape

    def _react(self, change):
        cell = self.controls["output cell"]
        cell.disabled = self.controls["upstream"].value == "every cell"
        if change is not None and change["owner"] is cell:
            return
        h, w = self._stage_shape(self._settings())
        last = max(h * w - 1, 0)
        cell.max = max(last, 1)  # a slider needs min < max; 1 on a 1-cell map is clamped
        if cell.value > last:
            cell.value = last

    def _settings(self):
        return BackpropSettings(
            conv=conv_settings(self.controls),
            stage=self.controls["stage"].value,
            cell=int(self.controls["output cell"].value),
            upstream=self.controls["upstream"].value,
        )

    def kernel(self, size) -> FrozenArray:
        """The kernel used at this kernel size (:func:`default_kernel`)."""
        return FrozenArray.of(default_kernel(size))

    # ---- compute ------------------------------------------------------------------------
    def _readout(self, s):
        conv = s.conv
        k = conv.kernel_size
        lines = [
            f"input {self.x.shape[0]}×{self.x.shape[1]}; kernel {k}×{k}; stride "
            f"{conv.stride}; zero padding",
            explain_output_shape(self.x.shape, k, conv.stride, conv.padding, name="conv output z"),
        ]
        try:
            r = backward_pass(self.x, self.kernel(k), s)
        except ValueError:
            return "\n".join(lines)
        z, a = r["z"], r["a"]
        if r["p"] is not None:
            lines.append(
                f"ReLU keeps the shape; 2×2 max pool, stride 2: a {z.shape[0]}×{z.shape[1]} → "
                f"p {r['p'].shape[0]}×{r['p'].shape[1]}"
            )
        name = {"conv": "z", "ReLU": "a", "max pool": "p"}[s.stage]
        picked = r["picked"]
        if picked is None:
            lines.append(f"upstream gradient: 1 at every cell of {name} (L = the sum of {name})")
        else:
            i, j = picked
            lines.append(
                f"upstream gradient: 1 at {name}[{i}, {j}] (L = {name}[{i}, {j}]), 0 elsewhere"
            )
            if s.stage == "max pool":
                best = max(a[rc] for rc in r["conv_cells"])
                winner = next(rc for rc in r["conv_cells"] if a[rc] == best)  # reading order
                lines.append(
                    f"max pool: the window's winner a[{winner[0]}, {winner[1]}] = "
                    f"{a[winner]:g} gets all of it (the switch); the 3 others get 0"
                )
            if s.stage in ("ReLU", "max pool"):
                at = winner if s.stage == "max pool" else picked
                verdict = (
                    "> 0: ReLU passes it"
                    if z[at] > 0
                    else "≤ 0: ReLU blocks it, nothing reaches the convolution"
                )
                lines.append(f"ReLU: z[{at[0]}, {at[1]}] = {z[at]:g} {verdict}")
        lines.append(
            f"conv: ∂L/∂b = sum of ∂L/∂z = {r['grad_bias']:g}; ∂L/∂W = input ⋆ ∂L/∂z; "
            "∂L/∂x = ∂L/∂z spread over each window, weighted by W"
        )
        n = len(r["uncovered"])
        if n:
            lines.append(
                f"{n} of {self.x.array.size} input pixels lie in no window (stride {conv.stride} "
                f"> kernel size {k}): their gradient is always 0"
            )
        else:
            lines.append("every input pixel lies in at least one window")
        return "\n".join(lines)

    def _compute(self, s):
        kernel = self.kernel(s.conv.kernel_size)
        r = backward_pass(self.x, kernel, s)
        return {
            **r,
            "x": self.x.array,
            "kernel": kernel.array,
            "result": r["grad_x"],
            "settings": s,
        }

    # ---- drawing ------------------------------------------------------------------------
    def _draw(self, c):
        s = c["settings"]
        (top, bottom), (left, right) = c["pads"]
        x = c["x"]
        padded = np.pad(x, ((top, bottom), (left, right)))
        mask = np.ones(padded.shape, bool)
        mask[top : top + x.shape[0], left : left + x.shape[1]] = False
        picked = () if c["picked"] is None else (c["picked"],)
        stage_name = {
            "conv": "conv output z",
            "ReLU": "ReLU output a",
            "max pool": "max pool output p",
        }
        maps = {
            "input x": (padded, c["receptive"], mask),
            "kernel W": (c["kernel"], c["touched"], None),
            "conv output z": (c["z"], c["conv_cells"] if s.stage != "conv" else picked, None),
            "ReLU output a": (c["a"], picked if s.stage == "ReLU" else (), None),
            "max pool output p": (c["p"], picked if s.stage == "max pool" else (), None),
        }
        if s.stage == "conv" and picked:
            maps["conv output z"] = (c["z"], picked, None)
        for name, (values, highlight, m) in maps.items():
            if values is None:
                self.panels[name].value = blank_svg(160, 160, "too small")
            else:
                self.panels[name].value = _show(values, highlight=highlight, mask=m)
        for name in _FORWARD:
            self.captions[name].value = name
        self.captions[stage_name[s.stage]].value = stage_name[s.stage] + " (L starts here)"
        grad_x = np.pad(c["grad_x"], ((top, bottom), (left, right)), constant_values=np.nan)
        uncovered = tuple((r + top, col + left) for r, col in c["uncovered"])
        grads = {
            "∂L/∂p": (c["grad_p"], ()),
            "∂L/∂a": (c["grad_a"], ()),
            "∂L/∂z": (c["grad_z"], ()),
            "∂L/∂x": (grad_x, uncovered),
            "∂L/∂W": (c["grad_kernel"], ()),
        }
        for name, (values, highlight) in grads.items():
            if values is None:
                self.panels[name].value = blank_svg(160, 160, "not used")
            else:
                m = mask if name == "∂L/∂x" else None
                self.panels[name].value = _show(
                    values, highlight=highlight, mask=m, blank_zeros=True
                )
        self.captions["∂L/∂x"].value = "∂L/∂x (framed: in no window)" if uncovered else "∂L/∂x"

    def _clear(self):
        for name in (*_FORWARD[2:], *_BACKWARD):
            self.panels[name].value = blank_svg(160, 160, "no output")


#: The name the notebooks call: ``widgets.backprop_explorer(...)`` is :class:`BackpropExplorer`.
backprop_explorer = BackpropExplorer
