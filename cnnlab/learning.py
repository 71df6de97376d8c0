"""Old import path ``cnnlab.learning`` (notebooks 09-10), kept only while its importers move.

Every name now lives in :mod:`cnnlab.lessons` or :mod:`cnnlab.networks`:

* ``cnnlab.lessons.filter_data``: ``DEFAULT_IMAGES``, ``align_target``, ``filter_pairs``, ``ideal_kernel``, ``kernel_patches``
* ``cnnlab.lessons.filter_learning``: ``KernelFit``, ``gd_step``, ``learn_kernel``, ``record_steps``
* ``cnnlab.networks.training``: ``EarlyStop``, ``early_stopping_epoch``, ``learn_kernel_keras``

Delete this module once plotting, render, figures, widgets, checks, the notebooks and the
tests import from the new modules.
"""

from __future__ import annotations

from .lessons.filter_data import (
    DEFAULT_IMAGES,
    align_target,
    filter_pairs,
    ideal_kernel,
    kernel_patches,
)
from .lessons.filter_learning import KernelFit, gd_step, learn_kernel, record_steps
from .networks.training import EarlyStop, early_stopping_epoch, learn_kernel_keras

__all__ = [
    "DEFAULT_IMAGES",
    "EarlyStop",
    "KernelFit",
    "align_target",
    "early_stopping_epoch",
    "filter_pairs",
    "gd_step",
    "ideal_kernel",
    "kernel_patches",
    "learn_kernel",
    "learn_kernel_keras",
    "record_steps",
]
