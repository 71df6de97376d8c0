"""Figures for the notebooks: images, feature maps, small arrays and the sliding window.

Everything drawn here is computed by the NumPy core (:func:`cnnlab.conv2d`,
:func:`cnnlab.pad2d`, :func:`cnnlab.resolve_padding`, :func:`cnnlab.output_size`); this package
only decides how it looks. It uses matplotlib only: functions take ``ax=None`` (or ``fig=None``),
return the artists they drew and never call ``plt.show()``.

One idea per module:

* :mod:`~cnnlab.plotting.style`: palettes, colormaps, colour limits, the projector style;
* :mod:`~cnnlab.plotting.images`: :func:`show_image`, :func:`show_feature_maps`;
* :mod:`~cnnlab.plotting.grids`: :func:`show_grid` and :func:`update_grid` (numbered cells);
* :mod:`~cnnlab.plotting.sliding_window`: :class:`SlidingWindowFigure` and its animation;
* :mod:`~cnnlab.plotting.save`: :func:`save_fig`, :func:`save_animation` into a folder you name.

Every public name is importable from ``cnnlab.plotting`` itself.
"""

from __future__ import annotations

from . import grids, images, save, sliding_window, style
from .grids import *  # noqa: F403
from .images import *  # noqa: F403
from .save import *  # noqa: F403
from .sliding_window import *  # noqa: F403
from .style import *  # noqa: F403

__all__ = sorted(
    name for module in (grids, images, save, sliding_window, style) for name in module.__all__
)
