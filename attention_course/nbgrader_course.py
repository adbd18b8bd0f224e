"""Write an nbgrader course directory of the whole course, with autograder test cells and points.

    python -m attention_course.nbgrader_course OUT [--kernel attention-course] [--timeout 120] [--force]

Run it in the course's environment. OUT gets

- ``nbgrader_config.py``: autograding runs the notebooks in the Jupyter kernel ``--kernel``
  (install it with ``python -m ipykernel install --user --name attention-course`` in the course's
  environment, so the kernel can import this package wherever nbgrader itself is installed), with
  ``--timeout`` seconds per cell, and a test cell a student deleted is put back before grading;
- ``source/NN_slug/NN_slug.ipynb`` for every chapter of the manifest (``course.toml``): one
  nbgrader assignment per chapter, named like its notebook. Each is the solution notebook with,
  right after every exercise's check cell, an autograder test cell (``grade: true``, ``locked``,
  ``grade_id`` ``test_exN_k``, the exercise's ``points`` from the manifest) whose hidden test runs
  the course's check (imported afresh, so a cell that redefined the name ``check`` changes nothing)
  and fails with the check's own message::

      # Exercise 1.2 (1 point) is graded in this cell when you hand the notebook in: ...
      ### BEGIN HIDDEN TESTS
      from attention_course.checks import check
      _result = check("1.2", gaussian_weights)
      assert _result.passed, str(_result)
      ### END HIDDEN TESTS

``nbgrader generate_assignment`` keeps only the comment line of a test cell (hidden tests), so
*Run All* on a released notebook never stops at a test cell, and a released notebook has exactly
the cells of ``chapters/`` plus one such comment cell per exercise: students see the course's own
check cells and messages. ``nbgrader autograde`` restores the hidden test from its database and
runs it; a failed exercise scores 0 and shows ``AssertionError: ❌ Exercise 1.2 not yet right: …``
in the feedback. Every other cell is left as it is (our solution cells already carry nbgrader's
metadata: ``solution: true``, ``grade: false``, ``grade_id`` ``exN_k``).
"""
import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from . import manifest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
KERNEL = "attention-course"
TIMEOUT = 120
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class CourseError(Exception):
    pass


def solution_id(exercise):
    """The grade_id of an exercise's solution cell: "1.2" -> "ex1_2"."""
    return "ex" + exercise.id.replace(".", "_")


def test_id(exercise):
    """The grade_id of an exercise's autograder test cell: "1.2" -> "test_ex1_2"."""
    return "test_" + solution_id(exercise)


def points_text(points):
    return f"{points} point" + ("" if points == 1 else "s")


def test_cell(exercise):
    """The autograder test cell of ``exercise``: a visible comment, and the check as a hidden test."""
    source = "\n".join([
        f"# Exercise {exercise.id} ({points_text(exercise.points)}) is graded in this cell when you hand the "
        "notebook in: the same check as the cell above.",
        BEGIN_HIDDEN,
        "from attention_course.checks import check",
        f'_result = check("{exercise.id}", {exercise.function})',
        "assert _result.passed, str(_result)",
        END_HIDDEN,
    ])
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "grade_id": test_id(exercise), "locked": True, "points": exercise.points,
        "schema_version": 3, "solution": False, "task": False}})
    cell.id = test_id(exercise).replace("_", "-")  # deterministic, so the same course gives the same files
    return cell


def _grade_id(cell):
    return str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))


def add_test_cells(nb, chapter):
    """A copy of the solution notebook ``nb`` of ``chapter`` with a test cell after each exercise's check cell.

    The check cell of exercise N.k is the first code cell after its solution cell (grade_id exN_k)
    that calls ``check("N.k", <the exercise's function>)``."""
    nb = copy.deepcopy(nb)
    # What nbgrader releases is the student's version: its link to the Chinese edition goes to
    # zh/chapters, as in chapters/ (make_chapters.make_chapter does the same).
    if nb.cells and nb.cells[0].cell_type == "markdown":
        nb.cells[0].source = nb.cells[0].source.replace("](../zh/solutions/", "](../zh/chapters/")
    ids = [_grade_id(c) for c in nb.cells if _grade_id(c)]
    for exercise in chapter.exercises:
        where = f"{chapter.notebook}, exercise {exercise.id}"
        if test_id(exercise) in ids:
            raise CourseError(f"{where}: a cell already has the grade_id {test_id(exercise)}")
        solution = [i for i, c in enumerate(nb.cells) if _grade_id(c) == solution_id(exercise)]
        if len(solution) != 1:
            raise CourseError(f"{where}: expected one solution cell with grade_id {solution_id(exercise)}, "
                              f"found {len(solution)}")
        call = re.compile(rf"""\bcheck\(\s*(["']){re.escape(exercise.id)}\1\s*,\s*{re.escape(exercise.function)}\s*\)""")
        checks = [i for i in range(solution[0] + 1, len(nb.cells))
                  if nb.cells[i].cell_type == "code" and call.search(nb.cells[i].source)]
        if not checks:
            raise CourseError(f"{where}: no check cell calling check({exercise.id!r}, {exercise.function}) "
                              "after its solution cell")
        nb.cells.insert(checks[0] + 1, test_cell(exercise))
    return nb


