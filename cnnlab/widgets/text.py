"""Text in and out of the explorers: kernels typed as numbers, output sizes with the formula.

Pure functions of strings and numbers (no widgets), so notebooks and tests can use them too:
:func:`parse_kernel` reads a custom kernel (parsed, never evaluated), :func:`format_kernel`
writes one back, :func:`size_formula` and :func:`size_readout` fill the output-size formula in
with the numbers of the current settings.
"""

from __future__ import annotations

import re

import numpy as np

from ..shapes import effective_kernel_size, output_size, padding_amounts

__all__ = [
    "KERNEL_EXAMPLE",
    "MAX_KERNEL_SIDE",
    "format_kernel",
    "parse_kernel",
    "size_formula",
    "size_readout",
]

#: Largest custom kernel accepted (rows and columns).
MAX_KERNEL_SIDE = 15
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_TOKEN = re.compile(rf"^({_NUMBER})(?:/({_NUMBER}))?$")
#: What a custom kernel looks like, shown in error messages and as the text box's placeholder.
KERNEL_EXAMPLE = "1 0 -1; 2 0 -2; 1 0 -1"


def parse_kernel(text) -> np.ndarray:
    """Read a kernel typed as numbers: rows separated by ``;`` or new lines.

    Numbers are separated by spaces or commas; fractions such as ``1/9`` are allowed, and a
    pasted Python list ``[[1, 0], [0, 1]]`` works too. Nothing is evaluated: any other text is
    rejected with a ``ValueError`` saying what is wrong.

    Parameters
    ----------
    text : str

    Returns
    -------
    ndarray of float64, shape (rows, cols)

    Examples
    --------
    >>> parse_kernel("1 0 -1; 2 0 -2; 1 0 -1")
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.],
           [ 1.,  0., -1.]])
    >>> parse_kernel("1/4, 1/4\\n1/4, 1/4").tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    >>> parse_kernel("__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: custom kernel: "__import__('os')" is not a number. Type numbers separated by spaces, rows separated by ';', e.g. 1 0 -1; 2 0 -2; 1 0 -1
    """
    if not isinstance(text, str):
        raise TypeError(f"custom kernel must be text; got {type(text).__name__}.")
    cleaned = text.replace("\u2212", "-").strip()
    if not cleaned:
        raise ValueError(f"custom kernel is empty. Type numbers, e.g. {KERNEL_EXAMPLE}")
    if "[" in cleaned:
        inner = cleaned.strip()
        if inner.startswith("[[") and inner.endswith("]]"):
            rows_text = re.findall(r"\[([^\[\]]*)\]", inner)
        else:
            rows_text = [inner.strip("[]")]
    else:
        rows_text = [r for r in re.split(r"[;\n]", cleaned) if r.strip()]
    rows = []
    for row_text in rows_text:
        row = []
        for token in re.split(r"[\s,]+", row_text.strip()):
            if not token:
                continue
            match = _TOKEN.match(token)
            if match is None:
                shown = token if len(token) <= 30 else token[:27] + "..."
                raise ValueError(
                    f'custom kernel: "{shown}" is not a number. Type numbers separated by '
                    f"spaces, rows separated by ';', e.g. {KERNEL_EXAMPLE}"
                )
            value = float(match.group(1))
            if match.group(2) is not None:
                denominator = float(match.group(2))
                if denominator == 0:
                    raise ValueError(f'custom kernel: "{token}" divides by zero.')
                value /= denominator
            row.append(value)
        if row:
            rows.append(row)
    if not rows:
        raise ValueError(f"custom kernel has no numbers. Type numbers, e.g. {KERNEL_EXAMPLE}")
    lengths = sorted({len(r) for r in rows})
    if len(lengths) > 1:
        raise ValueError(
            f"custom kernel: every row needs the same number of values; got rows of lengths "
            f"{[len(r) for r in rows]}."
        )
    kernel = np.array(rows, dtype=float)
    if max(kernel.shape) > MAX_KERNEL_SIDE:
        raise ValueError(
            f"custom kernel is {kernel.shape[0]}x{kernel.shape[1]}; at most "
            f"{MAX_KERNEL_SIDE}x{MAX_KERNEL_SIDE} is allowed."
        )
    if not np.all(np.isfinite(kernel)):
        raise ValueError("custom kernel: every value must be a finite number.")
    return kernel


