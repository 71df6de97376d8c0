"""Explorers for the layers after a convolution: pooling, activation, dropout, fully connected."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import render
from ..activations import ACTIVATIONS, relu, softplus
from ..images import to_gray
from ..kernels import KERNELS
from ..ops import conv2d, dropout, flatten, pool2d
from ..shapes import conv_params, dense_params, output_shape
from ._core import (
    _STYLE,
    FIXED_SIZE_KERNELS,
    Explorer,
    ImageChoice,
    KernelChoice,
    conv_controls,
    conv_settings,
    section_heading,
    size_readout,
)
from .conv import ImageKernelExplorer, conv_feature_map

__all__ = [
    "ActivationExplorer",
    "DropoutExplorer",
    "FCExplorer",
    "PoolExplorer",
    "activation_explorer",
    "dropout_explorer",
    "fc_explorer",
    "pool_explorer",
]

_WIDE = widgets.Layout(width="95%", min_width="260px")


def _toggle(description, options, value, width="90px"):
    return widgets.ToggleButtons(
        options=list(options),
        value=value,
        description=description,
        style={"description_width": "initial", "button_width": width},
    )


def _shape_text(arr):
    return "×".join(str(n) for n in arr.shape)


def _conv_readout(image, s, kernel_choice) -> list:
    """The convolution's settings and output size (with the formula), as readout lines."""
    colour = ", converted to gray" if image.ndim == 3 else ""
    head = (
        f"input {image.shape[0]}×{image.shape[1]}{colour}; kernel "
        f"{kernel_choice.describe(s['kernel'])}; stride {s['stride']}; zero padding"
    )
    body = size_readout(
        image.shape[:2], s["kernel"].shape, s["stride"], s["padding"], name="feature map"
    )
    return [head, body]


class _FeatureMap:
    """A convolution's feature map, recomputed only when the image or its settings change."""

    def __init__(self):
        self.key = None
        self.value = None

    def __call__(self, image, s):
        kernel = s["kernel"]
        key = (id(image), kernel.tobytes(), kernel.shape, s["stride"], s["padding"])
        if key != self.key:
            self.value = conv_feature_map(image, kernel, s["stride"], s["padding"])[3]
            self.key = key
        return self.value


class _ConvMapExplorer(ImageKernelExplorer):
    """Shared part of the explorers that start from a convolution's feature map.

    The "kernel size", "stride" and "padding" sliders configure that convolution (zero
    padding); the subclass adds its own controls and works on ``computed["feature map"]``.
    """

    def __init__(
        self, image, kernel, kernel_size, stride, padding, own_controls, panels, display_side
    ):
        self._feature_map_of = _FeatureMap()
        super().__init__(
            image,
            kernel,
            conv_controls(kernel_size, stride, padding),
            own_controls,
            panels,
            display_side=display_side,
        )

    def _conv_readout(self, s):
        note = self.image_choice.note
        return [*_conv_readout(s["image"], s, self.kernel_choice), *([note] if note else [])]

    def _feature_map(self, s):
        return self._feature_map_of(s["image"], s)


# --------------------------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------------------------
_POOL_BOX = "pooling (the kernel size is the pool size)"
_CONV_BOX = "convolution feeding the pool"
_CONV_CONTROLS = ("conv kernel", "conv kernel size", "conv stride", "conv padding")


