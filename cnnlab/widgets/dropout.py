"""The dropout explorer: (inverted) dropout on a convolution's feature map."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as widgets

from ..fully_connected import dropout
from .base import ImageKernelExplorer, ImageKernelSettings
from .controls import float_slider, toggle
from .conv import feature_map
from .settings import ConvStart, starts_from_conv

__all__ = ["DropoutExplorer", "DropoutSettings", "dropout_explorer"]


@dataclass(frozen=True)
class DropoutSettings(ImageKernelSettings):
    """The convolution making the map, the rate, the phase and the seed of the mask."""

    rate: float = 0.5
    training: bool = True
    seed: int = 0


@lru_cache(maxsize=8)
def _dropped(s: DropoutSettings):
    """The feature map, the mask and the map after dropout for settings ``s`` (cached: the mask
    is a function of the map's shape, the rate and the seed, so going back to a setting
    shows the same mask again, without drawing it anew)."""
    fmap = feature_map(s.image, s.kernel, s.conv)[3]
    out, mask = dropout(fmap, s.rate, training=s.training, rng=s.seed, return_mask=True)
    for arr in (fmap, mask, out):
        arr.flags.writeable = False  # shared by every explorer showing these settings
    return fmap, mask, out


class DropoutExplorer(ImageKernelExplorer):
    """Explore (inverted) dropout on a convolution's feature map.

    The "kernel size", "stride" and "padding" sliders configure the convolution; the rate
    slider, the training/inference switch and the "new random mask" button act on its map
    through :func:`cnnlab.dropout`: during training each value is zeroed with probability
    ``rate`` and the survivors are scaled by ``1 / (1 - rate)``; at inference nothing changes.

    Parameters
    ----------
    image, kernel, kernel_size, stride, padding, display_side :
        The image, the kernel and the convolution's first slider values, as for
        :class:`~cnnlab.widgets.ConvExplorer` (:class:`~cnnlab.widgets.settings.ConvStart`).
    rate : float, default 0.5
    training : bool, default True
    seed : int, default 0
        Seed of the first mask; the button moves on to the next seed.

    Attributes
    ----------
    result : ndarray
        The map after dropout; ``.computed["mask"]`` is the keep-mask and ``.seed`` the seed
        used.

    Examples
    --------
    >>> import numpy as np
    >>> ex = DropoutExplorer(np.ones((6, 6)), kernel="box blur", rate=0.5)
    >>> sorted(set(np.round(ex.result / ex.computed["feature map"], 6).ravel().tolist()))
    [0.0, 2.0]
    """

    title = "Dropout explorer"
    main_panel = "after dropout"

    @starts_from_conv
    def __init__(self, *args, rate=0.5, training=True, seed=0, **start):
        start = ConvStart(*args, **start)
        self.seed = int(seed)
        phase = "training" if training else "inference"
        own = {
            "rate": float_slider("dropout rate", rate, 0.0, 0.9, 0.05),
            "phase": toggle("phase", ("training", "inference"), phase, "110px"),
            "new random mask": widgets.Button(
                description="new random mask", icon="refresh", layout=widgets.Layout(width="220px")
            ),
        }
        super().__init__(
            start,
            own,
            {"feature map": "35%", "mask (white = kept)": "23%", "after dropout": "38%"},
            colorbars=("feature map", "after dropout"),
        )

    def _react(self, change):
        super()._react(change)
        inference = self.controls["phase"].value == "inference"
        off = "off: at inference dropout keeps every value (choose 'training')"
        for name in ("rate", "new random mask"):
            self.controls[name].disabled = inference
            self.controls[name].tooltip = off if inference else None

    def _on_click(self, button):
        self.seed += 1
        self.update()

    def _settings(self):
        return DropoutSettings(
            **self._image_kernel(),
            rate=float(self.controls["rate"].value),
            training=self.controls["phase"].value == "training",
            seed=self.seed,
        )

    def _readout(self, s):
        return "\n".join(self._conv_lines(s))

    def _compute(self, s):
        fmap, mask, out = _dropped(s)
        return {"feature map": fmap, "mask": mask, "result": out, "settings": s}

    def _draw(self, c):
        fmap, mask, out, s = c["feature map"], c["mask"], c["result"], c["settings"]
        self._show_map("feature map", fmap)
        self.captions["feature map"].value = f"feature map {'×'.join(map(str, fmap.shape))}"
        self._show_map("mask (white = kept)", mask, vmin=0, vmax=1)
        self._show_map("after dropout", out)
        kept, n = int(mask.sum()), mask.size
        if s.training:
            scale = 1.0 / (1.0 - s.rate)
            line = (
                f"training: {kept:,} of {n:,} values kept ({kept / n:.1%}, rate "
                f"{s.rate:.2f}); each kept value × 1/(1 − {s.rate:.2f}) = {scale:.3g}, "
                "so the average stays the same"
            )
            caption = f"after dropout ({s.rate:.0%} dropped)"
        else:
            line = "inference: dropout does nothing, the map passes unchanged"
            caption = "after dropout (inference: unchanged)"
        self.captions["after dropout"].value = caption
        self._show_readout(self.readout + "\n" + line)

    def _clear(self):
        for name in ("mask (white = kept)", "after dropout"):
            self._blank(name)


#: The name the notebooks call: ``widgets.dropout_explorer(...)``.
dropout_explorer = DropoutExplorer
