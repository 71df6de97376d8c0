"""Keras models for notebooks 09 and 10: build, check, train, look inside.

The architecture is the classic one for MNIST::

    image -> rescale -> [conv -> (batch norm) -> ReLU] x n -> max-pool -> ... -> flatten
          -> (hidden dense) -> dropout -> logits (dense) -> softmax

* :func:`build_cnn` builds it as a Keras 3 functional model, with explicit layer names
  (``conv1``, ``relu1``, ``pool1``, ...). Kernel size, stride and padding come from the
  notebook's sliders, so a combination that shrinks the image to nothing raises a
  ``ValueError`` that says which values would work, *before* any Keras layer is built.
* :func:`layer_table` computes the per-layer ``(name, output_shape, params)`` table with
  cnnlab's own shape arithmetic (:mod:`cnnlab.shapes`, no TensorFlow), and
  :func:`summary_table` reads the same table from a built Keras model, so a notebook can check
  ``model.summary()`` against the formulas.
* The model starts with a ``Rescaling(1/255)`` layer: it takes raw 0-255 pixels (uint8 is
  fine) and :func:`make_dataset` keeps the training set uint8 end to end, so the 60,000 MNIST
  images are never copied to float (47 MB as uint8, 376 MB as float64).
* :func:`live_plot_callback` draws loss/accuracy curves in place while ``fit`` runs;
  :func:`confusion_matrix`, :func:`first_layer_filters`, :func:`feature_maps` and
  :func:`grad_cam` look at a trained model.

TensorFlow and Keras are imported inside the functions that need them: importing this module
costs nothing, and :func:`layer_table` and :func:`confusion_matrix` never import TensorFlow.

Reproducibility on CPU
----------------------
:func:`set_seed` (``keras.utils.set_random_seed``) seeds Python, NumPy and TensorFlow, and
:func:`build_cnn` seeds every initializer and the dropout layer from its own ``seed``. With a
fixed seed these are exactly reproducible: initial weights, dropout masks and the shuffling
order of :func:`make_dataset`. The floating-point arithmetic of the CPU kernels (oneDNN
convolutions, their gradients, reductions) is *not* promised to be reproducible: how a sum is
split depends on the number of intra-op threads (``tf.config.threading``), the CPU's
instruction set and the TensorFlow/oneDNN version. In practice (TensorFlow 2.21, 2 CPU
cores), two training runs with the same seed and the same thread count gave bit-identical
weights, while 1 and 2 threads gave slightly different ones (after 200 steps of MNIST the
running loss differed in the fourth decimal).
``set_seed(seed, deterministic_ops=True)`` additionally calls
``tf.config.experimental.enable_op_determinism()``, which makes TensorFlow pick
deterministic kernels (or raise for ops that have none), at some cost in speed; it still does
not make results equal across machines or versions.
"""

from __future__ import annotations

import io
import numbers
from typing import NamedTuple

import numpy as np

from ._validate import _is_int, check_pair, check_positive_int, describe
from .shapes import conv_params, dense_params, output_shape, resolve_padding

__all__ = [
    "LayerRow",
    "build_cnn",
    "confusion_matrix",
    "feature_maps",
    "first_layer_filters",
    "format_layer_table",
    "grad_cam",
    "layer_table",
    "live_plot_callback",
    "make_dataset",
    "set_seed",
    "summary_table",
]

_PADDINGS = ("valid", "same", "full")
_PADDING_HELP = "'valid', 'same', 'full' or an integer >= 0"


class LayerRow(NamedTuple):
    """One row of a layer table: the layer's name, output shape (no batch axis), parameters.

    ``params`` counts every weight, trainable or not (as ``model.summary()`` does): a batch
    normalisation layer over C channels has 2C trainable and 2C non-trainable parameters.
    """

    name: str
    output_shape: tuple[int, ...]
    params: int


# --------------------------------------------------------------------------------------------
# Architecture plan: pure Python, shared by layer_table and build_cnn
# --------------------------------------------------------------------------------------------
class _Spec(NamedTuple):
    kind: str  # input, rescale, pad, conv, bn, relu, pool, flatten, hidden, dropout, logits,
    #            softmax
    name: str
    config: dict
    output_shape: tuple[int, ...]
    params: int


class _NoSpace(ValueError):
    """Raised inside the plan when a layer gets an input too small for its window."""


def _check_input_shape(input_shape) -> tuple[int, int, int]:
    if (
        not isinstance(input_shape, tuple | list)
        or len(input_shape) != 3
        or not all(_is_int(v) and v >= 1 for v in input_shape)
    ):
        raise ValueError(
            "input_shape must be (height, width, channels) with positive integers, "
            f"channels last (e.g. (28, 28, 1) for MNIST); got {describe(input_shape)}."
        )
    return tuple(int(v) for v in input_shape)


