"""The notebooks work where people use them: JupyterLab and a Voilà dashboard, in Chromium.

One JupyterLab server and one headless Chromium page serve every notebook of the session: the
test opens the notebook, runs all cells from the Run menu, waits for the kernel to finish
(every code cell gets an execution count), then focuses the "kernel size" slider's handle,
presses ArrowRight and waits for the explorer's picture and its readout text to change.
Screenshots go to ``test-artifacts/`` (one per notebook, plus ``FAILED-*`` on failure).

Needs Debian's Chromium (``apt-get install chromium``); without it these tests skip, unless
``CNNLAB_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from _jupyter import (
    CHROMIUM,
    EXPLORER_CELLS,
    FIXTURE_NOTEBOOK,
    ROOT,
    budget_seconds,
    notebook_paths,
    start_jupyterlab,
    start_voila,
    write_explorer_notebooks,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOKS = notebook_paths()
CASES = [FIXTURE_NOTEBOOK, *NOTEBOOKS]
CASE_IDS = ["fixture", *(p.stem for p in NOTEBOOKS)]
# The Voilà classroom dashboard of README.md (notebooks/dashboard.ipynb: the convolution and
# step-through explorers, no markdown images, because Voilà 0.5 cannot inline an image outside
# the notebook's folder and then never finishes the page); CNNLAB_VOILA_NOTEBOOK=path/to.ipynb
# (relative to the repository) picks another.
VOILA_NOTEBOOK = ROOT / os.environ.get("CNNLAB_VOILA_NOTEBOOK", "notebooks/dashboard.ipynb")
# Explorers that show no picture (the readout text must still change), with the reason.
EXPLORERS_WITHOUT_PICTURE = {
    "11": "the architecture explorer shows each layer's shape and parameter count as a table",
}
KERNEL_SIZE_LABEL = re.compile(r"^\s*kernel size\s*:?\s*$", re.I)

# JavaScript run in the page. ``window.jupyterapp`` exists because the server runs with
# --LabApp.expose_app_in_browser; it is used to read state, never to drive the notebook.
JS_CURRENT = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || !w.sessionContext || !w.content || !w.content.widgets) return null;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const errors = [];
  for (const c of cells) {
    for (const o of c.model.outputs.toJSON()) {
      if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
    }
  }
  return {
    path: w.context.path,
    kernel: kernel ? kernel.status : null,
    counts: cells.map(c => c.model.executionCount),
    errors: errors,
  };
}"""
JS_SNAPSHOT = """(handle) => {
  const area = handle.closest('.jp-OutputArea-output') || document.body;
  const pictures = [...area.querySelectorAll('img')].map(i => i.src);
  for (const c of area.querySelectorAll('canvas')) {
    try { pictures.push(c.toDataURL()); } catch (e) { pictures.push(''); }
  }
  for (const d of area.querySelectorAll('.cnnlab-picture svg')) pictures.push(d.outerHTML);
  const clone = area.cloneNode(true);
  clone.querySelectorAll('.widget-slider, .widget-readout, .widget-label, style, script')
       .forEach(e => e.remove());
  return {
    value: handle.getAttribute('aria-valuenow'),
    pictures: pictures,
    text: clone.textContent.replace(/\\s+/g, ' ').trim(),
  };
}"""
JS_CLOSE = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.sessionContext.shutdown();
  w.context.model.dirty = false;  // close without saving: nothing is written to the repo
  w.close();
}"""


def _require_browser():
    message = None
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(Debian/Ubuntu) to run the browser tests"
        )
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            message = "Python playwright is missing: `make test` installs it (the test extra)"
    if message is None:
        return
    if os.environ.get("CNNLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (CNNLAB_REQUIRE_BROWSER=1 makes this a failure)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def lab(chromium):
    """One JupyterLab server and one page, shared by every notebook."""
    server, token = start_jupyterlab(ROOT)
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    state = {"server": server, "token": token, "page": page, "loaded": False}
    yield state
    page.close()
    server.stop()


def _screenshot(page, name: str, handle=None) -> Path:
    """Save the page, or the whole explorer around ``handle``, to test-artifacts/NAME.png."""
    path = ARTIFACTS / f"{name}.png"
    if handle is not None:
        area = handle.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")
        try:
            area.screenshot(path=str(path), timeout=10_000)
            return path
        except Exception:  # e.g. the explorer was re-rendered: shoot the page instead
            pass
    page.screenshot(path=str(path))
    return path


def _wait(page, predicate, timeout: float, what: str, poll: float = 0.25):
    """Poll ``predicate()`` (Python, may read the page) until truthy; fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(poll * 1000)


