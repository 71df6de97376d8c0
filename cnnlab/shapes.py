"""Shape arithmetic for convolution and pooling layers: plain integer arithmetic, no arrays.

The rules here are the ones :func:`cnnlab.conv2d` and :func:`cnnlab.pool2d` use, and they
equal what Keras layers report (checked in ``tests/test_shapes.py``).

For one axis with input size :math:`i`, kernel size :math:`k`, stride :math:`s`, dilation
:math:`d` and padding :math:`p_b` (before) and :math:`p_a` (after), the effective kernel size
is :math:`k_d = d(k - 1) + 1` and

.. math:: o = \\left\\lfloor \\frac{i + p_b + p_a - k_d}{s} \\right\\rfloor + 1 .

Padding presets:

* ``"valid"``: no padding.
* ``"same"``: TensorFlow's rule. The output size is :math:`\\lceil i / s \\rceil`; the total
  padding :math:`\\max((o - 1)s + k_d - i, 0)` is split with the smaller half *before*, so when
  the total is odd the extra row/column goes at the bottom/right. An odd total happens with a
  stride > 1 (``padding_amounts("same", 6, 3, stride=2)`` is ``(0, 1)``) and also at stride 1
  with an **even** kernel (``padding_amounts("same", 6, 4)`` is ``(1, 2)``).
* ``"full"``: :math:`p_b = p_a = k_d - 1`, every partial overlap is kept.

An axis of length 0 is allowed (a batch may hold an empty image): with enough padding the
windows then see only padding, as in TensorFlow, and without it the output axis is empty.

:func:`explain_output_size` and :func:`explain_output_shape` write the formula with the numbers
filled in, as the explorers show it.

References
----------
.. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
   arXiv:1603.07285, 2016. https://arxiv.org/abs/1603.07285
.. [2] TensorFlow, "Notes on padding" (the 'same' rule),
   https://www.tensorflow.org/api_docs/python/tf/nn#notes_on_padding_2
.. [3] CS231n, "Convolutional Neural Networks: Architectures, Convolution / Pooling Layers",
   https://cs231n.github.io/convolutional-networks/
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ._validate import check_int, check_pair, describe, is_int

__all__ = [
    "PADDING_PRESETS",
    "conv_params",
    "dense_params",
    "effective_kernel_size",
    "explain_output_shape",
    "explain_output_size",
    "layer_triplet",
    "output_shape",
    "output_size",
    "padding_amounts",
    "receptive_field",
    "receptive_fields",
    "resolve_padding",
]

PADDING_PRESETS = ("valid", "same", "full")

_PADDING_HELP = (
    "'valid', 'same', 'full', an integer >= 0, a pair (rows, cols) of them, "
    "or ((top, bottom), (left, right))"
)


def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """Return the span :math:`d(k - 1) + 1` of a dilated kernel along one axis.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    """
    k = check_int(kernel_size, "kernel_size")
    d = check_int(dilation, "dilation")
    return d * (k - 1) + 1


def _check_amount(value, name: str) -> int:
    if not is_int(value):
        raise TypeError(f"{name} must be {_PADDING_HELP}; got {describe(value)}.")
    if value < 0:
        raise ValueError(f"{name} must not be negative: got {value!r}. Valid: {_PADDING_HELP}.")
    return int(value)


def padding_amounts(
    padding, input_size: int, kernel_size: int, stride: int = 1, dilation: int = 1
) -> tuple[int, int]:
    """Return the ``(before, after)`` padding of one axis.

    Parameters
    ----------
    padding : {"valid", "same", "full"} or int or (int, int)
        A preset, a symmetric amount, or explicit ``(before, after)`` amounts.
    input_size : int >= 0
        The axis's input size.
    kernel_size, stride, dilation : int >= 1
        The layer's hyper-parameters.

    Returns
    -------
    (before, after) : tuple of int

    Examples
    --------
    >>> padding_amounts("same", 5, 3, stride=2)   # TensorFlow pads 1 on each side
    (1, 1)
    >>> padding_amounts("same", 6, 3, stride=2)   # odd total: the extra goes after
    (0, 1)
    >>> padding_amounts("same", 6, 4)             # an even kernel: odd total at stride 1
    (1, 2)
    >>> padding_amounts("full", 5, 3)
    (2, 2)
    """
    i = check_int(input_size, "input_size", minimum=0)
    s = check_int(stride, "stride")
    kd = effective_kernel_size(kernel_size, dilation)
    if isinstance(padding, str):
        key = padding.lower()
        if key == "valid":
            return (0, 0)
        if key == "same":
            out = -(-i // s)
            total = max((out - 1) * s + kd - i, 0)
            return (total // 2, total - total // 2)
        if key == "full":
            return (kd - 1, kd - 1)
        raise ValueError(f"padding must be {_PADDING_HELP}; got {padding!r}.")
    if isinstance(padding, tuple | list):
        if len(padding) != 2:
            raise ValueError(
                f"padding for one axis must be an integer or a pair (before, after); "
                f"got {describe(padding)}."
            )
        return (_check_amount(padding[0], "padding"), _check_amount(padding[1], "padding"))
    p = _check_amount(padding, "padding")
    return (p, p)


def resolve_padding(
    padding, input_hw: Sequence[int], kernel_hw, stride=1, dilation=1
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Turn any accepted 2-D ``padding`` into ``((top, bottom), (left, right))``.

    Parameters
    ----------
    padding : str, int, (int, int) or ((int, int), (int, int))
        ``"valid"``, ``"same"`` (TensorFlow's rule), ``"full"``, a symmetric amount for both
        axes, ``(rows, cols)`` amounts, or explicit ``((top, bottom), (left, right))``.
    input_hw : (int, int)
        Input height and width.
    kernel_hw, stride, dilation : int or (int, int)

    Returns
    -------
    ((top, bottom), (left, right)) : tuple of tuple of int

    Examples
    --------
    >>> resolve_padding("same", (6, 6), 3, stride=2)
    ((0, 1), (0, 1))
    >>> resolve_padding((1, 2), (6, 6), 3)
    ((1, 1), (2, 2))
    """
    kh, kw = check_pair(kernel_hw, "kernel_size")
    sh, sw = check_pair(stride, "stride")
    dh, dw = check_pair(dilation, "dilation")
    h, w = (int(v) for v in input_hw)
    if isinstance(padding, str):
        return (
            padding_amounts(padding, h, kh, sh, dh),
            padding_amounts(padding, w, kw, sw, dw),
        )
    if is_int(padding):
        p = _check_amount(padding, "padding")
        return ((p, p), (p, p))
    if isinstance(padding, tuple | list) and len(padding) == 2:
        a, b = padding
        if is_int(a) and is_int(b):
            ph, pw = _check_amount(a, "padding"), _check_amount(b, "padding")
            return ((ph, ph), (pw, pw))
        if all(isinstance(v, tuple | list) and len(v) == 2 for v in (a, b)):
            return (
                (_check_amount(a[0], "padding"), _check_amount(a[1], "padding")),
                (_check_amount(b[0], "padding"), _check_amount(b[1], "padding")),
            )
    raise ValueError(f"padding must be {_PADDING_HELP}; got {describe(padding)}.")


