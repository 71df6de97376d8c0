"""The convolution explorer: an image, a kernel, and the feature map they make."""

from __future__ import annotations

import numpy as np

from .. import render
from ..images import to_gray
from ..ops import conv2d, pad2d
from ..shapes import output_shape, resolve_padding
from ._core import (
    PADDING_MODES,
    Explorer,
    ImageChoice,
    KernelChoice,
    conv_controls,
    conv_settings,
    size_readout,
)

__all__ = [
    "ConvExplorer",
    "ImageKernelExplorer",
    "conv_explorer",
    "conv_feature_map",
    "dilated_kernel_view",
]

_MODE_LABEL = {mode: label for label, mode in PADDING_MODES.items()}


def dilated_kernel_view(kernel, dilation):
    """The kernel spread out by ``dilation``, with NaN in the gaps (for drawing).

    Examples
    --------
    >>> dilated_kernel_view(np.ones((2, 2)), 2)
    array([[ 1., nan,  1.],
           [nan, nan, nan],
           [ 1., nan,  1.]])
    """
    k = np.asarray(kernel, dtype=float)
    if dilation == 1:
        return k
    kh, kw = k.shape
    out = np.full((dilation * (kh - 1) + 1, dilation * (kw - 1) + 1), np.nan)
    out[::dilation, ::dilation] = k
    return out


def conv_feature_map(image, kernel, stride=1, padding=0, dilation=1, padding_mode="constant"):
    """Gray image, padding, padded image and feature map, computed by the cnnlab core.

    ``pad2d(to_gray(image), padding, mode)`` followed by a valid ``conv2d``; with zero padding
    this equals ``conv2d(to_gray(image), kernel, stride=..., padding=..., dilation=...)``.

    Parameters
    ----------
    image : ndarray, shape (H, W) or (H, W, 3)
    kernel : ndarray, shape (kh, kw)
    stride, padding, dilation :
        As for :func:`cnnlab.conv2d`.
    padding_mode : str, default "constant"
        A mode of :func:`cnnlab.pad2d`.

    Returns
    -------
    x : ndarray, shape (H, W)
    pads : ((top, bottom), (left, right))
    padded : ndarray, shape (H + top + bottom, W + left + right)
    feature_map : ndarray, shape (H', W')

    Raises
    ------
    ValueError
        cnnlab's message when the kernel does not fit (quoting the unpadded size).

    Examples
    --------
    >>> x, pads, padded, fmap = conv_feature_map(np.ones((5, 5)), np.ones((3, 3)), 2, "same")
    >>> pads, padded.shape, fmap.tolist()
    (((1, 1), (1, 1)), (7, 7), [[4.0, 6.0, 4.0], [6.0, 9.0, 6.0], [4.0, 6.0, 4.0]])
    """
    x = to_gray(image)
    pads = resolve_padding(padding, x.shape, kernel.shape, stride, dilation)
    # validate with the unpadded size, so the message quotes the learner's numbers
    output_shape(x.shape, kernel.shape, stride, pads, dilation)
    padded = pad2d(x, pads, mode=padding_mode)
    return x, pads, padded, conv2d(padded, kernel, stride=stride, dilation=dilation)


class ImageKernelExplorer(Explorer):
    """Base of the explorers of one convolution of an image: image and kernel menus, sliders.

    Subclasses set their own attributes, then call ``super().__init__`` with the slider set
    (:func:`conv_controls`), their own controls and their panels; it draws the first picture.
    :meth:`_settings` gives :func:`conv_settings` plus ``"image"`` and ``"kernel"``, and the
    "kernel size" slider follows the chosen kernel (:meth:`KernelChoice.fit_slider`).
    """

    def __init__(self, image, kernel, structure, own_controls, panels, *, display_side=None):
        self.image_choice = ImageChoice(image)
        self.kernel_choice = KernelChoice(kernel)
        controls = {
            **self.image_choice.controls,
            **self.kernel_choice.controls,
            **structure,
            **own_controls,
        }
        super().__init__(controls, panels, display_side=display_side)
        self._react(None)
        self.update()

    def _react(self, change):
        self.kernel_choice.fit_slider(self.controls["kernel size"], change)

    def _settings(self):
        s = conv_settings(self.controls)
        s["image"] = self.image_choice.image()
        s["kernel"] = self.kernel_choice.kernel(s["kernel_size"])
        return s


