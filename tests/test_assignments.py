"""``make assignments`` turns notebooks into student notebooks and an Otter autograder.

Static tests build the Otter master notebook of every numbered notebook in memory (each
exercise found, the answer cell holding the solution and the stub as Otter's prompt, the test
being the exercise's own check call) and show that broken notebooks are refused with a sentence.

The ``slow`` tests run ``tools/assignments/make_assignments.py`` on one notebook (offline; the
output goes to a temporary folder), then prove that

* the student notebook carries none of the solutions' code lines (lines that also occur in the
  notebook outside its solution cells, such as a ``def`` line the stub shares, do not count) and
  keeps every stub, check cell and explanation of the original;
* ``otter run`` grading the instructor's solution notebook gives full marks, and grading the
  untouched student notebook gives none, each test's feedback being the checker's hint.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from _jupyter import NOTEBOOKS_DIR, ROOT, kernel_env, notebook_paths
from helpers import load_tool

TOOL = ROOT / "tools" / "assignments" / "make_assignments.py"
#: A notebook with three exercises that executes in seconds (no training, no dataset).
GRADED_NOTEBOOK = "03-padding.ipynb"
OTTER = Path(sys.executable).parent / "otter"


make_assignments = load_tool("assignments/make_assignments.py", "make_assignments")
CONFIG = make_assignments.load_config()


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _master(nb, name="03-padding.ipynb"):
    return make_assignments.master_notebook(
        nb, name, CONFIG["otter"], CONFIG["points_per_exercise"], drop_tags=CONFIG["drop_tags"]
    )


def _code_lines(source: str) -> set[str]:
    return {line.strip() for line in source.splitlines() if line.strip()}


def leaked_solution_lines(original, student) -> list[str]:
    """Solution code lines of ``original`` found in ``student``'s cells.

    Only lines a student could not read elsewhere in ``original`` count: a solution's
    ``def padding_for(k, mode):`` is also the stub's first line and gives nothing away.
    """
    solutions, elsewhere = set(), set()
    for cell in original.cells:
        code = make_assignments.solution_code(cell)
        if "solution" in cell.metadata.get("tags", []) and code is not None:
            solutions |= _code_lines(code)
        else:
            elsewhere |= _code_lines(cell.source)
    secret = solutions - elsewhere
    shown = set()
    for cell in student.cells:
        shown |= _code_lines(cell.source)
    shown |= _code_lines(json.dumps(student.metadata, ensure_ascii=False))
    return sorted(secret & shown)


# ----------------------------------------------------------------------------- static


# Importing Otter imports nbconvert-era traitlets code that warns about its own definitions.
@pytest.mark.filterwarnings("ignore::DeprecationWarning:traitlets.*")
@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_every_notebook_has_a_master_with_one_question_per_exercise(path):
    from otter.assign.solutions import replace_solutions

    nb = _read(path)
    exercises = make_assignments.find_exercises(nb, path.name)
    master = _master(nb, path.name)
    sources = [c.source for c in master.cells if c.cell_type == "raw"]
    assert sources[0].startswith("# ASSIGNMENT CONFIG\n")
    questions = [s for s in sources if s.startswith("# BEGIN QUESTION")]
    assert len(questions) == len(exercises) >= 1
    answers = [c for c in master.cells if "# BEGIN SOLUTION NO PROMPT" in c.source]
    for exercise, answer in zip(exercises, answers, strict=True):
        assert exercise.solution_code.rstrip() in answer.source
        # What Otter Assign leaves of the answer cell in the student notebook: the stub, exactly.
        student_lines = replace_solutions(answer.source.splitlines(), "python")
        assert student_lines == nb.cells[exercise.stub].source.rstrip().splitlines()
    assert not any("solution" in c.metadata.get("tags", []) for c in master.cells)


def test_answer_cell_is_the_solution_then_the_stub_as_prompt():
    source = make_assignments.answer_source("x = 1\n", "x = ...")
    assert source.splitlines() == [
        "# BEGIN SOLUTION NO PROMPT",
        "x = 1",
        "# END SOLUTION",
        '""" # BEGIN PROMPT',
        "x = ...",
        '"""; # END PROMPT',
    ]
    with pytest.raises(make_assignments.AssignmentError, match="triple quotes"):
        make_assignments.answer_source("x = 1", "s = '''a''' + \"\"\"b\"\"\"")


