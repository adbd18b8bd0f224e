"""Write the chapter tables of README.md and INSTRUCTORS.md from the chapter manifest.

    python ci/make_docs.py           # rewrite the generated parts
    python ci/make_docs.py --check   # exit 1 if they differ from what the manifest gives

The generated parts sit between ``<!-- generated from attention_course/course.toml: NAME -->``
and ``<!-- end NAME -->``; everything else in the two files is written by hand.
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from attention_course import manifest  # noqa: E402

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def readme_table():
    rows = ["| # | Chapter | You learn | Time |", "|---|---|---|---|"]
    for c in manifest.chapters():
        rows.append(f"| {c.number:02d} | [{c.title}](chapters/{c.notebook}) | {c.learn} | {c.minutes} min |")
    return "\n".join(rows)


def instructors_table():
    rows = ["| # | Chapter | Time | Exercises, and what their checks test |", "|---|---|---|---|"]
    for c in manifest.chapters():
        exercises = " ".join(f"**{e.id}** {e.checks}" + (f" ({e.points} points)" if e.points != 1 else "")
                             for e in c.exercises)
        rows.append(f"| {c.number:02d} | {c.title} | {c.minutes} min | {exercises} |")
    return "\n".join(rows)


def _hours(minutes):
    hours = round(minutes / 60 * 2) / 2
    return f"{hours:g} hours"


def weekly_plan():
    weeks = {}
    for c in manifest.chapters():
        weeks.setdefault(c.week, []).append(c)
    parts = []
    for week, chapters in sorted(weeks.items()):
        numbers = [f"{c.number:02d}" for c in chapters]
        which = f"chapter {numbers[0]}" if len(numbers) == 1 else f"chapters {numbers[0]}–{numbers[-1]}"
        parts.append(f"week {week}, {which} (about {sum(c.minutes for c in chapters)} minutes)")
    total = sum(c.minutes for c in manifest.chapters())
    n_weeks = NUMBER_WORDS[len(weeks)] if len(weeks) < len(NUMBER_WORDS) else str(len(weeks))
    return (f"**A suggested plan** (about {_hours(total)} of work over {n_weeks} weeks, plus time to play with the "
            f"sliders): {'; '.join(parts)}. Ask students to answer the \"Try it\" questions in a markdown cell of "
            "their own — those are not auto-graded.")


GENERATED = {
    "README.md": {"chapter table": readme_table},
    "INSTRUCTORS.md": {"chapter table": instructors_table, "weekly plan": weekly_plan},
}


def render(text, parts):
    for name, make in parts.items():
        pattern = re.compile(rf"(<!-- generated from attention_course/course.toml: {name} -->\n).*?(\n<!-- end {name} -->)",
                             re.S)
        if not pattern.search(text):
            raise SystemExit(f"no generated part '{name}' (its two marker comments are missing)")
        text = pattern.sub(lambda m: m[1] + make() + m[2], text)
    return text


def stale_docs():
    """Names of the documents whose generated parts differ from what the manifest gives."""
    return [name for name, parts in GENERATED.items()
            if render((ROOT / name).read_text(encoding="utf-8"), parts) != (ROOT / name).read_text(encoding="utf-8")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_docs()
        for name in stale:
            print(f"{name}: its chapter tables differ from attention_course/course.toml; run `python ci/make_docs.py`")
        return 1 if stale else 0
    for name, parts in GENERATED.items():
        path = ROOT / name
        path.write_text(render(path.read_text(encoding="utf-8"), parts), encoding="utf-8")
        print(f"wrote the generated parts of {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
