"""The committed notebooks: clean runs, passing solutions, untouched chapters, every exercise checked."""
import json
import re
from pathlib import Path

import nbformat
import pytest

from attention_course.checks import exercise_ids

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(ROOT.glob("solutions/*.ipynb")) + sorted(ROOT.glob("chapters/*.ipynb"))
CHECK_CALL = re.compile(r'^check\("(\d+\.\d+)", (\w+)\)', re.M)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_clean_top_to_bottom_run(path):
    cells = code_cells(load(path))
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for out in cell["outputs"]:
            assert out["output_type"] != "error"
            assert out.get("name") != "stderr", "".join(out.get("text", ""))
            text = "".join(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r"at 0x[0-9a-f]{6,}", text)
            assert not text.startswith("Canvas("), "a static figure came out as an ipympl widget"
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {})


def check_outputs(path):
    """(exercise, function name, displayed text) for every check cell of the notebook."""
    found = []
    for cell in code_cells(load(path)):
        text = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"])
        for exercise, function in CHECK_CALL.findall("".join(cell["source"])):
            found.append((exercise, function, text))
    return found


def is_demo(function):
    """A check of a deliberately wrong function, shown to demonstrate a failure message."""
    return function.endswith("_wrong")


@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*.ipynb")), ids=lambda p: p.name)
def test_solutions_pass_every_check(path):
    for exercise, function, text in check_outputs(path):
        status = "❌" if is_demo(function) else "✅"
        assert text.startswith(f"{status} Exercise {exercise}"), text


@pytest.mark.parametrize("path", sorted(ROOT.glob("chapters/*.ipynb")), ids=lambda p: p.name)
def test_chapters_are_not_attempted(path):
    nb = load(path)
    assert any("raise NotImplementedError()" in "".join(c["source"]) for c in code_cells(nb))
    for exercise, function, text in check_outputs(path):
        expected = f"❌ Exercise {exercise}" if is_demo(function) else f"⏳ Exercise {exercise} not attempted yet"
        assert text.startswith(expected), text


def test_every_exercise_is_checked_in_the_solutions():
    checked = {e for path in ROOT.glob("solutions/*.ipynb") for e, f, _ in check_outputs(path) if not is_demo(f)}
    assert sorted(checked, key=lambda e: tuple(map(int, e.split(".")))) == exercise_ids()


@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*.ipynb")), ids=lambda p: p.name)
def test_grader_sees_exactly_the_chapters_own_exercises(path):
    """The grader also finds exercises by function name: a helper named like another chapter's exercise
    (e.g. a `def self_attention(...)` in chapter 07) would be graded, and fail, as that exercise."""
    from attention_course.grade import GRADE_ID, exercises_of

    nb = nbformat.read(path, as_version=4)
    own = {f"{int(m[1])}.{int(m[2])}" for c in nb.cells
           if (m := GRADE_ID.match(str(c.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))))}
    assert set(exercises_of(nb)) == own
