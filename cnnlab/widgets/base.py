"""The explorer base classes: build once, update the panels on every change, say what is wrong.

:class:`Explorer` lays out the controls, a readout, a message area and image panels, observes
every control, and on a change runs the hooks of the subclass::

    settings = self._settings()        # the controls' values, as a frozen dataclass
    readout = self._readout(settings)  # the output-size text with the formula filled in
    computed = self._compute(settings) # cnnlab calls only; returns {"result": ..., ...}
    self._draw(computed)               # pictures into the panels created once

An impossible setting raises cnnlab's ``ValueError``; its sentence is shown in the message area
(never a traceback), ``_clear()`` greys out what cannot be drawn, and the next valid setting
draws again. Construction is finished by the base class: once the subclass's ``__init__`` has
returned, ``_react(None)`` puts dependent controls in step and the first picture is drawn.

:class:`ImageExplorer` adds the image menu and the upload button; :class:`ImageKernelExplorer`
adds the kernel menu and the convolution sliders, whose "kernel size" follows the kernel.
"""

from __future__ import annotations

import html
import inspect
import traceback
from contextlib import contextmanager
from dataclasses import dataclass

import ipywidgets as widgets

from ..shapes import explain_output_shape
from .choices import ImageChoice, KernelChoice
from .controls import conv_controls, conv_settings
from .layout import (
    CONTROLS_WIDTH,
    EXPLORER_CSS,
    FIRST_CONTROLS,
    LAST_CONTROLS,
    ONE_COLUMN_MAX,
    caption,
    control_grid,
    section,
)
from .map_view import MapView
from .pictures import COLORBAR_WIDTH, blank_svg, colorbar_html
from .png import blank_png, draw_map, drawn_map
from .settings import ConvSettings, FrozenArray

#: Default ``display_side`` of the explorers: about the size a panel is displayed at 1280×720
#: beside the controls (225-350 px), so a 512×512 image is sent as 256×256 block means.
PANEL_SIDE = 320

__all__ = [
    "Explorer",
    "ImageExplorer",
    "ImageKernelExplorer",
    "ImageKernelSettings",
]


class _FinishedByTheBase(type(widgets.VBox)):
    """Metaclass: once the whole ``__init__`` chain has run, the base draws the first picture."""

    def __call__(cls, *args, **kwargs):
        explorer = super().__call__(*args, **kwargs)
        explorer._start()
        return explorer