def test_test_is_the_check_call_printing_true_only_when_passed():
    source = make_assignments.test_source("n = 3\ncnnlab.checks.check_x(f, n=n)")
    assert source.splitlines()[1:] == [
        "n = 3",
        "_cnnlab_result = cnnlab.checks.check_x(f, n=n)",
        "bool(_cnnlab_result) or print(_cnnlab_result)",
    ]
    assert source.startswith("# HIDDEN")
    with pytest.raises(make_assignments.AssignmentError, match="must end with the checker call"):
        make_assignments.test_source("result = cnnlab.checks.check_x(f)")


def test_broken_exercises_are_refused_with_a_sentence():
    nb = _read(NOTEBOOKS_DIR / GRADED_NOTEBOOK)
    exercise = make_assignments.find_exercises(nb, GRADED_NOTEBOOK)[0]

    no_solution = nbformat.from_dict(nb)
    no_solution.cells[exercise.solution].metadata["tags"] = []
    with pytest.raises(make_assignments.AssignmentError, match=r"exercise 1 .* found 1, 1 and 0"):
        make_assignments.find_exercises(no_solution, GRADED_NOTEBOOK)

    open_solution = nbformat.from_dict(nb)
    cell = open_solution.cells[exercise.solution]
    cell.source = cell.source.replace("<details>", "")
    with pytest.raises(make_assignments.AssignmentError, match="no ```python block"):
        make_assignments.find_exercises(open_solution, GRADED_NOTEBOOK)

    no_checker = nbformat.from_dict(nb)
    no_checker.cells[exercise.check].source = "print(padded_output_size(5, 3, 1))"
    with pytest.raises(make_assignments.AssignmentError, match="calls no cnnlab checker"):
        make_assignments.find_exercises(no_checker, GRADED_NOTEBOOK)


def test_unknown_notebook_names_the_valid_ones():
    with pytest.raises(make_assignments.AssignmentError, match=r"'99-nothing.ipynb'.*03-padding"):
        make_assignments.selected_notebooks(["99-nothing.ipynb"])
    assert make_assignments.selected_notebooks(["03-padding"]) == [NOTEBOOKS_DIR / GRADED_NOTEBOOK]


def test_leak_detector_sees_a_solution_line_and_ignores_shared_ones():
    original = _read(NOTEBOOKS_DIR / GRADED_NOTEBOOK)
    student = nbformat.from_dict(original)
    student.cells = [c for c in student.cells if "solution" not in c.metadata.get("tags", [])]
    assert leaked_solution_lines(original, student) == []  # the stubs' def lines do not count
    student.cells.append(nbformat.v4.new_code_cell("    return i + 2 * p - k + 1"))
    assert leaked_solution_lines(original, student) == ["return i + 2 * p - k + 1"]


