"""The convolution explorer: an image, a kernel, and the feature map they make."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..conv import conv2d
from ..images import to_gray
from ..padding import pad2d
from ..shapes import explain_output_shape, output_shape, resolve_padding
from .base import ImageKernelExplorer
from .pictures import blank_svg, grid_svg
from .png import array_to_png
from .settings import PADDING_MODES, ConvSettings, ConvStart, FrozenArray, starts_from_conv

__all__ = [
    "ConvExplorer",
    "conv_explorer",
    "conv_feature_map",
    "dilated_kernel_view",
    "feature_map",
    "frozen_feature_map",
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
    kernel = np.asarray(kernel, dtype=float)
    x = to_gray(image)
    pads = resolve_padding(padding, x.shape, kernel.shape, stride, dilation)
    # validate with the unpadded size, so the message quotes the learner's numbers
    output_shape(x.shape, kernel.shape, stride, pads, dilation)
    padded = pad2d(x, pads, mode=padding_mode)
    return x, pads, padded, conv2d(padded, kernel, stride=stride, dilation=dilation)


@lru_cache(maxsize=16)
def feature_map(image: FrozenArray, kernel: FrozenArray, conv: ConvSettings) -> tuple:
    """:func:`conv_feature_map` of frozen arrays and settings, computed once per combination.

    Returns the same four arrays, read-only (they are shared by every caller).

    Examples
    --------
    >>> image, kernel = FrozenArray.of(np.ones((5, 5))), FrozenArray.of(np.ones((3, 3)))
    >>> first = feature_map(image, kernel, ConvSettings(3, 2, "same"))
    >>> first[3].tolist(), feature_map(image, kernel, ConvSettings(3, 2, "same")) is first
    ([[4.0, 6.0, 4.0], [6.0, 9.0, 6.0], [4.0, 6.0, 4.0]], True)
    """
    arrays = conv_feature_map(
        image.array, kernel.array, conv.stride, conv.padding, conv.dilation, conv.padding_mode
    )
    for arr in (arrays[0], arrays[2], arrays[3]):
        arr.setflags(write=False)
    return arrays


@lru_cache(maxsize=16)
def frozen_feature_map(image: FrozenArray, kernel: FrozenArray, conv: ConvSettings) -> FrozenArray:
    """The feature map of :func:`feature_map` as a :class:`FrozenArray` (a hashable key itself).

    Examples
    --------
    >>> image, kernel = FrozenArray.of(np.ones((4, 4))), FrozenArray.of(np.ones((3, 3)))
    >>> frozen_feature_map(image, kernel, ConvSettings()).array
    array([[9., 9.],
           [9., 9.]])
    """
    return FrozenArray.of(feature_map(image, kernel, conv)[3])


class ConvExplorer(ImageKernelExplorer):
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
        :data:`cnnlab.widgets.base.PANEL_SIDE`, 320: about their displayed size; larger
        arrays are sent as block means); smaller renders faster.

    Attributes
    ----------
    result : ndarray
        The feature map; see :class:`cnnlab.widgets.Explorer` for ``.controls``, ``.panels``,
        ``.readout``, ``.message`` and :meth:`~cnnlab.widgets.Explorer.set`.

    Examples
    --------
    >>> ex = ConvExplorer(np.eye(8), kernel="box blur", stride=2, padding=1)
    >>> ex.result.shape
    (4, 4)
    >>> print(ex.readout.splitlines()[1])
    feature map: 4 × 4
    >>> ex.set(kernel_size=11).message[:38]
    'kernel_size=11 does not fit: it is lar'
    """

    title = "Convolution explorer"

    @starts_from_conv
    def __init__(self, *args, dilation=1, padding_mode="zero", **start):
        super().__init__(
            ConvStart(*args, **start),
            {},
            {"input (gray, padded)": "29%", "kernel": "19%", "feature map": "49%"},
            conv_options={"dilation": dilation, "padding_mode": padding_mode},
            colorbars=("feature map",),
            drawings=("kernel",),
        )

    def _readout(self, s):
        image, kernel, conv = s.image, s.kernel, s.conv
        colour = ", converted to gray" if image.array.ndim == 3 else ""
        head = (
            f"input {image.shape[0]}×{image.shape[1]}{colour}; kernel "
            f"{self.kernel_choice.describe(kernel)}; stride {conv.stride}; dilation "
            f"{conv.dilation}; {_MODE_LABEL[conv.padding_mode]} padding"
        )
        body = explain_output_shape(
            image.shape[:2],
            kernel.shape,
            conv.stride,
            conv.padding,
            conv.dilation,
            name="feature map",
        )
        note = self.image_choice.note
        return "\n".join([head, body, *([note] if note else [])])

    def _compute(self, s):
        x, pads, padded, fmap = feature_map(s.image, s.kernel, s.conv)
        return {"input": x, "padded": padded, "pads": pads, "settings": s, "result": fmap}

    def _draw(self, c):
        s, x, padded, fmap = c["settings"], c["input"], c["padded"], c["result"]
        self.panels["input (gray, padded)"].value = _input_png(
            s.image, c["pads"], s.conv.padding_mode, self.side
        )
        caption = f"input {x.shape[0]}×{x.shape[1]}"
        if padded.shape == x.shape:
            caption += " (no padding)"
        else:
            caption += f" → padded {padded.shape[0]}×{padded.shape[1]}"
        self.captions["input (gray, padded)"].value = caption
        self._draw_kernel(s)
        self._show_map("feature map", fmap)
        self.captions["feature map"].value = f"feature map {fmap.shape[0]}×{fmap.shape[1]}"

    def _draw_kernel(self, s):
        shown = dilated_kernel_view(s.kernel.array, s.conv.dilation)
        self.panels["kernel"].value = grid_svg(shown, side=300)
        self.captions["kernel"].value = f"kernel {self.kernel_choice.describe(s.kernel)}"

    def _clear(self):
        self._blank("feature map")
        self.captions["feature map"].value = "feature map: none"
        if self.settings is not None:  # the kernel exists, only the feature map does not
            self._draw_kernel(self.settings)
        else:  # no kernel could be read
            self.panels["kernel"].value = blank_svg(300, 300, "?")
            self.captions["kernel"].value = "kernel: none"


@lru_cache(maxsize=32)
def _input_png(image: FrozenArray, pads, padding_mode, side) -> bytes:
    """The padded gray input with the image outlined: drawn once per image and padding."""
    x = to_gray(image.array)
    (pt, pb), (pl, pr) = pads
    frame = (pt, pl, *x.shape) if (pt, pb, pl, pr) != (0, 0, 0, 0) else None
    return array_to_png(pad2d(x, pads, mode=padding_mode), side=side, frame=frame)


#: The name the notebooks call: ``widgets.conv_explorer(...)`` is :class:`ConvExplorer`.
conv_explorer = ConvExplorer
