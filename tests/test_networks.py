"""cnnlab.networks: shape arithmetic against Keras, Grad-CAM, the pipeline, the callback, the
vanishing gradients of a Keras network, filter learning with Conv2D and early stopping."""

from __future__ import annotations

import ast
import inspect
import itertools
import re
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

import cnnlab
from cnnlab import conv2d, lessons, networks
from cnnlab.kernels import sobel_vertical

layers = keras.layers
SOBEL = sobel_vertical()


# --------------------------------------------------------------------------------------------
# layer_table == summary_table(build_cnn(...))
# --------------------------------------------------------------------------------------------
def _keras_can_build(kernel_size, stride, padding, filters=(4, 8), pool_size=2, hw=(28, 28)):
    """Build the conv/pool stack straight in Keras (no cnnlab pre-check): does Keras accept it?"""
    x = inp = keras.Input((*hw, 1))
    try:
        for f in filters:
            if padding in ("valid", "same"):
                x = layers.Conv2D(f, kernel_size, strides=stride, padding=padding)(x)
            else:
                amount = kernel_size - 1 if padding == "full" else padding
                x = layers.ZeroPadding2D(amount)(x)
                x = layers.Conv2D(f, kernel_size, strides=stride)(x)
            x = layers.MaxPooling2D(pool_size)(x)
        keras.Model(inp, layers.Flatten()(x))
    except ValueError:
        return False
    return all(d > 0 for d in x.shape[1:])


GRID = list(itertools.product([1, 2, 3, 5, 7], [1, 2, 3], ["valid", "same", "full", 1]))


@pytest.mark.parametrize(("kernel_size", "stride", "padding"), GRID)
def test_layer_table_equals_keras_summary_over_slider_grid(kernel_size, stride, padding):
    arch = dict(filters=(4, 8), kernel_size=kernel_size, stride=stride, padding=padding)
    try:
        expected = networks.layer_table((28, 28, 1), **arch)
    except ValueError:
        # cnnlab refuses exactly the combinations Keras cannot build either.
        assert not _keras_can_build(kernel_size, stride, padding)
        with pytest.raises(ValueError, match="leave no spatial size"):
            networks.build_cnn((28, 28, 1), **arch)
        return
    assert _keras_can_build(kernel_size, stride, padding)
    assert networks.summary_table(networks.build_cnn((28, 28, 1), **arch)) == expected


def test_grid_has_valid_and_invalid_combinations():
    outcomes = set()
    for k, s, p in GRID:
        try:
            networks.layer_table(filters=(4, 8), kernel_size=k, stride=s, padding=p)
            outcomes.add("valid")
        except ValueError:
            outcomes.add("invalid")
    assert outcomes == {"valid", "invalid"}


@pytest.mark.parametrize(
    "arch",
    [
        dict(input_shape=(32, 20, 3), filters=((8, 8), 16), batch_norm=True, dense_units=32),
        dict(input_shape=(28, 28, 1), filters=(6,), kernel_size=(3, 5), stride=(1, 2)),
        dict(input_shape=(28, 28, 1), filters=(4, 4, 4), padding="same", pool_size=None),
        dict(input_shape=(9, 9, 2), filters=(3,), padding=2, rescale=None, dropout=0, stride=2),
        dict(input_shape=(28, 28, 1), num_classes=3, filters=(5, 7), pool_size=3),
    ],
)
def test_layer_table_equals_keras_summary_for_other_architectures(arch):
    assert networks.summary_table(networks.build_cnn(**arch)) == networks.layer_table(**arch)


def test_layer_table_total_matches_keras_count_params_with_batch_norm():
    arch = dict(filters=((8, 8), 16), batch_norm=True, dense_units=20)
    model = networks.build_cnn(**arch)
    rows = networks.layer_table(**arch)
    assert sum(r.params for r in rows) == model.count_params()
    # 4 values per channel (gamma, beta, moving mean, moving variance); convs lose their bias.
    by_name = {r.name: r for r in rows}
    assert by_name["bn1"].params == 4 * 8
    assert by_name["conv1"].params == 3 * 3 * 1 * 8


