"""Datasets for the notebooks: MNIST and Fashion-MNIST from the first source that has them.

* :mod:`cnnlab.data.mnist`: :func:`load_mnist`, :func:`load_fashion_mnist`, :class:`Dataset`
  and the source chain (data directory, Keras cache, Keras download, bundled digits).
* :mod:`cnnlab.data.idx`: :func:`read_idx`, the file format of the MNIST files.
* :mod:`cnnlab.data.digits`: scikit-learn's bundled 8x8 digits, flat (notebooks 08 and 09) or
  made MNIST-like (the offline stand-in).

Notebooks call ``cnnlab.data.load_mnist(...)``; importing this package imports neither Keras nor
scikit-learn.
"""

from __future__ import annotations

from . import mnist
from .digits import digits_as_mnist, load_digits_flat
from .idx import read_idx
from .mnist import *  # noqa: F403 (the loaders, Dataset and the source chain: mnist.__all__)

__all__ = [*mnist.__all__, "digits_as_mnist", "load_digits_flat", "read_idx"]