def output_size(
    input_size: int, kernel_size: int, stride: int = 1, padding="valid", dilation: int = 1
) -> int:
    """Output length of a convolution or pooling window along one axis.

    Parameters
    ----------
    input_size : int >= 0
        Input length :math:`i` (rows or columns).
    kernel_size : int
        Kernel (or pooling window) length :math:`k`.
    stride : int, default 1
        Step :math:`s` between window positions.
    padding : {"valid", "same", "full"} or int or (int, int), default "valid"
        Padding preset, symmetric amount :math:`p`, or ``(before, after)``.
    dilation : int, default 1
        Gap :math:`d` between kernel taps.

    Returns
    -------
    int
        :math:`\\lfloor (i + p_b + p_a - d(k - 1) - 1) / s \\rfloor + 1`. For an empty axis
        (:math:`i = 0`) whose padding is a little too small for one window
        (:math:`p_b + p_a > d(k - 1) + 1 - 2s`, which includes every ``"same"`` case), 0, as in
        TensorFlow.

    Raises
    ------
    ValueError
        If the (dilated) kernel is larger than the padded input (for an empty axis: by more
        than that, where TensorFlow raises too).

    See Also
    --------
    explain_output_size : the same arithmetic written out with the numbers filled in.

    References
    ----------
    .. [1] V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
       arXiv:1603.07285, 2016, relationship 6 (https://arxiv.org/abs/1603.07285).
    .. [2] CS231n, "Convolutional Neural Networks", section "Spatial arrangement",
       https://cs231n.github.io/convolutional-networks/

    Examples
    --------
    >>> output_size(6, 3)                     # 6x6 image, 3x3 kernel
    4
    >>> output_size(7, 3, stride=2)
    3
    >>> output_size(227, 11, stride=4)        # AlexNet's first layer
    55
    >>> output_size(512, 3, stride=2, padding=1)
    256
    >>> output_size(5, 3, stride=2, padding="same")   # ceil(5 / 2)
    3
    >>> output_size(0, 2, padding=1)          # no rows, but padding: one window of zeros
    1
    >>> output_size(6, 11)
    Traceback (most recent call last):
    ...
    ValueError: kernel_size=11 does not fit: it is larger than the padded input (6 + 0 + 0 = 6). Use a kernel_size of at most 6 or more padding.
    """
    before, after = padding_amounts(padding, input_size, kernel_size, stride, dilation)
    kd = effective_kernel_size(kernel_size, dilation)
    padded = input_size + before + after
    if padded < kd:
        if input_size == 0 and padded > kd - 2 * stride:
            # An empty axis padded to almost one window: TensorFlow returns an empty output
            # axis here (its size formula gives 0) and raises below, where it gives < 0.
            return 0
        if input_size == 0:
            raise ValueError(
                f"kernel_size={kernel_size} does not fit: the input is empty and its padding "
                f"({before} + {after} = {padded}) is too small for a window of {kd}. Pad by at "
                f"least {kd - 2 * stride + 1} in total (TensorFlow's limit) or give a non-empty "
                "input."
            )
        if dilation == 1:
            raise ValueError(
                f"kernel_size={kernel_size} does not fit: it is larger than the padded input "
                f"({input_size} + {before} + {after} = {padded}). Use a kernel_size of at most "
                f"{padded} or more padding."
            )
        largest = (padded - 1) // dilation + 1  # the largest k with d(k - 1) + 1 <= padded
        raise ValueError(
            f"kernel_size={kernel_size} with dilation={dilation} does not fit: its span "
            f"{dilation}·({kernel_size} − 1) + 1 = {kd} is larger than the padded input "
            f"({input_size} + {before} + {after} = {padded}). Use a kernel_size of at most "
            f"{largest} at this dilation, a smaller dilation or more padding."
        )
    return (padded - kd) // stride + 1


