"""cnnlab: the helper package behind the cnnlab notebooks on convolutional neural networks.

The compute core (NumPy only) is a set of small modules, one idea each, re-exported here:
``shapes`` (output sizes and padding arithmetic), ``padding`` (``pad2d``), ``conv``
(``conv2d_naive`` beside the vectorised ``conv2d``, and ``im2col``), ``pool`` (``pool2d_naive``
beside ``pool2d``), their backward passes ``conv_backward`` and ``pool_backward``,
``conv_transpose`` (``conv2d_transpose_naive`` beside ``conv2d_transpose``, ``conv_matrix``),
``fully_connected`` (``flatten``, ``dense``, ``dropout``), ``activations``, ``losses``,
``kernels`` and ``images``::

    >>> import numpy as np
    >>> import cnnlab
    >>> cnnlab.conv2d(np.ones((6, 6)), np.ones((3, 3))).shape
    (4, 4)
    >>> cnnlab.output_size(227, 11, stride=4)
    55

The layers above the core are folders, loaded on first use so that ``import cnnlab`` stays fast
and never imports TensorFlow: ``cnnlab.lessons`` (NumPy helpers that exist for one topic),
``cnnlab.networks`` (everything that uses Keras/TensorFlow), ``cnnlab.data`` (datasets),
``cnnlab.plotting`` (matplotlib), ``cnnlab.widgets`` (the ipywidgets explorers),
``cnnlab.checks`` (exercise checkers) and ``cnnlab.notebook`` (the notebooks' setup helper).
"""

from __future__ import annotations

import importlib

from . import (
    activations,
    conv,
    conv_backward,
    conv_transpose,
    fully_connected,
    images,
    kernels,
    losses,
    padding,
    pool,
    pool_backward,
    shapes,
)
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
from .conv import conv2d, conv2d_naive, im2col
from .conv_backward import conv2d_backward, conv2d_backward_naive
from .conv_transpose import (
    conv2d_transpose,
    conv2d_transpose_naive,
    conv_matrix,
    transposed_output_size,
)
from .fully_connected import dense, dropout, flatten
from .losses import categorical_crossentropy, hinge, mse
from .padding import pad2d
from .pool import pool2d, pool2d_naive
from .pool_backward import pool2d_backward, pool2d_backward_naive
from .shapes import (
    conv_params,
    dense_params,
    explain_output_shape,
    explain_output_size,
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
    "lessons",
    "networks",
    "notebook",
    "plotting",
    "widgets",
)

__all__ = [
    "activations",
    "categorical_crossentropy",
    "conv",
    "conv2d",
    "conv2d_backward",
    "conv2d_backward_naive",
    "conv2d_naive",
    "conv2d_transpose",
    "conv2d_transpose_naive",
    "conv_backward",
    "conv_matrix",
    "conv_params",
    "conv_transpose",
    "dense",
    "dense_params",
    "dropout",
    "explain_output_shape",
    "explain_output_size",
    "flatten",
    "fully_connected",
    "hinge",
    "im2col",
    "images",
    "kernels",
    "losses",
    "mse",
    "output_shape",
    "output_size",
    "pad2d",
    "padding",
    "padding_amounts",
    "pool",
    "pool2d",
    "pool2d_backward",
    "pool2d_backward_naive",
    "pool2d_naive",
    "pool_backward",
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
    "transposed_output_size",
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
