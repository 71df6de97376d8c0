"""Each Keras layer type in cnnlab's terms: its shape arithmetic and its output in NumPy.

:class:`cnnlab.networks.ModelInspector` explains a model with these rules, one layer at a time:

* :func:`layer_arithmetic`: a layer's output shape and parameter count by cnnlab's formulas
  (:func:`cnnlab.output_shape`, :func:`cnnlab.conv_params`, :func:`cnnlab.dense_params`), from
  the input shape Keras gave the layer;
* :func:`recompute_layer`: the layer's output computed again from its weights and its input,
  by cnnlab's NumPy layers (:func:`cnnlab.conv2d`, :func:`cnnlab.pool2d`, ...);
* :func:`window_geometry`, :func:`layer_weights`, :func:`activation_name` and
  :func:`apply_activation`: what one unit's multiply-and-sum and its receptive field need.

Both return None for a layer type, or a setting (``groups``, ``channels_first``, an unknown
activation, ...), that cnnlab does not explain. Nothing here imports Keras: the functions read
the attributes of the layers they are given.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import is_int
from ..activations import relu, sigmoid, softmax, softplus, tanh
from ..conv import conv2d
from ..pool import pool2d
from ..shapes import conv_params, dense_params, output_shape, resolve_padding

__all__ = [
    "POSITIONWISE",
    "activation_name",
    "apply_activation",
    "layer_arithmetic",
    "layer_weights",
    "recompute_layer",
    "window_geometry",
]

#: Layer types whose output at a position depends on that position only: a receptive field
#: passes through them unchanged.
POSITIONWISE = (
    "BatchNormalization",
    "Dropout",
    "ReLU",
    "Activation",
    "Softmax",
    "Rescaling",
    "SpatialDropout2D",
)
_ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softplus": softplus,
    "softmax": softmax,
}


def _pair(v):
    return (int(v[0]), int(v[1])) if isinstance(v, tuple | list) else (int(v), int(v))


def _np(variable) -> np.ndarray:
    return np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable, np.float64)


def activation_name(layer) -> str:
    """The name of the layer's ``activation`` ("linear" when it has none).

    Examples
    --------
    >>> import keras
    >>> activation_name(keras.layers.Conv2D(4, 3, activation="relu"))
    'relu'
    """
    act = getattr(layer, "activation", None)
    if act is None:
        return "linear"
    return getattr(act, "__name__", str(act))


def apply_activation(layer, values) -> np.ndarray:
    """The layer's activation applied to ``values`` (any shape) by cnnlab (one it explains).

    Examples
    --------
    >>> import keras
    >>> apply_activation(keras.layers.Dense(2, activation="relu"), np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    return _ACTIVATIONS[activation_name(layer)](values)


def layer_weights(layer) -> tuple[np.ndarray, np.ndarray | None]:
    """``(kernel, bias)`` of a built ``Conv2D`` or ``Dense`` layer, float64 (bias None if unused).

    Examples
    --------
    >>> import keras
    >>> layer = keras.layers.Conv2D(4, 3, use_bias=False)
    >>> layer.build((None, 8, 8, 2))
    >>> kernel, bias = layer_weights(layer)
    >>> kernel.shape, kernel.dtype.name, bias
    ((3, 3, 2, 4), 'float64', None)
    """
    kernel = _np(layer.kernel)
    bias = _np(layer.bias) if getattr(layer, "use_bias", False) else None
    return kernel, bias


def window_geometry(layer, in_hw):
    """(kernel, stride, dilation, ((top, bottom), (left, right))) of a conv or pooling layer.

    ``in_hw`` is the layer's input ``(H, W)``, which ``"same"`` padding depends on.

    Examples
    --------
    >>> import keras
    >>> window_geometry(keras.layers.Conv2D(4, 3, strides=2, padding="same"), (8, 8))
    ((3, 3), (2, 2), (1, 1), ((0, 1), (0, 1)))
    """
    if type(layer).__name__ == "Conv2D":
        kernel, stride = _pair(layer.kernel_size), _pair(layer.strides)
        dilation = _pair(layer.dilation_rate)
    else:  # pooling
        kernel, stride, dilation = _pair(layer.pool_size), _pair(layer.strides), (1, 1)
    pads = resolve_padding(layer.padding, in_hw, kernel, stride, dilation)
    return kernel, stride, dilation, pads


def layer_arithmetic(layer, shape_in: tuple) -> tuple[tuple, int] | None:
    """``(output shape with batch None, parameters)`` by cnnlab's formulas, or None.

    ``shape_in`` is the layer's input shape without the batch axis, as Keras built it.

    Examples
    --------
    >>> import keras
    >>> layer_arithmetic(keras.layers.Conv2D(8, 3), (28, 28, 1))
    ((None, 26, 26, 8), 80)
    >>> layer_arithmetic(keras.layers.Conv2D(8, 3, groups=1, data_format="channels_first"),
    ...                  (1, 28, 28)) is None
    True
    """
    kind = type(layer).__name__
    if kind == "Conv2D":
        if layer.data_format != "channels_last" or getattr(layer, "groups", 1) != 1:
            return None
        if activation_name(layer) not in _ACTIVATIONS:
            return None
        h, w, c = shape_in
        k, s, d = _pair(layer.kernel_size), _pair(layer.strides), _pair(layer.dilation_rate)
        hw = output_shape((h, w), k, s, layer.padding, d)
        return (None, *hw, layer.filters), conv_params(k, c, layer.filters, layer.use_bias)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        if layer.data_format != "channels_last":
            return None
        h, w, c = shape_in
        hw = output_shape((h, w), _pair(layer.pool_size), _pair(layer.strides), layer.padding)
        return (None, *hw, c), 0
    if kind == "BatchNormalization":
        axis = layer.axis if is_int(layer.axis) else None
        if axis not in (-1, len(shape_in)):
            return None
        c = shape_in[-1]
        return (None, *shape_in), (2 + int(layer.scale) + int(layer.center)) * c
    if kind == "ReLU":
        plain = layer.max_value is None and not float(layer.negative_slope)
        return ((None, *shape_in), 0) if plain and not float(layer.threshold) else None
    if kind == "Activation":
        return ((None, *shape_in), 0) if activation_name(layer) in _ACTIVATIONS else None
    if kind == "Softmax":
        return ((None, *shape_in), 0) if layer.axis in (-1, len(shape_in)) else None
    if kind in ("Dropout", "SpatialDropout2D", "Rescaling"):
        return (None, *shape_in), 0
    if kind == "ZeroPadding2D":
        (t, b), (lf, r) = layer.padding
        h, w, c = shape_in
        return (None, h + t + b, w + lf + r, c), 0
    if kind == "Flatten":
        return (None, math.prod(shape_in)), 0
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D") and not layer.keepdims:
        return (None, shape_in[-1]), 0
    if kind == "Dense" and len(shape_in) == 1:
        if activation_name(layer) not in _ACTIVATIONS:
            return None
        return (None, layer.units), dense_params(shape_in[0], layer.units, layer.use_bias)
    return None


def recompute_layer(layer, x: np.ndarray) -> np.ndarray | None:
    """The layer's output for its input ``x`` (no batch axis), by cnnlab's NumPy layers, or None.

    Meant for a layer :func:`layer_arithmetic` explains; Dropout is off, as in
    ``model.predict``.

    Examples
    --------
    >>> import keras
    >>> recompute_layer(keras.layers.ZeroPadding2D(1), np.ones((1, 2, 1)))[..., 0]
    array([[0., 0., 0., 0.],
           [0., 1., 1., 0.],
           [0., 0., 0., 0.]])
    """
    kind = type(layer).__name__
    if kind == "Conv2D":
        kernel, bias = layer_weights(layer)
        out = conv2d(
            x,
            kernel,
            bias,
            stride=_pair(layer.strides),
            padding=layer.padding,
            dilation=_pair(layer.dilation_rate),
        )
        return apply_activation(layer, out)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        mode = "max" if kind == "MaxPooling2D" else "avg"
        pool, stride = _pair(layer.pool_size), _pair(layer.strides)
        return pool2d(x, pool, stride=stride, padding=layer.padding, mode=mode)
    if kind == "BatchNormalization":
        c = x.shape[-1]
        gamma = _np(layer.gamma) if layer.scale else np.ones(c)
        beta = _np(layer.beta) if layer.center else np.zeros(c)
        mean, var = _np(layer.moving_mean), _np(layer.moving_variance)
        return (x - mean) / np.sqrt(var + layer.epsilon) * gamma + beta
    if kind in ("Dropout", "SpatialDropout2D"):
        return x
    if kind == "ReLU":
        return relu(x)
    if kind == "Activation":
        return apply_activation(layer, x)
    if kind == "Softmax":
        return softmax(x)
    if kind == "Rescaling":
        return x * float(np.asarray(layer.scale)) + float(np.asarray(layer.offset))
    if kind == "ZeroPadding2D":
        (t, b), (l_, r) = layer.padding
        return np.pad(x, ((t, b), (l_, r), (0, 0)))
    if kind == "Flatten":
        return x.reshape(-1)
    if kind == "GlobalAveragePooling2D" and not layer.keepdims:
        return x.mean(axis=(0, 1))
    if kind == "GlobalMaxPooling2D" and not layer.keepdims:
        return x.max(axis=(0, 1))
    if kind == "Dense":
        kernel, bias = layer_weights(layer)
        return apply_activation(layer, x @ kernel + (0.0 if bias is None else bias))
    return None
