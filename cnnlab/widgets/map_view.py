"""The image and feature-map panels: pictures the browser draws on a canvas from their pixels.

An ``ipywidgets.Image`` is sent a PNG, which the browser must decode before it can show it:
measured in Chromium, the new picture reached the screen 5-17 ms after it arrived, one frame
later than the text beside it, and writing the PNG cost the kernel 1-6 ms per map. A
:class:`MapView` is sent the picture's pixels instead, palette indices (or RGB values) with
the palette; its front end (``static/map_view.js``, an `anywidget <https://anywidget.dev>`_)
looks them up and puts them on a canvas at once. They are not compressed: inflating them in
the browser (``DecompressionStream``) waited 16-25 ms for its turn. A map is sent at about
its displayed size, so a step sends 60-100 KB per map instead of a 20-40 KB PNG.

The pixels are those of the PNG the explorers drew before (:func:`cnnlab.widgets.png.
indices_image`: enlarged, shrunk to block means, the frame drawn in), so ``.value`` still
gives that PNG, encoded when asked for (tests, the static site's export).

>>> from cnnlab.widgets.png import array_to_png
>>> view = MapView()
>>> view.value = array_to_png(np.eye(3), scale=2)
>>> (view.rows, view.cols, view.channels), view.value == array_to_png(np.eye(3), scale=2)
((6, 6, 1), True)
"""

from __future__ import annotations

import io
from pathlib import Path

import anywidget
import numpy as np
import traitlets
from PIL import Image

__all__ = ["MapView"]

_CSS = """
.cnnlab-map-canvas {
  display: block; width: 100%; height: auto; image-rendering: pixelated;
  max-height: calc(100vh - 250px); object-fit: contain;
}
"""


class MapView(anywidget.AnyWidget):
    """A picture panel drawn by the browser from its pixels (see the module's docstring).

    Attributes
    ----------
    value : bytes
        The picture as PNG bytes: setting it shows that PNG; reading it encodes what is shown.
    rows, cols, channels : int
        Size of the picture in pixels; 1 channel (palette indices) or 3 (RGB).
    """

    _esm = Path(__file__).with_name("static") / "map_view.js"
    _css = _CSS
    data = traitlets.Bytes(b"", help="the pixels, row by row").tag(sync=True)
    palette = traitlets.Bytes(b"", help="256 RGB colours for 1-channel pixels").tag(sync=True)
    rows = traitlets.Int(0).tag(sync=True)
    cols = traitlets.Int(0).tag(sync=True)
    channels = traitlets.Int(1).tag(sync=True)
    #: Counts the pictures shown; the front end redraws when it changes (one message each).
    serial = traitlets.Int(0).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._image = None
        self._png = None

    def show(self, image: Image.Image) -> None:
        """Show a Pillow image of mode "P" (with its palette) or "RGB"; nothing is sent if the
        same picture is already shown."""
        if image.mode not in ("P", "RGB"):
            image = image.convert("RGB")
        pixels = np.asarray(image, np.uint8).tobytes()
        colours = b""
        if image.mode == "P":
            colours = bytes(image.getpalette() or [])[:768]
            colours += bytes(768 - len(colours))
        unchanged = (
            self._image is not None
            and image.size == (self.cols, self.rows)
            and image.mode == ("P" if self.channels == 1 else "RGB")
            and pixels == self.data
            and (image.mode == "RGB" or colours == self.palette)
        )
        if unchanged:
            return
        self._image, self._png = image, None
        with self.hold_sync():  # one message: pixels, palette, size and serial together
            if colours:
                self.palette = colours
            self.data = pixels
            self.cols, self.rows = image.size
            self.channels = 1 if image.mode == "P" else 3
            self.serial += 1

    @property
    def value(self) -> bytes:
        if self._image is None:
            return b""
        if self._png is None:
            buffer = io.BytesIO()
            self._image.save(buffer, format="png", compress_level=1)
            self._png = buffer.getvalue()
        return self._png

    @value.setter
    def value(self, png: bytes) -> None:
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            shown = image if image.mode in ("P", "RGB") else image.convert("RGB")
        self.show(shown)
        self._png = bytes(png)

    def rgba(self) -> np.ndarray:
        """The pixels as the canvas shows them, ``(rows, cols, 4)`` uint8 (alpha 255)."""
        if self._image is None:
            return np.zeros((0, 0, 4), np.uint8)
        rgb = np.asarray(self._image.convert("RGB"), np.uint8)
        return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
