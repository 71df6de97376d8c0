"""Turn the numbered notebooks into class assignments: student notebooks and an autograder.

``make assignments`` runs this script. For every notebook named in ``assignments.yml`` (beside
this file) it

1. writes an Otter Assign *master notebook* to ``<output>/masters/NN-name.ipynb``: each exercise
   (a markdown prompt tagged ``exercise``, the code stub tagged ``exercise``, the ``check`` cell
   and the collapsed ``solution`` block) becomes one Otter question whose answer cell holds the
   solution between ``# BEGIN SOLUTION`` / ``# END SOLUTION`` and the stub as its prompt, and
   whose one hidden test is the exercise's own check call (``bool(result) or print(result)``:
   ``True`` when the cnnlab checker passed, its hint otherwise);
2. runs ``otter assign`` on it and collects the results:

   * ``<output>/student/NN-name.ipynb``: the notebook as a student gets it, the stubs where the
     solutions were and no solution or test in it (``<output>/imgs/`` holds its figures);
   * ``<output>/autograder/NN-name/``: the solution notebook and ``autograder.zip`` (tests and
     configuration) for ``otter run`` (one submission, no Docker) and ``otter grade`` (a class).

Usage::

    python tools/assignments/make_assignments.py                 # the notebooks of the config
    python tools/assignments/make_assignments.py 03-padding.ipynb --output /tmp/a

Why Otter-Grader: its answer cells keep our stubs word for word (a prompt block), it writes the
``student/`` and ``autograder/`` folders itself, grades one notebook without a database, course
folder or Docker (``otter run``) and a class in Docker (``otter grade``), and the tests are the
checker calls the notebooks already make. nbgrader would replace each stub by
``raise NotImplementedError()`` and needs its course directory and gradebook for grading.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"
IMGS_DIR = ROOT / "imgs"
CONFIG = Path(__file__).resolve().parent / "assignments.yml"
NOTEBOOK_NAME = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")
#: The code of a solution cell: one fenced Python block inside <details>…</details>.
SOLUTION = re.compile(
    r"<details>\s*<summary>.*?</summary>.*?```python\n(?P<code>.*?)```\s*</details>", re.S
)
CHECKER_CALL = re.compile(r"\bchecks\.\w+\s*\(|\bcheck_\w+\s*\(")
IMAGE_LINK = re.compile(r"""(?:\]\(\s*<?|\bsrc\s*=\s*["'])\.\./imgs/([^)\s>"']+)""")


class AssignmentError(Exception):
    """A notebook or the configuration cannot be turned into an assignment (says why)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook: the indices of its cells and the solution's code."""

    number: int
    prompt: int
    stub: int
    check: int
    solution: int
    solution_code: str


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def solution_code(cell) -> str | None:
    """The Python code of a ``solution`` markdown cell's collapsed block (None if none)."""
    match = SOLUTION.search(cell.source) if cell.cell_type == "markdown" else None
    return match.group("code") if match else None


def exercise_segments(cells) -> list[tuple[int, range]]:
    """Each exercise's prompt cell and the cells after it, up to the next prompt or the summary.

    A prompt is a markdown cell tagged ``exercise``; the summary is the first cell tagged
    ``summary`` (the end of the notebook if none). What a segment must hold (a stub, a check, a
    solution) is for the caller to check.
    """
    prompts = [
        i for i, c in enumerate(cells) if "exercise" in _tags(c) and c.cell_type == "markdown"
    ]
    if not prompts:  # e.g. the dashboard, the index
        return []
    summary = next((i for i, c in enumerate(cells) if "summary" in _tags(c)), len(cells))
    ends = [*prompts[1:], summary]
    return [(start, range(start + 1, end)) for start, end in zip(prompts, ends, strict=True)]


def find_exercises(nb, name: str) -> list[Exercise]:
    """Every exercise of ``nb``: prompt, stub, check and solution cells, in this order.

    Raises :class:`AssignmentError` naming the cell when an exercise misses one of them.
    """
    cells = nb.cells
    found = []
    for n, (start, segment) in enumerate(exercise_segments(cells)):
        stubs = [
            i for i in segment if "exercise" in _tags(cells[i]) and cells[i].cell_type == "code"
        ]
        checks = [i for i in segment if "check" in _tags(cells[i])]
        solutions = [i for i in segment if "solution" in _tags(cells[i])]
        where = f"{name}: exercise {n + 1} (cell {start})"
        if len(stubs) != 1 or len(checks) != 1 or len(solutions) != 1:
            raise AssignmentError(
                f"{where} needs exactly one code stub tagged 'exercise', one 'check' cell and one "
                f"'solution' cell; found {len(stubs)}, {len(checks)} and {len(solutions)}."
            )
        stub, check, solution = stubs[0], checks[0], solutions[0]
        if not stub < check < solution:
            raise AssignmentError(
                f"{where}: expected stub, check, solution in this order; found cells "
                f"{stub}, {check}, {solution}."
            )
        code = solution_code(cells[solution])
        if code is None:
            raise AssignmentError(
                f"{where}: solution cell {solution} holds no ```python block inside "
                "<details><summary>…</summary> … </details>."
            )
        if not CHECKER_CALL.search(cells[check].source):
            raise AssignmentError(f"{where}: check cell {check} calls no cnnlab checker.")
        found.append(Exercise(n + 1, start, stub, check, solution, code))
    return found


def _raw(source: str):
    return nbformat.v4.new_raw_cell(source)


def answer_source(solution: str, stub: str) -> str:
    """The answer cell: the solution for the autograder, the stub (Otter's prompt) for students.

    Otter Assign drops the lines between ``# BEGIN SOLUTION NO PROMPT`` and ``# END SOLUTION``
    from the student notebook, and the two lines ending in ``# BEGIN PROMPT`` / ``# END PROMPT``,
    which leaves the stub. In the solution notebook the stub is an unused string (``;`` keeps it
    from being displayed).
    """
    quote = '"""' if '"""' not in stub else "'''"
    if quote in stub or stub.rstrip().endswith(quote[0]) or "\\" in stub:
        raise AssignmentError(
            "a stub with both kinds of triple quotes, a backslash or a closing quote at its end "
            f"cannot be written as an Otter prompt string: {stub[:80]!r}"
        )
    return (
        "# BEGIN SOLUTION NO PROMPT\n"
        f"{solution.rstrip()}\n"
        "# END SOLUTION\n"
        f"{quote} # BEGIN PROMPT\n"
        f"{stub.rstrip()}\n"
        f"{quote}; # END PROMPT"
    )


def test_source(check: str) -> str:
    """A hidden Otter test from a check cell: prints ``True`` when the checker passed.

    The check cell's last statement is the checker call; statements before it run first.
    """
    tree = ast.parse(check)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        raise AssignmentError(f"a check cell must end with the checker call: {check!r}")
    *before, last = tree.body
    lines = ["# HIDDEN: the exercise's own cnnlab check (its Result is truthy only when passed)"]
    lines += [ast.unparse(node) for node in before]
    lines.append(f"_cnnlab_result = {ast.unparse(last.value)}")
    lines.append("bool(_cnnlab_result) or print(_cnnlab_result)")
    return "\n".join(lines)


def master_notebook(nb, name: str, otter_config: dict, points: float, drop_tags=()):
    """The Otter Assign master notebook of ``nb`` (a copy; ``nb`` is not changed)."""
    exercises = find_exercises(nb, name)
    if not exercises:
        raise AssignmentError(f"{name} has no exercise: nothing to grade.")
    by_prompt = {e.prompt: e for e in exercises}
    part_of = {i for e in exercises for i in (e.stub, e.check, e.solution)}
    config = dict(otter_config, name=Path(name).stem)
    cells = [_raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False).rstrip())]
    for i, cell in enumerate(nb.cells):
        if i in part_of or set(_tags(cell)) & set(drop_tags):
            continue
        exercise = by_prompt.get(i)
        if exercise is None:
            cells.append(copy.deepcopy(cell))
            continue
        stub, check = nb.cells[exercise.stub], nb.cells[exercise.check]
        answer = copy.deepcopy(stub)
        answer.source = answer_source(exercise.solution_code, stub.source)
        test = nbformat.v4.new_code_cell(test_source(check.source))
        test.outputs = [
            nbformat.v4.new_output(
                "execute_result", data={"text/plain": "True"}, execution_count=None
            )
        ]
        question = {"name": f"exercise-{exercise.number}", "points": points, "check_cell": False}
        cells += [
            _raw("# BEGIN QUESTION\n" + yaml.safe_dump(question, sort_keys=False).rstrip()),
            copy.deepcopy(cell),
            _raw("# BEGIN SOLUTION"),
            answer,
            _raw("# END SOLUTION"),
            copy.deepcopy(check),
            _raw("# BEGIN TESTS"),
            test,
            _raw("# END TESTS"),
            _raw("# END QUESTION"),
        ]
    master = copy.deepcopy(nb)
    master.cells = cells  # the notebook's cells keep their ids; Otter's raw cells get new ones
    return master


