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

# Every public name of these modules (their ``__all__``) is a name of cnnlab itself.
from .activations import *  # noqa: F403
from .conv import *  # noqa: F403
from .conv_backward import *  # noqa: F403
from .conv_transpose import *  # noqa: F403
from .fully_connected import *  # noqa: F403
from .losses import *  # noqa: F403
from .padding import *  # noqa: F403
from .pool import *  # noqa: F403
from .pool_backward import *  # noqa: F403
from .shapes import *  # noqa: F403

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

#: The modules whose public names are cnnlab's own (the star imports above).
_REEXPORTED = (
    activations,
    conv,
    conv_backward,
    conv_transpose,
    fully_connected,
    losses,
    padding,
    pool,
    pool_backward,
    shapes,
)
__all__ = sorted(
    [module.__name__.removeprefix("cnnlab.") for module in (*_REEXPORTED, images, kernels)]
    + [name for module in _REEXPORTED for name in module.__all__]
)


def __getattr__(name):
    """Import the heavier submodules (plotting, widgets, models, ...) on first access."""
    if name in _LAZY_SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cnnlab' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY_SUBMODULES])