def format_kernel(kernel) -> str:
    """Write a 2-D kernel as the text :func:`parse_kernel` reads back.

    Examples
    --------
    >>> format_kernel(np.array([[1.0, 0.0], [0.5, -2.0]]))
    '1 0; 0.5 -2'
    """
    arr = np.asarray(kernel, dtype=float)
    return "; ".join(" ".join(f"{v:g}" for v in row) for row in arr)


def size_formula(input_size, kernel_size, stride=1, padding=0, dilation=1) -> str:
    """The output-size formula of one axis with the numbers filled in.

    Parameters
    ----------
    input_size, kernel_size, stride, dilation : int
    padding : int, (int, int) or {"valid", "same", "full"}

    Returns
    -------
    str
        ``⌊(i + 2·p − k) / s⌋ + 1 = o`` (``p_before + p_after`` when they differ), preceded for
        ``"same"`` by TensorFlow's ``⌈i / s⌉`` and the padding it implies, for ``"full"`` by
        ``k − 1``, and with dilation by the effective kernel ``d(k − 1) + 1``. When the kernel
        does not fit the result is marked "no output".

    Examples
    --------
    >>> size_formula(512, 3, 2, 1)
    '⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256'
    >>> size_formula(512, 3, 2, "same")
    "'same': ⌈512 / 2⌉ = 256, padding 0 before + 1 after; ⌊(512 + 0 + 1 − 3) / 2⌋ + 1 = 256"
    >>> size_formula(7, 3, 1, 0, dilation=2)
    'effective kernel 2·(3 − 1) + 1 = 5; ⌊(7 + 2·0 − 5) / 1⌋ + 1 = 3'
    >>> size_formula(6, 11, 1, 0)
    '⌊(6 + 2·0 − 11) / 1⌋ + 1 = −4: no output, the kernel does not fit'
    """
    i, k, s, d = int(input_size), int(kernel_size), int(stride), int(dilation)
    kd = effective_kernel_size(k, d)
    before, after = padding_amounts(padding, i, k, s, d)
    pad_term = f"2·{before}" if before == after else f"{before} + {after}"
    padded = i + before + after
    if padded >= kd:
        o = output_size(i, k, s, (before, after), d)
        core = f"⌊({i} + {pad_term} − {kd}) / {s}⌋ + 1 = {o}"
    else:
        o = (padded - kd) // s + 1
        shown = str(o).replace("-", "−")
        core = (
            f"⌊({i} + {pad_term} − {kd}) / {s}⌋ + 1 = {shown}: no output, the kernel does not fit"
        )
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


def size_readout(input_hw, kernel_hw, stride=1, padding=0, dilation=1, *, name="output") -> str:
    """Output size of a 2-D convolution or pooling with the formula per axis.

    One line for rows and columns together when their formulas are equal, else one line each.

    Parameters
    ----------
    input_hw, kernel_hw : (int, int)
    stride, padding, dilation :
        As for :func:`cnnlab.output_shape` (ints, pairs, or a preset for padding).
    name : str, default "output"
        Label of the first line.

    Returns
    -------
    str
        Lines separated by ``"\\n"``.

    Examples
    --------
    >>> print(size_readout((512, 512), (3, 3), 2, 1))
    output: 256 × 256
    rows and columns: ⌊(512 + 2·1 − 3) / 2⌋ + 1 = 256
    >>> print(size_readout((300, 451), (3, 3), 1, 0))
    output: 298 × 449
    rows: ⌊(300 + 2·0 − 3) / 1⌋ + 1 = 298
    columns: ⌊(451 + 2·0 − 3) / 1⌋ + 1 = 449
    """
    h, w = (int(v) for v in input_hw)
    kh, kw = (kernel_hw, kernel_hw) if np.isscalar(kernel_hw) else kernel_hw
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    dh, dw = (dilation, dilation) if np.isscalar(dilation) else dilation
    if isinstance(padding, str) or np.isscalar(padding):
        ph = pw = padding
    else:
        ph, pw = padding
    rows = size_formula(h, kh, sh, ph, dh)
    cols = size_formula(w, kw, sw, pw, dw)
    sizes = [f.rsplit("= ", 1)[-1] for f in (rows, cols)]
    if any("no output" in f for f in (rows, cols)):
        first = f"{name}: none"
    else:
        first = f"{name}: {sizes[0]} × {sizes[1]}"
    if rows == cols:
        return f"{first}\nrows and columns: {rows}"
    return f"{first}\nrows: {rows}\ncolumns: {cols}"
