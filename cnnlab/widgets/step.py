"""The step-through explorer: the sliding window on a small grid, one position at a time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from .._validate import as_float_array
from ..lessons.sliding_window import SlidingWindow, example_6x6
from ..plotting import sliding_window_panels
from ..shapes import explain_output_shape
from .base import Explorer
from .choices import KernelChoice
from .controls import STYLE, conv_controls, conv_settings
from .pictures import blank_svg
from .settings import ConvSettings, FrozenArray
from .window_svg import sliding_window_svg

__all__ = ["StepExplorer", "StepSettings", "sliding_window", "step_explorer"]


@dataclass(frozen=True)
class StepSettings:
    """The kernel, the convolution's structure and the window position shown."""

    kernel: FrozenArray
    conv: ConvSettings
    step: int


@lru_cache(maxsize=32)
def sliding_window(x: FrozenArray, kernel: FrozenArray, conv: ConvSettings, bias: float):
    """The :class:`cnnlab.lessons.SlidingWindow` of these settings and its panels' colours.

    Built once per combination (moving the window reuses it).

    Returns
    -------
    window : cnnlab.lessons.SlidingWindow
    panels : dict
        :func:`cnnlab.plotting.sliding_window_panels` of the window.

    Examples
    --------
    >>> x, k = (FrozenArray.of(a) for a in example_6x6())
    >>> window, panels = sliding_window(x, k, ConvSettings(3, 1, 0), 0.0)
    >>> window.n_steps, sliding_window(x, k, ConvSettings(3, 1, 0), 0.0)[0] is window
    (16, True)
    """
    window = SlidingWindow(
        x.array,
        kernel.array,
        stride=conv.stride,
        padding=conv.padding,
        dilation=conv.dilation,
        bias=bias,
    )
    return window, sliding_window_panels(window)


class StepExplorer(Explorer):
    """Step through a convolution on a small grid: the window, the products, the sum.

    A "position" slider (and a play button linked to it) moves the window one stride at a time.
    The picture is the one :class:`cnnlab.plotting.SlidingWindowFigure` draws (same panels,
    colours and proportions): the padded input with the window highlighted (padding hatched),
    the kernel, the element-wise products with their sum, and the output filled in so far. It
    written as SVG by :func:`cnnlab.widgets.window_svg.sliding_window_svg` (about a
    millisecond; the browser draws it, so moving the window and changing kernel size, stride, padding or dilation
    feel instant); the geometry is :class:`cnnlab.lessons.SlidingWindow`'s, built once per
    setting (:func:`sliding_window`).

    Parameters
    ----------
    x : ndarray, shape (H, W), optional
        A small input (up to about 8x8 keeps the numbers readable). Default: the 6x6 image of
        the worked example (:func:`cnnlab.lessons.example_6x6`).
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
    dpi : float, default 80
        Pixels per inch of the picture (its layout is in inches, as the figure's).

    Attributes
    ----------
    result : ndarray
        The whole output; ``.computed["window_cells"]`` holds the highlighted cells
        (padded-input coordinates), ``.window`` the :class:`cnnlab.lessons.SlidingWindow`
        shown. See :class:`cnnlab.widgets.Explorer` for the rest.

    Examples
    --------
    >>> ex = StepExplorer()
    >>> ex.result.shape, ex.controls["position"].max
    ((4, 4), 15)
    >>> ex.set(position=5).computed["cell"]
    (1, 1)
    >>> ex.readout.splitlines()[-1]
    'step 6 of 16: the window covers rows 1–3 and columns 1–3 of the padded input and gives output[1, 1]'
    """

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
        self.x = FrozenArray.of(as_float_array(x, "x", ndims=(2,)))
        self.bias = float(bias)
        self.dpi = float(dpi)
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
            style=STYLE,
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
        controls = {**self.kernel_choice.controls, **structure, "position": position, "play": play}
        self.window = None  # the lessons.SlidingWindow drawn
        super().__init__(
            controls,
            {"sliding window": "98%"},
            groups=[("play", "position")],
            drawings=("sliding window",),
        )

    # ---- controls -----------------------------------------------------------------------
    def _react(self, change):
        self.kernel_choice.fit_slider(self.controls["kernel size"], change)
        if change is not None and change["owner"] is self.controls["position"]:
            return
        last = self._window(self._settings())[0].n_steps - 1
        position, play = self.controls["position"], self.controls["play"]
        position.max = play.max = last
        if position.value > last:
            position.value = last

    def _settings(self):
        conv = conv_settings(self.controls)
        return StepSettings(
            kernel=self.kernel_choice.kernel(conv.kernel_size),
            conv=conv,
            step=int(self.controls["position"].value),
        )

    # ---- compute ------------------------------------------------------------------------
    def _window(self, s):
        return sliding_window(self.x, s.kernel, s.conv, self.bias)

    def _compute(self, s):
        window, panels = self._window(s)
        self.window = window
        step = min(s.step, window.n_steps - 1)
        return {
            "result": window.output,
            "kernel": window.kernel,
            "pads": window.pads,
            "step": step,
            "cell": window.output_index(step),
            "window_cells": window.window_cells(step),
            "panels": panels,
            "settings": s,
        }

    def _readout(self, s):
        conv = s.conv
        text = explain_output_shape(
            self.x.shape, s.kernel.shape, conv.stride, conv.padding, conv.dilation, name="output"
        )
        try:
            window = self._window(s)[0]
        except ValueError:
            return text
        step = min(s.step, window.n_steps - 1)
        (r0, c0), (r1, c1) = window.window_cells(step)[0], window.window_cells(step)[-1]
        i, j = window.output_index(step)
        return (
            f"{text}\nstep {step + 1} of {window.n_steps}: the window covers rows {r0}–{r1} and "
            f"columns {c0}–{c1} of the padded input and gives output[{i}, {j}]"
        )

    # ---- drawing ------------------------------------------------------------------------
    def _draw(self, c):
        self.panels["sliding window"].value = sliding_window_svg(
            self.window, c["step"], dpi=self.dpi, panels=c["panels"]
        )
        i, j = c["cell"]
        self.captions["sliding window"].value = f"output[{i}, {j}] = {c['result'][i, j]:g}"

    def _clear(self):
        self.panels["sliding window"].value = blank_svg(900, 300, "no output")
        self.captions["sliding window"].value = "no output"


#: The name the notebooks call: ``widgets.step_explorer(...)`` is :class:`StepExplorer`.
step_explorer = StepExplorer
