"""The class report: what a class got wrong, from the grader's rows.

    python -m attention_course.grade submissions/ --out grades.csv --report report.html

writes, besides ``grades.csv``:

- ``mistakes.csv`` (beside ``grades.csv``): one row per notebook and failed exercise — notebook, exercise,
  kind (``grade.KINDS``: a named mistake, another wrong answer, not attempted, a missing function, a
  notebook that could not be run, a check that timed out), the mistake's stable id (e.g.
  ``4.2/unscaled``) and the message the student saw;
- ``report.html``: one self-contained page (its chart embedded as an image, no scripts, no web fonts,
  no CDN; it opens offline and prints) with the pass rate of every exercise, each exercise's mistakes
  by count with their messages, and the notebooks that errored or timed out.

The numbers of the page and of the two CSV files come from the same rows, and the tests check that
they agree.
"""
import base64
import csv
import html
import io
from collections import Counter, defaultdict
from pathlib import Path

from .i18n import tr
from .manifest import exercise_key

MISTAKE_COLUMNS = ["notebook", "exercise", "kind", "mistake", "message"]


def failures(rows):
    """(notebook, exercise, kind, mistake, message) for every failed exercise of every row, in order."""
    found = []
    for row in rows:
        for exercise in sorted(row.get("details", {}), key=exercise_key):
            d = row["details"][exercise]
            if d["result"] != "pass":
                found.append((row["notebook"], exercise, d["kind"], d["mistake"], d["message"]))
    return found


def summary(rows):
    """Per exercise: graded, passed, and its failures grouped by mistake id (most common first)."""
    graded, passed = Counter(), Counter()
    by_mistake = defaultdict(list)
    for row in rows:
        for exercise, d in row.get("details", {}).items():
            graded[exercise] += 1
            passed[exercise] += d["result"] == "pass"
    for notebook, exercise, kind, mistake, message in failures(rows):
        by_mistake[exercise, mistake].append((kind, message, notebook))
    table = {}
    for exercise in sorted(graded, key=exercise_key):
        groups = []
        for (ex, mistake), items in by_mistake.items():
            if ex != exercise:
                continue
            kind = items[0][0]
            message = Counter(m for _, m, _ in items).most_common(1)[0][0]
            groups.append({"mistake": mistake, "kind": kind, "count": len(items), "message": message,
                           "notebooks": sorted(n for _, _, n in items)})
        groups.sort(key=lambda g: (-g["count"], g["mistake"]))
        table[exercise] = {"graded": graded[exercise], "passed": passed[exercise], "mistakes": groups}
    return table


