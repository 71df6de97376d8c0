"""Every explorer's controls: one factory per kind of widget, one style, the shared choosers.

* :func:`slider`, :func:`float_slider`, :func:`toggle`, :func:`dropdown`: the only places
  widgets get their look (:data:`STYLE`, full-width layout), so every explorer looks the same;
* :func:`conv_controls` and :func:`conv_settings`: the "kernel size", "stride" and "padding"
  sliders (with padding presets, dilation and padding mode when asked), read back as a
  :class:`~cnnlab.widgets.settings.ConvSettings`;
* :class:`KernelChoice` and :class:`ImageChoice`: the kernel and image menus with the arrays
  they stand for (as :class:`~cnnlab.widgets.settings.FrozenArray`).
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
from ..shapes import PADDING_PRESETS
from .settings import PADDING_MODES, ConvSettings, FrozenArray

__all__ = [
    "CUSTOM",
    "FIXED_SIZE_KERNELS",
    "MAX_UPLOAD_PIXELS",
    "STYLE",
    "ImageChoice",
    "KernelChoice",
    "conv_controls",
    "conv_settings",
    "dropdown",
    "float_slider",
    "kernel_sizes",
    "preset_tooltip",
    "slider",
    "toggle",
]

#: Uploads with more pixels than this are refused before decoding (they would need GBs of RAM).
MAX_UPLOAD_PIXELS = 50_000_000
#: The kernel-menu entry that reads the kernel from the text box.
CUSTOM = "custom"
#: Named kernels that exist at one size only; the menus offer them after :data:`KERNELS`.
FIXED_SIZE_KERNELS = ("laplacian", "curve detector")
#: The style of every control: the description in full, never cut off.
STYLE = {"description_width": "initial"}


def _wide():
    return widgets.Layout(width="95%", min_width="260px")


def slider(description, value, lo, hi, *, continuous_update=True, **kw) -> widgets.IntSlider:
    """An integer slider from ``lo`` to ``hi`` in the explorers' style.

    Examples
    --------
    >>> s = slider("stride", 2, 1, 4)
    >>> s.description, s.value, (s.min, s.max)
    ('stride', 2, (1, 4))
    """
    return widgets.IntSlider(
        value=int(value),
        min=int(lo),
        max=int(hi),
        step=1,
        description=description,
        continuous_update=continuous_update,
        style=STYLE,
        layout=_wide(),
        **kw,
    )


def float_slider(description, value, lo, hi, step, *, log_base=None, **kw) -> widgets.Widget:
    """A float slider (``log_base``: a log slider whose ``lo``/``hi`` are exponents).

    Examples
    --------
    >>> float_slider("dropout rate", 0.5, 0.0, 0.9, 0.05).value
    0.5
    >>> float_slider("β", 1.0, -2, 4, 0.25, log_base=2).base
    2.0
    """
    kind = widgets.FloatSlider if log_base is None else widgets.FloatLogSlider
    extra = {} if log_base is None else {"base": log_base}
    return kind(
        value=float(value),
        min=lo,
        max=hi,
        step=step,
        description=description,
        style=STYLE,
        layout=_wide(),
        **extra,
        **kw,
    )


def toggle(description, options, value, width="90px", **kw) -> widgets.ToggleButtons:
    """A row of toggle buttons of equal ``width``.

    Examples
    --------
    >>> toggle("mode", ("max", "avg"), "avg").value
    'avg'
    """
    return widgets.ToggleButtons(
        options=list(options),
        value=value,
        description=description,
        style={**STYLE, "button_width": width},
        **kw,
    )


def dropdown(description, options, value) -> widgets.Dropdown:
    """A menu (``options``: values, or ``(label, value)`` pairs).

    Examples
    --------
    >>> dropdown("filters", [4, 8, 16], 8).value
    8
    """
    return widgets.Dropdown(
        options=options, value=value, description=description, style=STYLE, layout=_wide()
    )


def preset_tooltip(preset) -> str | None:
    """Why the "padding" slider is off while a padding preset is chosen (None for "number").

    Examples
    --------
    >>> preset_tooltip("same")
    "off: the padding comes from the preset 'same' (choose 'number' to set it here)"
    >>> preset_tooltip("number") is None
    True
    """
    if preset == "number":
        return None
    return f"off: the padding comes from the preset {preset!r} (choose 'number' to set it here)"


def conv_controls(
    kernel_size=3,
    stride=1,
    padding=0,
    *,
    dilation=None,
    padding_mode=None,
    kernel_sizes=(1, 11),
    strides=(1, 4),
    paddings=(0, 5),
    dilations=(1, 4),
    presets=True,
    continuous_update=True,
    prefix="",
):
    """The common sliders of every explorer: "kernel size", "stride" and "padding".

    Every explorer builds its controls here, so they look and behave the same everywhere.
    An explorer with two layers (e.g. a convolution feeding a pooling layer) builds a second
    set with a ``prefix`` for its keys; the sliders keep their labels.

    Parameters
    ----------
    kernel_size, stride : int
        Initial values.
    padding : int or {"valid", "same", "full"}
        Initial padding: an amount (the "padding" slider) or a preset.
    dilation : int, optional
        Add a "dilation" slider starting here.
    padding_mode : {"zero", "reflect", "replicate"}, optional
        Add a "padding mode" choice (what the padded border is filled with).
    kernel_sizes, strides, paddings, dilations : (int, int)
        Ranges ``(min, max)`` of the sliders.
    presets : bool, default True
        Add the "padding preset" buttons (``number``, ``valid``, ``same``, ``full``); while a
        preset other than ``number`` is chosen, the "padding" slider is disabled.
    continuous_update : bool, default True
        Recompute while a slider is dragged (False: when it is released).
    prefix : str, default ""
        Put in front of every key (``"conv "`` gives ``"conv kernel size"``, ...).

    Returns
    -------
    dict of str -> ipywidgets.Widget
        Keys ``"kernel size"``, ``"stride"``, ``"padding"`` and, as requested,
        ``"padding preset"``, ``"dilation"``, ``"padding mode"`` (each after ``prefix``).
        Read them with :func:`conv_settings`.

    Examples
    --------
    >>> controls = conv_controls(5, 2, "same", dilation=1)
    >>> sorted(controls)
    ['dilation', 'kernel size', 'padding', 'padding preset', 'stride']
    >>> conv_settings(controls)
    ConvSettings(kernel_size=5, stride=2, padding='same', dilation=1, padding_mode='constant')
    >>> conv = conv_controls(3, 1, "same", prefix="conv ")
    >>> sorted(conv), conv["conv kernel size"].description
    (['conv kernel size', 'conv padding', 'conv padding preset', 'conv stride'], 'kernel size')
    >>> conv_settings(conv, prefix="conv ").padding
    'same'
    """
    preset = "number"
    if isinstance(padding, str):
        if padding.lower() not in PADDING_PRESETS:
            raise ValueError(
                f"padding must be an integer >= 0 or one of {PADDING_PRESETS}; got {padding!r}."
            )
        preset, padding = padding.lower(), 0
        if not presets:
            raise ValueError(f"padding={preset!r} needs presets=True.")
    kw = {"continuous_update": continuous_update}
    controls = {
        "kernel size": slider("kernel size", kernel_size, *kernel_sizes, **kw),
        "stride": slider("stride", stride, *strides, **kw),
        "padding": slider("padding", padding, *paddings, **kw),
    }
    if presets:
        buttons = toggle(
            "padding preset",
            ["number", *PADDING_PRESETS],
            preset,
            "78px",
            tooltips=[
                "use the padding slider",
                "no padding",
                "TensorFlow: output = ceil(input / stride)",
                "kernel size - 1 on every side",
            ],
        )
        amount = controls["padding"]

        def _toggle(change, amount=amount):
            amount.disabled = change["new"] != "number"
            amount.tooltip = preset_tooltip(change["new"])

        _toggle({"new": preset})
        buttons.observe(_toggle, names="value")
        controls["padding preset"] = buttons
    if dilation is not None:
        controls["dilation"] = slider("dilation", dilation, *dilations, **kw)
    if padding_mode is not None:
        if padding_mode not in PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {tuple(PADDING_MODES)}; got {padding_mode!r}."
            )
        controls["padding mode"] = toggle(
            "padding mode",
            PADDING_MODES,
            padding_mode,
            "90px",
            tooltips=["fill with 0", "mirror the image", "repeat the edge pixel"],
        )
    return {prefix + name: control for name, control in controls.items()}


def conv_settings(controls, prefix="") -> ConvSettings:
    """Read the values of controls made by :func:`conv_controls` as typed settings.

    Parameters
    ----------
    controls : dict of str -> Widget
    prefix : str, default ""
        The ``prefix`` the controls were made with.

    Returns
    -------
    ConvSettings
        ``padding`` is an int or a preset name; ``dilation`` is 1 and ``padding_mode``
        ``"constant"`` when those controls do not exist.

    Examples
    --------
    >>> conv_settings(conv_controls(3, 1, 2, padding_mode="reflect"))
    ConvSettings(kernel_size=3, stride=1, padding=2, dilation=1, padding_mode='reflect')
    """
    c = {name[len(prefix) :]: w for name, w in controls.items() if name.startswith(prefix)}
    preset = c["padding preset"].value if "padding preset" in c else "number"
    return ConvSettings(
        kernel_size=int(c["kernel size"].value),
        stride=int(c["stride"].value),
        padding=int(c["padding"].value) if preset == "number" else preset,
        dilation=int(c["dilation"].value) if "dilation" in c else 1,
        padding_mode=PADDING_MODES[c["padding mode"].value] if "padding mode" in c else "constant",
    )


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
