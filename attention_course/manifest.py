"""The chapter manifest (``course.toml``): the one list of chapters, their exercises and explorers.

    from attention_course import manifest
    manifest.chapters()            # [Chapter(number=0, slug="start_here", ...), ...]
    manifest.chapter(5).notebook   # "05_self_attention.ipynb"
    manifest.exercises()           # every Exercise in course order

Registries, documentation tables, the grader and the tests derive what they need from here.
"""
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "course.toml"


@dataclass(frozen=True)
class Exercise:
    id: str
    function: str
    chapter: int
    points: int = 1
    checks: str = ""


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    title: str
    title_zh: str
    minutes: int
    week: int
    learn: str
    explorers: tuple = ()
    exercises: tuple = field(default=())

    @property
    def stem(self):
        """The notebook's name without its suffix, e.g. "05_self_attention"."""
        return f"{self.number:02d}_{self.slug}"

    @property
    def notebook(self):
        return f"{self.stem}.ipynb"

    @property
    def module(self):
        """The name of its checks and explorer modules, e.g. "ch05_self_attention"."""
        return f"ch{self.number:02d}_{self.slug}"


def exercise_key(exercise_id):
    """Sort key of an exercise id: "10.2" comes after "9.1"."""
    return tuple(int(p) for p in exercise_id.split("."))


@lru_cache(maxsize=1)
def chapters():
    """Every chapter, in course order."""
    with open(MANIFEST, "rb") as f:
        raw = tomllib.load(f)["chapter"]
    found = []
    for entry in raw:
        entry = dict(entry)
        exercises = tuple(Exercise(chapter=entry["number"], **e) for e in entry.pop("exercise", []))
        found.append(Chapter(explorers=tuple(entry.pop("explorers", ())), exercises=exercises, **entry))
    numbers = [c.number for c in found]
    if numbers != sorted(set(numbers)):
        raise ValueError(f"{MANIFEST.name}: chapter numbers must be unique and in order, got {numbers}")
    return tuple(found)


def chapter(number):
    for c in chapters():
        if c.number == number:
            return c
    raise KeyError(f"no chapter {number} in {MANIFEST.name}")


def exercises():
    """Every exercise of the course, in order."""
    return tuple(e for c in chapters() for e in c.exercises)