def test_invalid_combination_names_values_and_valid_alternatives():
    with pytest.raises(ValueError) as info:
        networks.build_cnn((28, 28, 1), filters=(32, 64), kernel_size=20, stride=1, padding="valid")
    msg = str(info.value)
    for part in ("kernel_size=20", "stride=1", "padding='valid'", "28x28", "conv2", "4x4"):
        assert part in msg
    # The message's "kernel_size 1-9" must be exactly the range that works.
    first, last = map(int, re.search(r"kernel_size (\d+)-(\d+)", msg).groups())
    assert (first, last) == (1, 9)
    networks.layer_table(kernel_size=last)
    with pytest.raises(ValueError):
        networks.layer_table(kernel_size=last + 1)
    assert "'same'" in msg
    networks.layer_table(kernel_size=20, padding="same")


def test_invalid_stride_suggests_the_strides_that_fit():
    with pytest.raises(ValueError, match=r"pool2 receives a 1x1 map.*stride 1-3") as info:
        networks.layer_table(stride=4, padding="same")
    assert "stride=4" in str(info.value)
    networks.layer_table(stride=3, padding="same")


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (dict(padding="middle"), r"padding must be .*'middle'"),
        (dict(padding=-1), r"padding must be .*-1"),
        (dict(filters=()), r"filters must be .*\(\)"),
        (dict(filters=(32, 0)), r"filters must be"),
        (dict(dropout=1.0), r"dropout must be a rate in \[0, 1\); got 1.0"),
        (dict(input_shape=(28, 28)), r"input_shape must be \(height, width, channels\)"),
        (dict(num_classes=1), r"num_classes must be an integer >= 2, got 1"),
        (dict(rescale=0), r"rescale must be a positive factor"),
    ],
)
def test_bad_arguments_raise_with_the_parameter_name(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        networks.layer_table(**kwargs)


def test_an_architecture_is_the_same_network_as_its_arguments():
    kwargs = dict(input_shape=(20, 20, 3), filters=((4, 4), 8), padding="same", dense_units=16)
    arch = networks.Architecture(**kwargs)
    assert networks.layer_table(arch) == networks.layer_table(**kwargs)
    assert networks.summary_table(networks.build_cnn(arch)) == networks.layer_table(**kwargs)
    # Keywords after an Architecture change it; the original stays as it was.
    no_dropout = networks.layer_table(arch, dropout=0)
    assert "dropout" not in [r.name for r in no_dropout]
    assert no_dropout == networks.layer_table(**kwargs, dropout=0)
    assert "dropout" in [r.name for r in networks.layer_table(arch)]


def test_an_architecture_that_cannot_be_built_is_never_made():
    with pytest.raises(ValueError, match="kernel_size=20, stride=1 and padding='valid' leave"):
        networks.Architecture(kernel_size=20)
    with pytest.raises(ValueError, match=r"dropout must be a rate in \[0, 1\); got 1.0"):
        networks.Architecture(dropout=1.0)
    arch = networks.Architecture()
    with pytest.raises(ValueError, match="leave no spatial size"):
        networks.layer_table(arch, kernel_size=20)
    with pytest.raises(TypeError, match="kernel"):
        networks.layer_table(kernel=3)


def test_help_shows_the_architecture_parameters_and_each_one_is_taken():
    fields = ["input_shape", "num_classes", "filters", "kernel_size", "stride", "padding"]
    fields += ["pool_size", "dense_units", "dropout", "batch_norm", "rescale"]
    table = inspect.signature(networks.layer_table).parameters
    build = inspect.signature(networks.build_cnn).parameters
    assert list(table) == fields
    assert list(build) == [*fields, "seed", "name"]
    # Every default the signature shows is the default the function uses.
    defaults = {name: p.default for name, p in table.items()}
    assert networks.layer_table(**defaults) == networks.layer_table()
    assert defaults["filters"] == (32, 64) and defaults["kernel_size"] == 3
    assert build["seed"].default == 0 and build["name"].default == "cnn"


def test_build_cnn_is_seeded_independently_of_global_state():
    a = networks.build_cnn(filters=(4,), seed=5)
    keras.utils.set_random_seed(123)
    b = networks.build_cnn(filters=(4,), seed=5)
    c = networks.build_cnn(filters=(4,), seed=6)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_set_seed_makes_unseeded_models_repeat():
    networks.set_seed(7)
    a = networks.build_cnn(filters=(4,), seed=None).get_weights()[0]
    networks.set_seed(7)
    b = networks.build_cnn(filters=(4,), seed=None).get_weights()[0]
    networks.set_seed(8)
    c = networks.build_cnn(filters=(4,), seed=None).get_weights()[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_format_layer_table_lists_every_row_and_the_total():
    rows = networks.layer_table(filters=(4,))
    text = networks.format_layer_table(rows)
    lines = text.splitlines()
    assert len(lines) == len(rows) + 2
    assert lines[-1].split() == ["total", f"{sum(r.params for r in rows):,}"]


# --------------------------------------------------------------------------------------------
# Looking inside: filters, feature maps
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_model():
    return networks.build_cnn(filters=(3, 5), kernel_size=5, dropout=0.5, seed=1)


@pytest.fixture(scope="module")
def digit_like():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(28, 28), dtype=np.uint8)


def test_first_layer_filters_are_conv1_kernels(small_model):
    w = networks.first_layer_filters(small_model)
    assert w.shape == (5, 5, 1, 3)
    np.testing.assert_array_equal(w, small_model.get_layer("conv1").get_weights()[0])


def test_first_layer_filters_without_conv_raises():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2, name="only")])
    with pytest.raises(ValueError, match="no Conv2D layer.*'only'"):
        networks.first_layer_filters(model)


