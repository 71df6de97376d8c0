"""The explorers of notebooks 11-12: the architecture table, the filter learner, the progress bar."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab import lessons, networks
from cnnlab.kernels import sobel_vertical
from cnnlab.widgets import cnn, pictures

SOBEL = sobel_vertical()


# ----------------------------------------------------------------------------- notebook 11
def test_cnn_explorer_has_the_common_sliders_and_follows_them():
    ex = cnn.cnn_explorer(keras=False)
    for name in ("kernel size", "stride", "padding", "padding preset", "blocks", "pool size"):
        assert name in ex.controls
    assert ex.arch["filters"] == (16, 32) and ex.arch["padding"] == "valid"
    assert ex.rows == networks.layer_table(**ex.arch)
    ex.set(kernel_size=5, stride=2, padding="same", blocks=2, filters=8)
    assert ex.arch["kernel_size"] == 5 and ex.arch["stride"] == 2 and ex.arch["padding"] == "same"
    assert ex.arch["filters"] == (8, 16)
    assert ex.rows == networks.layer_table(**ex.arch)
    conv1 = next(r for r in ex.rows if r.name == "conv1")
    assert conv1.output_shape == (14, 14, 8)  # ceil(28 / 2) with 'same'
    ex.set(padding=2, stride=1, blocks=1, pool_size=1, dense_units=64, dropout=0.0)
    assert ex.arch["padding"] == 2 and ex.arch["pool_size"] is None
    assert ex.arch["dense_units"] == 64 and ex.arch["dropout"] == 0.0
    assert [r.name for r in ex.rows][2:5] == ["pad1", "conv1", "relu1"]
    assert "conv1 output: 28 × 28" in ex.readout  # (28 + 2·2 − 5) + 1


def test_cnn_explorer_shows_which_values_fit_and_recovers():
    ex = cnn.cnn_explorer(keras=False)
    ex.set(blocks=3, kernel_size=9)
    assert ex.rows == [] and ex.result is None
    assert "leave no spatial size" in ex.message and "kernel_size 1-3" in ex.message
    ex.set(kernel_size=3)
    assert ex.message == "" and len(ex.rows) > 0


def test_layer_table_html_marks_disagreements():
    rows = [("conv1", (26, 26, 8), 80), ("flatten", (5408,), 0)]
    good = cnn.layer_table_html(rows, rows)
    bad = cnn.layer_table_html(rows, [("conv1", (26, 26, 8), 80), ("flatten", (5000,), 0)])
    assert good.count("✓") == 2 and "✗" not in good
    assert bad.count("✓") == 1 and bad.count("✗") == 1
    assert "(None, 5408)" in bad and "(None, 5000)" in bad
    assert "<b>80</b>" in cnn.layer_table_html(rows)  # the total


@pytest.mark.slow
def test_cnn_explorer_compares_with_the_keras_model():
    ex = cnn.cnn_explorer()
    assert ex.agree is True
    assert ex.model.count_params() == sum(r.params for r in ex.rows)
    assert "Total params" in ex.summary_text and "conv2 (Conv2D)" in ex.summary_text
    ex.set(kernel_size=5, padding="full")
    assert ex.agree is True and ex.keras_rows == ex.rows
    assert any(r.name == "pad1" for r in ex.keras_rows)


def test_progress_callback_fills_the_bar_and_reports_metrics():
    cb = cnn.progress_callback(display=False, min_interval=0.0)
    cb.set_params({"epochs": 3, "steps": 4})
    cb.on_train_begin()
    cb.on_epoch_begin(1)
    assert cb.bar.max == 4 and cb.bar.value == 0 and cb.bar.description == "epoch 2/3"
    cb.on_train_batch_end(1, {"loss": 1.25, "accuracy": 0.5})
    assert cb.bar.value == 2
    assert cb.text == "epoch 2/3 · batch 2/4 · loss 1.250 · accuracy 0.500"
    cb.on_epoch_end(1, {"loss": 1.0, "accuracy": 0.6, "val_loss": 0.9, "val_accuracy": 0.7})
    assert cb.bar.value == 4
    assert "validation loss 0.900" in cb.text and "validation accuracy 0.700" in cb.text
    cb.on_train_end()
    assert cb.bar.bar_style == "success"


@pytest.mark.parametrize("start", [3.0, 0.05, 1e6])
def test_progress_callback_throttles_redraws_within_an_epoch(start):
    """The throttle only uses differences of the clock: it may start anywhere (a machine booted
    three seconds ago has ``time.monotonic() == 3.0``)."""
    now = [start]
    cb = cnn.progress_callback(display=False, min_interval=0.2, clock=lambda: now[0])
    cb.set_params({"epochs": 2, "steps": 10})
    cb.on_train_begin()
    cb.on_epoch_begin(0)
    cb.on_train_batch_end(0, {"loss": 2.0})  # the first batch is always drawn
    assert cb.bar.value == 1 and "loss 2.000" in cb.text
    now[0] += 0.1
    cb.on_train_batch_end(4, {"loss": 1.0})  # 0.1 s later: too soon, skipped
    assert cb.bar.value == 1 and "loss 2.000" in cb.text
    now[0] += 0.15
    cb.on_train_batch_end(5, {"loss": 0.8})  # 0.25 s after the last redraw: drawn
    assert cb.bar.value == 6 and "loss 0.800" in cb.text
    cb.on_train_batch_end(9, {"loss": 0.5})  # the last batch is always drawn
    assert cb.bar.value == 10 and "loss 0.500" in cb.text
    cb.on_epoch_begin(1)  # a new epoch draws its first batch at once
    cb.on_train_batch_end(0, {"loss": 0.4})
    assert cb.bar.value == 1 and cb.text.startswith("epoch 2/2 · batch 1/10")


def test_progress_callback_draws_the_first_batch_on_a_freshly_booted_machine():
    cb = cnn.progress_callback(display=False, min_interval=3600, clock=lambda: 3.0)
    cb.set_params({"epochs": 1, "steps": 10})
    cb.on_train_begin()
    cb.on_epoch_begin(0)
    cb.on_train_batch_end(0, {"loss": 2.0})
    assert cb.bar.value == 1 and "batch 1/10 · loss 2.000" in cb.text


# ----------------------------------------------------------------------------- notebook 12
@pytest.fixture(scope="module")
def explorer():
    return cnn.filter_explorer(steps=300, side=40)


def test_filter_explorer_learns_sobel_and_shows_the_last_frame(explorer):
    ex = explorer.set(kernel_size=3, stride=1, padding="valid", shift=0, steps=300)
    assert ex.message == ""
    assert ex.fit.error < 1e-3
    frame = ex.controls["frame"]
    assert frame.max == len(ex.fit.steps) - 1 and frame.value == frame.max
    assert np.allclose(ex.result, ex.fit.kernel)
    assert "step 300 of 300" in ex.readout and "38 × 38" in ex.readout
    for name in ("learned kernel", "ideal kernel"):  # numbered 3×3 grids
        assert ex.panels[name].value.count("<text") == 9
    assert ex.panels["training"].value == pictures.TrainingCurve().svg(
        ex.fit.steps, ex.fit.losses, ex.fit.errors, frame.value
    )


def test_filter_explorer_frame_slider_steps_through_training(explorer):
    ex = explorer.set(kernel_size=3, padding="valid", steps=300)
    fit = ex.fit
    ex.controls["frame"].value = 0
    assert ex.fit is fit  # no retraining for a frame change
    assert np.array_equal(ex.result, fit.kernels[0])
    assert "step 0 of 300" in ex.readout
    ex.controls["frame"].value = 5
    assert np.array_equal(ex.result, fit.kernels[5])
    ex.set(steps=100)  # new training: back to its last frame
    assert ex.controls["frame"].value == len(ex.fit.steps) - 1
    assert ex.fit.steps[-1] == 100


def test_filter_explorer_larger_smaller_and_shifted_kernels(explorer):
    ex = explorer.set(kernel_size=5, padding="same", steps=1000, shift=0)
    assert np.array_equal(ex.fit.ideal, lessons.ideal_kernel(SOBEL, 5))
    assert ex.fit.error < 1e-2
    ex.set(kernel_size=2)
    assert ex.fit.ideal is None and "best any 2×2 kernel" in ex.readout
    ex.set(kernel_size=5, shift=-1)
    assert np.array_equal(ex.fit.ideal[:3, :3], SOBEL)
    assert "shifted by -1" in ex.readout
    ex.set(padding=4, kernel_size=3, shift=0)
    assert ex.fit.n_dropped > 0 and "have none (left out)" in ex.readout


def test_filter_explorer_custom_target_and_bad_text(explorer):
    ex = explorer.set(kernel="custom", kernel_size=3, padding="valid", shift=0, steps=300)
    ex.controls["custom kernel"].value = "0 1 0; 1 -4 1; 0 1 0"
    assert ex.message == ""
    assert np.allclose(ex.fit.ideal, [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    ex.controls["custom kernel"].value = "1 2; x"
    assert "is not a number" in ex.message and ex.result is None
    ex.controls["custom kernel"].value = "-1 0 1; -2 0 2; -1 0 1"
    assert ex.message == "" and np.allclose(ex.fit.ideal, SOBEL)
    ex.set(kernel="sobel vertical")
