"""The explorers' kernel and image menus, with the arrays they stand for.

* :class:`KernelChoice`: the kernel menu (named kernels at the slider's size, fixed-size ones,
  a typed custom kernel), read as a :class:`~cnnlab.widgets.settings.FrozenArray`;
* :class:`ImageChoice`: the image menu and the upload button (decoded, checked, shrunk).
"""

from __future__ import annotations

import io
import itertools
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from .. import images as _images
from .. import kernels as _kernels
from ..kernels import KERNEL_EXAMPLE, MAX_KERNEL_SIDE, format_kernel, parse_kernel
from .controls import STYLE, dropdown
from .settings import FrozenArray

__all__ = [
    "CUSTOM",
    "FIXED_SIZE_KERNELS",
    "MAX_UPLOAD_PIXELS",
    "ImageChoice",
    "KernelChoice",
    "kernel_sizes",
]

#: Uploads with more pixels than this are refused before decoding (they would need GBs of RAM).
MAX_UPLOAD_PIXELS = 50_000_000
#: The kernel-menu entry that reads the kernel from the text box.
CUSTOM = "custom"
#: Named kernels that exist at one size only; the menus offer them after :data:`KERNELS`.
FIXED_SIZE_KERNELS = ("laplacian", "curve detector")


@lru_cache(maxsize=256)
def kernel_sizes(name, lo=1, hi=MAX_KERNEL_SIDE) -> tuple:
    """The sizes from ``lo`` to ``hi`` at which a named kernel exists.

    Asks :func:`cnnlab.kernels.get_kernel` itself, so the sliders follow the kernels' rules.

    Examples
    --------
    >>> kernel_sizes("sobel vertical", 1, 11), kernel_sizes("emboss", 1, 6)
    ((3, 5, 7, 9, 11), (1, 3, 5))
    >>> kernel_sizes("laplacian"), len(kernel_sizes("box blur"))
    ((3,), 15)
    """
    sizes = []
    for n in range(int(lo), int(hi) + 1):
        try:
            _kernels.get_kernel(name, n)
        except ValueError:
            continue
        sizes.append(n)
    return tuple(sizes)