def _check_filters(filters) -> tuple[tuple[int, ...], ...]:
    help_ = (
        "a non-empty sequence with one entry per block, each a number of filters >= 1 "
        "(one convolution) or a tuple of them (several convolutions before the pooling), "
        "e.g. (32, 64) or ((32, 32), 64)"
    )
    if _is_int(filters) or not isinstance(filters, tuple | list) or len(filters) == 0:
        raise ValueError(f"filters must be {help_}; got {describe(filters)}.")
    blocks = []
    for entry in filters:
        convs = entry if isinstance(entry, tuple | list) else (entry,)
        if len(convs) == 0 or not all(_is_int(f) and f >= 1 for f in convs):
            raise ValueError(f"filters must be {help_}; got {describe(filters)}.")
        blocks.append(tuple(int(f) for f in convs))
    return tuple(blocks)


def _check_padding(padding):
    if isinstance(padding, str) and padding.lower() in _PADDINGS:
        return padding.lower()
    if _is_int(padding) and padding >= 0:
        return int(padding)
    raise ValueError(f"padding must be {_PADDING_HELP}; got {describe(padding)}.")


def _check_options(num_classes, pool_size, dense_units, dropout, rescale):
    check_positive_int(num_classes, "num_classes", minimum=2)
    if pool_size is not None:
        check_pair(pool_size, "pool_size")
    if dense_units is not None:
        check_positive_int(dense_units, "dense_units")
    if not isinstance(dropout, numbers.Real) or isinstance(dropout, bool) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a rate in [0, 1); got {describe(dropout)}.")
    if rescale is not None and (
        not isinstance(rescale, numbers.Real) or isinstance(rescale, bool) or rescale <= 0
    ):
        raise ValueError(
            f"rescale must be a positive factor (1/255 for 0-255 pixels) or None; "
            f"got {describe(rescale)}."
        )


def _plan(
    input_shape,
    num_classes,
    *,
    filters,
    kernel_size,
    stride,
    padding,
    pool_size,
    dense_units,
    dropout,
    batch_norm,
    rescale,
) -> list[_Spec]:
    """Return the layer specifications; raise ``_NoSpace`` if a window does not fit."""
    h, w, c = _check_input_shape(input_shape)
    blocks = _check_filters(filters)
    kernel = check_pair(kernel_size, "kernel_size")
    strides = check_pair(stride, "stride")
    padding = _check_padding(padding)
    _check_options(num_classes, pool_size, dense_units, dropout, rescale)
    pool = None if pool_size is None else check_pair(pool_size, "pool_size")
    if pool == (1, 1):
        pool = None

    specs = [_Spec("input", "image", {}, (h, w, c), 0)]
    if rescale is not None:
        specs.append(_Spec("rescale", "rescale", {"scale": float(rescale)}, (h, w, c), 0))
    n = 0
    for b, convs in enumerate(blocks, start=1):
        for f in convs:
            n += 1
            keras_padding = padding if padding in ("valid", "same") else "valid"
            if keras_padding != padding:  # "full" or an integer: explicit ZeroPadding2D
                amounts = resolve_padding(padding, (h, w), kernel, strides)
                h += sum(amounts[0])
                w += sum(amounts[1])
                specs.append(_Spec("pad", f"pad{n}", {"padding": amounts}, (h, w, c), 0))
            if keras_padding == "valid" and (h < kernel[0] or w < kernel[1]):
                raise _NoSpace(
                    f"conv{n} receives a {h}x{w} map, smaller than its "
                    f"{kernel[0]}x{kernel[1]} kernel"
                )
            h, w = output_shape((h, w), kernel, strides, keras_padding)
            config = {
                "filters": f,
                "kernel_size": kernel,
                "strides": strides,
                "padding": keras_padding,
                "use_bias": not batch_norm,
            }
            specs.append(
                _Spec(
                    "conv", f"conv{n}", config, (h, w, f), conv_params(kernel, c, f, not batch_norm)
                )
            )
            c = f
            if batch_norm:
                specs.append(_Spec("bn", f"bn{n}", {}, (h, w, c), 4 * c))
            specs.append(_Spec("relu", f"relu{n}", {}, (h, w, c), 0))
        if pool is not None:
            if h < pool[0] or w < pool[1]:
                raise _NoSpace(
                    f"pool{b} receives a {h}x{w} map, smaller than its {pool[0]}x{pool[1]} window"
                )
            h, w = output_shape((h, w), pool, pool, "valid")
            specs.append(_Spec("pool", f"pool{b}", {"pool_size": pool}, (h, w, c), 0))
    units = h * w * c
    specs.append(_Spec("flatten", "flatten", {}, (units,), 0))
    if dense_units is not None:
        specs.append(
            _Spec(
                "hidden",
                "hidden",
                {"units": dense_units},
                (dense_units,),
                dense_params(units, dense_units),
            )
        )
        units = dense_units
    if dropout > 0:
        specs.append(_Spec("dropout", "dropout", {"rate": float(dropout)}, (units,), 0))
    specs.append(
        _Spec(
            "logits",
            "logits",
            {"units": num_classes},
            (num_classes,),
            dense_params(units, num_classes),
        )
    )
    specs.append(_Spec("softmax", "softmax", {}, (num_classes,), 0))
    return specs


