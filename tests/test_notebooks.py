"""Every notebook in ``notebooks/`` follows the anatomy, has current navigation, and runs.

Static tests read the committed ``.ipynb`` files (no outputs, the tagged cells of
CONTRIBUTING.md's "Notebook anatomy", slide metadata, no ``import *`` or ``eval``). The ``slow``
tests execute each notebook once per session in a fresh kernel of the project venv
(``tests/_jupyter.py``) and check the executed copy: no errors or tracebacks, the explorer's
"kernel size", "stride" and "padding" sliders in the stored widget state, every claim line true.
In the same kernel they then re-run each check (still "Not yet": no solution ran under Run All),
run the notebook's guards (``tests/notebook_guards/``) and each exercise's own solution followed
by its own check ("Correct"). ``tests/fixtures/notebooks/00-explorer-fixture.ipynb`` runs
through the same checks, and broken copies of it show that each check can fail.

Time and memory budgets are figures, not assertions: ``benchmarks/bench_notebooks.py`` prints
them (a run longer than twice the budget is still stopped here, as a hang).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest
from _jupyter import (
    FIXTURE_NOTEBOOK,
    FIXTURES_DIR,
    NOTEBOOKS_DIR,
    ROOT,
    error_outputs,
    execute_notebook,
    missing_sliders,
    notebook_paths,
    output_text,
)
from helpers import load_tool

NOTEBOOKS = notebook_paths()
NOTEBOOK_IDS = [p.stem for p in NOTEBOOKS]
WITH_FIXTURE = [*NOTEBOOKS, FIXTURE_NOTEBOOK]
WITH_FIXTURE_IDS = [*NOTEBOOK_IDS, "fixture"]

SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
TITLE = re.compile(r"^# (\d\d) · \S.*$")
BULLET = re.compile(r"^(?:[-*+]|\d+[.)])\s+\S", re.M)
NUMBERED_ITEM = re.compile(r"^\d+\.\s", re.M)
LINK = re.compile(r"https?://|\]\(")
CORRECT, NOT_YET = "✅ Correct!", "❌ Not yet."
CLAIM_FAILED = "✗ Not with these values"
GUARDS_DIR = ROOT / "tests" / "notebook_guards"


make_nav = load_tool("make_nav.py", "make_nav")
#: The anatomy of an exercise (prompt, stub, check, solution) is the assignment tool's: one
#: definition for the notebooks' tests and the Otter assignments built from them.
make_assignments = load_tool("assignments/make_assignments.py", "make_assignments")
CHECKER_CALL = make_assignments.CHECKER_CALL
solution_code = make_assignments.solution_code
exercise_segments = make_assignments.exercise_segments


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def _tagged(nb, tag: str) -> list[int]:
    return [i for i, cell in enumerate(nb.cells) if tag in _tags(cell)]


def exercises(nb) -> list[tuple[int, int, int]]:
    """(stub, check, solution) cell indices of each exercise, in order.

    An exercise is a markdown prompt tagged ``exercise``, then a code stub tagged ``exercise``,
    a check cell and a solution cell (the anatomy test reports notebooks that differ).
    """
    cells = nb.cells
    found = []
    for _, segment in exercise_segments(cells):
        stubs = [i for i in segment if "exercise" in _tags(cells[i])]
        checks = [i for i in segment if "check" in _tags(cells[i])]
        solutions = [i for i in segment if "solution" in _tags(cells[i])]
        if stubs and checks and solutions:
            found.append((stubs[0], checks[-1], solutions[-1]))
    return found


def visible_asserts(nb) -> list[str]:
    """Bare ``assert`` statements in code cells a learner sees (every code cell not hidden)."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or cell.metadata.get("jupyter", {}).get("source_hidden"):
            continue
        try:
            tree = ast.parse(_python(cell.source))
        except SyntaxError:
            continue  # reported by code_problems
        found += [
            f"cell {i} line {node.lineno}: {ast.unparse(node)[:70]}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Assert)
        ]
    return found


