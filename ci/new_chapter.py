"""Scaffold a new chapter: a working skeleton that passes the test suite as it is.

    python ci/new_chapter.py 11 transformer_block "The Transformer block" [--title-zh "Transformer 块"] [--minutes 45]
    python ci/make_chapters.py 11       # generate chapters/11_…, execute both notebooks
    python -m pytest ci/tests solutions/11_transformer_block.ipynb chapters/11_transformer_block.ipynb

It writes, and refuses to overwrite:
- solutions/NN_slug.ipynb — the chapter anatomy (title, "you will learn", one idea with its code,
  an interactive figure, a "Try it" block with its answer, exercise NN.1 with nbgrader metadata and its
  check cell, common mistakes, summary, further reading);
- attention_course/checks/chNN_slug.py — the check of exercise NN.1, with four named mistakes;
- attention_course/explorers/chNN_slug.py — an explorer with one slider;
- ci/tests/mistakes/chNN_slug.py — the right answer and the four mistakes, for ci/tests/test_checks.py;
- the chapter's entry at the end of attention_course/course.toml, and the README/INSTRUCTORS tables.

The example exercise (``<slug>_example``: a softmax of scores scaled by √d_k) and the example figure
are placeholders that show the patterns: replace them with the chapter's own (CONTRIBUTING.md).
"""
import argparse
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

SOLUTION_META = {"grade": False, "locked": False, "schema_version": 3, "solution": True, "task": False}

CHECK_MODULE = '''"""Checks for chapter {nn}: {title}.

Exercise {n}.1 is the scaffold's example (a softmax of scores scaled by √d_k); replace it with the
chapter's own exercises, keeping the pattern: every message through tr(), every named mistake with its
own id, at least one test case whose sizes all differ.
"""
import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, call, close, diagnose, fmt, register

SCORES = np.array([3.0, 1.0, -2.0, 0.5, 2.5])  # 5 scores: the length differs from d_k
D_K = 16
BIG = np.array([1000.0, 999.0, 990.0])  # overflows a softmax that does not subtract the maximum


@register("{n}.1", "{function}")
def check_{function}({function}):
    for scores, d_k in ((SCORES, D_K), (BIG, 1)):
        desc = "{function}({{scores}}, {{d_k}})".format(scores=fmt(scores, 3), d_k=d_k)
        got = as_array(call({function}, scores, d_k, desc=desc), desc, shape=scores.shape)
        expected = ref.softmax(scores / np.sqrt(d_k))
        if close(got, expected):
            continue
        if np.isnan(got).any():
            raise Mistake("overflow", tr("{{desc}} gave nan: exp of large scores overflows; subtract the largest "
                                         "score first (softmax does not change).", desc=desc))
        diagnose(got, (scores, d_k), [
            ("unscaled", lambda s, d: ref.softmax(s),
             tr("{{desc}}: the scores were not divided by √d_k (here √{{d_k}}).", desc=desc, d_k=d_k)),
            ("divided-by-d_k", lambda s, d: ref.softmax(s / d),
             tr("{{desc}}: you divided by d_k; divide by its square root.", desc=desc)),
            ("sqrt-length", lambda s, d: ref.softmax(s / np.sqrt(len(s))),
             tr("{{desc}}: you divided by the square root of the number of scores ({{n}}); the scale is √d_k.",
                desc=desc, n=len(scores))),
            ("no-softmax", lambda s, d: s / np.sqrt(d),
             tr("{{desc}}: the scaled scores came back as they are; turn them into weights with softmax.", desc=desc)),
        ])
        raise Mistake(tr("{{desc}} gave {{got}}; expected {{expected}}.", desc=desc, got=fmt(got),
                         expected=fmt(expected)))
    return tr("softmax(scores / √d_k): scaled, stable, and the weights sum to 1.")
'''

