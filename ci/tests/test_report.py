"""The class report (`grade --report`): on a folder of submissions of chapters 01 and 04 — solved,
untouched, each with one typical mistake, broken, endless — mistakes.csv and report.html count
exactly what was planted, agree with each other and with grades.csv, and the page is self-contained."""
import csv
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 45  # one chapter runs in seconds; only the endless notebooks use it all

# Typical mistakes, planted as a replacement for one exercise's solution: (chapter, exercise, code, mistake id)
PLANTED = {
    "01_mistake": ("01_weighted_average", "1.1",
                   "def crisp_average(ages, incomes, low, high):\n"
                   "    inside = (ages >= low) & (ages <= high)\n"
                   "    incomes[inside].mean()", "1.1/returned-none"),
    "04_mistake_a": ("04_query_key_value", "4.1",
                     "def attend(q, K, V):\n    return softmax(K @ q) @ V", "4.1/unscaled"),
    "04_mistake_b": ("04_query_key_value", "4.2",
                     "def scaled_dot_product_attention(Q, K, V, mask=None):\n"
                     "    w = softmax(Q @ K.T / np.sqrt(Q.shape[1]))\n"
                     "    if mask is not None:\n        w = w * mask\n"
                     "    return w @ V, w", "4.2/mask-after-softmax"),
}
CHAPTERS = {"01_weighted_average": ["1.1", "1.2", "1.3"], "04_query_key_value": ["4.1", "4.2", "4.3"]}


def solved(stem):
    return nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)


def with_answer(stem, exercise, code):
    """The solved notebook with one exercise's solution cell replaced by ``code``."""
    nb = solved(stem)
    grade_id = "ex" + exercise.replace(".", "_")
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = code
    return nb


def with_cell(nb, code, position):
    nb.cells.insert(position if position >= 0 else len(nb.cells), nbformat.v4.new_code_cell(code))
    return nb


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    notebooks = {}
    for stem in CHAPTERS:
        short = stem[:2]
        notebooks[f"{short}_solved"] = solved(stem)
        notebooks[f"{short}_untouched"] = nbformat.read(ROOT / "chapters" / f"{stem}.ipynb", as_version=4)
        notebooks[f"{short}_broken"] = with_cell(solved(stem), "import os\nos._exit(1)", 1)  # the kernel dies
        notebooks[f"{short}_endless"] = with_cell(solved(stem), "while True:\n    pass", -1)
    for name, (stem, exercise, code, _) in PLANTED.items():
        notebooks[name] = with_answer(stem, exercise, code)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    out = folder / "grades.csv"
    proc = subprocess.run([sys.executable, "-m", "attention_course.grade", str(folder), "--out", str(out),
                           "--report", str(folder / "report.html"), "--timeout", str(TIMEOUT), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    read = lambda p: list(csv.DictReader(open(p, newline="", encoding="utf-8")))  # noqa: E731
    return read(out), read(folder / "mistakes.csv"), (folder / "report.html").read_text(encoding="utf-8")


def expected_failures():
    """(notebook, exercise) -> mistake id, for everything planted."""
    expected = {}
    for stem, exercises in CHAPTERS.items():
        short = stem[:2]
        for e in exercises:
            expected[f"{short}_untouched", e] = f"{e}/not-attempted"
            expected[f"{short}_broken", e] = f"{e}/notebook-error"
    for name, (_, exercise, _, mistake) in PLANTED.items():
        expected[name, exercise] = mistake
    return expected


def test_mistakes_csv_holds_exactly_what_was_planted(report):
    _, mistakes, _ = report
    got = {(Path(r["notebook"]).stem, r["exercise"]): r["mistake"] for r in mistakes}
    assert got == expected_failures()
    kinds = {r["mistake"]: r["kind"] for r in mistakes}
    assert kinds["1.1/not-attempted"] == "not attempted" and kinds["4.1/notebook-error"] == "notebook error"
    assert kinds["4.1/unscaled"] == kinds["4.2/mask-after-softmax"] == kinds["1.1/returned-none"] == "mistake"
    unscaled = next(r for r in mistakes if r["mistake"] == "4.1/unscaled")
    assert "not divided by √d_k" in unscaled["message"]


def test_grades_csv_is_unchanged_and_agrees(report):
    grades, mistakes, _ = report
    header = list(grades[0])
    assert header[0] == "notebook" and header[-3:] == ["passed", "total", "error"]
    failed = {(Path(r["notebook"]).stem, e) for r in grades for e in header[1:-3] if r[e] == "fail"}
    assert failed == {(Path(r["notebook"]).stem, r["exercise"]) for r in mistakes}
    endless = {Path(r["notebook"]).stem: r for r in grades}["04_endless"]
    assert endless["error"].startswith("timeout") and endless["passed"] == "3"


class Page(HTMLParser):
    """The data-* attributes of the report's sections, mistake rows and errored rows; and its resources."""

    def __init__(self):
        super().__init__()
        self.sections, self.mistakes, self.errored, self.totals, self.sources = {}, Counter(), [], {}, []
        self.top = []
        self.current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.current = a["data-exercise"]
            self.sections[self.current] = (int(a["data-graded"]), int(a["data-passed"]))
        elif tag == "tr" and a.get("class") == "mistake":
            self.mistakes[a["data-mistake"]] += int(a["data-count"])
        elif tag == "tr" and a.get("class") == "errored":
            self.errored.append(Path(a["data-notebook"]).stem)
        elif tag == "li" and a.get("class") == "top":
            self.top.append(a["data-mistake"])
        elif a.get("id") == "totals":
            self.totals = {k[5:]: int(v) for k, v in a.items() if k.startswith("data-")}
        for key in ("src", "href"):
            if key in a:
                self.sources.append(a[key])


def test_report_page_agrees_with_the_csv_files(report):
    grades, mistakes, page_html = report
    page = Page()
    page.feed(page_html)
    assert page.mistakes == Counter(r["mistake"] for r in mistakes)
    for e in ("1.1", "1.2", "1.3", "4.1", "4.2", "4.3"):
        graded = sum(1 for r in grades if r.get(e) in ("pass", "fail"))
        passed = sum(1 for r in grades if r.get(e) == "pass")
        assert page.sections[e] == (graded, passed), e
    assert page.sections["4.1"] == (6, 3)  # solved, endless and the 4.2 mistake pass
    # what to re-teach first: the planted mistakes, by share of the notebooks graded on their exercise
    assert page.top == ["1.1/returned-none", "4.1/unscaled", "4.2/mask-after-softmax"]
    assert sorted(page.errored) == sorted(Path(r["notebook"]).stem for r in grades if r["error"])
    assert set(page.errored) == {"01_broken", "04_broken", "01_endless", "04_endless"}
    assert page.totals == {"notebooks": len(grades), "exercises": sum(int(r["total"]) for r in grades),
                           "passed": sum(int(r["passed"]) for r in grades), "errored": 4}


def test_report_page_is_self_contained(report):
    page = Page()
    page.feed(report[2])
    assert page.sources and all(s.startswith("data:image/png;base64,") for s in page.sources)
    assert not re.search(r"<script|<link|@import|url\(http", report[2])
    assert "@media print" in report[2]