def guard_source(path: Path) -> str | None:
    """``tests/notebook_guards/<notebook stem>.py``: asserts run in the notebook's kernel."""
    guard = GUARDS_DIR / f"{path.stem}.py"
    return guard.read_text() if guard.exists() else None


def extra_cells(path: Path) -> list[str]:
    """What the tests run after a notebook, in its kernel, in this order.

    1. every check cell again, as a learner would re-run one after Run All;
    2. the notebook's guards (statistical and regression thresholds), if it has any;
    3. for each exercise, its own solution followed by its own check.
    """
    nb = _read(path)
    found = exercises(nb)
    cells = [nb.cells[check].source for _, check, _ in found]
    guard = guard_source(path)
    if guard is not None:
        cells.append(guard)
    for _, check, solution in found:
        cells.append((solution_code(nb.cells[solution]) or "") + "\n" + nb.cells[check].source)
    return cells


def _python(source: str) -> str:
    """Cell source as plain Python (IPython magics and shell escapes transformed away)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


# ----------------------------------------------------------------------------- checkers


def output_problems(nb) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {i} has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {i} has execution_count {cell.execution_count}")
    if "widgets" in nb.metadata:
        problems.append("notebook metadata holds saved widget state ('widgets')")
    return problems


def code_problems(nb) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_python(cell.source))
        except SyntaxError as err:
            problems.append(f"cell {i} is not valid Python: {err.msg} (line {err.lineno})")
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                problems.append(f"cell {i}: 'from {node.module} import *'")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "eval"
            ):
                problems.append(f"cell {i}: calls eval(")
    return problems


def slide_problems(nb) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        if slide_type not in SLIDE_TYPES:
            problems.append(f"cell {i}: slideshow.slide_type is {slide_type!r}")
    for i in _tagged(nb, "setup"):
        if nb.cells[i].metadata.get("slideshow", {}).get("slide_type") != "skip":
            problems.append(f"setup cell {i} must have slide_type 'skip'")
    return problems


def _setup_problems(nb, i: int) -> list[str]:
    cell = nb.cells[i]
    if cell.cell_type != "code":
        return [f"setup cell {i} must be a code cell"]
    problems = []
    first_code = next(j for j, c in enumerate(nb.cells) if c.cell_type == "code")
    if first_code != i:
        problems.append(f"setup cell {i} must be the first code cell (cell {first_code} is)")
    try:
        tree = ast.parse(_python(cell.source))
    except SyntaxError:
        return problems  # reported by code_problems
    calls = 0
    for statement in tree.body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        value = getattr(statement, "value", None)
        func = getattr(value, "func", None)
        name = getattr(func, "attr", None) or getattr(func, "id", None)
        if isinstance(statement, ast.Expr | ast.Assign) and name == "setup_notebook":
            calls += 1
            continue
        problems.append(
            f"setup cell {i} may hold only imports and the setup_notebook() call; "
            f"found {ast.unparse(statement)[:60]!r}"
        )
    if calls != 1:
        problems.append(f"setup cell {i} must call setup_notebook() once (found {calls} calls)")
    return problems


def _exercise_problems(nb) -> list[str]:
    cells = nb.cells
    segments = exercise_segments(cells)
    if len(segments) < 2:
        return [
            f"needs at least 2 exercises (markdown cells tagged 'exercise'); found {len(segments)}"
        ]
    problems = []
    for start, segment in segments:
        stubs = [
            i for i in segment if "exercise" in _tags(cells[i]) and cells[i].cell_type == "code"
        ]
        checks = [i for i in segment if "check" in _tags(cells[i])]
        where = f"exercise at cell {start}"
        if not stubs:
            problems.append(f"{where}: no code stub tagged 'exercise' after the prompt")
        if not checks:
            problems.append(f"{where}: no cell tagged 'check' before the next exercise")
            continue
        check = checks[-1]
        if cells[check].cell_type != "code" or not CHECKER_CALL.search(cells[check].source):
            problems.append(f"{where}: check cell {check} must call a cnnlab.checks checker")
        if stubs and stubs[0] > check:
            problems.append(f"{where}: the stub (cell {stubs[0]}) must come before the check")
        solutions = [i for i in segment if "solution" in _tags(cells[i]) and i > check]
        if not solutions:
            problems.append(f"{where}: no cell tagged 'solution' after check cell {check}")
        for i in solutions:
            if cells[i].cell_type != "markdown":
                problems.append(
                    f"solution cell {i} must be a markdown cell (a code cell would run under "
                    "Run All and redefine the learner's names)"
                )
            elif solution_code(cells[i]) is None:
                problems.append(
                    f"solution cell {i} must hold one ```python block inside "
                    "<details><summary>…</summary> … </details>"
                )
    return problems


def _reference_problems(text: str) -> list[str]:
    """References are a numbered list and every item has a link (on any of its lines)."""
    starts = [m.start() for m in NUMBERED_ITEM.finditer(text)]
    if not starts:
        return ["references must be a numbered list with links"]
    items = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [
        f"reference {item.split('.')[0]} has no link" for item in items if not LINK.search(item)
    ]


def anatomy_problems(nb, path: Path) -> list[str]:
    """Deviations from CONTRIBUTING.md's "Notebook anatomy" (empty when the notebook follows it)."""
    cells = nb.cells
    if len(cells) < 3:
        return [f"only {len(cells)} cells"]
    problems = []
    first = cells[0]
    heading = first.source.strip().splitlines()[0] if first.source.strip() else ""
    match = TITLE.match(heading)
    if first.cell_type != "markdown" or "title" not in _tags(first) or not match:
        problems.append(
            f"cell 0 must be the markdown title cell tagged 'title' ('# NN · Title'); got {heading!r}"
        )
    elif match.group(1) != path.name[:2]:
        problems.append(f"title number {match.group(1)} does not match the file name {path.name}")
    elif not make_nav.first_sentence(first.source):
        problems.append("the title cell needs a paragraph of motivation after the heading")

    nav = _tagged(nb, "nav")
    if nav != [1, len(cells) - 1]:
        problems.append(f"cells tagged 'nav' must be exactly the 2nd and the last; found {nav}")
    for i in nav:
        if cells[i].cell_type != "markdown":
            problems.append(f"nav cell {i} must be markdown")

    def single(tag: str, cell_type: str) -> int | None:
        found = _tagged(nb, tag)
        if len(found) != 1:
            problems.append(f"needs exactly one cell tagged {tag!r}; found {len(found)}")
            return None
        if cells[found[0]].cell_type != cell_type:
            problems.append(f"the {tag!r} cell must be a {cell_type} cell")
        return found[0]

    objectives = single("objectives", "markdown")
    if objectives is not None:
        text = cells[objectives].source
        if "you will be able to" not in text.lower():
            problems.append("the objectives cell must say 'You will be able to…'")
        if not 3 <= len(BULLET.findall(text)) <= 5:
            problems.append(f"objectives: 3–5 bullets, found {len(BULLET.findall(text))}")
    setup = single("setup", "code")
    if setup is not None:
        problems += _setup_problems(nb, setup)
    explore = [i for i in _tagged(nb, "explore") if cells[i].cell_type == "code"]
    if not explore:
        problems.append("needs an explore code cell (tag 'explore') with the sliders")
    problems += _exercise_problems(nb)
    summary = single("summary", "markdown")
    if summary is not None and not 3 <= len(BULLET.findall(cells[summary].source)) <= 5:
        problems.append(f"summary: 3–5 bullets, found {len(BULLET.findall(cells[summary].source))}")
    references = single("references", "markdown")
    if references is not None:
        problems += _reference_problems(cells[references].source)

    order = [("objectives", objectives), ("setup", setup), ("summary", summary)]
    order += [("references", references)]
    present = [(name, i) for name, i in order if i is not None]
    for (a, i), (b, j) in zip(present, present[1:], strict=False):
        if i > j:
            problems.append(f"the {a!r} cell (cell {i}) must come before {b!r} (cell {j})")
    if objectives is not None and objectives < 2:
        problems.append("objectives must come after the title and the nav cell")
    if setup is not None and explore and min(explore) < setup:
        problems.append("the explore cell must come after the setup cell")
    return problems