EXPLORER_MODULE = '''"""Chapter {nn}: {title} — the scaffold's example figure (one slider); replace it with the chapter's own."""
import ipywidgets as widgets
import numpy as np

from .. import reference as ref
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["{cls}", "explore_{slug}"]

SCORES = np.array([3.0, 1.0, -2.0, 0.5, 2.5])


@register_explorer
class {cls}(Explorer):
    """Drag d_k: the weights of softmax(scores / √d_k) as bars."""

    name = "{slug}"
    chapter = {n}
    title = N_("softmax(scores / √d_k) against d_k")  # marked for translation, translated when shown
    figsize = (6.5, 3.0)
    bench_values = tuple({{"d_k": d}} for d in (1, 4, 16, 64, 256, 16, 2))

    def build(self):
        self.controls["d_k"] = widgets.IntSlider(16, min=1, max=256, description="d_k", style=SLIDER_STYLE,
                                                 layout=control_layout("420px"))
        ax = self.fig.subplots()
        self.bars = ax.bar(range(len(SCORES)), np.zeros(len(SCORES)), color=COLORS["blue"])
        ax.set_xticks(range(len(SCORES)), [f"{{s:g}}" for s in SCORES])
        ax.set_xlabel(tr("score"))
        ax.set_ylabel(tr("weight"))
        ax.set_ylim(0, 1.05)
        self.heading = ax.set_title("")
        self.animated = [*self.bars, self.heading]

    def result(self):
        d_k = self.value("d_k")
        return {{"d_k": d_k, "weights": ref.softmax(SCORES / np.sqrt(d_k))}}

    def update(self):
        r = self.result()
        for bar, w in zip(self.bars, r["weights"]):
            bar.set_height(w)
        self.heading.set_text(tr("d_k = {{d_k}}: the largest weight is {{top:.2f}}", d_k=r["d_k"],
                                 top=r["weights"].max()))

    def layout(self):
        return widgets.VBox([self.controls["d_k"], self.fig.canvas])


def explore_{slug}():
    return {cls}()
'''

MISTAKES_MODULE = '''"""Right answers and typical mistakes for the checks of chapter {nn} ({title}).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of its
message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

RIGHT = {{
    "{n}.1": lambda s, d: ref.softmax(np.asarray(s) / np.sqrt(d)),
}}

MISTAKES = {{
    "{n}.1": [
        (lambda s, d: ref.softmax(s), "unscaled", "not divided by √d_k"),
        (lambda s, d: ref.softmax(s / d), "divided-by-d_k", "square root"),
        (lambda s, d: ref.softmax(s / np.sqrt(len(s))), "sqrt-length", "number of scores"),
        (lambda s, d: s / np.sqrt(d), "no-softmax", "turn them into weights"),
        (lambda s, d: np.exp(s / np.sqrt(d)) / np.exp(s / np.sqrt(d)).sum(), "overflow", "subtract the largest"),
    ],
}}
'''

MANIFEST_ENTRY = '''
[[chapter]]
number = {n}
slug = "{slug}"
title = "{title}"
title_zh = "{title_zh}"
minutes = {minutes}
week = {week}
learn = "one line for the README's chapter table: what a student learns here"
explorers = ["{slug}"]

[[chapter.exercise]]
id = "{n}.1"
function = "{function}"
checks = "`{function}(scores, d_k)` — the scaffold's example: softmax(scores / √d_k) on 5 scores with d_k = 16 and on scores near 1000; catches unscaled scores, dividing by d_k, dividing by √(number of scores), no softmax, overflow."
'''


