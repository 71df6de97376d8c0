"""Build the course as a static site whose explorers still respond: ``make site``.

Every notebook of ``notebooks/`` (the index, the numbered notebooks and the dashboard) is
executed in a fresh kernel, and each explorer it shows (the value of an *Explore* cell) is
driven over a small grid of settings by :func:`cnnlab.widgets.export.export_states`. nbconvert
then renders the executed notebook with the template in ``templates/cnnlab`` (JupyterLab's
look plus previous/next navigation and a launch link), each explorer replaced by a static copy:
HTML range and select inputs, the recorded pictures and texts inlined, and ``explorer.js``
swapping them as the inputs move. No kernel and no network are needed to read a page; it also
opens from the file system.

    python tools/site/build.py                         # everything, into site/
    python tools/site/build.py --only 01 03 --out /tmp/s  # a part (index and the pages named)

Executed notebooks are cached in ``<out>/_cache`` under a hash of the notebook, of the cnnlab
package and of this builder, so a rebuild after a prose edit executes one notebook only. The
sizes of the pages and of the site are printed at the end; the build fails if a page passes
10 MB or the site 150 MB.

Why nbconvert: it is Jupyter's own exporter (what JupyterLab's "Save and Export As HTML",
nbviewer and Voilà use), already a dependency of the test tools, builds offline, and renders
outputs exactly as JupyterLab does. Jupyter Book 1 (Sphinx + MyST-NB) would add a Sphinx
toolchain for a site of a dozen pages, and like nbconvert shows ipywidgets only through the
widget manager fetched from a CDN, dead without a kernel; the explorers' static copies are ours
either way.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import copy
import hashlib
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NOTEBOOKS_DIR = ROOT / "notebooks"
IMGS_DIR = ROOT / "imgs"
TEMPLATES = HERE / "templates"
SCRIPT = HERE / "explorer.js"
#: Repository on GitHub for the Binder link (the README's placeholder; replace OWNER).
BINDER_REPO = "OWNER/cnnlab"
BINDER = "https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/{path}"
PAGE_LIMIT = 10 * 10**6
SITE_LIMIT = 150 * 10**6
#: Per-cell timeout (s) when executing; the complete CNN trains for a minute or two.
CELL_TIMEOUT = 600
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NUMBERED = re.compile(r"^\d\d-.+\.ipynb$")
TITLE = re.compile(r"^#\s+(.+?)\s*$", re.M)
NOTEBOOK_LINK = re.compile(r"""(\]\(\s*<?|href=["'])((?:\.\./notebooks/)?[\w.-]+)\.ipynb""")
IMGS_LINK = re.compile(r"""(\]\(\s*<?|src=["']|href=["'])\.\./imgs/""")
LIVE_ONLY = (
    '<p class="cnnlab-static-note">An interactive widget: it works when the notebook runs '
    "(launch it on Binder, or <code>make lab</code>).</p>"
)
BADGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="110" height="20" role="img" '
    'aria-label="launch binder"><rect width="110" height="20" rx="3" fill="#555"/>'
    '<rect x="50" width="60" height="20" rx="3" fill="#E66581"/>'
    '<g fill="#fff" font-family="Verdana,sans-serif" font-size="11">'
    '<text x="6" y="14">launch</text><text x="57" y="14">binder</text></g></svg>'
)

# Run in the notebook's kernel after its last cell: export the explorer of every Explore
# cell (the value IPython keeps in Out[execution count]) to a JSON file.
EXPORT_CELL = """\
def _cnnlab_site_export(counts, path):
    import json
    from cnnlab.widgets import Explorer
    from cnnlab.widgets.export import export_states
    found, problems = {{}}, {{}}
    for n in counts:
        explorer = Out.get(n)
        if isinstance(explorer, Explorer):
            try:
                found[n] = export_states(explorer)
            except (ValueError, TypeError) as err:
                problems[n] = str(err)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({{"explorers": found, "problems": problems}}, f)
_cnnlab_site_export({counts!r}, {path!r})
"""


# ---------------------------------------------------------------------------- which pages