def test_feature_maps_equal_cnnlab_conv2d(small_model, digit_like):
    kernel, bias = small_model.get_layer("conv1").get_weights()
    expected = conv2d(digit_like.astype(np.float64) / 255.0, kernel.astype(np.float64), bias)
    conv = networks.feature_maps(small_model, digit_like, "conv1")
    assert conv.shape == (24, 24, 3)
    np.testing.assert_allclose(conv, expected, atol=1e-5)
    relu_index = [lay.name for lay in small_model.layers].index("relu1")
    np.testing.assert_array_equal(
        networks.feature_maps(small_model, digit_like[..., None], relu_index), np.maximum(conv, 0)
    )


def test_feature_maps_bad_layer_lists_the_layers(small_model, digit_like):
    with pytest.raises(ValueError, match=r"'conv9' is not in the model.*'relu1'"):
        networks.feature_maps(small_model, digit_like, "conv9")
    with pytest.raises(ValueError, match="layer index 99 is out of range"):
        networks.feature_maps(small_model, digit_like, 99)
    with pytest.raises(ValueError, match=r"image must have shape \(28, 28, 1\)"):
        networks.feature_maps(small_model, np.zeros((27, 28)), "conv1")


# --------------------------------------------------------------------------------------------
# confusion_matrix
# --------------------------------------------------------------------------------------------
def test_confusion_matrix_hand_computed():
    y_true = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 1, 0, 1, 1, 2, 0, 1, 2]
    # rows: true class, columns: predicted class
    expected = np.array(
        [
            [2, 1, 0],  # two 0s right, one 0 taken for a 1
            [0, 2, 0],
            [1, 1, 2],  # one 2 taken for a 0, one for a 1
        ]
    )
    np.testing.assert_array_equal(networks.confusion_matrix(y_true, y_pred, 3), expected)


def test_confusion_matrix_takes_scores_and_matches_sklearn():
    from sklearn import metrics as sk_metrics

    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 4, 200)
    scores = rng.random((200, 4))
    cm = networks.confusion_matrix(y_true, scores, num_classes=4)
    ref = sk_metrics.confusion_matrix(y_true, scores.argmax(1), labels=range(4))
    np.testing.assert_array_equal(cm, ref)
    assert cm.sum() == 200


def test_confusion_matrix_rejects_bad_labels():
    with pytest.raises(ValueError, match=r"y_pred labels must lie in 0..2.*3"):
        networks.confusion_matrix([0, 1], [0, 3], 3)
    with pytest.raises(ValueError, match="same length; got 2 and 3"):
        networks.confusion_matrix([0, 1], [0, 1, 1], 3)
    with pytest.raises(ValueError, match="y_true must be a 1-D array of integer labels"):
        networks.confusion_matrix([0.5, 1.0], [0, 1], 3)


