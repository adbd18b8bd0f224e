"""The nbgrader course directory (python -m attention_course.nbgrader_course), and the real nbgrader on it.

The end-to-end tests run the commands of INSTRUCTORS.md's "With nbgrader" section, word for word, in a
temporary directory: write the course, install the course's kernel, `nbgrader generate_assignment`,
submissions under submitted/, `nbgrader autograde`, `nbgrader export`, `nbgrader generate_feedback`.
They need the test environment's nbgrader (NBGRADER, set by .ci/run to an nbgrader in a venv of its
own); the Jupyter data and config directories are temporary, so nothing outside tmp is touched.
"""
import csv
import dataclasses
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from attention_course import i18n, manifest
from attention_course import nbgrader_course as nc
from attention_course.checks import check

ROOT = Path(__file__).resolve().parents[2]
NBGRADER = os.environ.get("NBGRADER")
needs_nbgrader = pytest.mark.skipif(not NBGRADER, reason="set NBGRADER to an nbgrader executable (.ci/run does)")
E2E_CHAPTERS = (1, 6)

# Student "partial" (chapter 01): 1.1 right; 1.2 forgets to normalise; 1.3 right, and its test cell deleted.
WRONG_1_2 = ("def gaussian_weights(query, keys, sigma):\n"
             "    return np.exp(-(query - np.asarray(keys, dtype=float)) ** 2 / (2 * sigma**2))\n")
# Student "faker" (chapter 01): every stub left in place, and the course's checks patched in the kernel.
FAKE = ("import attention_course.checks as _c, attention_course.checks.core as _core\n"
        "_fake = lambda exercise, answer: _core.CheckResult(exercise, _core.PASSED, 'faked')\n"
        "_core.run_check = _fake\n_c.run_check = _fake\n_c.check = _fake\n")


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def is_test(cell):
    return grade_id(cell).startswith("test_")


def check_call(exercise):
    return re.compile(rf"""\bcheck\(\s*(["']){re.escape(exercise.id)}\1\s*,\s*{re.escape(exercise.function)}\s*\)""")


# --- the course directory, without nbgrader -------------------------------------------------------

@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("written") / "course"
    nc.write_course(out)
    return out


@pytest.mark.parametrize("chapter", manifest.chapters(), ids=lambda c: c.stem)
def test_every_exercise_gets_a_test_cell_after_its_check_cell(written, chapter):
    nb = nbformat.read(written / "source" / chapter.stem / chapter.notebook, as_version=4)
    solution = nbformat.read(ROOT / "solutions" / chapter.notebook, as_version=4)
    # every other cell is the solution notebook's, unchanged (source, metadata, outputs), except the
    # title's link to the Chinese edition, which goes to the student version as in chapters/
    title = solution.cells[0].source
    assert "](../zh/solutions/" in title
    solution.cells[0].source = title.replace("](../zh/solutions/", "](../zh/chapters/")
    assert [c for c in nb.cells if not is_test(c)] == solution.cells
    tests = [(i, c) for i, c in enumerate(nb.cells) if is_test(c)]
    assert [grade_id(c) for _, c in tests] == [f"test_ex{e.id.replace('.', '_')}" for e in chapter.exercises]
    ids = [grade_id(c) for c in nb.cells if grade_id(c)]
    assert len(ids) == len(set(ids))
    for (i, cell), exercise in zip(tests, chapter.exercises):
        assert check_call(exercise).search(nb.cells[i - 1].source), f"{chapter.notebook}: cell before {grade_id(cell)}"
        assert cell.metadata["nbgrader"] == {"grade": True, "grade_id": f"test_ex{exercise.id.replace('.', '_')}",
                                             "locked": True, "points": exercise.points, "schema_version": 3,
                                             "solution": False, "task": False}
        visible, hidden = cell.source.split(nc.BEGIN_HIDDEN + "\n")
        assert all(line.startswith("#") for line in visible.splitlines()), "the released test cell must not run code"
        assert f"Exercise {exercise.id} " in visible
        assert hidden.endswith(nc.END_HIDDEN)
    nbformat.validate(nb)


def test_the_config_names_the_kernel_and_the_timeout(tmp_path):
    from traitlets.config import Config

    nc.write_course(tmp_path, kernel="python3", timeout=45, chapters=[manifest.chapter(0)])
    config = Config()
    exec((tmp_path / "nbgrader_config.py").read_text(), {"get_config": lambda: config})
    assert config == Config({"Execute": {"kernel_name": "python3", "timeout": 45},
                             "OverwriteCells": {"add_missing_cells": True}})