class PoolExplorer(Explorer):
    """Pooling explorer; build it with :func:`pool_explorer`."""

    title = "Pooling explorer"

    def __init__(
        self,
        image="camera",
        *,
        kernel_size=2,
        stride=2,
        padding=0,
        mode="max",
        source="image",
        conv_kernel="sobel vertical",
        conv_kernel_size=3,
        conv_stride=1,
        conv_padding="same",
        display_side=None,
    ):
        names = (*KERNELS, *FIXED_SIZE_KERNELS)
        if conv_kernel not in names:
            raise ValueError(f"conv_kernel must be one of {names}; got {conv_kernel!r}.")
        self.image_choice = ImageChoice(image)
        self.conv_choice = KernelChoice(conv_kernel, custom=False)
        conv = conv_controls(conv_kernel_size, conv_stride, conv_padding, prefix="conv ")
        controls = {
            **self.image_choice.controls,
            "pool": _toggle("pool", ("image", "conv feature map"), source, "170px"),
            **conv_controls(kernel_size, stride, padding),
            "mode": _toggle("mode", ("max", "avg", "l2"), mode, "70px"),
            "conv kernel": self.conv_choice.controls["kernel"],
            **conv,
        }
        self._feature_map_of = _FeatureMap()
        self._drawn_input = None
        super().__init__(
            controls,
            {"input": "48%", "pooled": "48%"},
            display_side=display_side,
            sections=[  # in the order the data flows: image -> convolution -> pooling
                (_CONV_BOX, ["conv kernel", *conv]),
                (_POOL_BOX, ["kernel size", "stride", "padding", "padding preset", "mode"]),
            ],
        )
        self._react(None)
        self.update()

    def _react(self, change):
        on = self.controls["pool"].value != "image"
        self.conv_choice.fit_slider(self.controls["conv kernel size"], change)
        preset = self.controls["conv padding preset"]
        for name in ("conv kernel", "conv stride", "conv padding preset"):
            self.controls[name].disabled = not on
        self.controls["conv padding"].disabled = not on or preset.value != "number"
        if not on:
            self.controls["conv kernel size"].disabled = True
        state = "" if on else " (off: the pool takes the image itself)"
        self.sections[_CONV_BOX].children[0].value = section_heading(_CONV_BOX + state)

    def _settings(self):
        s = conv_settings(self.controls)
        s["image"] = self.image_choice.image()
        s["mode"] = self.controls["mode"].value
        s["source"] = self.controls["pool"].value
        if s["source"] != "image":
            s["conv"] = conv_settings(self.controls, prefix="conv ")
            s["conv"]["kernel"] = self.conv_choice.kernel(s["conv"]["kernel_size"])
        return s

    def _input(self, s):
        """What is pooled: the image, or the feature map of the convolution (zero padding)."""
        if s["source"] == "image":
            return s["image"]
        return self._feature_map_of(s["image"], s["conv"])

    def _readout(self, s):
        lines = []
        if s["source"] != "image":
            lines += _conv_readout(s["image"], s["conv"], self.conv_choice)
            try:
                x = self._input(s)
            except ValueError:  # the convolution has no output: say so, pooling waits
                return "\n".join(lines)
        else:
            x = s["image"]
        k, stride, padding = s["kernel_size"], s["stride"], s["padding"]
        lines += [
            f"{s['mode']} pooling of the {s['source']} ({x.shape[0]}×{x.shape[1]}); "
            f"pool size = kernel size = {k}; stride {stride}",
            size_readout(x.shape[:2], k, stride, padding, name="pooled"),
        ]
        if self.image_choice.note:
            lines.append(self.image_choice.note)
        try:
            oh, ow = output_shape(x.shape[:2], k, stride, padding)
        except ValueError:
            return "\n".join(lines)
        kept = oh * ow / (x.shape[0] * x.shape[1])
        lines.append(
            f"{oh * ow:,} of {x.shape[0] * x.shape[1]:,} values per channel kept "
            f"({kept:.1%}); {1 - kept:.1%} discarded"
        )
        return "\n".join(lines)

    def _compute(self, s):
        x = self._input(s)
        pooled = pool2d(
            x, s["kernel_size"], stride=s["stride"], padding=s["padding"], mode=s["mode"]
        )
        return {"input": x, "result": pooled, "settings": s}

    def _draw(self, c):
        x, pooled, s = c["input"], c["result"], c["settings"]
        key = (id(s["image"]), s["source"], self._feature_map_of.key)
        self._draw_input(x, s["source"], key)
        self.panels["pooled"].value = self._png(pooled, colorbar=pooled.ndim == 2)
        self.captions["pooled"].value = f"{s['mode']} pooled {_shape_text(pooled)}"

    def _draw_input(self, x, source, key):
        if key != self._drawn_input:
            self.panels["input"].value = self._png(x, colorbar=x.ndim == 2)
            self._drawn_input = key
        self.captions["input"].value = f"{source} {_shape_text(x)}"

    def _clear(self):
        self._blank("pooled")
        self.captions["pooled"].value = "pooled: none"
        s = self.settings
        if s is not None and s["source"] != "image":
            try:
                self._input(s)
            except ValueError:  # the convolution itself has no output
                self._blank("input")
                self.captions["input"].value = "conv feature map: none"
                self._drawn_input = None


