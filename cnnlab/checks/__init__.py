"""Exercise checkers for the notebooks, one module per topic.

Each checker compares a learner's answer (a number, an array, or a function they wrote) with
cnnlab's reference on several cases, including edge cases, and returns a
:class:`~cnnlab.checks.Result` that displays as "Correct", or as the failing case with a hint for
the typical mistake it matches; a stub (``...``) gets a friendly "not yet", never an exception.
Each topic module's docstring lists its checkers and what the learner provides. A notebook
writes ``cnnlab.checks.check_output_size(my_output_size)``: every checker is reachable from
here, found in its topic's module on first use::

    cnnlab.checks.images           00 · Images as arrays
    cnnlab.checks.convolution      01 · Convolution
    cnnlab.checks.filters          02 · Sobel and other hand-made filters
    cnnlab.checks.padding          03 · Padding
    cnnlab.checks.stride           04 · Stride (and dilation)
    cnnlab.checks.pooling          05 · Pooling
    cnnlab.checks.learning         06 · How a network learns
    cnnlab.checks.channels         07 · Channels, 1×1 and transposed convolution
    cnnlab.checks.activations      08 · ReLU and softplus
    cnnlab.checks.dropout          09 · Dropout
    cnnlab.checks.dense            10 · The fully connected layer
    cnnlab.checks.keras_cnn        11 · A complete CNN in Keras
    cnnlab.checks.filter_learning  12 · Learning filters from data

A new checker goes into its topic's module (a new topic gets a new module, added to
``TOPICS``). The machinery they share is reachable from here too:

    cnnlab.checks.result    Result (the "Correct" / "Not yet" box), correct, wrong, is_unfinished
    cnnlab.checks.compare   same, show, compare_number, compare_array, …
    cnnlab.checks.cases     run_case, check_cases: the learner's function, safely, case by case
    cnnlab.checks.claims    claim: a statement of the prose as one line, never an exception
"""

from __future__ import annotations

import importlib

from . import cases, claims, compare, result

_MACHINERY = {
    name: module for module in (result, compare, cases, claims) for name in module.__all__
}

#: The topic modules, in the order of the notebooks.
TOPICS = (
    "images",
    "convolution",
    "filters",
    "padding",
    "stride",
    "pooling",
    "learning",
    "channels",
    "activations",
    "dropout",
    "dense",
    "keras_cnn",
    "filter_learning",
)

__all__ = ["TOPICS", *sorted(_MACHINERY)]


def __getattr__(name):
    """A name of the shared machinery, a topic module, or a checker from its topic module."""
    if name in _MACHINERY:
        return getattr(_MACHINERY[name], name)
    if name in TOPICS:
        return importlib.import_module(f".{name}", __name__)
    if name.startswith("check_"):
        for topic in TOPICS:
            try:
                module = importlib.import_module(f".{topic}", __name__)
            except ModuleNotFoundError as err:
                if err.name == f"{__name__}.{topic}":
                    continue
                raise
            if name in getattr(module, "__all__", ()):
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(TOPICS))