def pages(only=()) -> list[Path]:
    """The notebooks of the site in reading order: index, numbered, dashboard.

    ``only``: numbers or stems ("01", "01-convolution"); the index always comes along.
    """
    numbered = sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if NUMBERED.match(p.name))
    found = [NOTEBOOKS_DIR / "index.ipynb", *numbered]
    if (NOTEBOOKS_DIR / "dashboard.ipynb").exists():
        found.append(NOTEBOOKS_DIR / "dashboard.ipynb")
    if not only:
        return found
    wanted = [p for p in found if any(p.stem == o or p.stem.startswith(f"{o}-") for o in only)]
    unknown = [o for o in only if not any(p.stem == o or p.stem.startswith(f"{o}-") for p in found)]
    if unknown:
        names = ", ".join(p.stem for p in found)
        raise SystemExit(f"--only {' '.join(unknown)}: no such notebook; valid: {names}")
    return [found[0], *[p for p in wanted if p != found[0]]]


def title(nb, path: Path) -> str:
    """The first markdown heading of the notebook (its file name if it has none)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (m := TITLE.search(cell.source)):
            return re.sub(r"[*_`]", "", m.group(1))
    return path.stem


# ---------------------------------------------------------------------------- executing


def _package_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "cnnlab").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def cache_key(path: Path, package_hash: str) -> str:
    """Hash of the notebook, the cnnlab package and this builder: when to execute again."""
    return hashlib.sha256(path.read_bytes() + package_hash.encode()).hexdigest()[:16]


def _explore_counts(nb) -> list[int]:
    return [
        c.execution_count
        for c in nb.cells
        if c.cell_type == "code" and "explore" in c.metadata.get("tags", []) and c.execution_count
    ]


def _kernel_manager(folder: Path):
    """A kernel of this Python (the project's venv), whatever kernels the user has installed."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = folder / "kernels" / "cnnlab-site"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "cnnlab site", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    specs = KernelSpecManager(kernel_dirs=[str(spec.parent)])
    return AsyncKernelManager(kernel_name="cnnlab-site", kernel_spec_manager=specs)


async def _execute(nb, cwd: Path, export_path: Path):
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        km=_kernel_manager(export_path.parent),
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    # cleanup_kc: shut the kernel down afterwards (nbclient does not when given a manager)
    async with client.async_setup_kernel(cwd=str(cwd), cleanup_kc=True):
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(
                cell, index, execution_count=client.code_cells_executed + 1
            )
        counts = _explore_counts(nb)
        source = EXPORT_CELL.format(counts=counts, path=str(export_path))
        nb.cells.append(nbformat.v4.new_code_cell(source))
        try:
            await client.async_execute_cell(nb.cells[-1], len(nb.cells) - 1)
            errors = [o for o in nb.cells[-1].outputs if o.get("output_type") == "error"]
        finally:
            nb.cells.pop()
        if errors:
            raise RuntimeError(
                f"exporting the explorers failed: {errors[0]['ename']}: {errors[0]['evalue']}"
            )
    return nb


def execute(path: Path, cache: Path, package_hash: str):
    """The executed notebook and its exported explorers, from the cache when still valid."""
    key = cache_key(path, package_hash)
    done, exported = cache / f"{path.stem}.{key}.ipynb", cache / f"{path.stem}.{key}.json"
    if done.exists() and exported.exists():
        return nbformat.read(done, as_version=4), json.loads(exported.read_text()), True
    for old in cache.glob(f"{path.stem}.*"):
        old.unlink()
    nb = nbformat.read(path, as_version=4)
    run = _execute(nb, path.parent, exported)
    # asyncio.run refuses to start where an event loop runs (e.g. under Playwright's sync API)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        nb = pool.submit(asyncio.run, run).result()
    if not exported.exists():  # a notebook without explore cells
        exported.write_text(json.dumps({"explorers": {}, "problems": {}}))
    nbformat.write(nb, done)
    return nb, json.loads(exported.read_text()), False


# ---------------------------------------------------------------------------- explorers

_CSS_NAMES = {"grid_gap": "gap"}  # the others: underscores become hyphens


def _css(style: dict, base: str = "") -> str:
    parts = [base] if base else []
    parts += [f"{_CSS_NAMES.get(k, k.replace('_', '-'))}: {v}" for k, v in style.items()]
    return html.escape("; ".join(parts), quote=True)


def _control_html(data, index: int, state) -> str:
    control = data["controls"][index]
    label = html.escape(control["label"])
    k = state["key"][index]
    disabled = " disabled" if state["disabled"][index] else ""
    if control["kind"] == "range":
        value = html.escape(control["labels"][k])
        return (
            f'<label class="cnnlab-control"><span>{label}</span>'
            f'<input type="range" min="0" max="{len(control["values"]) - 1}" step="1" '
            f'value="{k}" data-control="{index}" aria-label="{label}"{disabled}>'
            f'<output data-control-value="{index}">{value}</output></label>'
        )
    options = "".join(
        f'<option value="{i}"{" selected" if i == k else ""}>{html.escape(text)}</option>'
        for i, text in enumerate(control["labels"])
    )
    return (
        f'<label class="cnnlab-control"><span>{label}</span>'
        f'<select data-control="{index}" aria-label="{label}"{disabled}>{options}</select></label>'
    )


def _node_html(node, data, state, placed: set) -> str:
    kind = node["kind"]
    if kind == "control":
        index = [c["name"] for c in data["controls"]].index(node["name"])
        placed.add(index)
        return _control_html(data, index, state)
    if kind == "fixed":
        name, text = html.escape(node["name"]), html.escape(node["text"])
        return f'<div class="cnnlab-fixed">{name}: <b>{text}</b></div>'
    if kind in ("image", "html"):
        text = data["strings"][state["slots"][node["slot"]]]
        if kind == "image":
            hidden = ' style="visibility: hidden"' if not text else ""
            src = html.escape(text, quote=True) if text else ""
            style = _css({k: v for k, v in node["style"].items() if k != "width"})
            return (
                f'<div style="{_css({"width": node["style"].get("width", "100%")})}">'
                f'<img data-slot="{node["slot"]}" src="{src}" alt="a picture of the explorer" style="{style}"{hidden}>'
                "</div>"
            )
        hidden = "display: none" if not text else ""
        return f'<div data-slot="{node["slot"]}" style="{_css(node["style"], hidden)}">{text}</div>'
    base = {
        "column": "display: flex; flex-direction: column",
        "row": "display: flex; flex-flow: row wrap",
        "grid": "display: grid",
    }[kind]
    inner = "".join(_node_html(child, data, state, placed) for child in node["children"])
    classes = " ".join(html.escape(c) for c in node.get("classes", []))
    return f'<div class="{classes}" style="{_css(node["style"], base)}">{inner}</div>'


def explorer_html(data: dict) -> str:
    """The static copy of one exported explorer: inputs, recorded pictures, inlined states."""
    state = data["states"][data["initial"]]
    placed: set[int] = set()
    body = _node_html(data["layout"], data, state, placed)
    missing = "".join(
        _control_html(data, i, state) for i in range(len(data["controls"])) if i not in placed
    )
    names = ", ".join(c["name"] for c in data["controls"]) or "no controls"
    note = (
        f'<p class="cnnlab-static-note">A static copy of the explorer: {len(data["states"])} '
        f"settings recorded when this page was built ({names}), pictures at most "
        f"{data['side']} pixels wide and high, in fewer colours than live. Launch the notebook "
        "to move every control.</p>"
    )
    states = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div class="cnnlab-static">{note}{missing}{body}'
        f'<script type="application/json" class="cnnlab-states">{states}</script></div>'
    )


