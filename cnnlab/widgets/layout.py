"""The explorers' layout on a projector: control order, the controls column, captions, CSS.

At 1280×720 the controls stand in a column beside the pictures, every picture at most as tall
as the window leaves room for, text of at least 16 px and no label cut off
(``tests/test_browser.py`` checks all of this with bounding boxes).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

__all__ = [
    "CONTROLS_WIDTH",
    "EXPLORER_CSS",
    "FIRST_CONTROLS",
    "LAST_CONTROLS",
    "ONE_COLUMN_MAX",
    "caption",
    "control_grid",
    "section",
    "section_heading",
]

# The shared sliders come first in every explorer, in the same places; file choosers last.
FIRST_CONTROLS = ("kernel size", "stride", "padding", "padding preset", "padding mode", "dilation")
LAST_CONTROLS = ("image", "upload", "kernel", "custom kernel")
# Projector layout (1280×720): controls in a column beside the pictures, every picture at
# most as tall as the window leaves room for, text of at least 16 px, no label cut off.
# More controls than this (the grid's cells), or any sections, take two columns.
ONE_COLUMN_MAX = 12
#: Width of the controls column: one column of controls, two (explorers with sections).
CONTROLS_WIDTH = ("400px", "620px")
EXPLORER_CSS = """<style>
.cnnlab-explorer {
  --jp-widgets-font-size: 17px;
  --jp-widgets-inline-height: 34px;
  --jp-widgets-slider-handle-size: 18px;
}
.cnnlab-explorer .widget-label, .cnnlab-explorer .widget-readout,
.cnnlab-explorer .widget-toggle-button, .cnnlab-explorer .widget-button,
.cnnlab-explorer .widget-dropdown select, .cnnlab-explorer textarea,
.cnnlab-explorer .widget-upload {
  font-size: 17px;
}
.cnnlab-explorer .widget-readout { min-width: 44px; font-weight: bold; }
.cnnlab-explorer .cnnlab-caption { font-size: 18px; font-weight: bold; text-align: center; }
.cnnlab-explorer .widget-toggle-buttons { flex-wrap: wrap; height: auto; row-gap: 4px; }
.cnnlab-explorer .widget-toggle-buttons .widget-toggle-button {
  width: auto !important; min-width: 56px; padding: 0 10px; overflow: visible;
}
.cnnlab-explorer .widget-toggle-buttons .widget-label { flex: 0 0 auto; }
.cnnlab-explorer .widget-hslider { flex-wrap: wrap; height: auto; }
.cnnlab-explorer .widget-hslider .slider-container { flex: 1 1 120px; min-width: 120px; }
.cnnlab-explorer .cnnlab-picture img, .cnnlab-explorer img.cnnlab-picture {
  max-height: calc(100vh - 250px); object-fit: contain;
}
.cnnlab-explorer .cnnlab-picture svg { max-height: calc(100vh - 250px); }
.cnnlab-explorer .cnnlab-picture .widget-html-content { line-height: normal; }
</style>"""


def caption(text=""):
    """A picture's caption: bold, centred, large enough for a projector."""
    w = widgets.HTML(value=html.escape(text))
    w.add_class("cnnlab-caption")
    return w


def control_grid(children, columns, cell="280px"):
    """The controls in ``columns`` columns of cells at least ``cell`` wide."""
    return widgets.GridBox(
        children,
        layout=widgets.Layout(
            grid_template_columns=f"repeat({columns}, minmax({cell}, 1fr))",
            grid_gap="6px 18px",
            width="100%",
        ),
    )


def section_heading(title) -> str:
    """The HTML of a section's title (set a section's ``children[0].value`` to change it).

    Parameters
    ----------
    title : str
        Plain text (escaped).

    Returns
    -------
    str

    Examples
    --------
    >>> section_heading("pooling <2×2>")
    '<div style="font-size:19px;font-weight:bold;margin:0 0 4px 0">pooling &lt;2×2&gt;</div>'
    """
    return (
        f'<div style="font-size:19px;font-weight:bold;margin:0 0 4px 0">{html.escape(title)}</div>'
    )


def section(title, children, columns, cell="280px"):
    """Controls that belong to one layer, in a framed box with a title."""
    heading = widgets.HTML(value=section_heading(title))
    return widgets.VBox(
        [heading, control_grid(children, columns, cell)],
        layout=widgets.Layout(
            border="2px solid #0072B2", padding="2px 10px", margin="6px 0 2px 0", width="100%"
        ),
    )
