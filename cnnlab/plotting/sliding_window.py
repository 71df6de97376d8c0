"""The sliding-window picture: the window, the kernel, the products and the output.

:class:`SlidingWindowFigure` draws the four panels once and :meth:`~SlidingWindowFigure.show_step`
updates their artists; :func:`animate_sliding_window` turns it into an animation.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from matplotlib.backend_bases import FigureCanvasBase

from ..lessons.sliding_window import SlidingWindow
from .grids import cell_formatter, fit_fontsize, show_grid, update_grid
from .style import DIVERGING_CMAP, IMAGE_CMAP, cmap_for, display_limits, signed_limits

__all__ = [
    "SlidingWindowFigure",
    "animate_sliding_window",
    "animation_html",
    "sliding_window_layout",
    "sliding_window_panels",
]


def sliding_window_layout(padded_hw, kernel_hw, out_hw) -> dict:
    """Sizes of the sliding-window picture: four panels in a row, cells of one size.

    Used by :class:`SlidingWindowFigure` (inches) and by the step-through explorer's SVG
    drawing (:func:`cnnlab.widgets.window_svg.sliding_window_svg`, inches times pixels per
    inch), so the two pictures have the same proportions.

    Parameters
    ----------
    padded_hw, kernel_hw, out_hw : (int, int)
        Cells of the padded input, the kernel and the output.

    Returns
    -------
    dict
        ``"cell"``: side of a cell (inches); ``"gap"``: space between panels, in cells;
        ``"widths"``: cells across each panel (input, kernel, products, output); ``"rows"``:
        cells down the tallest panel; ``"top"``, ``"bottom"``, ``"side"``: margins (inches)
        for the titles and the sum; ``"figsize"``: (width, height) in inches.

    Examples
    --------
    >>> layout = sliding_window_layout((6, 6), (3, 3), (4, 4))
    >>> layout["cell"], layout["gap"], layout["figsize"]
    (0.62, 1.6, (13.196, 5.77))
    """
    widths = [int(padded_hw[1]), int(kernel_hw[1]), int(kernel_hw[1]), int(out_hw[1])]
    gap = 1.6 + 0.6 * max(0, 3 - widths[1])  # columns between panels: room for the titles
    rows = max(int(padded_hw[0]), int(kernel_hw[0]), int(out_hw[0]))
    top, bottom, side = 1.45, 0.6, 0.15
    cell = min(0.62, 13.5 / (sum(widths) + gap * 3), 5.0 / rows)
    figsize = (cell * (sum(widths) + gap * 3) + 2 * side, cell * rows + top + bottom)
    return {
        "cell": cell,
        "gap": gap,
        "widths": widths,
        "rows": rows,
        "top": top,
        "bottom": bottom,
        "side": side,
        "figsize": tuple(round(v, 6) for v in figsize),
    }


def sliding_window_panels(window, fmt=None) -> dict:
    """Colours, number formats and titles of the four panels of a sliding-window picture.

    Parameters
    ----------
    window : cnnlab.lessons.SlidingWindow
    fmt : str or callable, optional
        Format of the numbers (see :func:`show_grid`); by default chosen per panel.

    Returns
    -------
    dict
        ``"input"``, ``"kernel"``, ``"products"``, ``"output"``: each a dict with ``cmap``,
        ``vmin``, ``vmax`` (None: :func:`show_grid`'s default), ``format`` (value -> text) and
        ``title``; plus ``"sum_format"`` and ``"strings"`` (every text a cell can show, to fit
        one font size to all panels). The products share limits over every product the
        window can make, so their colours do not jump from step to step; an unsigned output
        is drawn in viridis so its numbers stay readable.

    Examples
    --------
    >>> from cnnlab.lessons import SlidingWindow, example_6x6
    >>> panels = sliding_window_panels(SlidingWindow(*example_6x6()))
    >>> panels["products"]["cmap"], panels["products"]["vmin"], panels["output"]["title"]
    ('RdBu_r', -9.0, 'output')
    """
    all_products = np.outer(window.padded.ravel(), window.kernel.ravel())
    plim = signed_limits(all_products)
    olim = display_limits(window.output)
    out_cmap = cmap_for(window.output)
    if out_cmap == IMAGE_CMAP:
        out_cmap = "viridis"
    real = window.padded[~window.padded_mask]
    input_title = "input (padded)" if window.padded_mask.any() else "input"
    specs = [  # name, values (for the number format), colormap, limits, title
        ("input", window.padded, cmap_for(real), (None, None), input_title),
        ("kernel", window.kernel, DIVERGING_CMAP, (None, None), "kernel"),
        ("products", all_products, DIVERGING_CMAP, plim, "window × kernel"),
        ("output", window.output, out_cmap, olim, "output"),
    ]
    panels, strings = {}, []
    for name, values, cmap, (vmin, vmax), title in specs:
        fmt_fn = cell_formatter(fmt, values)
        panels[name] = {"cmap": cmap, "vmin": vmin, "vmax": vmax, "format": fmt_fn, "title": title}
        strings += [fmt_fn(float(v)) for v in values.ravel()]
    panels["sum_format"] = cell_formatter(fmt, window.sums)
    panels["strings"] = strings
    return panels


class SlidingWindowFigure(SlidingWindow):
    """The classic picture of a convolution: a window slides over the (padded) input.

    Four panels, with cells of the same size in each: the padded input with the window the
    kernel covers highlighted (padding cells hatched), the kernel with its numbers, the
    element-wise products with their sum, and the output, filled in up to the current step with
    the current cell highlighted. :meth:`show_step` updates the artists in place, so a slider
    or an animation can move the window cheaply. The geometry (which cells the window covers,
    the products, the output) is :class:`cnnlab.lessons.SlidingWindow`'s.

    Parameters
    ----------
    x : ndarray, shape (H, W)
        A small input (a few cells per side, so the numbers stay readable).
    kernel : ndarray, shape (kh, kw)
    stride, padding, dilation :
        As for :func:`cnnlab.conv2d`; impossible settings raise its ``ValueError``.
    bias : float, default 0.0
    fig : matplotlib Figure, optional
        Draw into this (cleared) figure; by default a new one sized by
        :func:`sliding_window_layout`, so the cells are large.
    fmt : str or callable, optional
        Format of the numbers (see :func:`show_grid`).

    Attributes
    ----------
    fig : Figure
    padded, padded_mask, output, sums, out_shape, n_steps, pads :
        As in :class:`cnnlab.lessons.SlidingWindow` (``padded`` is the grid of the first
        panel, ``padded_mask`` True on its padding cells).
    step : int
        The step shown.
    input_artists, kernel_artists, product_artists, output_artists : dict
        What :func:`show_grid` returned for each panel.
    sum_text : Text
        The sum under the products panel.

    Examples
    --------
    >>> swf = SlidingWindowFigure(np.arange(16).reshape(4, 4), np.ones((3, 3)))
    >>> swf.n_steps, swf.out_shape
    (4, (2, 2))
    >>> swf.show_step(3)
    >>> swf.window_cells(3)[:3]
    [(1, 1), (1, 2), (1, 3)]
    >>> swf.output_artists["texts"][1][1].get_text()
    '90'
    >>> plt.close(swf.fig)
    """

    def __init__(
        self, x, kernel, *, stride=1, padding="valid", dilation=1, bias=0.0, fig=None, fmt=None
    ):
        super().__init__(x, kernel, stride=stride, padding=padding, dilation=dilation, bias=bias)
        self.step = 0
        self._build(fig, fmt)
        self.show_step(0)

    def _build(self, fig, fmt):
        layout = sliding_window_layout(self.padded.shape, self.kernel.shape, self.out_shape)
        widths, gap = layout["widths"], layout["gap"]
        if fig is None:
            fig = plt.figure(figsize=layout["figsize"])
        else:
            fig.clear()
        self.fig = fig
        fw, fh = fig.get_figwidth(), fig.get_figheight()
        gs = fig.add_gridspec(
            1,
            4,
            width_ratios=widths,
            wspace=gap / np.mean(widths),
            left=min(layout["side"] / fw, 0.1),
            right=1 - min(layout["side"] / fw, 0.1),
            bottom=min(layout["bottom"] / fh, 0.3),
            top=1 - min(layout["top"] / fh, 0.4),
        )
        axes = [fig.add_subplot(gs[0, n]) for n in range(4)]
        self.ax_input, self.ax_kernel, self.ax_products, self.ax_output = axes
        panels = sliding_window_panels(self, fmt)
        self._fmt_sum, self._fmt_out = panels["sum_format"], panels["output"]["format"]
        # the cells of every panel share one font size, fitted to the widest number
        size = fit_fontsize(self.ax_input, *self.padded.shape, panels["strings"], maximum=22.0)
        start = {
            "input": self.padded,
            "kernel": self.kernel,
            "products": np.full(self.kernel.shape, np.nan),
            "output": np.full(self.out_shape, np.nan),
        }
        artists = {}
        for (name, values), ax in zip(start.items(), axes, strict=True):
            p = panels[name]
            artists[name] = show_grid(
                values,
                ax,
                fmt=p["format"],
                padded_mask=self.padded_mask if name == "input" else None,
                cmap=p["cmap"],
                vmin=p["vmin"],
                vmax=p["vmax"],
                fontsize=size,
                title=p["title"],
            )
        self.input_artists, self.kernel_artists = artists["input"], artists["kernel"]
        self.product_artists, self.output_artists = artists["products"], artists["output"]
        self.sum_text = self.ax_products.text(
            0.5, -0.06, "", transform=self.ax_products.transAxes, ha="center", va="top"
        )
        # the operators between the panels, centred in the gaps
        for ax, symbol, n in ((self.ax_kernel, "×", widths[1]), (self.ax_products, "=", widths[2])):
            ax.text(
                -0.6 * gap / n,
                0.5,
                symbol,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=26,
            )
        self.ax_output.text(
            -0.5 * gap / widths[3],
            0.5,
            "→",
            transform=self.ax_output.transAxes,
            ha="center",
            va="center",
            fontsize=26,
        )
        self._subtitle = self.describe()
        self.title = fig.suptitle("", y=1 - min(0.12 / fh, 0.05), va="top")
        self.settings_text = fig.text(
            0.5, 1 - min(0.72 / fh, 0.2), self._subtitle, ha="center", va="center", color="#404040"
        )

    def show_step(self, step):
        """Show the window at ``step`` (0 to ``n_steps - 1``), updating the artists in place."""
        step = self.check_step(step)
        self.step = step
        i, j = self.output_index(step)
        update_grid(self.input_artists, highlight=self.window_cells(step))
        update_grid(self.product_artists, self.products(step))
        update_grid(self.output_artists, self.partial_output(step), highlight=[(i, j)])
        self.sum_text.set_text(self.sum_line(step, self._fmt_sum, self._fmt_out))
        self.title.set_text(self.step_title(step))
        canvas = self.fig.canvas
        # interactive canvases (ipympl, Qt, ...) schedule a redraw; Agg would draw right now
        if type(canvas).draw_idle is not FigureCanvasBase.draw_idle:
            canvas.draw_idle()


def animate_sliding_window(
    x, kernel, *, stride=1, padding="valid", dilation=1, bias=0.0, interval=600, hold=3
):
    """An animation of the window sliding over a small input, step by step.

    Built on :class:`SlidingWindowFigure`; show it with :func:`animation_html` (works in any
    notebook, also where widgets cannot run) or save it as a GIF with :func:`save_animation`.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    kernel : ndarray, shape (kh, kw)
    stride, padding, dilation, bias :
        As for :class:`SlidingWindowFigure`.
    interval : int, default 600
        Milliseconds per step.
    hold : int, default 3
        Extra frames showing the finished output before the animation repeats.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Its ``sliding_window`` attribute is the :class:`SlidingWindowFigure`.

    Examples
    --------
    >>> anim = animate_sliding_window(np.ones((4, 4)), np.ones((3, 3)), hold=0)
    >>> anim.sliding_window.n_steps
    4
    >>> html = animation_html(anim)   # renders the 4 frames, then closes the figure
    """
    swf = SlidingWindowFigure(
        x, kernel, stride=stride, padding=padding, dilation=dilation, bias=bias
    )
    frames = list(range(swf.n_steps)) + [swf.n_steps - 1] * max(int(hold), 0)
    anim = animation.FuncAnimation(
        swf.fig, swf.show_step, frames=frames, interval=interval, blit=False, repeat=True
    )
    anim.sliding_window = swf
    return anim


def animation_html(anim, *, close=True) -> str:
    """The animation as self-contained HTML + JavaScript (``to_jshtml``) for a notebook.

    Use ``IPython.display.HTML(animation_html(anim))``. With ``close=True`` the figure is
    closed afterwards so the notebook does not also show a static copy.

    Examples
    --------
    >>> anim = animate_sliding_window(np.ones((3, 3)), np.ones((2, 2)), hold=0)
    >>> html = animation_html(anim)
    >>> html.lstrip().startswith("<"), "<img" in html
    (True, True)
    """
    html = anim.to_jshtml(default_mode="loop")
    if close:
        plt.close(anim._fig)
    return html