def write_mistakes_csv(rows, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(MISTAKE_COLUMNS)
        writer.writerows(failures(rows))
    return path


def pass_rate_chart(table):
    """A horizontal bar chart of the pass rate per exercise, as PNG bytes."""
    from matplotlib.figure import Figure

    from .style import COLORS, use_course_style

    use_course_style()
    exercises = list(table)
    rates = [100 * table[e]["passed"] / table[e]["graded"] for e in exercises]
    fig = Figure(figsize=(7.5, 0.42 * len(exercises) + 1.1))
    ax = fig.subplots()
    y = range(len(exercises))[::-1]
    ax.barh(list(y), rates, color=COLORS["blue"])
    for yi, e, rate in zip(y, exercises, rates):
        ax.text(min(rate + 1.5, 82), yi, f"{table[e]['passed']}/{table[e]['graded']}", va="center", fontsize=9)
    ax.set_yticks(list(y), [tr("exercise {exercise}", exercise=e) for e in exercises])
    ax.set_xlim(0, 100)
    ax.set_xlabel(tr("notebooks that passed (%)"))
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.count { text-align: right; white-space: nowrap; }
code { font-size: .88rem; white-space: nowrap; } .muted { color: #666; } img { max-width: 100%; }
section.exercise { page-break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
"""


def render_html(rows, table):
    e = html.escape
    notebooks = len(rows)
    errored = [r for r in rows if r.get("error")]
    total = sum(t["graded"] for t in table.values())
    passed = sum(t["passed"] for t in table.values())
    chart = base64.b64encode(pass_rate_chart(table)).decode("ascii") if table else ""
    parts = [
        "<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
        f"<title>{e(tr('Class report — Attention, Step by Step'))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{e(tr('Class report — Attention, Step by Step'))}</h1>",
        f'<p id="totals" data-notebooks="{notebooks}" data-exercises="{total}" data-passed="{passed}" '
        f'data-errored="{len(errored)}">'
        + e(tr("{notebooks} notebooks graded: {passed} of {total} exercises passed; {errored} notebooks errored or "
               "timed out.", notebooks=notebooks, passed=passed, total=total, errored=len(errored))) + "</p>",
    ]
    wrong = [(exercise, g) for exercise, t in table.items() for g in t["mistakes"]
             if g["kind"] in ("mistake", "other wrong answer")]
    wrong.sort(key=lambda eg: (-eg[1]["count"] / table[eg[0]]["graded"], eg[1]["mistake"]))
    if wrong:
        parts.append(f"<h2>{e(tr('To re-teach first: the most common mistakes'))}</h2><ol>")
        for exercise, g in wrong[:5]:
            share = 100 * g["count"] / table[exercise]["graded"]
            parts.append(f'<li class="top" data-mistake="{e(g["mistake"])}">'
                         + e(tr("{share:.0f}% of the notebooks graded on exercise {exercise} ({count} of {graded}):",
                                share=share, exercise=exercise, count=g["count"], graded=table[exercise]["graded"]))
                         + f' <code>{e(g["mistake"])}</code> — {e(g["message"])}</li>')
        parts.append("</ol>")
    parts.append(f"<h2>{e(tr('Pass rate per exercise'))}</h2>")
    if chart:
        parts.append(f'<img alt="{e(tr("pass rate per exercise"))}" src="data:image/png;base64,{chart}">')
    parts.append(f"<h2>{e(tr('What went wrong, exercise by exercise'))}</h2>")
    parts.append(f'<p class="muted">{e(tr("Each row is one mistake the check recognised, with how many notebooks made it and the message their authors saw. Other wrong answer: the check found the answer wrong but could not name the mistake."))}</p>')
    kind_names = {"mistake": tr("named mistake"), "other wrong answer": tr("other wrong answer"),
                  "not attempted": tr("not attempted"), "missing": tr("function missing"),
                  "notebook error": tr("notebook could not run"), "check timeout": tr("check timed out"),
                  "check error": tr("check error")}
    for exercise, t in table.items():
        rate = 100 * t["passed"] / t["graded"]
        parts.append(f'<section class="exercise" data-exercise="{e(exercise)}" data-graded="{t["graded"]}" '
                     f'data-passed="{t["passed"]}">')
        parts.append("<h3>" + e(tr("Exercise {exercise}: {passed} of {graded} passed ({rate:.0f}%)",
                                    exercise=exercise, passed=t["passed"], graded=t["graded"], rate=rate)) + "</h3>")
        if not t["mistakes"]:
            parts.append(f'<p class="muted">{e(tr("Nobody got it wrong."))}</p></section>')
            continue
        parts.append(f"<table><tr><th>{e(tr('mistake'))}</th><th>{e(tr('kind'))}</th><th>{e(tr('notebooks'))}</th>"
                     f"<th>{e(tr('the message students saw'))}</th></tr>")
        for g in t["mistakes"]:
            parts.append(f'<tr class="mistake" data-mistake="{e(g["mistake"])}" data-count="{g["count"]}">'
                         f'<td><code>{e(g["mistake"])}</code></td><td>{e(kind_names.get(g["kind"], g["kind"]))}</td>'
                         f'<td class="count">{g["count"]} ({100 * g["count"] / t["graded"]:.0f}%)</td>'
                         f'<td>{e(g["message"])}</td></tr>')
        parts.append("</table></section>")
    parts.append(f"<h2>{e(tr('Notebooks that errored or timed out'))}</h2>")
    if errored:
        parts.append(f"<table><tr><th>{e(tr('notebook'))}</th><th>{e(tr('what happened'))}</th></tr>")
        for r in errored:
            parts.append(f'<tr class="errored" data-notebook="{e(r["notebook"])}"><td>{e(r["notebook"])}</td>'
                         f'<td>{e(r["error"])}</td></tr>')
        parts.append("</table>")
    else:
        parts.append(f'<p class="muted">{e(tr("None: every notebook ran to the end."))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(rows, html_path, mistakes_csv):
    """Write the class report ``html_path`` and ``mistakes_csv``."""
    write_mistakes_csv(rows, mistakes_csv)
    Path(html_path).write_text(render_html(rows, summary(rows)), encoding="utf-8")