def output_shape(input_hw, kernel_hw, stride=1, padding="valid", dilation=1) -> tuple[int, int]:
    """Output ``(height, width)`` of a 2-D convolution or pooling layer.

    Examples
    --------
    >>> output_shape((32, 32), 5)
    (28, 28)
    >>> output_shape((7, 9), (3, 3), stride=(2, 3), padding="same")
    (4, 3)
    """
    (pt, pb), (pl, pr) = resolve_padding(padding, input_hw, kernel_hw, stride, dilation)
    kh, kw = check_pair(kernel_hw, "kernel_size")
    sh, sw = check_pair(stride, "stride")
    dh, dw = check_pair(dilation, "dilation")
    h, w = input_hw
    return (
        output_size(h, kh, sh, (pt, pb), dh),
        output_size(w, kw, sw, (pl, pr), dw),
    )


def explain_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1) -> str:
    """The output-size formula of one axis with the numbers filled in, as a readable line.

    Parameters
    ----------
    input_size : int >= 0
    kernel_size, stride, dilation : int >= 1
    padding : int, (int, int) or {"valid", "same", "full"}, default 0

    Returns
    -------
    str
        ``⌊(i + 2·p − k) / s⌋ + 1 = o`` (``p_before + p_after`` when they differ), preceded for
        ``"same"`` by TensorFlow's ``⌈i / s⌉`` and the padding it implies, for ``"full"`` by
        ``k − 1``, and with dilation by the effective kernel ``d(k − 1) + 1``. When the kernel
        does not fit the result is marked "no output".

    See Also
    --------
    output_size : the number alone.

    Examples
    --------
    >>> explain_output_size(512, 3, 2, 1)
    '⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256'
    >>> explain_output_size(512, 3, 2, "same")
    "'same': ⌈512 / 2⌉ = 256, padding 0 before + 1 after; ⌊(512 + 0 + 1 − 3) / 2⌋ + 1 = 256"
    >>> explain_output_size(7, 3, 1, 0, dilation=2)
    'effective kernel 2·(3 − 1) + 1 = 5; ⌊(7 + 2·0 − 5) / 1⌋ + 1 = 3'
    >>> explain_output_size(6, 11, 1, 0)
    '⌊(6 + 2·0 − 11) / 1⌋ + 1 = −4: no output, the kernel does not fit'
    """
    i = check_int(input_size, "input_size", minimum=0)
    k = check_int(kernel_size, "kernel_size")
    s = check_int(stride, "stride")
    d = check_int(dilation, "dilation")
    kd = effective_kernel_size(k, d)
    before, after = padding_amounts(padding, i, k, s, d)
    pad_term = f"2·{before}" if before == after else f"{before} + {after}"
    o = (i + before + after - kd) // s + 1
    core = f"⌊({i} + {pad_term} − {kd}) / {s}⌋ + 1 = {o}".replace("-", "−")
    if o <= 0:
        core += ": no output, the kernel does not fit"
    parts = []
    if d != 1:
        parts.append(f"effective kernel {d}·({k} − 1) + 1 = {kd}")
    if isinstance(padding, str):
        preset = padding.lower()
        if preset == "same":
            parts.append(
                f"'same': ⌈{i} / {s}⌉ = {-(-i // s)}, padding {before} before + {after} after"
            )
        elif preset == "full":
            parts.append(f"'full': padding {kd} − 1 = {kd - 1} on each side")
        else:
            parts.append("'valid': no padding")
    return "; ".join([*parts, core])