# ----------------------------------------------------------------------------- static tests


@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_committed_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    assert output_problems(nb) == []


@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_follows_anatomy(path):
    assert anatomy_problems(_read(path), path) == []


@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_every_cell_has_slide_type(path):
    assert slide_problems(_read(path)) == []


@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_code_has_no_star_import_or_eval(path):
    assert code_problems(_read(path)) == []


@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_no_bare_assert_in_cells_a_learner_sees(path):
    # A learner who changes a parameter must meet a sentence, never an AssertionError: claims
    # that teach use cnnlab.checks.claim, thresholds live in tests/notebook_guards/.
    assert visible_asserts(_read(path)) == []


def test_visible_asserts_and_solution_parsing_can_fail():
    nb = _fixture()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1\nassert x == 1"))
    assert visible_asserts(nb) == [f"cell {len(nb.cells) - 1} line 2: assert x == 1"]
    assert solution_code(nbformat.v4.new_markdown_cell("no block")) is None
    assert [len(e) for e in exercises(nb)] == [3, 3]


def test_index_has_no_outputs():
    index = NOTEBOOKS_DIR / make_nav.INDEX_NAME
    assert index.exists(), "notebooks/index.ipynb is missing: run `python tools/make_nav.py`"
    assert output_problems(_read(index)) == []


