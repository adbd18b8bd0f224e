"""The grader on good, untouched, broken, endless, corrupt, cheating, hostile and renamed notebooks."""
import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from attention_course import grade

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # generous: a loaded 2-core machine runs chapter 01 in ~5 s, but not always


def with_cell(src_path, code, position=None, replace_stubs=None):
    nb = nbformat.read(src_path, as_version=4)
    if replace_stubs is not None:
        for cell in nb.cells:
            cell.source = cell.source.replace("raise NotImplementedError()", replace_stubs)
    cell = nbformat.v4.new_code_cell(code)
    nb.cells.insert(len(nb.cells) if position is None else position, cell)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    solved, untouched = ROOT / "solutions" / "01_weighted_average.ipynb", ROOT / "chapters" / "01_weighted_average.ipynb"
    first_exercise = next(i for i, c in enumerate(nbformat.read(solved, as_version=4).cells) if "ex1_1" in str(c.metadata))
    notebooks = {
        "a_solved.ipynb": nbformat.read(solved, as_version=4),
        "b_untouched.ipynb": nbformat.read(untouched, as_version=4),
        "c_syntax_error.ipynb": with_cell(solved, "def oops(:\n    pass", position=3),
        "d_endless.ipynb": with_cell(solved, "while True:\n    pass"),
        "f_redefines_check.ipynb": with_cell(
            untouched, "class R:\n    passed = True\n    message = 'ok'\n\ndef check(*args):\n    return '✅ passed'",
            position=first_exercise, replace_stubs="return 0"),
        "g_patches_checks.ipynb": with_cell(
            untouched,
            "import numpy as np\nimport attention_course.checks as c\nimport attention_course.checks.core as core\n"
            "passed = lambda e, a: core.CheckResult(e, core.PASSED, 'faked')\n"
            "core.run_check = passed\nc.run_check = passed\nc.check = passed\n"
            "core.close = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True",
            position=first_exercise, replace_stubs="return 0"),
        "my homework (renamed).ipynb": nbformat.read(solved, as_version=4),
        "h_kills_kernel.ipynb": with_cell(solved, "import os\nos._exit(1)"),
        "i_chapter00_solved.ipynb": nbformat.read(ROOT / "solutions" / "00_start_here.ipynb", as_version=4),
    }
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)
    (folder / "e_corrupt.ipynb").write_text("this is not a notebook {", encoding="utf-8")
    out = folder / "grades.csv"
    proc = subprocess.run([sys.executable, "-m", "attention_course.grade", str(folder), "--out", str(out),
                           "--timeout", str(TIMEOUT), "--jobs", "2"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = {Path(r["notebook"]).name: r for r in csv.DictReader(f)}
    return rows, proc.stdout, out


def test_one_row_per_notebook_and_the_union_of_columns(graded):
    rows, stdout, out = graded
    assert len(rows) == 10
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "notebook,0.1,1.1,1.2,1.3,passed,total,error"
    assert "done: 10 notebooks" in stdout and stdout.count("passed") >= 10


def test_solved_and_renamed_pass(graded):
    rows, _, _ = graded
    for name in ("a_solved.ipynb", "my homework (renamed).ipynb"):
        r = rows[name]
        assert (r["1.1"], r["1.2"], r["1.3"], r["passed"], r["total"], r["error"]) == ("pass", "pass", "pass", "3", "3", "")
        assert r["0.1"] == ""  # chapter 01 has no exercise 0.1


def test_untouched_fails_cleanly(graded):
    r = graded[0]["b_untouched.ipynb"]
    assert (r["1.1"], r["1.2"], r["1.3"], r["passed"], r["error"]) == ("fail", "fail", "fail", "0", "")


def test_syntax_error_names_the_cell_and_the_rest_still_counts(graded):
    r = graded[0]["c_syntax_error.ipynb"]
    assert r["error"].startswith("cell 3: SyntaxError")
    assert r["passed"] == "3"


def test_endless_notebook_times_out_but_keeps_what_ran(graded):
    r = graded[0]["d_endless.ipynb"]
    assert r["error"].startswith("timeout")
    assert r["passed"] == "3"


def test_corrupt_file(graded):
    r = graded[0]["e_corrupt.ipynb"]
    assert r["error"].startswith("not a notebook") and r["total"] == "0"


def test_redefining_check_fakes_nothing(graded):
    r = graded[0]["f_redefines_check.ipynb"]
    assert (r["1.1"], r["1.2"], r["1.3"], r["passed"]) == ("fail", "fail", "fail", "0")


def test_patching_the_checks_and_numpy_fakes_nothing(graded):
    r = graded[0]["g_patches_checks.ipynb"]
    assert (r["1.1"], r["1.2"], r["1.3"], r["passed"]) == ("fail", "fail", "fail", "0")


def test_a_notebook_that_kills_its_kernel_gets_its_row(graded):
    r = graded[0]["h_kills_kernel.ipynb"]
    assert "kernel died" in r["error"] and r["total"] == "3"


def test_other_chapter(graded):
    r = graded[0]["i_chapter00_solved.ipynb"]
    assert (r["0.1"], r["1.1"], r["passed"], r["total"]) == ("pass", "", "1", "1")


def test_csv_is_written_atomically(tmp_path, monkeypatch):
    out = tmp_path / "grades.csv"
    out.write_text("previous\n")
    rows = [{"notebook": "x.ipynb", "results": {"1.1": "pass"}, "error": ""}]

    def broken_writer(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(grade.csv, "writer", broken_writer)
    with pytest.raises(OSError):
        grade.write_csv(rows, out)
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]


def test_missing_file_and_empty_folder(tmp_path):
    assert grade.grade_one(tmp_path / "nope.ipynb", 10)["error"] == "no such file"
    assert grade.main([str(tmp_path), "--out", str(tmp_path / "g.csv")]) == 2


# --- Chinese submissions ---------------------------------------------------------------------------

def test_chinese_submissions_are_graded_like_english_ones(tmp_path):
    """Notebooks of the Chinese edition (zh/) get exactly the grades their English twins get, and with
    --lang zh the messages and the class report are Chinese."""
    import re

    solved_zh = nbformat.read(ROOT / "zh" / "solutions" / "04_query_key_value.ipynb", as_version=4)
    notebooks = {
        "zh_solved.ipynb": solved_zh,
        "zh_untouched.ipynb": nbformat.read(ROOT / "zh" / "chapters" / "04_query_key_value.ipynb", as_version=4),
    }
    mistake = nbformat.read(ROOT / "zh" / "solutions" / "04_query_key_value.ipynb", as_version=4)
    cell = next(c for c in mistake.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex4_1")
    cell.source = "def attend(q, K, V):\n    return softmax(K @ q) @ V"  # forgot to divide by √d_k
    notebooks["zh_unscaled.ipynb"] = mistake
    for name, nb in notebooks.items():
        nbformat.write(nb, tmp_path / name)
    out = tmp_path / "grades.csv"
    proc = subprocess.run([sys.executable, "-m", "attention_course.grade", str(tmp_path), "--out", str(out),
                           "--report", str(tmp_path / "report.html"), "--lang", "zh",
                           "--timeout", str(TIMEOUT), "--jobs", "2"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = {Path(r["notebook"]).name: r for r in csv.DictReader(f)}
    assert [(rows[n]["4.1"], rows[n]["4.2"], rows[n]["4.3"], rows[n]["error"]) for n in sorted(rows)] == [
        ("pass", "pass", "pass", ""), ("fail", "pass", "pass", ""), ("fail", "fail", "fail", "")]
    with open(tmp_path / "mistakes.csv", newline="", encoding="utf-8") as f:
        mistakes = {(Path(r["notebook"]).name, r["exercise"]): r for r in csv.DictReader(f)}
    unscaled = mistakes["zh_unscaled.ipynb", "4.1"]
    assert unscaled["mistake"] == "4.1/unscaled"
    assert re.search(r"[\u4e00-\u9fff]", unscaled["message"]), unscaled["message"]  # the message is Chinese
    assert "√d_k" in unscaled["message"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "班级报告" in page and "4.1/unscaled" in page