# ----------------------------------------------------------------------------- built


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not OTTER.exists():
        pytest.fail(f"otter-grader is not installed ({OTTER} is missing): `make test` installs it")
    output = tmp_path_factory.mktemp("assignments")
    run = subprocess.run(
        [sys.executable, str(TOOL), GRADED_NOTEBOOK, "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return output


def _grade(notebook: Path, autograder: Path, out: Path) -> dict[str, tuple[float, float, str]]:
    """``otter run`` on ``notebook``: question name -> (score, max score, feedback)."""
    out.mkdir()
    env = kernel_env()
    run = subprocess.run(
        [str(OTTER), "run", "--no-logo", "-a", str(autograder), "-o", str(out), str(notebook)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=out,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    return {
        t["name"]: (t["score"], t["max_score"], t.get("output", ""))
        for t in results["tests"]
        if "score" in t
    }


@pytest.mark.slow
def test_student_notebook_has_no_solution_and_keeps_the_rest(built):
    original = _read(NOTEBOOKS_DIR / GRADED_NOTEBOOK)
    student_path = built / "student" / GRADED_NOTEBOOK
    assert "student" in student_path.relative_to(built).parts
    student = _read(student_path)
    assert leaked_solution_lines(original, student) == []
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    assert all(c.get("outputs", []) == [] for c in student.cells if c.cell_type == "code")
    kept = [
        c.source
        for c in original.cells
        if not {"solution", "nav"} & set(c.metadata.get("tags", []))
    ]
    assert [c.source for c in student.cells] == kept
    for image in make_assignments.linked_images(original):
        assert (built / "imgs" / image).is_file(), f"imgs/{image} is not beside student/"
    assert not (built / "student" / "autograder.zip").exists()


@pytest.mark.slow
def test_solutions_get_full_marks_and_the_untouched_student_notebook_none(built, tmp_path):
    autograder = built / "autograder" / Path(GRADED_NOTEBOOK).stem / "autograder.zip"
    exercises = len(make_assignments.find_exercises(_read(NOTEBOOKS_DIR / GRADED_NOTEBOOK), ""))
    points = CONFIG["points_per_exercise"]

    solved = _grade(autograder.parent / GRADED_NOTEBOOK, autograder, tmp_path / "solutions")
    assert sorted(solved) == [f"exercise-{n}" for n in range(1, exercises + 1)]
    assert {name: score for name, (score, _, _) in solved.items()} == dict.fromkeys(solved, points)
    assert sum(m for _, m, _ in solved.values()) == exercises * points

    untouched = _grade(built / "student" / GRADED_NOTEBOOK, autograder, tmp_path / "student")
    assert sorted(untouched) == sorted(solved)
    assert {name: score for name, (score, _, _) in untouched.items()} == dict.fromkeys(solved, 0)
    for name, (_, _, feedback) in untouched.items():
        assert "Not yet" in feedback, f"{name}: the checker's hint is missing: {feedback[-500:]}"


@pytest.mark.slow
def test_a_wrong_answer_loses_only_its_own_points(built, tmp_path):
    """The autograder grades each exercise on its own: one wrong answer costs one question."""
    solutions = _read(built / "autograder" / Path(GRADED_NOTEBOOK).stem / GRADED_NOTEBOOK)
    for cell in solutions.cells:
        if "def padded_output_size" in cell.source:
            cell.source = cell.source.replace("i + 2 * p - k + 1", "i + p - k + 1")
    submission = tmp_path / GRADED_NOTEBOOK
    nbformat.write(solutions, submission)
    autograder = built / "autograder" / Path(GRADED_NOTEBOOK).stem / "autograder.zip"
    scores = {n: s for n, (s, _, _) in _grade(submission, autograder, tmp_path / "out").items()}
    points = CONFIG["points_per_exercise"]
    assert scores == {"exercise-1": 0, "exercise-2": points, "exercise-3": points}


def test_generated_output_is_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", f"{CONFIG['output']}/student/{GRADED_NOTEBOOK}"],
        cwd=ROOT,
        check=False,
    )
    assert ignored.returncode == 0, f"add {CONFIG['output']}/ to .gitignore"


def test_exercise_segments_run_from_each_prompt_to_the_next_or_the_summary():
    def cell(kind, *tags):
        new = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        return new("x", metadata={"tags": list(tags)})

    cells = [cell("md"), cell("md", "exercise"), cell("code", "exercise"), cell("code", "check")]
    cells += [cell("md", "exercise"), cell("code"), cell("md", "summary"), cell("md")]
    segments = make_assignments.exercise_segments(cells)
    assert segments == [(1, range(2, 4)), (4, range(5, 6))]
    assert make_assignments.exercise_segments(cells[:1]) == []  # no exercise (the dashboard)
