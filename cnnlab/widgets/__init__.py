"""Live explorers for the notebooks: sliders for kernel size, stride and padding, and pictures.

Every explorer is a function that *returns* an ``ipywidgets.VBox`` (it never displays itself):
leave it as the last expression of a cell to show it. Each keeps compute (the cnnlab core),
drawing (:mod:`cnnlab.render`, straight to PNG for speed) and controls apart, and exposes what it
shows for tests and notebooks:

* ``.controls``: dict of the controls by name ("kernel size", "stride", "padding", ...);
* ``.result``: the array it shows as its result (feature map, pooled map, ...), or None;
* ``.readout``: the output-size text with the formula filled in;
* ``.message``: the error sentence shown for an impossible setting ('' when fine);
* ``.set(kernel_size=5, padding="same")``: change several controls with one recomputation;
* ``.sections``: framed boxes of the controls of a second layer (e.g. the pooling explorer's
  "convolution feeding the pool", whose controls are named "conv kernel size", ...).

The "kernel size" slider follows the chosen kernel: it steps over even sizes for kernels that
need a centre pixel (Sobel, emboss, outline) and is disabled, with a tooltip, for kernels of
one size (custom, laplacian, curve detector).

>>> import numpy as np
>>> import cnnlab.widgets as cw
>>> ex = cw.conv_explorer(np.eye(8), kernel="box blur")
>>> ex.result.shape, ex.message
((6, 6), '')
"""

from __future__ import annotations

from ._core import (
    CUSTOM,
    FIXED_SIZE_KERNELS,
    MAX_KERNEL_SIDE,
    MAX_UPLOAD_PIXELS,
    Explorer,
    ImageChoice,
    KernelChoice,
    conv_controls,
    conv_settings,
    format_kernel,
    kernel_sizes,
    parse_kernel,
    size_formula,
    size_readout,
)
from .conv import ConvExplorer, ImageKernelExplorer, conv_explorer, conv_feature_map
from .layers import (
    ActivationExplorer,
    DropoutExplorer,
    FCExplorer,
    PoolExplorer,
    activation_explorer,
    dropout_explorer,
    fc_explorer,
    pool_explorer,
)
from .step import StepExplorer, step_explorer

__all__ = [
    "CUSTOM",
    "FIXED_SIZE_KERNELS",
    "MAX_KERNEL_SIDE",
    "MAX_UPLOAD_PIXELS",
    "ActivationExplorer",
    "ConvExplorer",
    "DropoutExplorer",
    "Explorer",
    "FCExplorer",
    "ImageChoice",
    "ImageKernelExplorer",
    "KernelChoice",
    "PoolExplorer",
    "StepExplorer",
    "activation_explorer",
    "conv_controls",
    "conv_explorer",
    "conv_feature_map",
    "conv_settings",
    "dropout_explorer",
    "fc_explorer",
    "format_kernel",
    "kernel_sizes",
    "parse_kernel",
    "pool_explorer",
    "size_formula",
    "size_readout",
    "step_explorer",
]