def _open(lab, path: Path):
    page, rel = lab["page"], path.relative_to(ROOT).as_posix()
    if not lab["loaded"]:
        page.goto(f"{lab['server'].base_url}/lab/tree/{rel}?token={lab['token']}")
        lab["loaded"] = True
    else:
        page.evaluate(
            "async (p) => { await window.jupyterapp.commands.execute('docmanager:open', {path: p}); }",
            rel,
        )

    def ready():
        current = page.evaluate(JS_CURRENT)
        return (
            current if current and current["path"] == rel and current["kernel"] == "idle" else None
        )

    _wait(page, ready, 120, f"{rel} to open with an idle kernel")


def _run_all(page, path: Path):
    """Run → Run All Cells; retry when a fresh JupyterLab drops the first request."""
    budget = budget_seconds(path)
    for attempt in range(3):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            _wait(
                page,
                lambda: (
                    (s := page.evaluate(JS_CURRENT))
                    and (s["kernel"] != "idle" or any(c is not None for c in s["counts"]))
                ),
                30,
                "Run All to start",
            )
            break
        except AssertionError:
            if attempt == 2:
                raise

    def finished():
        s = page.evaluate(JS_CURRENT)
        return s if s["kernel"] == "idle" and all(c is not None for c in s["counts"]) else None

    state = _wait(page, finished, 2 * budget + 60, "every code cell to run (kernel idle)")
    counts = state["counts"]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), counts
    return state


def _kernel_size_handle(page):
    sliders = page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=KERNEL_SIZE_LABEL),
        has_not=page.locator(".noUi-target[disabled]"),  # a fixed kernel shows a disabled one
    )
    _wait(page, lambda: sliders.count() > 0, 60, "an enabled slider labelled 'kernel size'")
    handle = sliders.first.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    return handle


def _move_and_check(page, handle, name: str, *, picture: bool = True):
    """Press ArrowRight on the handle (ArrowLeft if at the maximum); picture and text change."""
    before = handle.evaluate(JS_SNAPSHOT)
    if picture:
        assert before["pictures"], (
            "the explorer shows no picture (<img>, <canvas>, <svg>) beside it"
        )
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    if handle.get_attribute("aria-valuenow") == before["value"]:
        page.keyboard.press("ArrowLeft")  # the slider sat at its maximum
    _wait(
        page,
        lambda: handle.get_attribute("aria-valuenow") != before["value"],
        10,
        "the kernel-size slider to move with the keyboard",
    )

    def changed():
        now = handle.evaluate(JS_SNAPSHOT)
        # A new picture must appear (a changed feature map), not just one disappear.
        new_picture = not picture or bool(set(now["pictures"]) - set(before["pictures"]))
        return now if new_picture and now["text"] != before["text"] else None

    try:
        after = _wait(page, changed, 60, "the feature map and the readout to change")
    except AssertionError:
        now = handle.evaluate(JS_SNAPSHOT)
        _screenshot(page, f"FAILED-{name}", handle)
        raise AssertionError(
            f"after moving kernel size {before['value']} -> {now['value']}: new picture: "
            f"{bool(set(now['pictures']) - set(before['pictures']))}; text before "
            f"{before['text'][:300]!r}, after {now['text'][:300]!r}"
        ) from None
    page.wait_for_timeout(500)  # let the new picture paint before the screenshot
    _screenshot(page, name, handle)
    return before, after


