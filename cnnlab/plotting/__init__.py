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

from .grids import cell_formatter, fit_fontsize, highlight_cells, show_grid, update_grid
from .images import show_feature_maps, show_image
from .save import save_animation, save_fig
from .sliding_window import (
    SlidingWindowFigure,
    animate_sliding_window,
    animation_html,
    sliding_window_layout,
    sliding_window_panels,
)
from .style import (
    DIVERGING_CMAP,
    HIGHLIGHT,
    HIGHLIGHT_2,
    IMAGE_CMAP,
    OKABE_ITO,
    STYLE,
    cmap_for,
    colorize,
    display_limits,
    is_signed,
    signed_limits,
    style_context,
    use_style,
)

__all__ = [
    "DIVERGING_CMAP",
    "HIGHLIGHT",
    "HIGHLIGHT_2",
    "IMAGE_CMAP",
    "OKABE_ITO",
    "STYLE",
    "SlidingWindowFigure",
    "animate_sliding_window",
    "animation_html",
    "cell_formatter",
    "cmap_for",
    "colorize",
    "display_limits",
    "fit_fontsize",
    "highlight_cells",
    "is_signed",
    "save_animation",
    "save_fig",
    "show_feature_maps",
    "show_grid",
    "show_image",
    "signed_limits",
    "sliding_window_layout",
    "sliding_window_panels",
    "style_context",
    "update_grid",
    "use_style",
]
