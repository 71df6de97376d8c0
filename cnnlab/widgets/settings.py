"""What an explorer's controls say, as typed, frozen (hashable) values.

An explorer reads its controls into one of these (``Explorer._settings``) and computes from
it. Because they are frozen and hashable, the expensive steps are plain functions of settings
cached with :func:`functools.lru_cache` (a feature map is computed once per image, kernel and
:class:`ConvSettings`), and no cache can go stale: a different setting is a different key.

* :class:`ConvSettings`: kernel size, stride, padding, dilation and padding mode of one layer;
* :class:`FrozenArray`: an array made read-only and hashable by its content, so images and
  kernels can be part of a settings value;
* :class:`ConvStart`: what an explorer of one convolution starts from (the shared part of
  their signatures, :func:`starts_from_conv`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from dataclasses import dataclass, field

import numpy as np

from ..shapes import PADDING_PRESETS

__all__ = ["PADDING_MODES", "ConvSettings", "ConvStart", "FrozenArray", "starts_from_conv"]

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


@dataclass(frozen=True)
class ConvStart:
    """How an explorer of one convolution starts: the shared part of those explorers' signatures.

    Parameters
    ----------
    image : str or ndarray, default "camera"
        A bundled picture's name or an array (:class:`~cnnlab.widgets.choices.ImageChoice`).
    kernel : str or ndarray, default "sobel vertical"
        A named kernel or an array (:class:`~cnnlab.widgets.choices.KernelChoice`).
    kernel_size, stride, padding :
        First values of the convolution's sliders (padding: a number or "valid", "same",
        "full").
    display_side : int, optional
        Pixels of the longer side of the image panels (default :data:`cnnlab.widgets.base.PANEL_SIDE`, about their
        displayed size; larger arrays are sent as block means); smaller renders faster.
    """

    image: object = "camera"
    kernel: object = "sobel vertical"
    kernel_size: int = 3
    stride: int = 1
    padding: int | str = 0
    display_side: int | None = None


def starts_from_conv(init):
    """Decorate ``__init__(self, *args, <own keyword-only parameters>, **start)``.

    The explorer builds ``ConvStart(*args, **start)``; ``help()`` and Jupyter's tooltip show
    :class:`ConvStart`'s parameters in place of ``*args`` and ``**start``.
    """
    own = inspect.signature(init)
    self_parameter, *rest = own.parameters.values()
    shared = list(inspect.signature(ConvStart).parameters.values())
    first = [p.replace(kind=p.POSITIONAL_OR_KEYWORD) for p in shared[:2]]
    keywords = [p.replace(kind=p.KEYWORD_ONLY) for p in shared[2:]]
    extra = [p for p in rest if p.kind is p.KEYWORD_ONLY]
    shown = own.replace(parameters=[self_parameter, *first, *keywords, *extra])

    @functools.wraps(init)
    def checked(self, *args, **kwargs):
        try:
            shown.bind(self, *args, **kwargs)
        except TypeError as err:
            names = ", ".join(list(shown.parameters)[1:])
            raise TypeError(f"{type(self).__name__}: {err}; its parameters: {names}.") from None
        init(self, *args, **kwargs)

    checked.__signature__ = shown
    return checked
