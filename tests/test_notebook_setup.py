"""cnnlab.notebook: version checks in PEP 440 order (packaging), seeding."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlab import notebook


@pytest.mark.parametrize(
    ("found", "minimum", "too_old"),
    [
        ("2.16.0rc1", "2.16", True),  # a pre-release comes before the release
        ("2.16.0", "2.16", False),
        ("3.10.1", "3.8", False),  # 10 > 8, not "1" < "8"
        ("0.21.9", "0.22", True),
        ("1.26.4+local", "1.26", False),
        ("2.0.0.post1", "2.0", False),
    ],
)
def test_versions_compare_in_pep440_order(found, minimum, too_old):
    assert notebook._too_old(found, minimum) is too_old


def test_version_problems_are_sentences(monkeypatch):
    monkeypatch.setattr(notebook, "_installed_version", lambda name: {"a": "0.9"}.get(name))
    assert notebook.version_problems({"a": "1.0", "b": "2"}) == [
        "a 0.9 is too old (need >= 1.0)",
        "b is not installed (need >= 2)",
    ]


def test_setup_refuses_old_packages_with_a_fix(monkeypatch):
    monkeypatch.setattr(notebook, "_installed_version", lambda name: "0.1")
    with pytest.raises(RuntimeError, match=r"numpy 0\.1 is too old .*Run `make lab`"):
        notebook.setup_notebook(style=False, quiet=True)


def test_setup_seeds_numpy():
    rng = notebook.setup_notebook(seed=3, style=False, quiet=True)
    assert rng.random() == np.random.default_rng(3).random()