class KernelChoice:
    """A kernel menu (named kernels, optional fixed kernels, custom text) and its text box.

    Parameters
    ----------
    kernel : str or ndarray
        Initial choice: a name of :data:`cnnlab.kernels.KERNELS` or :data:`FIXED_SIZE_KERNELS`,
        ``"custom"`` or a 2-D array (offered as ``fixed_label`` and also written into the text
        box).
    fixed_label : str
        Menu label of an array given as ``kernel``.
    custom : bool, default True
        Offer ``"custom"`` (numbers typed into the text box).

    Attributes
    ----------
    controls : dict
        ``"kernel"`` (Dropdown) and, with ``custom``, ``"custom kernel"`` (Textarea).
    """

    def __init__(
        self,
        kernel="sobel vertical",
        *,
        fixed_label="your kernel",
        text=KERNEL_EXAMPLE,
        custom=True,
    ):
        self.fixed = {}
        self._ranges = {}
        names = [*_kernels.KERNELS, *FIXED_SIZE_KERNELS]
        options = list(names)
        value = None
        if isinstance(kernel, str):
            key = kernel.lower().replace("_", " ")
            if key == CUSTOM and custom:
                value = CUSTOM
            elif key in names:
                value = key
            else:
                valid = ", ".join(repr(k) for k in [*names, *([CUSTOM] if custom else [])])
                raise ValueError(f"kernel must be one of {valid} or a 2-D array; got {kernel!r}.")
        else:
            arr = np.asarray(kernel, dtype=float)
            if arr.ndim != 2 or 0 in arr.shape:
                raise ValueError(
                    f"kernel must be a name or a 2-D array (kh, kw); got shape {arr.shape}."
                )
            self.fixed[fixed_label] = FrozenArray.of(arr)
            options.insert(0, fixed_label)
            value = fixed_label
            text = format_kernel(arr)
        self.controls = {
            "kernel": dropdown("kernel", options + ([CUSTOM] if custom else []), value)
        }
        if custom:
            self.controls["custom kernel"] = widgets.Textarea(
                value=text,
                description="custom kernel",
                placeholder=KERNEL_EXAMPLE,
                continuous_update=False,
                style=STYLE,
                layout=widgets.Layout(width="95%", min_width="260px", height="70px"),
            )
            box, menu = self.controls["custom kernel"], self.controls["kernel"]

            def _show_box(change=None):  # the text box only matters for "custom"
                box.layout.display = None if menu.value == CUSTOM else "none"

            _show_box()
            menu.observe(_show_box, names="value")

    @property
    def name(self) -> str:
        return self.controls["kernel"].value

    def fixed_size(self):
        """The kernel's own shape when it does not come from the kernel-size slider, else None.

        Custom and given kernels have their own shape, and so have the named kernels that exist
        at one size only (:data:`FIXED_SIZE_KERNELS`).
        """
        if self.name == CUSTOM:
            return parse_kernel(self.controls["custom kernel"].value).shape
        if self.name in self.fixed:
            return self.fixed[self.name].shape
        if self.name in FIXED_SIZE_KERNELS:
            n = kernel_sizes(self.name)[0]
            return (n, n)
        return None

    def kernel(self, size) -> FrozenArray:
        """The chosen kernel; named kernels are built at ``size`` (:func:`cnnlab.kernels.get_kernel`).

        Kernels of a fixed size (custom, given, :data:`FIXED_SIZE_KERNELS`) ignore ``size``.

        Examples
        --------
        >>> KernelChoice("box blur").kernel(2).array
        array([[0.25, 0.25],
               [0.25, 0.25]])
        """
        if self.name == CUSTOM:
            return FrozenArray.of(parse_kernel(self.controls["custom kernel"].value))
        if self.name in self.fixed:
            return self.fixed[self.name]
        if self.name in FIXED_SIZE_KERNELS:
            return FrozenArray.of(_kernels.get_kernel(self.name, self.fixed_size()[0]))
        return FrozenArray.of(_kernels.get_kernel(self.name, size))

    def describe(self, kernel) -> str:
        name = "custom" if self.name == CUSTOM else self.name
        return f"{name} {kernel.shape[0]}×{kernel.shape[1]}"

    def fit_slider(self, slider, change=None) -> None:
        """Let a kernel-size slider offer only the sizes the chosen kernel exists at.

        * A kernel of fixed size (custom, given, laplacian, curve detector): the slider shows
          that size and is disabled, with a tooltip saying why.
        * A kernel that needs a centre pixel (Sobel, emboss, outline): the slider steps over
          the even sizes (``step=2`` from the smallest valid size), and an even value is moved
          to the next odd one (the previous one when the value was going down).
        * Any other kernel: the slider's own range, every size.

        Parameters
        ----------
        slider : ipywidgets.IntSlider
            Its range when first seen here is the range restored for other kernels.
        change : dict, optional
            The trait change being handled (tells whether the slider was moving down).

        Examples
        --------
        >>> from cnnlab.widgets.controls import conv_controls
        >>> choice = KernelChoice("sobel vertical")
        >>> slider = conv_controls(4)["kernel size"]
        >>> choice.fit_slider(slider)
        >>> slider.min, slider.max, slider.step, slider.value
        (3, 11, 2, 5)
        >>> choice.controls["kernel"].value = "box blur"
        >>> choice.fit_slider(slider)
        >>> slider.min, slider.max, slider.step, slider.value
        (1, 11, 1, 5)
        """
        lo, hi = self._ranges.setdefault(slider.model_id, (slider.min, slider.max))
        fixed = self.fixed_size()
        sizes = kernel_sizes(self.name, lo, hi) if fixed is None else ()
        value = slider.value
        if fixed is None and len(sizes) == 1:  # only one size fits this slider
            fixed = (sizes[0], sizes[0])
        if fixed is not None:
            shape = f"{fixed[0]}×{fixed[1]}"
            if self.name == CUSTOM:
                tip = f"the custom kernel is {shape}: its size comes from the numbers typed"
            elif self.name in self.fixed:
                tip = f"{self.name} is {shape}: its size is fixed"
            elif sizes:
                tip = f"only {shape} of the {self.name} kernel fits here"
            else:
                tip = f"the {self.name} kernel only exists as {shape}"
            if fixed[0] == fixed[1] and lo <= fixed[0] <= hi:
                value = fixed[0]
            new = {"min": lo, "max": hi, "step": 1, "disabled": True, "tooltip": tip}
        elif len(sizes) < hi - lo + 1 and all(b - a == 2 for a, b in itertools.pairwise(sizes)):
            if value not in sizes:
                down = change is not None and change.get("owner") is slider
                down = down and change["new"] < change["old"]
                value = min(max(value - 1 if down else value + 1, sizes[0]), sizes[-1])
            tip = (
                f"the {self.name} kernel needs an odd size (a centre pixel): "
                f"{', '.join(map(str, sizes[:3]))}, ..."
            )
            new = {"min": sizes[0], "max": sizes[-1], "step": 2, "disabled": False, "tooltip": tip}
        else:
            new = {"min": lo, "max": hi, "step": 1, "disabled": False, "tooltip": None}
        with slider.hold_trait_notifications():  # validate the new range and value together
            for name, v in {**new, "value": value}.items():
                setattr(slider, name, v)


