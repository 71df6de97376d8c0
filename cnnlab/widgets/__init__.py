"""Live explorers for the notebooks: sliders for kernel size, stride and padding, and pictures.

Every explorer is a class (an ``ipywidgets.VBox``) that never displays itself: leave it as the
last expression of a cell to show it. The lowercase names the notebooks call are the classes
themselves (``conv_explorer is ConvExplorer``):

================================  =========================  ========================
explorer                          notebooks                  module
================================  =========================  ========================
:class:`ConvExplorer`             00-04, dashboard           :mod:`.conv`
:class:`StepExplorer`             01, 03, 04, dashboard      :mod:`.step`
:class:`PoolExplorer`             05                         :mod:`.pool`
:class:`BackpropExplorer`         06                         :mod:`.backprop`
:class:`TransposeExplorer`        07                         :mod:`.transpose`
:class:`ActivationExplorer`       08                         :mod:`.activation`
:class:`DropoutExplorer`          09                         :mod:`.dropout`
:class:`FCExplorer`               10                         :mod:`.dense`
:class:`CNNExplorer`              11                         :mod:`.cnn`
:class:`FilterExplorer`           12                         :mod:`.filter`
:class:`ModelExplorer`            11, 12                     :mod:`.model`
================================  =========================  ========================

Each keeps controls (:mod:`.controls`, menus :mod:`.choices`), compute (the cnnlab core, cached on frozen settings,
:mod:`.settings`) and drawing apart, and exposes what it shows for tests and notebooks:

* ``.controls``: dict of the controls by name ("kernel size", "stride", "padding", ...);
* ``.settings``: the controls' values as a frozen dataclass (e.g. ``.settings.conv``, a
  :class:`ConvSettings`);
* ``.result``: the array it shows as its result (feature map, pooled map, ...), or None;
* ``.readout``: the output-size text with the formula filled in;
* ``.message``: the error sentence shown for an impossible setting ('' when fine);
* ``.set(kernel_size=5, padding="same")``: change several controls with one recomputation;
* ``.sections``: framed boxes of the controls of a second layer (e.g. the pooling explorer's
  "convolution feeding the pool", whose controls are named "conv kernel size", ...).

Drawing: the big image and feature-map panels are canvases the browser fills from the map's
pixels (:class:`~.map_view.MapView`, an anywidget): palette indices at about the size they
are displayed (:mod:`.png`: maps larger than a panel are sent as block means; colour limits
still come from the whole map), with no PNG to write or decode. Everything else (colour
bars, histograms, curves, the numbered grids of kernels, the sliding window and the
backpropagation grids) is SVG or HTML markup that the browser draws (:mod:`.pictures`,
:mod:`.window_svg`): writing it takes about a millisecond, where matplotlib needed 5-75 ms
per picture. :mod:`.export` records an explorer's pictures over a grid of settings for the
static site; :mod:`.voila_images` lets Voilà show the notebooks' figures.

Adding an explorer
------------------
1. A module with a frozen settings dataclass and a subclass of :class:`Explorer` (of
   :class:`ImageExplorer` for an image with a menu and uploads, of
   :class:`ImageKernelExplorer` for one convolution of an image, whose ``__init__`` takes a
   :class:`ConvStart` through :func:`~.settings.starts_from_conv`). Its ``__init__`` builds
   the controls with the factories of :mod:`.controls` (:func:`conv_controls`, ``slider``,
   ``toggle``, ...) and calls ``super().__init__(controls, panels, ...)``; the base class
   draws the first picture when construction is done.
2. The hooks: ``_settings()`` (controls -> settings), ``_compute(settings)`` (cnnlab calls
   only; a dict with ``"result"``), ``_draw(computed)`` (pictures into ``self.panels``:
   ``self._show_map`` for maps, SVG markup for the ``drawings``); optionally ``_readout``, ``_clear``, ``_react`` (keep
   controls in step) and ``_on_click``. Expensive steps are functions of hashable settings
   under :func:`functools.lru_cache`.
3. The class docstring (numpydoc, with an example), a lowercase alias
   (``my_explorer = MyExplorer``), and an entry in this module's imports and ``__all__``.

>>> import numpy as np
>>> import cnnlab.widgets as cw
>>> ex = cw.conv_explorer(np.eye(8), kernel="box blur")
>>> ex.result.shape, ex.message, ex.settings.conv.kernel_size
((6, 6), '', 3)
"""

from __future__ import annotations

from .activation import ActivationExplorer, activation_explorer
from .backprop import BackpropExplorer, backprop_explorer
from .base import Explorer, ImageExplorer, ImageKernelExplorer, ImageKernelSettings
from .choices import (
    CUSTOM,
    FIXED_SIZE_KERNELS,
    MAX_UPLOAD_PIXELS,
    ImageChoice,
    KernelChoice,
    kernel_sizes,
)
from .cnn import CNNExplorer, cnn_explorer
from .controls import conv_controls, conv_settings
from .conv import ConvExplorer, conv_explorer, conv_feature_map
from .dense import FCExplorer, fc_explorer
from .dropout import DropoutExplorer, dropout_explorer
from .filter import FilterExplorer, filter_explorer
from .model import ModelExplorer, model_explorer
from .pool import PoolExplorer, pool_explorer
from .progress import progress_callback
from .settings import ConvSettings, ConvStart, FrozenArray
from .step import StepExplorer, step_explorer
from .transpose import TransposeExplorer, transpose_explorer

__all__ = [
    "CUSTOM",
    "FIXED_SIZE_KERNELS",
    "MAX_UPLOAD_PIXELS",
    "ActivationExplorer",
    "BackpropExplorer",
    "CNNExplorer",
    "ConvExplorer",
    "ConvSettings",
    "ConvStart",
    "DropoutExplorer",
    "Explorer",
    "FCExplorer",
    "FilterExplorer",
    "FrozenArray",
    "ImageChoice",
    "ImageExplorer",
    "ImageKernelExplorer",
    "ImageKernelSettings",
    "KernelChoice",
    "ModelExplorer",
    "PoolExplorer",
    "StepExplorer",
    "TransposeExplorer",
    "activation_explorer",
    "backprop_explorer",
    "cnn_explorer",
    "conv_controls",
    "conv_explorer",
    "conv_feature_map",
    "conv_settings",
    "dropout_explorer",
    "fc_explorer",
    "filter_explorer",
    "kernel_sizes",
    "model_explorer",
    "pool_explorer",
    "progress_callback",
    "step_explorer",
    "transpose_explorer",
]