def pool_explorer(
    image="camera",
    *,
    kernel_size=2,
    stride=2,
    padding=0,
    mode="max",
    source="image",
    conv_kernel="sobel vertical",
    conv_kernel_size=3,
    conv_stride=1,
    conv_padding="same",
    display_side=None,
):
    """Explore max, average and L2 pooling of an image or of a convolution's feature map.

    Two framed sets of sliders, built like every explorer's (:func:`conv_controls`):

    * **convolution feeding the pool**: its kernel, "kernel size", "stride" and "padding"
      (zero padding), live when the "pool" switch is on "conv feature map" (greyed out while
      the image itself is pooled);
    * **pooling**: "kernel size" (the pool size), "stride", "padding" and the mode. Padded
      cells never count (:func:`cnnlab.pool2d`), and each side's padding must stay smaller
      than the pool size.

    Colour images are pooled channel by channel (the convolution works on the gray image).
    The readout gives the convolution's and the pooling's output sizes with their formulas and
    how many values survive the pooling (2×2 windows with stride 2 keep 25%).

    Parameters
    ----------
    image : str or ndarray, default "camera"
        A bundled picture, or an array (H, W), (H, W, 3) or (H, W, 4) of any dtype.
    kernel_size, stride, padding :
        Initial pool size, stride and padding (number or "valid", "same", "full").
    mode : {"max", "avg", "l2"}, default "max"
    source : {"image", "conv feature map"}, default "image"
        Pool the image itself or the feature map of the convolution.
    conv_kernel : str, default "sobel vertical"
        A name of :data:`cnnlab.kernels.KERNELS`, or "laplacian" / "curve detector".
    conv_kernel_size, conv_stride, conv_padding :
        Initial settings of the convolution (default 3×3, stride 1, 'same': the map keeps the
        image's size).
    display_side : int, optional
        Pixels of the longer side of the image panels (default 512); smaller renders faster.

    Returns
    -------
    PoolExplorer
        ``.result`` is the pooled array, ``.computed["input"]`` what was pooled;
        ``.sections`` the two framed boxes of controls; see :class:`cnnlab.widgets.Explorer`.

    Examples
    --------
    >>> ex = pool_explorer(np.arange(16.0).reshape(4, 4))
    >>> ex.result
    array([[ 5.,  7.],
           [13., 15.]])
    >>> ex.readout.splitlines()[-1]
    '4 of 16 values per channel kept (25.0%); 75.0% discarded'
    >>> _ = ex.set(pool="conv feature map", conv_kernel="box blur", conv_padding="valid")
    >>> ex.computed["input"].shape, ex.result.shape
    ((2, 2), (1, 1))
    """
    return PoolExplorer(
        image,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        mode=mode,
        source=source,
        conv_kernel=conv_kernel,
        conv_kernel_size=conv_kernel_size,
        conv_stride=conv_stride,
        conv_padding=conv_padding,
        display_side=display_side,
    )


# --------------------------------------------------------------------------------------------
# Activation
# --------------------------------------------------------------------------------------------
_ACT_LABELS = {"relu": "ReLU", "softplus": "softplus", "sigmoid": "sigmoid", "tanh": "tanh"}


