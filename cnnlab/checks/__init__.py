"""Exercise checkers for the notebooks.

Each checker compares a learner's answer (a number, an array, or a function they wrote) with
cnnlab's reference on several cases, including edge cases, and returns a
:class:`~cnnlab.checks.Result` that displays as "Correct" or as a specific hint. Checkers live
in one submodule per group of notebooks and are all reachable from here::

    cnnlab.checks.basics      notebooks 00-04 (images, convolution, Sobel, padding, stride)
    cnnlab.checks.layers      notebooks 05-08 (pooling, activations, dropout, dense)
    cnnlab.checks.training    notebooks 09-10 (Keras CNN, learning filters)

so a notebook writes ``cnnlab.checks.check_output_size(my_output_size)``. The machinery they
share (:func:`check_cases`, :func:`run_case`, :func:`same`, :func:`show`, ...) lives in
``cnnlab.checks._core`` and is re-exported here for writing new checkers.
"""

from __future__ import annotations

import importlib

from ._core import (
    UNFINISHED,
    Result,
    as_floats,
    call_learner,
    call_quietly,
    call_text,
    changed_inputs,
    check_cases,
    claim,
    compare_array,
    compare_number,
    copy_arrays,
    correct,
    function_name,
    is_unfinished,
    returned_nothing,
    run_case,
    same,
    show,
    wrong,
)

__all__ = [
    "UNFINISHED",
    "Result",
    "as_floats",
    "call_learner",
    "call_quietly",
    "call_text",
    "changed_inputs",
    "check_cases",
    "claim",
    "compare_array",
    "compare_number",
    "copy_arrays",
    "correct",
    "function_name",
    "is_unfinished",
    "returned_nothing",
    "run_case",
    "same",
    "show",
    "wrong",
]

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