def _fits(arch: dict, **change) -> bool:
    try:
        _plan(**{**arch, **change})
    except ValueError:
        return False
    return True


def _ranges(values: list[int]) -> str:
    """Compress sorted integers into ``'1-4, 7'``."""
    parts, start = [], None
    for i, v in enumerate(values):
        if start is None:
            start = v
        if i + 1 == len(values) or values[i + 1] != v + 1:
            parts.append(str(start) if start == v else f"{start}-{v}")
            start = None
    return ", ".join(parts)


def _checked_plan(**arch) -> list[_Spec]:
    """``_plan`` with a learner-friendly error that lists the values that would fit."""
    try:
        return _plan(**arch)
    except _NoSpace as exc:
        where = str(exc)
    h, w, _ = _check_input_shape(arch["input_shape"])
    top = max(h, w) + 1
    kernels = [k for k in range(1, top) if _fits(arch, kernel_size=k)]
    strides = [s for s in range(1, top) if _fits(arch, stride=s)]
    paddings = [repr(p) for p in _PADDINGS if _fits(arch, padding=p)]
    amounts = [p for p in range(1, top) if _fits(arch, padding=p)]
    if amounts:
        paddings.append(f"an integer >= {amounts[0]}")
    alternatives = []
    if kernels:
        alternatives.append(f"kernel_size {_ranges(kernels)}")
    if strides:
        alternatives.append(f"stride {_ranges(strides)}")
    if paddings:
        choices = ", ".join(paddings[:-1]) + " or " if len(paddings) > 1 else ""
        alternatives.append(f"padding {choices}{paddings[-1]}")
    advice = (
        "Valid with the other settings unchanged: " + "; ".join(alternatives) + "."
        if alternatives
        else "No kernel_size, stride or padding fits with the other settings unchanged: use "
        "fewer blocks in filters, a smaller pool_size or a larger input."
    )
    blocks = _check_filters(arch["filters"])
    raise ValueError(
        f"kernel_size={arch['kernel_size']!r}, stride={arch['stride']!r} and "
        f"padding={arch['padding']!r} leave no spatial size for the "
        f"{h}x{w} input_shape: {where} (pool_size={arch['pool_size']!r}, "
        f"{len(blocks)} block(s) from filters={arch['filters']!r}). {advice}"
    )


def layer_table(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    filters=(32, 64),
    kernel_size=3,
    stride=1,
    padding="valid",
    pool_size=2,
    dense_units=None,
    dropout=0.5,
    batch_norm: bool = False,
    rescale=1 / 255,
) -> list[LayerRow]:
    """Per-layer output shapes and parameter counts of :func:`build_cnn`'s network, by formula.

    Pure Python (cnnlab's :func:`~cnnlab.shapes.output_shape`,
    :func:`~cnnlab.shapes.conv_params` and :func:`~cnnlab.shapes.dense_params`); TensorFlow is
    not imported. ``layer_table(**arch) == summary_table(build_cnn(**arch))`` for every
    architecture ``build_cnn`` accepts.

    Parameters
    ----------
    input_shape : (H, W, C)
        Image shape, channels last.
    num_classes, filters, kernel_size, stride, padding, pool_size, dense_units, dropout, \
batch_norm, rescale
        As in :func:`build_cnn`.

    Returns
    -------
    list of LayerRow
        ``(name, output_shape, params)`` for each layer, input first; ``output_shape`` has no
        batch axis.

    Raises
    ------
    ValueError
        If kernel size, stride and padding leave no spatial size (the message lists the values
        that would fit), or an argument is out of range.

    Examples
    --------
    >>> for row in layer_table((28, 28, 1), filters=(32, 64)):
    ...     print(row.name, row.output_shape, row.params)
    image (28, 28, 1) 0
    rescale (28, 28, 1) 0
    conv1 (26, 26, 32) 320
    relu1 (26, 26, 32) 0
    pool1 (13, 13, 32) 0
    conv2 (11, 11, 64) 18496
    relu2 (11, 11, 64) 0
    pool2 (5, 5, 64) 0
    flatten (1600,) 0
    dropout (1600,) 0
    logits (10,) 16010
    softmax (10,) 0
    >>> sum(row.params for row in layer_table(padding="same", filters=(32, 64)))
    50186
    """
    specs = _checked_plan(
        input_shape=input_shape,
        num_classes=num_classes,
        filters=filters,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        pool_size=pool_size,
        dense_units=dense_units,
        dropout=dropout,
        batch_norm=batch_norm,
        rescale=rescale,
    )
    return [LayerRow(s.name, s.output_shape, s.params) for s in specs]