class ActivationExplorer(_ConvMapExplorer):
    """Activation explorer; build it with :func:`activation_explorer`."""

    title = "Activation explorer"

    def __init__(
        self,
        image="camera",
        kernel="sobel vertical",
        *,
        kernel_size=3,
        stride=1,
        padding=0,
        activation="relu",
        beta=1.0,
        display_side=None,
    ):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}; got {activation!r}.")
        own = {
            "activation": _toggle("activation", ACTIVATIONS, activation, "86px"),
            "beta": widgets.FloatLogSlider(
                value=float(beta),
                base=2,
                min=-2,
                max=4,
                step=0.25,
                description="softplus sharpness β",
                readout_format=".3g",
                style=_STYLE,
                layout=_WIDE,
            ),
        }
        super().__init__(
            image,
            kernel,
            kernel_size,
            stride,
            padding,
            own,
            {
                "feature map": "48%",
                "after activation": "48%",
                "histogram before": "48%",
                "histogram after": "48%",
            },
            display_side,
        )

    def _react(self, change):
        super()._react(change)
        self.controls["beta"].disabled = self.controls["activation"].value != "softplus"

    def _settings(self):
        s = super()._settings()
        s["activation"] = self.controls["activation"].value
        s["beta"] = float(self.controls["beta"].value)
        return s

    def _readout(self, s):
        return "\n".join(self._conv_readout(s))

    def _compute(self, s):
        fmap = self._feature_map(s)
        name = s["activation"]
        if name == "softplus":
            out = softplus(fmap, beta=s["beta"])
        else:
            out = ACTIVATIONS[name][0](fmap)
        return {"feature map": fmap, "result": out, "settings": s}

    def _summary(self, c):
        fmap, out, s = c["feature map"], c["result"], c["settings"]
        name = s["activation"]
        before = f"{fmap.min():.3g} … {fmap.max():.3g}"
        after = f"{out.min():.3g} … {out.max():.3g}"
        if name == "relu":
            negative = float(np.mean(fmap < 0))
            return (
                f"ReLU max(0, x): {negative:.1%} of the values were negative and are now 0; "
                f"the others pass unchanged ({before} → {after})"
            )
        if name == "softplus":
            return (
                f"softplus ln(1 + e^(βx)) / β with β = {s['beta']:.3g}: a smooth ReLU, every "
                f"value > 0 ({before} → {after}); larger β is closer to ReLU"
            )
        bounds = "(0, 1)" if name == "sigmoid" else "(−1, 1)"
        return f"{name} squashes {before} into {after}, inside {bounds}"

    def _draw(self, c):
        fmap, out = c["feature map"], c["result"]
        self.panels["feature map"].value = self._png(fmap, colorbar=fmap.ndim == 2)
        self.captions["feature map"].value = f"feature map {_shape_text(fmap)}"
        self.panels["after activation"].value = self._png(out, colorbar=out.ndim == 2)
        label = _ACT_LABELS[c["settings"]["activation"]]
        self.captions["after activation"].value = f"after {label}"
        width = max(240, min(480, self.side))
        # one value axis for both, so the reshaping (clipping, squashing) is visible
        lo, hi = min(fmap.min(), out.min()), max(fmap.max(), out.max())
        size = {"width": width, "height": round(width * 7 / 12), "value_range": (lo, hi)}
        self.panels["histogram before"].value = render.histogram_png(fmap, **size)
        self.panels["histogram after"].value = render.histogram_png(out, **size)
        self.captions["histogram before"].value = "values before (feature map)"
        self.captions["histogram after"].value = f"values after {label}"
        self._show_readout(self.readout + "\n" + self._summary(c))

    def _clear(self):
        for name in ("after activation", "histogram after"):
            self._blank(name)


