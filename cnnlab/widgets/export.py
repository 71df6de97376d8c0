"""An explorer's pictures and readouts over a small grid of settings, for pages with no kernel.

:func:`export_states` drives an explorer through its public API (``.set(...)``, ``.controls``,
``.panels``, ``.readout``, ``.message``) over a discrete grid of settings — kernel size, stride,
padding presets and the explorer's own main control — and records, for every setting, what
each picture and text of the explorer shows. A static page (``tools/site``) rebuilds the
explorer's layout with HTML range and select inputs and swaps the recorded pictures and texts
as they move: the explorer still responds where no Python runs.

Grids are small on purpose (a few hundred settings at most) and the pictures are drawn
smaller than live (``side`` pixels), so that a page stays within a few megabytes.
"""

from __future__ import annotations

import base64
import io
import itertools
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
from PIL import Image
from traitlets import TraitError

from .base import Explorer
from .map_view import MapView

__all__ = [
    "DEFAULT_GRIDS",
    "EXPORT_SIDE",
    "EXPORT_SIDES",
    "MAX_STATES",
    "default_grid",
    "export_states",
]

#: Widgets whose ``.value`` is a picture (PNG bytes), recorded as images.
_PICTURES = widgets.Image | MapView
#: Pixels of the longer side of the exported pictures (live explorers draw 512) ...
EXPORT_SIDE = 256
#: ... except where the picture is text: the sliding window's numbers must stay legible.
EXPORT_SIDES = {"StepExplorer": 800}
#: Pictures of at most this many bytes (and ``side`` pixels) are kept as drawn.
SMALL_PICTURE = 12_000
#: Quality of the JPEGs photo-like pictures are stored as.
JPEG_QUALITY = 85
#: At most this many settings per explorer: more is a grid mistake, not a bigger page.
MAX_STATES = 600
#: ``None`` as a control's values: every value of its range once the other controls are set
#: (e.g. the step-through explorer's window "position", whose range depends on the output).
EVERY_VALUE = None
_PADDING_PRESETS = ["valid", "same", "full"]

#: The grid of each explorer class: control name -> values, in the order they are varied.
#: A control absent from an explorer is skipped; the value the notebook set is always added.
DEFAULT_GRIDS: dict[str, dict[str, list | None]] = {
    "ConvExplorer": {
        "kernel size": [1, 3, 5, 7, 9, 11],
        "stride": [1, 2, 3],
        "padding": _PADDING_PRESETS,
    },
    "StepExplorer": {  # every window position is a picture: "full" would double the page
        "kernel size": [1, 3, 5],
        "stride": [1, 2],
        "padding": ["valid", "same"],
        "position": EVERY_VALUE,
    },
    "PoolExplorer": {
        "mode": ["max", "avg"],
        "kernel size": [1, 2, 3, 4, 5],
        "stride": [1, 2, 3],
        "padding": ["valid", "same"],
    },
    "ActivationExplorer": {
        "activation": ["relu", "softplus", "sigmoid", "tanh"],
        "kernel size": [3, 5, 7],
        "stride": [1, 2],
        "padding": ["valid", "same"],
    },
    "DropoutExplorer": {
        "rate": [0.0, 0.25, 0.5, 0.75],
        "phase": ["training", "inference"],
        "kernel size": [3, 5, 7],
        "stride": [1, 2],
        "padding": ["valid", "same"],
    },
    "FCExplorer": {
        "units": [10, 64],
        "kernel size": [1, 3, 5, 7],
        "stride": [1, 2, 3],
        "padding": ["valid", "same"],
    },
    "CNNExplorer": {
        "blocks": [1, 2, 3],
        "kernel size": [1, 3, 5, 7],
        "stride": [1, 2],
        "padding": ["valid", "same"],
    },
    "FilterExplorer": {
        "kernel size": [3, 5],
        "stride": [1, 2],
        "padding": ["valid", "same"],
    },
}
_GENERIC = {"kernel size": 6, "stride": 3}  # values kept of a slider an unknown class has
# Controls with nothing to show on a static page (they act on files, time or randomness).
_NOT_SHOWN = (widgets.FileUpload, widgets.Button, widgets.Play, widgets.Textarea)


