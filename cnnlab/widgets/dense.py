"""The fully-connected explorer: how the convolution and pooling decide the dense layer's size."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from ..activations import relu
from ..conv import conv2d
from ..fully_connected import flatten
from ..images import to_gray
from ..pool import pool2d
from ..shapes import conv_params, dense_params, explain_output_shape, output_shape
from .base import ImageExplorer
from .controls import conv_controls, conv_settings, dropdown, slider
from .settings import ConvSettings, FrozenArray

__all__ = ["INPUT_SIZES", "FCExplorer", "FCSettings", "fc_explorer"]

#: The input sizes offered (MNIST, CIFAR, ImageNet-style, ...).
INPUT_SIZES = (28, 32, 64, 128, 224, 227, 420, 512)
_OWN = ("input size", "filters", "pool size", "units")


@dataclass(frozen=True)
class FCSettings:
    """The image, the convolution and the sizes of the small network."""

    image: FrozenArray
    conv: ConvSettings
    input_size: int
    filters: int
    pool_size: int
    units: int


def _fmt_shape(shape):
    return " × ".join(f"{n:,}" for n in shape)


@lru_cache(maxsize=16)
def _resized(image: FrozenArray, n: int):
    """The gray image resized to ``n`` × ``n`` (anti-aliased), once per image and size."""
    from skimage.transform import resize

    out = resize(to_gray(image.array), (n, n), anti_aliasing=True)
    out.setflags(write=False)
    return out


class FCExplorer(ImageExplorer):
    """Explore how kernel size, stride, padding and pooling decide the dense layer's size.

    A small network: input (n×n×1) → Conv2D(filters, kernel size, stride, padding) → ReLU →
    MaxPooling2D(pool size) → Flatten → Dense(units). The table gives each layer's output shape
    and parameter count (:func:`cnnlab.output_shape`, :func:`cnnlab.conv_params`,
    :func:`cnnlab.dense_params`); the readout writes out the formulas. The image panels show the
    input and what one (random, untrained) filter makes of it, computed with cnnlab's
    ``conv2d``, ``relu`` and ``pool2d``.

    Parameters
    ----------
    image : str or ndarray, default "camera"
        Resized to the chosen input size.
    input_size : int, default 28
        One of 28, 32, 64, 128, 224, 227, 420, 512.
    kernel_size, stride, padding :
        Initial values of the convolution.
    filters : int, default 32
    pool_size : int, default 2
        Max pooling window and stride (1: no pooling).
    units : int, default 10
        Neurons of the dense layer (one per class).
    seed : int, default 0
        Seed of the random filter shown.
    display_side : int, optional
        Pixels of the longer side of the image panels (default :data:`~cnnlab.widgets.base.PANEL_SIDE`, 320: about their displayed size; larger arrays are sent as block means); smaller renders faster.

    Attributes
    ----------
    result : ndarray
        The pooled map of filter 1; ``.computed["shapes"]`` holds ``conv``, ``pool``
        (shapes), ``flat``, ``conv_params`` and ``dense_params``; ``.table`` the HTML table.

    Examples
    --------
    >>> ex = FCExplorer(input_size=28, kernel_size=3, filters=32, pool_size=2, units=10)
    >>> ex.computed["shapes"]["flat"], ex.computed["shapes"]["dense_params"]
    (5408, 54090)
    """

    title = "From feature maps to the fully connected layer"
    main_panel = "filter 1 after ReLU and pooling"

    def __init__(
        self,
        image="camera",
        *,
        input_size=28,
        kernel_size=3,
        stride=1,
        padding=0,
        filters=32,
        pool_size=2,
        units=10,
        seed=0,
        display_side=None,
    ):
        if input_size not in INPUT_SIZES:
            raise ValueError(f"input_size must be one of {INPUT_SIZES}; got {input_size!r}.")
        rng = np.random.default_rng(seed)
        self._filters = {k: rng.normal(size=(k, k)) / k for k in range(1, 12)}
        controls = {
            **conv_controls(kernel_size, stride, padding),
            "input size": dropdown(
                "input size", [(f"{n} × {n}", n) for n in INPUT_SIZES], input_size
            ),
            "filters": slider("filters", filters, 1, 128),
            "pool size": slider("max pooling size (1 = none)", pool_size, 1, 4),
            "units": slider("dense units (classes)", units, 1, 512),
        }
        self.table = widgets.HTML(layout=widgets.Layout(width="100%"))
        super().__init__(
            image,
            controls,
            {"input": "30%", "filter 1 after ReLU and pooling": "30%"},
            extra=[self.table],
            display_side=display_side,
        )

    def _settings(self):
        c = self.controls
        return FCSettings(
            image=self.image_choice.image(),
            conv=conv_settings(c),
            **{name.replace(" ", "_"): int(c[name].value) for name in _OWN},
        )

    def _shapes(self, s):
        """Layer shapes and parameter counts from cnnlab.shapes (raise for impossible ones)."""
        n, k, f, p, u = s.input_size, s.conv.kernel_size, s.filters, s.pool_size, s.units
        try:
            conv_hw = output_shape((n, n), k, s.conv.stride, s.conv.padding)
        except ValueError as err:
            raise ValueError(f"Conv2D: {err}") from None
        pool_hw = conv_hw
        if p > 1:
            try:
                pool_hw = output_shape(conv_hw, p, p)
            except ValueError as err:
                raise ValueError(f"MaxPooling2D({p}): {err}") from None
        flat = pool_hw[0] * pool_hw[1] * f
        return {
            "conv": (*conv_hw, f),
            "pool": (*pool_hw, f),
            "flat": flat,
            "conv_params": conv_params(k, 1, f),
            "dense_params": dense_params(flat, u),
        }

    def _readout(self, s):
        n, p, conv = s.input_size, s.pool_size, s.conv
        lines = [
            explain_output_shape((n, n), conv.kernel_size, conv.stride, conv.padding, name="Conv2D")
        ]
        try:
            shapes = self._shapes(s)
        except ValueError:
            return "\n".join(lines)
        h, w, f = shapes["pool"]
        if p > 1:
            lines.append(
                explain_output_shape(shapes["conv"][:2], p, p, 0, name=f"MaxPooling2D({p})")
            )
        lines.append(f"flatten: {h}·{w}·{f} = {shapes['flat']:,} values")
        u = s.units
        lines.append(f"dense: {shapes['flat']:,}·{u} + {u} = {shapes['dense_params']:,} parameters")
        return "\n".join(lines)

    def _compute(self, s):
        shapes = self._shapes(s)
        x = _resized(s.image, s.input_size)
        kernel = self._filters[s.conv.kernel_size]
        fmap = relu(conv2d(x, kernel, stride=s.conv.stride, padding=s.conv.padding))
        pooled = pool2d(fmap, s.pool_size) if s.pool_size > 1 else fmap
        flat = flatten(pooled)
        if flat.size * s.filters != shapes["flat"]:  # the two cnnlab rules must agree
            raise RuntimeError(f"flatten size {flat.size * s.filters} != {shapes['flat']}")
        return {"input": x, "result": pooled, "shapes": shapes, "settings": s}

    def _draw(self, c):
        s, shapes, x, pooled = c["settings"], c["shapes"], c["input"], c["result"]
        self._show_map("input", x)
        self.captions["input"].value = f"input {x.shape[0]}×{x.shape[1]}×1"
        self._show_map("filter 1 after ReLU and pooling", pooled)
        self.captions[
            "filter 1 after ReLU and pooling"
        ].value = (
            f"filter 1 of {s.filters} (random, untrained): {pooled.shape[0]}×{pooled.shape[1]}"
        )
        k, p, u = s.conv.kernel_size, s.pool_size, s.units
        pad = s.conv.padding if isinstance(s.conv.padding, int) else f"'{s.conv.padding}'"
        rows = [
            ("Input", _fmt_shape((s.input_size, s.input_size, 1)), 0),
            (
                f"Conv2D({s.filters}, {k}×{k}, stride {s.conv.stride}, padding {pad})",
                _fmt_shape(shapes["conv"]),
                shapes["conv_params"],
            ),
        ]
        if p > 1:
            rows.append((f"MaxPooling2D({p}×{p})", _fmt_shape(shapes["pool"]), 0))
        rows += [
            ("Flatten", f"{shapes['flat']:,}", 0),
            (f"Dense({u})", f"{u:,}", shapes["dense_params"]),
        ]
        total = shapes["conv_params"] + shapes["dense_params"]
        body = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{shape}</td><td>{params:,}</td>"
            f"<td><div style='background:#0072B2;height:14px;width:"
            f"{100 * params / max(total, 1):.1f}%'></div></td></tr>"
            for name, shape, params in rows
        )
        self.table.value = (
            "<table style='font-size:19px;border-collapse:collapse;width:100%' cellpadding=6>"
            "<tr style='text-align:left;border-bottom:2px solid #333'><th>layer</th>"
            "<th>output shape</th><th>parameters</th><th style='width:30%'>share</th></tr>"
            f"{body}<tr style='border-top:2px solid #333'><td><b>total</b></td><td></td>"
            f"<td><b>{total:,}</b></td><td>dense layer: {shapes['dense_params'] / total:.1%}"
            "</td></tr></table>"
        )

    def _clear(self):
        self._blank("filter 1 after ReLU and pooling")
        self.table.value = ""


#: The name the notebooks call: ``widgets.fc_explorer(...)`` is :class:`FCExplorer`.
fc_explorer = FCExplorer
