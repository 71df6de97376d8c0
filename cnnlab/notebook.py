"""The one setup call at the top of every notebook.

``setup_notebook()`` checks that the installed libraries are recent enough (with a message
that says how to fix it), applies the projector-friendly figure style and seeds the random
number generators, so every run of a notebook shows the same numbers.
"""

from __future__ import annotations

import os
import random
from importlib import metadata

import numpy as np
from packaging.version import InvalidVersion, Version

__all__ = ["MINIMUM_VERSIONS", "setup_notebook", "version_problems"]

#: The oldest versions the notebooks are tested with (the lower bounds in pyproject.toml).
MINIMUM_VERSIONS = {
    "numpy": "1.26",
    "matplotlib": "3.8",
    "ipywidgets": "8.1",
    "scikit-image": "0.22",
}
_KERAS_MINIMUM = {"tensorflow": "2.16", "keras": "3.0"}


# Distributions that provide the same import name (the CPU-only TensorFlow wheel on Linux).
_ALTERNATIVES = {"tensorflow": ("tensorflow", "tensorflow-cpu")}


def _installed_version(name: str) -> str | None:
    for dist in _ALTERNATIVES.get(name, (name,)):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return None


def _too_old(found: str, minimum: str) -> bool:
    """Whether the installed version ``found`` is older than ``minimum`` (PEP 440 order).

    A pre-release of the minimum (``2.16.0rc1`` for ``2.16``) counts as too old; a version
    string that is not PEP 440 (a local build) is given the benefit of the doubt.
    """
    try:
        return Version(found) < Version(minimum)
    except InvalidVersion:
        return False


def version_problems(requirements: dict[str, str]) -> list[str]:
    """List the packages that are missing or older than required, as readable sentences.

    Examples
    --------
    >>> version_problems({"numpy": "1.0"})
    []
    >>> version_problems({"no-such-package-xyz": "1.0"})
    ['no-such-package-xyz is not installed (need >= 1.0)']
    >>> version_problems({"numpy": "999.0"})[0].endswith("is too old (need >= 999.0)")
    True
    """
    problems = []
    for name, minimum in requirements.items():
        found = _installed_version(name)
        if found is None:
            problems.append(f"{name} is not installed (need >= {minimum})")
            continue
        if _too_old(found, minimum):
            problems.append(f"{name} {found} is too old (need >= {minimum})")
    return problems


def setup_notebook(seed: int = 42, *, keras: bool = False, style: bool = True, quiet=False):
    """Prepare a notebook: check versions, apply the figure style, seed the generators.

    Parameters
    ----------
    seed : int, default 42
        Seeds Python's ``random``, NumPy's legacy global generator and (with ``keras=True``)
        Keras/TensorFlow, and seeds the returned generator. Also sets
        ``TF_CPP_MIN_LOG_LEVEL=2`` (unless already set) so that a later TensorFlow import does
        not print its C++ start-up messages into the notebook.
    keras : bool, default False
        Also check TensorFlow/Keras versions and call ``keras.utils.set_random_seed``
        (imports TensorFlow, which takes a few seconds).
    style : bool, default True
        Apply :func:`cnnlab.plotting.use_style` (large fonts for a projector).
    quiet : bool, default False
        Do not print the one-line summary.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``seed``, for the notebook's own random numbers.

    Raises
    ------
    RuntimeError
        If a required package is missing or too old, naming each and how to update.

    Examples
    --------
    >>> rng = setup_notebook(seed=0, style=False, quiet=True)
    >>> float(rng.random()) == float(np.random.default_rng(0).random())
    True
    """
    requirements = dict(MINIMUM_VERSIONS, **(_KERAS_MINIMUM if keras else {}))
    problems = version_problems(requirements)
    if problems:
        raise RuntimeError(
            "This notebook needs newer packages: "
            + "; ".join(problems)
            + ". Run `make lab` from the repository (it installs the right versions), or "
            "`pip install -U cnnlab` in this environment, then restart the kernel."
        )
    # Keep TensorFlow's C++ start-up chatter out of learners' notebooks (read when TF is imported).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (libraries that use the legacy global generator)
    if keras:
        import keras as _keras

        _keras.utils.set_random_seed(seed)
    if style:
        from . import plotting

        plotting.use_style()
    if not quiet:
        from . import __version__

        libs = ["numpy", "matplotlib", "ipywidgets", "scikit-image"]
        libs += ["tensorflow", "keras"] if keras else []
        versions = " · ".join(f"{name} {_installed_version(name)}" for name in libs)
        print(f"cnnlab {__version__} · {versions} · seed {seed}")
    return np.random.default_rng(seed)