class ConvExplorer(ImageKernelExplorer):
    """Convolution explorer; build it with :func:`conv_explorer`."""

    title = "Convolution explorer"

    def __init__(
        self,
        image="camera",
        kernel="sobel vertical",
        *,
        kernel_size=3,
        stride=1,
        padding=0,
        dilation=1,
        padding_mode="zero",
        display_side=None,
    ):
        self._cache = {}
        super().__init__(
            image,
            kernel,
            conv_controls(
                kernel_size, stride, padding, dilation=dilation, padding_mode=padding_mode
            ),
            {},
            {"input (gray, padded)": "36%", "kernel": "22%", "feature map": "39%"},
            display_side=display_side,
        )

    def _readout(self, s):
        image, kernel = s["image"], s["kernel"]
        colour = ", converted to gray" if image.ndim == 3 else ""
        head = (
            f"input {image.shape[0]}×{image.shape[1]}{colour}; kernel "
            f"{self.kernel_choice.describe(kernel)}; stride {s['stride']}; dilation "
            f"{s['dilation']}; {_MODE_LABEL[s['padding_mode']]} padding"
        )
        body = size_readout(
            image.shape[:2],
            kernel.shape,
            s["stride"],
            s["padding"],
            s["dilation"],
            name="feature map",
        )
        note = self.image_choice.note
        return "\n".join([head, body, *([note] if note else [])])

    def _compute(self, s):
        x, pads, padded, fmap = conv_feature_map(
            s["image"], s["kernel"], s["stride"], s["padding"], s["dilation"], s["padding_mode"]
        )
        return {
            "input": x,
            "padded": padded,
            "pads": pads,
            "kernel": s["kernel"],
            "settings": s,
            "result": fmap,
        }

    def _draw(self, c):
        s, (pt, pb), (pl, pr) = c["settings"], *c["pads"]
        x, padded, fmap = c["input"], c["padded"], c["result"]
        key = (id(s["image"]), c["pads"], s["padding_mode"])
        if self._cache.get("input") != key:
            frame = (pt, pl, *x.shape) if (pt, pb, pl, pr) != (0, 0, 0, 0) else None
            self.panels["input (gray, padded)"].value = self._png(padded, frame=frame)
            self._cache["input"] = key
        caption = f"input {x.shape[0]}×{x.shape[1]}"
        if padded.shape == x.shape:
            caption += " (no padding)"
        else:
            caption += f" → padded {padded.shape[0]}×{padded.shape[1]}"
        self.captions["input (gray, padded)"].value = caption
        self._draw_kernel(c["kernel"], s["dilation"])
        self.panels["feature map"].value = self._png(fmap, colorbar=True)
        self.captions["feature map"].value = f"feature map {fmap.shape[0]}×{fmap.shape[1]}"

    def _draw_kernel(self, kernel, dilation):
        shown = dilated_kernel_view(kernel, dilation)
        key = (shown.tobytes(), shown.shape)
        if self._cache.get("kernel") != key:
            self.panels["kernel"].value = render.grid_png(shown, side=min(300, self.side))
            self._cache["kernel"] = key
        self.captions["kernel"].value = f"kernel {self.kernel_choice.describe(kernel)}"

    def _clear(self):
        self._blank("feature map")
        self.captions["feature map"].value = "feature map: none"
        if self.settings is not None:  # the kernel exists, only the feature map does not
            self._draw_kernel(self.settings["kernel"], self.settings["dilation"])
        else:  # no kernel could be read
            self.panels["kernel"].value = render.blank_png(300, 300, "?")
            self.captions["kernel"].value = "kernel: none"
            self._cache.pop("kernel", None)


def conv_explorer(
    image="camera",
    kernel="sobel vertical",
    *,
    kernel_size=3,
    stride=1,
    padding=0,
    dilation=1,
    padding_mode="zero",
    display_side=None,
):
    """Explore a convolution: pick an image and a kernel, move the sliders, see the feature map.

    Shows the padded input (the original image outlined), the kernel with its numbers (spread
    out when dilated) and the feature map ``conv2d(pad2d(x, padding, mode), kernel, stride,
    dilation)``, with a readout of the output size that fills the formula
    :math:`\\lfloor (i + 2p - k) / s \\rfloor + 1` in with the current numbers (per axis when
    rows and columns differ; for ``'same'`` TensorFlow's :math:`\\lceil i / s \\rceil` and the
    padding it implies; for dilation the effective kernel :math:`d(k - 1) + 1`).

    Parameters
    ----------
    image : str or ndarray, default "camera"
        A bundled picture (:data:`cnnlab.images.IMAGE_NAMES`) or an array of shape (H, W),
        (H, W, 3) or (H, W, 4) of any dtype (bool, uint8, float). Colour is converted to gray
        for the convolution; images larger than :data:`cnnlab.images.MAX_SIDE` are shrunk.
        Learners can also upload their own picture.
    kernel : str or ndarray, default "sobel vertical"
        A name of :data:`cnnlab.kernels.KERNELS` (built at the "kernel size"), ``"custom"``
        (the numbers typed into the text box, e.g. ``1 0 -1; 2 0 -2; 1 0 -1``) or a 2-D array.
    kernel_size, stride, padding, dilation :
        Initial slider values; ``padding`` may be a number or "valid", "same", "full".
    padding_mode : {"zero", "reflect", "replicate"}, default "zero"
        How the border is filled (:func:`cnnlab.pad2d`).
    display_side : int, optional
        Pixels of the longer side of the image panels (default
        :data:`cnnlab.render.DISPLAY_SIDE`, 512); smaller renders faster.

    Returns
    -------
    ConvExplorer
        An ``ipywidgets.VBox`` (display it by leaving it last in a cell) with ``.controls``,
        ``.panels``, ``.result`` (the feature map), ``.readout`` and ``.message``; see
        :class:`cnnlab.widgets.Explorer`.

    Examples
    --------
    >>> ex = conv_explorer(np.eye(8), kernel="box blur", stride=2, padding=1)
    >>> ex.result.shape
    (4, 4)
    >>> print(ex.readout.splitlines()[1])
    feature map: 4 × 4
    >>> ex.set(kernel_size=11).message[:38]
    'kernel_size=11 does not fit: the kerne'
    """
    return ConvExplorer(
        image,
        kernel,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        padding_mode=padding_mode,
        display_side=display_side,
    )
