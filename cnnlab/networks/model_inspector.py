"""Look inside any Keras CNN a learner built: layer table, feature maps, one unit recomputed.

:class:`ModelInspector` is what :class:`cnnlab.widgets.ModelExplorer` shows (notebooks 11
and 12), without any widget:

* :attr:`ModelInspector.rows`: one :class:`ModelRow` per layer of ``model.layers`` with Keras's
  output shape (batch ``None``) and parameter count, and beside them cnnlab's own arithmetic
  (:func:`cnnlab.output_shape`, :func:`cnnlab.conv_params`, :func:`cnnlab.dense_params`);
* :meth:`ModelInspector.activation`: one layer's output for the current image, computed by
  Keras, and :meth:`ModelInspector.recompute`: the same output computed by cnnlab's NumPy
  layers (:func:`cnnlab.conv2d`, :func:`cnnlab.pool2d`, ...) from that layer's weights;
* :meth:`ModelInspector.unit`: one unit of a ``Conv2D`` layer: Keras's value, its input window,
  its filter, the multiply-and-sum redone from them, and its receptive field on the image.

The layers it explains: ``Conv2D`` (any stride, padding, dilation and activation, channels
last, ``groups=1``), ``MaxPooling2D``, ``AveragePooling2D``, ``BatchNormalization``,
``Dropout``, ``Flatten``, ``GlobalAveragePooling2D``, ``GlobalMaxPooling2D``, ``Dense``,
``ReLU``, ``Activation``, ``Softmax``, ``Rescaling`` and ``ZeroPadding2D``. Any other layer
still gets its Keras row and its Keras output; cnnlab's columns stay empty and
:attr:`ModelInspector.message` names it. The rules for each layer type are in
:mod:`cnnlab.networks.keras_layers`; this module walks the model with them.

Keras and TensorFlow are imported by the model itself; this module imports Keras only to
build the sub-model that returns every layer's output.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import describe, is_int
from ..images import load_image, to_float, to_gray
from .keras_layers import (
    POSITIONWISE,
    activation_name,
    apply_activation,
    layer_arithmetic,
    layer_weights,
    recompute_layer,
    window_geometry,
)

__all__ = ["ModelInspector", "ModelRow", "Unit"]


class ModelRow(NamedTuple):
    """One layer: Keras's name, type, output shape and parameters, and cnnlab's arithmetic.

    ``output_shape`` is as ``model.summary()`` prints it, batch axis ``None`` first;
    ``cnnlab_shape`` and ``cnnlab_params`` are cnnlab's formulas applied to the input shape
    Keras gave the layer (None for a layer cnnlab does not explain). ``params`` counts every
    weight, trainable or not.
    """

    name: str
    kind: str
    output_shape: tuple
    params: int
    cnnlab_shape: tuple | None
    cnnlab_params: int | None

    @property
    def agree(self) -> bool | None:
        """Whether cnnlab's shape and parameter count equal Keras's (None: not explained)."""
        if self.cnnlab_shape is None:
            return None
        return self.cnnlab_shape == self.output_shape and self.cnnlab_params == self.params


class Unit(NamedTuple):
    """One unit of a convolution layer, as Keras computed it and as cnnlab recomputes it.

    Attributes
    ----------
    layer : str
        The ``Conv2D`` layer's name.
    row, col, channel : int
        Where the unit is in the layer's output (channel = filter).
    value : float
        Keras's own output there (after the layer's activation).
    recomputed : float
        ``activation(sum(window * filter) + bias)``, computed by cnnlab in float64.
    pre_activation : float
        ``sum(window * filter) + bias``.
    window : ndarray, shape (kh, kw, C)
        The input values the filter multiplies (the layer's input, zero-padded as Keras pads
        it, read every ``dilation`` pixels).
    filter : ndarray, shape (kh, kw, C)
        The layer's kernel for this channel.
    bias : float
    activation : str
        The layer's activation ("linear" when there is none).
    source : str
        The layer (or input) whose output the window is read from.
    window_origin : (int, int)
        Row and column of the window's top-left tap in ``source``'s output (negative or past
        the end where the window reads padding).
    receptive_field : (top, left, bottom, right) or None
        The input-image pixels this unit depends on (bottom and right exclusive), clipped to
        the image; None when a layer on the way is not explained.
    """

    layer: str
    row: int
    col: int
    channel: int
    value: float
    recomputed: float
    pre_activation: float
    window: np.ndarray
    filter: np.ndarray
    bias: float
    activation: str
    source: str
    window_origin: tuple
    receptive_field: tuple | None


class ModelInspector:
    """Explain a Keras 3 CNN (Sequential or Functional) layer by layer, for one image.

    Parameters
    ----------
    model : keras.Model
        A built model with one image input ``(H, W, C)``, e.g. the network a notebook trained.
        A Sequential model needs its ``keras.Input`` (or one call on data) first.
    image : str or ndarray, optional
        A bundled picture's name ("camera", ...) or an array; see :meth:`prepare`. Default:
        a blank (all-zero) image.

    Attributes
    ----------
    rows : list of ModelRow
        One per entry of ``model.layers``.
    message : str
        The layers cnnlab cannot explain, in one sentence ('' when it explains them all).
    image : ndarray, shape (H, W, C), float32
        The current image as the model receives it.

    Examples
    --------
    >>> import keras
    >>> from keras import layers
    >>> model = keras.Sequential(
    ...     [keras.Input((8, 8, 1)), layers.Conv2D(2, 3, activation="relu", name="c")]
    ... )
    >>> ins = ModelInspector(model, np.eye(8))
    >>> ins.rows[0].output_shape, ins.rows[0].params, ins.rows[0].agree
    ((None, 6, 6, 2), 20, True)
    >>> u = ins.unit("c", 2, 3, 1)
    >>> abs(u.value - u.recomputed) < 1e-5, u.window.shape
    (True, (3, 3, 1))
    """

    def __init__(self, model, image=None):
        try:
            inputs = model.inputs
        except (AttributeError, ValueError) as err:
            raise ValueError(
                f"model must be a built Keras model with an input; got {describe(model)} "
                f"({err}). Start a Sequential model with keras.Input(shape=(H, W, C))."
            ) from None
        if not inputs or len(inputs) != 1 or len(inputs[0].shape) != 4:
            shapes = [tuple(t.shape) for t in inputs or []]
            raise ValueError(
                "model must have one image input of shape (None, H, W, C) (channels last); "
                f"got inputs {shapes}."
            )
        self.model = model
        self.input_shape = tuple(int(d) for d in inputs[0].shape[1:])
        self.layers = [layer for layer in model.layers]
        self._by_name = {layer.name: layer for layer in self.layers}
        produced = {id(t): layer.name for layer in self.layers for t in _outputs(layer)}
        self._input_id = id(inputs[0])
        self._source = {}  # layer name -> the layer name (or "input") whose output it reads
        for layer in self.layers:
            if type(layer).__name__ == "InputLayer":
                continue
            src = layer.input
            if isinstance(src, list | tuple):
                self._source[layer.name] = None  # several inputs: Add, Concatenate, ...
            elif id(src) == self._input_id:
                self._source[layer.name] = "input"
            else:
                self._source[layer.name] = produced.get(id(src))
        self._unexplained = []
        self.rows = [self._row(layer) for layer in self.layers]
        if self._unexplained:
            names = ", ".join(f"'{n}' ({k})" for n, k in self._unexplained)
            self.message = (
                f"cnnlab cannot explain {names}: Keras's shapes and outputs are shown, cnnlab's "
                "arithmetic is left out there, and receptive fields that pass through it are unknown."
            )
        else:
            self.message = ""
        import keras

        self._tensors = [t for layer in self.layers for t in _outputs(layer)]
        self._probe = keras.Model(inputs[0], self._tensors, name=f"{model.name}_inspector")
        self._outputs = {}
        self.set_image(np.zeros(self.input_shape, np.float32) if image is None else image)

    # ---- the image -------------------------------------------------------------------------
    @property
    def expects_0_255(self) -> bool:
        """Whether the model starts with ``Rescaling(scale < 1)``, i.e. takes 0-255 pixels."""
        for layer in self.layers:
            kind = type(layer).__name__
            if kind == "InputLayer":
                continue
            return kind == "Rescaling" and float(np.max(layer.scale)) < 1
        return False

    def prepare(self, image) -> np.ndarray:
        """The image as the model receives it: float32 ``(H, W, C)`` of the input's size.

        A name loads the bundled picture; arrays may be (H, W), (H, W, 1), (H, W, 3) or RGBA.
        Colour is converted to gray (or gray repeated to RGB) to match C; any other size is
        resized (Pillow, area-averaging); values go to [0, 1] (uint8 divided by 255) and are
        multiplied by 255 when the model begins with a ``Rescaling(1/255)``-like layer (it was
        trained on 0-255 pixels). A uint8 image of the right size is passed unchanged.

        Examples
        --------
        >>> import keras
        >>> m = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Rescaling(1 / 255)])
        >>> ModelInspector(m).prepare(np.full((8, 8), 0.5))[..., 0]
        array([[127.5, 127.5, 127.5, 127.5],
               [127.5, 127.5, 127.5, 127.5],
               [127.5, 127.5, 127.5, 127.5],
               [127.5, 127.5, 127.5, 127.5]], dtype=float32)
        """
        if isinstance(image, str):
            image = load_image(image)
        arr = np.asarray(image)
        if arr.ndim == 3 and arr.shape[2] == 4:
            arr = arr[:, :, :3]
        if arr.ndim == 3 and arr.shape[2] == 1:
            arr = arr[:, :, 0]
        if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3) or 0 in arr.shape:
            raise ValueError(
                "image must be a bundled picture's name or an array of shape (H, W), "
                f"(H, W, 1), (H, W, 3) or (H, W, 4); got {describe(image)}."
            )
        h, w, c = self.input_shape
        if c not in (1, 3):
            raise ValueError(
                f"this model takes {c} input channels; only 1 (gray) or 3 (RGB) images can be "
                "prepared. Pass an array of shape "
                f"({h}, {w}, {c}) to the model directly."
            )
        exact = arr.dtype == np.uint8 and arr.shape[:2] == (h, w) and self.expects_0_255
        if exact and (c == 1) == (arr.ndim == 2):
            out = arr.astype(np.float32)
            return out[..., None] if c == 1 else out
        values = to_float(arr).astype(np.float64)
        if c == 1 and values.ndim == 3:
            values = to_gray(values)
        elif c == 3 and values.ndim == 2:
            values = np.repeat(values[..., None], 3, axis=2)
        if values.shape[:2] != (h, w):
            values = _resize(values, (h, w))
        if self.expects_0_255:
            values = values * 255.0
        out = values.astype(np.float32)
        return out[..., None] if c == 1 else out

    def set_image(self, image) -> ModelInspector:
        """Use a new image (see :meth:`prepare`): every layer's output is computed again."""
        self.image = self.prepare(image)
        values = self._probe(self.image[None], training=False)
        if not isinstance(values, list | tuple):
            values = [values]
        arrays = [np.asarray(v)[0] for v in values]
        self._outputs = {}
        i = 0
        for layer in self.layers:
            n = len(_outputs(layer))
            self._outputs[layer.name] = arrays[i] if n == 1 else arrays[i : i + n]
            i += n
        return self

    # ---- layers -----------------------------------------------------------------------------
    def _layer(self, name):
        if name not in self._by_name:
            raise ValueError(
                f"layer_name must be one of the model's layers {list(self._by_name)}; "
                f"got {describe(name)}."
            )
        return self._by_name[name]

    def activation(self, layer_name) -> np.ndarray:
        """That layer's output for the current image (computed by Keras), without the batch axis.

        Dropout is off (``training=False``), as in ``model.predict``.
        """
        self._layer(layer_name)
        return self._outputs[layer_name]

    def input_of(self, layer_name) -> np.ndarray:
        """What the layer receives for the current image (the output of the layer before it)."""
        layer = self._layer(layer_name)
        src = self._source.get(layer.name)
        if src is None:
            raise ValueError(
                f"layer '{layer_name}' ({type(layer).__name__}) does not read one earlier "
                "layer's output, so cnnlab cannot explain it."
            )
        return self.image if src == "input" else self._outputs[src]

    def recompute(self, layer_name) -> np.ndarray:
        """The layer's output recomputed by cnnlab's NumPy layers from its weights and input.

        Raises
        ------
        ValueError
            For a layer cnnlab does not explain (it is named in :attr:`message`).
        """
        layer = self._layer(layer_name)
        kind = type(layer).__name__
        if kind == "InputLayer":
            return self.image.astype(np.float64)
        x = np.asarray(self.input_of(layer_name), np.float64)
        out = recompute_layer(layer, x) if self._explains(layer) else None
        if out is None:
            raise ValueError(
                f"cnnlab cannot recompute layer '{layer_name}' ({kind}); its Keras output is "
                f"activation('{layer_name}')."
            )
        return out

    # ---- one unit ----------------------------------------------------------------------------
    def unit(self, layer_name, row, col, channel) -> Unit:
        """One unit of a ``Conv2D`` layer: Keras's value, window, filter, cnnlab's recomputation.

        Parameters
        ----------
        layer_name : str
        row, col : int
            Position in the layer's output map.
        channel : int
            Which filter.

        Returns
        -------
        Unit

        Raises
        ------
        ValueError
            If the layer is not an explained ``Conv2D`` or the position is outside its output.
        """
        layer = self._layer(layer_name)
        kind = type(layer).__name__
        if kind != "Conv2D":
            convs = [r.name for r in self.rows if r.kind == "Conv2D"]
            raise ValueError(
                f"unit() explains convolution layers ({convs}); '{layer_name}' is a {kind}, "
                f"whose output is shown by activation('{layer_name}')."
            )
        if not self._explains(layer) or self._source.get(layer.name) is None:
            raise ValueError(f"cnnlab cannot explain layer '{layer_name}' ({kind}).")
        out = self._outputs[layer_name]
        oh, ow, nf = out.shape
        for value, name, size in ((row, "row", oh), (col, "col", ow), (channel, "channel", nf)):
            if not is_int(value) or not 0 <= value < size:
                raise ValueError(
                    f"{name} must be an integer in 0..{size - 1} for layer '{layer_name}' "
                    f"(output {oh}×{ow}×{nf}); got {describe(value)}."
                )
        row, col, channel = int(row), int(col), int(channel)
        x = np.asarray(self.input_of(layer_name), np.float64)
        (kh, kw), (sh, sw), (dh, dw), ((top, _), (left, _)) = window_geometry(layer, x.shape[:2])
        r0, c0 = row * sh - top, col * sw - left
        window = np.zeros((kh, kw, x.shape[2]))
        for i in range(kh):
            for j in range(kw):
                r, c = r0 + i * dh, c0 + j * dw
                if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:
                    window[i, j] = x[r, c]
        kernel, bias = layer_weights(layer)
        filt = kernel[:, :, :, channel]
        b = 0.0 if bias is None else float(bias[channel])
        pre = float(np.sum(window * filt) + b)
        recomputed = float(apply_activation(layer, np.array([pre]))[0])
        if activation_name(layer) == "softmax":  # over the channels: needs all of them
            recomputed = float(self.recompute(layer_name)[row, col, channel])
        rf = self._field(layer.name, (r0, r0 + (kh - 1) * dh + 1), (c0, c0 + (kw - 1) * dw + 1))
        return Unit(
            layer=layer_name,
            row=row,
            col=col,
            channel=channel,
            value=float(out[row, col, channel]),
            recomputed=recomputed,
            pre_activation=pre,
            window=window,
            filter=np.asarray(filt, np.float64),
            bias=b,
            activation=activation_name(layer),
            source=self._source[layer.name],
            window_origin=(r0, c0),
            receptive_field=rf,
        )

    def _field(self, name, rows, cols):
        """Map a half-open window [rows) × [cols) of ``name``'s input back to the image."""
        src = self._source.get(name)
        while src != "input":
            if src is None:
                return None
            layer = self._by_name[src]
            kind = type(layer).__name__
            if kind in ("Conv2D", "MaxPooling2D", "AveragePooling2D"):
                if not self._explains(layer):
                    return None
                in_hw = np.shape(self.input_of(src))[:2]
                (kh, kw), (sh, sw), (dh, dw), ((t, _), (lf, _)) = window_geometry(layer, in_hw)
                rows = (rows[0] * sh - t, (rows[1] - 1) * sh - t + (kh - 1) * dh + 1)
                cols = (cols[0] * sw - lf, (cols[1] - 1) * sw - lf + (kw - 1) * dw + 1)
            elif kind == "ZeroPadding2D":
                (t, _), (lf, _) = layer.padding
                rows, cols = (rows[0] - t, rows[1] - t), (cols[0] - lf, cols[1] - lf)
            elif kind not in POSITIONWISE:
                return None
            src = self._source.get(src)
        h, w = self.input_shape[:2]
        top, bottom = max(rows[0], 0), min(rows[1], h)
        left, right = max(cols[0], 0), min(cols[1], w)
        return (top, left, bottom, right)

    # ---- cnnlab's arithmetic -----------------------------------------------------------------
    def _explains(self, layer) -> bool:
        return layer.name not in {n for n, _ in self._unexplained}

    def _row(self, layer) -> ModelRow:
        kind = type(layer).__name__
        shape = tuple(None if d is None else int(d) for d in _outputs(layer)[0].shape)
        params = int(layer.count_params())
        if kind == "InputLayer":
            ours = (None, *self.input_shape), 0
        else:
            shape_in = _input_shape(layer)
            ours = None if shape_in is None else layer_arithmetic(layer, shape_in)
        if ours is None:
            self._unexplained.append((layer.name, kind))
            return ModelRow(layer.name, kind, shape, params, None, None)
        return ModelRow(layer.name, kind, shape, params, ours[0], ours[1])


def _input_shape(layer) -> tuple | None:
    """The layer's one input shape (no batch axis) as Keras built it; None if not one known."""
    src = layer.input
    if isinstance(src, list | tuple) or any(d is None for d in src.shape[1:]):
        return None
    return tuple(int(d) for d in src.shape[1:])


def _outputs(layer) -> list:
    out = layer.output
    return list(out) if isinstance(out, list | tuple) else [out]


def _resize(values, hw):
    """Resize a float image to (H, W) with Pillow's area-averaging (BOX) filter, per channel."""
    from PIL import Image

    h, w = hw
    planes = values[..., None] if values.ndim == 2 else values
    out = np.stack(
        [
            np.asarray(
                Image.fromarray(planes[..., i].astype(np.float32), "F").resize(
                    (w, h), Image.Resampling.BOX
                )
            )
            for i in range(planes.shape[2])
        ],
        axis=-1,
    )
    return out[..., 0] if values.ndim == 2 else out
