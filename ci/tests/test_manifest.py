"""The chapter manifest (attention_course/course.toml) and what is derived from it cannot disagree:
notebooks, checks modules, explorer modules and explorers, exercises, and the README/INSTRUCTORS tables."""
import sys
from pathlib import Path

import nbformat
import pytest

from attention_course import explorers, manifest
from attention_course.grade import exercises_of

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "ci"))
import make_docs  # noqa: E402

CHAPTERS = manifest.chapters()


@pytest.mark.parametrize("folder", ["solutions", "chapters"])
def test_notebooks_are_the_manifests_chapters(folder):
    assert sorted(p.name for p in (ROOT / folder).glob("*.ipynb")) == [c.notebook for c in CHAPTERS]


def test_explorer_modules_and_explorers_are_the_manifests():
    assert explorers.CHAPTER_MODULES == [c.module for c in CHAPTERS if c.explorers]
    registered = {name: cls.chapter for name, cls in explorers.EXPLORERS.items()}
    assert registered == {name: c.number for c in CHAPTERS for name in c.explorers}
    for c in CHAPTERS:
        for name in c.explorers:
            assert explorers.EXPLORERS[name].__module__.endswith(c.module), f"{name} must live in {c.module}.py"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.stem)
def test_notebook_title_and_exercises_match_the_manifest(chapter):
    nb = nbformat.read(ROOT / "solutions" / chapter.notebook, as_version=4)
    first_line = nb.cells[0].source.splitlines()[0]
    assert first_line.startswith(f"# {chapter.number:02d} · {chapter.title.split(' — ')[0]}"), first_line
    assert exercises_of(nb) == [e.id for e in chapter.exercises]


def test_manifest_is_well_formed():
    for c in CHAPTERS:
        assert c.slug.isidentifier() and c.slug == c.slug.lower(), c.slug
        assert c.minutes > 0 and c.week >= 1 and c.title and c.title_zh and c.learn
        for e in c.exercises:
            assert e.id.split(".")[0] == str(c.number), f"exercise {e.id} is listed under chapter {c.number}"
            assert e.points > 0 and e.function.isidentifier() and e.checks
    weeks = [c.week for c in CHAPTERS]
    assert weeks == sorted(weeks), "the weekly plan follows the chapters' order"


def test_readme_and_instructors_tables_are_generated_from_the_manifest():
    assert make_docs.stale_docs() == [], "run `python ci/make_docs.py`"
