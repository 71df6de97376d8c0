"""Old import path ``cnnlab.models`` (notebooks 08-10), kept only while its importers move.

Every name now lives in :mod:`cnnlab.lessons` or :mod:`cnnlab.networks`:

* ``cnnlab.networks.architecture``: ``LayerRow``, ``build_cnn``, ``format_layer_table``, ``layer_table``, ``summary_table``
* ``cnnlab.networks.callbacks``: ``live_plot_callback``
* ``cnnlab.networks.inspection``: ``confusion_matrix``, ``feature_maps``, ``first_layer_filters``, ``grad_cam``
* ``cnnlab.networks.training``: ``make_dataset``, ``set_seed``

Delete this module once plotting, render, figures, widgets, checks, the notebooks and the
tests import from the new modules.
"""

from __future__ import annotations

from .networks.architecture import (
    LayerRow,
    build_cnn,
    format_layer_table,
    layer_table,
    summary_table,
)
from .networks.callbacks import live_plot_callback
from .networks.inspection import confusion_matrix, feature_maps, first_layer_filters, grad_cam
from .networks.training import make_dataset, set_seed

__all__ = [
    "LayerRow",
    "build_cnn",
    "confusion_matrix",
    "feature_maps",
    "first_layer_filters",
    "format_layer_table",
    "grad_cam",
    "layer_table",
    "live_plot_callback",
    "make_dataset",
    "set_seed",
    "summary_table",
]
