"""The bundled CJK font: registered, used for Chinese, and no missing glyphs anywhere in the course."""
import json
import re
import warnings
from pathlib import Path

from fontTools.ttLib import TTFont

import attention_course  # noqa: F401  (applies the style)
from attention_course.environment import font_for, render_chinese
from attention_course.style import cjk_font_path

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_chinese_is_drawn_with_the_bundled_font_without_warnings():
    fig, caught = render_chinese("中年人的平均收入，苹果")
    assert caught == []
    assert Path(font_for("苹")) == cjk_font_path()
    assert Path(font_for("a")).name == "DejaVuSans.ttf"


def test_font_keeps_its_names_and_licence():
    font = TTFont(cjk_font_path())
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert "Open Font License" in font["name"].getDebugName(13)
    assert (cjk_font_path().parent / "OFL.txt").exists()


def test_font_covers_every_chinese_character_in_the_course():
    cmap = TTFont(cjk_font_path()).getBestCmap()
    text = "".join(p.read_text(encoding="utf-8") for p in ROOT.glob("attention_course/**/*.py"))
    text += "".join(p.read_text(encoding="utf-8") for p in ROOT.glob("assets/data/*"))
    for path in ROOT.glob("solutions/*.ipynb"):
        text += "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
    missing = sorted({ch for ch in CJK.findall(text) if ord(ch) not in cmap})
    assert missing == []


def test_font_covers_every_chinese_character_of_the_translations():
    """Translated labels, notes and messages (the package's catalogs) and the Chinese notebooks' text (zh/po)
    are drawn in figures: a character outside the bundled font would be a box."""
    import polib

    cmap = TTFont(cjk_font_path()).getBestCmap()
    paths = sorted(ROOT.glob("attention_course/locale/zh/LC_MESSAGES/*.po")) + sorted(ROOT.glob("zh/po/*.po"))
    assert len(paths) > 13
    missing = {}
    for path in paths:
        for e in polib.pofile(str(path)):
            for ch in CJK.findall(e.msgstr):
                if ord(ch) not in cmap:
                    missing.setdefault(ch, f"{path.name}: {e.msgid[:50]!r}")
    assert missing == {}, "characters missing from the bundled font (use common characters):\n" + "\n".join(
        f"{ch} U+{ord(ch):04X} in {where}" for ch, where in sorted(missing.items()))


def test_font_covers_the_common_characters():
    cmap = TTFont(cjk_font_path()).getBestCmap()
    level1 = [bytes([r, c]).decode("gb2312") for r in range(0xB0, 0xD8) for c in range(0xA1, 0xFF)
              if not (r == 0xD7 and c > 0xF9)]
    assert len(level1) == 3755 and all(ord(ch) in cmap for ch in level1)
    assert all(ord(ch) in cmap for ch in "，。、：；？！“”（）《》")


def test_no_glyph_warning_in_a_chinese_figure():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("张三 李四 王五 马六 黄七 钱八 刘九 孙十")
    ax.set_xticks([0, 1], ["苹果", "手机"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    plt.close(fig)


def test_widget_font_covers_every_chinese_character_of_the_package():
    import sys

    sys.path.insert(0, str(ROOT / "ci"))
    from subset_font import ui_characters, ui_zh_characters

    for name, chars in (("NotoSansCJKsc-UI.otf", ui_characters()), ("NotoSansCJKsc-UI-zh.otf", ui_zh_characters())):
        cmap = TTFont(ROOT / "assets" / "fonts" / name).getBestCmap()
        missing = [ch for ch in chars if ord(ch) not in cmap]
        assert missing == [], f"{name} lacks {''.join(missing)}: run `python ci/subset_font.py --ui` to rebuild it"
    # the English subset stays small: none of the translations' characters unless the source has them too
    english = TTFont(ROOT / "assets" / "fonts" / "NotoSansCJKsc-UI.otf").getBestCmap()
    assert {chr(c) for c in english if CJK.match(chr(c))} == set(ui_characters())


def test_explorer_widgets_carry_the_font(monkeypatch):
    from attention_course import i18n
    from attention_course.explorers import TwoPeopleExplorer
    from attention_course.style import UI_FONT_FAMILY

    ex = TwoPeopleExplorer(interactive=True)  # an ipympl canvas, as in a notebook
    assert "ac-explorer" in ex.widget._dom_classes
    css = ex.widget.children[0].value
    assert "@font-face" in css and UI_FONT_FAMILY in css and len(css) < 40_000

    monkeypatch.setitem(i18n._state, "language", "zh")  # a Chinese notebook: the subset with the translations
    zh = TwoPeopleExplorer(interactive=True)
    css_zh = zh.widget.children[0].value
    assert "@font-face" in css_zh and UI_FONT_FAMILY in css_zh and len(css) < len(css_zh) < 250_000
    assert "的权重" in zh.controls["w"].description
