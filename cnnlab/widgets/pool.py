"""The pooling explorer: max, average and L2 pooling of an image or of a feature map."""

from __future__ import annotations

from dataclasses import dataclass

from ..kernels import KERNELS
from ..pool import pool2d
from ..shapes import explain_output_shape, output_shape
from .base import ImageExplorer
from .choices import FIXED_SIZE_KERNELS, KernelChoice
from .controls import conv_controls, conv_settings, preset_tooltip, toggle
from .conv import frozen_feature_map
from .layout import section_heading
from .settings import ConvSettings, FrozenArray

__all__ = ["PoolExplorer", "PoolSettings", "pool_explorer"]

_POOL_BOX = "pooling (the kernel size is the pool size)"
_CONV_BOX = "convolution feeding the pool"
# the controls of the convolution (its own sliders: "conv kernel size" is set with
# ``set(conv_kernel_size=5)``)
_CONV = "conv "


@dataclass(frozen=True)
class PoolSettings:
    """What is pooled (the image, or its feature map) and how."""

    image: FrozenArray
    pool: ConvSettings
    mode: str
    source: str
    conv_kernel: FrozenArray | None = None
    conv: ConvSettings | None = None


def _shape_text(arr):
    return "×".join(str(n) for n in arr.shape)


class PoolExplorer(ImageExplorer):
    """Explore max, average and L2 pooling of an image or of a convolution's feature map.

    Two framed sets of sliders, built like every explorer's (:func:`conv_controls`):

    * **convolution feeding the pool**: its kernel, "kernel size", "stride" and "padding"
      (zero padding), live when the "pool" switch is on "conv feature map" (greyed out while
      the image itself is pooled); set them with ``set(conv_kernel_size=5, conv_padding=...)``;
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
        Pixels of the longer side of the image panels (default :data:`~cnnlab.widgets.base.PANEL_SIDE`, 320: about their displayed size; larger arrays are sent as block means); smaller renders faster.

    Attributes
    ----------
    result : ndarray
        The pooled array; ``.computed["input"]`` is what was pooled and ``.sections`` holds
        the two framed boxes of controls. See :class:`cnnlab.widgets.Explorer`.

    Examples
    --------
    >>> import numpy as np
    >>> ex = PoolExplorer(np.arange(16.0).reshape(4, 4))
    >>> ex.result
    array([[ 5.,  7.],
           [13., 15.]])
    >>> ex.readout.splitlines()[-1]
    '4 of 16 values per channel kept (25.0%); 75.0% discarded'
    >>> _ = ex.set(pool="conv feature map", conv_kernel="box blur", conv_padding="valid")
    >>> ex.computed["input"].shape, ex.result.shape
    ((2, 2), (1, 1))
    """

    title = "Pooling explorer"
    main_panel = "pooled"

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
        self.conv_choice = KernelChoice(conv_kernel, custom=False)
        conv = conv_controls(conv_kernel_size, conv_stride, conv_padding, prefix=_CONV)
        controls = {
            "pool": toggle("pool", ("image", "conv feature map"), source, "170px"),
            **conv_controls(kernel_size, stride, padding),
            "mode": toggle("mode", ("max", "avg", "l2"), mode, "70px"),
            _CONV + "kernel": self.conv_choice.controls["kernel"],
            **conv,
        }
        super().__init__(
            image,
            controls,
            {"input": "48%", "pooled": "48%"},
            display_side=display_side,
            colorbars=("input", "pooled"),
            sections=[  # in the order the data flows: image -> convolution -> pooling
                (_CONV_BOX, [_CONV + "kernel", *conv]),
                (_POOL_BOX, ["kernel size", "stride", "padding", "padding preset", "mode"]),
            ],
        )

    def _react(self, change):
        on = self.controls["pool"].value != "image"
        self.conv_choice.fit_slider(self.controls[_CONV + "kernel size"], change)
        preset = self.controls[_CONV + "padding preset"]
        for name in ("kernel", "stride", "padding preset"):
            self.controls[_CONV + name].disabled = not on
        self.controls[_CONV + "padding"].disabled = not on or preset.value != "number"
        if not on:
            self.controls[_CONV + "kernel size"].disabled = True
        off = "off: the pool takes the image itself (choose 'conv feature map')"
        for name in ("kernel", "stride", "padding preset"):
            self.controls[_CONV + name].tooltip = None if on else off
        self.controls[_CONV + "padding"].tooltip = preset_tooltip(preset.value) if on else off
        if not on:
            self.controls[_CONV + "kernel size"].tooltip = off
        state = "" if on else " (off: the pool takes the image itself)"
        self.sections[_CONV_BOX].children[0].value = section_heading(_CONV_BOX + state)

    def _settings(self):
        source = self.controls["pool"].value
        conv = kernel = None
        if source != "image":
            conv = conv_settings(self.controls, prefix=_CONV)
            kernel = self.conv_choice.kernel(conv.kernel_size)
        return PoolSettings(
            image=self.image_choice.image(),
            pool=conv_settings(self.controls),
            mode=self.controls["mode"].value,
            source=source,
            conv_kernel=kernel,
            conv=conv,
        )

    def _input(self, s) -> FrozenArray:
        """What is pooled: the image, or the feature map of the convolution (zero padding)."""
        if s.source == "image":
            return s.image
        return frozen_feature_map(s.image, s.conv_kernel, s.conv)

    def _readout(self, s):
        lines = []
        if s.source != "image":
            conv = s.conv
            colour = ", converted to gray" if s.image.array.ndim == 3 else ""
            lines += [
                f"input {s.image.shape[0]}×{s.image.shape[1]}{colour}; kernel "
                f"{self.conv_choice.describe(s.conv_kernel)}; stride {conv.stride}; zero padding",
                explain_output_shape(
                    s.image.shape[:2],
                    s.conv_kernel.shape,
                    conv.stride,
                    conv.padding,
                    name="feature map",
                ),
            ]
            try:
                x = self._input(s)
            except ValueError:  # the convolution has no output: say so, pooling waits
                return "\n".join(lines)
        else:
            x = s.image
        k, stride, padding = s.pool.kernel_size, s.pool.stride, s.pool.padding
        lines += [
            f"{s.mode} pooling of the {s.source} ({x.shape[0]}×{x.shape[1]}); "
            f"pool size = kernel size = {k}; stride {stride}",
            explain_output_shape(x.shape[:2], k, stride, padding, name="pooled"),
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
        pool = s.pool
        pooled = pool2d(
            x.array, pool.kernel_size, stride=pool.stride, padding=pool.padding, mode=s.mode
        )
        return {"input": x.array, "frozen input": x, "result": pooled, "settings": s}

    def _draw(self, c):
        x, pooled, s = c["frozen input"], c["result"], c["settings"]
        self._show_map("input", x)
        self.captions["input"].value = f"{s.source} {_shape_text(x.array)}"
        self._show_map("pooled", pooled)
        self.captions["pooled"].value = f"{s.mode} pooled {_shape_text(pooled)}"

    def _clear(self):
        self._blank("pooled")
        self.captions["pooled"].value = "pooled: none"
        s = self.settings
        if s is not None and s.source != "image":
            try:
                self._input(s)
            except ValueError:  # the convolution itself has no output
                self._blank("input")
                self.captions["input"].value = "conv feature map: none"


#: The name the notebooks call: ``widgets.pool_explorer(...)`` is :class:`PoolExplorer`.
pool_explorer = PoolExplorer