# ---------------------------------------------------------------------------- pages


def _site_links(text: str) -> str:
    text = NOTEBOOK_LINK.sub(lambda m: f"{m.group(1)}{Path(m.group(2)).name}.html", text)
    return IMGS_LINK.sub(lambda m: f"{m.group(1)}imgs/", text)


def prepare(nb, exported: dict):
    """A copy of the executed notebook for nbconvert: explorers static, links to pages."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # no Jupyter widget manager (and its CDN) on the page
    explorers = exported.get("explorers", {})
    problems = exported.get("problems", {})
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _site_links(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                if "text/html" in data:
                    data["text/html"] = _site_links("".join(data["text/html"]))
                continue
            count = str(cell.execution_count)
            if count in explorers:
                shown = explorer_html(explorers[count])
            elif count in problems:
                shown = LIVE_ONLY + f"<p>{html.escape(problems[count])}</p>"
            else:
                shown = LIVE_ONLY
            output["data"] = {"text/html": shown}
    return nb


def render(nb, path: Path, previous, following, exporter) -> str:
    rel = path.relative_to(ROOT).as_posix()
    resources = {
        "metadata": {"name": path.stem, "path": str(path.parent)},
        "cnnlab": {
            "previous": previous,
            "next": following,
            "binder": BINDER.format(repo=BINDER_REPO, path=rel),
            "source": rel,
            "script": SCRIPT.read_text(),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="cnnlab", extra_template_basedirs=[str(TEMPLATES)])


def _imgs_used(text: str) -> set[str]:
    return set(re.findall(r"""["'(]imgs/([\w.-]+)""", text))


