"""The layouts a convolution accepts, promoted to one batch layout and back.

Every convolution in cnnlab (:func:`~cnnlab.conv2d`, its backward pass, the transposed
convolution) takes an image and a kernel in one of three layouts and computes on the batch layout
``(N, H, W, C)`` with a 4-D kernel:

======================  ===========================  ==========================
x                       kernel                       result
======================  ===========================  ==========================
``(H, W)``              ``(kh, kw)``                 ``(H', W')``
``(H, W, C)``           4-D (see the kernel layout)  ``(H', W', F)``
``(N, H, W, C)``        4-D (see the kernel layout)  ``(N, H', W', F)``
======================  ===========================  ==========================

:func:`promote` checks the pair and returns the 4-D arrays with a tag of the caller's layout;
:func:`to_caller_layout` turns a ``(N, H', W', F)`` result back into that layout. The kernel
layout differs: ``(kh, kw, C, F)`` for a convolution (:data:`CONV_KERNEL`), ``(kh, kw, F, C)``
for a transposed convolution as Keras stores it (:data:`TRANSPOSED_KERNEL`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array

__all__ = [
    "CONV_KERNEL",
    "TRANSPOSED_KERNEL",
    "KernelLayout",
    "promote",
    "promote_bias",
    "to_caller_layout",
]


@dataclass(frozen=True)
class KernelLayout:
    """How a 4-D kernel is laid out, and the words an error message uses for it."""

    shape: str  # e.g. "(kh, kw, C, filters)"
    in_axis: int  # the axis that must equal the input's channels
    noun: str  # what x is called: "image" or "input"
    channels: str  # what the input's channel count is called: "C" or "C_in"
    axis_rule: str  # the sentence after a channel mismatch, with {c} for the channel count

    def example(self, channels: int) -> str:
        """A 3×3 kernel of this layout for ``channels`` input channels and one output."""
        shape = [3, 3, 1, 1]
        shape[self.in_axis] = channels
        return str(tuple(shape))


#: ``conv2d``'s kernels: ``(kh, kw, C, F)``.
CONV_KERNEL = KernelLayout(
    shape="(kh, kw, C, filters),",
    in_axis=2,
    noun="image",
    channels="C",
    axis_rule="The kernel's third axis must equal the number of input channels ({c}).",
)
#: ``conv2d_transpose``'s kernels, as ``keras.layers.Conv2DTranspose`` stores them.
TRANSPOSED_KERNEL = KernelLayout(
    shape="(kh, kw, C_out, C_in), Keras's Conv2DTranspose layout,",
    in_axis=3,
    noun="input",
    channels="C_in",
    axis_rule=(
        "The kernel is laid out (kh, kw, C_out, C_in) as in Keras's Conv2DTranspose: its last "
        "axis must equal the number of input channels ({c})."
    ),
)


def promote(x, kernel, layout: KernelLayout = CONV_KERNEL):
    """Check an image and a kernel and return them in the batch layout.

    Parameters
    ----------
    x : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
    kernel : array_like, shape (kh, kw) for a 2-D ``x``, else 4-D in ``layout``
    layout : KernelLayout, default CONV_KERNEL

    Returns
    -------
    x4 : ndarray, shape (N, H, W, C)
    k4 : ndarray, 4-D, in ``layout``
    form : {"hw", "hwf", "nhwf"}
        The caller's layout, for :func:`to_caller_layout`.

    Both arrays are floating point (at least float32), not yet of a common dtype.

    Raises
    ------
    ValueError
        For a 2-D kernel with a multi-channel image, a channel mismatch or an empty kernel,
        saying which shapes would work.

    Examples
    --------
    >>> x4, k4, form = promote(np.ones((5, 5)), np.ones((3, 3)))
    >>> x4.shape, k4.shape, form
    ((1, 5, 5, 1), (3, 3, 1, 1), 'hw')
    >>> promote(np.ones((5, 5, 2)), np.ones((3, 3, 1, 4)))
    Traceback (most recent call last):
    ...
    ValueError: channel mismatch: x has 2 channel(s) (shape (5, 5, 2)) but kernel has shape (3, 3, 1, 4), i.e. C_in=1. The kernel's third axis must equal the number of input channels (2).
    """
    x = as_float_array(x, "x", ndims=(2, 3, 4))
    k = as_float_array(kernel, "kernel", ndims=(2, 4))
    if k.ndim == 2:
        if x.ndim != 2:
            raise ValueError(
                f"kernel has shape {k.shape}, a 2-D kernel for a 2-D (H, W) {layout.noun}, but x "
                f"has shape {x.shape}. For an {layout.noun} with {layout.channels} channels give a "
                f"kernel of shape {layout.shape} e.g. {layout.example(x.shape[-1])}."
            )
        x4, k4, form = x[None, :, :, None], k[:, :, None, None], "hw"
    else:
        form = "nhwf" if x.ndim == 4 else "hwf"
        x4 = x[None, :, :, None] if x.ndim == 2 else (x[None] if x.ndim == 3 else x)
        k4 = k
        if x4.shape[-1] != k4.shape[layout.in_axis]:
            raise ValueError(
                f"channel mismatch: x has {x4.shape[-1]} channel(s) (shape {x.shape}) but kernel "
                f"has shape {k.shape}, i.e. C_in={k.shape[layout.in_axis]}. "
                + layout.axis_rule.format(c=x4.shape[-1])
            )
    if 0 in k4.shape:
        raise ValueError(
            f"kernel must not be empty (every axis at least 1, as TensorFlow requires too); "
            f"got kernel shape {k.shape} for x of shape {x.shape}."
        )
    return x4, k4, form


def to_caller_layout(out: np.ndarray, form: str) -> np.ndarray:
    """``(N, H', W', F)`` back to the caller's layout: ``(H', W')``, ``(H', W', F)`` or unchanged.

    Examples
    --------
    >>> to_caller_layout(np.zeros((1, 4, 4, 1)), "hw").shape
    (4, 4)
    """
    if form == "hw":
        return out[0, :, :, 0]
    if form == "hwf":
        return out[0]
    return out


def promote_bias(bias, channels: int, dtype, per: str) -> np.ndarray | None:
    """``bias`` as a ``(channels,)`` array of ``dtype`` (a scalar is repeated), or None.

    ``per`` says what each value belongs to, for the message (``"one value per filter"``).

    Examples
    --------
    >>> promote_bias(0.5, 3, np.float32, "one value per filter")
    array([0.5, 0.5, 0.5], dtype=float32)
    """
    if bias is None:
        return None
    b = as_float_array(bias, "bias")
    if b.ndim == 0:
        return np.full(channels, b, dtype)
    if b.shape != (channels,):
        raise ValueError(
            f"bias must be a scalar or have shape ({channels},), {per}; got shape {b.shape}."
        )
    return b.astype(dtype, copy=False)
