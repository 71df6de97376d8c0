"""NumPy helpers that exist for one lesson, one topic per module (no Keras, no plotting).

* :mod:`~cnnlab.lessons.sliding_window` (notebooks 01, 03, 04): ``example_6x6``,
  ``SlidingWindow``, ``curve_patch``, ``coverage_count``, ``leftover``.
* :mod:`~cnnlab.lessons.layer_stacks` (notebook 04): ``same_padding_table``, ``volume_shapes``.
* :mod:`~cnnlab.lessons.pooling_shift` (notebook 05): ``shift_robustness``.
* :mod:`~cnnlab.lessons.learning` (notebook 06, used as ``lessons.learning``): ``conv_mse``,
  ``descend``, ``numerical_gradient``, ``edge_data``, ``train_conv`` (plain gradient descent or
  Adam, in mini-batches and epochs), ``valley`` and ``optimizer_path``.
* :mod:`~cnnlab.lessons.transposed` (notebook 07): ``transpose_views``, ``TransposeViews``.
* :mod:`~cnnlab.lessons.vanishing` (notebook 08): ``chain_gradient``.
* :mod:`~cnnlab.lessons.dropout_mlp` (notebook 09): ``digits_split``, ``DropoutMLP``,
  ``train_mlp``, ``overfitting_experiment``.
* :mod:`~cnnlab.lessons.filter_data` (notebook 12): ``filter_pairs``, ``kernel_patches``,
  ``align_target``, ``ideal_kernel``.
* :mod:`~cnnlab.lessons.filter_learning` (notebook 12): ``gd_step``, ``FilterProblem``,
  ``learn_kernel``.

Every public name is also available here, e.g. ``cnnlab.lessons.example_6x6()``.
"""

from __future__ import annotations

from .dropout_mlp import (
    DropoutMLP,
    OverfittingResult,
    digits_split,
    overfitting_experiment,
    train_mlp,
)
from .filter_data import (
    DEFAULT_IMAGES,
    align_target,
    filter_pairs,
    ideal_kernel,
    image_batch,
    kernel_patches,
)
from .filter_learning import (
    FilterProblem,
    KernelFit,
    check_descent,
    gd_step,
    learn_kernel,
    record_steps,
)
from .layer_stacks import same_padding_table, volume_shapes
from .pooling_shift import ShiftRobustness, shift_robustness
from .sliding_window import (
    CURVE_PATCH_KINDS,
    SlidingWindow,
    coverage_count,
    curve_patch,
    example_6x6,
    leftover,
)
from .transposed import TransposeViews, transpose_views
from .vanishing import chain_gradient, check_activation

__all__ = [
    "CURVE_PATCH_KINDS",
    "DEFAULT_IMAGES",
    "DropoutMLP",
    "FilterProblem",
    "KernelFit",
    "OverfittingResult",
    "ShiftRobustness",
    "SlidingWindow",
    "TransposeViews",
    "align_target",
    "chain_gradient",
    "check_activation",
    "check_descent",
    "coverage_count",
    "curve_patch",
    "digits_split",
    "example_6x6",
    "filter_pairs",
    "gd_step",
    "ideal_kernel",
    "image_batch",
    "kernel_patches",
    "learn_kernel",
    "leftover",
    "overfitting_experiment",
    "record_steps",
    "same_padding_table",
    "shift_robustness",
    "train_mlp",
    "transpose_views",
    "volume_shapes",
]