def format_layer_table(rows) -> str:
    """Format ``(name, output_shape, params)`` rows as an aligned text table with a total.

    Examples
    --------
    >>> print(format_layer_table([("image", (6, 6, 1), 0), ("conv1", (4, 4, 2), 20)]))
    layer   output shape   params
    image   (6, 6, 1)           0
    conv1   (4, 4, 2)          20
    total                      20
    """
    rows = [(str(n), str(tuple(s)), f"{int(p):,}") for n, s, p in rows]
    total = f"{sum(int(p.replace(',', '')) for _, _, p in rows):,}"
    header = ("layer", "output shape", "params")
    w0 = max(len(r[0]) for r in [header, *rows, ("total", "", "")])
    w1 = max(len(r[1]) for r in [header, *rows])
    w2 = max(len(r[2]) for r in [header, *rows, ("", "", total)])
    lines = [f"{header[0]:<{w0}}   {header[1]:<{w1}}   {header[2]:>{w2}}"]
    lines += [f"{a:<{w0}}   {b:<{w1}}   {c:>{w2}}" for a, b, c in rows]
    lines.append(f"{'total':<{w0}}   {'':<{w1}}   {total:>{w2}}")
    return "\n".join(line.rstrip() for line in lines)


# --------------------------------------------------------------------------------------------
# Keras
# --------------------------------------------------------------------------------------------
def build_cnn(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    filters=(32, 64),
    kernel_size=3,
    stride=1,
    padding="valid",
    pool_size=2,
    dense_units=None,
    dropout=0.5,
    batch_norm: bool = False,
    rescale=1 / 255,
    seed: int | None = 0,
    name: str = "cnn",
):
    """Build the notebook's convolutional network as a Keras 3 functional model.

    Layers, with the names they get::

        image -> rescale -> per block: [padN -> convN -> (bnN) -> reluN] x convs -> poolB
              -> flatten -> (hidden) -> dropout -> logits -> softmax

    The shapes are checked with cnnlab's arithmetic before any Keras layer is made, so a
    slider combination that leaves no spatial size fails fast with a helpful message.

    Parameters
    ----------
    input_shape : (H, W, C)
        Image shape, channels last: (28, 28, 1) for MNIST, (32, 32, 3) for an RGB image.
    num_classes : int, default 10
        Units of the last dense layer (one score per class).
    filters : sequence, default (32, 64)
        One entry per block. An int is one convolution with that many filters; a tuple such
        as ``(32, 32)`` is several convolutions before the block's pooling.
    kernel_size, stride : int or (int, int), default 3 and 1
        Of every convolution.
    padding : {"valid", "same", "full"} or int, default "valid"
        Of every convolution. ``"valid"`` and ``"same"`` (TensorFlow's rule) go to ``Conv2D``;
        ``"full"`` (k - 1 on each side) and an integer amount become a ``ZeroPadding2D`` layer
        ``padN`` in front of a ``"valid"`` convolution.
    pool_size : int or (int, int) or None, default 2
        Max-pooling window (and stride) after each block; ``None`` or 1 for no pooling.
    dense_units : int or None, default None
        If given, a hidden ``Dense(dense_units, activation="relu")`` after ``flatten``.
    dropout : float in [0, 1), default 0.5
        Dropout rate before the logits; 0 leaves the layer out.
    batch_norm : bool, default False
        Put ``BatchNormalization`` between each convolution and its ReLU (the convolution then
        has no bias, since the normalisation's offset replaces it).
    rescale : float or None, default 1/255
        Factor of the first ``Rescaling`` layer: the model takes raw 0-255 pixels, uint8 or
        float. ``None`` leaves it out (feed values already scaled).
    seed : int or None, default 0
        Seeds every initializer (``seed + i`` for the i-th layer) and the dropout layer, so the
        initial weights do not depend on what ran before. ``None`` uses Keras's global state.
    name : str, default "cnn"

    Returns
    -------
    keras.Model
        Uncompiled. Input ``(None, H, W, C)`` float32; output ``(None, num_classes)``
        probabilities (the ``softmax`` layer; its input, layer ``logits``, holds the scores).

    Raises
    ------
    ValueError
        If kernel size, stride and padding leave no spatial size (the message names the values
        and lists those that would fit), or another argument is out of range.

    Examples
    --------
    >>> model = build_cnn((28, 28, 1), filters=(8,), kernel_size=5, dropout=0)
    >>> [layer.name for layer in model.layers]
    ['image', 'rescale', 'conv1', 'relu1', 'pool1', 'flatten', 'logits', 'softmax']
    >>> model.output.shape
    (None, 10)
    >>> build_cnn(kernel_size=7, stride=3)
    Traceback (most recent call last):
    ...
    ValueError: kernel_size=7, stride=3 and padding='valid' leave no spatial size ...
    """
    specs = _checked_plan(
        input_shape=input_shape,
        num_classes=num_classes,
        filters=filters,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        pool_size=pool_size,
        dense_units=dense_units,
        dropout=dropout,
        batch_norm=batch_norm,
        rescale=rescale,
    )
    if seed is not None:
        seed = check_positive_int(seed, "seed", minimum=0)
    import keras
    from keras import layers

    def init(i):
        return "glorot_uniform" if seed is None else keras.initializers.GlorotUniform(seed + i)

    inputs = x = keras.Input(shape=specs[0].output_shape, name=specs[0].name)
    for i, spec in enumerate(specs[1:], start=1):
        cfg, nm = spec.config, spec.name
        if spec.kind == "rescale":
            layer = layers.Rescaling(cfg["scale"], name=nm)
        elif spec.kind == "pad":
            layer = layers.ZeroPadding2D(cfg["padding"], name=nm)
        elif spec.kind == "conv":
            layer = layers.Conv2D(**cfg, kernel_initializer=init(i), name=nm)
        elif spec.kind == "bn":
            layer = layers.BatchNormalization(name=nm)
        elif spec.kind == "relu":
            layer = layers.ReLU(name=nm)
        elif spec.kind == "pool":
            layer = layers.MaxPooling2D(cfg["pool_size"], name=nm)
        elif spec.kind == "flatten":
            layer = layers.Flatten(name=nm)
        elif spec.kind == "hidden":
            layer = layers.Dense(
                cfg["units"], activation="relu", kernel_initializer=init(i), name=nm
            )
        elif spec.kind == "dropout":
            layer = layers.Dropout(cfg["rate"], seed=None if seed is None else seed + i, name=nm)
        elif spec.kind == "logits":
            layer = layers.Dense(cfg["units"], kernel_initializer=init(i), name=nm)
        else:  # softmax
            layer = layers.Softmax(name=nm)
        x = layer(x)
    return keras.Model(inputs, x, name=name)


