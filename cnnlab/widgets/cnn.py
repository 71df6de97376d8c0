"""Notebook 11's explorer: a whole CNN's shapes and parameters, cnnlab's arithmetic beside Keras.

:class:`CNNExplorer` shows every layer's output shape and parameter count of
:func:`cnnlab.networks.build_cnn`'s network for the kernel size, stride and padding on the sliders
(and depth, filters, pooling, dropout), next to Keras's ``model.summary()``, and says whether
they agree. The notebooks import this module as ``from cnnlab.widgets import cnn as
cnn_widgets``, so it also offers notebook 12's :func:`filter_explorer` and the
:func:`progress_callback` for ``model.fit``.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass

import ipywidgets as widgets

from .._validate import describe
from ..shapes import explain_output_shape
from .base import Explorer
from .controls import conv_settings, dropdown, float_slider, slider, training_conv_controls
from .filter import FilterExplorer, filter_explorer
from .progress import progress_callback

__all__ = [
    "Architecture",
    "CNNExplorer",
    "FilterExplorer",
    "cnn_explorer",
    "filter_explorer",
    "layer_table_html",
    "progress_callback",
]

_GOOD, _BAD = "#1e7e34", "#b35c00"


@dataclass(frozen=True)
class Architecture:
    """The network on the controls: the keyword arguments of :func:`cnnlab.networks.build_cnn`."""

    input_shape: tuple
    num_classes: int
    filters: tuple
    kernel_size: int
    stride: int
    padding: int | str
    pool_size: int | None
    dense_units: int | None
    dropout: float

    def kwargs(self) -> dict:
        """As a dict, for ``build_cnn(**arch.kwargs())``."""
        return asdict(self)


def _shape_text(shape) -> str:
    return "(None, " + ", ".join(str(v) for v in shape) + ")"


def layer_table_html(rows, keras_rows=None) -> str:
    """An HTML table of layers: cnnlab's shape and parameters, and Keras's when given.

    Parameters
    ----------
    rows : list of (name, output_shape, params)
        From :func:`cnnlab.networks.layer_table`.
    keras_rows : list of (name, output_shape, params), optional
        From :func:`cnnlab.networks.summary_table`; each row is then marked ✓ (equal) or ✗.

    Returns
    -------
    str

    Examples
    --------
    >>> text = layer_table_html([("conv1", (26, 26, 8), 80)], [("conv1", (26, 26, 8), 80)])
    >>> "(None, 26, 26, 8)" in text, "✓" in text, "✗" in text
    (True, True, False)
    """
    head = ["layer", "output shape (cnnlab)", "params (cnnlab)"]
    if keras_rows is not None:
        head += ["output shape (Keras)", "params (Keras)", "same?"]
    right = {2, 4}
    cell = "padding:3px 10px;border-bottom:1px solid #ddd"
    lines = [
        '<table style="font-size:17px;border-collapse:collapse;font-family:monospace">',
        "<tr>"
        + "".join(
            f'<th style="{cell};text-align:{"right" if i in right else "left"}">{h}</th>'
            for i, h in enumerate(head)
        )
        + "</tr>",
    ]
    for n, (name, shape, params) in enumerate(rows):
        tds = [html.escape(str(name)), _shape_text(shape), f"{int(params):,}"]
        if keras_rows is not None:
            other = keras_rows[n] if n < len(keras_rows) else None
            same = other is not None and tuple(other) == (name, tuple(shape), int(params))
            if other is None:
                tds += ["—", "—"]
            else:
                tds += [_shape_text(other[1]), f"{int(other[2]):,}"]
            tds.append(f'<b style="color:{_GOOD if same else _BAD}">{"✓" if same else "✗"}</b>')
        lines.append(
            "<tr>"
            + "".join(
                f'<td style="{cell};text-align:{"right" if i in right else "left"}">{t}</td>'
                for i, t in enumerate(tds)
            )
            + "</tr>"
        )
    total = sum(int(r[2]) for r in rows)
    lines.append(
        f'<tr><td style="{cell}"><b>total</b></td><td style="{cell}"></td>'
        f'<td style="{cell};text-align:right"><b>{total:,}</b></td></tr>'
    )
    lines.append("</table>")
    return "\n".join(lines)


class CNNExplorer(Explorer):
    """Explore a whole CNN's architecture: every layer's output shape and parameter count.

    The network is :func:`cnnlab.networks.build_cnn`'s: per block ``conv -> ReLU -> max-pool``
    (the number of filters doubling from block to block), then ``flatten -> (hidden dense) ->
    dropout -> dense -> softmax``. The table shows cnnlab's own arithmetic
    (:func:`cnnlab.networks.layer_table`) next to the Keras model's shapes and parameters
    (:func:`cnnlab.networks.summary_table`) and its ``model.summary()``, each row marked ✓ when
    they agree. A setting that leaves no spatial size shows which values would fit.

    Parameters
    ----------
    kernel_size, stride : int
        Of every convolution (sliders 1-9 and 1-4).
    padding : int or {"valid", "same", "full"}, default "valid"
    blocks : int, default 2
        Convolution blocks (1-3).
    filters : {4, 8, 16, 32, 64}, default 16
        Filters of the first block.
    pool_size : int, default 2
        Max-pooling window after each block (1: none).
    dense_units : {0, 32, 64, 128}, default 0
        A hidden dense layer before the output (0: none).
    dropout : float, default 0.5
    input_shape : (H, W, C), default (28, 28, 1)
    num_classes : int, default 10
    keras : bool, default True
        Build the Keras model to compare (imports TensorFlow); False shows cnnlab's table only.

    Attributes
    ----------
    arch : dict
        The architecture on the controls, as keyword arguments of ``build_cnn``.
    rows, keras_rows : list
        cnnlab's table and Keras's (None with ``keras=False``).
    summary_text : str
        Keras's ``model.summary()``.
    agree : bool or None
        Whether the two tables agree.
    model : keras.Model or None
        The untrained Keras model; see :class:`cnnlab.widgets.Explorer` for the rest.

    Examples
    --------
    >>> ex = CNNExplorer(keras=False)
    >>> ex.arch["filters"], ex.rows[2]
    ((16, 32), LayerRow(name='conv1', output_shape=(26, 26, 16), params=160))
    >>> ex.set(kernel_size=5, padding="same").rows[2].output_shape
    (28, 28, 16)
    >>> ex.set(blocks=3, kernel_size=9, padding="valid").message[:40]
    "kernel_size=9, stride=1 and padding='val"
    """

    title = "A whole CNN: shapes and parameters, layer by layer"

    def __init__(
        self,
        *,
        kernel_size=3,
        stride=1,
        padding="valid",
        blocks=2,
        filters=16,
        pool_size=2,
        dense_units=0,
        dropout=0.5,
        input_shape=(28, 28, 1),
        num_classes=10,
        keras=True,
    ):
        self.input_shape = tuple(int(v) for v in input_shape)
        self.num_classes = int(num_classes)
        self.keras = bool(keras)
        self.model = None
        structure = training_conv_controls(kernel_size, stride, padding)
        filter_options = [4, 8, 16, 32, 64]
        if filters not in filter_options:
            raise ValueError(f"filters must be one of {filter_options}; got {describe(filters)}.")
        dense_options = [("none", 0), ("32", 32), ("64", 64), ("128", 128)]
        if dense_units not in [v for _, v in dense_options]:
            raise ValueError(
                f"dense_units must be 0 (none), 32, 64 or 128; got {describe(dense_units)}."
            )
        controls = {
            **structure,
            "blocks": slider("conv blocks", blocks, 1, 3, continuous_update=False),
            "filters": dropdown("filters in block 1 (doubling)", filter_options, filters),
            "pool size": slider(
                "pool size (1 = no pooling)", pool_size, 1, 3, continuous_update=False
            ),
            "dense units": dropdown("hidden dense units", dense_options, dense_units),
            "dropout": float_slider(
                "dropout rate",
                dropout,
                0.0,
                0.8,
                0.1,
                continuous_update=False,
                readout_format=".1f",
            ),
        }
        self._table_html = widgets.HTML(layout=widgets.Layout(width="auto"))
        self._summary_html = widgets.HTML(layout=widgets.Layout(width="auto"))
        tables = widgets.HBox(
            [self._table_html, self._summary_html],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="24px", width="100%"),
        )
        self.rows, self.keras_rows, self.summary_text, self.agree = [], None, "", None
        super().__init__(controls, {}, extra=(tables,))

    @property
    def arch(self) -> dict:
        """The architecture on the controls, as keyword arguments of ``build_cnn``."""
        return self._settings().kwargs()

    def _settings(self):
        conv = conv_settings(self.controls)
        first = int(self.controls["filters"].value)
        blocks = int(self.controls["blocks"].value)
        pool = int(self.controls["pool size"].value)
        return Architecture(
            input_shape=self.input_shape,
            num_classes=self.num_classes,
            filters=tuple(first * 2**b for b in range(blocks)),
            kernel_size=conv.kernel_size,
            stride=conv.stride,
            padding=conv.padding,
            pool_size=None if pool == 1 else pool,
            dense_units=int(self.controls["dense units"].value) or None,
            dropout=round(float(self.controls["dropout"].value), 2),
        )

    def _readout(self, s):
        arch = s.kwargs()
        h, w, c = self.input_shape
        first = explain_output_shape(
            (h, w), arch["kernel_size"], arch["stride"], arch["padding"], name="conv1 output"
        )
        return (
            f"input {h}×{w}×{c}; {len(arch['filters'])} block(s) with filters "
            f"{arch['filters']}, kernel {arch['kernel_size']}×{arch['kernel_size']}, stride "
            f"{arch['stride']}, padding {arch['padding']!r}\n{first}"
        )

    def _compute(self, s):
        from .. import networks

        arch = s.kwargs()
        rows = networks.layer_table(**arch)
        computed = {"rows": rows, "keras_rows": None, "summary": "", "agree": None}
        if self.keras:
            model = networks.build_cnn(**arch)
            lines = []
            model.summary(print_fn=lambda text, **_: lines.append(str(text)))
            keras_rows = networks.summary_table(model)
            computed.update(
                model=model,
                keras_rows=keras_rows,
                summary="\n".join(lines),
                agree=keras_rows == rows,
            )
        computed["result"] = rows
        return computed

    def _draw(self, c):
        self.rows, self.keras_rows = c["rows"], c["keras_rows"]
        self.summary_text, self.agree = c["summary"], c["agree"]
        self.model = c.get("model")
        total = sum(r.params for r in self.rows)
        if self.agree is None:
            verdict = "(Keras comparison off)"
        elif self.agree:
            verdict = (
                f'<span style="color:{_GOOD}">✓ cnnlab\'s arithmetic and Keras agree on all '
                f"{len(self.rows)} layers</span>"
            )
        else:
            verdict = f'<span style="color:{_BAD}">✗ cnnlab and Keras disagree (see ✗)</span>'
        self._table_html.value = (
            f'<div style="font-size:19px;margin:6px 0"><b>{total:,} parameters</b> · {verdict}'
            f"</div>" + layer_table_html(self.rows, self.keras_rows)
        )
        if self.summary_text:
            self._summary_html.value = (
                '<div style="font-size:19px;margin:6px 0"><b>model.summary()</b></div>'
                "<pre style=\"font-size:13px;line-height:1.15;margin:0;font-family:'DejaVu Sans Mono',monospace\">"
                f"{html.escape(self.summary_text)}</pre>"
            )
        else:
            self._summary_html.value = ""

    def _clear(self):
        self.rows, self.keras_rows, self.summary_text, self.agree = [], None, "", None
        self.model = None
        self._table_html.value = ""
        self._summary_html.value = ""


#: The name notebook 11 calls: ``cnn_widgets.cnn_explorer(...)`` is :class:`CNNExplorer`.
cnn_explorer = CNNExplorer
