"""`make site`: explorers exported over a grid, pages that swap their pictures with no kernel.

The quick tests export small explorers (:func:`cnnlab.widgets.export.export_states`) and turn
them into static HTML (``tools/site/build.py``). The slow browser test builds the site for one
notebook, serves it with Python's plain file server on loopback (no Jupyter server anywhere),
opens the page in headless Chromium, presses ArrowRight on the "kernel size" range input and
waits for the feature map and the readout to change.
"""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import numpy as np
import pytest
from _jupyter import free_port
from helpers import load_tool
from PIL import Image

import cnnlab.widgets as cw
from cnnlab.widgets.export import default_grid, export_states

ROOT = Path(__file__).resolve().parents[1]


site = load_tool("site/build.py", "site_build")


def _state(data, **values):
    """The recorded state whose controls hold ``values`` (names with underscores)."""
    names = [c["name"] for c in data["controls"]]
    for state in data["states"]:
        held = {
            n: data["controls"][i]["values"][k]
            for i, (n, k) in enumerate(zip(names, state["key"], strict=True))
        }
        if all(held[name.replace("_", " ")] == v for name, v in values.items()):
            return state
    raise AssertionError(f"no state with {values}")


def _shown(data, state, prefix="data:image"):
    return [data["strings"][s] for s in state["slots"] if data["strings"][s].startswith(prefix)]


# ------------------------------------------------------------------------------ export


def test_export_records_what_the_explorer_shows_for_each_setting():
    ex = cw.conv_explorer(np.arange(100.0).reshape(10, 10), kernel="box blur", kernel_size=3)
    data = export_states(ex, {"kernel size": [1, 3, 5], "padding": ["valid", "same"]}, side=64)
    assert [c["values"] for c in data["controls"]] == [[1, 3, 5], ["valid", "same"]]
    assert [c["kind"] for c in data["controls"]] == ["range", "select"]
    assert len(data["states"]) == 6
    # each state's readout is the explorer's own for that setting
    for size, padding, rows in [(1, "valid", 10), (5, "valid", 6), (5, "same", 10)]:
        ex.set(kernel_size=size, padding=padding)
        texts = [
            data["strings"][s] for s in _state(data, kernel_size=size, padding=padding)["slots"]
        ]
        assert any(ex.readout.split("\n")[0] in t for t in texts), (size, padding)
        assert f"feature map: {rows} × {rows}" in ex.readout
    # different settings, different feature maps; pictures stored once
    assert _shown(data, _state(data, kernel_size=1, padding="valid")) != _shown(
        data, _state(data, kernel_size=5, padding="valid")
    )
    assert len(set(data["strings"])) == len(data["strings"])


def test_export_puts_the_explorer_back_and_starts_where_it_was():
    ex = cw.conv_explorer(np.eye(12), kernel="box blur", kernel_size=5, stride=2)
    before, side = ex.result.copy(), ex.side
    data = export_states(ex, {"kernel size": [1, 3], "stride": [1, 3]}, side=48)
    assert ex.settings.conv.kernel_size == 5 and ex.settings.conv.stride == 2
    np.testing.assert_array_equal(ex.result, before)
    assert ex.side == side
    # the notebook's own values join the grid, and the page starts there
    assert data["controls"][0]["values"] == [1, 3, 5] and data["controls"][1]["values"] == [1, 2, 3]
    assert data["states"][data["initial"]]["key"] == [2, 1]


def test_export_keys_states_by_what_the_controls_hold():
    # a fixed 3×3 kernel keeps its size: the kernel-size values collapse to the one it holds
    ex = cw.conv_explorer(np.eye(10), kernel="laplacian")
    data = export_states(ex, {"kernel size": [1, 3, 5], "stride": [1, 2]}, side=40)
    assert data["controls"][0]["values"] == [3]
    assert len(data["states"]) == 2
    assert all(state["disabled"][0] for state in data["states"])


