"""The IDX file format of MNIST and Fashion-MNIST: a short header, then raw unsigned bytes.

An IDX file starts with two zero bytes, a type code (``0x08``: unsigned bytes, the only type the
four MNIST files use), the number of dimensions, then each dimension as a big-endian 32-bit
integer; the values follow, row-major. The files are usually gzip-compressed.
"""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = ["read_idx"]

_UBYTE = 0x08
_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path) -> np.ndarray:
    """Read an IDX file of unsigned bytes (gzip-compressed or not) as a uint8 array.

    Compression is recognised by the file's first bytes, not by its name.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    ndarray of uint8, writable
        Of the shape the header gives, e.g. (60000, 28, 28) for MNIST's training images.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not an IDX file of unsigned bytes, is truncated or has the wrong size, or
        its gzip stream is damaged; the message names the file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
    >>> _ = path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> read_idx(path)
    array([7, 2, 1], dtype=uint8)
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{str(path)!r} is a damaged gzip file: {exc}.") from exc
    if len(raw) < 4:
        raise ValueError(f"{str(path)!r} is truncated: {len(raw)} bytes, no IDX header.")
    if raw[:2] != b"\x00\x00" or raw[2] != _UBYTE:
        raise ValueError(
            f"{str(path)!r} is not an IDX file of unsigned bytes: it starts with "
            f"{raw[:3].hex(' ')}, not 00 00 08."
        )
    ndim = raw[3]
    if ndim == 0:
        raise ValueError(f"{str(path)!r} declares 0 dimensions; an IDX array needs at least 1.")
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise ValueError(f"{str(path)!r} is truncated inside its list of {ndim} dimensions.")
    shape = struct.unpack(f">{ndim}i", raw[4:start])
    if min(shape) < 0:
        raise ValueError(f"{str(path)!r} declares a negative dimension: shape {shape}.")
    size = math.prod(shape)
    if len(raw) - start < size:
        raise ValueError(
            f"{str(path)!r} is truncated: shape {shape} needs {size} values, it holds "
            f"{len(raw) - start}."
        )
    if len(raw) - start > size:
        raise ValueError(
            f"{str(path)!r} has the wrong size: shape {shape} needs {size} values, it holds "
            f"{len(raw) - start}."
        )
    return np.frombuffer(bytearray(raw), dtype=np.uint8, offset=start).reshape(shape)