def notebook(n, slug, title, title_zh, minutes, function, previous):
    nn = f"{n:02d}"
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    builds_on = f"[{previous.number:02d} · {previous.title}]({previous.notebook})" if previous else "a little Python"
    cells = [
        md(f"# {nn} · {title} ({title_zh})\n\n**You will learn**\n1. the first idea of this chapter;\n"
           f"2. the second;\n3. the third.\n\n**Time:** {minutes} minutes. **Builds on:** {builds_on}."),
        code("import numpy as np\n\nfrom attention_course import softmax\nfrom attention_course.checks import check\n\n"
             "np.set_printoptions(precision=3, suppress=True)"),
        md("## 1. One idea\n\nA short paragraph, then a small code cell and its output. Every number the text "
           "quotes is one that a cell prints."),
        code("scores = np.array([3.0, 1.0, -2.0, 0.5, 2.5])\nd_k = 16\n"
             "weights = softmax(scores / np.sqrt(d_k))\nprint(\"weights:\", weights, \"sum:\", weights.sum())"),
        md("## 2. Try it\n\nDrag d_k and watch the weights flatten."),
        code(f"from attention_course.explorers import explore_{slug}\n\nexplorer = explore_{slug}()\nexplorer",
             metadata={"tags": ["nbval-ignore-output"]}),
        code("print(\"largest weight at the default d_k:\", round(float(explorer.result()[\"weights\"].max()), 3))"),
        md("**Questions**\n1. What happens to the weights as d_k grows?\n\n<details><summary>Answer</summary>\n\n"
           "They flatten: dividing by a larger √d_k shrinks the differences between the scores, and softmax sees "
           "only differences.\n\n</details>"),
        md(f"## 3. Exercises\n\n### Exercise {n}.1 — the scaffold's example\n\n`{function}(scores, d_k)` returns "
           "softmax(scores / √d_k), computed stably."),
        code(f"def {function}(scores, d_k):\n    \"\"\"softmax(scores / sqrt(d_k)).\"\"\"\n    ### BEGIN SOLUTION\n"
             "    return softmax(np.asarray(scores, dtype=float) / np.sqrt(d_k))\n    ### END SOLUTION",
             metadata={"nbgrader": {**SOLUTION_META, "grade_id": f"ex{n}_1"}}),
        code(f"check(\"{n}.1\", {function})"),
        md("## 4. Common mistakes\n\n- **A mistake students make.** What is right instead, and why."),
        md("## 5. Summary\n\n- One line per idea, five lines at most.\n\n**Further reading**: a source by title, "
           "author and link."),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("number", type=int)
    parser.add_argument("slug", help="lower_case_words: the file names are NN_slug and chNN_slug")
    parser.add_argument("title")
    parser.add_argument("--title-zh", default="章节标题")
    parser.add_argument("--minutes", type=int, default=40)
    args = parser.parse_args(argv)
    n, slug = args.number, args.slug
    if not (slug.isidentifier() and slug == slug.lower()):
        parser.error("the slug must be lower_case_words (a Python identifier)")
    sys.path.insert(0, str(ROOT))
    from attention_course import manifest

    chapters = manifest.chapters()
    if any(c.number == n for c in chapters) or (chapters and n < chapters[-1].number):
        parser.error(f"chapter {n} exists, or comes before the last chapter ({chapters[-1].number})")
    nn, module, function = f"{n:02d}", f"ch{n:02d}_{slug}", f"{slug}_example"
    cls = "".join(w.capitalize() for w in slug.split("_")) + "Explorer"
    values = dict(n=n, nn=nn, slug=slug, title=args.title, title_zh=args.title_zh, function=function, cls=cls,
                  minutes=args.minutes, week=(chapters[-1].week + 1) if chapters else 1)
    files = {
        ROOT / "solutions" / f"{nn}_{slug}.ipynb": None,
        ROOT / "attention_course" / "checks" / f"{module}.py": CHECK_MODULE.format(**values),
        ROOT / "attention_course" / "explorers" / f"{module}.py": EXPLORER_MODULE.format(**values),
        ROOT / "ci" / "tests" / "mistakes" / f"{module}.py": MISTAKES_MODULE.format(**values),
    }
    existing = [str(p.relative_to(ROOT)) for p in files if p.exists()]
    if existing:
        parser.error("refusing to overwrite " + ", ".join(existing))
    for path, text in files.items():
        if text is None:
            nbformat.write(notebook(n, slug, args.title, args.title_zh, args.minutes, function,
                                    chapters[-1] if chapters else None), path)
        else:
            path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    with open(manifest.MANIFEST, "a", encoding="utf-8") as f:
        f.write(MANIFEST_ENTRY.format(**values))
    print(f"added chapter {n} to {manifest.MANIFEST.relative_to(ROOT)}")
    subprocess.run([sys.executable, str(ROOT / "ci" / "make_docs.py")], check=True)
    print(f"next: python ci/make_chapters.py {nn}, then the tests (CONTRIBUTING.md, 'Add a chapter')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
