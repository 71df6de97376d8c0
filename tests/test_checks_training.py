"""The checkers of notebooks 11-12 accept the reference solution, reject typical mistakes with the
specific hint, and never raise on an unfinished stub or crashing code."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnnlab import checks
from cnnlab.checks import filter_learning, keras_cnn

# ----------------------------------------------------------------------------------------------
# Right answers, to build the typical wrong ones from (the notebook tests run the notebooks' own
# solutions through these checkers, so they are not re-checked here)
# ----------------------------------------------------------------------------------------------


def conv_output_shape(
    input_shape, filters, kernel_size, strides=1, padding="valid", data_format="channels_last"
):
    if data_format == "channels_last":
        rows, cols = input_shape[0], input_shape[1]
    else:
        rows, cols = input_shape[1], input_shape[2]

    def size(n):
        if padding == "same":
            return math.ceil(n / strides)
        return (n - kernel_size) // strides + 1

    if data_format == "channels_last":
        return (None, size(rows), size(cols), filters)
    return (None, filters, size(rows), size(cols))


def gd_step(kernel, patches, targets, learning_rate):
    predictions = patches @ kernel.ravel()
    gradient = 2 / len(targets) * patches.T @ (predictions - targets)
    return kernel - learning_rate * gradient.reshape(kernel.shape)


FUNCTION_CHECKERS = [
    checks.check_keras_output_shape,
    checks.check_per_class_accuracy,
    checks.check_gd_step,
    checks.check_align_valid,
    checks.check_cnn_model,
]


# ----------------------------------------------------------------------------------------------
# Every checker: reachable from cnnlab.checks; stubs and crashing code give "not yet"
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("checker", FUNCTION_CHECKERS, ids=lambda c: c.__name__)
def test_checkers_are_reachable_from_the_package(checker):
    assert getattr(checks, checker.__name__) is checker


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("stub", [..., None])
def test_unfinished_stub_is_a_friendly_not_yet(checker, stub):
    result = checker(stub)
    assert result.passed is False
    assert "Replace the `...`" in result.message


def _stub(*args):
    return ...


def _forgot_return(*args):
    pass


def _crashes(*args):
    raise ZeroDivisionError("boom")


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS, ids=lambda c: c.__name__)
def test_stub_body_missing_return_and_crash_never_raise(checker):
    assert "still returns `...`" in checker(_stub).message
    assert "forget the `return`" in checker(_forgot_return).message
    crashed = checker(_crashes)
    assert not crashed.passed and "ZeroDivisionError" in crashed.message


# ----------------------------------------------------------------------------------------------
# 11 · Keras output shape
# ----------------------------------------------------------------------------------------------
def test_keras_output_shape_accepts_a_list_and_whole_floats():
    assert checks.check_keras_output_shape(lambda *a: list(conv_output_shape(*a))).passed
    floats = lambda *a: tuple(v if v is None else float(v) for v in conv_output_shape(*a))  # noqa: E731
    assert checks.check_keras_output_shape(floats).passed


def _true_division(same_rounds_up):
    """conv_output_shape with / instead of //: (28 - 5) / 2 + 1 = 12.5 rows."""

    def answer(input_shape, filters, kernel_size, strides, padding, data_format):
        rows, cols = input_shape[:2] if data_format == "channels_last" else input_shape[1:]

        def size(n):
            if padding == "same":
                return math.ceil(n / strides) if same_rounds_up else n / strides
            return (n - kernel_size) / strides + 1

        if data_format == "channels_last":
            return (None, size(rows), size(cols), filters)
        return (None, filters, size(rows), size(cols))

    return answer


@pytest.mark.parametrize("same_rounds_up", [True, False], ids=["valid-only", "valid-and-same"])
def test_keras_output_shape_says_use_floor_division_for_true_division(same_rounds_up):
    result = checks.check_keras_output_shape(_true_division(same_rounds_up))
    assert not result.passed
    assert "12.5" in result.message or "3.5" in result.message
    assert "Round down with `//`" in result.message


def test_keras_output_shape_gives_no_division_hint_for_whole_numbers():
    result = checks.check_keras_output_shape(
        lambda s, f, k, st, p, d: conv_output_shape(s, f, k, st, p, d)[1:]
    )
    assert not result.passed and "//" not in result.message


