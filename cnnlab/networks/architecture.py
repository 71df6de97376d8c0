"""The CNN of notebooks 10-12 as a plan and as a Keras model, and the two compared.

The architecture is the classic one for MNIST::

    image -> rescale -> [conv -> (batch norm) -> ReLU] x n -> max-pool -> ... -> flatten
          -> (hidden dense) -> dropout -> logits (dense) -> softmax

* :class:`Architecture` holds the network's arguments (filters, kernel size, stride, padding,
  pooling, ...) and checks them when made. Kernel size, stride and padding come from the
  notebook's sliders, so a combination that shrinks the image to nothing raises a
  ``ValueError`` that says which values would work, *before* any Keras layer is built.
* :func:`build_cnn` builds it as a Keras 3 functional model, with explicit layer names
  (``conv1``, ``relu1``, ``pool1``, ...).
* :func:`layer_table` computes the per-layer ``(name, output_shape, params)`` table with
  cnnlab's own shape arithmetic (:mod:`cnnlab.shapes`, no TensorFlow; notebooks 10 and 11),
  and :func:`summary_table` reads the same table from a built Keras model, so a notebook can
  check ``model.summary()`` against the formulas (notebook 11). :func:`format_layer_table`
  prints either.
* The model starts with a ``Rescaling(1/255)`` layer: it takes raw 0-255 pixels (uint8 is
  fine), so :func:`cnnlab.networks.make_dataset` can keep the training set uint8 end to end.

:func:`build_cnn` and :func:`layer_table` take :class:`Architecture`'s arguments (or one
Architecture), so the two always describe the same network.

Keras is imported inside :func:`build_cnn` only: :func:`layer_table` never imports TensorFlow.
"""

from __future__ import annotations

import inspect
import numbers
from dataclasses import KW_ONLY, dataclass, fields, replace
from typing import NamedTuple

from .._validate import check_int, check_pair, describe, is_int
from ..shapes import conv_params, dense_params, output_shape, resolve_padding

