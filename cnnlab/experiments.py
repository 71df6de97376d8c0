"""Old import path ``cnnlab.experiments`` (notebooks 05-07), kept only while its importers move.

Every name now lives in :mod:`cnnlab.lessons` or :mod:`cnnlab.networks`:

* ``cnnlab.lessons.pooling_shift``: ``ShiftRobustness``, ``shift_robustness``
* ``cnnlab.lessons.vanishing``: ``chain_gradient``
* ``cnnlab.lessons.dropout_mlp``: ``DropoutMLP``, ``OverfittingResult``, ``digits_split``, ``overfitting_experiment``, ``train_mlp``
* ``cnnlab.networks.inspection``: ``layer_gradient_norms``

Delete this module once plotting, render, figures, widgets, checks, the notebooks and the
tests import from the new modules.
"""

from __future__ import annotations

from .lessons.dropout_mlp import (
    DropoutMLP,
    OverfittingResult,
    digits_split,
    overfitting_experiment,
    train_mlp,
)
from .lessons.pooling_shift import ShiftRobustness, shift_robustness
from .lessons.vanishing import chain_gradient
from .networks.inspection import layer_gradient_norms

__all__ = [
    "DropoutMLP",
    "OverfittingResult",
    "ShiftRobustness",
    "chain_gradient",
    "digits_split",
    "layer_gradient_norms",
    "overfitting_experiment",
    "shift_robustness",
    "train_mlp",
]