def _slider_values(control, limit, keep):
    """At most ``limit`` evenly spread values of a slider's range, ``keep`` among them."""
    values = list(range(int(control.min), int(control.max) + 1, int(control.step or 1)))
    if len(values) > limit:
        stride = -(-len(values) // limit)
        values = values[values.index(keep) % stride :: stride] if keep in values else values
        values = values[:limit]
    return values


def default_grid(explorer: Explorer) -> dict[str, list | None]:
    """The grid :func:`export_states` uses for ``explorer``: its class's, else a generic one.

    The generic grid of an explorer class not in :data:`DEFAULT_GRIDS` takes up to six kernel
    sizes and three strides of its sliders and the padding presets.

    Examples
    --------
    >>> import numpy as np
    >>> from cnnlab.widgets import conv_explorer
    >>> default_grid(conv_explorer(np.eye(8), kernel="box blur"))["stride"]
    [1, 2, 3]
    """
    grid = DEFAULT_GRIDS.get(type(explorer).__name__)
    if grid is not None:
        return {name: values for name, values in grid.items() if name in explorer.controls}
    grid = {}
    for name, limit in _GENERIC.items():
        control = explorer.controls.get(name)
        if isinstance(control, widgets.IntSlider) and not control.disabled:
            grid[name] = _slider_values(control, limit, control.value)
    if "padding preset" in explorer.controls:
        grid["padding"] = list(_PADDING_PRESETS)
    return grid


def _current(explorer, name):
    """The value of control ``name`` as a grid names it (padding: the preset unless a number)."""
    preset = explorer.controls.get(f"{name} preset")
    if preset is not None and preset.value != "number":
        return preset.value
    return explorer.controls[name].value


def _disabled(explorer, name) -> bool:
    """Whether control ``name`` is greyed out (padding given as a preset: the preset buttons)."""
    control = explorer.controls.get(f"{name} preset")
    if control is None or control.value == "number":
        control = explorer.controls[name]
    return bool(getattr(control, "disabled", False))


def _data_uri(png: bytes, side: int) -> str:
    """The picture as a data URI, at most ``side`` pixels wide and high, in few bytes.

    A bigger picture is shrunk (Lanczos). It is stored as a PNG of at most 256 colours, or as a
    JPEG when that is smaller (photos); pictures already small and of few colours stay as they
    are.
    """
    with Image.open(io.BytesIO(png)) as picture:
        picture.load()
    if max(picture.size) <= side and (picture.mode == "P" or len(png) <= SMALL_PICTURE):
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    rgb = picture.convert("RGB")
    if max(rgb.size) > side:
        scale = side / max(rgb.size)
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    candidates = []
    for kind, image, options in (
        ("png", rgb.quantize(256, method=Image.Quantize.FASTOCTREE), {}),
        ("jpeg", rgb, {"quality": JPEG_QUALITY}),
    ):
        buffer = io.BytesIO()
        image.save(buffer, format=kind.upper(), **options)
        candidates.append((buffer.tell(), kind, buffer.getvalue()))
    _, kind, data = min(candidates)
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def _hidden(widget) -> bool:
    layout = widget.layout
    return layout.display == "none" or layout.visibility == "hidden"


class _Layout:
    """Walks the explorer's widget tree once: boxes, controls, and the slots that change."""

    def __init__(self, explorer, names, side):
        self.explorer = explorer
        self.side = side
        self.by_widget = {id(w): n for n, w in explorer.controls.items()}
        self.names = names
        self.slots = []  # the Image and HTML widgets, in page order
        self.tree = self._node(explorer)

    def _style(self, widget):
        layout = widget.layout
        keys = ("width", "min_width", "max_width", "margin", "padding", "border", "flex")
        keys += ("flex_flow", "align_items", "justify_content", "grid_template_columns", "grid_gap")
        return {k: getattr(layout, k) for k in keys if getattr(layout, k, None)}

    def _node(self, widget):
        name = self.by_widget.get(id(widget))
        if name is not None:
            return self._control(name, widget)
        if isinstance(widget, widgets.Output | widgets.Valid):
            return None
        if isinstance(widget, _PICTURES | widgets.HTML | widgets.HTMLMath | widgets.Label):
            self.slots.append(widget)
            kind = "image" if isinstance(widget, _PICTURES) else "html"
            return {"kind": kind, "slot": len(self.slots) - 1, "style": self._style(widget)}
        if isinstance(widget, widgets.Box):
            box = "grid" if isinstance(widget, widgets.GridBox) else "column"
            if isinstance(widget, widgets.HBox):
                box = "row"
            children = [c for c in (self._node(w) for w in widget.children) if c is not None]
            classes = list(getattr(widget, "_dom_classes", ()))
            return {
                "kind": box,
                "children": children,
                "style": self._style(widget),
                "classes": classes,
            }
        return None

    def _control(self, name, widget):
        if name in self.names:
            return {"kind": "control", "name": name}
        if name.endswith("preset") and name[: -len(" preset")] in self.names:
            return None  # the grid's "padding" select stands for the preset buttons
        if isinstance(widget, _NOT_SHOWN) or not hasattr(widget, "value"):
            return None
        preset = self.explorer.controls.get(f"{name} preset")
        if preset is not None and preset.value != "number":
            return None  # a padding given by its preset: the preset says it
        label = getattr(widget, "label", None)
        if isinstance(widget, widgets.FloatSlider | widgets.FloatLogSlider):
            label = f"{widget.value:g}"
        return {
            "kind": "fixed",
            "name": name,
            "text": str(widget.value if label is None else label),
        }

    def read(self, strings):
        """The index in ``strings`` of what each slot shows now ('' when hidden)."""
        found = []
        for widget in self.slots:
            if _hidden(widget) or not widget.value:
                text = ""
            elif isinstance(widget, _PICTURES):
                text = _data_uri(widget.value, self.side)
            else:
                text = widget.value
            found.append(strings.setdefault(text, len(strings)))
        return found


def _labels(explorer, name, values):
    control = explorer.controls[name]
    if name.endswith("padding") and f"{name} preset" in explorer.controls:
        return [str(v) for v in values]
    options = getattr(control, "options", None)
    if options and isinstance(options[0], tuple):  # (label, value) pairs
        names = {v: label for label, v in options}
        return [str(names.get(v, v)) for v in values]
    if isinstance(control, widgets.FloatSlider | widgets.FloatLogSlider):
        return [f"{v:g}" for v in values]
    return [str(v) for v in values]


def export_states(
    explorer: Explorer,
    grid: Mapping[str, Sequence | None] | None = None,
    *,
    side: int | None = None,
    max_states: int = MAX_STATES,
) -> dict:
    """What ``explorer`` shows for every setting of a small grid, as JSON-ready data.

    Every combination of the grid's values is set with ``explorer.set(...)`` (one
    recomputation each); the values the controls then hold (an explorer may change one, e.g. a
    fixed-size kernel keeps its size) name the recorded state. Afterwards the explorer is put
    back as it was.

    Parameters
    ----------
    explorer : Explorer
        A cnnlab explorer (e.g. the value of a notebook's *Explore* cell).
    grid : mapping of str -> sequence or None, optional
        Control name -> the values to visit, varied in this order; ``None`` visits every value
        of that slider's range once the controls before it are set. Padding takes presets
        ("valid", "same", "full") or numbers. Default: :func:`default_grid`. The explorer's
        current value of each control is always added.
    side : int, optional
        Pixels of the longer side of the exported pictures (larger ones are shrunk); default
        :data:`EXPORT_SIDES` of the explorer's class, else :data:`EXPORT_SIDE` (256).
    max_states : int, default 600
        Refuse grids with more combinations than this.

    Returns
    -------
    dict
        ``title``; ``side``; ``controls``: for each grid control its ``name``, ``kind``
        ("range" for numbers, "select" otherwise), ``values`` and ``labels``; ``layout``: the
        explorer's boxes as a tree whose leaves are controls (``{"kind": "control", ...}``),
        fixed controls (``"fixed"``, with their ``text``) and slots (``"image"``/``"html"``,
        numbered ``slot``); ``strings``: every picture (a PNG data URI) and text shown, once
        each; ``states``: for each setting its ``key`` (index of each control's value),
        ``disabled`` (per control) and ``slots`` (index into ``strings`` per slot, the empty
        string for a hidden one); ``initial``: the state the explorer showed before.

    Raises
    ------
    TypeError
        If ``explorer`` is not a cnnlab explorer.
    ValueError
        If the grid names a control the explorer does not have, gives no values, or has more
        than ``max_states`` combinations.

    Examples
    --------
    >>> import numpy as np
    >>> from cnnlab.widgets import conv_explorer
    >>> ex = conv_explorer(np.eye(8), kernel="box blur")
    >>> data = export_states(ex, {"kernel size": [1, 3], "stride": [1, 2]}, side=32)
    >>> [c["values"] for c in data["controls"]], len(data["states"])
    ([[1, 3], [1, 2]], 4)
    >>> data["states"][data["initial"]]["key"], ex.settings.conv.kernel_size
    ([1, 0], 3)
    """
    if not isinstance(explorer, Explorer):
        raise TypeError(
            "explorer must be a cnnlab explorer (e.g. cnnlab.widgets.conv_explorer(...)); "
            f"got {type(explorer).__name__}."
        )
    grid = dict(default_grid(explorer) if grid is None else grid)
    for name, given in grid.items():
        if name not in explorer.controls:
            raise ValueError(
                f"grid names {name!r}, which is not a control of this explorer; valid: "
                f"{sorted(explorer.controls)}."
            )
        if given is not None and len(given) == 0:
            raise ValueError(f"grid[{name!r}] is empty; give at least one value (or None).")
    names = list(grid)
    before = {n: _current(explorer, n) for n in names}
    values = {}  # control -> the values visited (None: decided per state)
    for name in names:
        if grid[name] is None:
            values[name] = None
            continue
        given = list(grid[name])
        # the notebook's own value joins the grid if it is of the grid's kind (a padding
        # number joins numbers; among presets the nearest state is shown first instead)
        if before[name] not in given and _is_number(before[name]) == _is_number(given[0]):
            given.append(before[name])
            if all(_is_number(v) for v in given):
                given.sort()
        values[name] = given
    independent = [n for n in names if values[n] is not None]
    dependent = [n for n in names if values[n] is None]
    combos = list(itertools.product(*(values[n] for n in independent)))
    if len(combos) > max_states:
        sizes = " × ".join(str(len(values[n])) for n in independent)
        raise ValueError(
            f"the grid has {len(combos)} combinations ({sizes}), more than "
            f"max_states={max_states}: give fewer values per control."
        )
    saved = {
        n: c.value
        for n, c in explorer.controls.items()
        if hasattr(c, "value") and not isinstance(c, _NOT_SHOWN)
    }
    side = int(EXPORT_SIDES.get(type(explorer).__name__, EXPORT_SIDE) if side is None else side)
    old_side = explorer.side
    explorer.side = min(old_side, side)  # small arrays are enlarged to about this size
    layout = _Layout(explorer, names, side)
    strings: dict[str, int] = {}
    found: dict[tuple, dict] = {}  # the values the controls held -> the state
    try:
        for combo in combos:
            asked = dict(zip(independent, combo, strict=True))
            explorer.set(asked)
            for more in _dependent_values(explorer, dependent):
                if more:
                    explorer.set(more)
                held = {**asked, **more}
                for name in names:  # what the explorer made of it (e.g. a fixed size kept)
                    now = _current(explorer, name)
                    if values[name] is None or now in values[name]:
                        held[name] = now
                key = tuple(held[n] for n in names)
                if key in found:
                    continue
                if len(found) >= max_states:
                    raise ValueError(
                        f"the grid reaches more than max_states={max_states} settings: give "
                        "fewer values per control."
                    )
                found[key] = {
                    "key": key,
                    "disabled": [_disabled(explorer, n) for n in names],
                    "slots": layout.read(strings),
                }
    finally:
        explorer.side = old_side
        with explorer.hold():
            for name, value in saved.items():
                try:
                    explorer.controls[name].value = value
                except TraitError:  # a value the restored controls no longer allow
                    pass
    for i, name in enumerate(names):  # the values some state holds (a fixed size: one)
        held = {key[i] for key in found}
        if values[name] is None:
            values[name] = sorted(held)
        else:
            values[name] = [v for v in values[name] if v in held]
    states = list(found.values())
    for state in states:
        state["key"] = [values[n].index(v) for n, v in zip(names, state["key"], strict=True)]
    wanted = [values[n].index(before[n]) if before[n] in values[n] else -1 for n in names]
    initial = min(
        range(len(states)),
        key=lambda i: sum(a != b for a, b in zip(states[i]["key"], wanted, strict=True)),
    )
    controls = []
    for name in names:
        control = explorer.controls[name]
        numeric = all(_is_number(v) for v in values[name])
        controls.append(
            {
                "name": name,
                "label": getattr(control, "description", "") or name,
                "kind": "range" if numeric else "select",
                "values": values[name],
                "labels": _labels(explorer, name, values[name]),
            }
        )
    return {
        "title": explorer.title,
        "side": side,
        "controls": controls,
        "layout": layout.tree,
        "strings": sorted(strings, key=strings.get),
        "states": states,
        "initial": initial,
    }


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dependent_values(explorer, dependent):
    """Every combination of the dependent controls' current ranges (one empty dict if none)."""
    if not dependent:
        yield {}
        return
    ranges = []
    for name in dependent:
        control = explorer.controls[name]
        ranges.append(range(int(control.min), int(control.max) + 1, int(control.step or 1)))
    for combo in itertools.product(*ranges):
        yield dict(zip(dependent, combo, strict=True))