def summary_table(model) -> list[LayerRow]:
    """Read ``(name, output_shape, params)`` for each layer of a built Keras model.

    The same numbers as ``model.summary()`` (parameters include non-trainable ones), in the
    form :func:`layer_table` returns, so the two can be compared with ``==``.

    Parameters
    ----------
    model : keras.Model
        A built model (functional, or Sequential with an ``Input``).

    Returns
    -------
    list of LayerRow
        One row per entry of ``model.layers``; shapes without the batch axis.

    Examples
    --------
    >>> arch = dict(filters=(4,), kernel_size=5, stride=2, padding="same")
    >>> summary_table(build_cnn(**arch)) == layer_table(**arch)
    True
    >>> summary_table(build_cnn(**arch))[2]
    LayerRow(name='conv1', output_shape=(14, 14, 4), params=104)
    """
    rows = []
    for layer in model.layers:
        shape = tuple(int(d) for d in layer.output.shape[1:])
        rows.append(LayerRow(layer.name, shape, int(layer.count_params())))
    return rows


def set_seed(seed: int = 0, *, deterministic_ops: bool = False) -> int:
    """Seed Python, NumPy and TensorFlow (``keras.utils.set_random_seed``).

    See the module's notes on what this does and does not make reproducible on a CPU.

    Parameters
    ----------
    seed : int, default 0
    deterministic_ops : bool, default False
        Also call ``tf.config.experimental.enable_op_determinism()`` (slower; TensorFlow then
        raises for ops without a deterministic kernel). It cannot be switched off again in the
        same process.

    Returns
    -------
    int
        The seed.

    Examples
    --------
    >>> import numpy as np
    >>> a = (set_seed(3), np.random.rand())
    >>> b = (set_seed(3), np.random.rand())
    >>> a == b
    True
    """
    seed = check_positive_int(seed, "seed", minimum=0)
    import keras

    keras.utils.set_random_seed(seed)
    if deterministic_ops:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed


def _with_channel_axis(images, name: str) -> np.ndarray:
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., np.newaxis]
    if x.ndim != 4:
        raise ValueError(
            f"{name} must have shape (N, H, W) or (N, H, W, C); got {describe(images)}."
        )
    return x