def activation_explorer(
    image="camera",
    kernel="sobel vertical",
    *,
    kernel_size=3,
    stride=1,
    padding=0,
    activation="relu",
    beta=1.0,
    display_side=None,
):
    """Explore ReLU, softplus, sigmoid and tanh applied to a convolution's feature map.

    The "kernel size", "stride" and "padding" sliders configure the convolution that makes the
    map (zero padding); the activation buttons and the softplus sharpness β act on it. Shows the
    map before and after and the histograms of both (ReLU piles every negative value onto 0).

    Parameters
    ----------
    image : str or ndarray, default "camera"
    kernel : str or ndarray, default "sobel vertical"
    kernel_size, stride, padding :
        Initial values for the convolution.
    activation : {"relu", "softplus", "sigmoid", "tanh"}, default "relu"
    beta : float, default 1.0
        Softplus sharpness (:func:`cnnlab.softplus`).

    display_side : int, optional
        Pixels of the longer side of the image panels (default 512); smaller renders faster.

    Returns
    -------
    ActivationExplorer
        ``.result`` is the activated map, ``.computed["feature map"]`` the map before.

    Examples
    --------
    >>> ex = activation_explorer(np.eye(6), kernel="sobel vertical")
    >>> bool(ex.result.min() >= 0), ex.computed["feature map"].shape
    (True, (4, 4))
    """
    return ActivationExplorer(
        image,
        kernel,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        activation=activation,
        beta=beta,
        display_side=display_side,
    )


# --------------------------------------------------------------------------------------------
# Dropout
# --------------------------------------------------------------------------------------------
class DropoutExplorer(_ConvMapExplorer):
    """Dropout explorer; build it with :func:`dropout_explorer`."""

    title = "Dropout explorer"

    def __init__(
        self,
        image="camera",
        kernel="sobel vertical",
        *,
        kernel_size=3,
        stride=1,
        padding=0,
        rate=0.5,
        training=True,
        seed=0,
        display_side=None,
    ):
        self.seed = int(seed)
        own = {
            "rate": widgets.FloatSlider(
                value=float(rate),
                min=0.0,
                max=0.9,
                step=0.05,
                description="dropout rate",
                style=_STYLE,
                layout=_WIDE,
            ),
            "phase": _toggle(
                "phase",
                ("training", "inference"),
                "training" if training else "inference",
                "110px",
            ),
            "new random mask": widgets.Button(
                description="new random mask",
                icon="refresh",
                layout=widgets.Layout(width="220px"),
            ),
        }
        super().__init__(
            image,
            kernel,
            kernel_size,
            stride,
            padding,
            own,
            {"feature map": "32%", "mask (white = kept)": "31%", "after dropout": "32%"},
            display_side,
        )

    def _on_click(self, button):
        self.seed += 1
        self.update()

    def _settings(self):
        s = super()._settings()
        s["rate"] = float(self.controls["rate"].value)
        s["training"] = self.controls["phase"].value == "training"
        s["seed"] = self.seed
        return s

    def _readout(self, s):
        return "\n".join(self._conv_readout(s))

    def _compute(self, s):
        fmap = self._feature_map(s)
        out, mask = dropout(
            fmap, s["rate"], training=s["training"], rng=s["seed"], return_mask=True
        )
        return {"feature map": fmap, "mask": mask, "result": out, "settings": s}

    def _draw(self, c):
        fmap, mask, out, s = c["feature map"], c["mask"], c["result"], c["settings"]
        self.panels["feature map"].value = self._png(fmap, colorbar=fmap.ndim == 2)
        self.captions["feature map"].value = f"feature map {_shape_text(fmap)}"
        self.panels["mask (white = kept)"].value = self._png(mask, vmin=0, vmax=1)
        self.panels["after dropout"].value = self._png(out, colorbar=out.ndim == 2)
        kept, n = int(mask.sum()), mask.size
        if s["training"]:
            scale = 1.0 / (1.0 - s["rate"])
            line = (
                f"training: {kept:,} of {n:,} values kept ({kept / n:.1%}, rate "
                f"{s['rate']:.2f}); each kept value × 1/(1 − {s['rate']:.2f}) = {scale:.3g}, "
                "so the average stays the same"
            )
        else:
            line = "inference: dropout does nothing, the map passes unchanged"
        self.captions["after dropout"].value = (
            f"after dropout ({s['rate']:.0%} dropped)"
            if s["training"]
            else "after dropout (inference: unchanged)"
        )
        self._show_readout(self.readout + "\n" + line)

    def _clear(self):
        for name in ("mask (white = kept)", "after dropout"):
            self._blank(name)


