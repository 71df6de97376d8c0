"""The model inspector and explorer on models built here: rows, activations and units vs Keras."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnlab.networks import ModelInspector
from cnnlab.widgets import ModelExplorer, model_explorer

layers = keras.layers
RNG = np.random.default_rng(7)


def _set_bn(layer, rng):
    """Non-trivial batch-norm statistics: gamma, beta, moving mean and variance all random."""
    c = layer.gamma.shape[0]
    layer.set_weights(
        [
            rng.uniform(0.5, 2.0, c),
            rng.normal(0, 0.5, c),
            rng.normal(0, 0.5, c),
            rng.uniform(0.2, 3.0, c),
        ]
    )


@pytest.fixture(scope="module")
def sequential():
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input((17, 15, 1)),
            layers.Conv2D(4, 3, strides=2, padding="same", use_bias=False, name="c1"),
            layers.BatchNormalization(name="bn1"),
            layers.ReLU(name="r1"),
            layers.Conv2D(6, (3, 2), dilation_rate=(2, 1), activation="relu", name="c2"),
            layers.MaxPooling2D(2, padding="same", name="mp"),
            layers.Dropout(0.4, name="drop"),
            layers.GlobalAveragePooling2D(name="gap"),
            layers.Dense(5, activation="softmax", name="out"),
        ],
        name="seq",
    )
    _set_bn(model.get_layer("bn1"), np.random.default_rng(3))
    return model


@pytest.fixture(scope="module")
def functional():
    """Linear activations, average pooling: every input pixel of a receptive field matters."""
    keras.utils.set_random_seed(2)
    inp = keras.Input((21, 19, 3), name="img")
    x = layers.Rescaling(1 / 255, name="scale")(inp)
    x = layers.Conv2D(3, 5, strides=(2, 1), padding="same", name="c1")(x)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.Activation("tanh", name="act")(x)
    x = layers.AveragePooling2D(2, strides=1, name="ap")(x)
    x = layers.ZeroPadding2D(((1, 0), (2, 1)), name="pad")(x)
    x = layers.Conv2D(4, 3, strides=2, dilation_rate=1, name="c2")(x)
    x = layers.Conv2D(2, 2, dilation_rate=2, activation="sigmoid", name="c3")(x)
    x = layers.Flatten(name="flat")(x)
    out = layers.Dense(3, name="logits")(x)
    model = keras.Model(inp, out, name="fun")
    _set_bn(model.get_layer("bn"), np.random.default_rng(4))
    return model


def _keras_output(model, name, x):
    probe = keras.Model(model.inputs[0], model.get_layer(name).output)
    return np.asarray(probe(x[None], training=False))[0]


@pytest.mark.parametrize("which", ["sequential", "functional"])
def test_rows_are_keras_summary_and_cnnlab_agrees(which, request):
    model = request.getfixturevalue(which)
    ins = ModelInspector(model)
    assert [r.name for r in ins.rows] == [layer.name for layer in model.layers]
    for row, layer in zip(ins.rows, model.layers, strict=True):
        assert row.output_shape == tuple(layer.output.shape), row
        assert row.output_shape[0] is None
        assert row.params == layer.count_params(), row
        assert row.agree is True, row
    assert ins.message == ""
    bn = next(r for r in ins.rows if r.kind == "BatchNormalization")
    assert bn.params == 4 * bn.output_shape[-1]


@pytest.mark.parametrize("which", ["sequential", "functional"])
def test_activations_and_recomputation_agree_with_keras(which, request):
    model = request.getfixturevalue(which)
    h, w, c = model.inputs[0].shape[1:]
    image = RNG.integers(0, 256, (h, w, c)).astype(np.uint8)
    ins = ModelInspector(model, image[..., 0] if c == 1 else image)
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        keras_out = _keras_output(model, layer.name, ins.image)
        ours = ins.activation(layer.name)
        assert ours.shape == tuple(layer.output.shape[1:])
        np.testing.assert_allclose(ours, keras_out, rtol=1e-6, atol=1e-6)
        recomputed = ins.recompute(layer.name)
        scale = max(1.0, float(np.abs(keras_out).max()))
        np.testing.assert_allclose(recomputed, keras_out, rtol=1e-4, atol=1e-4 * scale)


@pytest.mark.parametrize("which", ["sequential", "functional"])
def test_every_unit_is_keras_value_and_recomputed(which, request):
    model = request.getfixturevalue(which)
    h, w, c = model.inputs[0].shape[1:]
    ins = ModelInspector(model, RNG.uniform(0, 1, (h, w, c)))
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert len(convs) >= 2
    for layer in convs:
        out = ins.activation(layer.name)
        positions = list(np.ndindex(*out.shape))
        picks = RNG.choice(len(positions), min(40, len(positions)), replace=False)
        corners = [(0, 0, 0), tuple(d - 1 for d in out.shape)]  # padding on both sides
        for row, col, ch in corners + [positions[i] for i in picks]:
            u = ins.unit(layer.name, row, col, ch)
            assert u.value == pytest.approx(float(out[row, col, ch]), abs=0)
            assert u.recomputed == pytest.approx(u.value, rel=1e-4, abs=1e-5)
            assert u.window.shape == u.filter.shape
            np.testing.assert_array_equal(u.filter, layer.kernel.numpy()[:, :, :, ch])


def test_receptive_field_is_exactly_the_pixels_a_unit_depends_on(functional):
    """Changing a pixel inside the field changes the unit; outside it, nothing changes."""
    ins = ModelInspector(functional, RNG.uniform(0.2, 0.8, (21, 19, 3)))
    base = ins.image.copy()
    bumped = np.repeat(base[None], 21 * 19, axis=0)
    for k, (i, j) in enumerate(np.ndindex(21, 19)):
        bumped[k, i, j, :] += 60.0  # one pixel brighter in each image of the batch
    for name, (row, col) in (("c1", (3, 4)), ("c2", (1, 2)), ("c3", (0, 1)), ("c2", (0, 0))):
        u = ins.unit(name, row, col, 0)
        probe = keras.Model(functional.inputs[0], functional.get_layer(name).output)
        values = np.asarray(probe.predict_on_batch(bumped))[:, row, col, 0]
        depends = (np.abs(values - u.value) > 1e-6).reshape(21, 19)
        rows, cols = np.nonzero(depends)
        assert (rows.min(), cols.min(), rows.max() + 1, cols.max() + 1) == u.receptive_field, name


def test_set_image_recomputes(sequential):
    ex = model_explorer(sequential, np.zeros((17, 15)), layer="c2", row=1, col=1)
    assert ModelExplorer is model_explorer
    first = ex.activation("c2").copy()
    new = RNG.uniform(0, 1, (17, 15))
    ex.set(image=new)
    assert not np.allclose(ex.activation("c2"), first)
    assert ex.unit_info.value == pytest.approx(float(ex.activation("c2")[1, 1, 0]))
    np.testing.assert_allclose(
        ex.activation("c2"), _keras_output(sequential, "c2", new[..., None].astype("float32"))
    )


def test_explorer_controls_follow_the_layer(sequential):
    ex = ModelExplorer(sequential, "camera")
    assert ex.controls["layer"].value == "c1" and ex.message == ""
    assert ex.inspector.image.shape == (17, 15, 1)  # the photo, resized and gray
    assert ex.controls["row"].max == 8 and ex.controls["col"].max == 7
    ex.set(layer="c2", channel=5, row=3, col=6)
    u = ex.unit_info
    assert (u.layer, u.row, u.col, u.channel) == ("c2", 3, 6, 5)
    assert u.recomputed == pytest.approx(u.value, rel=1e-4, abs=1e-5)
    assert "cnnlab" in ex._unit_html.value and "Keras" in ex._unit_html.value
    ex.set(layer="gap")
    assert ex.unit_info is None and ex.result.shape == (6,) and ex.message == ""
    assert ex.controls["row"].disabled


def test_unexplained_layer_is_named_never_a_crash():
    class Doubler(layers.Layer):
        def call(self, x):
            return 2 * x

    inp = keras.Input((9, 9, 1))
    x = layers.Conv2D(2, 3, name="a")(inp)
    x = Doubler(name="twice")(x)
    x = layers.Conv2D(2, 3, name="b")(x)
    model = keras.Model(inp, x)
    ins = ModelInspector(model, RNG.uniform(0, 1, (9, 9)))
    assert "'twice' (Doubler)" in ins.message
    assert ins.rows[2].agree is None and ins.rows[3].agree is True
    u = ins.unit("b", 1, 1, 1)
    assert u.receptive_field is None
    assert u.recomputed == pytest.approx(u.value, rel=1e-4, abs=1e-5)
    with pytest.raises(ValueError, match="cannot recompute layer 'twice'"):
        ins.recompute("twice")
    ex = ModelExplorer(model, np.eye(9), layer="twice")
    assert "'twice' (Doubler)" in ex.message and ex.result.shape == (7, 7, 2)


def test_errors_are_sentences(sequential):
    ins = ModelInspector(sequential)
    with pytest.raises(ValueError, match=r"'bn1' is a BatchNormalization"):
        ins.unit("bn1", 0, 0, 0)
    with pytest.raises(ValueError, match=r"row must be an integer in 0\.\.8"):
        ins.unit("c1", 9, 0, 0)
    with pytest.raises(ValueError, match="layer_name must be one of"):
        ins.activation("nope")
    assert "built Keras model" in ModelExplorer(object()).message


def test_prepare_keeps_a_uint8_digit_and_scales_photos():
    model = keras.Sequential([keras.Input((6, 6, 1)), layers.Rescaling(1 / 255)])
    ins = ModelInspector(model)
    digit = RNG.integers(0, 256, (6, 6)).astype(np.uint8)
    np.testing.assert_array_equal(ins.prepare(digit)[..., 0], digit.astype(np.float32))
    assert ins.prepare("camera").shape == (6, 6, 1)
    assert 0 <= ins.prepare("astronaut").min() and ins.prepare("astronaut").max() <= 255
    plain = keras.Sequential([keras.Input((4, 4, 3)), layers.Conv2D(1, 1)])
    rgb = ModelInspector(plain).prepare(np.full((8, 8), 0.25))
    np.testing.assert_allclose(rgb, 0.25)


@pytest.mark.parametrize(
    "arch",
    [
        dict(padding="full", filters=(4, 8)),
        dict(padding=2, stride=2, filters=(4,), dense_units=32),
        dict(padding="same", kernel_size=5, filters=((4, 4), 8), batch_norm=True),
    ],
)
def test_every_network_the_sliders_build_is_explained(arch):
    from cnnlab.networks import build_cnn

    model = build_cnn(**arch, seed=0)
    ins = ModelInspector(model, RNG.integers(0, 256, (28, 28)).astype(np.uint8))
    assert ins.message == "" and all(r.agree for r in ins.rows)
    for row in ins.rows:
        if row.kind == "Conv2D":
            out = ins.activation(row.name)
            u = ins.unit(row.name, out.shape[0] - 1, 0, out.shape[2] - 1)
            assert u.recomputed == pytest.approx(u.value, rel=1e-4, abs=1e-5)
            top, left, bottom, right = u.receptive_field
            assert 0 <= top < bottom <= 28 and 0 <= left < right <= 28
