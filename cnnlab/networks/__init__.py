"""Everything that uses TensorFlow/Keras (notebooks 08 and 10-12), imported only when called.

* :mod:`~cnnlab.networks.architecture` (notebooks 10-12): ``Architecture``, ``layer_table``
  and ``format_layer_table`` (pure Python), ``build_cnn``, ``summary_table``.
* :mod:`~cnnlab.networks.training` (notebooks 11, 12): ``set_seed``, ``make_dataset``,
  ``early_stopping_epoch``, ``learn_kernel_keras``.
* :mod:`~cnnlab.networks.callbacks` (notebook 11): ``live_plot_callback``,
  ``in_jupyter_kernel``.
* :mod:`~cnnlab.networks.inspection` (notebooks 08, 11, 12): ``first_layer_filters``,
  ``feature_maps``, ``confusion_matrix``, ``grad_cam``, ``layer_gradient_norms``.
* :mod:`~cnnlab.networks.model_inspector` (notebooks 11, 12): ``ModelInspector`` (any Keras
  CNN's layer table, feature maps and one unit recomputed by cnnlab), ``ModelRow``, ``Unit``;
  what :class:`cnnlab.widgets.ModelExplorer` shows.
* :mod:`~cnnlab.networks.keras_layers`: the rules ``ModelInspector`` applies to each Keras layer
  type (``layer_arithmetic``, ``recompute_layer``, ...); use them from that module.

Importing this package does not import TensorFlow: each function imports Keras (and
TensorFlow) inside, the first call takes a few seconds. Every public name of the other modules
is also available here, e.g. ``cnnlab.networks.build_cnn(...)``.
"""

from __future__ import annotations

from .architecture import (
    Architecture,
    LayerRow,
    build_cnn,
    format_layer_table,
    layer_table,
    summary_table,
)
from .callbacks import in_jupyter_kernel, live_plot_callback
from .inspection import (
    confusion_matrix,
    feature_maps,
    first_layer_filters,
    grad_cam,
    layer_gradient_norms,
)
from .model_inspector import ModelInspector, ModelRow, Unit
from .training import EarlyStop, early_stopping_epoch, learn_kernel_keras, make_dataset, set_seed

__all__ = [
    "Architecture",
    "EarlyStop",
    "LayerRow",
    "ModelInspector",
    "ModelRow",
    "Unit",
    "build_cnn",
    "confusion_matrix",
    "early_stopping_epoch",
    "feature_maps",
    "first_layer_filters",
    "format_layer_table",
    "grad_cam",
    "in_jupyter_kernel",
    "layer_gradient_norms",
    "layer_table",
    "learn_kernel_keras",
    "live_plot_callback",
    "make_dataset",
    "set_seed",
    "summary_table",
]