def make_dataset(
    images,
    labels,
    batch_size: int = 128,
    *,
    shuffle: bool = False,
    seed: int | None = 0,
    drop_remainder: bool = False,
):
    """A ``tf.data`` pipeline of ``(uint8 images, labels)`` batches that never copies to float.

    The images stay in their own dtype (uint8 for MNIST: 47 MB, against 376 MB as float64);
    each batch is gathered by index and the model's ``Rescaling`` layer turns it into float32
    0-1 values on the fly. (``model.fit(x_uint8, y)`` on NumPy arrays keeps uint8 too, at the
    same speed; this pipeline makes the shuffling order explicit and seeded, and can be
    reused for ``fit``, ``evaluate`` and ``predict``.)
    The dataset shuffles itself: call ``model.fit(dataset, shuffle=False, ...)``, or Keras
    warns that its own ``shuffle=True`` default is ignored.

    Parameters
    ----------
    images : ndarray, shape (N, H, W) or (N, H, W, C)
        A channel axis is added to (N, H, W) batches as they are drawn.
    labels : ndarray, shape (N,)
        Integer class labels.
    batch_size : int, default 128
    shuffle : bool, default False
        Reshuffle the order every epoch.
    seed : int or None, default 0
        Seed of the shuffling order.
    drop_remainder : bool, default False
        Leave out the last, smaller batch.

    Returns
    -------
    tf.data.Dataset
        Yields ``(x, y)`` with ``x`` of shape ``(B, H, W, C)`` and ``images``' dtype.

    Examples
    --------
    >>> import numpy as np
    >>> ds = make_dataset(np.zeros((5, 28, 28), np.uint8), np.arange(5), batch_size=2)
    >>> [(tuple(x.shape), x.dtype.name) for x, _ in ds.as_numpy_iterator()]
    [((2, 28, 28, 1), 'uint8'), ((2, 28, 28, 1), 'uint8'), ((1, 28, 28, 1), 'uint8')]
    """
    x = np.asarray(images)
    y = np.asarray(labels)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, C); got {describe(images)}."
        )
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(
            f"labels must have shape ({len(x)},), one label per image; got {describe(labels)}."
        )
    batch_size = check_positive_int(batch_size, "batch_size")
    import tensorflow as tf

    x_t = tf.constant(x if x.ndim == 4 else x[..., np.newaxis])
    y_t = tf.constant(y)
    ds = tf.data.Dataset.range(len(x))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    ds = ds.map(lambda idx: (tf.gather(x_t, idx), tf.gather(y_t, idx)))
    return ds.prefetch(tf.data.AUTOTUNE)


# --------------------------------------------------------------------------------------------
# Live training curves
# --------------------------------------------------------------------------------------------
def _in_jupyter_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def live_plot_callback(
    metrics=("loss", "accuracy"),
    *,
    every_n_batches: int | None = None,
    display: bool | None = None,
    figsize=(10, 3.5),
    dpi: int = 80,
):
    """A Keras callback that draws training curves into one figure, updated in place.

    In a Jupyter kernel the figure appears once (an ``IPython.display`` output) and is
    redrawn at each update, so the notebook shows one growing plot, not one per epoch.
    Elsewhere (a script, a test, no display) it only keeps the figure's data up to date:
    nothing is shown, no window opens, and ``callback.figure`` can still be saved.

    Parameters
    ----------
    metrics : sequence of str, default ("loss", "accuracy")
        One panel per metric. The training value is drawn; ``val_<metric>`` too, when
        ``fit`` has validation data.
    every_n_batches : int or None, default None
        Also add a point (the running epoch average Keras reports) every this many training
        batches; ``None`` updates at the end of each epoch only.
    display : bool or None, default None
        Show the figure; ``None`` shows it only inside a Jupyter kernel.
    figsize, dpi
        Of the figure.

    Returns
    -------
    keras.callbacks.Callback
        With attributes ``figure`` (a matplotlib ``Figure``), ``history`` (``{name: [(epoch,
        value), ...]}``, epochs counted from 1, fractional for batch points) and ``updates``
        (the number of redraws).

    Examples
    --------
    >>> cb = live_plot_callback(display=False)
    >>> cb.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.9})
    >>> cb.history["loss"], len(cb.figure.axes)
    ([(1, 0.5)], 2)
    """
    metrics = tuple(metrics)
    if not metrics or not all(isinstance(m, str) for m in metrics):
        raise ValueError(f"metrics must be a non-empty sequence of names; got {describe(metrics)}.")
    if every_n_batches is not None:
        every_n_batches = check_positive_int(every_n_batches, "every_n_batches")
    import keras
    from matplotlib.figure import Figure

    show = _in_jupyter_kernel() if display is None else bool(display)

    class LivePlot(keras.callbacks.Callback):
        """Training curves drawn in place; see :func:`cnnlab.models.live_plot_callback`."""

        def __init__(self):
            super().__init__()
            self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            axes = self.figure.subplots(1, len(metrics), squeeze=False)[0]
            self.history = {}
            self._lines = {}
            for ax, metric in zip(axes, metrics, strict=True):
                ax.set_title(metric)
                ax.set_xlabel("epoch")
                ax.grid(True, alpha=0.3)
                for key, style in ((metric, "-"), (f"val_{metric}", "o--")):
                    label = "validation" if key.startswith("val_") else "training"
                    (self._lines[key],) = ax.plot([], [], style, lw=2, label=label)
                    self.history[key] = []
            self._epoch = 0
            self._handle = None
            self.updates = 0

        def on_train_begin(self, logs=None):
            if show and self._handle is None:
                from IPython.display import display as ipy_display

                self._handle = ipy_display(self._image(), display_id=True)

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if every_n_batches is None or (batch + 1) % every_n_batches or not logs:
                return
            steps = (self.params or {}).get("steps") or (batch + 1)
            self._add(self._epoch + (batch + 1) / steps, logs, training_only=True)

        def on_epoch_end(self, epoch, logs=None):
            self._add(epoch + 1, logs or {}, training_only=False)

        def _add(self, x, logs, training_only):
            for key in self.history:
                if key in logs and not (training_only and key.startswith("val_")):
                    self.history[key].append((x, float(logs[key])))
            self._redraw()

        def _redraw(self):
            for key, line in self._lines.items():
                points = self.history[key]
                line.set_data([p[0] for p in points], [p[1] for p in points])
            for ax in self.figure.axes:
                ax.relim()
                ax.autoscale_view()
                if any(len(line.get_xdata()) for line in ax.lines):
                    ax.legend(loc="best")
            self.updates += 1
            if self._handle is not None:
                self._handle.update(self._image())

        def _image(self):
            from IPython.display import Image

            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png")
            return Image(data=buffer.getvalue(), format="png")

    return LivePlot()


