"""Old import path ``cnnlab.teaching`` (notebooks 01-04), kept only while its importers move.

Every name now lives in :mod:`cnnlab.lessons` or :mod:`cnnlab.networks`:

* ``cnnlab.lessons.sliding_window``: ``CURVE_PATCH_KINDS``, ``SlidingWindow``, ``coverage_count``, ``curve_patch``, ``example_6x6``, ``leftover``
* ``cnnlab.lessons.layer_stacks``: ``same_padding_table``, ``volume_shapes``

Delete this module once plotting, render, figures, widgets, checks, the notebooks and the
tests import from the new modules.
"""

from __future__ import annotations

from .lessons.layer_stacks import same_padding_table, volume_shapes
from .lessons.sliding_window import (
    CURVE_PATCH_KINDS,
    SlidingWindow,
    coverage_count,
    curve_patch,
    example_6x6,
    leftover,
)

__all__ = [
    "CURVE_PATCH_KINDS",
    "SlidingWindow",
    "coverage_count",
    "curve_patch",
    "example_6x6",
    "leftover",
    "same_padding_table",
    "volume_shapes",
]
