"""Former home of the layer operations, kept so that existing imports keep working.

The operations now live one idea per module: :mod:`cnnlab.padding` (``pad2d``),
:mod:`cnnlab.conv` (``conv2d_naive``, ``im2col``, ``conv2d``), :mod:`cnnlab.pool`
(``pool2d_naive``, ``pool2d``) and :mod:`cnnlab.fully_connected` (``flatten``, ``dense``, ``dropout``).
Import them from there, or from :mod:`cnnlab` itself (``cnnlab.conv2d``).
"""

from __future__ import annotations

from .conv import conv2d, conv2d_naive, im2col
from .fully_connected import dense, dropout, flatten
from .padding import PAD_MODES, pad2d
from .pool import POOL_MODES, pool2d, pool2d_naive

__all__ = [
    "PAD_MODES",
    "POOL_MODES",
    "conv2d",
    "conv2d_naive",
    "dense",
    "dropout",
    "flatten",
    "im2col",
    "pad2d",
    "pool2d",
    "pool2d_naive",
]