__all__ = [
    "Architecture",
    "LayerRow",
    "build_cnn",
    "format_layer_table",
    "layer_table",
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
# The layer plan: pure Python, shared by layer_table and build_cnn (through Architecture)
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
        or not all(is_int(v) and v >= 1 for v in input_shape)
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
    if is_int(filters) or not isinstance(filters, tuple | list) or len(filters) == 0:
        raise ValueError(f"filters must be {help_}; got {describe(filters)}.")
    blocks = []
    for entry in filters:
        convs = entry if isinstance(entry, tuple | list) else (entry,)
        if len(convs) == 0 or not all(is_int(f) and f >= 1 for f in convs):
            raise ValueError(f"filters must be {help_}; got {describe(filters)}.")
        blocks.append(tuple(int(f) for f in convs))
    return tuple(blocks)


def _check_padding(padding):
    if isinstance(padding, str) and padding.lower() in _PADDINGS:
        return padding.lower()
    if is_int(padding) and padding >= 0:
        return int(padding)
    raise ValueError(f"padding must be {_PADDING_HELP}; got {describe(padding)}.")


def _check_options(num_classes, pool_size, dense_units, dropout, rescale):
    check_int(num_classes, "num_classes", minimum=2)
    if pool_size is not None:
        check_pair(pool_size, "pool_size")
    if dense_units is not None:
        check_int(dense_units, "dense_units")
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


def _checked_plan(architecture: Architecture) -> list[_Spec]:
    """``_plan`` with a learner-friendly error that lists the values that would fit."""
    arch = {f.name: getattr(architecture, f.name) for f in fields(architecture)}
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


@dataclass(frozen=True)
class Architecture:
    """The network of :func:`build_cnn` and :func:`layer_table`: its arguments, checked.

    Making one checks every argument and that the windows fit the image, so an Architecture
    can always be built. Both functions take these arguments, or one Architecture (then any
    keyword changes it: ``layer_table(arch, dropout=0)``).

    Parameters
    ----------
    input_shape : (H, W, C), default (28, 28, 1)
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

    Raises
    ------
    ValueError
        If kernel size, stride and padding leave no spatial size (the message names the values
        and lists those that would fit), or another argument is out of range.
    TypeError
        If a size, count or rate is not a number of the right kind (``kernel_size=2.5``).

    Examples
    --------
    >>> arch = Architecture(filters=(8,), kernel_size=5)
    >>> layer_table(arch) == layer_table(filters=(8,), kernel_size=5)
    True
    >>> [row.name for row in layer_table(arch, dropout=0)]
    ['image', 'rescale', 'conv1', 'relu1', 'pool1', 'flatten', 'logits', 'softmax']
    >>> Architecture(kernel_size=7, stride=3)
    Traceback (most recent call last):
    ...
    ValueError: kernel_size=7, stride=3 and padding='valid' leave no spatial size ...
    """

    input_shape: tuple[int, int, int] = (28, 28, 1)
    num_classes: int = 10
    _: KW_ONLY
    filters: tuple = (32, 64)
    kernel_size: int | tuple[int, int] = 3
    stride: int | tuple[int, int] = 1
    padding: str | int = "valid"
    pool_size: int | tuple[int, int] | None = 2
    dense_units: int | None = None
    dropout: float = 0.5
    batch_norm: bool = False
    rescale: float | None = 1 / 255

    def __post_init__(self):
        # The layer plan, made now so that an Architecture that cannot be built is never made;
        # not a field, so fields(), replace() and == see only the arguments.
        object.__setattr__(self, "_specs", tuple(_checked_plan(self)))


def _architecture(args, options) -> Architecture:
    """``Architecture(*args, **options)``, or the one Architecture in ``args`` changed by them."""
    if len(args) == 1 and isinstance(args[0], Architecture):
        return replace(args[0], **options)
    return Architecture(*args, **options)


def _shows_architecture_parameters(func):
    """Make ``help(func)`` (and Jupyter's tooltip) list Architecture's parameters.

    ``func(*args, <its own keyword-only parameters>, **options)`` hands ``args`` and ``options``
    to :func:`_architecture`; its signature shows Architecture's parameters in their place.
    """
    own = inspect.signature(func)
    shared = inspect.signature(Architecture).parameters.values()
    extra = [p for p in own.parameters.values() if p.kind is p.KEYWORD_ONLY]
    func.__signature__ = own.replace(parameters=[*shared, *extra])
    return func


@_shows_architecture_parameters
def layer_table(*args, **options) -> list[LayerRow]:
    """Per-layer output shapes and parameter counts of :func:`build_cnn`'s network, by formula.

    Pure Python (cnnlab's :func:`~cnnlab.shapes.output_shape`,
    :func:`~cnnlab.shapes.conv_params` and :func:`~cnnlab.shapes.dense_params`); TensorFlow is
    not imported. ``layer_table(**arch) == summary_table(build_cnn(**arch))`` for every
    architecture ``build_cnn`` accepts.

    Parameters
    ----------
    *args, **options
        The network: :class:`Architecture`'s arguments (``input_shape``, ``num_classes``,
        ``filters``, ``kernel_size``, ...), or one Architecture.

    Returns
    -------
    list of LayerRow
        ``(name, output_shape, params)`` for each layer, input first; ``output_shape`` has no
        batch axis.

    Raises
    ------
    ValueError, TypeError
        As :class:`Architecture`: an argument out of range, or kernel size, stride and
        padding that leave no spatial size (the message lists the values that would fit).

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
    specs = _architecture(args, options)._specs
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
@_shows_architecture_parameters
def build_cnn(*args, seed: int | None = 0, name: str = "cnn", **options):
    """Build the notebook's convolutional network as a Keras 3 functional model.

    Layers, with the names they get::

        image -> rescale -> per block: [padN -> convN -> (bnN) -> reluN] x convs -> poolB
              -> flatten -> (hidden) -> dropout -> logits -> softmax

    The shapes are checked with cnnlab's arithmetic before any Keras layer is made, so a
    slider combination that leaves no spatial size fails fast with a helpful message.

    Parameters
    ----------
    *args, **options
        The network: :class:`Architecture`'s arguments (``input_shape``, ``num_classes``,
        ``filters``, ``kernel_size``, ...), or one Architecture.
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
    ValueError, TypeError
        As :class:`Architecture` (an argument out of range, or kernel size, stride and padding
        that leave no spatial size: the message lists the values that would fit), before any
        Keras layer is made; and for a ``seed`` that is not an integer >= 0 or None.

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
    specs = _architecture(args, options)._specs
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0)
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
