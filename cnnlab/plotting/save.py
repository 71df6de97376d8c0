"""Saving figures and animations as files in a folder the caller names."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from matplotlib import animation

from .._validate import describe

__all__ = ["save_animation", "save_fig"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _target(name, suffix, directory):
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise ValueError(
            f"name must be a plain file name such as 'sliding-window' (letters, digits, '-', "
            f"'_', '.'), without folders; got {describe(name)}."
        )
    if name.lower().endswith(suffix):
        name = name[: -len(suffix)]
    if not isinstance(directory, str | os.PathLike):
        raise ValueError(
            f"directory must be the folder to write into (a str or pathlib.Path); got "
            f"{describe(directory)}."
        )
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}{suffix}"


def save_fig(fig, name, *, directory, dpi=150) -> Path:
    """Save a figure as ``<directory>/<name>.png`` (150 dpi, tight bounding box, opaque RGB).

    Parameters
    ----------
    fig : matplotlib Figure
    name : str
        File name without folder; ``.png`` is added if missing.
    directory : str or Path
        The folder to write into (created if missing).
    dpi : int, default 150

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> path = save_fig(fig, "example", directory=tempfile.mkdtemp())
    >>> path.name, path.read_bytes()[:4]
    ('example.png', b'\\x89PNG')
    >>> plt.close(fig)
    """
    from PIL import Image

    path = _target(name, ".png", directory)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    buffer.seek(0)
    with Image.open(buffer) as img:  # opaque RGB without metadata: smaller and reproducible
        img.convert("RGB").save(path, format="PNG", optimize=True)
    return path


def save_animation(anim, name, *, directory, fps=2, dpi=72) -> Path:
    """Save an animation as ``<directory>/<name>.gif`` with Pillow (no ffmpeg needed).

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    name : str
        File name without folder; ``.gif`` is added if missing.
    directory : str or Path
        The folder to write into (created if missing).
    fps : float, default 2
    dpi : int, default 72
        Keep it low: GIFs of large figures grow quickly.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from cnnlab.plotting import animate_sliding_window
    >>> anim = animate_sliding_window(np.ones((3, 3)), np.ones((2, 2)), hold=0)
    >>> path = save_animation(anim, "demo", directory=tempfile.mkdtemp(), dpi=30)
    >>> path.read_bytes()[:6]
    b'GIF89a'
    >>> plt.close(anim._fig)
    """
    path = _target(name, ".gif", directory)
    anim.save(
        str(path),
        writer=animation.PillowWriter(fps=fps),
        dpi=dpi,
        savefig_kwargs={"facecolor": "white"},
    )
    return path
