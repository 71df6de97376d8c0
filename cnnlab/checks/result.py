"""What a check returns: a :class:`Result` that displays as a green "Correct" or an orange
"Not yet" box, and how an unfinished exercise (``...``, ``None``) is recognised.

A checker never raises because of the learner's answer: an unfinished stub, a wrong shape or
an exception inside the learner's function all become a failing :class:`Result` with a hint,
so a notebook always runs top to bottom.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

__all__ = ["Result", "UNFINISHED", "correct", "is_unfinished", "wrong"]


@dataclass(frozen=True)
class Result:
    """Outcome of a check: ``passed`` and a message for the learner.

    Displays as a green "Correct" or an orange "Not yet" box in a notebook, and is truthy
    only when the answer passed.

    Examples
    --------
    >>> bool(correct("4 is right."))
    True
    >>> wrong("off by one").message
    'off by one'
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return ("✅ Correct! " if self.passed else "❌ Not yet. ") + self.message

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour, border, head = (
            ("#e6f4ea", "#1e7e34", "✅ Correct!")
            if self.passed
            else ("#fff4e5", "#b35c00", "❌ Not yet.")
        )
        body = html.escape(self.message).replace("\n", "<br>")
        return (
            f'<div class="cnnlab-check" style="background:{colour};border-left:6px solid {border};'
            f'padding:0.6em 1em;font-size:1.1em;color:#111"><b>{head}</b> {body}</div>'
        )


def correct(message: str = "") -> Result:
    """A passing result."""
    return Result(True, message)


def wrong(message: str) -> Result:
    """A failing result with a hint."""
    return Result(False, message)


#: The message for an unfinished exercise (``...`` or ``None`` still in the cell).
UNFINISHED = "Replace the `...` (or `None`) in the exercise cell with your answer, then run it."


def is_unfinished(answer) -> bool:
    """Whether ``answer`` is still an exercise stub: ``...`` or ``None``, also inside a list, a
    tuple or an object array (``np.array(...)``, ``[[1, 2], [..., 4]]``).

    Parameters
    ----------
    answer : object
        Anything a learner may have assigned.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_unfinished(...), is_unfinished(np.array(...)), is_unfinished([[1, 2], [None, 4]])
    (True, True, True)
    >>> is_unfinished(np.zeros((2, 2))), is_unfinished(0)
    (False, False)
    """
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, np.ndarray):
        return answer.dtype == object and any(is_unfinished(v) for v in answer.flat)
    if isinstance(answer, list | tuple):
        return any(is_unfinished(v) for v in answer)
    return False