class Explorer(widgets.VBox, metaclass=_FinishedByTheBase):
    """Base class of the explorers: a VBox with controls, a readout, messages and image panels.

    A subclass builds its controls, calls ``super().__init__(controls, panels, ...)`` and
    implements the hooks ``_settings()`` (controls -> a frozen settings dataclass),
    ``_compute(settings) -> dict`` (cnnlab calls only, ``"result"`` is the array shown) and
    ``_draw(computed)`` (pictures into the panels); optionally ``_readout(settings)``,
    ``_clear()``, ``_react(change)`` and ``_on_click(button)``. Every change of a control calls
    :meth:`update`; the first picture is drawn when construction is complete.

    Parameters
    ----------
    controls : dict of str -> ipywidgets.Widget
        By name; the name is what :meth:`set` takes ("kernel size" or ``kernel_size``).
    panels : dict of str -> str
        Image panels: caption -> CSS width (e.g. ``"48%"``).
    columns : int, default 3
        Columns of the control grid.
    extra : sequence of Widget
        Shown between the messages and the panels (e.g. a table).
    display_side : int, optional
        Pixels of the longer side of the image panels (default :data:`PANEL_SIDE`, about
        their displayed size); smaller arrays are enlarged, larger ones sent as block means.
    groups : sequence of tuple of str
        Controls that share one grid cell (e.g. a play button and its slider).
    sections : sequence of (str, list of str)
        Framed boxes of controls that belong to one layer: (title, control names).
    colorbars : sequence of str
        Panels that get a colour bar (drawn by :meth:`_show_map`).
    drawings : sequence of str
        Panels that show SVG drawings (:mod:`cnnlab.widgets.pictures`: histograms, number
        grids, curves) in an ``ipywidgets.HTML``; the others show PNG maps.

    Attributes
    ----------
    controls : dict of str -> ipywidgets.Widget
        The controls by name ("kernel size", "stride", "padding", ...). Set their ``.value``
        (or call :meth:`set`) to change what is shown.
    panels : dict of str -> MapView or ipywidgets.HTML
        The panels, created once and updated in place: maps and images in a
        :class:`~cnnlab.widgets.map_view.MapView` (``.value`` is the picture as PNG bytes),
        SVG markup in an ``HTML``'s ``.value`` (the ``drawings``).
    captions : dict of str -> ipywidgets.HTML
        The caption above each panel.
    result : ndarray or None
        The array the explorer shows as its result (feature map, pooled map, ...); None while
        the settings are impossible.
    computed : dict
        Everything the last successful computation produced (arrays and numbers).
    settings : dataclass or None
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
    colorbars : dict of str -> ipywidgets.HTML
        The colour bar (SVG) next to each panel that has one.
    """

    title = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # help(cls) and Jupyter's tooltip: the constructor's parameters, not the metaclass's
        # (*args, **kwargs)
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
        cls.__signature__ = inspect.Signature(parameters)

    #: The panel that shows the result (kept in view beside the sliders); default: the first
    #: panel with a colour bar, else the first panel.
    main_panel = None

    def __init__(
        self,
        controls,
        panels,
        *,
        columns=3,
        extra=(),
        display_side=None,
        groups=(),
        sections=(),
        colorbars=(),
        drawings=(),
    ):
        self.side = PANEL_SIDE if display_side is None else int(display_side)
        self.controls = dict(controls)
        self.result = None
        self.computed = {}
        self.settings = None
        self.readout = ""
        self.message = ""
        self._hold = 0
        self._pending = False
        self.output = widgets.Output(layout=widgets.Layout(width="100%"))
        # no width: stretched by the column (a width of 100% plus the margins would stick out)
        self._message_html = widgets.HTML(layout=widgets.Layout(display="none"))
        self._readout_html = widgets.HTML()
        self.panels, self.captions, self.colorbars, boxes = {}, {}, {}, []
        for name, width in panels.items():
            framed = widgets.Layout(width="100%", height="auto", border="1px solid #bbbbbb")
            if name in drawings:
                image = widgets.HTML(layout=framed)
            else:
                image = MapView(layout=framed)
            image.add_class("cnnlab-picture")
            label = caption(name)
            self.panels[name], self.captions[name] = image, label
            shown = image
            if name in colorbars:  # the bar beside the map, as tall as the map
                image.layout.width = f"calc(100% - {COLORBAR_WIDTH} - 4px)"
                bar = widgets.HTML(
                    layout=widgets.Layout(width=COLORBAR_WIDTH, min_width=COLORBAR_WIDTH)
                )
                bar.add_class("cnnlab-picture")
                self.colorbars[name] = bar
                shown = widgets.HBox(
                    [image, bar],
                    layout=widgets.Layout(width="100%", align_items="stretch", grid_gap="4px"),
                )
            boxes.append(
                widgets.VBox(
                    [label, shown],
                    layout=widgets.Layout(width=width, margin="0 1% 0 0", align_items="center"),
                )
            )
        if self.main_panel is None:
            self.main_panel = next((n for n in panels if n in colorbars), next(iter(panels), None))
        elif self.main_panel not in self.panels:
            raise ValueError(
                f"main_panel {self.main_panel!r} is not a panel of {type(self).__name__}; "
                f"its panels: {list(self.panels)}."
            )
        if self.main_panel is not None:
            self.panels[self.main_panel].add_class("cnnlab-main-picture")
        boxed = [n for _, names in sections for n in names]
        first = [n for n in FIRST_CONTROLS if n in self.controls and n not in boxed]
        last = [n for n in LAST_CONTROLS if n in self.controls and n not in boxed]
        order = first + [n for n in self.controls if n not in first + last + boxed] + last
        cells = {n: self.controls[n] for n in order}
        # the upload button sits beside the title: one row less above the sliders
        upload = cells.pop("upload", None) if panels else None
        for group in groups:  # controls that belong together share one cell, e.g. play + slider
            for n in group[1:]:  # the rest of the cell, never wider than it
                self.controls[n].layout.width = "auto"
                self.controls[n].layout.min_width = "260px"  # else it wraps below
                self.controls[n].layout.flex = "1 1 0"
            box = widgets.HBox(  # a whole row of the grid, so the slider keeps its length
                [self.controls[n] for n in group],
                layout=widgets.Layout(width="100%", grid_column="1 / -1", flex_flow="row wrap"),
            )
            cells[group[0]] = box
            for n in group[1:]:
                cells.pop(n)
        if boxes:  # beside the pictures: one column of controls, two for sections or many
            many = sections or len(cells) + len(boxed) > ONE_COLUMN_MAX
            columns, cell = (2 if many else 1), "0"
        else:
            cell = "280px"
        grid = control_grid(list(cells.values()), columns, cell)
        #: The titled boxes of controls (``sections``), by title.
        self.sections = {
            title: section(title, [self.controls[n] for n in names], columns, cell)
            for title, names in sections
        }
        header = widgets.HTML(
            value=EXPLORER_CSS + f'<div style="font-size:24px;font-weight:bold;margin:4px 0">'
            f"{html.escape(self.title)}</div>"
        )
        if upload is not None:
            header = widgets.HBox(
                [header, upload], layout=widgets.Layout(align_items="center", grid_gap="24px")
            )
        grid.add_class("cnnlab-controls")
        texts = [self._readout_html, self._message_html, self.output]
        if boxes:  # controls in a column beside the pictures: both in view on a projector
            width = CONTROLS_WIDTH[columns > 1]
            column = widgets.VBox(
                [grid, *self.sections.values(), *texts],
                layout=widgets.Layout(flex=f"0 0 {width}", width=width),
            )
            column.add_class("cnnlab-control-column")
            pictures = widgets.HBox(
                boxes,
                layout=widgets.Layout(
                    flex_flow="row wrap", flex="1 1 0", min_width="0", align_items="flex-start"
                ),
            )
            pictures.add_class("cnnlab-pictures")
            body = [
                widgets.HBox(
                    [column, pictures],
                    layout=widgets.Layout(width="100%", align_items="flex-start", grid_gap="16px"),
                ),
                *extra,
            ]
        else:  # no pictures (e.g. tables): the controls across the whole width
            body = [grid, *self.sections.values(), *texts, *extra]
        super().__init__([header, *body], layout=widgets.Layout(width="100%"))
        self.add_class("cnnlab-explorer")
        for control in self.controls.values():
            if isinstance(control, widgets.Button):
                control.on_click(self._on_click)
            elif isinstance(control, widgets.Play | widgets.FileUpload):
                pass  # a Play is linked to a slider (observed); uploads: see ImageExplorer
            elif hasattr(control, "value"):
                control.observe(self._changed, names="value")

    def _start(self):
        """Put dependent controls in step and draw the first picture (after ``__init__``)."""
        self._changed(None)

    # ---- drawing helpers ----------------------------------------------------------------
    def _show_map(self, name, values, **colours):
        """Show an image or a map in panel ``name``, and its colour bar if the panel has one.

        ``values``: an array, or a :class:`FrozenArray` (then drawn once and cached, for
        panels that often stay the same); ``colours`` (``signed``, ``cmap``, ``vmin``,
        ``vmax``, ``frame``) as for :func:`cnnlab.widgets.png.array_to_png`.
        """
        if isinstance(values, FrozenArray):
            drawn = drawn_map(values, self.side, tuple(sorted(colours.items())))
        else:
            drawn = draw_map(values, self.side, **colours)
        self._show_drawn(name, drawn)

    def _show_drawn(self, name, drawn):
        """Show a :class:`~cnnlab.widgets.png.DrawnMap` in panel ``name``, with its colour bar."""
        self.panels[name].show(drawn.image)
        bar = self.colorbars.get(name)
        if bar is None:
            return
        if drawn.cmap is None:  # RGB: its own colours, no bar
            bar.layout.visibility = "hidden"
            return
        bar.value = colorbar_html(drawn.cmap, *drawn.limits)
        bar.layout.visibility = None

    def _blank(self, name, text="no output"):
        """Grey out one panel (its picture cannot be computed for the current settings)."""
        panel = self.panels[name]
        if isinstance(panel, widgets.HTML):
            panel.value = blank_svg(self.side, self.side, text)
        else:
            panel.value = blank_png(self.side, self.side, text)
        if name in self.colorbars:
            self.colorbars[name].layout.visibility = "hidden"

    # ---- subclass hooks -----------------------------------------------------------------
    def _settings(self):  # pragma: no cover - always overridden
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
        >>> import numpy as np
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
        >>> import numpy as np
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
            f'#D55E00;padding:8px 14px;margin:6px 0;overflow-wrap:anywhere">{html.escape(text)}</div>'
        )
        self._message_html.layout.display = None
        try:
            self._clear()
        except Exception:  # clearing must never hide the message
            self.output.append_stderr(traceback.format_exc())

    def _show_readout(self, text):
        """Set the readout; it is sent once, when the update is done (:meth:`update`)."""
        self.readout = text

    def _send_readout(self):
        lines = "<br>".join(html.escape(line) for line in self.readout.split("\n"))
        self._readout_html.value = (
            f'<div style="font-size:20px;line-height:1.45;overflow-wrap:anywhere">{lines}</div>'
        )

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
        # after the pictures, in one message however often the update changed it
        self._send_readout()

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