# --------------------------------------------------------------------------------------------
# Grad-CAM
# --------------------------------------------------------------------------------------------
def _two_region_model(block: int, softmax: str = "layer"):
    """16x16x2 images; class c's logit is the mean of channel c (after a block-average conv).

    The conv averages ``block x block`` patches of each channel separately (stride ``block``),
    then global average pooling and an identity dense layer: only channel c matters for class
    c, so Grad-CAM of class c must reproduce channel c's (averaged) image.
    """
    inp = keras.Input((16, 16, 2))
    conv = layers.Conv2D(2, block, strides=block, use_bias=False, name="conv")
    x = layers.ReLU(name="relu")(conv(inp))
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    if softmax == "layer":
        dense = layers.Dense(2, use_bias=False, name="logits")
        out = layers.Softmax(name="softmax")(dense(x))
    else:  # the classic tutorial spelling: softmax inside the last Dense
        dense = layers.Dense(2, use_bias=False, activation="softmax", name="probs")
        out = dense(x)
    model = keras.Model(inp, out)
    k = np.zeros((block, block, 2, 2), np.float32)
    k[:, :, 0, 0] = k[:, :, 1, 1] = 1.0 / block**2
    conv.set_weights([k])
    dense.set_weights([np.eye(2, dtype=np.float32)])
    return model


def _two_region_image():
    img = np.full((16, 16, 2), 0.1, np.float32)
    img[0:4, 0:4, 0] = 3.0  # class 0 evidence: top-left (the stronger, predicted class)
    img[10:16, 10:16, 1] = 0.8  # class 1 evidence: bottom-right
    return img


def test_grad_cam_equals_the_class_channel_exactly():
    model, img = _two_region_model(block=1), _two_region_image()
    for c in (0, 1):
        heat = networks.grad_cam(model, img, class_index=c)
        # A wrong gradient (softmax probabilities instead of logits, another class, no
        # channel weighting) changes this map.
        np.testing.assert_allclose(heat, img[..., c] / img[..., c].max(), atol=1e-6)


def test_grad_cam_peaks_in_the_region_that_matters_after_resizing():
    model, img = _two_region_model(block=2), _two_region_image()
    regions = {0: (slice(0, 4), slice(0, 4)), 1: (slice(10, 16), slice(10, 16))}
    for c, region in regions.items():
        heat = networks.grad_cam(model, img, class_index=c)
        assert heat.shape == (16, 16)
        assert np.isfinite(heat).all() and heat.min() >= 0 and heat.max() == pytest.approx(1)
        peak = np.unravel_index(np.argmax(heat), heat.shape)
        assert region[0].start <= peak[0] < region[0].stop
        assert region[1].start <= peak[1] < region[1].stop
        inside = np.zeros(heat.shape, bool)
        inside[region] = True
        assert heat[inside].mean() > 3 * heat[~inside].mean()


def test_grad_cam_default_class_is_the_prediction_and_default_layer_the_last_conv():
    model, img = _two_region_model(block=1), _two_region_image()
    assert int(model.predict(img[None], verbose=0).argmax()) == 0
    np.testing.assert_array_equal(
        networks.grad_cam(model, img),
        networks.grad_cam(model, img, class_index=0, layer_name="relu"),
    )


def test_grad_cam_with_softmax_inside_dense_uses_the_logits():
    img = _two_region_image()
    separate = networks.grad_cam(_two_region_model(1, "layer"), img, class_index=1)
    fused = networks.grad_cam(_two_region_model(1, "dense"), img, class_index=1)
    np.testing.assert_allclose(fused, separate, atol=1e-6)


def test_grad_cam_on_built_cnn_has_input_shape_and_range(small_model, digit_like):
    for layer_name in (None, "conv2", "pool1"):
        heat = networks.grad_cam(small_model, digit_like, layer_name=layer_name)
        assert heat.shape == (28, 28) and heat.dtype == np.float32
        assert np.isfinite(heat).all()
        assert heat.min() >= 0 and heat.max() <= 1


def test_grad_cam_bad_arguments(small_model, digit_like):
    with pytest.raises(ValueError, match=r"class_index must be an integer in 0..9 or None; got 10"):
        networks.grad_cam(small_model, digit_like, class_index=10)
    with pytest.raises(ValueError, match=r"layer_name='flatten' has output shape"):
        networks.grad_cam(small_model, digit_like, layer_name="flatten")