def test_export_visits_a_dependent_range_per_setting():
    ex = cw.step_explorer(np.arange(16).reshape(4, 4), np.ones((3, 3)))
    data = export_states(ex, {"stride": [1, 2], "position": None}, side=400)
    # 4×4 input, 3×3 kernel: 2×2 = 4 positions at stride 1, 1 at stride 2
    assert data["controls"][1]["values"] == [0, 1, 2, 3]
    assert len(data["states"]) == 5


def test_export_refuses_a_wrong_grid_with_a_sentence():
    ex = cw.conv_explorer(np.eye(8), kernel="box blur")
    with pytest.raises(ValueError, match=r"'kernal size'.*not a control.*valid: \["):
        export_states(ex, {"kernal size": [1]})
    with pytest.raises(ValueError, match=r"grid\['stride'\] is empty"):
        export_states(ex, {"stride": []})
    with pytest.raises(ValueError, match=r"24 combinations \(6 × 4\), more than max_states=20"):
        export_states(
            ex, {"kernel size": [1, 2, 3, 4, 5, 6], "dilation": [1, 2, 3, 4]}, max_states=20
        )
    with pytest.raises(TypeError, match="must be a cnnlab explorer.*got int"):
        export_states(3)


def test_default_grids_vary_size_stride_padding_and_stay_small():
    ex = cw.pool_explorer(np.eye(16))
    grid = default_grid(ex)
    assert {"kernel size", "stride", "padding", "mode"} <= set(grid)
    combos = np.prod([len(v) for v in grid.values()])
    assert combos <= 100


def test_large_pictures_are_shrunk_to_the_side():
    ex = cw.conv_explorer(np.random.default_rng(0).random((300, 300)), kernel="box blur")
    data = export_states(ex, {"stride": [1]}, side=100)
    for uri in _shown(data, data["states"][0]):
        picture = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
        assert max(picture.size) <= 100, picture.size


# ------------------------------------------------------------------------------ pages


def _tiny_export():
    ex = cw.conv_explorer(np.eye(8), kernel="box blur")
    return export_states(ex, {"kernel size": [1, 3], "padding": ["valid", "same"]}, side=32)


def test_explorer_html_inlines_the_states_and_shows_the_first():
    data = _tiny_export()
    page = site.explorer_html(data)
    assert page.count('type="range"') == 1 and page.count("<select") == 1
    blob = re.search(r'class="cnnlab-states">(.*?)</script>', page, re.S).group(1)
    assert json.loads(blob.replace("<\\/", "</")) == data
    first = data["states"][data["initial"]]
    for s in first["slots"]:
        text = data["strings"][s]
        if text.startswith("data:image"):
            assert f'src="{text}"' in page
    assert "A static copy of the explorer: 4 settings" in page


def test_prepare_replaces_widgets_and_points_links_at_pages():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"state": {}}
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "See [padding](03-padding.ipynb#same) ![s](../imgs/stride.png)"
        ),
        nbformat.v4.new_code_cell("explorer", execution_count=7, metadata={"tags": ["explore"]}),
        nbformat.v4.new_code_cell("other widget", execution_count=8),
    ]
    view = {site.WIDGET_VIEW: {"model_id": "x"}, "text/plain": "VBox()"}
    for cell in nb.cells[1:]:
        cell.outputs = [nbformat.v4.new_output("execute_result", data=view, execution_count=1)]
    out = site.prepare(nb, {"explorers": {"7": _tiny_export()}, "problems": {}})
    assert "widgets" not in out.metadata and "widgets" in nb.metadata  # a copy
    assert out.cells[0].source == "See [padding](03-padding.html#same) ![s](imgs/stride.png)"
    assert "cnnlab-static" in out.cells[1].outputs[0].data["text/html"]
    assert "works when the notebook runs" in out.cells[2].outputs[0].data["text/html"]
    assert all(site.WIDGET_VIEW not in o.data for c in out.cells[1:] for o in c.outputs)


