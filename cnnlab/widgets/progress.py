"""A Keras callback that shows training progress as a widget progress bar (notebook 11)."""

from __future__ import annotations

import html

import ipywidgets as widgets

from .controls import STYLE

__all__ = ["progress_callback"]


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
        style=STYLE,
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
        """Training progress as a widget; see :func:`cnnlab.widgets.progress.progress_callback`."""

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
