"""What an explorer's controls say, as typed, frozen (hashable) values.

An explorer reads its controls into one of these (``Explorer._settings``) and computes from
it. Because they are frozen and hashable, the expensive steps are plain functions of settings
cached with :func:`functools.lru_cache` (a feature map is computed once per image, kernel and
:class:`ConvSettings`), and no cache can go stale: a different setting is a different key.

* :class:`ConvSettings`: kernel size, stride, padding, dilation and padding mode of one layer;
* :class:`FrozenArray`: an array made read-only and hashable by its content, so images and
  kernels can be part of a settings value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from ..shapes import PADDING_PRESETS

__all__ = ["PADDING_MODES", "ConvSettings", "FrozenArray"]

#: Padding-mode menu: label -> mode of :func:`cnnlab.pad2d`.
PADDING_MODES = {"zero": "constant", "reflect": "reflect", "replicate": "replicate"}


@dataclass(frozen=True)
class ConvSettings:
    """The structure of one convolution or pooling layer, as its sliders set it.

    Parameters
    ----------
    kernel_size, stride, dilation : int
    padding : int or {"valid", "same", "full"}
        A number of cells on every side, or a preset.
    padding_mode : {"constant", "reflect", "replicate"}, default "constant"
        What the border is filled with (a mode of :func:`cnnlab.pad2d`).

    Examples
    --------
    >>> s = ConvSettings(kernel_size=5, stride=2, padding="same")
    >>> s
    ConvSettings(kernel_size=5, stride=2, padding='same', dilation=1, padding_mode='constant')
    >>> s.replace(stride=1).stride, hash(s) == hash(ConvSettings(5, 2, "same"))
    (1, True)
    """

    kernel_size: int = 3
    stride: int = 1
    padding: int | str = 0
    dilation: int = 1
    padding_mode: str = "constant"

    def __post_init__(self):
        for name in ("kernel_size", "stride", "dilation"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1; got {value!r}.")
            object.__setattr__(self, name, int(value))
        padding = self.padding
        if isinstance(padding, str):
            if padding.lower() not in PADDING_PRESETS:
                raise ValueError(
                    f"padding must be an integer >= 0 or one of {PADDING_PRESETS}; got {padding!r}."
                )
            object.__setattr__(self, "padding", padding.lower())
        elif isinstance(padding, bool) or not isinstance(padding, int | np.integer) or padding < 0:
            raise ValueError(
                f"padding must be an integer >= 0 or one of {PADDING_PRESETS}; got {padding!r}."
            )
        else:
            object.__setattr__(self, "padding", int(padding))
        if self.padding_mode not in PADDING_MODES.values():
            raise ValueError(
                f"padding_mode must be one of {tuple(PADDING_MODES.values())}; got "
                f"{self.padding_mode!r}."
            )

    def replace(self, **changes) -> ConvSettings:
        """A copy with some fields changed."""
        return ConvSettings(**{**self.__dict__, **changes})


@dataclass(frozen=True, eq=False)
class FrozenArray:
    """A read-only copy of an array, hashable by its content (shape, dtype and bytes).

    Two FrozenArrays are equal when their arrays are identical, so they work as
    :func:`functools.lru_cache` keys; the digest is computed once, when the copy is made.

    Examples
    --------
    >>> a, b = FrozenArray.of(np.eye(2)), FrozenArray.of([[1.0, 0.0], [0.0, 1.0]])
    >>> a == b, hash(a) == hash(b), a == FrozenArray.of(np.zeros((2, 2)))
    (True, True, False)
    >>> a.array.flags.writeable, a.shape
    (False, (2, 2))
    """

    array: np.ndarray
    digest: bytes = field(repr=False)

    @classmethod
    def of(cls, values, dtype=float) -> FrozenArray:
        """Copy ``values`` (as ``dtype``), make the copy read-only and compute its digest."""
        if isinstance(values, FrozenArray):
            return values
        arr = np.array(values, dtype=dtype)
        arr.setflags(write=False)
        digest = hashlib.blake2b(
            repr((arr.shape, arr.dtype.str)).encode() + arr.tobytes(), digest_size=16
        ).digest()
        return cls(arr, digest)

    @property
    def shape(self) -> tuple:
        return self.array.shape

    def __eq__(self, other):
        return isinstance(other, FrozenArray) and self.digest == other.digest

    def __hash__(self):
        return hash(self.digest)
