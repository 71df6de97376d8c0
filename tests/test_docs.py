"""The written conventions are part of the repository and stay in step with it.

* Every relative link in README.md, CONTRIBUTING.md and ``docs/*.md`` names a file or folder that
  exists inside the repository: a clone has everything its documents point to.
* ``docs/curriculum.md`` has one section per numbered notebook, with the notebook's number and
  title, and no section for a notebook that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from _jupyter import ROOT, notebook_paths

DOCUMENTS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])
FENCE = re.compile(r"^(`{3,}).*?^\1\s*$", re.M | re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")
SECTION = re.compile(r"^## (\d\d) · (.+)$", re.M)


def relative_links(markdown: str) -> list[str]:
    """Link targets outside code blocks that are paths, not URLs or in-page anchors."""
    text = FENCE.sub("", markdown)
    targets = [t.split("#")[0] for t in LINK.findall(text)]
    return [t for t in targets if t and not re.match(r"^[a-z][a-z0-9+.-]*:", t)]


def test_relative_links_are_read_from_prose_only():
    text = (
        "See [a](docs/a.md#x), [b](https://x.org) and [c](#top).\n\n"
        "```markdown\n[d](not/a/link.md)\n```\n"
    )
    assert relative_links(text) == ["docs/a.md"]


def test_the_conventions_are_in_the_repository():
    assert (ROOT / "docs" / "curriculum.md").is_file()
    assert (ROOT / "docs" / "notebook-conventions.md").is_file()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_inside_the_repository(document):
    broken = []
    for target in relative_links(document.read_text()):
        path = (document.parent / target).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            broken.append(target)
    assert broken == [], f"{document.name} links to files a clone does not have: {broken}"


def _title(path: Path) -> str:
    first = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
    return first.removeprefix("#").strip()


def test_curriculum_has_a_section_per_notebook():
    sections = {number: title for number, title in SECTION.findall(_curriculum())}
    notebooks = {path.name[:2]: _title(path) for path in notebook_paths()}
    assert sorted(sections) == sorted(notebooks), "curriculum sections vs notebooks/NN-*.ipynb"
    for number, title in notebooks.items():
        # "03 · Padding" in the notebook; the curriculum's heading may add to it.
        name = title.split("·", 1)[1].strip().lower()
        assert name in sections[number].lower(), f"{number}: {title!r} vs {sections[number]!r}"


def _curriculum() -> str:
    return (ROOT / "docs" / "curriculum.md").read_text()
