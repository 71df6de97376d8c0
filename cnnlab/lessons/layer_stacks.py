"""Sizes through a stack of layers (notebook 04): the "same" rule and volume shapes.

Pure-Python arithmetic on top of :mod:`cnnlab.shapes`:

* :func:`same_padding_table`: TensorFlow's ``"same"`` rule next to the textbook formula.
* :func:`volume_shapes`: how (height, width, channels) change through a stack of conv and
  pooling layers.

The Keras network of notebooks 10 and 11 has its own, richer plan
(:func:`cnnlab.networks.layer_table`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .._validate import check_int, describe
from ..shapes import output_shape, output_size, padding_amounts

__all__ = ["same_padding_table", "volume_shapes"]


def same_padding_table(input_sizes, strides, kernel_size=3):
    """TensorFlow's ``"same"`` padding next to the textbook's symmetric padding, as rows.

    TensorFlow/Keras choose the output size :math:`\\lceil i / s \\rceil` and then the least
    total padding that achieves it, putting the odd extra row/column at the bottom/right. The
    textbook pads :math:`p = \\lfloor k / 2 \\rfloor` on both sides and applies
    :math:`\\lfloor (i + 2p - k)/s \\rfloor + 1`.

    Parameters
    ----------
    input_sizes, strides : iterable of int
        Every combination becomes a row.
    kernel_size : int, default 3

    Returns
    -------
    list of dict
        Keys ``"i"``, ``"s"``, ``"k"``, ``"tf_out"``, ``"tf_pad"`` ``(before, after)``,
        ``"textbook_p"``, ``"textbook_out"``.

    Examples
    --------
    >>> row = same_padding_table([6], [2], kernel_size=3)[0]
    >>> row["tf_out"], row["tf_pad"], row["textbook_p"], row["textbook_out"]
    (3, (0, 1), 1, 3)
    >>> same_padding_table([6], [1], kernel_size=4)[0]["textbook_out"]   # even k: not "same"
    7
    """
    k = check_int(kernel_size, "kernel_size")
    rows = []
    for i in input_sizes:
        for s in strides:
            p = k // 2
            rows.append(
                {
                    "i": int(i),
                    "s": int(s),
                    "k": k,
                    "tf_out": output_size(i, k, s, "same"),
                    "tf_pad": padding_amounts("same", i, k, s),
                    "textbook_p": p,
                    "textbook_out": output_size(i, k, s, p),
                }
            )
    return rows


def volume_shapes(input_shape, layers: Iterable):
    """(height, width, channels) after each layer of a simple conv/pool stack.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C)`` of the input image.
    layers : iterable of dict
        Each ``{"kind": "conv", "filters": F, "kernel_size": k, "stride": s, "padding": p}``
        or ``{"kind": "pool", "pool_size": k, "stride": s}`` (stride defaults to 1 for conv and
        to the pool size for pooling; padding defaults to ``"valid"``).

    Returns
    -------
    list of (int, int, int)
        The input shape followed by the shape after each layer.

    Examples
    --------
    >>> volume_shapes((32, 32, 3), [{"kind": "conv", "filters": 6, "kernel_size": 5},
    ...                             {"kind": "pool", "pool_size": 2}])
    [(32, 32, 3), (28, 28, 6), (14, 14, 6)]
    """
    if not (isinstance(input_shape, tuple | list) and len(input_shape) == 3):
        raise ValueError(f"input_shape must be (H, W, C); got {describe(input_shape)}.")
    h, w, c = (check_int(v, "input_shape") for v in input_shape)
    shapes = [(h, w, c)]
    for layer in layers:
        if not isinstance(layer, dict) or layer.get("kind") not in ("conv", "pool"):
            raise ValueError(
                "each layer must be a dict with kind 'conv' (filters, kernel_size[, stride, "
                f"padding]) or 'pool' (pool_size[, stride]); got {describe(layer)}."
            )
        if layer["kind"] == "conv":
            k = layer.get("kernel_size")
            h, w = output_shape((h, w), k, layer.get("stride", 1), layer.get("padding", "valid"))
            c = check_int(layer.get("filters"), "filters")
        else:
            k = layer.get("pool_size")
            s = layer.get("stride", k)
            h, w = output_shape((h, w), k, s, layer.get("padding", "valid"))
        shapes.append((h, w, c))
    return shapes
