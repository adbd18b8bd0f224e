"""The Chinese edition (zh/): every translation present and current, the same code as the English
edition, the glossary's terms used consistently, and the package's messages and labels in Chinese."""
import json
import re
import sys
from pathlib import Path

import nbformat
import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "ci"))
import make_chapters as mc  # noqa: E402
import make_zh  # noqa: E402

from attention_course import i18n, manifest  # noqa: E402
from attention_course.checks import check  # noqa: E402

STEMS = [c.stem for c in manifest.chapters()]


def test_every_translation_is_present_current_and_the_same_code():
    assert make_zh.problems() == [], "run `python ci/make_zh.py update`, translate, then `python ci/make_zh.py build`"


def test_the_chinese_notebooks_are_generated_from_the_catalogs():
    assert make_zh.stale_notebooks() == []


def test_a_changed_english_cell_fails_naming_the_cell(tmp_path, monkeypatch):
    """Change one English sentence: the check names the notebook and the cell, and says the translation is stale."""
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    stem = STEMS[1]
    nb = nbformat.read(mc.SOLUTIONS / f"{stem}.ipynb", as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and i > 0)
    nb.cells[index].source += "\n\nA new English sentence."
    nbformat.write(nb, solutions / f"{stem}.ipynb")
    catalogs = tmp_path / "po"
    catalogs.mkdir()
    (catalogs / f"{stem}.po").write_bytes((make_zh.CATALOGS / f"{stem}.po").read_bytes())
    monkeypatch.setattr(mc, "SOLUTIONS", solutions)
    monkeypatch.setattr(make_zh, "CATALOGS", catalogs)
    before = make_zh.problems(stem[:2], package=False)
    assert len(before) == 1 and f"solutions/{stem}.ipynb, cell {index}" in before[0] and "no Chinese translation" in before[0]
    make_zh.update(stem[:2])
    after = make_zh.problems(stem[:2], package=False)
    assert len(after) == 1 and f"cell {index}" in after[0] and "stale (fuzzy)" in after[0]
    entry = next(e for e in polib.pofile(str(catalogs / f"{stem}.po")) if e.msgid == nb.cells[index].source)
    assert entry.fuzzy and entry.previous_msgid and entry.msgstr  # the old translation is kept as a suggestion


@pytest.mark.parametrize("stem", STEMS)
def test_code_is_the_same_in_both_editions(stem):
    """Every code cell of the Chinese notebook is the English one's program: only comments and the text of
    strings differ, and the first code cell selects the language."""
    en = nbformat.read(mc.SOLUTIONS / f"{stem}.ipynb", as_version=4)
    zh = nbformat.read(make_zh.ZH_SOLUTIONS / f"{stem}.ipynb", as_version=4)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells]
    first = True
    for e, z in zip(en.cells, zh.cells):
        if e.cell_type != "code":
            continue
        source = z.source
        if first:
            prefix = "\n".join(make_zh.LANGUAGE_LINES)
            assert source.startswith(prefix)
            source, first = source[len(prefix):], False
        assert make_zh.same_code(e.source, source), f"{stem}: a code cell differs: {e.source[:60]!r}"
        assert e.metadata.get("nbgrader") == z.metadata.get("nbgrader")


def _catalog_entries():
    for path in sorted(make_zh.CATALOGS.glob("*.po")) + make_zh.package_catalogs():
        for e in polib.pofile(str(path)):
            if not e.obsolete and e.msgstr:
                yield path.name, e


def test_glossary_terms_are_translated_consistently():
    """Where an English text uses a glossary term (zh/glossary.csv), its translation uses the glossary's
    Chinese term (a translator comment `glossary: skip TERM` records a deliberate exception)."""
    problems = make_zh.glossary_problems()
    assert not problems, f"{len(problems)} entries:\n" + "\n".join(problems[:40])


def test_numbers_are_the_same_in_both_editions():
    """Every number of an English markdown cell appears in its Chinese translation."""
    problems = []
    for name, e in _catalog_entries():
        if e.msgctxt != "markdown":
            continue
        numbers = set(re.findall(r"\d+(?:[.,]\d+)*", re.sub(r"\]\([^)]*\)|https?://\S+", " ", e.msgid)))
        missing = [n for n in numbers if n not in e.msgstr and n.replace(",", "") not in e.msgstr]
        if missing:
            problems.append(f"{name}: {missing} not in the translation of {e.msgid[:60]!r}")
    assert not problems, "\n".join(problems[:40])


def test_checks_speak_chinese_when_asked(monkeypatch):
    from attention_course import reference as ref

    monkeypatch.setitem(i18n._state, "language", "zh")
    passed = check("3.1", ref.softmax)
    failed = check("3.1", lambda x, axis=-1: x / x.sum(axis=axis, keepdims=True))
    todo = check("3.1", lambda *a: (_ for _ in ()).throw(NotImplementedError()))
    for result in (passed, failed, todo):
        assert re.search(r"[\u4e00-\u9fff]", str(result)), str(result)
        assert "Exercise" not in str(result)
    assert str(passed).startswith("✅ 练习 3.1")


def test_jupyterlab_offers_its_chinese_interface():
    """The language pack in requirements.txt is found by the pinned JupyterLab (Settings ▸ Language)."""
    from jupyterlab_server.translation_utils import get_language_packs

    packs, message = get_language_packs()
    assert "zh_CN" in packs, f"JupyterLab finds no Chinese language pack ({message or sorted(packs)}): " \
                             "pip install -r requirements.txt installs jupyterlab-language-pack-zh-CN"
    assert packs["zh_CN"]["nativeName"].startswith("中文")  # what zh/README.md tells the student to choose
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^jupyterlab-language-pack-zh-CN==", requirements, re.M)


@pytest.mark.parametrize("stem", STEMS)
def test_chinese_notebooks_show_chinese_check_results(stem):
    for folder, status in ((make_zh.ZH_SOLUTIONS, "✅"), (make_zh.ZH_CHAPTERS, "⏳")):
        nb = json.loads((folder / f"{stem}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or not re.match(r'check\("\d+\.\d+", \w+\)', "".join(cell["source"])):
                continue
            text = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"])
            if "_wrong" not in "".join(cell["source"]):
                assert text.startswith(f"{status} 练习"), text[:80]
