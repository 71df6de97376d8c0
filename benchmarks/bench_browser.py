"""From a key press on the "kernel size" slider to new pixels on screen, in JupyterLab in Chromium.

Run with ``.venv/bin/python benchmarks/bench_browser.py`` (``--presses 5`` for a quick look,
``--only conv pool`` for some explorers, ``--changes 200`` for a shorter stability run).

For every explorer it writes a small notebook (one cell: the explorer on the 512x512 camera
image, as the notebooks build it) into a temporary folder, serves that folder with JupyterLab
(isolated configuration, loopback, a free port: ``tests/_jupyter.py``, as the browser tests do),
opens it in headless Chromium at 1280x720 (a projector, side bars closed), runs it, and then:

* **press**: focuses the kernel-size slider's handle and presses ArrowRight (ArrowLeft at the
  maximum, so it walks up and down the sizes) 20 times, waiting for the explorer to settle in
  between. The page records ``performance.now()`` at the keydown and, for every picture of the
  explorer that changes, the first animation frame after it is on the page: a canvas panel's
  new pixels (its ``data-drawn`` attribute), a drawing's new markup, an ``<img>`` decoded (a
  ``MutationObserver`` plus ``requestAnimationFrame``, and ``img.decode()`` for images): the
  latency of a press is its last picture change. Targets: median <= 50 ms, 95th pct <= 100 ms.
* **drag**: 8 ArrowRight presses 40 ms apart from the smallest size; "settle" is the time from
  the last press to the last picture change (target <= 150 ms), "pictures after the last
  step" the number of picture changes after it (every panel that changes counts once per
  update: a backlog of stale frames would show as many more), and "final ok"
  says whether the pictures on screen are the kernel's for the slider's final value (SHA-1 of
  each canvas's RGBA pixels against the kernel's, the drawings' text and element count, and
  the kernel's panels against a recomputation).
* **stability**: 2,000 changes of the kernel-size slider in the kernel (cycling through its
  sizes, each a full update sent to the page, in requests of 50; cut off after
  ``--stability-seconds``, the count done is printed), then the growth of the kernel's resident memory (target < 50 MB) and
  whether the panels still equal a recomputation and the page's pictures the kernel's
  (``stale``).

Prints a markdown table and the load average; asserts nothing (timings are benchmark output,
never test assertions). Needs ``/usr/bin/chromium`` and Python ``playwright`` (the test extra);
it never downloads a browser.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _jupyter import (  # the shared module lives next to the tests
    CHROMIUM,
    CHROMIUM_ARGS,
    EXPLORER_CELLS,
    start_jupyterlab,
    write_explorer_notebooks,
)

VIEWPORT = {"width": 1280, "height": 720}

EXPLORERS = EXPLORER_CELLS

# In the page: record key presses and picture changes of the explorer around the handle.
JS_INSTALL = """(handle) => {
  const area = handle.closest('.jp-OutputArea-output');
  const b = window.__bench = {keys: [], paints: []};
  document.addEventListener('keydown', () => b.keys.push(performance.now()), true);
  const seen = (img) => {
    const src = img.src;
    img.decode().catch(() => null).then(() => requestAnimationFrame(() => {
      if (img.src === src) b.paints.push(performance.now());
    }));
  };
  // a drawing (SVG in an HTML widget) is painted in the first frame after its new markup
  const drawn = () => requestAnimationFrame(() => b.paints.push(performance.now()));
  new MutationObserver((muts) => {
    for (const m of muts) {
      if (m.type === 'attributes' && m.target.tagName === 'IMG') seen(m.target);
      else if (m.type === 'attributes') drawn();  // a canvas panel put its new pixels
      else if (m.target.closest && m.target.closest('.cnnlab-picture')
               && m.target.closest('.widget-html')) drawn();
    }
  }).observe(area, {attributes: true, childList: true, subtree: true,
                    attributeFilter: ['src', 'data-drawn']});
  return area.querySelectorAll('.cnnlab-picture').length;
}"""
JS_STATE = (
    "() => ({keys: window.__bench.keys.length, times: window.__bench.keys.slice(), paints: window.__bench.paints.slice(),"
    " lastKey: window.__bench.keys[window.__bench.keys.length - 1], now: performance.now()})"
)
# What every picture of the explorer shows, in DOM order: the SHA-1 of a PNG's bytes; for a
# drawing (SVG or HTML), its text and its number of elements (the browser re-serializes
# markup, so the markup itself cannot be compared).
JS_HASHES = """async (handle) => {
  const area = handle.closest('.jp-OutputArea-output');
  const out = [];
  const hex = (d) => [...new Uint8Array(d)].map(x => x.toString(16).padStart(2, '0')).join('');
  for (const el of area.querySelectorAll('.cnnlab-picture')) {
    const canvas = el.querySelector('canvas');
    if (canvas) {  // the pixels on the canvas, as RGBA
      const data = canvas.width ? canvas.getContext('2d').getImageData(
        0, 0, canvas.width, canvas.height).data : new Uint8Array(0);
      out.push(data.length ? hex(await crypto.subtle.digest('SHA-1', data)) : '');
      continue;
    }
    if (el.tagName !== 'IMG') {
      const content = el.querySelector('.widget-html-content');
      const empty = !content || !content.firstElementChild;
      out.push(empty ? '' : content.textContent + '|' + content.querySelectorAll('*').length);
      continue;
    }
    if (!el.src) { out.push(''); continue; }
    const data = await (await fetch(el.src)).arrayBuffer();
    out.push(hex(await crypto.subtle.digest('SHA-1', data)));
  }
  return out;
}"""
JS_EXECUTE = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const f = k.requestExecute({code: code, silent: false, store_history: false});
  let out = '';
  f.onIOPub = (m) => {
    if (m.header.msg_type === 'stream') out += m.content.text;
    if (m.header.msg_type === 'error') out += 'ERROR ' + m.content.ename + ': ' + m.content.evalue;
  };
  await f.done;
  return out;
}"""
JS_READY = """(rel) => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || w.context.path !== rel || !w.sessionContext.session) return false;
  const k = w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""
JS_RUN_ALL = """async () => {
  await window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""
JS_DONE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  return w.sessionContext.session.kernel.status === 'idle'
    && cells.every(c => c.model.executionCount !== null);
}"""
JS_CLOSE = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.sessionContext.shutdown();
  w.context.model.dirty = false;
  w.close();
}"""