# --------------------------------------------------------------------------------------------
# Input pipeline, live plot, training
# --------------------------------------------------------------------------------------------
def _indexed_images(n):
    """Images whose first pixel encodes their index, so batches can be traced back."""
    x = np.zeros((n, 6, 6), np.uint8)
    x[:, 0, 0] = np.arange(n)
    return x, np.arange(n) % 3


def test_make_dataset_keeps_uint8_and_covers_each_image_once_per_epoch():
    x, y = _indexed_images(50)
    ds = networks.make_dataset(x, y, batch_size=8, shuffle=True, seed=3)
    epochs = []
    for _ in range(2):
        seen = []
        for xb, yb in ds.as_numpy_iterator():
            assert xb.dtype == np.uint8 and xb.shape[1:] == (6, 6, 1)
            idx = xb[:, 0, 0, 0].astype(int)
            np.testing.assert_array_equal(yb, idx % 3)  # labels stay with their images
            seen.extend(idx)
        assert sorted(seen) == list(range(50))
        epochs.append(seen)
    assert epochs[0] != epochs[1]  # reshuffled every epoch
    again = [
        int(v)
        for xb, _ in networks.make_dataset(x, y, 8, shuffle=True, seed=3)
        for v in xb[:, 0, 0, 0]
    ]
    assert again == epochs[0]  # same seed, same order


def test_make_dataset_rejects_mismatched_labels():
    with pytest.raises(ValueError, match=r"labels must have shape \(4,\)"):
        networks.make_dataset(np.zeros((4, 6, 6), np.uint8), np.zeros(3))


