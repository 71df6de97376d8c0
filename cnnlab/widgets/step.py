"""The step-through explorer: the sliding window on a small grid, one position at a time."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import render
from .._validate import as_float_array
from ..ops import conv2d
from ..shapes import output_shape, resolve_padding
from ..teaching import example_6x6
from ._core import Explorer, KernelChoice, conv_controls, conv_settings, size_readout

__all__ = ["StepExplorer", "step_explorer"]


def _figure_size(padded_hw, kernel_hw, out_hw):
    """Figure size (inches) with large cells, the layout SlidingWindowFigure uses."""
    widths = [padded_hw[1], kernel_hw[1], kernel_hw[1], out_hw[1]]
    gap = 1.6
    rows = max(padded_hw[0], kernel_hw[0], out_hw[0])
    cell = min(0.62, 13.5 / (sum(widths) + gap * 3), 4.6 / rows)
    return (cell * (sum(widths) + gap * 3) + 0.4, cell * rows + 1.9)


class _ManualCanvas(FigureCanvasAgg):
    """An Agg canvas that draws only when asked.

    The explorer renders each step itself by blitting, so the ``draw_idle`` that
    ``SlidingWindowFigure.show_step`` calls after its in-place update must not redraw everything.
    """

    def draw_idle(self, *args, **kwargs):
        pass


class StepExplorer(Explorer):
    """Step-through explorer; build it with :func:`step_explorer`."""

    title = "The sliding window, step by step"

    def __init__(
        self,
        x=None,
        kernel=None,
        *,
        kernel_size=None,
        stride=1,
        padding=0,
        dilation=1,
        bias=0.0,
        interval=800,
        dpi=80,
    ):
        example_x, example_kernel = example_6x6()
        label = "your kernel"
        if x is None:
            x = example_x
        if kernel is None:
            kernel, label = example_kernel, "example kernel"
        self.x = as_float_array(x, "x", ndims=(2,))
        self.bias = float(bias)
        self.kernel_choice = KernelChoice(kernel, fixed_label=label)
        if kernel_size is None:
            kernel_size = np.shape(kernel)[0] if not isinstance(kernel, str) else 3
        side = max(self.x.shape)
        structure = conv_controls(
            kernel_size,
            stride,
            padding,
            dilation=dilation,
            kernel_sizes=(1, min(11, side + 1)),
            strides=(1, max(2, min(4, side))),
            paddings=(0, 3),
            dilations=(1, 3),
            continuous_update=False,
        )
        position = widgets.IntSlider(
            value=0,
            min=0,
            max=0,
            description="position",
            style={"description_width": "initial"},
            layout=widgets.Layout(flex="1 1 auto", min_width="200px"),
        )
        play = widgets.Play(
            value=0,
            min=0,
            max=0,
            step=1,
            interval=int(interval),
            description="play",
            layout=widgets.Layout(width="auto", flex="0 0 auto"),
        )
        self._link = widgets.link((play, "value"), (position, "value"))
        controls = {
            **self.kernel_choice.controls,
            **structure,
            "position": position,
            "play": play,
        }
        self.fig = Figure(dpi=dpi)
        _ManualCanvas(self.fig)
        self.window = None  # the SlidingWindowFigure currently drawn
        self._key = None
        self._background = None
        super().__init__(controls, {"sliding window": "98%"}, groups=[("play", "position")])
        self._react(None)
        self.update()

    # ---- controls -----------------------------------------------------------------------
    def _react(self, change):
        fixed = self.kernel_choice.fixed_size()
        slider = self.controls["kernel size"]
        slider.disabled = fixed is not None
        if fixed is not None and fixed[0] == fixed[1] and slider.min <= fixed[0] <= slider.max:
            slider.value = fixed[0]
        if change is not None and change["owner"] is self.controls["position"]:
            return
        s = conv_settings(self.controls)
        kernel = self.kernel_choice.kernel(s["kernel_size"])
        oh, ow = output_shape(self.x.shape, kernel.shape, s["stride"], s["padding"], s["dilation"])
        last = oh * ow - 1
        position, play = self.controls["position"], self.controls["play"]
        position.max = play.max = last
        if position.value > last:
            position.value = last

    def _settings(self):
        s = conv_settings(self.controls)
        s["kernel"] = self.kernel_choice.kernel(s["kernel_size"])
        s["step"] = int(self.controls["position"].value)
        return s

    # ---- compute ------------------------------------------------------------------------
    def _compute(self, s):
        kernel = s["kernel"]
        result = conv2d(
            self.x,
            kernel,
            self.bias,
            stride=s["stride"],
            padding=s["padding"],
            dilation=s["dilation"],
        )
        pads = resolve_padding(s["padding"], self.x.shape, kernel.shape, s["stride"], s["dilation"])
        step = min(s["step"], result.size - 1)
        i, j = divmod(step, result.shape[1])
        cells = [
            (i * s["stride"] + a * s["dilation"], j * s["stride"] + b * s["dilation"])
            for a in range(kernel.shape[0])
            for b in range(kernel.shape[1])
        ]
        return {
            "result": result,
            "kernel": kernel,
            "pads": pads,
            "step": step,
            "cell": (i, j),
            "window_cells": cells,
            "settings": s,
        }

    def _readout(self, s):
        kernel = s["kernel"]
        lines = [
            size_readout(
                self.x.shape,
                kernel.shape,
                s["stride"],
                s["padding"],
                s["dilation"],
                name="output",
            )
        ]
        try:
            oh, ow = output_shape(
                self.x.shape, kernel.shape, s["stride"], s["padding"], s["dilation"]
            )
        except ValueError:
            return lines[0]
        step = min(s["step"], oh * ow - 1)
        i, j = divmod(step, ow)
        r0, c0 = i * s["stride"], j * s["stride"]
        r1 = r0 + s["dilation"] * (kernel.shape[0] - 1)
        c1 = c0 + s["dilation"] * (kernel.shape[1] - 1)
        lines.append(
            f"step {step + 1} of {oh * ow}: the window covers rows {r0}–{r1} and columns "
            f"{c0}–{c1} of the padded input and gives output[{i}, {j}]"
        )
        return "\n".join(lines)

    # ---- drawing ------------------------------------------------------------------------
    def _moving_artists(self):
        """The artists a step changes (window highlight, products, output, sum, title).

        They are drawn on top of a saved background (blitting), the grid lines of the
        products and output panels again over their re-coloured cells.
        """
        w = self.window
        artists = [*w.input_artists["highlight"], w.sum_text, w.title]
        for art in (w.product_artists, w.output_artists):
            artists += [art["image"], art["lines"], *art["highlight"]]
            artists += [t for row in art["texts"] for t in row]
        for artist in artists:
            artist.set_animated(True)
        return sorted(artists, key=lambda a: a.get_zorder())

    def _build(self, c):
        """A new SlidingWindowFigure in the same matplotlib figure (kernel/stride/padding changed)."""
        from ..plotting import SlidingWindowFigure, style_context

        s, kernel = c["settings"], c["kernel"]
        (pt, pb), (pl, pr) = c["pads"]
        padded_hw = (self.x.shape[0] + pt + pb, self.x.shape[1] + pl + pr)
        self.fig.set_size_inches(_figure_size(padded_hw, kernel.shape, c["result"].shape))
        with style_context():
            self.window = SlidingWindowFigure(
                self.x,
                kernel,
                stride=s["stride"],
                padding=s["padding"],
                dilation=s["dilation"],
                bias=self.bias,
                fig=self.fig,
            )
            self.window.show_step(c["step"])
            self._moving_artists()
            self.fig.canvas.draw()  # everything but the moving artists
            self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def _draw(self, c):
        s = c["settings"]
        key = (c["kernel"].tobytes(), c["kernel"].shape, s["stride"], s["padding"], s["dilation"])
        if key != self._key:
            self._build(c)
            self._key = key
        else:
            self.window.show_step(c["step"])
        self.panels["sliding window"].value = render.figure_png(
            self.fig, artists=self._moving_artists(), background=self._background
        )
        i, j = c["cell"]
        self.captions["sliding window"].value = f"output[{i}, {j}] = {c['result'][i, j]:g}"

    def _clear(self):
        self.panels["sliding window"].value = render.blank_png(900, 300, "no output")
        self.captions["sliding window"].value = "no output"


def step_explorer(
    x=None,
    kernel=None,
    *,
    kernel_size=None,
    stride=1,
    padding=0,
    dilation=1,
    bias=0.0,
    interval=800,
):
    """Step through a convolution on a small grid: the window, the products, the sum.

    A "position" slider (and a play button linked to it) moves the window one stride at a time.
    The picture is :class:`cnnlab.plotting.SlidingWindowFigure`: the padded input with the
    window highlighted (padding hatched), the kernel, the element-wise products with their sum,
    and the output filled in so far. Moving the position updates the figure in place (only the
    changed artists are redrawn); changing kernel size, stride, padding or dilation rebuilds it.

    Parameters
    ----------
    x : ndarray, shape (H, W), optional
        A small input (up to about 8x8 keeps the numbers readable). Default: the 6x6 image of
        the worked example (:func:`cnnlab.teaching.example_6x6`).
    kernel : ndarray of shape (kh, kw) or str, optional
        Default: the example's 3x3 vertical-edge kernel. The kernel menu also offers the named
        kernels (built at the "kernel size") and a custom kernel typed as numbers.
    kernel_size : int, optional
        Initial kernel-size slider value (default: the kernel's size).
    stride, padding, dilation :
        Initial values (padding: a number or "valid", "same", "full").
    bias : float, default 0.0
        Added to every sum.
    interval : int, default 800
        Milliseconds per step of the play button.

    Returns
    -------
    StepExplorer
        An ``ipywidgets.VBox`` with ``.controls`` (incl. "position" and "play"), ``.result``
        (the whole output), ``.computed["window_cells"]`` (highlighted cells, padded-input
        coordinates), ``.window`` (the SlidingWindowFigure), ``.readout`` and ``.message``.

    Examples
    --------
    >>> ex = step_explorer()
    >>> ex.result.shape, ex.controls["position"].max
    ((4, 4), 15)
    >>> ex.set(position=5).computed["cell"]
    (1, 1)
    >>> ex.readout.splitlines()[-1]
    'step 6 of 16: the window covers rows 1–3 and columns 1–3 of the padded input and gives output[1, 1]'
    """
    return StepExplorer(
        x,
        kernel,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        bias=bias,
        interval=interval,
    )
