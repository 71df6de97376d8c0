"""The numbered notebooks render under Voilà, figures from ``../imgs/`` included.

Voilà serves one notebook from the notebook's folder and inlines markdown images through its
contents manager, which refuses ``../imgs/...``; the repository's ``voila.json`` makes it use
:class:`cnnlab.widgets.voila_images.NotebookFolderImages`, which reads them from the folder above.
The browser test serves a numbered notebook with Voilà as README.md says
(``voila notebooks/NN-....ipynb`` from the repository's top folder), and finds the explorer's
sliders, a figure of ``imgs/`` drawn (``naturalWidth > 0``), and the feature map changing when
the kernel-size slider moves.
"""

from __future__ import annotations

import json
import os
import re

import nbformat
import pytest
from _jupyter import ROOT, start_voila
from jupyter_server.services.contents.filemanager import FileContentsManager
from nbconvert.filters.markdown_mistune import MarkdownWithMath

from cnnlab.widgets.voila_images import NotebookFolderImages, image_beside_root

# A numbered notebook with figures and an explorer whose kernel size moves (sobel: 3 or 5);
# CNNLAB_VOILA_NUMBERED=NN-name picks another.
NOTEBOOK = (
    ROOT / "notebooks" / f"{os.environ.get('CNNLAB_VOILA_NUMBERED', '02-sobel-filters')}.ipynb"
)
FIGURE = re.compile(r"!\[([^\]]*)\]\(\s*\.\./imgs/([^)\s]+)\)")


def _render(markdown: str, root_dir) -> str:
    renderer = NotebookFolderImages(
        escape=False,
        attachments={},
        contents_manager=FileContentsManager(root_dir=str(root_dir)),
        anchor_link_text="¶",
    )
    return MarkdownWithMath(renderer=renderer).render(markdown)


def test_images_above_the_served_folder_are_inlined():
    page = _render("![stride 1 and stride 2](../imgs/stride.png)", ROOT / "notebooks")
    src = re.search(r'<img src="([^"]+)" alt="stride 1 and stride 2"', page).group(1)
    assert src.startswith("data:image/png;base64,iVBOR")


def test_other_links_are_left_to_voila(tmp_path):
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "here.png").write_bytes((ROOT / "imgs" / "stride.png").read_bytes())
    (tmp_path / "notes.txt").write_text("not an image")
    page = _render("![web](https://example.org/a.png) ![here](here.png)", tmp_path / "served")
    assert 'src="https://example.org/a.png"' in page
    assert re.search(r'src="data:image/png;base64,[^"]+" alt="here"', page)  # Voilà's own
    # not an image, or not there: Voilà's lookup decides (it refuses paths outside its root)
    assert image_beside_root(tmp_path / "served", "../notes.txt") is None
    assert image_beside_root(tmp_path / "served", "../imgs/none.png") is None


def test_voila_json_selects_the_renderer():
    config = json.loads((ROOT / "voila.json").read_text())
    name = config["VoilaExporter"]["markdown_renderer_class"]
    assert name == f"{NotebookFolderImages.__module__}.{NotebookFolderImages.__name__}"


@pytest.mark.slow
@pytest.mark.browser
def test_voila_serves_a_numbered_notebook_with_its_figures(chromium):
    from test_browser import _kernel_size_handle, _move_and_check, _screenshot, open_voila_page

    figures = [
        (alt, name)
        for cell in nbformat.read(NOTEBOOK, as_version=4).cells
        if cell.cell_type == "markdown"
        for alt, name in FIGURE.findall(cell.source)
    ]
    assert figures, f"{NOTEBOOK.name} shows no figure of imgs/: pick one that does"
    server = start_voila(NOTEBOOK, ROOT)
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        open_voila_page(page, server, NOTEBOOK)
        for alt, name in figures:
            image = page.locator(f'img[alt="{alt}"]')
            assert image.count() == 1, f"figure {name} ({alt!r}) is not on the page"
            image.scroll_into_view_if_needed()
            width = image.evaluate("(i) => i.complete ? i.naturalWidth : 0")
            assert width > 0, f"figure {name} did not load"
        handle = _kernel_size_handle(page)
        _move_and_check(page, handle, f"voila-{NOTEBOOK.stem}")
    except Exception:
        _screenshot(page, f"FAILED-voila-{NOTEBOOK.stem}")
        print(server.log_tail())
        raise
    finally:
        page.close()
        server.stop()