def _quadrant_task(n=200, seed=0):
    """Class = quadrant holding a bright 8x8 square, on a noisy 28x28 uint8 image."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    x = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
    for i, c in enumerate(y):
        r, col = 3 + 14 * (c // 2), 3 + 14 * (c % 2)
        x[i, r : r + 8, col : col + 8] = 255
    return x, y


def test_training_smoke_loss_decreases_and_live_plot_follows_history():
    networks.set_seed(0)
    x, y = _quadrant_task()
    model = networks.build_cnn(num_classes=4, filters=(8,), dropout=0.25, seed=0)
    model.compile(
        keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    plot = networks.live_plot_callback(every_n_batches=2, display=False)
    history = model.fit(
        networks.make_dataset(x, y, 32, shuffle=True),
        validation_data=networks.make_dataset(x[:64], y[:64], 64),
        epochs=4,
        shuffle=False,
        verbose=0,
        callbacks=[plot],
    ).history
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_accuracy"][-1] > 0.9
    # The figure shows exactly what Keras logged at each epoch end ...
    for key, panel in (("loss", 0), ("val_loss", 0), ("accuracy", 1), ("val_accuracy", 1)):
        epoch_points = [v for e, v in plot.history[key] if float(e).is_integer()]
        np.testing.assert_allclose(epoch_points, history[key], rtol=1e-6)
        line = plot.figure.axes[panel].lines[int(key.startswith("val_"))]
        np.testing.assert_allclose(line.get_ydata(), [v for _, v in plot.history[key]])
    # ... plus 3 batch points per epoch (7 batches of 32, every 2nd), and nothing was shown.
    assert len(plot.history["loss"]) == 4 * (3 + 1)
    assert plot._handle is None


def test_live_plot_rejects_bad_metrics():
    with pytest.raises(ValueError, match="metrics must be a non-empty sequence"):
        networks.live_plot_callback(metrics=())


@pytest.mark.slow
def test_keras_sigmoid_gradients_vanish_towards_the_input_but_relu_gradients_do_not():
    sig = networks.layer_gradient_norms("sigmoid", depth=6, width=16, n_samples=128)
    rel = networks.layer_gradient_norms("relu", depth=6, width=16, n_samples=128)
    assert sig.shape == rel.shape == (6,)
    assert sig[0] / sig[-1] < 1e-2
    assert rel[0] / rel[-1] > 0.1


# ----------------------------------------------------------------------------- Keras
@pytest.mark.slow
def test_a_keras_conv2d_recovers_sobel_on_the_same_path_as_numpy():
    x, y = lessons.filter_pairs("sobel vertical", side=32)
    keras_fit = networks.learn_kernel_keras(x, y, 3, steps=300, seed=4, target_kernel=SOBEL)
    numpy_fit = lessons.learn_kernel(x, y, 3, steps=300, seed=4, target_kernel=SOBEL)
    assert keras_fit.error < 1e-3
    assert np.array_equal(keras_fit.steps, numpy_fit.steps)
    assert np.abs(keras_fit.kernels - numpy_fit.kernels).max() < 1e-3
    same = networks.learn_kernel_keras(x, y, 3, padding="same", steps=300, target_kernel=SOBEL)
    assert same.error < 1e-3
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        networks.learn_kernel_keras(x, y, 3, padding="full")
    # A shift that keeps every output position's target is learned on the same path too.
    shifted = networks.learn_kernel_keras(x, y, 5, shift=-1, steps=300, target_kernel=SOBEL)
    numpy_shifted = lessons.learn_kernel(x, y, 5, shift=-1, steps=300, target_kernel=SOBEL)
    assert shifted.n_dropped == 0
    assert np.abs(shifted.kernels - numpy_shifted.kernels).max() < 1e-3


def test_keras_filter_learning_refuses_targets_it_cannot_train_on():
    x, y = lessons.filter_pairs("sobel vertical", side=16)
    with pytest.raises(ValueError, match=r"shift leaves \d+ output positions without a target"):
        networks.learn_kernel_keras(x, y, 3, padding="same", shift=1)
    with pytest.raises(TypeError, match="stepz"):
        networks.learn_kernel_keras(x, y, 3, stepz=10)


# ----------------------------------------------------------------------------- early stopping
def test_early_stopping_epoch_counts_epochs_without_improvement():
    assert networks.early_stopping_epoch([3, 2, 2.5, 2.4, 1], patience=2) == (4, 2)
    assert networks.early_stopping_epoch([3, 2, 2.5, 1.9, 2.0], patience=2) == (None, 4)
    assert networks.early_stopping_epoch([3, 2.95, 2.9], patience=2, min_delta=0.1) == (3, 1)
    with pytest.raises(ValueError, match="min_delta"):
        networks.early_stopping_epoch([1.0, 2.0], min_delta=-1)


@pytest.mark.slow
def test_early_stopping_epoch_agrees_with_keras():
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    rng = np.random.default_rng(7)
    for trial in range(40):
        losses = list(np.round(rng.uniform(0, 1, size=rng.integers(2, 12)), 1))
        patience = int(rng.integers(0, 4))
        min_delta = float(rng.choice([0.0, 0.05]))
        callback = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, min_delta=min_delta
        )
        callback.set_model(model)
        model.stop_training = False
        callback.on_train_begin()
        stopped = None
        for epoch, loss in enumerate(losses):
            callback.on_epoch_end(epoch, {"val_loss": loss})
            if model.stop_training:
                stopped = epoch + 1
                break
        expected = (stopped, callback.best_epoch + 1)
        got = networks.early_stopping_epoch(losses, patience, min_delta=min_delta)
        assert got == expected, (trial, losses, patience, min_delta)


# ----------------------------------------------------------------------------- the layering
def test_importing_the_layers_imports_no_tensorflow():
    code = (
        "import sys\nimport cnnlab.data, cnnlab.lessons, cnnlab.networks\n"
        "print([m for m in ('tensorflow', 'keras') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def _keras_imports(path):
    """The functions of a source file that import keras or tensorflow (module level: '')."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                names = [a.name for a in child.names] if isinstance(child, ast.Import) else []
                names.append(getattr(child, "module", None) or "")
                if any(n.split(".")[0] in ("keras", "tensorflow") for n in names):
                    found.append(getattr(node, "name", ""))
    return found


def test_keras_is_imported_only_in_networks_and_the_dataset_download():
    package = Path(cnnlab.__file__).parent
    for folder in ("lessons", "data"):
        for path in sorted((package / folder).glob("*.py")):
            allowed = ["_keras_download"] if path.name == "mnist.py" else []
            assert _keras_imports(path) == allowed, path
    assert _keras_imports(package / "networks" / "training.py")  # the check can find imports
