"""The step-through explorer: the sliding window on a small grid, one position at a time."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import render
from .._validate import as_float_array
from ..plotting import sliding_window_panels
from ..teaching import SlidingWindow, example_6x6
from ._core import Explorer, KernelChoice, conv_controls, conv_settings, size_readout

__all__ = ["StepExplorer", "step_explorer"]


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
        self.dpi = float(dpi)
        self.window = None  # the teaching.SlidingWindow drawn (rebuilt when its settings change)
        self._key = None
        self._panels = None
        super().__init__(controls, {"sliding window": "98%"}, groups=[("play", "position")])
        self._react(None)
        self.update()

    # ---- controls -----------------------------------------------------------------------
    def _react(self, change):
        self.kernel_choice.fit_slider(self.controls["kernel size"], change)
        if change is not None and change["owner"] is self.controls["position"]:
            return
        last = self._window(self._settings()).n_steps - 1
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
    def _window(self, s):
        """The SlidingWindow of the current settings, rebuilt only when they change."""
        kernel = s["kernel"]
        key = (kernel.tobytes(), kernel.shape, s["stride"], s["padding"], s["dilation"])
        if key != self._key:
            self.window = SlidingWindow(
                self.x,
                kernel,
                stride=s["stride"],
                padding=s["padding"],
                dilation=s["dilation"],
                bias=self.bias,
            )
            self._key, self._panels = key, None
        return self.window

    def _compute(self, s):
        window = self._window(s)
        step = min(s["step"], window.n_steps - 1)
        return {
            "result": window.output,
            "kernel": window.kernel,
            "pads": window.pads,
            "step": step,
            "cell": window.output_index(step),
            "window_cells": window.window_cells(step),
            "settings": s,
        }

    def _readout(self, s):
        kernel = s["kernel"]
        text = size_readout(
            self.x.shape, kernel.shape, s["stride"], s["padding"], s["dilation"], name="output"
        )
        try:
            window = self._window(s)
        except ValueError:
            return text
        step = min(s["step"], window.n_steps - 1)
        (r0, c0), (r1, c1) = window.window_cells(step)[0], window.window_cells(step)[-1]
        i, j = window.output_index(step)
        return (
            f"{text}\nstep {step + 1} of {window.n_steps}: the window covers rows {r0}–{r1} and "
            f"columns {c0}–{c1} of the padded input and gives output[{i}, {j}]"
        )

    # ---- drawing ------------------------------------------------------------------------
    def _draw(self, c):
        if self._panels is None:  # colours and number formats: once per window
            self._panels = sliding_window_panels(self.window)
        self.panels["sliding window"].value = render.sliding_window_png(
            self.window, c["step"], dpi=self.dpi, panels=self._panels
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
    The picture is the one :class:`cnnlab.plotting.SlidingWindowFigure` draws (same panels,
    colours and proportions): the padded input with the window highlighted (padding hatched),
    the kernel, the element-wise products with their sum, and the output filled in so far. It
    is drawn straight to PNG by :func:`cnnlab.render.sliding_window_png` (a few milliseconds,
    so moving the window and changing kernel size, stride, padding or dilation feel instant);
    the geometry is :class:`cnnlab.teaching.SlidingWindow`'s, rebuilt only when a setting
    changes.

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
        coordinates), ``.window`` (the :class:`cnnlab.teaching.SlidingWindow` shown),
        ``.readout`` and ``.message``.

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