# In the kernel: the panels' hashes (DOM order of the explorer's pictures) and a recomputation.
PY_HASHES = """
import hashlib as _h, json as _j, xml.etree.ElementTree as _et
import ipywidgets as _w
def _bench_images(w):
    if "cnnlab-picture" in getattr(w, "_dom_classes", ()):
        yield w
    for c in getattr(w, "children", ()):
        yield from _bench_images(c)
def _bench_sign(w):
    if hasattr(w, "rgba"):  # a canvas panel: its pixels
        rgba = w.rgba()
        return _h.sha1(rgba.tobytes()).hexdigest() if rgba.size else ""
    if not w.value:
        return ""
    if isinstance(w, _w.Image):
        return _h.sha1(bytes(w.value)).hexdigest()
    root = _et.fromstring(w.value)
    return "".join(root.itertext()) + "|" + str(len(list(root.iter())))
print(_j.dumps([_bench_sign(i) for i in _bench_images(ex)]))
"""
PY_FRESH = """
import json as _j
def _bench_value(p):
    return p.value if isinstance(p.value, str) else bytes(p.value)
_before = {k: _bench_value(p) for k, p in ex.panels.items()}
ex.update()
print(_j.dumps(all(_before[k] == _bench_value(p) for k, p in ex.panels.items())))
"""
PY_KERNEL_SIZES = """
import json as _j
print(_j.dumps([c.value for c in ex.controls.values()
                if getattr(c, "description", "") == "kernel size"]))
"""
# The stability run goes in chunks of changes, one request each: the server stops relaying a
# kernel's messages above 1,000 a second (iopub_msg_rate_limit) and counts them until the kernel
# goes idle, which it does between requests, as between a person's slider moves.
PY_STABILITY_START = """
import json as _j, psutil as _p, gc as _gc
_s = ex.controls["kernel size"]
_sizes = list(range(_s.min, _s.max + 1, _s.step))
_done = 0
_gc.collect()
_rss0 = _p.Process().memory_info().rss
print(_j.dumps(len(_sizes)))
"""
PY_STABILITY_CHUNK = """
for _i in range({n}):
    _done += 1
    _s.value = _sizes[_done % len(_sizes)]
print(_j.dumps(_done))
"""
PY_STABILITY_END = """
_gc.collect()
print(_j.dumps({"grew_mb": (_p.Process().memory_info().rss - _rss0) / 2**20,
                "done": _done, "message": ex.message, "value": _s.value}))
"""
CHUNK = 50