def dropout_explorer(
    image="camera",
    kernel="sobel vertical",
    *,
    kernel_size=3,
    stride=1,
    padding=0,
    rate=0.5,
    training=True,
    seed=0,
    display_side=None,
):
    """Explore (inverted) dropout on a convolution's feature map.

    The "kernel size", "stride" and "padding" sliders configure the convolution; the rate
    slider, the training/inference switch and the "new random mask" button act on its map
    through :func:`cnnlab.dropout`: during training each value is zeroed with probability
    ``rate`` and the survivors are scaled by ``1 / (1 - rate)``; at inference nothing changes.

    Parameters
    ----------
    image : str or ndarray, default "camera"
    kernel : str or ndarray, default "sobel vertical"
    kernel_size, stride, padding :
        Initial values for the convolution.
    rate : float, default 0.5
    training : bool, default True
    seed : int, default 0
        Seed of the first mask; the button moves on to the next seed.

    display_side : int, optional
        Pixels of the longer side of the image panels (default 512); smaller renders faster.

    Returns
    -------
    DropoutExplorer
        ``.result`` is the map after dropout, ``.computed["mask"]`` the keep-mask and
        ``.seed`` the seed used.

    Examples
    --------
    >>> ex = dropout_explorer(np.ones((6, 6)), kernel="box blur", rate=0.5)
    >>> sorted(set(np.round(ex.result / ex.computed["feature map"], 6).ravel().tolist()))
    [0.0, 2.0]
    """
    return DropoutExplorer(
        image,
        kernel,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        rate=rate,
        training=training,
        seed=seed,
        display_side=display_side,
    )


# --------------------------------------------------------------------------------------------
# Fully connected
# --------------------------------------------------------------------------------------------
INPUT_SIZES = (28, 32, 64, 128, 224, 227, 420, 512)


def _fmt_shape(shape):
    return " × ".join(f"{n:,}" for n in shape)


