"""Inspect your own model: any Keras CNN, layer by layer, down to one unit's multiply-and-sum.

:class:`ModelExplorer` shows a learner's own Keras 3 network (notebook 11's trained CNN, or any
Sequential or Functional CNN) for one image: the layer table (Keras's output shapes and
parameters beside cnnlab's arithmetic), one layer's feature maps, and for a convolution layer
one unit: its receptive field on the image, the input window and the filter it multiplies, and
the multiply-and-sum redone by cnnlab from the layer's own weights, next to Keras's value.
Everything Keras-related is in :class:`cnnlab.networks.ModelInspector`; this module only draws.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from ..images import to_float
from .base import ImageExplorer
from .controls import dropdown, slider
from .pictures import grid_svg
from .settings import FrozenArray

__all__ = ["ModelExplorer", "ModelSettings", "model_explorer"]

_GOOD, _BAD = "#1e7e34", "#b35c00"
_MOSAIC_CHANNELS = 16  # feature maps shown at once


@dataclass(frozen=True)
class ModelSettings:
    """What :class:`ModelExplorer` reads from its controls."""

    image: FrozenArray
    layer: str
    channel: int
    row: int
    col: int


def _shape(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def model_table_html(rows, selected=None) -> str:
    """The layer table: Keras's output shape and parameters, cnnlab's beside them, ✓ or ✗.

    Parameters
    ----------
    rows : list of cnnlab.networks.ModelRow
    selected : str, optional
        The layer to highlight.

    Examples
    --------
    >>> from cnnlab.networks import ModelRow
    >>> text = model_table_html([ModelRow("c", "Conv2D", (None, 6, 6, 2), 20, (None, 6, 6, 2), 20)])
    >>> "(None, 6, 6, 2)" in text, "✓" in text
    (True, True)
    """
    head = (
        "<tr><th>layer</th><th>type</th><th>Keras: output shape</th><th>params</th>"
        "<th>cnnlab: output shape</th><th>params</th><th></th></tr>"
    )
    body = []
    for r in rows:
        if r.agree is None:
            ours, mark = ('<td colspan="2"><i>not explained</i></td>', "")
        else:
            ours = f"<td>{_shape(r.cnnlab_shape)}</td><td>{r.cnnlab_params:,}</td>"
            colour = _GOOD if r.agree else _BAD
            mark = f'<span style="color:{colour}">{"✓" if r.agree else "✗"}</span>'
        style = ' style="background:#fff1c2"' if r.name == selected else ""
        body.append(
            f"<tr{style}><td>{html.escape(r.name)}</td><td>{html.escape(r.kind)}</td>"
            f"<td>{_shape(r.output_shape)}</td><td>{r.params:,}</td>{ours}<td>{mark}</td></tr>"
        )
    total = sum(r.params for r in rows)
    return (
        '<table style="font-size:15px;border-collapse:collapse" cellpadding="3">'
        f"{head}{''.join(body)}<tr><td><b>total</b></td><td></td><td></td>"
        f"<td><b>{total:,}</b></td><td></td><td></td><td></td></tr></table>"
    )


def _mosaic(maps, count=_MOSAIC_CHANNELS):
    """The first ``count`` channels of (H, W, C) maps tiled in rows of 4, one cell apart."""
    maps = np.asarray(maps, np.float64)
    n = min(count, maps.shape[2])
    cols = min(4, n)
    rows = -(-n // cols)
    h, w = maps.shape[:2]
    lo = float(maps[:, :, :n].min())
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), lo)
    for k in range(n):
        r, c = divmod(k, cols)
        out[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = maps[:, :, k]
    return out


class ModelExplorer(ImageExplorer):
    """Explore your own Keras CNN for one image: layers, feature maps, one unit recomputed.

    Parameters
    ----------
    model : keras.Model
        A built Keras 3 Sequential or Functional CNN with one image input (channels last),
        e.g. the network a notebook just trained.
    image : str or ndarray, optional
        A bundled picture's name ("camera", ...) or an array (an MNIST digit, a photo); it is
        converted, resized and scaled as the model expects
        (:meth:`cnnlab.networks.ModelInspector.prepare`). Default "camera". Uploads are added
        to the menu.
    layer : str, optional
        The layer shown first (default: the first convolution).
    channel, row, col : int, default 0
        The feature map (channel) and the unit shown.

    Attributes
    ----------
    inspector : cnnlab.networks.ModelInspector
        Does the work (None if the model could not be inspected; ``.message`` says why).
    rows : list of ModelRow
        One per layer: ``.name``, ``.output_shape`` (batch None), ``.params`` and cnnlab's.
    unit_info : cnnlab.networks.Unit or None
        The unit on the controls (None for a layer that is not a convolution).
    message : str
        A sentence naming the layers cnnlab cannot explain, or what is wrong ('' otherwise).

    The feature map cannot be clicked (plain ipywidgets images report no clicks): the "row"
    and "col" sliders choose the unit.

    Examples
    --------
    >>> import keras
    >>> from keras import layers
    >>> m = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3, name="c")])
    >>> ex = ModelExplorer(m, np.eye(8), row=1, col=2)
    >>> ex.rows[0].output_shape, ex.activation("c").shape
    ((None, 6, 6, 2), (6, 6, 2))
    >>> u = ex.unit("c", 1, 2, 0)
    >>> abs(u.value - u.recomputed) < 1e-5
    True
    """

    title = "Inspect your own model: layers, feature maps, one unit"

    def __init__(self, model, image=None, *, layer=None, channel=0, row=0, col=0):
        from ..networks.model_inspector import ModelInspector

        self.inspector, self._error = None, ""
        try:
            self.inspector = ModelInspector(model)
        except ValueError as err:
            self._error = str(err)
        names = [] if self.inspector is None else self._layer_names()
        if layer is None:
            convs = [r.name for r in self.rows if r.kind == "Conv2D"]
            layer = convs[0] if convs else (names[0] if names else "")
        if names and layer not in names:
            raise ValueError(f"layer must be one of {names}; got {layer!r}.")
        controls = {
            "layer": dropdown("layer", names or [""], layer),
            "channel": slider("channel", channel, 0, max(channel, 1), continuous_update=False),
            "row": slider("unit row", row, 0, max(row, 1), continuous_update=False),
            "col": slider("unit col", col, 0, max(col, 1), continuous_update=False),
        }
        self._table = widgets.HTML(layout=widgets.Layout(width="auto"))
        self._unit_html = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.unit_info = None
        self._notice = ""
        self._given = {}  # images given to set(image=...), by their menu label
        super().__init__(
            "camera" if image is None else image,
            controls,
            {
                "input image (receptive field)": "24%",
                "feature maps (first 16 channels)": "24%",
                "this channel (the unit outlined)": "24%",
                "window × filter, summed over channels": "24%",
            },
            columns=3,
            extra=(self._unit_html, self._table),
            display_side=320,
            drawings=("window × filter, summed over channels",),
        )

    # ---- what it shows, for notebooks and tests ---------------------------------------------
    @property
    def rows(self):
        return [] if self.inspector is None else self.inspector.rows

    def activation(self, layer_name) -> np.ndarray:
        """That layer's output for the current image (Keras's), without the batch axis."""
        return self._inspector().activation(layer_name)

    def unit(self, layer_name, row, col, channel):
        """One unit of a convolution layer (:meth:`cnnlab.networks.ModelInspector.unit`)."""
        return self._inspector().unit(layer_name, row, col, channel)

    def set(self, values=None, **kwargs):
        """Set controls by name, as :meth:`cnnlab.widgets.Explorer.set`; ``image`` may also be
        an array or a bundled picture's name: it is added to the image menu and shown.

        Examples
        --------
        >>> import keras
        >>> m = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(1, 3, name="c")])
        >>> ex = ModelExplorer(m, np.zeros((4, 4)))
        >>> float(ex.set(image=np.ones((4, 4))).unit_info.window.sum())
        9.0
        """
        menu = self.controls["image"]
        image = kwargs.get("image")
        if image is not None and not (isinstance(image, str) and image in menu.options):
            if isinstance(image, str):
                raise ValueError(
                    f"image must be an array or one of {list(menu.options)}; got {image!r}."
                )
            label = f"image {len(self._given) + 1} given to set()"
            self._given[label] = FrozenArray.of(to_float(np.asarray(image)))
            menu.options = [*menu.options, label]
            kwargs["image"] = label
        return super().set(values, **kwargs)

    def _inspector(self):
        if self.inspector is None:
            raise ValueError(self._error)
        return self.inspector

    def _layer_names(self):
        return [r.name for r in self.inspector.rows if r.kind != "InputLayer"]

    # ---- hooks ----------------------------------------------------------------------------
    def _react(self, change):
        if self.inspector is None:
            return
        name = self.controls["layer"].value
        if name not in self.inspector._by_name:
            return
        shape = self.inspector.rows[[r.name for r in self.rows].index(name)].output_shape[1:]
        spatial = len(shape) == 3
        channels = shape[-1] if shape else 1
        limits = {
            "channel": channels - 1 if spatial else 0,
            "row": shape[0] - 1 if spatial else 0,
            "col": shape[1] - 1 if spatial else 0,
        }
        conv = self.inspector._by_name[name].__class__.__name__ == "Conv2D"
        for key, top in limits.items():
            s = self.controls[key]
            s.max = max(top, 1)
            s.value = min(s.value, top)
            s.disabled = top == 0 or (key != "channel" and not conv)

    def _settings(self):
        if self.inspector is None:
            raise ValueError(self._error)
        label = self.controls["image"].value
        return ModelSettings(
            image=self._given[label] if label in self._given else self.image_choice.image(),
            layer=self.controls["layer"].value,
            channel=int(self.controls["channel"].value),
            row=int(self.controls["row"].value),
            col=int(self.controls["col"].value),
        )

    def _readout(self, s):
        row = next(r for r in self.rows if r.name == s.layer)
        h, w, c = self.inspector.input_shape
        scale = (
            ", 0-255 pixels (the model starts with Rescaling)"
            if (self.inspector.expects_0_255)
            else ""
        )
        return (
            f"model input {h}×{w}×{c}{scale}; layer '{row.name}' ({row.kind}): output "
            f"{_shape(row.output_shape)}, {row.params:,} parameters"
        )

    def _compute(self, s):
        ins = self.inspector
        if getattr(self, "_image_key", None) != s.image:
            ins.set_image(s.image.array)
            self._image_key = s.image
        maps = np.asarray(ins.activation(s.layer))
        unit = None
        if type(ins._by_name[s.layer]).__name__ == "Conv2D" and maps.ndim == 3:
            unit = ins.unit(s.layer, s.row, s.col, s.channel)
        return {"maps": maps, "unit": unit, "result": maps, "settings": s}

    def _update(self):
        super()._update()
        notice = self.inspector.message if self.inspector is not None else ""
        self._notice = notice
        if notice:
            self.message = notice
            self._message_html.value = (
                '<div style="font-size:17px;color:#5a3d00;background:#fff8e1;border-left:8px '
                f'solid #E69F00;padding:8px 14px;margin:6px 0">{html.escape(notice)}</div>'
            )
            self._message_html.layout.display = None

    def _draw(self, c):
        ins, s, maps, unit = self.inspector, c["settings"], c["maps"], c["unit"]
        self.unit_info = unit
        image = ins.image / 255.0 if ins.expects_0_255 else ins.image
        shown = image[..., 0] if image.shape[2] == 1 else np.clip(image, 0, 1)
        frame = None
        if unit is not None and unit.receptive_field is not None:
            t, left, b, r = unit.receptive_field
            frame = (t, left, b - t, r - left)
        self._show_map(
            "input image (receptive field)",
            shown,
            **({"signed": False, "cmap": "gray"} if shown.ndim == 2 else {}),
            frame=frame,
        )
        spatial = maps.ndim == 3
        grid = _mosaic(maps) if spatial else maps.reshape(1, -1)
        self._show_map("feature maps (first 16 channels)", grid)
        one = maps[:, :, s.channel] if spatial else maps.reshape(1, -1)
        self._show_map(
            "this channel (the unit outlined)",
            one,
            frame=(s.row, s.col, 1, 1) if unit is not None else None,
        )
        if unit is not None:
            products = (unit.window * unit.filter).sum(axis=2)
            self.panels["window × filter, summed over channels"].value = grid_svg(
                products, side=self.side, signed=True, fmt=".2f"
            )
            kh, kw, cin = unit.window.shape
            diff = abs(unit.value - unit.recomputed)
            rf = unit.receptive_field
            field = (
                "receptive field: not known (a layer on the way is not explained)"
                if rf is None
                else f"receptive field: rows {rf[0]}-{rf[2] - 1}, cols {rf[1]}-{rf[3] - 1} of "
                f"the input ({rf[2] - rf[0]}×{rf[3] - rf[1]} pixels)"
            )
            self._unit_html.value = (
                '<div style="font-size:19px;line-height:1.5">'
                f"<b>unit ({unit.row}, {unit.col}) of channel {unit.channel} in "
                f"'{html.escape(unit.layer)}'</b>: the {kh}×{kw}×{cin} window of "
                f"'{html.escape(unit.source)}' at ({unit.window_origin[0]}, "
                f"{unit.window_origin[1]}) times filter {unit.channel}, summed, plus bias "
                f"{unit.bias:.4f} = {unit.pre_activation:.4f}; {html.escape(unit.activation)} → "
                f"<b>cnnlab {unit.recomputed:.6f}</b>, Keras {unit.value:.6f} "
                f'<span style="color:{_GOOD if diff < 1e-4 else _BAD}">(difference '
                f"{diff:.1e})</span><br>{field}</div>"
            )
        else:
            self._blank("window × filter, summed over channels", "units: choose a Conv2D layer")
            self._unit_html.value = (
                '<div style="font-size:18px">Units are explained for convolution layers '
                f"(Conv2D); '{html.escape(s.layer)}' is shown as its output.</div>"
            )
        self._table.value = model_table_html(self.rows, s.layer)

    def _clear(self):
        self.unit_info = None
        for name in self.panels:
            self._blank(name)
        self._unit_html.value = ""
        if self.inspector is not None:
            self._table.value = model_table_html(self.rows)


#: The name the notebooks call: ``model_explorer(model, image)`` is :class:`ModelExplorer`.
model_explorer = ModelExplorer