def _wait(page, js, arg=None, timeout=120.0, what=""):
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(js, arg) if arg is not None else page.evaluate(js)
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        page.wait_for_timeout(100)


def _settle(page, quiet_ms=500, timeout_ms=10_000):
    """Wait until no picture changed for ``quiet_ms``; return the page's record."""
    start = time.monotonic()
    while True:
        s = page.evaluate(JS_STATE)
        last = max([s["lastKey"] or 0, *s["paints"]])
        if s["now"] - last > quiet_ms or (time.monotonic() - start) * 1000 > timeout_ms:
            return s
        page.wait_for_timeout(50)


def _handle(page):
    sliders = page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text="kernel size"),
        has_not=page.locator(".noUi-target[disabled]"),
    )
    return sliders.first.locator(".noUi-handle").first


def _num(handle, attribute) -> int:
    return round(float(handle.get_attribute(attribute)))


def _kernel(page, code):
    """Run ``code`` in the notebook's kernel; the last line it printed that is JSON, decoded."""
    out = page.evaluate(JS_EXECUTE, code)
    if "ERROR" in out:
        raise RuntimeError(out)
    for line in reversed(out.strip().splitlines()):  # warnings may follow on stderr
        try:
            return json.loads(line)
        except ValueError:
            continue
    raise RuntimeError(f"the kernel printed no JSON: {out[-300:]!r}")


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(page, name, rel, presses, changes, seconds):
    page.evaluate(
        "async (p) => { await window.jupyterapp.commands.execute('docmanager:open', {path: p}); }",
        rel,
    )
    _wait(page, JS_READY, rel, what=f"{rel} to open")
    page.evaluate(JS_RUN_ALL)
    _wait(page, JS_DONE, timeout=300, what=f"{rel} to run")
    handle = _handle(page)
    handle.wait_for(timeout=60_000)
    handle.scroll_into_view_if_needed()
    page.evaluate(JS_INSTALL, handle.element_handle())
    page.wait_for_timeout(500)
    handle.focus()
    lo, hi = _num(handle, "aria-valuemin"), _num(handle, "aria-valuemax")
    latencies, missing = [], 0
    direction = "ArrowRight"
    for _ in range(presses):
        value = _num(handle, "aria-valuenow")
        if value >= hi:
            direction = "ArrowLeft"
        elif value <= lo:
            direction = "ArrowRight"
        before = _settle(page)
        page.keyboard.press(direction)
        after = _settle(page)
        key = after["lastKey"]
        new = [t for t in after["paints"][len(before["paints"]) :] if t >= key]
        if new:
            latencies.append(max(new) - key)
        else:
            missing += 1
    # drag: from the smallest size, 8 steps 40 ms apart
    page.keyboard.press("Home")
    _settle(page)
    before = _settle(page)
    moved, value = -1, _num(handle, "aria-valuenow")
    for i in range(8):  # the last press that moved the slider is where the drag ends
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(40)
        if _num(handle, "aria-valuenow") != value:
            moved, value = i, _num(handle, "aria-valuenow")
    after = _settle(page, quiet_ms=800)
    key = after["times"][before["keys"] + moved] if moved >= 0 else after["lastKey"]
    late = [t for t in after["paints"][len(before["paints"]) :] if t > key]
    settle = max(late) - key if late else 0.0
    shown = page.evaluate(JS_HASHES, handle.element_handle())
    final_ok = shown == _kernel(page, PY_HASHES) and _kernel(page, PY_FRESH)
    # the slider moved is the first labelled "kernel size" on the page (the pooling explorer
    # has two: the convolution's and the pool's); one of them must hold the page's value
    sizes = _kernel(page, PY_KERNEL_SIZES)
    value_ok = _num(handle, "aria-valuenow") in sizes
    # stability
    started = time.monotonic()
    _kernel(page, PY_STABILITY_START)
    done = 0
    while done < changes and time.monotonic() - started < seconds:
        done = _kernel(page, PY_STABILITY_CHUNK.format(n=min(CHUNK, changes - done)))
    stab = _kernel(page, PY_STABILITY_END)
    stab_seconds = time.monotonic() - started
    _settle(page, quiet_ms=1000, timeout_ms=60_000)
    fresh = _kernel(page, PY_FRESH)
    stale = not (
        fresh and page.evaluate(JS_HASHES, handle.element_handle()) == _kernel(page, PY_HASHES)
    )
    page.evaluate(JS_CLOSE)
    return {
        "name": name,
        "latencies": latencies,
        "missing": missing,
        "settle": settle,
        "late": len(late),
        "final_ok": bool(final_ok and value_ok),
        "grew_mb": stab["grew_mb"],
        "changes": stab["done"],
        "stale": stale,
        "stab_seconds": stab_seconds,
    }


