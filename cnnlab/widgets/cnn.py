"""Explorers for notebooks 09 and 10: a whole CNN's shapes, and a filter learned from data.

* :func:`cnn_explorer` (notebook 09): kernel size, stride and padding (and depth, filters,
  pooling, dropout) of :func:`cnnlab.models.build_cnn`'s network; shows every layer's output
  shape and parameter count from cnnlab's arithmetic next to Keras's ``model.summary()`` and
  says whether they agree. ``.arch`` is the architecture to train.
* :func:`progress_callback` (notebook 09): a widget progress bar for ``model.fit``.
* :func:`filter_explorer` (notebook 10): learns a kernel from (image, filtered image) pairs by
  gradient descent (:func:`cnnlab.learning.learn_kernel`) for the kernel size, stride and
  padding on the sliders; a frame slider (with a play button) steps through training.

Both follow :class:`cnnlab.widgets.Explorer`: controls from :func:`conv_controls`, impossible
settings shown as a sentence in the message area, ``.set(...)`` to change several controls.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import learning, render
from .._validate import describe
from ._core import Explorer, KernelChoice, conv_controls, conv_settings, size_readout

__all__ = [
    "CNNExplorer",
    "FilterExplorer",
    "cnn_explorer",
    "filter_explorer",
    "layer_table_html",
    "progress_callback",
]

_STYLE = {"description_width": "initial"}
_WIDE = {"width": "95%", "min_width": "260px"}
_GOOD, _BAD = "#1e7e34", "#b35c00"


def _int_slider(description, value, lo, hi):
    return widgets.IntSlider(
        value=int(value),
        min=int(lo),
        max=int(hi),
        description=description,
        continuous_update=False,
        style=_STYLE,
        layout=widgets.Layout(**_WIDE),
    )


# --------------------------------------------------------------------------------------------
# Notebook 09: the architecture explorer
# --------------------------------------------------------------------------------------------
def _shape_text(shape) -> str:
    return "(None, " + ", ".join(str(v) for v in shape) + ")"


def layer_table_html(rows, keras_rows=None) -> str:
    """An HTML table of layers: cnnlab's shape and parameters, and Keras's when given.

    Parameters
    ----------
    rows : list of (name, output_shape, params)
        From :func:`cnnlab.models.layer_table`.
    keras_rows : list of (name, output_shape, params), optional
        From :func:`cnnlab.models.summary_table`; each row is then marked ✓ (equal) or ✗.

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
    """Architecture explorer of notebook 09; build it with :func:`cnn_explorer`."""

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
        structure = conv_controls(
            kernel_size,
            stride,
            padding,
            kernel_sizes=(1, 9),
            strides=(1, 4),
            paddings=(0, 4),
            continuous_update=False,
        )
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
            "blocks": _int_slider("conv blocks", blocks, 1, 3),
            "filters": widgets.Dropdown(
                options=filter_options,
                value=filters,
                description="filters in block 1 (doubling)",
                style=_STYLE,
                layout=widgets.Layout(**_WIDE),
            ),
            "pool size": _int_slider("pool size (1 = no pooling)", pool_size, 1, 3),
            "dense units": widgets.Dropdown(
                options=dense_options,
                value=dense_units,
                description="hidden dense units",
                style=_STYLE,
                layout=widgets.Layout(**_WIDE),
            ),
            "dropout": widgets.FloatSlider(
                value=float(dropout),
                min=0.0,
                max=0.8,
                step=0.1,
                description="dropout rate",
                continuous_update=False,
                readout_format=".1f",
                style=_STYLE,
                layout=widgets.Layout(**_WIDE),
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
        self.update()

    @property
    def arch(self) -> dict:
        """The architecture on the controls, as keyword arguments of ``build_cnn``."""
        s = conv_settings(self.controls)
        first = int(self.controls["filters"].value)
        blocks = int(self.controls["blocks"].value)
        pool = int(self.controls["pool size"].value)
        return {
            "input_shape": self.input_shape,
            "num_classes": self.num_classes,
            "filters": tuple(first * 2**b for b in range(blocks)),
            "kernel_size": s["kernel_size"],
            "stride": s["stride"],
            "padding": s["padding"],
            "pool_size": None if pool == 1 else pool,
            "dense_units": int(self.controls["dense units"].value) or None,
            "dropout": round(float(self.controls["dropout"].value), 2),
        }

    def _settings(self):
        return self.arch

    def _readout(self, arch):
        h, w, c = self.input_shape
        first = size_readout(
            (h, w), arch["kernel_size"], arch["stride"], arch["padding"], name="conv1 output"
        )
        return (
            f"input {h}×{w}×{c}; {len(arch['filters'])} block(s) with filters "
            f"{arch['filters']}, kernel {arch['kernel_size']}×{arch['kernel_size']}, stride "
            f"{arch['stride']}, padding {arch['padding']!r}\n{first}"
        )

    def _compute(self, arch):
        from .. import models

        rows = models.layer_table(**arch)
        computed = {"rows": rows, "keras_rows": None, "summary": "", "agree": None}
        if self.keras:
            model = models.build_cnn(**arch)
            lines = []
            model.summary(print_fn=lambda text, **_: lines.append(str(text)))
            keras_rows = models.summary_table(model)
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


def cnn_explorer(
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
    """Explore a whole CNN's architecture: every layer's output shape and parameter count.

    The network is :func:`cnnlab.models.build_cnn`'s: per block ``conv -> ReLU -> max-pool``
    (the number of filters doubling from block to block), then ``flatten -> (hidden dense) ->
    dropout -> dense -> softmax``. The table shows cnnlab's own arithmetic
    (:func:`cnnlab.models.layer_table`) next to the Keras model's shapes and parameters
    (:func:`cnnlab.models.summary_table`) and its ``model.summary()``, each row marked ✓ when
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

    Returns
    -------
    CNNExplorer
        With ``.arch`` (keyword arguments for ``build_cnn``), ``.rows`` (cnnlab's table),
        ``.keras_rows``, ``.summary_text``, ``.agree`` and ``.model`` (the untrained Keras
        model), plus the attributes of :class:`cnnlab.widgets.Explorer`.

    Examples
    --------
    >>> ex = cnn_explorer(keras=False)
    >>> ex.arch["filters"], ex.rows[2]
    ((16, 32), LayerRow(name='conv1', output_shape=(26, 26, 16), params=160))
    >>> ex.set(kernel_size=5, padding="same").rows[2].output_shape
    (28, 28, 16)
    >>> ex.set(blocks=3, kernel_size=9, padding="valid").message[:40]
    "kernel_size=9, stride=1 and padding='val"
    """
    return CNNExplorer(
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        blocks=blocks,
        filters=filters,
        pool_size=pool_size,
        dense_units=dense_units,
        dropout=dropout,
        input_shape=input_shape,
        num_classes=num_classes,
        keras=keras,
    )


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def progress_callback(*, display=None, min_interval=0.2, clock=None):
    """A Keras callback that shows training progress as a widget progress bar.

    One bar per ``fit`` call, refilled each epoch, with the epoch, the batch and the running
    loss and accuracy next to it (validation too at the end of an epoch). It replaces Keras's
    text progress bar (``verbose=1``), whose backspace characters clutter a saved notebook.

    Parameters
    ----------
    display : bool or None, default None
        Show the bar when training starts; ``None`` shows it only inside a Jupyter kernel.
    min_interval : float, default 0.2
        Seconds between redraws during an epoch (the first and the last batch of an epoch are
        always drawn).
    clock : callable, optional
        Returns the current time in seconds (default :func:`time.monotonic`). Only differences
        of its values are used, so it may start anywhere.

    Returns
    -------
    keras.callbacks.Callback
        With ``.widget`` (an ``ipywidgets.HBox`` of the bar and its label), ``.bar`` (the
        ``IntProgress``) and ``.text`` (the label's text).

    Examples
    --------
    >>> cb = progress_callback(display=False)
    >>> cb.set_params({"epochs": 2, "steps": 10})
    >>> cb.on_train_begin()
    >>> cb.on_epoch_begin(0)
    >>> cb.on_train_batch_end(9, {"loss": 0.5, "accuracy": 0.75})
    >>> cb.bar.value, cb.bar.max, cb.text
    (10, 10, 'epoch 1/2 · batch 10/10 · loss 0.500 · accuracy 0.750')
    """
    import time

    import keras

    clock = time.monotonic if clock is None else clock
    show = _in_kernel() if display is None else bool(display)
    bar = widgets.IntProgress(
        value=0,
        min=0,
        max=1,
        description="training",
        bar_style="info",
        style=_STYLE,
        layout=widgets.Layout(width="45%", min_width="260px"),
    )
    label = widgets.HTML(layout=widgets.Layout(width="auto"))

    def metrics_text(logs, prefix=""):
        parts = []
        for key in ("loss", "accuracy"):
            if logs and prefix + key in logs:
                name = key if not prefix else f"validation {key}"
                parts.append(f"{name} {float(logs[prefix + key]):.3f}")
        return parts

    class Progress(keras.callbacks.Callback):
        """Training progress as a widget; see :func:`cnnlab.widgets.cnn.progress_callback`."""

        def __init__(self):
            super().__init__()
            self.bar, self.label = bar, label
            self.widget = widgets.HBox([bar, label], layout=widgets.Layout(align_items="center"))
            self.text = ""
            self._epoch = 0
            self._last = None  # when the bar was last drawn; None: not yet in this epoch
            self._shown = False

        def _set(self, text):
            self.text = text
            label.value = (
                f'<span style="font-size:16px;font-family:monospace">{html.escape(text)}</span>'
            )

        def _epochs(self):
            return int((self.params or {}).get("epochs") or 1)

        def on_train_begin(self, logs=None):
            bar.bar_style = "info"
            if show and not self._shown:
                from IPython.display import display as ipy_display

                ipy_display(self.widget)
                self._shown = True

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch, self._last = epoch, None
            bar.max = int((self.params or {}).get("steps") or 1)
            bar.value = 0
            bar.description = f"epoch {epoch + 1}/{self._epochs()}"

        def on_train_batch_end(self, batch, logs=None):
            now = clock()
            recent = self._last is not None and now - self._last < min_interval
            if recent and batch + 1 < bar.max:
                return
            self._last = now
            bar.value = min(batch + 1, bar.max)
            head = f"epoch {self._epoch + 1}/{self._epochs()} · batch {batch + 1}/{bar.max}"
            self._set(" · ".join([head, *metrics_text(logs)]))

        def on_epoch_end(self, epoch, logs=None):
            bar.value = bar.max
            head = f"epoch {epoch + 1}/{self._epochs()} done"
            self._set(" · ".join([head, *metrics_text(logs), *metrics_text(logs, "val_")]))

        def on_train_end(self, logs=None):
            bar.bar_style = "success"

    return Progress()


# --------------------------------------------------------------------------------------------
# Notebook 10: learning a filter
# --------------------------------------------------------------------------------------------
_STEP_OPTIONS = (0, 10, 30, 100, 300, 1000, 3000)


class _Curve:
    """The training-curve figure (loss and error against step), redrawn in place."""

    def __init__(self, dpi=80):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from ..plotting import OKABE_ITO

        self.fig = Figure(figsize=(6.4, 4.6), dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax = self.fig.subplots()
        self.fig.subplots_adjust(left=0.16, right=0.97, bottom=0.15, top=0.97)
        self.ax.set_yscale("log")
        self.ax.set_xscale("symlog", linthresh=1)
        self.ax.set_xlabel("gradient-descent step", fontsize=16)
        self.ax.grid(True, alpha=0.3)
        self.ax.tick_params(labelsize=14)
        (self.loss,) = self.ax.plot([], [], "-", lw=3, color=OKABE_ITO[5], label="loss (MSE)")
        (self.error,) = self.ax.plot(
            [], [], "--", lw=3, color=OKABE_ITO[6], label="max |learned − ideal|"
        )
        (self.now,) = self.ax.plot([], [], "o", ms=12, color=OKABE_ITO[1], zorder=5)
        self.ax.legend(fontsize=14, loc="lower left")

    def png(self, steps, losses, errors, frame) -> bytes:
        floor = 1e-12
        x = np.maximum(steps, 0)
        self.loss.set_data(x, np.maximum(losses, floor))
        if errors is None:
            self.error.set_data([], [])
        else:
            self.error.set_data(x, np.maximum(errors, floor))
        self.now.set_data([x[frame]], [max(float(losses[frame]), floor)])
        values = [np.maximum(losses, floor)] + ([] if errors is None else [errors])
        lo = max(min(float(np.min(v)) for v in values), floor)
        hi = max(float(np.max(v)) for v in values)
        self.ax.set_ylim(lo / 3, hi * 3)
        self.ax.set_xlim(0, max(float(x[-1]), 1.0) * 1.2)
        return render.figure_png(self.fig)


class FilterExplorer(Explorer):
    """Filter-learning explorer of notebook 10; build it with :func:`filter_explorer`."""

    title = "Learning a filter by gradient descent"

    def __init__(
        self,
        target="sobel vertical",
        *,
        kernel_size=3,
        stride=1,
        padding="valid",
        shift=0,
        steps=300,
        images=learning.DEFAULT_IMAGES,
        side=64,
        seed=0,
        interval=400,
    ):
        if steps not in _STEP_OPTIONS:
            raise ValueError(f"steps must be one of {_STEP_OPTIONS}; got {describe(steps)}.")
        self.target_choice = KernelChoice(target, fixed_label="your target")
        self.target_choice.controls["kernel"].description = "target filter"
        structure = conv_controls(
            kernel_size,
            stride,
            padding,
            kernel_sizes=(1, 9),
            strides=(1, 4),
            paddings=(0, 4),
            continuous_update=False,
        )
        frame = widgets.IntSlider(
            value=0,
            min=0,
            max=0,
            description="training frame",
            style=_STYLE,
            layout=widgets.Layout(**_WIDE),
        )
        play = widgets.Play(value=0, min=0, max=0, interval=int(interval), description="play")
        self._link = widgets.link((play, "value"), (frame, "value"))
        controls = {
            **self.target_choice.controls,
            **structure,
            "shift": _int_slider("target shift (pixels)", shift, -2, 2),
            "steps": widgets.SelectionSlider(
                options=list(_STEP_OPTIONS),
                value=steps,
                description="gradient-descent steps",
                continuous_update=False,
                style=_STYLE,
                layout=widgets.Layout(**_WIDE),
            ),
            "frame": frame,
            "play": play,
        }
        self.images = images
        self.crop_side = int(side)
        self.seed = int(seed)
        self._x = None
        self._fits = {}
        self._curve = _Curve()
        self.fit = None
        super().__init__(
            controls,
            {"learned kernel": "30%", "ideal kernel": "30%", "training": "36%"},
            groups=[("play", "frame")],
            sections=[
                ("target: the filter that made the examples", ["kernel", "custom kernel", "shift"])
            ],
        )
        self._shown = None
        self.update()

    # ---- controls -----------------------------------------------------------------------
    def _sync_frame(self, last: int, value: int) -> None:
        """Set the frame slider's range and value without triggering another update."""
        frame, play = self.controls["frame"], self.controls["play"]
        self._hold += 1
        try:
            play.max = frame.max = last
            frame.value = value
        finally:
            self._hold -= 1
            self._pending = False

    def _settings(self):
        s = conv_settings(self.controls)
        s["target"] = self.target_choice.kernel(3)
        s["shift"] = int(self.controls["shift"].value)
        s["steps"] = int(self.controls["steps"].value)
        s["frame"] = int(self.controls["frame"].value)
        return s

    def _data(self, target):
        if self._x is None:
            self._x, _ = learning.filter_pairs(target, self.images, side=self.crop_side)
        from ..ops import conv2d

        y = np.stack([conv2d(im, target, padding="same") for im in self._x])
        return self._x, y

    def _train(self, s):
        key = (
            s["target"].tobytes(),
            s["target"].shape,
            s["kernel_size"],
            s["stride"],
            s["padding"],
            s["shift"],
            s["steps"],
        )
        if key not in self._fits:
            x, y = self._data(s["target"])
            if len(self._fits) > 16:
                self._fits.clear()
            self._fits[key] = learning.learn_kernel(
                x,
                y,
                s["kernel_size"],
                stride=s["stride"],
                padding=s["padding"],
                shift=s["shift"],
                steps=s["steps"],
                seed=self.seed,
                target_kernel=s["target"],
            )
        return self._fits[key]

    def _readout(self, s):
        k, side = s["kernel_size"], self.crop_side
        n = len(self.images)
        lines = [
            f"learning a {k}×{k} kernel (stride {s['stride']}, padding {s['padding']!r}) "
            f"from {n} images of {side}×{side} and their filtered versions "
            f"({self.target_choice.describe(s['target'])})",
            size_readout((side, side), k, s["stride"], s["padding"], name="prediction"),
        ]
        return "\n".join(lines)

    def _compute(self, s):
        fit = self._train(s)
        last = len(fit.steps) - 1
        if fit is not self._shown:  # new training: show its result, the last frame
            frame = last
        else:
            frame = min(s["frame"], last)
        return {"fit": fit, "frame": frame, "settings": s, "result": fit.kernels[frame]}

    def _draw(self, c):
        fit, frame, s = c["fit"], c["frame"], c["settings"]
        self.fit = self._shown = fit
        self._sync_frame(len(fit.steps) - 1, frame)
        step = int(fit.steps[frame])
        learned = fit.kernels[frame]
        limit = float(np.abs(s["target"]).max()) or 1.0
        self.panels["learned kernel"].value = render.grid_png(
            np.round(learned, 2) + 0.0,  # + 0.0 turns -0.0 into 0.0
            signed=True,
            vmin=-limit,
            vmax=limit,
            fmt=".2f",
            side=320,
        )
        self.captions["learned kernel"].value = f"learned kernel after {step} steps"
        if fit.ideal is None:
            k = learned.shape[0]
            self.panels["ideal kernel"].value = render.blank_png(
                320, 320, f"no {k}×{k} kernel holds the target"
            )
            self.captions["ideal kernel"].value = "ideal kernel: none"
        else:
            self.panels["ideal kernel"].value = render.grid_png(
                fit.ideal, signed=True, vmin=-limit, vmax=limit, fmt=".2f", side=320
            )
            self.captions["ideal kernel"].value = "ideal kernel (target, zeros around)"
        errors = fit.errors
        self.panels["training"].value = self._curve.png(fit.steps, fit.losses, errors, frame)
        self.captions["training"].value = "loss and error during training"
        lines = [self.readout]
        lines.append(
            f"{fit.n_equations:,} output positions with a target"
            + (
                f"; {fit.n_dropped:,} are centred in the padding and have none (left out)"
                if fit.n_dropped
                else ""
            )
        )
        now = f"step {step} of {s['steps']}: loss {fit.losses[frame]:.2g}"
        if errors is not None:
            now += f", largest difference from the ideal kernel {errors[frame]:.2g}"
            now += (
                f" (least squares, the exact optimum: {np.abs(fit.optimum - fit.ideal).max():.1g})"
            )
        else:
            now += f" (the best any {learned.shape[0]}×{learned.shape[1]} kernel can do: loss "
            now += f"{fit.optimum_loss:.3g})"
        lines.append(now)
        if s["shift"]:
            lines.append(
                f"targets shifted by {s['shift']} pixel(s): the kernel must learn a shifted filter"
            )
        self._show_readout("\n".join(lines))

    def _clear(self):
        self.fit = None
        for name in ("learned kernel", "ideal kernel"):
            self.panels[name].value = render.blank_png(320, 320, "nothing to learn")
        self.panels["training"].value = render.blank_png(512, 368, "")


def filter_explorer(
    target="sobel vertical",
    *,
    kernel_size=3,
    stride=1,
    padding="valid",
    shift=0,
    steps=300,
    images=learning.DEFAULT_IMAGES,
    side=64,
    seed=0,
    interval=400,
):
    """Learn a filter from (image, filtered image) pairs and watch the kernel converge.

    The explorer filters a few bundled pictures with the *target filter* (Sobel by default),
    starts a kernel of the size on the slider from random numbers and trains it by gradient
    descent with momentum (:func:`cnnlab.learning.learn_kernel`, NumPy, milliseconds) to turn
    the pictures into their filtered versions. It shows the learned kernel, the *ideal kernel*
    (the target placed at the centre of a ``k x k`` grid, zeros around:
    :func:`cnnlab.learning.ideal_kernel`) and the loss and error curves; the "training frame"
    slider and its play button step through training.

    Parameters
    ----------
    target : str or ndarray, default "sobel vertical"
        A kernel name (built 3x3), ``"custom"`` (typed into the text box), or a 2-D array.
    kernel_size, stride : int
        Of the kernel being learned (sliders 1-9 and 1-4).
    padding : int or {"valid", "same", "full"}, default "valid"
        Of the convolution being learned; targets are aligned with
        :func:`cnnlab.learning.align_target`.
    shift : int, default 0
        Misalign the targets by this many pixels (slider -2..2).
    steps : {0, 10, 30, 100, 300, 1000, 3000}, default 300
    images : sequence of str, default :data:`cnnlab.learning.DEFAULT_IMAGES`
    side : int, default 64
        Side of the square crops (small keeps the sliders fast).
    seed : int, default 0
        Of the random initial kernel.
    interval : int, default 400
        Milliseconds per frame of the play button.

    Returns
    -------
    FilterExplorer
        With ``.fit`` (the :class:`cnnlab.learning.KernelFit` shown), ``.result`` (the kernel
        at the frame shown) and the attributes of :class:`cnnlab.widgets.Explorer`.

    Examples
    --------
    >>> ex = filter_explorer(steps=300)
    >>> ex.fit.error < 1e-3
    True
    >>> ex.set(kernel_size=5).fit.ideal[2]
    array([ 0., -2.,  0.,  2.,  0.])
    >>> ex.set(kernel_size=2).fit.ideal is None
    True
    """
    return FilterExplorer(
        target,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        shift=shift,
        steps=steps,
        images=images,
        side=side,
        seed=seed,
        interval=interval,
    )
