"""Exercise checkers of notebook 11 · A complete CNN in Keras.

==========================  ========================================================
checker                     the learner provides
==========================  ========================================================
check_keras_output_shape    ``conv_output_shape(...)``: a Keras layer's output shape
check_cnn_model             ``build_my_cnn()``: a Keras model following ``CNN_SPEC``
check_per_class_accuracy    ``per_class_accuracy(confusion)``
==========================  ========================================================
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..shapes import output_size
from .cases import call_learner, check_cases, returned_nothing
from .compare import function_name, same_with_nan
from .result import UNFINISHED, Result, correct, is_unfinished, wrong

__all__ = ["CNN_SPEC", "check_cnn_model", "check_keras_output_shape", "check_per_class_accuracy"]


def _keras_shape(input_shape, filters, kernel_size, strides=1, padding="valid", data_format=None):
    data_format = data_format or "channels_last"
    if data_format == "channels_last":
        rows, cols = input_shape[0], input_shape[1]
    else:
        rows, cols = input_shape[1], input_shape[2]
    out = [output_size(n, kernel_size, strides, padding) for n in (rows, cols)]
    if data_format == "channels_last":
        return (None, *out, filters)
    return (None, filters, *out)


def _raw_shape(input_shape, filters, k, s, padding, data_format, *, same=None, valid=None):
    """Like :func:`_keras_shape` but without validation, for modelling mistakes (sizes may be
    0 or negative, as a learner's formula would give)."""
    same = same or (lambda n: -(-n // s))
    valid = valid or (lambda n: (n - k) // s + 1)
    size = same if padding == "same" else valid
    if data_format == "channels_last":
        return (None, size(input_shape[0]), size(input_shape[1]), filters)
    return (None, filters, size(input_shape[1]), size(input_shape[2]))


def _as_shape(value):
    """A learner's shape as a tuple of None/int, or None if it is not a shape."""
    if not isinstance(value, tuple | list):
        return None
    out = []
    for v in value:
        if v is None:
            out.append(None)
        elif isinstance(v, int | np.integer) and not isinstance(v, bool):
            out.append(int(v))
        elif isinstance(v, float) and v.is_integer():
            out.append(int(v))
        else:
            return None
    return tuple(out)


def _same_shape(got, expected) -> bool:
    return _as_shape(got) == tuple(expected)


def _has_fraction(value) -> bool:
    """Whether a learner's shape holds a number that is not whole (``/`` instead of ``//``)."""
    if not isinstance(value, tuple | list):
        return False
    return any(
        isinstance(v, float | np.floating) and math.isfinite(v) and not float(v).is_integer()
        for v in value
    )


_TRUE_DIVISION = (
    "Some sizes are not whole numbers: `/` divides exactly ((28 - 5) / 2 + 1 = 12.5), but a "
    "window fits a whole number of times. Round down with `//`: (size - kernel_size) // strides "
    "+ 1 (and round up for 'same': math.ceil(size / strides))."
)


_SHAPE_CASES = [
    ((256, 256, 3), 64, 3, 1, "same", "channels_last"),
    ((28, 28, 1), 32, 3, 1, "valid", "channels_last"),
    ((28, 28, 1), 32, 5, 2, "valid", "channels_last"),
    ((7, 9, 3), 8, 3, 2, "same", "channels_last"),
    ((3, 256, 256), 64, 3, 1, "same", "channels_first"),
    ((1, 28, 28), 16, 3, 1, "valid", "channels_first"),
    ((3, 256, 256), 64, 3, 1, "same", "channels_last"),
]


def check_keras_output_shape(func) -> Result:
    """Check a learner's ``conv_output_shape`` for a Keras ``Conv2D`` layer.

    Parameters
    ----------
    func : callable
        ``func(input_shape, filters, kernel_size, strides, padding, data_format)`` with
        ``input_shape`` without the batch axis (``(rows, cols, channels)`` for
        ``"channels_last"``, ``(channels, rows, cols)`` for ``"channels_first"``), an int
        ``kernel_size`` and ``strides``, ``padding`` ``"valid"`` or ``"same"``; must return the
        output shape as Keras prints it, batch axis ``None`` first, e.g.
        ``(None, 256, 256, 64)``.

    Examples
    --------
    >>> def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid",
    ...                       data_format="channels_last"):
    ...     import math
    ...     rows, cols = input_shape[:2] if data_format == "channels_last" else input_shape[1:]
    ...     size = lambda n: (math.ceil(n / strides) if padding == "same"
    ...                       else (n - kernel_size) // strides + 1)
    ...     if data_format == "channels_last":
    ...         return (None, size(rows), size(cols), filters)
    ...     return (None, filters, size(rows), size(cols))
    >>> check_keras_output_shape(conv_output_shape).passed
    True
    >>> print(check_keras_output_shape(lambda *a: (256, 256, 64)).message)  # doctest: +ELLIPSIS
    conv_output_shape(...) returned (256, 256, 64), but the answer is (None, 256, 256, 64). ...
    """

    def ignore_format(input_shape, filters, k, s, padding, data_format):
        return _raw_shape(input_shape, filters, k, s, padding, "channels_last")

    def first_axis_is_channels(input_shape, filters, k, s, padding, data_format):
        fmt = "channels_first" if input_shape[0] in (1, 3) else "channels_last"
        return _raw_shape(input_shape, filters, k, s, padding, fmt)

    def same_ignores_stride(input_shape, filters, k, s, padding, data_format):
        return _raw_shape(
            input_shape, filters, k, 1 if padding == "same" else s, padding, data_format
        )

    def same_floors(input_shape, filters, k, s, padding, data_format):
        return _raw_shape(input_shape, filters, k, s, padding, data_format, same=lambda n: n // s)

    def no_plus_one(input_shape, filters, k, s, padding, data_format):
        return _raw_shape(
            input_shape, filters, k, s, padding, data_format, valid=lambda n: (n - k) // s
        )

    def keeps_input_channels(input_shape, filters, k, s, padding, data_format):
        channels = input_shape[-1] if data_format == "channels_last" else input_shape[0]
        return _raw_shape(input_shape, channels, k, s, padding, data_format)

    def no_batch(*args):
        return _raw_shape(*args)[1:]

    mistakes = [
        (
            no_batch,
            "Keras shapes start with the batch axis, printed as None because any number of "
            "images fits: (None, rows, cols, filters).",
        ),
        (
            ignore_format,
            "With data_format='channels_first' the channels come first: the input is "
            "(channels, rows, cols) and the output (None, filters, rows, cols).",
        ),
        (
            first_axis_is_channels,
            "A leading 3 does not make an RGB image: with data_format='channels_last' an input "
            "of shape (3, 256, 256) has 3 rows, 256 columns and 256 channels, so the output is "
            "(None, 3, 256, 64). Read the axes from data_format, not from the numbers.",
        ),
        (
            same_ignores_stride,
            "padding='same' keeps the size only with stride 1. With stride s TensorFlow's "
            "'same' gives ceil(size / s) rows and columns.",
        ),
        (
            same_floors,
            "TensorFlow's 'same' rounds up: ceil(size / stride), e.g. ceil(7 / 2) = 4.",
        ),
        (
            no_plus_one,
            "Off by one: with 'valid' padding a k-wide window fits (size - k) // stride + 1 "
            "times (the +1 counts the first position).",
        ),
        (
            keeps_input_channels,
            "The output has one channel per filter: its channel axis is `filters`, whatever "
            "the input's channels were.",
        ),
    ]
    if is_unfinished(func):
        return wrong(UNFINISHED)
    returned = []

    @functools.wraps(func)
    def recording(*args):
        value = func(*args)
        returned.append(value)
        return value

    result = check_cases(
        recording,
        "conv_output_shape",
        _SHAPE_CASES,
        _keras_shape,
        mistakes,
        compare=_same_shape,
        max_items=12,
        success=(
            "Batch axis first, rows and columns from the size formula (ceil(size / stride) "
            "for 'same'), filters on the channel axis, which sits where data_format says."
        ),
    )
    if not result.passed and any(_has_fraction(value) for value in returned):
        return wrong(f"{result.message} {_TRUE_DIVISION}")
    return result


#: The CNN of notebook 11's exercise, as keyword arguments of cnnlab.networks.layer_table.
CNN_SPEC = {
    "input_shape": (28, 28, 1),
    "num_classes": 10,
    "filters": (16, 32),
    "kernel_size": 3,
    "stride": 1,
    "padding": "valid",
    "pool_size": 2,
    "dense_units": None,
    "dropout": 0.5,
    "rescale": None,
}


_KIND_TO_TYPE = {
    "conv": "Conv2D",
    "pool": "MaxPooling2D",
    "flatten": "Flatten",
    "dropout": "Dropout",
    "logits": "Dense",
    "hidden": "Dense",
}


_PASS_THROUGH = {"InputLayer", "ReLU", "Activation", "Rescaling", "Softmax"}


def _expected_layers():
    from ..networks.architecture import layer_table

    out = []
    for row in layer_table(**CNN_SPEC):
        kind = row.name.rstrip("0123456789")
        if kind in _KIND_TO_TYPE:
            out.append((_KIND_TO_TYPE[kind], tuple(row.output_shape), int(row.params)))
    return out


def _learner_layers(model):
    out = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind in _PASS_THROUGH:
            continue
        shape = tuple(int(d) for d in layer.output.shape[1:])
        out.append((kind, shape, int(layer.count_params())))
    return out


def _activationfunction_name(layer) -> str | None:
    fn = getattr(layer, "activation", None)
    return getattr(fn, "__name__", None)


def _layer_hint(n, got, expected, got_all, expected_all) -> str:
    """A specific hint for the first differing layer ``n``."""
    where = f"Layer {n + 1} (not counting Input/activation layers)"
    if got is None:
        return (
            f"Your model stops after {len(got_all)} layers; the next one should be "
            f"{expected[0]} with output {expected[1]}."
        )
    if expected is None:
        return f"Your model has extra layers from layer {n + 1} on ({got[0]} {got[1]})."
    g_kind, g_shape, g_params = got
    e_kind, e_shape, e_params = expected
    extra_dense = sum(kind == "Dense" for kind, *_ in got_all) > sum(
        kind == "Dense" for kind, *_ in expected_all
    )
    if g_kind == "Dense" and extra_dense:
        return (
            f"{where} is an extra Dense layer with {g_shape[-1]} units. The spec has only one "
            f"Dense layer, the last one, with {expected_all[-1][1][-1]} units (one per class): "
            "remove the hidden Dense layer."
        )
    if g_kind == e_kind == "Conv2D" and g_shape[-1] == e_shape[-1] and g_shape[:2] != e_shape[:2]:
        if g_shape[0] > e_shape[0]:
            return (
                f"{where}, a Conv2D, outputs {g_shape} but should output {e_shape}: the spec "
                "uses padding='valid' (no padding), so a 3x3 kernel trims one pixel on each "
                "side. Remove padding='same'."
            )
        return f"{where}, a Conv2D, outputs {g_shape} but should output {e_shape}: check kernel_size=3 and strides=1."
    if g_kind == "Conv2D" and e_kind == "Conv2D" and g_shape[-1] != e_shape[-1]:
        return f"{where} should be Conv2D({e_shape[-1]}, 3): it has {g_shape[-1]} filters."
    if e_kind == "MaxPooling2D" and g_kind != "MaxPooling2D":
        return (
            f"{where} should be MaxPooling2D(2) (output {e_shape}); yours is {g_kind}. Each "
            "convolution is followed by a 2x2 max-pooling that halves height and width."
        )
    if e_kind == "Flatten" and g_kind != "Flatten":
        return (
            f"{where} should be Flatten (output {e_shape}); yours is {g_kind}. Flatten the "
            "feature maps into one vector before the dense layer."
        )
    if e_kind == "Dropout" and g_kind != "Dropout":
        return (
            f"{where} should be Dropout(0.5) between Flatten and the last Dense layer; yours "
            f"is {g_kind}."
        )
    if e_kind == g_kind == "Dense" and g_shape != e_shape:
        return (
            f"The last layer has {g_shape[-1]} units; it needs one neuron per class: "
            f"Dense({e_shape[-1]}, activation='softmax')."
        )
    return (
        f"{where} is {g_kind} with output {g_shape} and {g_params:,} parameters; the spec's is "
        f"{e_kind} with output {e_shape} and {e_params:,} parameters."
    )


def check_cnn_model(build) -> Result:
    """Check a learner's ``build_my_cnn()`` against the notebook's CNN specification.

    The specification (:data:`CNN_SPEC`): input (28, 28, 1), ``Conv2D(16, 3)`` + ReLU,
    ``MaxPooling2D(2)``, ``Conv2D(32, 3)`` + ReLU, ``MaxPooling2D(2)``, ``Flatten``,
    ``Dropout(0.5)``, ``Dense(10)`` + softmax. Shapes and parameter counts are compared layer by
    layer with :func:`cnnlab.networks.layer_table` (activation and input layers are skipped, so
    ``Conv2D(..., activation="relu")`` and a separate ``ReLU`` layer are both fine); then the
    activations, and that the outputs are probabilities.

    Parameters
    ----------
    build : callable or keras.Model
        A function without arguments returning the model (or the model itself).

    Examples
    --------
    >>> print(check_cnn_model(...).message)    # doctest: +ELLIPSIS
    Replace the `...` ...
    """
    if is_unfinished(build):
        return wrong(UNFINISHED)
    import keras

    if isinstance(build, keras.Model):
        model = build
    else:
        model, problem = call_learner(build)
        if problem is not None:
            if "(None, 1, 28, 28)" in problem.message:
                return wrong(
                    problem.message + " Your input shape is (1, 28, 28), channels first; Keras "
                    "uses channels_last: keras.Input(shape=(28, 28, 1))."
                )
            return problem
        problem = returned_nothing(model, f"{function_name(build, 'build_my_cnn')}()")
        if problem is not None:
            return problem
        if not isinstance(model, keras.Model):
            return wrong(
                f"Your function returned {type(model).__name__}; it should return a Keras "
                "model, e.g. keras.Sequential([keras.Input(shape=(28, 28, 1)), ...])."
            )
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        return wrong(
            "Your model has no input shape yet: start the Sequential list with "
            "keras.Input(shape=(28, 28, 1))."
        )
    in_shape = tuple(inputs[0].shape[1:])
    if in_shape != CNN_SPEC["input_shape"]:
        return wrong(
            f"Your model's input shape is {in_shape}; MNIST digits in Keras's channels_last "
            "layout are (28, 28, 1): rows, columns, one gray channel."
        )
    expected = _expected_layers()
    got = _learner_layers(model)
    for n in range(max(len(expected), len(got))):
        g = got[n] if n < len(got) else None
        e = expected[n] if n < len(expected) else None
        if g != e:
            return wrong(_layer_hint(n, g, e, got, expected))
    layers = [lay for lay in model.layers if type(lay).__name__ != "InputLayer"]
    for i, layer in enumerate(layers):
        if type(layer).__name__ != "Conv2D":
            continue
        nxt = layers[i + 1] if i + 1 < len(layers) else None
        relu_after = nxt is not None and (
            type(nxt).__name__ == "ReLU"
            or (type(nxt).__name__ == "Activation" and _activationfunction_name(nxt) == "relu")
        )
        if _activationfunction_name(layer) != "relu" and not relu_after:
            return wrong(
                f"The Conv2D layer {layer.name!r} has no ReLU. Without a non-linearity two "
                "convolutions in a row are just one bigger linear filter: use "
                "Conv2D(..., activation='relu')."
            )
    probabilities = model(np.random.default_rng(0).uniform(0, 1, (2, 28, 28, 1)), training=False)
    probabilities = np.asarray(probabilities)
    if probabilities.min() < 0 or not np.allclose(probabilities.sum(axis=1), 1, atol=1e-4):
        return wrong(
            "The shapes are right, but the outputs are not probabilities (they do not sum to 1): "
            "give the last layer activation='softmax'."
        )
    total = sum(p for *_, p in expected)
    return correct(
        f"Every layer has the shape and parameter count cnnlab's arithmetic predicts: "
        f"{total:,} parameters in all, and the outputs are probabilities."
    )


def _per_class(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)


_CM_CASES = [
    (np.array([[5, 1, 0], [2, 6, 2], [0, 0, 4]]),),
    (np.array([[3, 0], [0, 7]]),),  # perfect
    (np.array([[4, 0, 0], [3, 0, 2], [1, 0, 9]]),),  # class 1 never predicted
    (np.arange(1, 17).reshape(4, 4) % 7 + np.eye(4, dtype=int) * 20,),
]


def check_per_class_accuracy(func) -> Result:
    """Check a learner's ``per_class_accuracy(cm)``: the fraction of each class predicted right.

    Parameters
    ----------
    func : callable
        ``func(cm)`` with ``cm[i, j]`` = number of images of true class ``i`` predicted as
        ``j`` (rows: truth, as :func:`cnnlab.networks.confusion_matrix`); must return an array
        of shape (K,): ``cm[i, i] / cm[i].sum()`` (the recall of each class).

    Examples
    --------
    >>> check_per_class_accuracy(lambda cm: cm.diagonal() / cm.sum(axis=1)).passed
    True
    >>> print(check_per_class_accuracy(lambda cm: cm.diagonal() / cm.sum(axis=0)).message)
    ... # doctest: +ELLIPSIS
    per_class_accuracy(...) returned ...Rows are the true classes...
    """
    mistakes = [
        (
            lambda cm: np.diag(cm) / cm.sum(axis=0),
            "You divided by the column sums. Rows are the true classes and columns the "
            "predictions, so the images of class i are row i: divide by cm.sum(axis=1). "
            "(Dividing by columns gives the precision, 'of those predicted i, how many were i'.)",
        ),
        (
            lambda cm: np.diag(cm) / cm.sum(),
            "You divided by the total number of images; divide each diagonal entry by its own "
            "row's sum (the number of images of that class).",
        ),
        (
            lambda cm: np.diag(cm),
            "Those are counts of correct predictions; divide each by the number of images of "
            "that class (its row sum) to get a fraction.",
        ),
        (
            lambda cm: np.full(len(cm), np.trace(cm) / cm.sum()),
            "That is the overall accuracy, the same for every class; compute one fraction per "
            "class: its diagonal entry over its row sum.",
        ),
    ]
    return check_cases(
        func,
        "per_class_accuracy",
        _CM_CASES,
        _per_class,
        mistakes,
        compare=same_with_nan,
        max_items=12,
        success="Each class's correct predictions over its number of images: the diagonal "
        "divided by the row sums.",
    )
