"""cnnlab: the helper package behind the cnnlab notebooks on convolutional neural networks.

The compute core (NumPy only) is available at the top level::

    >>> import numpy as np
    >>> import cnnlab
    >>> cnnlab.conv2d(np.ones((6, 6)), np.ones((3, 3))).shape
    (4, 4)
    >>> cnnlab.output_size(227, 11, stride=4)
    55

Heavier parts load on first use, so ``import cnnlab`` stays fast and never imports TensorFlow:
``cnnlab.plotting`` (matplotlib), ``cnnlab.widgets`` (ipywidgets), ``cnnlab.data`` (datasets),
``cnnlab.models`` (Keras), ``cnnlab.checks`` (exercise checkers), ``cnnlab.notebook``
(the notebooks' setup helper).
"""

from __future__ import annotations

import importlib

from . import activations, images, kernels, losses, ops, shapes
from .activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softplus,
    softplus_derivative,
    tanh,
    tanh_derivative,
)
from .losses import categorical_crossentropy, hinge, mse
from .ops import conv2d, conv2d_naive, dense, dropout, flatten, pad2d, pool2d, pool2d_naive
from .shapes import (
    conv_params,
    dense_params,
    output_shape,
    output_size,
    padding_amounts,
    receptive_field,
    receptive_fields,
    resolve_padding,
)

__version__ = "0.1.0"

_LAZY_SUBMODULES = (
    "checks",
    "data",
    "experiments",
    "figures",
    "learning",
    "models",
    "notebook",
    "plotting",
    "render",
    "teaching",
    "widgets",
)

__all__ = [
    "activations",
    "categorical_crossentropy",
    "conv2d",
    "conv2d_naive",
    "conv_params",
    "dense",
    "dense_params",
    "dropout",
    "flatten",
    "hinge",
    "images",
    "kernels",
    "losses",
    "mse",
    "ops",
    "output_shape",
    "output_size",
    "pad2d",
    "padding_amounts",
    "pool2d",
    "pool2d_naive",
    "receptive_field",
    "receptive_fields",
    "relu",
    "relu_derivative",
    "resolve_padding",
    "shapes",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softplus",
    "softplus_derivative",
    "tanh",
    "tanh_derivative",
]


def __getattr__(name):
    """Import the heavier submodules (plotting, widgets, models, ...) on first access."""
    if name in _LAZY_SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cnnlab' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY_SUBMODULES])
