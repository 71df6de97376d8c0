"""The step-through explorer's sliding-window picture, as SVG the browser draws.

The picture is :class:`cnnlab.plotting.SlidingWindowFigure`'s: the same four panels, colours,
number formats and proportions (:func:`cnnlab.plotting.sliding_window_layout` and
:func:`cnnlab.plotting.sliding_window_panels` decide them for both). The explorer writes it as
SVG instead of drawing it with matplotlib, because matplotlib cannot keep up with a slider:
its ~70 numbers cost about 0.7 ms each to draw, so a window move took ~55 ms and a new kernel
size ~90 ms, against about a millisecond of text here (``benchmarks/bench_widgets.py``).
``tests/test_widgets.py`` checks that the two pictures agree.
"""

from __future__ import annotations

import numpy as np

from ..plotting import sliding_window_layout, sliding_window_panels
from .pictures import fit_font_size, grid_cells, grid_limits, svg, text

__all__ = ["sliding_window_geometry", "sliding_window_svg"]

# Titles, the sum and the settings: larger than the figure's, so that at the width the explorer
# shows the drawing on a 1280-pixel projector (about 650 of its 1064 units) they are >= 16 px.
_LABEL_SIZE = 26


def sliding_window_geometry(window, dpi=80) -> dict:
    """Where :func:`sliding_window_svg` puts its panels, in pixels.

    From :func:`cnnlab.plotting.sliding_window_layout` (inches) at ``dpi`` pixels per inch.

    Parameters
    ----------
    window : cnnlab.lessons.SlidingWindow
    dpi : float, default 80

    Returns
    -------
    dict
        ``"size"``: (width, height) of the picture; ``"cell"``: side of a cell; ``"gap"``:
        pixels between panels; ``"origins"``: panel name (``"input"``, ``"kernel"``,
        ``"products"``, ``"output"``) -> (x, y) of its grid's top-left corner; cell ``(r, c)``
        of a panel covers ``x + c * cell`` to ``x + (c + 1) * cell - 1``.

    Examples
    --------
    >>> from cnnlab.lessons import SlidingWindow, example_6x6
    >>> geometry = sliding_window_geometry(SlidingWindow(*example_6x6()))
    >>> geometry["cell"], geometry["origins"]["input"]
    (50, (12, 116))
    """
    layout = sliding_window_layout(window.padded.shape, window.kernel.shape, window.out_shape)
    px = float(dpi)
    cell = max(12, round(layout["cell"] * px))
    gap = round(layout["gap"] * cell)
    side, top = round(layout["side"] * px), round(layout["top"] * px)
    shapes = {
        "input": window.padded.shape,
        "kernel": window.kernel.shape,
        "products": window.kernel.shape,
        "output": window.out_shape,
    }
    origins, x = {}, side
    for name, (h, w) in shapes.items():
        origins[name] = (x, top + (layout["rows"] - h) * cell // 2)  # centred vertically
        x += w * cell + gap
    return {
        "size": (x - gap + side, top + cell * layout["rows"] + round(layout["bottom"] * px)),
        "cell": cell,
        "gap": gap,
        "origins": origins,
        "rows": layout["rows"],
        "top": top,
    }


def sliding_window_svg(window, step, *, dpi=80, panels=None, fmt=None) -> str:
    """The sliding-window picture of one step, as SVG markup.

    The same four panels, colours, numbers and proportions as
    :class:`cnnlab.plotting.SlidingWindowFigure` (:func:`~cnnlab.plotting.sliding_window_layout`
    and :func:`~cnnlab.plotting.sliding_window_panels`): the padded input with the window
    highlighted and the padding hatched, the kernel, the products with their sum, and the
    output filled in up to ``step`` with the current cell highlighted; the step and the
    settings written above. Panels sit where :func:`sliding_window_geometry` says.

    Parameters
    ----------
    window : cnnlab.lessons.SlidingWindow
    step : int
        0 to ``window.n_steps - 1``.
    dpi : float, default 80
        Pixels per inch of the layout (the drawing is as large as the figure at this dpi).
    panels : dict, optional
        ``sliding_window_panels(window, fmt)``, when the caller keeps it between steps.
    fmt : str or callable, optional
        Format of the numbers (when ``panels`` is not given).

    Returns
    -------
    str

    Examples
    --------
    >>> from cnnlab.lessons import SlidingWindow, example_6x6
    >>> drawing = sliding_window_svg(SlidingWindow(*example_6x6()), 3)
    >>> drawing[:120].split('viewBox="')[1].split('"')[0]
    '0 0 1064 464'
    """
    step = window.check_step(step)
    if panels is None:
        panels = sliding_window_panels(window, fmt)
    geometry = sliding_window_geometry(window, dpi)
    cell, gap = geometry["cell"], geometry["gap"]
    width, height = geometry["size"]

    def pt(points):  # typographic points to pixels
        return max(1, round(points * float(dpi) / 72))

    size = fit_font_size(panels["strings"], cell, maximum=pt(22))
    i, j = window.output_index(step)
    none = np.zeros(window.kernel.shape, bool)
    grids = {
        "input": (window.padded, window.padded_mask, window.window_cells(step)),
        "kernel": (window.kernel, none, ()),
        "products": (window.products(step), none, ()),
        "output": (window.partial_output(step), np.zeros(window.out_shape, bool), [(i, j)]),
    }
    middle = geometry["top"] + cell * geometry["rows"] / 2
    parts = [f'<rect width="{width}" height="{height}" fill="#fff"/>']
    for (name, (values, mask, highlight)), symbol in zip(grids.items(), " ×=→", strict=True):
        x, y = geometry["origins"][name]
        if symbol != " ":  # the operator centred in the gap before this panel
            parts.append(text(x - gap / 2, middle, symbol, pt(26)))
        p = panels[name]
        values = np.asarray(values, float)
        cmap, lo, hi, _ = grid_limits(values, mask, None, p["cmap"], p["vmin"], p["vmax"])
        parts.append(
            grid_cells(
                values,
                mask,
                x=x,
                y=y,
                cell=cell,
                cmap=cmap,
                lo=lo,
                hi=hi,
                fmt_fn=p["format"],
                size=size,
                highlight=highlight,
            )
        )
        centre = x + values.shape[1] * cell / 2
        parts.append(text(centre, y - pt(6), p["title"], _LABEL_SIZE, baseline="text-after-edge"))
        if name == "products":
            line = window.sum_line(step, panels["sum_format"], panels["output"]["format"])
            below = y + values.shape[0] * cell + pt(5)
            parts.append(
                text(centre, below, line.replace("-", "−"), _LABEL_SIZE, baseline="hanging")
            )
    parts.append(
        text(
            width / 2,
            pt(9),
            window.step_title(step),
            _LABEL_SIZE + 2,
            baseline="hanging",
            weight="bold",
        )
    )
    subtitle = window.describe().replace("-", "−")
    parts.append(text(width / 2, pt(56), subtitle, _LABEL_SIZE, fill="#404040"))
    return svg(width, height, "".join(parts), label=window.step_title(step))
