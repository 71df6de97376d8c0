"""The parts every explorer shares: controls, kernel and image choosers, readouts, the base class.

An explorer keeps three things apart:

* **controls**: ipywidgets (sliders, dropdowns), built by :func:`conv_controls` and friends;
* **compute**: a method that reads plain values from the controls and calls the cnnlab core
  (:func:`cnnlab.pad2d`, :func:`cnnlab.conv2d`, :func:`cnnlab.pool2d`, ...), returning arrays;
* **drawing**: a method that turns those arrays into PNG bytes (:mod:`cnnlab.render`) and puts
  them into ``ipywidgets.Image`` panels that were created once.

Invalid combinations raise cnnlab's ``ValueError``; :meth:`Explorer.update` shows its sentence in
the explorer's message area instead of a traceback, and the next valid setting draws again.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import traceback
from contextlib import contextmanager
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from .. import images as _images
from .. import kernels as _kernels
from .. import render
from ..shapes import PADDING_PRESETS, effective_kernel_size, output_size, padding_amounts

__all__ = [
    "CUSTOM",
    "FIXED_SIZE_KERNELS",
    "MAX_KERNEL_SIDE",
    "MAX_UPLOAD_PIXELS",
    "Explorer",
    "conv_controls",
    "conv_settings",
    "kernel_sizes",
    "parse_kernel",
    "size_formula",
    "size_readout",
]

#: Largest custom kernel accepted (rows and columns).
MAX_KERNEL_SIDE = 15
#: Uploads with more pixels than this are refused before decoding (they would need GBs of RAM).
MAX_UPLOAD_PIXELS = 50_000_000
#: The kernel-menu entry that reads the kernel from the text box.
CUSTOM = "custom"
#: Padding-mode menu: label -> mode of :func:`cnnlab.pad2d`.
PADDING_MODES = {"zero": "constant", "reflect": "reflect", "replicate": "replicate"}

_STYLE = {"description_width": "initial"}
# The shared sliders come first in every explorer, in the same places; file choosers last.
_FIRST = ("kernel size", "stride", "padding", "padding preset", "padding mode", "dilation")
_LAST = ("image", "upload", "kernel", "custom kernel")
_CSS = """<style>
.cnnlab-explorer {
  --jp-widgets-font-size: 17px;
  --jp-widgets-inline-height: 34px;
  --jp-widgets-slider-handle-size: 18px;
}
.cnnlab-explorer .widget-label, .cnnlab-explorer .widget-readout,
.cnnlab-explorer .widget-toggle-button, .cnnlab-explorer .widget-button,
.cnnlab-explorer .widget-dropdown select, .cnnlab-explorer textarea {
  font-size: 17px;
}
.cnnlab-explorer .widget-readout { min-width: 44px; font-weight: bold; }
.cnnlab-explorer .cnnlab-caption { font-size: 18px; font-weight: bold; text-align: center; }
</style>"""


# --------------------------------------------------------------------------------------------
# Controls
# --------------------------------------------------------------------------------------------
def _slider(description, value, lo, hi, *, continuous_update=True, **kw):
    return widgets.IntSlider(
        value=int(value),
        min=int(lo),
        max=int(hi),
        step=1,
        description=description,
        continuous_update=continuous_update,
        style=_STYLE,
        layout=widgets.Layout(width="95%", min_width="260px"),
        **kw,
    )


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
    {'kernel_size': 5, 'stride': 2, 'padding': 'same', 'dilation': 1}
    >>> conv = conv_controls(3, 1, "same", prefix="conv ")
    >>> sorted(conv), conv["conv kernel size"].description
    (['conv kernel size', 'conv padding', 'conv padding preset', 'conv stride'], 'kernel size')
    >>> conv_settings(conv, prefix="conv ")
    {'kernel_size': 3, 'stride': 1, 'padding': 'same'}
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
        "kernel size": _slider("kernel size", kernel_size, *kernel_sizes, **kw),
        "stride": _slider("stride", stride, *strides, **kw),
        "padding": _slider("padding", padding, *paddings, **kw),
    }
    if presets:
        buttons = widgets.ToggleButtons(
            options=["number", *PADDING_PRESETS],
            value=preset,
            description="padding preset",
            style={"description_width": "initial", "button_width": "78px"},
            tooltips=[
                "use the padding slider",
                "no padding",
                "TensorFlow: output = ceil(input / stride)",
                "kernel size - 1 on every side",
            ],
        )
        slider = controls["padding"]
        slider.disabled = preset != "number"

        def _toggle(change, slider=slider):
            slider.disabled = change["new"] != "number"

        buttons.observe(_toggle, names="value")
        controls["padding preset"] = buttons
    if dilation is not None:
        controls["dilation"] = _slider("dilation", dilation, *dilations, **kw)
    if padding_mode is not None:
        if padding_mode not in PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {tuple(PADDING_MODES)}; got {padding_mode!r}."
            )
        controls["padding mode"] = widgets.ToggleButtons(
            options=list(PADDING_MODES),
            value=padding_mode,
            description="padding mode",
            style={"description_width": "initial", "button_width": "90px"},
            tooltips=["fill with 0", "mirror the image", "repeat the edge pixel"],
        )
    return {prefix + name: control for name, control in controls.items()}


def conv_settings(controls, prefix="") -> dict:
    """Read the values of controls made by :func:`conv_controls` as cnnlab arguments.

    Parameters
    ----------
    controls : dict of str -> Widget
    prefix : str, default ""
        The ``prefix`` the controls were made with.

    Returns
    -------
    dict
        ``kernel_size``, ``stride``, ``padding`` (an int or a preset name) and, when those
        controls exist, ``dilation`` and ``padding_mode`` (a :func:`cnnlab.pad2d` mode).

    Examples
    --------
    >>> conv_settings(conv_controls(3, 1, 2, padding_mode="reflect"))
    {'kernel_size': 3, 'stride': 1, 'padding': 2, 'padding_mode': 'reflect'}
    """
    c = {name[len(prefix) :]: w for name, w in controls.items() if name.startswith(prefix)}
    preset = c["padding preset"].value if "padding preset" in c else "number"
    out = {
        "kernel_size": int(c["kernel size"].value),
        "stride": int(c["stride"].value),
        "padding": int(c["padding"].value) if preset == "number" else preset,
    }
    if "dilation" in c:
        out["dilation"] = int(c["dilation"].value)
    if "padding mode" in c:
        out["padding_mode"] = PADDING_MODES[c["padding mode"].value]
    return out


# --------------------------------------------------------------------------------------------
# Custom kernels typed as text (parsed, never evaluated)
# --------------------------------------------------------------------------------------------
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_TOKEN = re.compile(rf"^({_NUMBER})(?:/({_NUMBER}))?$")
_EXAMPLE = "1 0 -1; 2 0 -2; 1 0 -1"


def parse_kernel(text) -> np.ndarray:
    """Read a kernel typed as numbers: rows separated by ``;`` or new lines.

    Numbers are separated by spaces or commas; fractions such as ``1/9`` are allowed, and a
    pasted Python list ``[[1, 0], [0, 1]]`` works too. Nothing is evaluated: any other text is
    rejected with a ``ValueError`` saying what is wrong.

    Parameters
    ----------
    text : str

    Returns
    -------
    ndarray of float64, shape (rows, cols)

    Examples
    --------
    >>> parse_kernel("1 0 -1; 2 0 -2; 1 0 -1")
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.],
           [ 1.,  0., -1.]])
    >>> parse_kernel("1/4, 1/4\\n1/4, 1/4").tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    >>> parse_kernel("__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: custom kernel: "__import__('os')" is not a number. Type numbers separated by spaces, rows separated by ';', e.g. 1 0 -1; 2 0 -2; 1 0 -1
    """
    if not isinstance(text, str):
        raise TypeError(f"custom kernel must be text; got {type(text).__name__}.")
    cleaned = text.replace("\u2212", "-").strip()
    if not cleaned:
        raise ValueError(f"custom kernel is empty. Type numbers, e.g. {_EXAMPLE}")
    if "[" in cleaned:
        inner = cleaned.strip()
        if inner.startswith("[[") and inner.endswith("]]"):
            rows_text = re.findall(r"\[([^\[\]]*)\]", inner)
        else:
            rows_text = [inner.strip("[]")]
    else:
        rows_text = [r for r in re.split(r"[;\n]", cleaned) if r.strip()]
    rows = []
    for row_text in rows_text:
        row = []
        for token in re.split(r"[\s,]+", row_text.strip()):
            if not token:
                continue
            match = _TOKEN.match(token)
            if match is None:
                shown = token if len(token) <= 30 else token[:27] + "..."
                raise ValueError(
                    f'custom kernel: "{shown}" is not a number. Type numbers separated by '
                    f"spaces, rows separated by ';', e.g. {_EXAMPLE}"
                )
            value = float(match.group(1))
            if match.group(2) is not None:
                denominator = float(match.group(2))
                if denominator == 0:
                    raise ValueError(f'custom kernel: "{token}" divides by zero.')
                value /= denominator
            row.append(value)
        if row:
            rows.append(row)
    if not rows:
        raise ValueError(f"custom kernel has no numbers. Type numbers, e.g. {_EXAMPLE}")
    lengths = sorted({len(r) for r in rows})
    if len(lengths) > 1:
        raise ValueError(
            f"custom kernel: every row needs the same number of values; got rows of lengths "
            f"{[len(r) for r in rows]}."
        )
    kernel = np.array(rows, dtype=float)
    if max(kernel.shape) > MAX_KERNEL_SIDE:
        raise ValueError(
            f"custom kernel is {kernel.shape[0]}x{kernel.shape[1]}; at most "
            f"{MAX_KERNEL_SIDE}x{MAX_KERNEL_SIDE} is allowed."
        )
    if not np.all(np.isfinite(kernel)):
        raise ValueError("custom kernel: every value must be a finite number.")
    return kernel


def format_kernel(kernel) -> str:
    """Write a 2-D kernel as the text :func:`parse_kernel` reads back.

    Examples
    --------
    >>> format_kernel(np.array([[1.0, 0.0], [0.5, -2.0]]))
    '1 0; 0.5 -2'
    """
    arr = np.asarray(kernel, dtype=float)
    return "; ".join(" ".join(f"{v:g}" for v in row) for row in arr)


# --------------------------------------------------------------------------------------------
# Output-size readouts with the formula instantiated
# --------------------------------------------------------------------------------------------
def size_formula(input_size, kernel_size, stride=1, padding=0, dilation=1) -> str:
    """The output-size formula of one axis with the numbers filled in.

    Parameters
    ----------
    input_size, kernel_size, stride, dilation : int
    padding : int, (int, int) or {"valid", "same", "full"}

    Returns
    -------
    str
        ``⌊(i + 2·p − k) / s⌋ + 1 = o`` (``p_before + p_after`` when they differ), preceded for
        ``"same"`` by TensorFlow's ``⌈i / s⌉`` and the padding it implies, for ``"full"`` by
        ``k − 1``, and with dilation by the effective kernel ``d(k − 1) + 1``. When the kernel
        does not fit the result is marked "no output".

    Examples
    --------
    >>> size_formula(512, 3, 2, 1)
    '⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256'
    >>> size_formula(512, 3, 2, "same")
    "'same': ⌈512 / 2⌉ = 256, padding 0 before + 1 after; ⌊(512 + 0 + 1 − 3) / 2⌋ + 1 = 256"
    >>> size_formula(7, 3, 1, 0, dilation=2)
    'effective kernel 2·(3 − 1) + 1 = 5; ⌊(7 + 2·0 − 5) / 1⌋ + 1 = 3'
    >>> size_formula(6, 11, 1, 0)
    '⌊(6 + 2·0 − 11) / 1⌋ + 1 = −4: no output, the kernel does not fit'
    """
    i, k, s, d = int(input_size), int(kernel_size), int(stride), int(dilation)
    kd = effective_kernel_size(k, d)
    before, after = padding_amounts(padding, i, k, s, d)
    pad_term = f"2·{before}" if before == after else f"{before} + {after}"
    padded = i + before + after
    if padded >= kd:
        o = output_size(i, k, s, (before, after), d)
        core = f"⌊({i} + {pad_term} − {kd}) / {s}⌋ + 1 = {o}"
    else:
        o = (padded - kd) // s + 1
        shown = str(o).replace("-", "−")
        core = (
            f"⌊({i} + {pad_term} − {kd}) / {s}⌋ + 1 = {shown}: no output, the kernel does not fit"
        )
    parts = []
    if d != 1:
        parts.append(f"effective kernel {d}·({k} − 1) + 1 = {kd}")
    if isinstance(padding, str):
        preset = padding.lower()
        if preset == "same":
            parts.append(
                f"'same': ⌈{i} / {s}⌉ = {-(-i // s)}, padding {before} before + {after} after"
            )
        elif preset == "full":
            parts.append(f"'full': padding {kd} − 1 = {kd - 1} on each side")
        else:
            parts.append("'valid': no padding")
    return "; ".join([*parts, core])


def size_readout(input_hw, kernel_hw, stride=1, padding=0, dilation=1, *, name="output") -> str:
    """Output size of a 2-D convolution or pooling with the formula per axis.

    One line for rows and columns together when their formulas are equal, else one line each.

    Parameters
    ----------
    input_hw, kernel_hw : (int, int)
    stride, padding, dilation :
        As for :func:`cnnlab.output_shape` (ints, pairs, or a preset for padding).
    name : str, default "output"
        Label of the first line.

    Returns
    -------
    str
        Lines separated by ``"\\n"``.

    Examples
    --------
    >>> print(size_readout((512, 512), (3, 3), 2, 1))
    output: 256 × 256
    rows and columns: ⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256
    >>> print(size_readout((300, 451), (3, 3), 1, 0))
    output: 298 × 449
    rows: ⌊(300 + 2·0 − 3) / 1⌋ + 1 = 298
    columns: ⌊(451 + 2·0 − 3) / 1⌋ + 1 = 449
    """
    h, w = (int(v) for v in input_hw)
    kh, kw = (kernel_hw, kernel_hw) if np.isscalar(kernel_hw) else kernel_hw
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    dh, dw = (dilation, dilation) if np.isscalar(dilation) else dilation
    if isinstance(padding, str) or np.isscalar(padding):
        ph = pw = padding
    else:
        ph, pw = padding
    rows = size_formula(h, kh, sh, ph, dh)
    cols = size_formula(w, kw, sw, pw, dw)
    sizes = [f.rsplit("= ", 1)[-1] for f in (rows, cols)]
    if any("no output" in f for f in (rows, cols)):
        first = f"{name}: none"
    else:
        first = f"{name}: {sizes[0]} × {sizes[1]}"
    if rows == cols:
        return f"{first}\nrows and columns: {rows}"
    return f"{first}\nrows: {rows}\ncolumns: {cols}"


# --------------------------------------------------------------------------------------------
# Kernel and image choosers (widgets + the arrays they stand for)
# --------------------------------------------------------------------------------------------
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
        self, kernel="sobel vertical", *, fixed_label="your kernel", text=_EXAMPLE, custom=True
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
            self.fixed[fixed_label] = arr
            options.insert(0, fixed_label)
            value = fixed_label
            text = format_kernel(arr)
        self.controls = {
            "kernel": widgets.Dropdown(
                options=options + ([CUSTOM] if custom else []),
                value=value,
                description="kernel",
                style=_STYLE,
                layout=widgets.Layout(width="95%", min_width="260px"),
            )
        }
        if custom:
            self.controls["custom kernel"] = widgets.Textarea(
                value=text,
                description="custom kernel",
                placeholder=_EXAMPLE,
                continuous_update=False,
                style=_STYLE,
                layout=widgets.Layout(width="95%", min_width="260px", height="70px"),
            )

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

    def kernel(self, size) -> np.ndarray:
        """The chosen kernel; named kernels are built at ``size`` (:func:`cnnlab.kernels.get_kernel`).

        Kernels of a fixed size (custom, given, :data:`FIXED_SIZE_KERNELS`) ignore ``size``.
        """
        if self.name == CUSTOM:
            return parse_kernel(self.controls["custom kernel"].value)
        if self.name in self.fixed:
            return self.fixed[self.name]
        if self.name in FIXED_SIZE_KERNELS:
            return _kernels.get_kernel(self.name, self.fixed_size()[0])
        return _kernels.get_kernel(self.name, size)

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
        lo, hi = self._ranges.setdefault(id(slider), (slider.min, slider.max))
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
            self._arrays[label] = _as_image(image)
            options, value = [label, *_images.IMAGE_NAMES], label
        self.controls = {
            "image": widgets.Dropdown(
                options=options,
                value=value,
                description="image",
                style=_STYLE,
                layout=widgets.Layout(width="95%", min_width="260px"),
            ),
            "upload": widgets.FileUpload(
                accept="image/*",
                multiple=False,
                description="upload an image",
                layout=widgets.Layout(width="auto"),
            ),
        }

    def image(self) -> np.ndarray:
        """The chosen image as float (H, W) or (H, W, 3), at most MAX_SIDE pixels per side."""
        name = self.controls["image"].value
        if name not in self._arrays:
            self._arrays[name] = _as_image(_images.load_image(name))
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
        self._arrays[label] = arr
        h, w = arr.shape[:2]
        if (h, w) != (height, width):
            self.note = (
                f"{name} ({width}×{height}) was shrunk to {w}×{h} so the sliders stay fast "
                f"(at most {_images.MAX_SIDE} pixels per side)."
            )
        else:
            self.note = ""
        dropdown = self.controls["image"]
        if label not in dropdown.options:
            dropdown.options = [*dropdown.options, label]
        return label


# --------------------------------------------------------------------------------------------
# The explorer base class
# --------------------------------------------------------------------------------------------
def _caption(text=""):
    w = widgets.HTML(value=html.escape(text))
    w.add_class("cnnlab-caption")
    return w


def _control_grid(children, columns):
    return widgets.GridBox(
        children,
        layout=widgets.Layout(
            grid_template_columns=f"repeat({columns}, minmax(280px, 1fr))",
            grid_gap="6px 18px",
            width="100%",
        ),
    )


def section_heading(title) -> str:
    """The HTML of a section's title (set a section's ``children[0].value`` to change it).

    Parameters
    ----------
    title : str
        Plain text (escaped).

    Returns
    -------
    str

    Examples
    --------
    >>> section_heading("pooling <2×2>")
    '<div style="font-size:19px;font-weight:bold;margin:0 0 4px 0">pooling &lt;2×2&gt;</div>'
    """
    return (
        f'<div style="font-size:19px;font-weight:bold;margin:0 0 4px 0">{html.escape(title)}</div>'
    )


def _section(title, children, columns):
    """Controls that belong to one layer, in a framed box with a title."""
    heading = widgets.HTML(value=section_heading(title))
    return widgets.VBox(
        [heading, _control_grid(children, columns)],
        layout=widgets.Layout(
            border="2px solid #0072B2", padding="6px 12px", margin="8px 0 4px 0", width="100%"
        ),
    )


class Explorer(widgets.VBox):
    """Base class of the explorers: a VBox with controls, a readout, messages and image panels.

    Subclasses implement ``_compute(settings) -> dict`` (cnnlab calls only) and
    ``_draw(computed)`` (render into the panels), plus ``_settings()`` and ``_readout()``.
    Every change of a control calls :meth:`update`.

    Attributes
    ----------
    controls : dict of str -> ipywidgets.Widget
        The controls by name ("kernel size", "stride", "padding", ...). Set their ``.value``
        (or call :meth:`set`) to change what is shown.
    panels : dict of str -> ipywidgets.Image
        The image panels (PNG bytes in ``.value``), created once and updated in place.
    captions : dict of str -> ipywidgets.HTML
        The caption above each panel.
    result : ndarray or None
        The array the explorer shows as its result (feature map, pooled map, ...); None while
        the settings are impossible.
    computed : dict
        Everything the last successful computation produced (arrays and numbers).
    settings : dict or None
        The values read from the controls for the current picture (None if they could not
        be read, e.g. an unreadable custom kernel).
    readout : str
        The output-size text, formula included ('' if none).
    message : str
        The error sentence currently shown, '' when everything is fine.
    output : ipywidgets.Output
        Tracebacks of unexpected errors (bugs) are written here, so they are never lost.
    sections : dict of str -> ipywidgets.VBox
        Framed boxes of controls that belong to one layer, by title (``sections=[(title,
        [control names])]`` of the constructor); the other controls share the main grid.
    side : int
        Pixels of the longer side of the image panels (``display_side``; smaller is faster).
    """

    title = ""

    def __init__(
        self, controls, panels, *, columns=3, extra=(), display_side=None, groups=(), sections=()
    ):
        self.side = render.DISPLAY_SIDE if display_side is None else int(display_side)
        self.controls = dict(controls)
        self.result = None
        self.computed = {}
        self.settings = None
        self.readout = ""
        self.message = ""
        self._hold = 0
        self._pending = False
        self.output = widgets.Output(layout=widgets.Layout(width="100%"))
        self._message_html = widgets.HTML(layout=widgets.Layout(display="none", width="100%"))
        self._readout_html = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.panels, self.captions, boxes = {}, {}, []
        for name, width in panels.items():
            image = widgets.Image(
                format="png",
                layout=widgets.Layout(width="100%", height="auto", border="1px solid #bbbbbb"),
            )
            caption = _caption(name)
            self.panels[name], self.captions[name] = image, caption
            boxes.append(
                widgets.VBox(
                    [caption, image],
                    layout=widgets.Layout(width=width, margin="0 1% 0 0", align_items="center"),
                )
            )
        boxed = [n for _, names in sections for n in names]
        first = [n for n in _FIRST if n in self.controls and n not in boxed]
        last = [n for n in _LAST if n in self.controls and n not in boxed]
        order = first + [n for n in self.controls if n not in first + last + boxed] + last
        cells = {n: self.controls[n] for n in order}
        for group in groups:  # controls that belong together share one cell, e.g. play + slider
            box = widgets.HBox(
                [self.controls[n] for n in group], layout=widgets.Layout(width="100%")
            )
            cells[group[0]] = box
            for n in group[1:]:
                cells.pop(n)
        grid = _control_grid(list(cells.values()), columns)
        #: The titled boxes of controls (``sections``), by title.
        self.sections = {
            title: _section(title, [self.controls[n] for n in names], columns)
            for title, names in sections
        }
        header = widgets.HTML(
            value=_CSS + f'<div style="font-size:24px;font-weight:bold;margin:4px 0">'
            f"{html.escape(self.title)}</div>"
        )
        super().__init__(
            [
                header,
                grid,
                *self.sections.values(),
                self._readout_html,
                self._message_html,
                self.output,
                *extra,
                widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap", width="100%")),
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("cnnlab-explorer")
        for control in self.controls.values():
            if isinstance(control, widgets.FileUpload):
                control.observe(self._on_upload, names="value")
            elif isinstance(control, widgets.Button):
                control.on_click(self._on_click)
            elif isinstance(control, widgets.Play):
                pass  # linked to a slider, which is observed
            elif hasattr(control, "value"):
                control.observe(self._changed, names="value")

    # ---- drawing helpers ----------------------------------------------------------------
    def _png(self, values, *, colorbar=False, **kwargs) -> bytes:
        """PNG bytes of an image or map, enlarged to about ``display_side`` pixels."""
        return render.array_to_png(values, side=self.side, colorbar=colorbar, **kwargs)

    def _blank(self, name, text="no output"):
        """Grey out one panel (its map cannot be computed for the current settings)."""
        self.panels[name].value = render.blank_png(self.side, self.side, text)

    # ---- subclass hooks -----------------------------------------------------------------
    def _settings(self) -> dict:  # pragma: no cover - always overridden
        raise RuntimeError("subclasses define _settings")

    def _readout(self, settings) -> str:
        return ""

    def _compute(self, settings) -> dict:  # pragma: no cover - always overridden
        raise RuntimeError("subclasses define _compute")

    def _draw(self, computed) -> None:  # pragma: no cover - always overridden
        raise RuntimeError("subclasses define _draw")

    def _clear(self) -> None:
        """Grey out the result panels while the settings are impossible."""

    def _react(self, change) -> None:
        """Keep dependent controls in step (before recomputing), e.g. disable a slider."""

    def _on_click(self, button) -> None:
        """Buttons (e.g. "new random mask")."""

    # ---- machinery ----------------------------------------------------------------------
    @contextmanager
    def hold(self):
        """Change several controls with a single recomputation at the end.

        Examples
        --------
        >>> from cnnlab.widgets import conv_explorer
        >>> ex = conv_explorer(np.eye(8), kernel="box blur")
        >>> with ex.hold():
        ...     ex.controls["kernel size"].value = 5
        ...     ex.controls["stride"].value = 2
        >>> ex.result.shape
        (2, 2)
        """
        self._hold += 1
        try:
            yield self
        finally:
            self._hold -= 1
            if self._hold == 0 and self._pending:
                self._pending = False
                self.update()

    def set(self, values=None, **kwargs):
        """Set controls by name (``"kernel size"`` or ``kernel_size``), then recompute once.

        A string ``padding`` ("valid", "same", "full") selects the preset; a number selects
        the "number" preset and moves the slider.

        Returns
        -------
        self

        Examples
        --------
        >>> from cnnlab.widgets import conv_explorer
        >>> conv_explorer(np.eye(8), kernel="box blur").set(kernel_size=3, padding="same").result.shape
        (8, 8)
        """
        items = {name: (name, value) for name, value in (values or {}).items()}
        items.update({k.replace("_", " "): (k, v) for k, v in kwargs.items()})
        unknown = [given for name, (given, _) in items.items() if name not in self.controls]
        if unknown:
            raise ValueError(
                f"{unknown[0]!r} is not a control of this explorer; valid: "
                f"{sorted(self.controls)} (spaces may be written as underscores)."
            )
        with self.hold():
            for name, (_, value) in items.items():
                preset = self.controls.get(f"{name} preset")  # "padding", "conv padding"
                if name.endswith("padding") and preset is not None:
                    if isinstance(value, str):
                        preset.value = value.lower()
                        continue
                    preset.value = "number"
                self.controls[name].value = value
        return self

    def _guard(self, func, *args):
        """Run ``func``; show cnnlab's ValueError/TypeError as a sentence, bugs as a traceback."""
        try:
            func(*args)
        except (ValueError, TypeError) as err:
            self._fail(str(err))
        except Exception as err:  # a bug: keep the traceback visible in the Output widget
            self._fail(
                f"Unexpected error ({type(err).__name__}: {err}). This is a bug in cnnlab; "
                "the details are below."
            )
            self.output.append_stderr(traceback.format_exc())
        else:
            return True
        return False

    def _fail(self, text):
        self.result = None
        self.computed = {}
        self.message = text
        self._message_html.value = (
            '<div style="font-size:19px;color:#7a1f00;background:#fff4ec;border-left:8px solid '
            f'#D55E00;padding:8px 14px;margin:6px 0">{html.escape(text)}</div>'
        )
        self._message_html.layout.display = None
        try:
            self._clear()
        except Exception:  # clearing must never hide the message
            self.output.append_stderr(traceback.format_exc())

    def _show_readout(self, text):
        self.readout = text
        lines = "<br>".join(html.escape(line) for line in text.split("\n"))
        self._readout_html.value = f'<div style="font-size:20px;line-height:1.45">{lines}</div>'

    def _changed(self, change):
        self._hold += 1
        try:
            self._react(change)
        except (ValueError, TypeError):
            pass  # the recomputation below reports it
        finally:
            self._hold -= 1
        self.update()

    def update(self, change=None):
        """Recompute and redraw from the current control values (called on every change)."""
        if self._hold:
            self._pending = True
            return
        self._pending = False
        self._guard(self._update)

    def _update(self):
        self.settings = None
        try:
            settings = self._settings()
        except Exception:
            self._show_readout("")  # no stale numbers next to the message
            raise
        self.settings = settings
        self._show_readout(self._readout(settings))
        computed = self._compute(settings)
        self._draw(computed)
        self.computed = computed
        self.result = computed.get("result")
        if self.message:
            self.message = ""
            self._message_html.value = ""
            self._message_html.layout.display = "none"
        if self.output.outputs:
            self.output.outputs = ()

    def _on_upload(self, change):
        """Decode an uploaded file, select it in the image menu and recompute."""
        if not change["new"]:
            return

        def add():
            label = self.image_choice.add_upload(change["new"])
            with self.hold():
                self.controls["image"].value = label
                self._pending = True  # recompute once, also when the label was already selected

        self._guard(add)
        change["owner"].value = ()  # the decoded image is kept; drop the file's bytes
