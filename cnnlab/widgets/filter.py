"""Notebook 12's explorer: a filter learned from (image, filtered image) pairs, frame by frame."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from .. import lessons
from .._validate import describe
from ..conv import conv2d
from ..shapes import explain_output_shape
from .base import Explorer
from .choices import KernelChoice
from .controls import STYLE, conv_settings, slider, training_conv_controls
from .pictures import TrainingCurve, blank_svg, grid_svg
from .settings import ConvSettings, FrozenArray

__all__ = ["FilterExplorer", "FilterSettings", "filter_explorer", "train"]


@dataclass(frozen=True)
class FilterSettings:
    """The target filter, the structure of the kernel learned and the training shown."""

    target: FrozenArray
    conv: ConvSettings
    shift: int
    steps: int
    frame: int


@lru_cache(maxsize=4)
def _pairs(images: tuple, side: int):
    return lessons.filter_pairs("sobel vertical", images, side=side)[0]


@lru_cache(maxsize=32)
def train(target: FrozenArray, conv: ConvSettings, shift, steps, images: tuple, side, seed):
    """Learn a kernel by gradient descent (:func:`cnnlab.lessons.learn_kernel`), once per setting.

    The examples are ``images`` cropped to ``side`` x ``side`` and filtered with ``target``
    (zero 'same' padding).

    Returns
    -------
    cnnlab.lessons.KernelFit
    """
    x = _pairs(images, side)  # the crops do not depend on the kernel, only their targets do
    y = np.stack([conv2d(im, target.array, padding="same") for im in x])
    return lessons.learn_kernel(
        x,
        y,
        conv.kernel_size,
        stride=conv.stride,
        padding=conv.padding,
        shift=shift,
        steps=steps,
        seed=seed,
        target_kernel=target.array,
    )


_STEP_OPTIONS = (0, 10, 30, 100, 300, 1000, 3000)


class FilterExplorer(Explorer):
    """Learn a filter from (image, filtered image) pairs and watch the kernel converge.

    The explorer filters a few bundled pictures with the *target filter* (Sobel by default),
    starts a kernel of the size on the slider from random numbers and trains it by gradient
    descent with momentum (:func:`cnnlab.lessons.learn_kernel`, NumPy, milliseconds) to turn
    the pictures into their filtered versions. It shows the learned kernel, the *ideal kernel*
    (the target placed at the centre of a ``k x k`` grid, zeros around:
    :func:`cnnlab.lessons.ideal_kernel`) and the loss and error curves; the "training frame"
    slider and its play button step through training.

    Parameters
    ----------
    target : str or ndarray, default "sobel vertical"
        A kernel name (built 3x3), ``"custom"`` (typed into the text box), or a 2-D array.
    kernel_size, stride : int
        Of the kernel being learned (sliders 1-9 and 1-4).
    padding : int or {"valid", "same", "full"}, default "valid"
        Of the convolution being learned; targets are aligned with
        :func:`cnnlab.lessons.align_target`.
    shift : int, default 0
        Misalign the targets by this many pixels (slider -2..2).
    steps : {0, 10, 30, 100, 300, 1000, 3000}, default 300
    images : sequence of str, default :data:`cnnlab.lessons.DEFAULT_IMAGES`
    side : int, default 64
        Side of the square crops (small keeps the sliders fast).
    seed : int, default 0
        Of the random initial kernel.
    interval : int, default 400
        Milliseconds per frame of the play button.

    Attributes
    ----------
    fit : cnnlab.lessons.KernelFit
        The training shown (trained once per setting, :func:`train`).
    result : ndarray
        The kernel at the frame shown; see :class:`cnnlab.widgets.Explorer` for the rest.

    Examples
    --------
    >>> ex = FilterExplorer(steps=300)
    >>> ex.fit.error < 1e-3
    True
    >>> ex.set(kernel_size=5).fit.ideal[2]
    array([ 0., -2.,  0.,  2.,  0.])
    >>> ex.set(kernel_size=2).fit.ideal is None
    True
    """

    title = "Learning a filter by gradient descent"
    main_panel = "learned kernel"

    def __init__(
        self,
        target="sobel vertical",
        *,
        kernel_size=3,
        stride=1,
        padding="valid",
        shift=0,
        steps=300,
        images=lessons.DEFAULT_IMAGES,
        side=64,
        seed=0,
        interval=400,
    ):
        if steps not in _STEP_OPTIONS:
            raise ValueError(f"steps must be one of {_STEP_OPTIONS}; got {describe(steps)}.")
        self.target_choice = KernelChoice(target, fixed_label="your target")
        self.target_choice.controls["kernel"].description = "target filter"
        structure = training_conv_controls(kernel_size, stride, padding)
        frame = slider("training frame", 0, 0, 0)
        play = widgets.Play(value=0, min=0, max=0, interval=int(interval), description="play")
        self._link = widgets.link((play, "value"), (frame, "value"))
        controls = {
            **self.target_choice.controls,
            **structure,
            "shift": slider("target shift (pixels)", shift, -2, 2, continuous_update=False),
            "steps": widgets.SelectionSlider(
                options=list(_STEP_OPTIONS),
                value=steps,
                description="gradient-descent steps",
                continuous_update=False,
                style=STYLE,
                layout=widgets.Layout(width="95%", min_width="260px"),
            ),
            "frame": frame,
            "play": play,
        }
        self.images = tuple(images)
        self.crop_side = int(side)
        self.seed = int(seed)
        self._curve = TrainingCurve()
        self.fit = None
        self._shown = None
        super().__init__(
            controls,
            {"learned kernel": "47%", "ideal kernel": "47%", "training": "96%"},
            groups=[("play", "frame")],
            drawings=("learned kernel", "ideal kernel", "training"),
            sections=[
                ("target: the filter that made the examples", ["kernel", "custom kernel", "shift"])
            ],
        )

    # ---- controls -----------------------------------------------------------------------
    def _sync_frame(self, last: int, value: int) -> None:
        """Set the frame slider's range and value without triggering another update."""
        frame, play = self.controls["frame"], self.controls["play"]
        self._hold += 1
        try:
            play.max = frame.max = last
            frame.value = value
        finally:
            self._hold -= 1
            self._pending = False

    def _settings(self):
        return FilterSettings(
            target=self.target_choice.kernel(3),
            conv=conv_settings(self.controls),
            shift=int(self.controls["shift"].value),
            steps=int(self.controls["steps"].value),
            frame=int(self.controls["frame"].value),
        )

    def _train(self, s):
        return train(s.target, s.conv, s.shift, s.steps, self.images, self.crop_side, self.seed)

    def _readout(self, s):
        conv, side = s.conv, self.crop_side
        k, n = conv.kernel_size, len(self.images)
        lines = [
            f"learning a {k}×{k} kernel (stride {conv.stride}, padding {conv.padding!r}) "
            f"from {n} images of {side}×{side} and their filtered versions "
            f"({self.target_choice.describe(s.target)})",
            explain_output_shape((side, side), k, conv.stride, conv.padding, name="prediction"),
        ]
        return "\n".join(lines)

    def _compute(self, s):
        fit = self._train(s)
        last = len(fit.steps) - 1
        if fit is not self._shown:  # new training: show its result, the last frame
            frame = last
        else:
            frame = min(s.frame, last)
        return {"fit": fit, "frame": frame, "settings": s, "result": fit.kernels[frame]}

    def _draw(self, c):
        fit, frame, s = c["fit"], c["frame"], c["settings"]
        self.fit = self._shown = fit
        self._sync_frame(len(fit.steps) - 1, frame)
        step = int(fit.steps[frame])
        learned = fit.kernels[frame]
        limit = float(np.abs(s.target.array).max()) or 1.0
        self.panels["learned kernel"].value = grid_svg(
            np.round(learned, 2) + 0.0,  # + 0.0 turns -0.0 into 0.0
            signed=True,
            vmin=-limit,
            vmax=limit,
            fmt=".2f",
            side=320,
        )
        self.captions["learned kernel"].value = f"learned kernel after {step} steps"
        if fit.ideal is None:
            k = learned.shape[0]
            self.panels["ideal kernel"].value = blank_svg(
                320, 320, f"no {k}×{k} kernel holds the target"
            )
            self.captions["ideal kernel"].value = "ideal kernel: none"
        else:
            self.panels["ideal kernel"].value = grid_svg(
                fit.ideal, signed=True, vmin=-limit, vmax=limit, fmt=".2f", side=320
            )
            self.captions["ideal kernel"].value = "ideal kernel (target, zeros around)"
        errors = fit.errors
        self.panels["training"].value = self._curve.svg(fit.steps, fit.losses, errors, frame)
        self.captions["training"].value = "loss and error during training"
        lines = [self.readout]
        lines.append(
            f"{fit.n_equations:,} output positions with a target"
            + (
                f"; {fit.n_dropped:,} are centred in the padding and have none (left out)"
                if fit.n_dropped
                else ""
            )
        )
        now = f"step {step} of {s.steps}: loss {fit.losses[frame]:.2g}"
        if errors is not None:
            now += f", largest difference from the ideal kernel {errors[frame]:.2g}"
            now += (
                f" (least squares, the exact optimum: {np.abs(fit.optimum - fit.ideal).max():.1g})"
            )
        else:
            now += f" (the best any {learned.shape[0]}×{learned.shape[1]} kernel can do: loss "
            now += f"{fit.optimum_loss:.3g})"
        lines.append(now)
        if s.shift:
            lines.append(
                f"targets shifted by {s.shift} pixel(s): the kernel must learn a shifted filter"
            )
        self._show_readout("\n".join(lines))

    def _clear(self):
        self.fit = None
        for name in ("learned kernel", "ideal kernel"):
            self.panels[name].value = blank_svg(320, 320, "nothing to learn")
        self.panels["training"].value = blank_svg(512, 300, "")


#: The name notebook 12 calls: ``cnn_widgets.filter_explorer(...)`` is :class:`FilterExplorer`.
filter_explorer = FilterExplorer