# --------------------------------------------------------------------------------------------
# Looking inside a model
# --------------------------------------------------------------------------------------------
def confusion_matrix(y_true, y_pred, num_classes: int) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    y_true : array_like of int, shape (N,)
        True labels in ``0 .. num_classes - 1``.
    y_pred : array_like, shape (N,) or (N, num_classes)
        Predicted labels, or scores/probabilities (such as ``model.predict`` output), whose
        argmax is taken.
    num_classes : int

    Returns
    -------
    ndarray of int64, shape (num_classes, num_classes)
        ``cm[i, j]`` = number of samples of true class ``i`` predicted as class ``j``: rows are
        true classes, columns predictions (scikit-learn's convention). The diagonal holds the
        correct predictions; a row sums to the number of samples of that class.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], num_classes=3)
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 2]])
    """
    k = check_positive_int(num_classes, "num_classes")
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    if p.ndim == 2:
        if p.shape[1] != k:
            raise ValueError(
                f"y_pred scores must have num_classes={k} columns; got {describe(y_pred)}."
            )
        p = p.argmax(axis=1)
    for arr, name, given in ((t, "y_true", y_true), (p, "y_pred", y_pred)):
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            raise ValueError(
                f"{name} must be a 1-D array of integer labels; got {describe(given)}."
            )
        if arr.size and (arr.min() < 0 or arr.max() >= k):
            raise ValueError(
                f"{name} labels must lie in 0..{k - 1} (num_classes={k}); got values from "
                f"{arr.min()} to {arr.max()}."
            )
    if len(t) != len(p):
        raise ValueError(f"y_true and y_pred must have the same length; got {len(t)} and {len(p)}.")
    counts = np.bincount(t.astype(np.int64) * k + p.astype(np.int64), minlength=k * k)
    return counts.reshape(k, k)


def _find_layer(model, layer):
    """Return a layer of ``model`` by name or index, with a helpful error."""
    names = [lay.name for lay in model.layers]
    if isinstance(layer, str):
        if layer not in names:
            raise ValueError(f"layer {layer!r} is not in the model; its layers are {names}.")
        return model.get_layer(layer)
    if _is_int(layer):
        if not -len(names) <= layer < len(names):
            raise ValueError(
                f"layer index {layer} is out of range for a model with {len(names)} layers "
                f"(valid: {-len(names)} to {len(names) - 1})."
            )
        return model.layers[layer]
    raise TypeError(f"layer must be a layer name or an index; got {describe(layer)}.")


def _image_batch(model, image) -> np.ndarray:
    """``image`` as a float32 batch of one, shaped like the model's input."""
    x = np.asarray(image)
    expected = tuple(model.inputs[0].shape[1:])
    if x.ndim == len(expected) - 1:
        x = x[..., np.newaxis]
    if x.ndim == len(expected):
        x = x[np.newaxis]
    if x.ndim != len(expected) + 1 or x.shape[0] != 1:
        raise ValueError(
            f"image must be one image of shape {expected} (or without its channel axis); "
            f"got {describe(image)}."
        )
    if any(e is not None and e != s for e, s in zip(expected, x.shape[1:], strict=True)):
        raise ValueError(f"image must have shape {expected}; got {describe(image)}.")
    return x.astype(np.float32)


def first_layer_filters(model) -> np.ndarray:
    """The kernels of the model's first ``Conv2D`` layer.

    Returns
    -------
    ndarray, shape (kh, kw, C, F)
        ``[..., c, f]`` is filter ``f``'s weights on input channel ``c``.

    Examples
    --------
    >>> first_layer_filters(build_cnn(filters=(8, 16), kernel_size=5)).shape
    (5, 5, 1, 8)
    """
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            return np.asarray(layer.get_weights()[0])
    raise ValueError(
        f"model {model.name!r} has no Conv2D layer; its layers are "
        f"{[lay.name for lay in model.layers]}."
    )


