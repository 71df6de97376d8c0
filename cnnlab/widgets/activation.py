"""The activation explorer: ReLU, softplus, sigmoid and tanh applied to a feature map."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..activations import ACTIVATIONS, softplus
from .base import ImageKernelExplorer, ImageKernelSettings
from .controls import float_slider, toggle
from .conv import feature_map
from .pictures import Histogram
from .png import draw_map
from .settings import ConvStart, starts_from_conv

__all__ = ["ActivationExplorer", "ActivationSettings", "activation_explorer"]

_LABELS = {"relu": "ReLU", "softplus": "softplus", "sigmoid": "sigmoid", "tanh": "tanh"}
_HISTOGRAMS = "values before and after"


@dataclass(frozen=True)
class ActivationSettings(ImageKernelSettings):
    """The convolution making the map, and the activation applied to it."""

    activation: str = "relu"
    beta: float = 1.0


def _shape_text(arr):
    return "×".join(str(n) for n in arr.shape)


@lru_cache(maxsize=8)
def _pictures(s: ActivationSettings, side: int):
    """The maps and the histograms the explorer shows for settings ``s``, drawn once.

    Cached on the settings: moving a slider back to a value shows its pictures again at once.
    Returns the map, the activated map, their drawings and ``{"histogram": svg, "counts":
    [before, after]}``.
    """
    fmap = feature_map(s.image, s.kernel, s.conv)[3]
    if s.activation == "softplus":
        out = softplus(fmap, beta=s.beta)
    else:
        out = ACTIVATIONS[s.activation][0](fmap)
    out.flags.writeable = False  # shared by every explorer showing these settings
    # one value axis for both, so the reshaping (clipping, squashing) is visible
    histogram = Histogram(rows=2)  # about the size it is shown at
    label = _LABELS[s.activation]
    svg = histogram.svg([fmap, out], title=["before (the feature map)", f"after {label}"])
    drawn = (draw_map(fmap, side), draw_map(out, side))
    return fmap, out, drawn, {"histogram": svg, "counts": histogram.counts}


class ActivationExplorer(ImageKernelExplorer):
    """Explore ReLU, softplus, sigmoid and tanh applied to a convolution's feature map.

    The "kernel size", "stride" and "padding" sliders configure the convolution that makes the
    map (zero padding); the activation buttons and the softplus sharpness β act on it. Shows the
    map before and after and the histograms of both on one value axis (ReLU piles every
    negative value onto 0).

    Parameters
    ----------
    image, kernel, kernel_size, stride, padding, display_side :
        The image, the kernel and the convolution's first slider values, as for
        :class:`~cnnlab.widgets.ConvExplorer` (:class:`~cnnlab.widgets.settings.ConvStart`).
    activation : {"relu", "softplus", "sigmoid", "tanh"}, default "relu"
    beta : float, default 1.0
        Softplus sharpness (:func:`cnnlab.softplus`).

    Attributes
    ----------
    result : ndarray
        The activated map; ``.computed["feature map"]`` is the map before.

    Examples
    --------
    >>> ex = ActivationExplorer(np.eye(6), kernel="sobel vertical")
    >>> bool(ex.result.min() >= 0), ex.computed["feature map"].shape
    (True, (4, 4))
    """

    title = "Activation explorer"
    main_panel = "after activation"

    @starts_from_conv
    def __init__(self, *args, activation="relu", beta=1.0, **start):
        start = ConvStart(*args, **start)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}; got {activation!r}.")
        own = {
            "activation": toggle("activation", ACTIVATIONS, activation, "86px"),
            "beta": float_slider(
                "softplus sharpness β", beta, -2, 4, 0.25, log_base=2, readout_format=".3g"
            ),
        }
        panels = {"feature map": "48%", "after activation": "48%", _HISTOGRAMS: "48%"}
        #: The counts of the two histograms shown (before, after), on one value axis.
        self.histogram_counts = None
        super().__init__(
            start,
            own,
            panels,
            colorbars=("feature map", "after activation"),
            drawings=(_HISTOGRAMS,),
        )

    def _react(self, change):
        super()._react(change)
        beta = self.controls["beta"]
        beta.disabled = self.controls["activation"].value != "softplus"
        beta.tooltip = "off: β only shapes softplus" if beta.disabled else None

    def _settings(self):
        return ActivationSettings(
            **self._image_kernel(),
            activation=self.controls["activation"].value,
            beta=float(self.controls["beta"].value),
        )

    def _readout(self, s):
        return "\n".join(self._conv_lines(s))

    def _compute(self, s):
        fmap, out, drawn, histogram = _pictures(s, self.side)
        return {"feature map": fmap, "result": out, "settings": s, "drawn": drawn, **histogram}

    def _summary(self, c):
        fmap, out, s = c["feature map"], c["result"], c["settings"]
        before = f"{fmap.min():.3g} … {fmap.max():.3g}"
        after = f"{out.min():.3g} … {out.max():.3g}"
        if s.activation == "relu":
            negative = float(np.mean(fmap < 0))
            return (
                f"ReLU max(0, x): {negative:.1%} of the values were negative and are now 0; "
                f"the others pass unchanged ({before} → {after})"
            )
        if s.activation == "softplus":
            return (
                f"softplus ln(1 + e^(βx)) / β with β = {s.beta:.3g}: a smooth ReLU, every "
                f"value > 0 ({before} → {after}); larger β is closer to ReLU"
            )
        bounds = "(0, 1)" if s.activation == "sigmoid" else "(−1, 1)"
        return f"{s.activation} squashes {before} into {after}, inside {bounds}"

    def _draw(self, c):
        fmap = c["feature map"]
        before, after = c["drawn"]
        self._show_drawn("feature map", before)
        self.captions["feature map"].value = f"feature map {_shape_text(fmap)}"
        self._show_drawn("after activation", after)
        self.captions["after activation"].value = f"after {_LABELS[c['settings'].activation]}"
        self.panels[_HISTOGRAMS].value = c["histogram"]
        self.histogram_counts = c["counts"]
        self._show_readout(self.readout + "\n" + self._summary(c))

    def _clear(self):
        for name in ("after activation", _HISTOGRAMS):
            self._blank(name)


#: The name the notebooks call: ``widgets.activation_explorer(...)``.
activation_explorer = ActivationExplorer