def explain_output_shape(
    input_hw, kernel_hw, stride=1, padding=0, dilation=1, *, name="output"
) -> str:
    """Output size of a 2-D convolution or pooling with the formula of each axis written out.

    One line for rows and columns together when their formulas are equal, else one line each.

    Parameters
    ----------
    input_hw, kernel_hw : (int, int) (``kernel_hw`` may be one int)
    stride, padding, dilation :
        As for :func:`output_shape` (ints, pairs, or a preset for padding).
    name : str, default "output"
        Label of the first line.

    Returns
    -------
    str
        Lines separated by ``"\\n"``.

    Examples
    --------
    >>> print(explain_output_shape((512, 512), (3, 3), 2, 1))
    output: 256 × 256
    rows and columns: ⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256
    >>> print(explain_output_shape((300, 451), 3))
    output: 298 × 449
    rows: ⌊(300 + 2·0 − 3) / 1⌋ + 1 = 298
    columns: ⌊(451 + 2·0 − 3) / 1⌋ + 1 = 449
    >>> print(explain_output_shape((6, 6), 7))
    output: none
    rows and columns: ⌊(6 + 2·0 − 7) / 1⌋ + 1 = 0: no output, the kernel does not fit
    """
    if not (isinstance(input_hw, tuple | list) and len(input_hw) == 2):
        raise TypeError(f"input_hw must be a pair (height, width); got {describe(input_hw)}.")
    kh, kw = check_pair(kernel_hw, "kernel_size")
    sh, sw = check_pair(stride, "stride")
    dh, dw = check_pair(dilation, "dilation")
    if isinstance(padding, str) or is_int(padding):
        ph = pw = padding
    elif isinstance(padding, tuple | list) and len(padding) == 2:
        ph, pw = padding  # (rows, cols), each an amount or (before, after)
    else:
        raise ValueError(f"padding must be {_PADDING_HELP}; got {describe(padding)}.")
    rows = explain_output_size(input_hw[0], kh, sh, ph, dh)
    cols = explain_output_size(input_hw[1], kw, sw, pw, dw)
    if any("no output" in line for line in (rows, cols)):
        first = f"{name}: none"
    else:
        sizes = [line.rsplit("= ", 1)[-1] for line in (rows, cols)]
        first = f"{name}: {sizes[0]} × {sizes[1]}"
    if rows == cols:
        return f"{first}\nrows and columns: {rows}"
    return f"{first}\nrows: {rows}\ncolumns: {cols}"