def feature_maps(model, image, layer) -> np.ndarray:
    """The output of one layer for one image (inference mode: no dropout).

    Parameters
    ----------
    model : keras.Model
    image : ndarray, shape (H, W), (H, W, C) or (1, H, W, C)
        In the units the model takes (raw 0-255 pixels for :func:`build_cnn`'s models).
    layer : str or int
        Layer name (``"relu1"``) or index into ``model.layers``.

    Returns
    -------
    ndarray, float32, the layer's output shape without the batch axis
        ``(h, w, F)`` for a convolutional layer: ``[..., f]`` is feature map ``f``.

    Examples
    --------
    >>> import numpy as np
    >>> model = build_cnn(filters=(8,))
    >>> feature_maps(model, np.zeros((28, 28), np.uint8), "relu1").shape
    (26, 26, 8)
    """
    import keras

    target = _find_layer(model, layer)
    x = _image_batch(model, image)
    probe = keras.Model(model.inputs[0], target.output)
    return np.asarray(probe(x, training=False))[0]


def _default_cam_layer(model):
    """The last convolution, or the BN/activation layers right after it."""
    import keras

    conv_types = (keras.layers.Conv2D,)
    follow_types = (
        keras.layers.BatchNormalization,
        keras.layers.ReLU,
        keras.layers.Activation,
        keras.layers.LeakyReLU,
    )
    found, following = None, False
    for layer in model.layers:
        if isinstance(layer, conv_types):
            found, following = layer, True
        elif following and isinstance(layer, follow_types):
            found = layer
        else:
            following = False
    if found is None:
        raise ValueError(
            f"model {model.name!r} has no Conv2D layer for Grad-CAM; pass layer_name= one of "
            f"its layers with a 4-D output: {[lay.name for lay in model.layers]}."
        )
    return found


def grad_cam(model, image, class_index: int | None = None, layer_name: str | None = None):
    """Grad-CAM heatmap: which image regions raised the score of ``class_index``.

    Grad-CAM (Selvaraju et al., 2017) takes the feature maps :math:`A^k` of a convolutional
    layer, weights each by the mean gradient of the class score :math:`y^c` over its
    positions, :math:`\\alpha_k = \\operatorname{mean}_{ij} \\partial y^c / \\partial A^k_{ij}`,
    and keeps the positive part :math:`\\mathrm{ReLU}(\\sum_k \\alpha_k A^k)`. The score is the
    pre-softmax logit: the input of a final ``Softmax``/``Activation("softmax")`` layer, or
    recomputed as ``x @ W + b`` for a final ``Dense(activation="softmax")``; otherwise the
    model's output.

    Parameters
    ----------
    model : keras.Model
        A functional (or built Sequential) model.
    image : ndarray, shape (H, W), (H, W, C) or (1, H, W, C)
        In the units the model takes.
    class_index : int or None, default None
        Class to explain; ``None`` takes the predicted class.
    layer_name : str or None, default None
        Layer whose feature maps are used; ``None`` takes the last convolution (or the batch
        normalisation / activation layers that directly follow it).

    Returns
    -------
    ndarray, float32, shape (H, W)
        The heatmap resized (bilinear) to the input's height and width, scaled so its maximum
        is 1; all zeros if no position raises the score. Values in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> model = build_cnn(filters=(4, 8))
    >>> heat = grad_cam(model, np.full((28, 28), 128, np.uint8), class_index=3)
    >>> heat.shape, bool(0 <= heat.min() and heat.max() <= 1)
    ((28, 28), True)
    """
    import keras
    import tensorflow as tf

    x = _image_batch(model, image)
    target = _default_cam_layer(model) if layer_name is None else _find_layer(model, layer_name)
    if len(target.output.shape) != 4:
        raise ValueError(
            f"layer_name={target.name!r} has output shape {tuple(target.output.shape)}; "
            "Grad-CAM needs a layer with a 4-D (batch, height, width, channels) output."
        )
    last = model.layers[-1]
    score_source, dense = model.outputs[0], None
    if isinstance(last, keras.layers.Softmax) or (
        isinstance(last, keras.layers.Activation) and last.activation is keras.activations.softmax
    ):
        score_source = last.input
    elif isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax:
        score_source, dense = last.input, last
    probe = keras.Model(model.inputs[0], [target.output, score_source])
    with tf.GradientTape() as tape:
        maps, scores = probe(x, training=False)
        if dense is not None:
            scores = tf.matmul(scores, dense.kernel)
            if dense.use_bias:
                scores = scores + dense.bias
        num_classes = int(scores.shape[-1])
        if class_index is None:
            class_index = int(tf.argmax(scores[0]))
        elif not _is_int(class_index) or not 0 <= class_index < num_classes:
            raise ValueError(
                f"class_index must be an integer in 0..{num_classes - 1} or None; "
                f"got {describe(class_index)}."
            )
        score = scores[:, int(class_index)]
    grads = tape.gradient(score, maps)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = tf.nn.relu(tf.reduce_sum(weights * maps, axis=-1))[0]
    cam = tf.image.resize(cam[..., tf.newaxis], x.shape[1:3], method="bilinear")[..., 0]
    cam = np.clip(np.asarray(cam, dtype=np.float32), 0.0, None)
    peak = float(cam.max())
    if not np.isfinite(peak) or peak <= 0:
        return np.zeros(x.shape[1:3], np.float32)
    return np.clip(cam / peak, 0.0, 1.0)