def test_points_come_from_the_manifest(tmp_path):
    chapter = manifest.chapter(1)
    heavy = dataclasses.replace(chapter, exercises=tuple(dataclasses.replace(e, points=3) if e.id == "1.2" else e
                                                         for e in chapter.exercises))
    nc.write_course(tmp_path, chapters=[heavy])
    cells = {grade_id(c): c for c in nbformat.read(tmp_path / "source" / chapter.stem / chapter.notebook,
                                                   as_version=4).cells}
    assert [cells[f"test_ex1_{k}"].metadata["nbgrader"]["points"] for k in (1, 2, 3)] == [1, 3, 1]
    assert cells["test_ex1_2"].source.startswith("# Exercise 1.2 (3 points)")


def run_test_cell(cell, **namespace):
    exec(cell.source, {"np": np, **namespace})


def test_the_hidden_test_passes_a_right_answer_and_fails_with_the_check_message(written):
    from attention_course import reference as ref

    nb = nbformat.read(written / "source" / "01_weighted_average" / "01_weighted_average.ipynb", as_version=4)
    cell = next(c for c in nb.cells if grade_id(c) == "test_ex1_2")
    run_test_cell(cell, gaussian_weights=ref.gaussian_weights)
    wrong = {}
    exec(WRONG_1_2, {"np": np}, wrong)
    with pytest.raises(AssertionError) as raised:
        run_test_cell(cell, **wrong)
    assert str(raised.value) == str(check("1.2", wrong["gaussian_weights"]))
    assert "❌ Exercise 1.2 not yet right: " in str(raised.value)
    # a check redefined in the notebook is not the one the test uses
    run_fake = dict(wrong, check=lambda *a: type("R", (), {"passed": True, "message": "faked"})())
    with pytest.raises(AssertionError):
        run_test_cell(cell, **run_fake)


def test_a_missing_check_cell_is_an_error(tmp_path):
    chapter = manifest.chapter(1)
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nb = nbformat.read(ROOT / "solutions" / chapter.notebook, as_version=4)
    nb.cells = [c for c in nb.cells if not check_call(chapter.exercises[1]).search(c.source)]
    nbformat.write(nb, solutions / chapter.notebook)
    with pytest.raises(nc.CourseError, match=r"exercise 1\.2: no check cell"):
        nc.write_course(tmp_path / "out", chapters=[chapter], solutions=solutions)


def test_refuses_to_overwrite_a_changed_file_without_force(tmp_path):
    nc.write_course(tmp_path, chapters=[manifest.chapter(0)])
    nc.write_course(tmp_path, chapters=[manifest.chapter(0)])  # the same files again: fine
    config = tmp_path / "nbgrader_config.py"
    config.write_text(config.read_text() + "c.Execute.timeout = 10\n")
    with pytest.raises(nc.CourseError, match="nbgrader_config.py exists and differs"):
        nc.write_course(tmp_path, chapters=[manifest.chapter(0)])
    nc.write_course(tmp_path, chapters=[manifest.chapter(0)], force=True)
    assert config.read_text() == nc.config_text()


