"""A notebook opens as a RISE slideshow from JupyterLab, and every slide fits a 1280×720 screen.

The test copies the notebook (and ``imgs/``, which its markdown figures link to as
``../imgs/...``) into a temporary folder and serves that with JupyterLab, because RISE saves
the notebook before it shows it. It opens the notebook in JupyterLab, runs jupyterlab-rise's
command ``RISE:slideshow`` ("Open as Reveal Slideshow": the notebook as a full-window
slideshow in a new tab), gives that tab a 1280×720 viewport and pages through it with the
space bar (reveal.js's "next": every slide, sub-slide and fragment), until a press changes
nothing. On each step every visible part of the current slide (cells, editors, pictures,
tables, outputs) must lie inside the viewport, and the slides visited must be the notebook's
``slide`` and ``subslide`` cells. Screenshots of slides that do not fit go to
``test-artifacts/``.

The slideshow is the notebook as committed (no outputs: a lecturer runs the cells during the
talk). ``CNNLAB_SLIDES_EXECUTED=1`` executes it first and shows its outputs too;
``CNNLAB_SLIDES_NOTEBOOKS=all`` (or ``03-padding.ipynb,04-stride.ipynb``) checks other
notebooks. Needs Chromium and Playwright, like ``tests/test_browser.py``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from _jupyter import NOTEBOOKS_DIR, ROOT, execute_notebook, notebook_paths, start_jupyterlab
from test_browser import (
    _wait,
)

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 720}
ARTIFACTS = ROOT / "test-artifacts"
#: Every slide of this notebook fits the screen as committed (so do 12's); see the module
#: docstring for checking others.
DEFAULT_NOTEBOOKS = ["00-images-as-arrays.ipynb"]
#: Boxes may stick out by this much (sub-pixel rounding of the layout).
TOLERANCE_PX = 1


def _selected() -> list[Path]:
    wanted = os.environ.get("CNNLAB_SLIDES_NOTEBOOKS", "").strip()
    if wanted == "all":
        return notebook_paths()
    names = [n.strip() for n in wanted.split(",") if n.strip()] or DEFAULT_NOTEBOOKS
    missing = [n for n in names if not (NOTEBOOKS_DIR / n).is_file()]
    if missing:
        raise ValueError(
            f"CNNLAB_SLIDES_NOTEBOOKS names {missing}, not in notebooks/; valid: 'all' or "
            + ", ".join(p.name for p in notebook_paths())
        )
    return [NOTEBOOKS_DIR / n for n in names]


SELECTED = _selected()

# The current reveal.js step: horizontal and vertical slide index, fragments shown, the slide's
# first line of text, and every visible part of it that leaves the viewport.
JS_STEP = """(tolerance) => {
  const W = window.innerWidth, H = window.innerHeight;
  const horizontal = [...document.querySelectorAll('.reveal .slides > section')];
  const h = horizontal.findIndex(s => s.classList.contains('present'));
  if (h < 0) return null;
  const vertical = [...horizontal[h].querySelectorAll(':scope > section')];
  const v = vertical.findIndex(s => s.classList.contains('present'));
  const slide = v >= 0 ? vertical[v] : horizontal[h];
  const shown = el => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    if (el.closest('.fragment:not(.visible)')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const parts = [...slide.querySelectorAll(
    '.jp-Cell, .cm-content, .jp-OutputArea-output, img, canvas, svg, table, video, .widget-box'
  )].filter(shown);
  const outside = [];
  for (const el of parts) {
    const r = el.getBoundingClientRect();
    if (r.left < -tolerance || r.top < -tolerance || r.right > W + tolerance
        || r.bottom > H + tolerance) {
      const name = el.tagName.toLowerCase() + [...el.classList].slice(0, 2).map(c => '.' + c).join('');
      outside.push(`${name} spans x ${Math.round(r.left)}..${Math.round(r.right)}, `
                   + `y ${Math.round(r.top)}..${Math.round(r.bottom)}`);
    }
  }
  const text = (slide.innerText || '').trim().split('\\n')[0].slice(0, 60);
  return {
    h: h, v: v < 0 ? 0 : v,
    fragments: slide.querySelectorAll('.fragment.visible').length,
    parts: parts.length, text: text, outside: outside,
    width: W, height: H,
  };
}"""


def expected_slides(nb) -> int:
    """How many slides and sub-slides RISE makes of ``nb``: one per ``slide``/``subslide``
    cell, plus one if the first cell shown starts none (skipped and notes cells show none)."""
    types = [
        cell.metadata.get("slideshow", {}).get("slide_type", "-")
        for cell in nb.cells
        if cell.metadata.get("slideshow", {}).get("slide_type", "-") not in ("skip", "notes")
    ]
    starts = sum(t in ("slide", "subslide") for t in types)
    return starts + (1 if types and types[0] not in ("slide", "subslide") else 0)


def test_expected_slides_counts_slide_and_subslide_starts():
    def nb(*types):
        cells = [nbformat.v4.new_markdown_cell("x") for _ in types]
        for cell, kind in zip(cells, types, strict=True):
            cell.metadata["slideshow"] = {"slide_type": kind}
        return nbformat.v4.new_notebook(cells=cells)

    assert expected_slides(nb("slide", "skip", "subslide", "-", "fragment", "slide")) == 3
    assert expected_slides(nb("skip", "-", "slide", "notes")) == 2


@pytest.fixture(scope="module")
def lab():
    """JupyterLab serving a temporary copy of the selected notebooks and imgs/."""
    root = Path(tempfile.mkdtemp(prefix="cnnlab-slides-"))
    (root / "notebooks").mkdir()
    shutil.copytree(ROOT / "imgs", root / "imgs")
    for path in SELECTED:
        target = root / "notebooks" / path.name
        if os.environ.get("CNNLAB_SLIDES_EXECUTED") == "1":
            result = execute_notebook(path)
            assert result.failure is None, f"{path.name}: {result.failure}"
            nbformat.write(result.nb, target)
        else:
            shutil.copyfile(path, target)
    server, token = start_jupyterlab(root)
    yield {"server": server, "token": token, "root": root}
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def _open_slideshow(context, lab, rel: str):
    """Open ``rel`` in JupyterLab, then run RISE's "Open as Reveal Slideshow" on it."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{lab['server'].base_url}/lab/tree/{rel}?token={lab['token']}")
    _wait(
        page,
        lambda: page.evaluate(
            """(p) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                        return !!(w && w.context && w.context.path === p && w.content
                                  && w.content.widgets && w.content.widgets.length); }""",
            rel,
        ),
        120,
        f"{rel} to open in JupyterLab",
    )
    commands = page.evaluate("() => window.jupyterapp.commands.listCommands()")
    assert "RISE:slideshow" in commands, "jupyterlab-rise is not installed in this JupyterLab"
    with page.expect_popup() as popup:
        page.evaluate("() => window.jupyterapp.commands.execute('RISE:slideshow')")
    slideshow = popup.value
    slideshow.set_viewport_size(SCREEN)
    slideshow.set_default_timeout(60_000)
    slideshow.wait_for_selector(".reveal.ready .slides section.present")
    return page, slideshow


def _settled(page):
    """The current step once the slide stopped moving (transitions over, pictures laid out)."""
    previous = None
    for _ in range(40):
        now = page.evaluate(JS_STEP, TOLERANCE_PX)
        if now is not None and now == previous:
            return now
        previous = now
        page.wait_for_timeout(250)
    return previous


@pytest.mark.parametrize("path", SELECTED, ids=[p.stem for p in SELECTED])
def test_slideshow_pages_through_and_every_slide_fits_1280x720(chromium, lab, path):
    rel = f"notebooks/{path.name}"
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page, slideshow = _open_slideshow(context, lab, rel)
        address = slideshow.url.split("#")[0].split("?")[0]
        assert address.endswith(f"/rise/{rel}"), slideshow.url
        _settled(slideshow)
        slideshow.screenshot(path=str(ARTIFACTS / f"slides-{path.stem}.png"))  # the title slide
        nb = nbformat.read(path, as_version=4)
        steps, overflowing = [], []
        while len(steps) < 500:
            step = _settled(slideshow)
            assert step is not None, "the slideshow shows no current slide"
            key = (step["h"], step["v"], step["fragments"])
            if steps and key == steps[-1]:
                break  # the space bar changed nothing: the last step
            steps.append(key)
            assert (step["width"], step["height"]) == (SCREEN["width"], SCREEN["height"])
            assert step["parts"] > 0, f"slide {key} shows nothing"
            if step["outside"]:
                shot = ARTIFACTS / f"FAILED-slides-{path.stem}-{len(steps):02d}.png"
                slideshow.screenshot(path=str(shot))
                overflowing.append(
                    f"slide {step['h'] + 1}.{step['v'] + 1} ({step['text']!r}, "
                    f"{step['fragments']} fragments shown): " + "; ".join(step["outside"][:3])
                )
            slideshow.keyboard.press("Space")
        visited = {(h, v) for h, v, _ in steps}
        assert len(visited) == expected_slides(nb), (
            f"visited {len(visited)} slides and sub-slides, the notebook has {expected_slides(nb)}"
        )
        assert overflowing == [], (
            f"{len(overflowing)} of {len(steps)} steps do not fit "
            f"{SCREEN['width']}×{SCREEN['height']}:\n" + "\n".join(overflowing)
        )
    except Exception:
        print(lab["server"].log_tail())
        raise
    finally:
        context.close()