def _keras_mistake(change):
    def answer(input_shape, filters, kernel_size, strides, padding, data_format):
        return change(input_shape, filters, kernel_size, strides, padding, data_format)

    return answer


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (
            lambda s, f, k, st, p, d: conv_output_shape(s, f, k, st, p, d)[1:],
            "start with the batch axis",
        ),
        (
            lambda s, f, k, st, p, d: conv_output_shape(s, f, k, st, p, "channels_last"),
            "the channels come first",
        ),
        (
            lambda s, f, k, st, p, d: conv_output_shape(
                s, f, k, st, p, "channels_first" if s[0] in (1, 3) else "channels_last"
            ),
            "A leading 3 does not make an RGB image",
        ),
        (
            lambda s, f, k, st, p, d: conv_output_shape(s, f, k, 1 if p == "same" else st, p, d),
            "keeps the size only with stride 1",
        ),
        (
            lambda s, f, k, st, p, d: tuple(
                v - 1 if i in ((1, 2) if d == "channels_last" else (2, 3)) and p == "valid" else v
                for i, v in enumerate(conv_output_shape(s, f, k, st, p, d))
            ),
            "Off by one",
        ),
        (
            lambda s, f, k, st, p, d: conv_output_shape(
                s, s[-1] if d == "channels_last" else s[0], k, st, p, d
            ),
            "one channel per filter",
        ),
    ],
    ids=["no-batch", "ignores-format", "guesses-rgb", "same-ignores-stride", "no-plus-one", "chan"],
)
def test_keras_output_shape_names_typical_mistakes(answer, hint):
    result = checks.check_keras_output_shape(answer)
    assert not result.passed
    assert hint in result.message


def test_keras_output_shape_rejects_a_non_shape():
    result = checks.check_keras_output_shape(lambda *a: "(None, 256, 256, 64)")
    assert not result.passed and "test cases right" in result.message


# ----------------------------------------------------------------------------------------------
# 11 · per-class accuracy
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda cm: np.diag(cm) / cm.sum(axis=0), "Rows are the true classes"),
        (lambda cm: np.diag(cm) / cm.sum(), "divided by the total number"),
        (lambda cm: np.diag(cm), "counts of correct predictions"),
        (lambda cm: np.full(len(cm), np.trace(cm) / cm.sum()), "overall accuracy"),
    ],
    ids=["columns", "total", "counts", "overall"],
)
def test_per_class_accuracy_names_typical_mistakes(answer, hint):
    result = checks.check_per_class_accuracy(answer)
    assert not result.passed
    assert hint in result.message


# ----------------------------------------------------------------------------------------------
# 12 · gradient-descent step
# ----------------------------------------------------------------------------------------------
def test_gd_step_accepts_a_flat_result():
    assert checks.check_gd_step(lambda *a: gd_step(*a).ravel()).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda w, p, t, lr: 2 * w - gd_step(w, p, t, lr), "uphill"),
        (lambda w, p, t, lr: w - (w - gd_step(w, p, t, lr)) / 2, "factor 2 is missing"),
        (lambda w, p, t, lr: w - (w - gd_step(w, p, t, lr)) * len(t), "instead of averaging"),
        (lambda w, p, t, lr: gd_step(w, p, t, lr) - w, "only the change"),
    ],
    ids=["ascent", "no-two", "sum", "delta"],
)
def test_gd_step_names_typical_mistakes(answer, hint):
    result = checks.check_gd_step(answer)
    assert not result.passed
    assert hint in result.message


# ----------------------------------------------------------------------------------------------
# 12 · aligning the target
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda y, k: y[: y.shape[0] - k + 1, : y.shape[1] - k + 1], "top-left corner"),
        (lambda y, k: y[k - 1 :, k - 1 :], "bottom-right corner"),
        (
            lambda y, k: y[
                k // 2 : k // 2 + y.shape[0] - k + 1, k // 2 : k // 2 + y.shape[1] - k + 1
            ],
            "even kernel",
        ),
        (
            lambda y, k: y[k - 1 : y.shape[0] - k + 1, k - 1 : y.shape[1] - k + 1],
            "removes too much",
        ),
    ],
    ids=["top-left", "bottom-right", "k-half", "too-much"],
)
def test_align_valid_names_typical_mistakes(answer, hint):
    result = checks.check_align_valid(answer)
    assert not result.passed
    assert hint in result.message