def _row(r) -> str:
    if "error" in r:
        return f"| {r['name']} | failed: {r['error']} |"
    lat = r["latencies"]
    if lat:
        ms = (statistics.median(lat), _percentile(lat, 0.95), max(lat))
        cells = [f"{v:.0f} ms" for v in ms]
    else:
        cells = ["–", "–", "–"]
    if r["missing"]:
        cells[2] += f" ({r['missing']} without a new picture)"
    return (
        f"| {r['name']} | {' | '.join(cells)} | {r['settle']:.0f} ms | {r['late']} | "
        f"{'yes' if r['final_ok'] else 'NO'} | {r['grew_mb']:+.1f} MB ({r['changes']:,} in "
        f"{r['stab_seconds']:.0f} s) | {'YES' if r['stale'] else 'no'} |"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument(
        "--stability-seconds",
        type=float,
        default=120.0,
        help="stop the stability run of an explorer after this long (the count is printed)",
    )
    parser.add_argument("--only", nargs="*", default=None, help="explorer names")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
        return 1
    from playwright.sync_api import sync_playwright

    names = [n for n in EXPLORERS if not args.only or n in args.only]
    root = Path(tempfile.mkdtemp(prefix="cnnlab-bench-browser-"))
    write_explorer_notebooks(root, names)
    server, token = start_jupyterlab(root)
    load_before = os.getloadavg()
    print(
        f"JupyterLab in headless Chromium {VIEWPORT['width']}×{VIEWPORT['height']}, 512×512 camera "
        f"image, {args.presses} kernel-size key presses each; load average "
        f"{load_before[0]:.2f} at the start ({os.cpu_count()} cores)\n"
    )
    print(
        "| explorer | median | 95th pct | max | drag settle | pictures after the last step "
        "| final ok | memory growth (changes) | stale |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|---|", flush=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(60_000)
            page.goto(f"{server.base_url}/lab?token={token}")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.started", timeout=120_000
            )
            page.evaluate(  # the whole width for the notebook, as on a projector
                "() => { const s = window.jupyterapp.shell; s.collapseLeft(); s.collapseRight(); }"
            )
            page.wait_for_timeout(1000)
            for n in names:
                try:
                    row = measure(
                        page, n, f"{n}.ipynb", args.presses, args.changes, args.stability_seconds
                    )
                except Exception as err:  # report it and go on with the next explorer
                    row = {"name": n, "error": f"{type(err).__name__}: {err}"[:200]}
                    if page.evaluate("() => !!window.jupyterapp.shell.currentWidget"):
                        page.evaluate(JS_CLOSE)
                print(_row(row), flush=True)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    load_after = os.getloadavg()
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
