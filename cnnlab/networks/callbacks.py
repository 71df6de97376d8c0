"""Keras callbacks that show training while ``fit`` runs (notebook 11).

* :func:`in_jupyter_kernel`: whether the code runs inside a Jupyter kernel (where an output can
  be updated in place).
* :func:`live_plot_callback`: loss/accuracy curves drawn into one figure, updated in place.

Keras, matplotlib and IPython are imported inside the functions.
"""

from __future__ import annotations

import io

from .._validate import check_int, describe

__all__ = ["in_jupyter_kernel", "live_plot_callback"]


def in_jupyter_kernel() -> bool:
    """True inside a Jupyter (IPython) kernel, False in a script, a test or a terminal IPython.

    Examples
    --------
    >>> in_jupyter_kernel()
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def live_plot_callback(
    metrics=("loss", "accuracy"),
    *,
    every_n_batches: int | None = None,
    display: bool | None = None,
    figsize=(10, 3.5),
    dpi: int = 80,
):
    """A Keras callback that draws training curves into one figure, updated in place.

    In a Jupyter kernel the figure appears once (an ``IPython.display`` output) and is
    redrawn at each update, so the notebook shows one growing plot, not one per epoch.
    Elsewhere (a script, a test, no display) it only keeps the figure's data up to date:
    nothing is shown, no window opens, and ``callback.figure`` can still be saved.

    Parameters
    ----------
    metrics : sequence of str, default ("loss", "accuracy")
        One panel per metric. The training value is drawn; ``val_<metric>`` too, when
        ``fit`` has validation data.
    every_n_batches : int or None, default None
        Also add a point (the running epoch average Keras reports) every this many training
        batches; ``None`` updates at the end of each epoch only.
    display : bool or None, default None
        Show the figure; ``None`` shows it only inside a Jupyter kernel.
    figsize, dpi
        Of the figure.

    Returns
    -------
    keras.callbacks.Callback
        With attributes ``figure`` (a matplotlib ``Figure``), ``history`` (``{name: [(epoch,
        value), ...]}``, epochs counted from 1, fractional for batch points) and ``updates``
        (the number of redraws).

    Examples
    --------
    >>> cb = live_plot_callback(display=False)
    >>> cb.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.9})
    >>> cb.history["loss"], len(cb.figure.axes)
    ([(1, 0.5)], 2)
    """
    metrics = tuple(metrics)
    if not metrics or not all(isinstance(m, str) for m in metrics):
        raise ValueError(f"metrics must be a non-empty sequence of names; got {describe(metrics)}.")
    if every_n_batches is not None:
        every_n_batches = check_int(every_n_batches, "every_n_batches")
    import keras
    from matplotlib.figure import Figure

    show = in_jupyter_kernel() if display is None else bool(display)

    class LivePlot(keras.callbacks.Callback):
        """Training curves drawn in place; see :func:`cnnlab.networks.live_plot_callback`."""

        def __init__(self):
            super().__init__()
            self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            axes = self.figure.subplots(1, len(metrics), squeeze=False)[0]
            self.history = {}
            self._lines = {}
            for ax, metric in zip(axes, metrics, strict=True):
                ax.set_title(metric)
                ax.set_xlabel("epoch")
                ax.grid(True, alpha=0.3)
                for key, style in ((metric, "-"), (f"val_{metric}", "o--")):
                    label = "validation" if key.startswith("val_") else "training"
                    (self._lines[key],) = ax.plot([], [], style, lw=2, label=label)
                    self.history[key] = []
            self._epoch = 0
            self._handle = None
            self.updates = 0

        def on_train_begin(self, logs=None):
            if show and self._handle is None:
                from IPython.display import display as ipy_display

                self._handle = ipy_display(self._image(), display_id=True)

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if every_n_batches is None or (batch + 1) % every_n_batches or not logs:
                return
            steps = (self.params or {}).get("steps") or (batch + 1)
            self._add(self._epoch + (batch + 1) / steps, logs, training_only=True)

        def on_epoch_end(self, epoch, logs=None):
            self._add(epoch + 1, logs or {}, training_only=False)

        def _add(self, x, logs, training_only):
            for key in self.history:
                if key in logs and not (training_only and key.startswith("val_")):
                    self.history[key].append((x, float(logs[key])))
            self._redraw()

        def _redraw(self):
            for key, line in self._lines.items():
                points = self.history[key]
                line.set_data([p[0] for p in points], [p[1] for p in points])
            for ax in self.figure.axes:
                ax.relim()
                ax.autoscale_view()
                if any(len(line.get_xdata()) for line in ax.lines):
                    ax.legend(loc="best")
            self.updates += 1
            if self._handle is not None:
                self._handle.update(self._image())

        def _image(self):
            from IPython.display import Image

            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png")
            return Image(data=buffer.getvalue(), format="png")

    return LivePlot()