def test_help_and_the_command(tmp_path):
    help_text = subprocess.run([sys.executable, "-m", "attention_course.nbgrader_course", "--help"],
                               capture_output=True, text=True, check=True).stdout
    assert "nbgrader_config.py" in help_text and "--kernel" in help_text
    proc = subprocess.run([sys.executable, "-m", "attention_course.nbgrader_course", str(tmp_path / "c")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    n = len(manifest.chapters())
    assert sorted(p.name for p in (tmp_path / "c" / "source").iterdir()) == [c.stem for c in manifest.chapters()]
    assert f"{n} assignments" in proc.stdout
    (tmp_path / "c" / "nbgrader_config.py").write_text("c = get_config()\n")
    refused = subprocess.run([sys.executable, "-m", "attention_course.nbgrader_course", str(tmp_path / "c")],
                             capture_output=True, text=True, cwd=tmp_path)
    assert refused.returncode == 1 and "--force" in refused.stderr


# --- the real nbgrader -----------------------------------------------------------------------------

def nbgrader_python():
    """The Python of the environment nbgrader is installed in (for its Gradebook API)."""
    beside = Path(NBGRADER).with_name("python")
    if beside.exists():
        return str(beside)
    first = Path(NBGRADER).read_text(errors="replace").splitlines()[0]
    if first.startswith("#!") and "/bin/sh" not in first:
        return first[2:].strip().split()[0]
    pytest.fail(f"cannot tell which Python runs {NBGRADER}")


GRADEBOOK_DUMP = """
import json, sys
from nbgrader.api import Gradebook
out = {}
with Gradebook("sqlite:///gradebook.db") as gb:
    for assignment in sys.argv[1:]:
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                out.setdefault(assignment, {})[sub.student_id] = {
                    g.name: [g.score, g.max_score] for g in nb.grades}
print(json.dumps(out))
"""


def submission(release, solutions, student, chapter):
    """What a student hands in: the released notebook with their solution cells."""
    nb = nbformat.read(release, as_version=4)
    if student == "untouched":
        return nb
    if student == "faker":
        first = next(i for i, c in enumerate(nb.cells) if grade_id(c).startswith("ex"))
        nb.cells.insert(first, nbformat.v4.new_code_cell(FAKE))
        return nb
    solved = {grade_id(c): c.source for c in nbformat.read(solutions, as_version=4).cells if grade_id(c)}
    for cell in nb.cells:
        if grade_id(cell).startswith("ex"):
            cell.source = solved[grade_id(cell)]
    if student == "partial":
        next(c for c in nb.cells if grade_id(c) == "ex1_2").source = WRONG_1_2
        nb.cells = [c for c in nb.cells if grade_id(c) != "test_ex1_3"]
    return nb


STUDENTS = {1: ("solved", "untouched", "partial", "faker"), 6: ("solved", "untouched")}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """Run INSTRUCTORS.md's commands on chapters 01 and 06; return what came out."""
    if not NBGRADER:
        pytest.skip("set NBGRADER to an nbgrader executable (.ci/run does)")
    tmp = tmp_path_factory.mktemp("nbgrader")
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_PATH"}
    env.update(JUPYTER_DATA_DIR=str(tmp / "jupyter-data"), JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"),
               ATTENTION_COURSE_LANGUAGE="en",
               PATH=str(Path(NBGRADER).parent) + os.pathsep + env.get("PATH", ""))  # nbgrader's env, "activated"
    def run(*cmd, cwd):
        start = time.monotonic()
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        print(f"{time.monotonic() - start:6.1f} s  {Path(cmd[0]).name} {' '.join(map(str, cmd[1:]))[:90]!r}")  # shown with pytest -s
        assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc

    # In the course's environment (sys.executable: the venv the tests run in):
    run(sys.executable, "-m", "attention_course.nbgrader_course", "attention-nbgrader", cwd=tmp)
    run(sys.executable, "-m", "ipykernel", "install", "--user", "--name", "attention-course", cwd=tmp)
    course = tmp / "attention-nbgrader"
    chapters = [manifest.chapter(n) for n in E2E_CHAPTERS]
    for chapter in chapters:
        a = chapter.stem
        run(NBGRADER, "generate_assignment", a, cwd=course)
        for student in STUDENTS[chapter.number]:
            folder = course / "submitted" / student / a
            folder.mkdir(parents=True)
            nbformat.write(submission(course / "release" / a / chapter.notebook, ROOT / "solutions" / chapter.notebook,
                                      student, chapter), folder / chapter.notebook)
        run(NBGRADER, "autograde", a, cwd=course)
        run(NBGRADER, "generate_feedback", a, cwd=course)
    run(NBGRADER, "export", cwd=course)
    dump = run(nbgrader_python(), "-c", GRADEBOOK_DUMP, *(c.stem for c in chapters), cwd=course)
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        csv_rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    # Our own grader on the same submissions of chapter 01 (in the course's environment; the shell expands
    # submitted/*/01_weighted_average to these folders):
    folders = sorted(str(p.relative_to(course)) for p in course.glob("submitted/*/01_weighted_average"))
    run(sys.executable, "-m", "attention_course.grade", *folders, "--out", "ours.csv", cwd=course)
    with open(course / "ours.csv", newline="", encoding="utf-8") as f:
        ours = {Path(r["notebook"]).parts[1]: r for r in csv.DictReader(f)}
    return {"course": course, "grades": json.loads(dump.stdout), "csv": csv_rows, "ours": ours}


@needs_nbgrader
@pytest.mark.parametrize("number", E2E_CHAPTERS)
def test_released_notebook_is_the_chapter_plus_comment_only_test_cells(pipeline, number):
    chapter = manifest.chapter(number)
    release = nbformat.read(pipeline["course"] / "release" / chapter.stem / chapter.notebook, as_version=4)
    ours = nbformat.read(ROOT / "chapters" / chapter.notebook, as_version=4)
    kept = [c for c in release.cells if not is_test(c)]
    assert [(c.cell_type, c.source) for c in kept] == [(c.cell_type, c.source) for c in ours.cells]
    tests = [c for c in release.cells if is_test(c)]
    assert len(tests) == len(chapter.exercises)
    for cell, exercise in zip(tests, chapter.exercises):
        assert cell.source.startswith(f"# Exercise {exercise.id} ")
        assert all(line.startswith("#") for line in cell.source.splitlines()), cell.source  # Run All never stops here


@needs_nbgrader
@pytest.mark.parametrize("number", E2E_CHAPTERS)
def test_solved_gets_every_point_and_untouched_none(pipeline, number):
    chapter = manifest.chapter(number)
    grades = pipeline["grades"][chapter.stem]
    expected = {f"test_ex{e.id.replace('.', '_')}": e.points for e in chapter.exercises}
    assert grades["solved"] == {g: [p, p] for g, p in expected.items()}
    assert grades["untouched"] == {g: [0, p] for g, p in expected.items()}
    total = sum(expected.values())
    for student, score in (("solved", total), ("untouched", 0)):
        row = pipeline["csv"][(chapter.stem, student)]
        assert (float(row["score"]), float(row["max_score"])) == (score, total)


@needs_nbgrader
def test_a_wrong_answer_scores_zero_with_the_check_message_and_a_deleted_test_cell_is_put_back(pipeline):
    assert pipeline["grades"]["01_weighted_average"]["partial"] == {
        "test_ex1_1": [1, 1], "test_ex1_2": [0, 1], "test_ex1_3": [1, 1]}
    graded = nbformat.read(pipeline["course"] / "autograded" / "partial" / "01_weighted_average" /
                           "01_weighted_average.ipynb", as_version=4)
    errors = [o for c in graded.cells if grade_id(c) == "test_ex1_2" for o in c.outputs if o.output_type == "error"]
    wrong = {}
    exec(WRONG_1_2, {"np": np}, wrong)
    language = i18n.language()
    i18n._state["language"] = "en"
    try:
        expected = str(check("1.2", wrong["gaussian_weights"]))
    finally:
        i18n._state["language"] = language
    assert [(e.ename, e.evalue) for e in errors] == [("AssertionError", expected)]
    assert expected in feedback_text(pipeline, "partial", manifest.chapter(1))


@needs_nbgrader
def test_nbgrader_test_cells_run_inside_the_students_kernel_so_a_patched_check_passes(pipeline):
    """What INSTRUCTORS.md says our own grader adds: nbgrader's tests run in the student's kernel, where the
    checks can be patched (test_grade.py shows our grader failing the same trick)."""
    grades = pipeline["grades"]["01_weighted_average"]["faker"]
    assert grades == {g: [1, 1] for g in ("test_ex1_1", "test_ex1_2", "test_ex1_3")}


@needs_nbgrader
def test_our_grader_agrees_on_the_honest_submissions_and_fails_the_faker(pipeline):
    ours = {student: (row["1.1"], row["1.2"], row["1.3"], row["passed"]) for student, row in pipeline["ours"].items()}
    assert ours == {"solved": ("pass", "pass", "pass", "3"), "untouched": ("fail", "fail", "fail", "0"),
                    "partial": ("pass", "fail", "pass", "2"), "faker": ("fail", "fail", "fail", "0")}


def feedback_text(pipeline, student, chapter):
    path = pipeline["course"] / "feedback" / student / chapter.stem / chapter.notebook.replace(".ipynb", ".html")
    assert path.exists(), path
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


@needs_nbgrader
@pytest.mark.parametrize("number", E2E_CHAPTERS)
def test_feedback_is_an_html_report_that_names_the_exercises(pipeline, number):
    chapter = manifest.chapter(number)
    for student in STUDENTS[number]:
        text = feedback_text(pipeline, student, chapter)
        for exercise in chapter.exercises:
            assert f"Exercise {exercise.id} " in text, (student, exercise.id)
    untouched = feedback_text(pipeline, "untouched", chapter)
    for exercise in chapter.exercises:
        assert f"Exercise {exercise.id} not attempted yet" in untouched