class ImageExplorer(Explorer):
    """An explorer of one image: adds the image menu and the upload button to its controls.

    ``image`` is a bundled picture's name or an array (see :class:`ImageChoice`); an upload is
    decoded, added to the menu and selected. Its note (e.g. that it was shrunk) is
    ``self.image_choice.note``.
    """

    def __init__(self, image, controls, panels, **layout):
        self.image_choice = ImageChoice(image)
        super().__init__({**self.image_choice.controls, **controls}, panels, **layout)
        self.controls["upload"].observe(self._on_upload, names="value")

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


@dataclass(frozen=True)
class ImageKernelSettings:
    """An image, a kernel and the convolution's structure (what :class:`ImageKernelExplorer` reads).

    Subclass it (``@dataclass(frozen=True)``) to add an explorer's own settings.
    """

    image: FrozenArray
    kernel: FrozenArray
    conv: ConvSettings


class ImageKernelExplorer(ImageExplorer):
    """An explorer of one convolution of an image: image and kernel menus and the conv sliders.

    Parameters
    ----------
    start : ConvStart
        The image, the kernel, the sliders' first values and the panels' resolution.
    own_controls : dict
        The subclass's own controls.
    panels, **layout :
        As for :class:`Explorer`.
    conv_options :
        More for :func:`conv_controls` (e.g. ``dilation=1``).

    The "kernel size" slider follows the chosen kernel (:meth:`KernelChoice.fit_slider`);
    :meth:`_image_kernel` reads an :class:`ImageKernelSettings`.
    """

    def __init__(self, start, own_controls, panels, *, conv_options=None, **layout):
        self.kernel_choice = KernelChoice(start.kernel)
        structure = conv_controls(
            start.kernel_size, start.stride, start.padding, **(conv_options or {})
        )
        controls = {**self.kernel_choice.controls, **structure, **own_controls}
        layout.setdefault("display_side", start.display_side)
        super().__init__(start.image, controls, panels, **layout)

    def _react(self, change):
        self.kernel_choice.fit_slider(self.controls["kernel size"], change)

    def _image_kernel(self) -> dict:
        """The fields of :class:`ImageKernelSettings`, to build the subclass's settings with."""
        conv = conv_settings(self.controls)
        return {
            "image": self.image_choice.image(),
            "kernel": self.kernel_choice.kernel(conv.kernel_size),
            "conv": conv,
        }

    def _settings(self):
        return ImageKernelSettings(**self._image_kernel())

    def _conv_lines(self, s) -> list:
        """The convolution's settings and output size (with the formula), as readout lines."""
        image, kernel, conv = s.image, s.kernel, s.conv
        colour = ", converted to gray" if image.array.ndim == 3 else ""
        head = (
            f"input {image.shape[0]}×{image.shape[1]}{colour}; kernel "
            f"{self.kernel_choice.describe(kernel)}; stride {conv.stride}; zero padding"
        )
        body = explain_output_shape(
            image.shape[:2], kernel.shape, conv.stride, conv.padding, name="feature map"
        )
        note = self.image_choice.note
        return [head, body, *([note] if note else [])]