def _as_image(image) -> np.ndarray:
    """Any image array (bool, uint8, float, gray, RGB, RGBA) as float, at most MAX_SIDE."""
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    return _images.downscale(_images.to_float(arr), _images.MAX_SIDE)


class ImageChoice:
    """An image menu (the bundled scikit-image pictures, a given array, uploads) and an upload button.

    Attributes
    ----------
    controls : dict
        ``"image"`` (Dropdown) and ``"upload"`` (FileUpload).
    note : str
        What happened to the last upload (e.g. that it was shrunk), '' otherwise.
    """

    def __init__(self, image="camera", *, label="your image"):
        self._arrays = {}
        self.note = ""
        if isinstance(image, str):
            if image not in _images.IMAGE_NAMES:
                raise ValueError(
                    f"image must be one of {_images.IMAGE_NAMES} or an array; got {image!r}."
                )
            options, value = list(_images.IMAGE_NAMES), image
        else:
            self._arrays[label] = FrozenArray.of(_as_image(image))
            options, value = [label, *_images.IMAGE_NAMES], label
        self.controls = {
            "image": dropdown("image", options, value),
            "upload": widgets.FileUpload(
                accept="image/*",
                multiple=False,
                description="upload an image",
                layout=widgets.Layout(width="auto"),
            ),
        }

    def image(self) -> FrozenArray:
        """The chosen image as float (H, W) or (H, W, 3), at most MAX_SIDE pixels per side."""
        name = self.controls["image"].value
        if name not in self._arrays:
            self._arrays[name] = FrozenArray.of(_as_image(_images.load_image(name)))
        return self._arrays[name]

    def add_upload(self, value) -> str:
        """Decode an upload (``FileUpload.value``), add it to the menu and return its label."""
        if not value:
            return ""
        item = value[0]
        content = bytes(item["content"])
        name = str(item.get("name", "upload"))
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(content)) as img:
                width, height = img.size
        except (UnidentifiedImageError, OSError):
            raise ValueError(
                f"upload: {name!r} is not an image file that Pillow can read (PNG, JPEG, GIF, ...)."
            ) from None
        if width * height > MAX_UPLOAD_PIXELS:
            raise ValueError(
                f"upload: {name!r} is {width}×{height} pixels, more than the "
                f"{MAX_UPLOAD_PIXELS:,} this explorer accepts; shrink it before uploading."
            )
        arr = _images.read_image_bytes(content, max_side=_images.MAX_SIDE)
        label = f"upload: {name}"
        self._arrays[label] = FrozenArray.of(arr)
        h, w = arr.shape[:2]
        if (h, w) != (height, width):
            self.note = (
                f"{name} ({width}×{height}) was shrunk to {w}×{h} so the sliders stay fast "
                f"(at most {_images.MAX_SIDE} pixels per side)."
            )
        else:
            self.note = ""
        menu = self.controls["image"]
        if label not in menu.options:
            menu.options = [*menu.options, label]
        return label