class FCExplorer(Explorer):
    """Fully-connected explorer; build it with :func:`fc_explorer`."""

    title = "From feature maps to the fully connected layer"

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
        self.image_choice = ImageChoice(image)
        rng = np.random.default_rng(seed)
        self._filters = {k: rng.normal(size=(k, k)) / k for k in range(1, 12)}
        own = {
            "input size": widgets.Dropdown(
                options=[(f"{n} × {n}", n) for n in INPUT_SIZES],
                value=input_size,
                description="input size",
                style=_STYLE,
                layout=_WIDE,
            ),
            "filters": widgets.IntSlider(
                value=filters, min=1, max=128, description="filters", style=_STYLE, layout=_WIDE
            ),
            "pool size": widgets.IntSlider(
                value=pool_size,
                min=1,
                max=4,
                description="max pooling size (1 = none)",
                style=_STYLE,
                layout=_WIDE,
            ),
            "units": widgets.IntSlider(
                value=units,
                min=1,
                max=512,
                description="dense units (classes)",
                style=_STYLE,
                layout=_WIDE,
            ),
        }
        controls = {
            **self.image_choice.controls,
            **conv_controls(kernel_size, stride, padding),
            **own,
        }
        self.table = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._resized = {}
        super().__init__(
            controls,
            {"input": "30%", "filter 1 after ReLU and pooling": "30%"},
            extra=[self.table],
            display_side=display_side,
        )
        self.update()

    def _settings(self):
        s = conv_settings(self.controls)
        s["image"] = self.image_choice.image()
        for name in ("input size", "filters", "pool size", "units"):
            s[name.replace(" ", "_")] = int(self.controls[name].value)
        return s

    def _input(self, s):
        key = (id(s["image"]), s["input_size"])
        if key not in self._resized:
            from skimage.transform import resize

            n = s["input_size"]
            self._resized = {key: resize(to_gray(s["image"]), (n, n), anti_aliasing=True)}
        return self._resized[key]

    def _shapes(self, s):
        """Layer shapes and parameter counts from cnnlab.shapes (raise for impossible ones)."""
        n, k, f, p, u = s["input_size"], s["kernel_size"], s["filters"], s["pool_size"], s["units"]
        try:
            conv_hw = output_shape((n, n), k, s["stride"], s["padding"])
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
        n, p = s["input_size"], s["pool_size"]
        lines = [size_readout((n, n), s["kernel_size"], s["stride"], s["padding"], name="Conv2D")]
        try:
            shapes = self._shapes(s)
        except ValueError:
            return "\n".join(lines)
        h, w, f = shapes["pool"]
        if p > 1:
            lines.append(size_readout(shapes["conv"][:2], p, p, 0, name=f"MaxPooling2D({p})"))
        lines.append(f"flatten: {h}·{w}·{f} = {shapes['flat']:,} values")
        u = s["units"]
        lines.append(f"dense: {shapes['flat']:,}·{u} + {u} = {shapes['dense_params']:,} parameters")
        return "\n".join(lines)

    def _compute(self, s):
        shapes = self._shapes(s)
        x = self._input(s)
        kernel = self._filters[s["kernel_size"]]
        fmap = relu(conv2d(x, kernel, stride=s["stride"], padding=s["padding"]))
        pooled = pool2d(fmap, s["pool_size"]) if s["pool_size"] > 1 else fmap
        flat = flatten(pooled)
        if flat.size * s["filters"] != shapes["flat"]:  # the two cnnlab rules must agree
            raise RuntimeError(f"flatten size {flat.size * s['filters']} != {shapes['flat']}")
        return {"input": x, "result": pooled, "shapes": shapes, "settings": s}

    def _draw(self, c):
        s, shapes, x, pooled = c["settings"], c["shapes"], c["input"], c["result"]
        self.panels["input"].value = self._png(x)
        self.captions["input"].value = f"input {x.shape[0]}×{x.shape[1]}×1"
        self.panels["filter 1 after ReLU and pooling"].value = self._png(pooled)
        self.captions[
            "filter 1 after ReLU and pooling"
        ].value = (
            f"filter 1 of {s['filters']} (random, untrained): {pooled.shape[0]}×{pooled.shape[1]}"
        )
        k, p, u = s["kernel_size"], s["pool_size"], s["units"]
        pad = s["padding"] if isinstance(s["padding"], int) else f"'{s['padding']}'"
        rows = [
            ("Input", _fmt_shape((s["input_size"], s["input_size"], 1)), 0),
            (
                f"Conv2D({s['filters']}, {k}×{k}, stride {s['stride']}, padding {pad})",
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


def fc_explorer(
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
        Pixels of the longer side of the image panels (default 512); smaller renders faster.

    Returns
    -------
    FCExplorer
        ``.result`` is the pooled map of filter 1; ``.computed["shapes"]`` holds ``conv``,
        ``pool`` (shapes), ``flat``, ``conv_params`` and ``dense_params``; ``.table`` the HTML
        table.

    Examples
    --------
    >>> ex = fc_explorer(input_size=28, kernel_size=3, filters=32, pool_size=2, units=10)
    >>> ex.computed["shapes"]["flat"], ex.computed["shapes"]["dense_params"]
    (5408, 54090)
    """
    return FCExplorer(
        image,
        input_size=input_size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        filters=filters,
        pool_size=pool_size,
        units=units,
        seed=seed,
        display_side=display_side,
    )