DASHBOARD = NOTEBOOKS_DIR / "dashboard.ipynb"


def test_dashboard_is_stripped_and_links_only_what_voila_can_serve():
    # README's Voila page: no outputs, slide types, no markdown image Voila would hang on.
    nb = _read(DASHBOARD)
    nbformat.validate(nb)
    assert output_problems(nb) == []
    assert slide_problems(nb) == []
    assert code_problems(nb) == []
    assert not any("](../" in c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.slow
def test_dashboard_runs_and_has_the_sliders(executed):
    result = executed(DASHBOARD)
    assert result.failure is None, result.failure
    assert error_outputs(result.nb) == []
    assert missing_sliders(result.nb) == []


def test_navigation_and_index_are_current():
    stale = sorted(p.name for p in make_nav.plan(NOTEBOOKS_DIR))
    assert stale == [], f"stale: {stale}; run `python tools/make_nav.py`"


def test_fixture_navigation_is_current():
    assert sorted(p.name for p in make_nav.plan(FIXTURES_DIR)) == []


@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_linked_files_and_images_exist(path):
    missing = []
    for target in make_nav._links(_read(path)):
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#", target, re.I):
            continue
        if not (path.parent / target.split("#")[0]).exists():
            missing.append(target)
    assert missing == []


# ----------------------------------------------------------------------------- the checks can fail


def _fixture():
    return _read(FIXTURE_NOTEBOOK)


def _index_of(nb, tag):
    return _tagged(nb, tag)[0]


def test_anatomy_accepts_fixture_and_names_each_deviation():
    assert anatomy_problems(_fixture(), FIXTURE_NOTEBOOK) == []

    def problems_after(change, path=FIXTURE_NOTEBOOK):
        nb = _fixture()
        change(nb)
        return " | ".join(anatomy_problems(nb, path))

    def drop(tag):
        return lambda nb: nb.cells.pop(_index_of(nb, tag))

    assert "does not match the file name" in problems_after(
        lambda nb: None, FIXTURE_NOTEBOOK.with_name("03-explorer-fixture.ipynb")
    )
    assert "'nav' must be exactly" in problems_after(lambda nb: nb.cells.pop())
    assert "'objectives'" in problems_after(drop("objectives"))
    assert "'setup'" in problems_after(drop("setup"))
    assert "explore" in problems_after(drop("explore"))
    assert "'summary'" in problems_after(drop("summary"))
    assert "references" in problems_after(drop("references"))

    def unlinked_reference(nb):
        nb.cells[_index_of(nb, "references")].source += "\n2. A book without a link."

    assert "reference 2 has no link" in problems_after(unlinked_reference)

    def extra_setup_code(nb):
        nb.cells[_index_of(nb, "setup")].source += "\nx = 1"
        return nb

    assert "only imports and the setup_notebook() call" in problems_after(extra_setup_code)

    def one_exercise(nb):
        prompts = [i for i in _tagged(nb, "exercise") if nb.cells[i].cell_type == "markdown"]
        del nb.cells[prompts[1] : _index_of(nb, "summary")]

    assert "at least 2 exercises" in problems_after(one_exercise)

    def executable_solution(nb):
        i = _index_of(nb, "solution")
        nb.cells[i] = nbformat.v4.new_code_cell(
            solution_code(nb.cells[i]), metadata=nb.cells[i].metadata
        )

    assert "must be a markdown cell" in problems_after(executable_solution)

    def open_solution(nb):
        cell = nb.cells[_index_of(nb, "solution")]
        cell.source = cell.source.replace("<details>", "").replace("</details>", "")

    assert "<details>" in problems_after(open_solution)

    def solution_before_check(nb):
        check, solution = _index_of(nb, "check"), _index_of(nb, "solution")
        nb.cells[check], nb.cells[solution] = nb.cells[solution], nb.cells[check]

    assert "no cell tagged 'solution' after check" in problems_after(solution_before_check)

    def no_checker_call(nb):
        nb.cells[_index_of(nb, "check")].source = "print(pixels)"

    assert "must call a cnnlab.checks checker" in problems_after(no_checker_call)


def test_output_slide_and_code_checks_catch_violations():
    nb = _fixture()
    setup = nb.cells[_index_of(nb, "setup")]
    setup.outputs = [nbformat.v4.new_output("stream", text="hi\n")]
    setup.execution_count = 1
    assert len(output_problems(nb)) == 2
    setup.metadata["slideshow"]["slide_type"] = "slide"
    nb.cells[0].metadata.pop("slideshow")
    assert len(slide_problems(nb)) == 2
    nb.cells[_index_of(nb, "explore")].source += "\nfrom numpy import *\nvalue = eval('1 + 1')"
    nb.cells[_index_of(nb, "check")].source = "%matplotlib inline\nprint(("
    found = " | ".join(code_problems(nb))
    assert "import *" in found and "eval(" in found and "not valid Python" in found


# ----------------------------------------------------------------------------- make_nav


def _mini_collection(directory: Path, names_titles, *, with_nav=True) -> list[Path]:
    paths = []
    for name, title in names_titles:
        nb = _fixture()
        nb.cells[0].source = f"# {name[:2]} · {title}\n\nThe {title.lower()} notebook. More."
        if not with_nav:
            nb.cells = [c for c in nb.cells if "nav" not in _tags(c)]
        path = directory / name
        nbformat.write(nb, path)
        paths.append(path)
    return paths


MINI = [("00-alpha.ipynb", "Alpha"), ("01-beta.ipynb", "Beta"), ("02-gamma.ipynb", "Gamma")]


def test_make_nav_inserts_links_and_index_and_is_idempotent(tmp_path, capsys):
    paths = _mini_collection(tmp_path, MINI, with_nav=False)
    assert make_nav.main(["--check", "--dir", str(tmp_path)]) == 1
    assert make_nav.main(["--dir", str(tmp_path)]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert make_nav.main(["--dir", str(tmp_path)]) == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert make_nav.main(["--check", "--dir", str(tmp_path)]) == 0

    beta = _read(paths[1])
    assert _tagged(beta, "nav") == [1, len(beta.cells) - 1]
    top = beta.cells[1].source
    assert top == beta.cells[-1].source
    assert (
        top
        == "[← 00 · Alpha](00-alpha.ipynb) · [Index](index.ipynb) · [02 · Gamma →](02-gamma.ipynb)"
    )
    assert _read(paths[0]).cells[1].source.startswith("[Index](index.ipynb) · [01 · Beta →]")
    assert _read(paths[2]).cells[1].source.endswith("(01-beta.ipynb) · [Index](index.ipynb)")
    assert anatomy_problems(beta, paths[1]) == []

    listing = _read(tmp_path / "index.ipynb").cells[1].source
    lines = [line for line in listing.splitlines() if line.startswith("- ")]
    assert lines == [
        "- [**00 · Alpha**](00-alpha.ipynb) — The alpha notebook.",
        "- [**01 · Beta**](01-beta.ipynb) — The beta notebook.",
        "- [**02 · Gamma**](02-gamma.ipynb) — The gamma notebook.",
    ]
    usage = _read(tmp_path / "index.ipynb").cells[2].source
    assert "Run All" in usage and "slider" in usage.lower() and "exercise" in usage.lower()


def test_make_nav_check_reports_stale_link(tmp_path, capsys):
    paths = _mini_collection(tmp_path, MINI)
    make_nav.main(["--dir", str(tmp_path)])
    capsys.readouterr()
    nb = _read(paths[1])
    nb.cells[-1].source = nb.cells[-1].source.replace("02 · Gamma", "02 · Old title")
    nbformat.write(nb, paths[1])
    assert make_nav.main(["--check", "--dir", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == ["01-beta.ipynb: navigation or index is stale"]


def test_make_nav_check_reports_links_to_a_missing_notebook(tmp_path, capsys):
    paths = _mini_collection(tmp_path, MINI)
    make_nav.main(["--dir", str(tmp_path)])
    paths[2].unlink()  # 01-beta's "next" and the index still point at 02-gamma
    capsys.readouterr()
    assert make_nav.main(["--check", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "01-beta.ipynb: navigation or index is stale" in out
    assert "index.ipynb: navigation or index is stale" in out
    assert "01-beta.ipynb: link to missing file '02-gamma.ipynb'" in out
    assert "00-alpha.ipynb" not in out


def test_make_nav_check_reports_missing_image(tmp_path, capsys):
    paths = _mini_collection(tmp_path, MINI)
    (tmp_path / "imgs").mkdir()
    (tmp_path / "imgs" / "there.png").write_bytes(b"\x89PNG")
    nb = _read(paths[0])
    nb.cells[2].source += "\n\n![ok](imgs/there.png) ![gone](imgs/missing.png)"
    nbformat.write(nb, paths[0])
    make_nav.main(["--dir", str(tmp_path)])
    capsys.readouterr()
    assert make_nav.main(["--check", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == ["00-alpha.ipynb: link to missing file 'imgs/missing.png'"]


def test_make_nav_rejects_title_not_matching_file_name(tmp_path, capsys):
    _mini_collection(tmp_path, [("00-alpha.ipynb", "Alpha")])
    nb = _read(tmp_path / "00-alpha.ipynb")
    nb.cells[0].source = "# 05 · Alpha\n\nText."
    nbformat.write(nb, tmp_path / "00-alpha.ipynb")
    assert make_nav.main(["--dir", str(tmp_path)]) == 2
    assert "file name" in capsys.readouterr().err


# ----------------------------------------------------------------------------- execution


@pytest.fixture(scope="module")
def executed():
    """Execute each notebook at most once per session; tests share the result."""
    cache = {}

    def run(path: Path):
        if path not in cache:
            cache[path] = execute_notebook(path, extra_cells=extra_cells(path))
        return cache[path]

    return run


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_runs_without_errors(path, executed):
    result = executed(path)
    assert result.failure is None, result.failure
    assert Path(result.kernel_python) == Path(sys.executable), "kernel is not the venv's python"
    code_cells = [c for c in result.nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells)
    assert error_outputs(result.nb) == []


def _rerun_guard_solution(result):
    """Split ``result.extra`` into (re-run checks, guard cell or None, solution+check cells)."""
    n = len(exercises(result.nb))
    has_guard = guard_source(result.path) is not None
    return result.extra[:n], (result.extra[n] if has_guard else None), result.extra[n + has_guard :]


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_run_all_then_check_still_says_not_yet(path, executed):
    # Run All on an untouched notebook, then re-run each check: no solution may have run into
    # the learner's names, so every check still reports "Not yet".
    result = executed(path)
    assert result.failure is None, result.failure
    found = exercises(result.nb)
    assert len(found) >= 2
    first = [output_text(result.nb.cells[check]) for _, check, _ in found]
    again = [output_text(cell) for cell in _rerun_guard_solution(result)[0]]
    assert all(NOT_YET in text and CORRECT not in text for text in first + again), first + again


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_own_solutions_pass_their_own_checkers(path, executed):
    result = executed(path)
    assert result.failure is None, result.failure
    solved = _rerun_guard_solution(result)[2]
    assert len(solved) == len(exercises(result.nb)) >= 2
    texts = [output_text(cell) for cell in solved]
    assert all(CORRECT in text for text in texts), texts


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_claims_and_guards_hold_with_the_notebooks_own_settings(path, executed):
    # claim() prints a sentence instead of raising when a learner's change breaks a statement;
    # with the notebook's own settings every claim must hold, and so must the guards.
    result = executed(path)
    assert result.failure is None, result.failure
    failed = [
        f"cell {i}: {line}"
        for i, cell in enumerate(result.nb.cells)
        if cell.cell_type == "code"
        for line in output_text(cell).splitlines()
        if CLAIM_FAILED in line
    ]
    assert failed == []
    guard = _rerun_guard_solution(result)[1]
    if guard is not None:
        assert _output_errors(guard) == [], output_text(guard)


def _output_errors(cell) -> list[str]:
    return [
        f"{o.get('ename')}: {o.get('evalue')}"
        for o in cell.outputs
        if o.get("output_type") == "error"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_FIXTURE, ids=WITH_FIXTURE_IDS)
def test_explorer_sliders_in_widget_state(path, executed):
    assert missing_sliders(executed(path).nb) == []


BROKEN_CELLS = [
    "1 / 0",
    "import ipywidgets\nout = ipywidgets.Output()\nwith out:\n    raise KeyError('in a callback')\nout",
    "print('Traceback (most recent call last):')",
    "import time\ntime.sleep(30)",
    "after_the_timeout = True",
]


@pytest.mark.slow
def test_execution_checks_catch_errors_missing_sliders_and_timeouts(tmp_path):
    nb = _fixture()
    explore = nb.cells[_index_of(nb, "explore")]
    explore.source = explore.source.replace('description="stride"', 'description="step"')
    nb.cells[-1:-1] = [nbformat.v4.new_code_cell(src) for src in BROKEN_CELLS]
    path = tmp_path / FIXTURE_NOTEBOOK.name
    nbformat.write(nb, path)

    result = execute_notebook(path, budget=4)
    assert "timed out" in (result.failure or "")
    assert result.cells_not_run == [len(nb.cells) - 2]
    problems = " | ".join(error_outputs(result.nb))
    assert "ZeroDivisionError" in problems
    assert "KeyError" in problems and "Output widget" in problems
    assert "output contains a traceback" in problems
    assert missing_sliders(result.nb) == ["stride"]
    assert result.peak_rss_bytes is None or result.peak_rss_bytes > 0


def test_missing_sliders_reads_widget_state():
    nb = nbformat.v4.new_notebook()
    assert missing_sliders(nb) == ["kernel size", "stride", "padding"]
    state = {
        "a": {"model_name": "IntSliderModel", "state": {"description": "Kernel size:"}},
        "b": {"model_name": "FloatSliderModel", "state": {"description": "stride"}},
        "c": {"model_name": "DropdownModel", "state": {"description": "padding"}},
    }
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    assert missing_sliders(nb) == ["padding"]
    stored = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    stored["c"]["model_name"] = "SelectionSliderModel"
    assert missing_sliders(nb) == []
