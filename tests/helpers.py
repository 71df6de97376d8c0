"""Test-only helpers: loading the build scripts of tools/, and small synthetic MNIST files.

``load_tool`` imports a script of ``tools/`` (not a package) as a module, so tests call its
functions. ``write_idx`` is the inverse of :func:`cnnlab.data.read_idx`: the loader tests write
tiny MNIST-shaped datasets with it, so they never need the real files.
"""

from __future__ import annotations

import gzip
import importlib.util
import struct
import sys
from pathlib import Path

import numpy as np

TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools"


def load_tool(relative: str, name: str):
    """Import ``tools/<relative>`` as module ``name`` (registered in ``sys.modules``)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TOOLS_DIR / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


#: The four MNIST file names (without ``.gz``), in the order train images, train labels, test
#: images, test labels.
IDX_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def idx_bytes(array) -> bytes:
    """The IDX encoding of a uint8 array with at least one dimension: header, then the bytes."""
    arr = np.asarray(array)
    if arr.dtype != np.uint8 or arr.ndim == 0:
        raise TypeError(f"write_idx takes a uint8 array with >= 1 dimension, got {arr.dtype}.")
    header = bytes((0, 0, 0x08, arr.ndim)) + struct.pack(f">{arr.ndim}i", *arr.shape)
    return header + np.ascontiguousarray(arr).tobytes()


def write_idx(path, array) -> Path:
    """Write ``array`` (uint8) as an IDX file, gzip-compressed when the name ends in ``.gz``."""
    path = Path(path)
    content = idx_bytes(array)
    path.write_bytes(gzip.compress(content) if path.suffix == ".gz" else content)
    return path


def write_idx_set(folder, arrays, *, gz=True, dotted=False) -> list[Path]:
    """Write ``(x_train, y_train, x_test, y_test)`` as the four MNIST files in ``folder``.

    ``dotted`` uses the ``train-images.idx3-ubyte`` names some unzip tools produce.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, arr in zip(IDX_NAMES, arrays, strict=True):
        if dotted:
            name = name.replace("-idx", ".idx")
        paths.append(write_idx(folder / (name + (".gz" if gz else "")), arr))
    return paths


def make_split(seed, n_train=6, n_test=4):
    """Random MNIST-shaped uint8 arrays: ``(x_train, y_train, x_test, y_test)``."""
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_train, dtype=np.uint8),
        rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_test, dtype=np.uint8),
    )