def config_text(kernel=KERNEL, timeout=TIMEOUT):
    return f'''\
# nbgrader configuration of "Attention, Step by Step", written by `python -m attention_course.nbgrader_course`.
# Run the nbgrader commands in this folder (see the course's INSTRUCTORS.md, "With nbgrader").
c = get_config()

# Autograding runs the notebooks in this Jupyter kernel, which must run in the course's environment
# (it imports the course's package). Install it once, in that environment:
#     python -m ipykernel install --user --name {kernel}
c.Execute.kernel_name = {kernel!r}

# Seconds one cell may run when autograding (a cell still running then is interrupted and fails).
c.Execute.timeout = {int(timeout)}

# A test cell a student deleted is put back before autograding, so the exercise is still graded.
c.OverwriteCells.add_missing_cells = True
'''


def write_course(out, kernel=KERNEL, timeout=TIMEOUT, force=False, chapters=None, solutions=SOLUTIONS):
    """Write ``nbgrader_config.py`` and ``source/<assignment>/<notebook>`` for ``chapters`` (default:
    all of the manifest) into ``out``; return the written paths. Without ``force``, refuses to
    overwrite a file that exists and differs from what it would write."""
    out = Path(out)
    chapters = manifest.chapters() if chapters is None else chapters
    files = {out / "nbgrader_config.py": config_text(kernel, timeout)}
    for chapter in chapters:
        path = Path(solutions) / chapter.notebook
        if not path.exists():
            raise CourseError(f"{path} not found: run this in a clone of the course (it reads solutions/)")
        nb = nbformat.read(path, as_version=4)
        files[out / "source" / chapter.stem / chapter.notebook] = nbformat.writes(add_test_cells(nb, chapter)) + "\n"
    if not force:
        clash = [p for p, text in files.items() if p.exists() and p.read_text(encoding="utf-8") != text]
        if clash:
            raise CourseError(f"{clash[0]} exists and differs (use --force to overwrite"
                              + (f"; {len(clash) - 1} more)" if len(clash) > 1 else ")"))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m attention_course.nbgrader_course",
        description="Write an nbgrader course directory of the whole course: nbgrader_config.py and "
                    "source/<assignment>/<notebook>.ipynb for every chapter, with an autograder test cell "
                    "(points from the chapter manifest) after every exercise's check cell. "
                    "Run it in the course's environment; see INSTRUCTORS.md, \"With nbgrader\".")
    parser.add_argument("out", help="the course directory to write (created if needed)")
    parser.add_argument("--kernel", default=KERNEL,
                        help=f"the Jupyter kernel autograding runs the notebooks in (default {KERNEL}; it must "
                             "run in the course's environment; python3 will do if nbgrader is installed there)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT,
                        help=f"seconds one cell may run when autograding (default {TIMEOUT})")
    parser.add_argument("--force", action="store_true",
                        help="overwrite nbgrader_config.py and source notebooks that exist and differ")
    args = parser.parse_args(argv)
    try:
        write_course(args.out, kernel=args.kernel, timeout=args.timeout, force=args.force)
    except CourseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    exercises = manifest.exercises()
    print(f"wrote {args.out}: nbgrader_config.py and {len(manifest.chapters())} assignments in source/ "
          f"({len(exercises)} exercises, {sum(e.points for e in exercises)} points)")
    if args.kernel == KERNEL:
        print(f"next, in the course's environment: python -m ipykernel install --user --name {KERNEL}")
    print(f"then, in {args.out}: nbgrader generate_assignment {manifest.chapters()[0].stem}   (and so on)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