def build(out: Path, only=(), *, log=print) -> dict[str, int]:
    """Build the site (or the pages ``only`` names) into ``out``; return page -> bytes."""
    out = Path(out)
    cache = out / "_cache"
    cache.mkdir(parents=True, exist_ok=True)
    (out / "imgs").mkdir(exist_ok=True)
    for image in IMGS_DIR.iterdir():
        if image.is_file():
            shutil.copy2(image, out / "imgs" / image.name)
    (out / "imgs" / "binder-badge.svg").write_text(BADGE)
    package_hash = _package_hash()
    chosen = pages(only)
    executed = []
    for path in chosen:
        started = time.perf_counter()
        nb, exported, cached = execute(path, cache, package_hash)
        how = "cached" if cached else f"executed in {time.perf_counter() - started:.0f} s"
        n = len(exported.get("explorers", {}))
        log(f"{path.name}: {how}, {n} explorer{'s' * (n != 1)} exported")
        for count, problem in exported.get("problems", {}).items():
            log(f"  explorer of cell [{count}] left live-only: {problem}")
        executed.append((path, nb, exported))
    exporter = _exporter()
    links = [{"href": f"{p.stem}.html", "title": title(nb, p)} for p, nb, _ in executed]
    sizes = {}
    for i, (path, nb, exported) in enumerate(executed):
        numbered = NUMBERED.match(path.name) is not None
        previous = (
            links[i - 1] if numbered and i > 0 and NUMBERED.match(executed[i - 1][0].name) else None
        )
        following = (
            links[i + 1]
            if numbered and i + 1 < len(executed) and NUMBERED.match(executed[i + 1][0].name)
            else None
        )
        page = render(prepare(nb, exported), path, previous, following, exporter)
        name = "index.html" if path.stem == "index" else f"{path.stem}.html"
        (out / name).write_text(page, encoding="utf-8")
        size = len(page.encode())
        size += sum(
            (out / "imgs" / f).stat().st_size
            for f in _imgs_used(page)
            if (out / "imgs" / f).exists()
        )
        sizes[name] = size
    return sizes


def report(out: Path, sizes: dict[str, int], *, log=print) -> list[str]:
    """Print each page's size (with its figures from imgs/) and the site's; return problems."""
    problems = []
    log(f"\n{'page':<32} {'MB':>7}")
    for name, size in sizes.items():
        log(f"{name:<32} {size / 1e6:>7.2f}")
        if size > PAGE_LIMIT:
            problems.append(f"{name} is {size / 1e6:.1f} MB, more than {PAGE_LIMIT / 1e6:.0f} MB")
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file() and "_cache" not in f.parts)
    log(f"{'site (without _cache)':<32} {total / 1e6:>7.2f}")
    if total > SITE_LIMIT:
        problems.append(f"the site is {total / 1e6:.1f} MB, more than {SITE_LIMIT / 1e6:.0f} MB")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="folder (default site/)")
    parser.add_argument(
        "--only", nargs="+", default=(), metavar="NN", help="build these notebooks (and the index)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sizes = build(args.out, args.only)
    problems = report(args.out, sizes)
    print(f"built {len(sizes)} pages into {args.out} in {time.perf_counter() - started:.0f} s")
    for problem in problems:
        print("too large:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