@pytest.mark.parametrize("path", CASES, ids=CASE_IDS)
def test_jupyterlab_run_all_and_move_kernel_size(lab, path):
    page = lab["page"]
    try:
        _open(lab, path)
        state = _run_all(page, path)
        assert state["errors"] == [], f"cells raised: {state['errors']}"
        assert page.get_by_text("Error displaying widget").count() == 0
        handle = _kernel_size_handle(page)
        picture = path.name[:2] not in EXPLORERS_WITHOUT_PICTURE
        _move_and_check(page, handle, f"lab-{path.stem}", picture=picture)
    except Exception:
        _screenshot(page, f"FAILED-lab-{path.stem}")
        print(lab["server"].log_tail())
        raise
    finally:
        if page.evaluate(JS_CURRENT):
            page.evaluate(JS_CLOSE)


MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def voila_blockers(path: Path) -> list[str]:
    """Markdown images that stop Voilà 0.5 rendering when it serves ``path`` from the repo.

    Voilà inlines ``![alt](src)`` images by looking ``src`` up relative to the folder it serves
    (the repository), not the notebook; a path leaving it (``../imgs/x.png``) raises "outside
    root contents directory" and the page hangs at "Executing N of M". An HTML
    ``<img src="../imgs/x.png" alt="...">`` is not inlined and does not break the page.
    """
    problems = []
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        for src in MARKDOWN_IMAGE.findall(cell.source):
            if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
                continue
            resolved = (ROOT / src).resolve()
            if not resolved.is_relative_to(ROOT):
                problems.append(f"cell {i}: ![...]({src})")
    return problems