def conv_params(kernel_size, in_channels: int, filters: int, use_bias: bool = True) -> int:
    """Number of trainable parameters of a 2-D convolution layer.

    Each of the ``filters`` kernels has :math:`k_h k_w C_{in}` weights and one bias, however
    large the image is (weight sharing).

    Examples
    --------
    >>> conv_params(5, 1, 1)          # one 5x5 filter on a grayscale image
    26
    >>> conv_params((3, 3), 3, 64)
    1792
    """
    kh, kw = check_pair(kernel_size, "kernel_size")
    c = check_int(in_channels, "in_channels")
    f = check_int(filters, "filters")
    return kh * kw * c * f + (f if use_bias else 0)


def dense_params(inputs: int, units: int, use_bias: bool = True) -> int:
    """Number of trainable parameters of a fully connected (Dense) layer.

    Examples
    --------
    >>> dense_params(420 * 420, 128)
    22579328
    """
    n = check_int(inputs, "inputs")
    u = check_int(units, "units")
    return n * u + (u if use_bias else 0)


def layer_triplet(layer) -> tuple[int, int, int]:
    """Read one layer of a stack as ``(kernel_size, stride, dilation)``.

    A layer is a kernel size, a tuple ``(kernel_size, stride[, dilation])`` or a dict with
    those keys (stride and dilation default to 1).

    Examples
    --------
    >>> layer_triplet(3), layer_triplet((2, 2)), layer_triplet({"kernel_size": 3, "dilation": 2})
    ((3, 1, 1), (2, 2, 1), (3, 1, 2))
    """
    if is_int(layer):
        return (check_int(layer, "kernel_size"), 1, 1)
    if isinstance(layer, dict):
        return (
            check_int(layer.get("kernel_size"), "kernel_size"),
            check_int(layer.get("stride", 1), "stride"),
            check_int(layer.get("dilation", 1), "dilation"),
        )
    if isinstance(layer, tuple | list) and 1 <= len(layer) <= 3:
        k, s, d = (*layer, 1, 1)[:3]
        return (
            check_int(k, "kernel_size"),
            check_int(s, "stride"),
            check_int(d, "dilation"),
        )
    raise TypeError(
        "each layer must be a kernel size, a tuple (kernel_size, stride[, dilation]) or a dict "
        f"with those keys; got {describe(layer)}."
    )


def receptive_fields(layers: Iterable) -> list[int]:
    """Receptive field (in input pixels, one axis) after each layer of a stack.

    Parameters
    ----------
    layers : iterable
        Each layer is a kernel size, a tuple ``(kernel_size, stride[, dilation])`` or a dict
        with those keys. Pooling layers count as layers too.

    Returns
    -------
    list of int
        :math:`r_l = r_{l-1} + d_l (k_l - 1) \\prod_{m<l} s_m`, starting from :math:`r_0 = 1`.

    Examples
    --------
    >>> receptive_fields([3, 3, 3])
    [3, 5, 7]
    >>> receptive_fields([(3, 1), (2, 2), (3, 1)])   # conv, 2x2 pool, conv
    [3, 4, 8]
    """
    r, jump, out = 1, 1, []
    for layer in layers:
        k, s, d = layer_triplet(layer)
        r += d * (k - 1) * jump
        jump *= s
        out.append(r)
    return out


def receptive_field(layers: Iterable) -> int:
    """Receptive field (one axis, in input pixels) of the last layer of a stack.

    See :func:`receptive_fields` for the accepted layer descriptions.

    Examples
    --------
    >>> receptive_field([(3, 1), (3, 1)])
    5
    >>> receptive_field([(11, 4), (3, 2), (5, 1)])     # AlexNet's conv1, pool1, conv2
    51
    """
    fields = receptive_fields(layers)
    if not fields:
        raise ValueError("layers must contain at least one layer; got an empty stack.")
    return fields[-1]
