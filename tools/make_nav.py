"""Generate the navigation cells of every numbered notebook and the index notebook.

Each ``notebooks/NN-*.ipynb`` carries two markdown cells tagged ``nav`` (the 2nd and the last
cell) with "← previous · index · next →" links; ``notebooks/index.ipynb`` lists every notebook
in order with a one-line description taken from the first sentence of its title cell, and says
how to use the collection. Run after adding, renaming or retitling a notebook::

    python tools/make_nav.py            # rewrite what is stale (idempotent)
    python tools/make_nav.py --check    # exit 1 and list stale notebooks and broken links

Links are relative (``03-padding.ipynb``), so they work in JupyterLab, Voilà and on GitHub.
The nav cells are generated: never edit them by hand (``--check`` runs in the tests).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
INDEX_NAME = "index.ipynb"
NAV_TAG = "nav"
NOTEBOOK_PATTERN = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
TITLE_PATTERN = re.compile(r"^#\s+(\d\d)\s*·\s*(.+?)\s*$")
# The first sentence ends at . ! or ? followed by whitespace and a capital (or the end), so
# "e.g. a kernel" and "3.5" do not end it.
SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z0-9\"“(\[*_]|\s*$)")
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""<(?:img|a)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)

INDEX_TITLE = "# cnnlab · Convolutional neural networks, interactively"
INDEX_INTRO = (
    "A hands-on course on convolutional neural networks (CNNs): from an image as an array of "
    "numbers to a trained network that learns its own filters. Every notebook has sliders to "
    "explore the idea live, exercises that check your answers, and runs on its own in under a "
    "minute (the complete CNN in about three)."
)
INDEX_PREREQUISITES = (
    "**Before you start.** You need Python and NumPy basics (arrays, indexing, small "
    "functions); no machine-learning background. Notebook 00 recalls what a *neuron* and a "
    "*layer* are, and notebook 06 teaches how a network learns (a *loss*, *gradient descent*, "
    "backpropagation, *mini-batches* and *epochs*, a *validation set* and Adam) before the "
    "later notebooks use these words."
)
DASHBOARD_NAME = "dashboard.ipynb"
DASHBOARD_LINE = (
    "- **Classroom dashboard.** [The dashboard](dashboard.ipynb) puts the convolution and "
    "step-through explorers on one page; serve it without code with "
    "`.venv/bin/voila notebooks/dashboard.ipynb`."
)
INDEX_USAGE = """## How to use these notebooks

- **Run All.** Open a notebook and choose **Run → Run All Cells** (or **Kernel → Restart \
Kernel and Run All Cells…** for a clean start). Each notebook runs top to bottom on its own, \
offline, so you can start anywhere; following the order above builds the ideas step by step.
- **Sliders.** The *Explore* section of every notebook has sliders for **kernel size**, \
**stride** and **padding** (plus the topic's own controls). Drag a handle, or click it and \
use the arrow keys; the picture and the numbers next to it update at once.
- **Exercises.** Each exercise has a code cell for your answer: replace the `...`, run it, \
then run the *check* cell below it. It says **Correct** or gives a specific hint. Under the \
check, a **Show a solution** block opens with a click; it is text, so Run All never runs it \
and never overwrites your answer. To try a solution, copy its code into the exercise cell.
- **Getting around.** The links at the top and bottom of every notebook lead to the \
previous notebook, back here, and to the next one.
- **Lecturers.** Every cell carries slide metadata, so each notebook presents as a slide \
deck with RISE.

To run the notebooks on your own computer: `make lab` in the repository (it installs \
everything into `.venv` and opens this page)."""


@dataclass(frozen=True)
class Entry:
    """One numbered notebook: its file name, number, title and one-line description."""

    name: str
    number: str
    title: str
    description: str

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}"


def numbered_notebooks(notebooks_dir: Path) -> list[Path]:
    """The ``NN-kebab-title.ipynb`` files of ``notebooks_dir``, in teaching order."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if NOTEBOOK_PATTERN.match(p.name))


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph of ``text`` (markdown, headings skipped).

    >>> first_sentence("# 03 · Padding\\n\\nWithout padding, maps shrink. So we pad.")
    'Without padding, maps shrink.'
    >>> first_sentence("# 04 · Stride\\n\\nA stride of 2, e.g. in ResNet, halves the map.")
    'A stride of 2, e.g. in ResNet, halves the map.'
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text)]
    for paragraph in paragraphs:
        if not paragraph or paragraph.startswith("#"):
            continue
        flat = " ".join(line.strip() for line in paragraph.splitlines())
        match = SENTENCE_END.search(flat)
        return flat[: match.end()] if match else flat
    return ""


def read_entry(path: Path) -> Entry:
    """Number, title and description of a notebook, from its title cell (the first cell)."""
    nb = nbformat.read(path, as_version=4)
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        raise ValueError(f"{path.name}: the first cell must be the markdown title cell")
    source = _source(nb.cells[0])
    heading = source.strip().splitlines()[0] if source.strip() else ""
    match = TITLE_PATTERN.match(heading)
    if not match:
        raise ValueError(
            f"{path.name}: the title cell must start with '# NN · Title'; found {heading!r}"
        )
    number, title = match.groups()
    return Entry(path.name, number, title, first_sentence(source))


def nav_markdown(entries: list[Entry], position: int) -> str:
    """The "← previous · index · next →" line for ``entries[position]``."""
    parts = []
    if position > 0:
        prev = entries[position - 1]
        parts.append(f"[← {prev.label}]({prev.name})")
    parts.append(f"[Index]({INDEX_NAME})")
    if position < len(entries) - 1:
        nxt = entries[position + 1]
        parts.append(f"[{nxt.label} →]({nxt.name})")
    return " · ".join(parts)


