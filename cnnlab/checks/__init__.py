"""Exercise checkers for the notebooks.

Each checker compares a learner's answer (a number, an array, or a function they wrote) with
cnnlab's reference on several cases, including edge cases, and returns a
:class:`~cnnlab.checks.Result` that displays as "Correct" or as a specific hint. Checkers live
in one submodule per group of notebooks and are all reachable from here::

    cnnlab.checks.basics      notebooks 00-04 (images, convolution, Sobel, padding, stride)
    cnnlab.checks.layers      notebooks 05-08 (pooling, activations, dropout, dense)
    cnnlab.checks.training    notebooks 09-10 (Keras CNN, learning filters)

so a notebook writes ``cnnlab.checks.check_output_size(my_output_size)``.
"""

from __future__ import annotations

import importlib

from ._core import Result, call_learner, compare_array, compare_number, correct, wrong

__all__ = ["Result", "call_learner", "compare_array", "compare_number", "correct", "wrong"]

_SUBMODULES = ("basics", "layers", "training")


def __getattr__(name):
    """Find a checker by name in the per-notebook submodules (imported on first use)."""
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name.startswith("check_"):
        for sub in _SUBMODULES:
            try:
                module = importlib.import_module(f".{sub}", __name__)
            except ModuleNotFoundError as err:
                if err.name == f"{__name__}.{sub}":
                    continue
                raise
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