def linked_images(nb) -> set[str]:
    """The files of ``imgs/`` that the notebook's markdown links to as ``../imgs/...``."""
    return {
        m
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for m in IMAGE_LINK.findall(cell.source)
    }


def load_config(path: Path = CONFIG) -> dict:
    config = yaml.safe_load(path.read_text())
    for key in ("output", "notebooks", "points_per_exercise", "otter"):
        if key not in config:
            raise AssignmentError(f"{path.name} misses the key {key!r}.")
    points = config["points_per_exercise"]
    if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
        raise AssignmentError(
            f"points_per_exercise in {path.name} must be a positive number; got {points!r}."
        )
    return config


def selected_notebooks(names, notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks named by the config or the command line (``"all"``: every NN-*.ipynb)."""
    available = sorted(p for p in notebooks_dir.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))
    if names == "all":
        return available
    if isinstance(names, str):
        names = [names]
    by_name = {p.name: p for p in available} | {p.stem: p for p in available}
    unknown = [n for n in names if Path(n).name not in by_name]
    if unknown:
        raise AssignmentError(
            f"unknown notebook(s) {', '.join(map(repr, unknown))}; valid are the numbered "
            f"notebooks of notebooks/: {', '.join(p.name for p in available)}."
        )
    return [by_name[Path(n).name] for n in names]


def otter_assign(master: Path, result: Path) -> None:
    """Run ``otter assign`` (the one of this Python's environment) on ``master``."""
    otter = Path(sys.executable).parent / "otter"
    command = [str(otter) if otter.exists() else "otter", "assign", "--no-pdfs", str(master)]
    run = subprocess.run(
        [*command, str(result)], capture_output=True, text=True, cwd=master.parent, check=False
    )
    if run.returncode != 0:
        raise AssignmentError(
            f"otter assign failed on {master.name} (exit {run.returncode}):\n"
            f"{run.stdout[-2000:]}{run.stderr[-3000:]}"
        )


def build(path: Path, output: Path, config: dict) -> dict[str, Path]:
    """Build one notebook's assignment under ``output``; return where its parts are."""
    nb = nbformat.read(path, as_version=4)
    master = master_notebook(
        nb,
        path.name,
        config["otter"],
        config["points_per_exercise"],
        drop_tags=config.get("drop_tags", ()),
    )
    masters = output / "masters"
    masters.mkdir(parents=True, exist_ok=True)
    master_path = masters / path.name
    nbformat.write(master, master_path)
    with tempfile.TemporaryDirectory(prefix=f"cnnlab-assign-{path.stem}-") as tmp:
        result = Path(tmp) / "result"
        otter_assign(master_path, result)
        student = output / "student" / path.name
        student.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(result / "student" / path.name, student)
        autograder = output / "autograder" / path.stem
        shutil.rmtree(autograder, ignore_errors=True)
        shutil.copytree(result / "autograder", autograder)
        # Otter names the zip after the assignment and the time; one stable name is easier to use.
        zips = sorted(autograder.glob(f"{path.stem}-autograder_*.zip"))
        if len(zips) != 1:
            raise AssignmentError(
                f"otter assign wrote {len(zips)} autograder zips for {path.name}; expected one."
            )
        zips[0].rename(autograder / "autograder.zip")
    for image in sorted(linked_images(nb)):
        target = output / "imgs" / image
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(IMGS_DIR / image, target)
    return {
        "master": master_path,
        "student": student,
        "solutions": autograder / path.name,
        "autograder": autograder / "autograder.zip",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks", nargs="*", help="notebook file names (default: the config's 'notebooks')"
    )
    parser.add_argument("--config", type=Path, default=CONFIG, help="configuration file")
    parser.add_argument("--output", type=Path, help="output folder (default: the config's)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        output = args.output or ROOT / config["output"]
        paths = selected_notebooks(args.notebooks or config["notebooks"])
        for path in paths:
            parts = build(path, output, config)
            exercises = len(find_exercises(nbformat.read(path, as_version=4), path.name))
            print(
                f"{path.name}: {exercises} exercises -> {parts['student'].relative_to(output)}, "
                f"{parts['autograder'].relative_to(output)}"
            )
    except AssignmentError as err:
        print(f"make assignments: {err}", file=sys.stderr)
        return 1
    print(f"Student notebooks in {output / 'student'}; autograders in {output / 'autograder'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