def test_pages_are_in_reading_order_and_only_names_real_notebooks():
    found = site.pages()
    assert found[0].name == "index.ipynb"
    numbered = [p.name for p in found if site.NUMBERED.match(p.name)]
    assert numbered == sorted(numbered) and len(numbered) >= 10
    assert [p.name for p in site.pages(["02"])] == ["index.ipynb", "02-sobel-filters.ipynb"]
    with pytest.raises(SystemExit, match="--only 99: no such notebook; valid: index, 00-"):
        site.pages(["99"])


def test_cache_key_follows_the_notebook_and_the_package(tmp_path):
    nb = tmp_path / "a.ipynb"
    nb.write_text("{}")
    key = site.cache_key(nb, "p1")
    assert site.cache_key(nb, "p1") == key
    assert site.cache_key(nb, "p2") != key
    nb.write_text('{"x": 1}')
    assert site.cache_key(nb, "p1") != key


def test_report_names_pages_over_the_limit(tmp_path, monkeypatch):
    (tmp_path / "a.html").write_bytes(b"x" * 300)
    monkeypatch.setattr(site, "PAGE_LIMIT", 200)
    lines = []
    problems = site.report(tmp_path, {"a.html": 300}, log=lines.append)
    assert problems == ["a.html is 0.0 MB, more than 0 MB"]
    assert any(line.startswith("a.html") for line in lines)


# ------------------------------------------------------------------------------ browser


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    sizes = site.build(out, ["00"])
    return out, sizes


@pytest.fixture
def file_server(built_site):
    out, _ = built_site
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=out,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/index.html", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("python -m http.server did not answer within 30 s") from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


@pytest.mark.slow
def test_built_pages_fit_the_budget(built_site):
    out, sizes = built_site
    assert set(sizes) == {"index.html", "00-images-as-arrays.html"}
    assert site.report(out, sizes, log=lambda line: None) == []
    page = (out / "00-images-as-arrays.html").read_text()
    assert "jupyter-widgets/html-manager" not in page and "require.min.js" not in page
    assert 'rel="prev"' not in page and 'rel="next"' not in page  # only pages it built
    assert 'href="index.html"' in page and "mybinder.org/v2/gh/OWNER/cnnlab" in page
    assert "make lab" in page


@pytest.mark.slow
@pytest.mark.browser
def test_static_page_slider_changes_the_picture_without_a_kernel(chromium, file_server, built_site):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.set_default_timeout(30_000)
        # nothing leaves the machine: a request elsewhere (a CDN) is answered empty
        page.route(
            re.compile(r"^https?://(?!127\.0\.0\.1)"),
            lambda route: route.fulfill(status=204, body=""),
        )
        errors = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(f"{file_server}/00-images-as-arrays.html", wait_until="load")
        explorer = page.locator(".cnnlab-static").first
        slider = explorer.get_by_role("slider", name="kernel size")
        slider.scroll_into_view_if_needed()

        def snapshot():
            return explorer.evaluate(
                """(root) => ({
                  pictures: [...root.querySelectorAll('img[data-slot]')].map(i => i.src),
                  text: [...root.querySelectorAll('div[data-slot]')]
                          .map(d => d.textContent).join(' '),
                  value: root.querySelector('[data-control-value]').textContent,
                })"""
            )

        before = snapshot()
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([root, v]) => root.querySelector('[data-control-value]').textContent !== v",
            arg=[explorer.element_handle(), before["value"]],
            timeout=5_000,
        )
        after = snapshot()
        assert int(after["value"]) > int(before["value"])
        assert set(after["pictures"]) - set(before["pictures"]), "no new picture"
        assert after["text"] != before["text"]
        assert f"{after['value']}×{after['value']}" in after["text"]
        loaded = page.evaluate(
            "() => [...document.images].filter(i => i.src.includes('/imgs/') "
            "|| i.closest('.cnnlab-static')).every(i => i.complete)"
        )
        assert loaded
        assert errors == []
    finally:
        page.close()