def test_voila_blockers_finds_markdown_images_outside_the_served_folder(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("![a](../imgs/a.png) ![b](https://x.org/b.png)"),
        nbformat.v4.new_markdown_cell('<img src="../imgs/c.png" alt="c"> ![d](imgs/d.png)'),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert voila_blockers(path) == ["cell 0: ![...](../imgs/a.png)"]


def open_voila_page(page, server, notebook) -> None:
    """Load a Voilà page and wait for its widgets: no widget error, the three standard sliders."""
    timeout = (2 * budget_seconds(notebook) + 60) * 1000
    page.goto(server.base_url + "/", timeout=timeout)
    page.wait_for_selector(".widget-slider", timeout=timeout)
    assert page.get_by_text("Error displaying widget").count() == 0
    labels = page.locator(".widget-slider .widget-label").all_inner_texts()
    normal = {label.strip().rstrip(":").strip().lower() for label in labels}
    assert {"kernel size", "stride", "padding"} <= normal, labels


def test_voila_dashboard_reacts_to_keyboard(chromium):
    blockers = voila_blockers(VOILA_NOTEBOOK)
    assert blockers == [], (
        f"Voilà cannot render {VOILA_NOTEBOOK.name}: markdown images outside the served folder "
        "hang the page (write them as <img src=...> instead): " + "; ".join(blockers)
    )
    server = start_voila(VOILA_NOTEBOOK, ROOT)
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        open_voila_page(page, server, VOILA_NOTEBOOK)
        picture = VOILA_NOTEBOOK.name[:2] not in EXPLORERS_WITHOUT_PICTURE
        handle = _kernel_size_handle(page)
        _move_and_check(page, handle, f"voila-{VOILA_NOTEBOOK.stem}", picture=picture)
    except Exception:
        _screenshot(page, f"FAILED-voila-{VOILA_NOTEBOOK.stem}")
        print(server.log_tail())
        raise
    finally:
        page.close()
        server.stop()


# ------------------------------------------------------------------ projector layout
PROJECTOR = {"width": 1280, "height": 720}
MIN_FONT_PX = 16
# In the page, for the explorer around ``element`` scrolled to the top of the notebook: what is
# outside the visible part of the notebook, which labels are cut off, which text is too small,
# and which disabled controls give no reason. Boxes are compared with a 1-pixel tolerance.
JS_LAYOUT = """(element) => {
  const minFont = MIN_FONT;
  const MIN_TRACK = 100;  // pixels of slider track, to drag it with a mouse
  const area = element.closest('.jp-OutputArea-output');
  const explorer = area.querySelector('.cnnlab-explorer');
  explorer.scrollIntoView({block: 'start'});
  let scroller = explorer.closest('.jp-WindowedPanel-outer') || explorer.parentElement;
  while (scroller && !/(auto|scroll)/.test(getComputedStyle(scroller).overflowY)) {
    scroller = scroller.parentElement;
  }
  const s = scroller ? scroller.getBoundingClientRect() : {top: 0, left: 0, bottom: 1e9, right: 1e9};
  const view = {top: Math.max(0, s.top), left: Math.max(0, s.left),
                bottom: Math.min(innerHeight, s.bottom), right: Math.min(innerWidth, s.right)};
  const shown = (e) => e.offsetParent !== null && e.getClientRects().length > 0;
  const name = (e) => (e.querySelector('.widget-label') || e).textContent.trim().slice(0, 40)
    || e.className;
  const outside = (e) => {
    const r = e.getBoundingClientRect();
    return r.width < 1 || r.height < 1 || r.top < view.top - 1 || r.left < view.left - 1
      || r.bottom > view.bottom + 1 || r.right > view.right + 1;
  };
  const main = explorer.querySelector('.cnnlab-main-picture');
  const sliders = [...explorer.querySelectorAll('.widget-slider')].filter(shown)
    .filter(e => !e.classList.contains('mod-disabled') && !e.querySelector('[disabled]'));
  const out = [];
  if (main && outside(main)) out.push('main picture');
  for (const e of sliders) {
    if (outside(e)) out.push('slider ' + name(e));
    const track = e.querySelector('.slider-container') || e.querySelector('.noUi-target');
    const length = track ? track.getBoundingClientRect().width : 0;
    if (length < MIN_TRACK) out.push(`slider ${name(e)} squashed to ${Math.round(length)} px`);
  }
  const column = explorer.querySelector('.cnnlab-control-column');
  if (column) {  // no control sticks out of its column (cut off by the grid or the frame)
    const c = column.getBoundingClientRect();
    for (const e of column.querySelectorAll('.widget-inline-hbox, .widget-toggle-button')) {
      const r = e.getBoundingClientRect();
      if (shown(e) && (r.left < c.left - 1 || r.right > c.right + 1)) {
        out.push(`control sticking out of the controls column: ${name(e)} (${Math.round(r.left)}`
          + `-${Math.round(r.right)} px, the column ${Math.round(c.left)}-${Math.round(c.right)})`);
      }
    }
  }
  const cut = [];
  const labelled = '.widget-label, .widget-toggle-button, .widget-button, .widget-readout, '
    + '.cnnlab-caption, .widget-upload';
  for (const e of explorer.querySelectorAll(labelled)) {
    if (shown(e) && e.scrollWidth > e.clientWidth + 1) cut.push(e.textContent.trim());
  }
  const small = new Set(), cells = [];
  const walker = document.createTreeWalker(explorer, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode, e = t.parentElement;
    if (!t.textContent.trim() || !e || !shown(e) || e.closest('style, script, option')) continue;
    let px = parseFloat(getComputedStyle(e).fontSize);
    const drawing = e.closest('svg');
    if (drawing && drawing.viewBox.baseVal && drawing.viewBox.baseVal.width) {
      // SVG text is in the drawing's units: its size on screen is scaled with the drawing
      px *= drawing.getBoundingClientRect().width / drawing.viewBox.baseVal.width;
      px = Math.round(px * 10) / 10;
      if (e.closest('[data-cells]')) {  // numbers in grid cells: their size follows the cells
        cells.push(px);
        continue;
      }
    }
    if (px < minFont) small.add(`${t.textContent.trim().slice(0, 30)} (${px}px)`);
  }
  const unexplained = [];
  for (const e of explorer.querySelectorAll('.jupyter-widgets')) {
    const off = e.querySelector(':scope > [disabled], :scope > .noUi-target[disabled], '
      + ':scope .widget-toggle-button[disabled]') || e.matches('[disabled]');
    if (shown(e) && off && !e.closest('[title]')) unexplained.push(name(e));
  }
  return {outside: out, cut: cut, small: [...small], unexplained: unexplained,
          sliders: sliders.length, main: !!main, cells: cells,
          view: [view.left, view.top, view.right, view.bottom].map(Math.round)};
}""".replace("MIN_FONT", str(MIN_FONT_PX))


@pytest.fixture(scope="module")
def projector(chromium, tmp_path_factory):
    """JupyterLab serving one small notebook per explorer, a 1280×720 page, sidebars closed."""
    folder = tmp_path_factory.mktemp("explorers")
    write_explorer_notebooks(folder)
    server, token = start_jupyterlab(folder)
    page = chromium.new_page(viewport=PROJECTOR)
    page.set_default_timeout(60_000)
    state = {"server": server, "token": token, "page": page, "loaded": False, "root": folder}
    yield state
    page.close()
    server.stop()


@pytest.mark.parametrize("name", list(EXPLORER_CELLS))
def test_explorer_fits_a_projector(projector, name):
    """At 1280×720 the main picture and its sliders are in view together; labels whole, text big.

    Each explorer is scrolled to the top of the notebook; its main picture and every enabled
    slider must lie inside the visible part of the notebook (bounding boxes), no label, button
    or caption may be cut off (scrollWidth > clientWidth), every text must be at least 16 px,
    and a disabled control must say why (a tooltip).
    """
    page = projector["page"]
    path = projector["root"] / f"{name}.ipynb"
    rel = path.name
    try:
        if not projector["loaded"]:
            page.goto(f"{projector['server'].base_url}/lab/tree/{rel}?token={projector['token']}")
            projector["loaded"] = True
        else:
            page.evaluate(
                "async (p) => { await window.jupyterapp.commands.execute('docmanager:open', "
                "{path: p}); }",
                rel,
            )
        _wait(
            page,
            lambda: (s := page.evaluate(JS_CURRENT)) and s["path"] == rel and s["kernel"] == "idle",
            120,
            f"{rel} to open with an idle kernel",
        )
        page.evaluate(
            "() => { const s = window.jupyterapp.shell; s.collapseLeft(); s.collapseRight(); }"
        )
        state = _run_all(page, path)
        assert state["errors"] == [], f"cells raised: {state['errors']}"
        explorer = page.locator(".cnnlab-explorer").first
        explorer.wait_for()
        _wait(
            page,
            lambda: page.locator(".cnnlab-main-picture").count() > 0,
            60,
            "the explorer's main picture",
        )
        page.wait_for_timeout(800)  # pictures decoded and laid out
        report = explorer.evaluate(JS_LAYOUT)
        _screenshot(page, f"projector-{name}")
        print(name, "smallest numbers in grid cells (px):", sorted(report["cells"])[:3])
        assert report["main"], "no picture is marked as the explorer's main picture"
        assert report["sliders"] > 0, "no enabled slider found"
        assert report["outside"] == [], (
            f"not in view at 1280×720 with the explorer scrolled to the top (visible part "
            f"{report['view']}): {report['outside']}"
        )
        assert report["cut"] == [], f"labels cut off: {report['cut']}"
        assert report["small"] == [], f"text smaller than {MIN_FONT_PX} px: {report['small']}"
        assert report["unexplained"] == [], f"disabled without a tooltip: {report['unexplained']}"
    except Exception:
        _screenshot(page, f"FAILED-projector-{name}")
        print(projector["server"].log_tail())
        raise
    finally:
        if page.evaluate(JS_CURRENT):
            page.evaluate(JS_CLOSE)


def test_chromium_absence_is_reported(monkeypatch, tmp_path):
    """Without Chromium the tests skip with the install command, or fail when required."""
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CNNLAB_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        _require_browser()
    monkeypatch.setenv("CNNLAB_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="CNNLAB_REQUIRE_BROWSER=1"):
        _require_browser()