# ----------------------------------------------------------------------------------------------
# 11 · the Keras model (imports TensorFlow)
# ----------------------------------------------------------------------------------------------
def _model(
    *,
    input_shape=(28, 28, 1),
    padding="valid",
    pool=True,
    units=10,
    softmax=True,
    relu=True,
    dropout=True,
    hidden=None,
):
    import keras
    from keras import layers

    act = "relu" if relu else None
    stack = [keras.Input(shape=input_shape), layers.Conv2D(16, 3, activation=act, padding=padding)]
    stack += [layers.MaxPooling2D(2)] if pool else []
    stack += [layers.Conv2D(32, 3, activation=act, padding=padding)]
    stack += [layers.MaxPooling2D(2)] if pool else []
    stack += [layers.Flatten()]
    stack += [layers.Dense(128, activation="relu")] if hidden == "before dropout" else []
    stack += [layers.Dropout(0.5)] if dropout else []
    stack += [layers.Dense(128, activation="relu")] if hidden == "after dropout" else []
    stack += [layers.Dense(units, activation="softmax" if softmax else None)]
    return keras.Sequential(stack)


@pytest.mark.slow
def test_cnn_model_accepts_separate_activation_layers_and_a_model():
    import keras
    from keras import layers

    def separate_layers():
        return keras.Sequential(
            [
                keras.Input(shape=(28, 28, 1)),
                layers.Conv2D(16, 3),
                layers.ReLU(),
                layers.MaxPooling2D(2),
                layers.Conv2D(32, 3),
                layers.Activation("relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dropout(0.5),
                layers.Dense(10),
                layers.Softmax(),
            ]
        )

    result = checks.check_cnn_model(separate_layers)
    assert result.passed, result.message
    assert "12,810 parameters" in result.message
    assert checks.check_cnn_model(_model()).passed  # the model itself is accepted too


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"padding": "same"}, "padding='valid'"),
        ({"pool": False}, "MaxPooling2D(2)"),
        ({"units": 1}, "one neuron per class"),
        ({"softmax": False}, "not probabilities"),
        ({"relu": False}, "has no ReLU"),
        ({"dropout": False}, "Dropout(0.5)"),
        ({"input_shape": (1, 28, 28)}, "channels_last"),
        (
            {"hidden": "after dropout"},
            "Layer 7 (not counting Input/activation layers) is an extra Dense layer with 128 units",
        ),
        (
            {"hidden": "before dropout"},
            "Layer 6 (not counting Input/activation layers) is an extra Dense layer with 128 units",
        ),
    ],
    ids=[
        "same",
        "no-pool",
        "units",
        "no-softmax",
        "no-relu",
        "no-dropout",
        "channels-first",
        "hidden-dense-after-dropout",
        "hidden-dense-before-dropout",
    ],
)
def test_cnn_model_names_typical_mistakes(kwargs, hint):
    result = checks.check_cnn_model(lambda: _model(**kwargs))
    assert not result.passed
    assert hint in result.message


@pytest.mark.slow
def test_cnn_model_does_not_blame_the_last_layer_for_an_extra_dense():
    message = checks.check_cnn_model(lambda: _model(hidden="after dropout")).message
    assert "The last layer has" not in message
    assert "with 10 units (one per class): remove the hidden Dense layer" in message


@pytest.mark.slow
def test_cnn_model_rejects_something_that_is_not_a_model():
    result = checks.check_cnn_model(lambda: [1, 2, 3])
    assert not result.passed and "Keras model" in result.message


# ----------------------------------------------------------------------------------------------
# The shared machinery (cnnlab.checks.cases): in-place changes and silent overflow
# ----------------------------------------------------------------------------------------------
def test_gd_step_that_changes_the_kernel_in_place_is_told_so():
    def gd_step_in_place(kernel, patches, targets, learning_rate):
        error = patches @ kernel.ravel() - targets
        kernel -= learning_rate * (2 / len(targets) * patches.T @ error).reshape(kernel.shape)
        return kernel

    result = checks.check_gd_step(gd_step_in_place)
    assert not result.passed
    assert "changed the array it was given" in result.message


def test_per_class_accuracy_with_zero_division_gives_no_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = checks.check_per_class_accuracy(lambda cm: np.diag(cm) / (cm.sum(axis=1) * 0))
    assert not result.passed
    assert "returned [inf, inf, inf]" in result.message


def test_every_public_checker_of_09_and_10_is_reachable_from_checks():
    names = set(keras_cnn.__all__ + filter_learning.__all__) - {"CNN_SPEC"}
    assert names == {
        "check_keras_output_shape",
        "check_cnn_model",
        "check_per_class_accuracy",
        "check_gd_step",
        "check_align_valid",
    }
    assert all(
        getattr(checks, name) is getattr(keras_cnn, name, None)
        or getattr(checks, name) is getattr(filter_learning, name, None)
        for name in names
    )