def _nav_cell(source: str, cell_id: str):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    cell.metadata = {"slideshow": {"slide_type": "skip"}, "tags": [NAV_TAG]}
    return cell


def _unique_id(nb, wanted: str) -> str:
    taken = {cell.get("id") for cell in nb.cells}
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def with_nav(nb, source: str):
    """A copy of ``nb`` whose 2nd and last cells are nav cells with ``source``.

    Missing nav cells are inserted (tagged ``nav``, slide type ``skip``); nav-tagged cells
    anywhere else are removed, since nav cells are generated.
    """
    nb = copy.deepcopy(nb)
    cells = nb.cells
    top = cells[1] if len(cells) > 1 and NAV_TAG in _tags(cells[1]) else None
    bottom = cells[-1] if len(cells) > 2 and NAV_TAG in _tags(cells[-1]) else None
    nb.cells = [c for c in cells if NAV_TAG not in _tags(c) or c is top or c is bottom]
    if top is None:
        top = _nav_cell(source, _unique_id(nb, "nav-top"))
        nb.cells.insert(1, top)
    if bottom is None:
        bottom = _nav_cell(source, _unique_id(nb, "nav-bottom"))
        nb.cells.append(bottom)
    for cell in (top, bottom):
        cell.source = source
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        cell.metadata.setdefault("slideshow", {"slide_type": "skip"})
    return nb


def index_notebook(entries: list[Entry], *, dashboard: bool = False):
    """The index notebook: title, the notebooks in order with one line each, how to use them
    (and the classroom dashboard, when the folder has one)."""
    usage = INDEX_USAGE
    if dashboard:
        last_bullet_end = usage.index("\n\nTo run the notebooks")
        usage = f"{usage[:last_bullet_end]}\n{DASHBOARD_LINE}{usage[last_bullet_end:]}"
    lines = [f"- [**{e.label}**]({e.name}) — {e.description}".rstrip(" —") for e in entries]
    listing = "## The notebooks\n\n" + "\n".join(lines) if lines else "## The notebooks\n"
    cells = []
    for cell_id, source, slide in (
        ("index-title", f"{INDEX_TITLE}\n\n{INDEX_INTRO}\n\n{INDEX_PREREQUISITES}", "slide"),
        ("index-notebooks", listing, "slide"),
        ("index-usage", usage, "slide"),
    ):
        cell = nbformat.v4.new_markdown_cell(source)
        cell.id = cell_id
        cell.metadata = {"slideshow": {"slide_type": slide}}
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    return nb


def _normalised(nb) -> str:
    return json.dumps(nb, sort_keys=True, ensure_ascii=False)


def _links(nb):
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = _source(cell)
        yield from MARKDOWN_LINK.findall(text) + HTML_LINK.findall(text)


def broken_links(notebooks_dir: Path) -> list[str]:
    """Relative links in markdown cells (notebooks, images, files) whose target is missing."""
    problems = []
    paths = numbered_notebooks(notebooks_dir)
    index = notebooks_dir / INDEX_NAME
    for path in paths + ([index] if index.exists() else []):
        nb = nbformat.read(path, as_version=4)
        for target in _links(nb):
            parsed = urlparse(target)
            if parsed.scheme or parsed.netloc or target.startswith("#") or not parsed.path:
                continue
            if not (path.parent / unquote(parsed.path)).exists():
                problems.append(f"{path.name}: link to missing file {target!r}")
    return problems


def plan(notebooks_dir: Path) -> dict[Path, object]:
    """Map every file that must change to its new content (empty when all are current)."""
    paths = numbered_notebooks(notebooks_dir)
    entries = [read_entry(p) for p in paths]
    seen = {}
    for entry in entries:
        if entry.number in seen:
            raise ValueError(f"{entry.name} and {seen[entry.number]} share number {entry.number}")
        seen[entry.number] = entry.name
        if not entry.name.startswith(entry.number + "-"):
            raise ValueError(f"{entry.name}: its title says {entry.number}, its file name does not")
    changes = {}
    for position, path in enumerate(paths):
        current = nbformat.read(path, as_version=4)
        updated = with_nav(current, nav_markdown(entries, position))
        if _normalised(updated) != _normalised(current):
            changes[path] = updated
    index_path = notebooks_dir / INDEX_NAME
    index = index_notebook(entries, dashboard=(notebooks_dir / DASHBOARD_NAME).exists())
    if not index_path.exists() or _normalised(
        nbformat.read(index_path, as_version=4)
    ) != _normalised(index):
        changes[index_path] = index
    return changes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if anything is stale"
    )
    parser.add_argument(
        "--dir", type=Path, default=NOTEBOOKS_DIR, help="notebooks folder (default: notebooks/)"
    )
    args = parser.parse_args(argv)
    try:
        changes = plan(args.dir)
    except ValueError as err:
        print(f"make_nav: {err}", file=sys.stderr)
        return 2
    if args.check:
        problems = [f"{p.name}: navigation or index is stale" for p in changes]
        problems += broken_links(args.dir)
        for problem in problems:
            print(problem)
        if problems:
            print("Run `python tools/make_nav.py` (or `make nav`) to regenerate.", file=sys.stderr)
        return 1 if problems else 0
    for path, nb in changes.items():
        nbformat.validate(nb)
        nbformat.write(nb, path)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    for problem in broken_links(args.dir):
        print(f"warning: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
