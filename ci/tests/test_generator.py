"""The chapters <- solutions generator and its sync check."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_chapters as mc  # noqa: E402

SOLUTION_META = {"nbgrader": {"grade": False, "grade_id": "ex", "locked": False, "schema_version": 3,
                              "solution": True, "task": False}}


def test_strip_keeps_indentation_and_surroundings():
    src = 'def f(x):\n    """doc"""\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n    ### END SOLUTION\n'
    assert mc.strip_solution(src) == 'def f(x):\n    """doc"""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n'


def test_strip_handles_several_regions():
    src = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = 2\n### BEGIN SOLUTION\nc = 3\n### END SOLUTION"
    assert mc.strip_solution(src) == ("# YOUR CODE HERE\nraise NotImplementedError()\nb = 2\n"
                                      "# YOUR CODE HERE\nraise NotImplementedError()")


@pytest.mark.parametrize("src, error", [
    ("### BEGIN SOLUTION\nx = 1\n", "without ### END"),
    ("x = 1\n### END SOLUTION\n", "without ### BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "nested"),
])
def test_strip_rejects_broken_markers(src, error):
    with pytest.raises(mc.GeneratorError, match=error):
        mc.strip_solution(src)


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_make_chapter_strips_only_solution_cells_and_clears_outputs():
    solved = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                                       metadata=SOLUTION_META)
    plain = nbformat.v4.new_code_cell("print('hi')", execution_count=3,
                                      outputs=[nbformat.v4.new_output("stream", text="hi\n")])
    chapter = mc.make_chapter(_nb(nbformat.v4.new_markdown_cell("# T"), solved, plain))
    assert chapter.cells[1].source == "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert chapter.cells[2].source == "print('hi')"
    assert chapter.cells[2].outputs == [] and chapter.cells[2].execution_count is None
    assert chapter.cells[1].metadata["nbgrader"]["solution"] is True


def test_markers_outside_solution_cells_are_an_error():
    cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    with pytest.raises(mc.GeneratorError, match="without nbgrader solution metadata"):
        mc.make_chapter(_nb(cell))
    with pytest.raises(mc.GeneratorError, match="solution cell without"):
        mc.make_chapter(_nb(nbformat.v4.new_code_cell("x = 1", metadata=SOLUTION_META)))


def test_committed_chapters_are_in_sync():
    assert mc.stale_chapters() == []


def test_sync_check_detects_a_stale_chapter(tmp_path, monkeypatch):
    sol, chap = tmp_path / "solutions", tmp_path / "chapters"
    shutil.copytree(mc.SOLUTIONS, sol)
    shutil.copytree(mc.CHAPTERS, chap)
    monkeypatch.setattr(mc, "SOLUTIONS", sol)
    monkeypatch.setattr(mc, "CHAPTERS", chap)
    monkeypatch.setattr(mc, "ROOT", tmp_path)
    assert mc.stale_chapters() == []
    path = sol / "01_weighted_average.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\nA new sentence."
    nbformat.write(nb, path)
    assert mc.stale_chapters() == ["chapters/01_weighted_average.ipynb is stale"]
    (chap / "00_start_here.ipynb").unlink()
    assert "chapters/00_start_here.ipynb is missing" in mc.stale_chapters()


def test_every_solution_notebook_has_nbgrader_ids_that_are_unique():
    ids = []
    for path in mc.notebooks(mc.SOLUTIONS):
        for cell in nbformat.read(path, as_version=4).cells:
            if "nbgrader" in cell.metadata:
                ids.append(cell.metadata["nbgrader"]["grade_id"])
    assert ids and len(ids) == len(set(ids))


@pytest.mark.skipif(not os.environ.get("NBGRADER"), reason="set NBGRADER to an nbgrader executable (.ci/run does)")
def test_nbgrader_generate_assignment_gives_our_chapters(tmp_path):
    source = tmp_path / "source" / "course"
    shutil.copytree(mc.SOLUTIONS, source)
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {str(tmp_path)!r}\n")
    subprocess.run([os.environ["NBGRADER"], "generate_assignment", "course", "--force", "--no-db"],
                   cwd=tmp_path, check=True, capture_output=True)
    for path in mc.notebooks(mc.CHAPTERS):
        theirs = nbformat.read(tmp_path / "release" / "course" / path.name, as_version=4)
        ours = nbformat.read(path, as_version=4)
        # the one deliberate difference: our student version links to the Chinese students' version
        # (attention_course.nbgrader_course rewrites that link in the source it writes for nbgrader)
        title = theirs.cells[0].source
        assert "](../zh/solutions/" in title, path.name
        theirs.cells[0].source = title.replace("](../zh/solutions/", "](../zh/chapters/")
        assert [c.source for c in theirs.cells] == [c.source for c in ours.cells], path.name
