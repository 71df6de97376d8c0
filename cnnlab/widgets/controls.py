"""Every explorer's controls: one factory per kind of widget, one style, the shared choosers.

* :func:`slider`, :func:`float_slider`, :func:`toggle`, :func:`dropdown`: the only places
  widgets get their look (:data:`STYLE`, full-width layout), so every explorer looks the same;
* :func:`conv_controls` and :func:`conv_settings`: the "kernel size", "stride" and "padding"
  sliders (with padding presets, dilation and padding mode when asked), read back as a
  :class:`~cnnlab.widgets.settings.ConvSettings`;
* the kernel and image menus are in :mod:`cnnlab.widgets.choices`.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..shapes import PADDING_PRESETS
from .settings import PADDING_MODES, ConvSettings

__all__ = [
    "STYLE",
    "conv_controls",
    "conv_settings",
    "dropdown",
    "float_slider",
    "preset_tooltip",
    "slider",
    "toggle",
    "training_conv_controls",
]

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


def training_conv_controls(kernel_size=3, stride=1, padding=0) -> dict:
    """:func:`conv_controls` for explorers whose update builds or trains a model.

    Kernel sizes 1-9, strides 1-4 and paddings 0-4, applied when a slider is released
    (``continuous_update=False``): each update costs a model, not a redraw.

    Examples
    --------
    >>> sliders = training_conv_controls()
    >>> sliders["kernel size"].max, sliders["kernel size"].continuous_update
    (9, False)
    """
    return conv_controls(
        kernel_size,
        stride,
        padding,
        kernel_sizes=(1, 9),
        strides=(1, 4),
        paddings=(0, 4),
        continuous_update=False,
    )


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
