"""Rebuild the bundled CJK font subset (a maintainer's tool; students never run it).

The course ships a subset of Noto Sans CJK SC so that Chinese labels render in
every figure on machines without CJK fonts. To rebuild it:

    apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb /tmp/noto
    python ci/subset_font.py /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
    python ci/subset_font.py --ui     # after changing any Chinese text in a widget or a package catalog

The second command makes two small subsets for the interactive figures, which
embed one in their HTML so that widget labels and tables render Chinese in a
browser on a machine without any CJK font:

- ``NotoSansCJKsc-UI.otf`` (a few tens of kB): just the Chinese characters in the
  helper package's source and the data tables (tokens, names), for English
  notebooks;
- ``NotoSansCJKsc-UI-zh.otf``: those and every Chinese character of the package's
  translations (``attention_course/locale/zh/LC_MESSAGES/*.po``: labels, options,
  notes), for the Chinese notebooks (``style.widget_font_css`` picks it when the
  language is zh).

A test fails when either is stale.

The subset keeps every name record (so the copyright and licence fields stay in
the font), all 6,763 characters of GB 2312 (which contains the 3,500 characters
of the common-character list students type), ASCII, Latin-1, general and CJK
punctuation and the full-width forms.
"""
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "fonts" / "NotoSansCJKsc-Subset.otf"
UI_OUT = ROOT / "assets" / "fonts" / "NotoSansCJKsc-UI.otf"
UI_ZH_OUT = ROOT / "assets" / "fonts" / "NotoSansCJKsc-UI-zh.otf"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def ui_characters():
    """Every CJK character in the helper package's source and the data tables."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("attention_course/**/*.py")))
    text += "".join(p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("assets/data/*")))
    return "".join(sorted(set(CJK.findall(text))))


def catalog_characters():
    """Every CJK character of the package's Chinese translations (msgstr of its catalogs)."""
    import polib

    text = "".join(e.msgstr for p in sorted(ROOT.glob("attention_course/locale/zh/LC_MESSAGES/*.po"))
                   for e in polib.pofile(str(p)) if not e.obsolete)
    return "".join(sorted(set(CJK.findall(text))))


def ui_zh_characters():
    """The characters of the Chinese widgets' font: the package's and its translations'."""
    return "".join(sorted(set(ui_characters()) | set(catalog_characters())))


def gb2312_characters():
    """Every character of GB 2312 rows 16-87 (level 1 and level 2 hanzi)."""
    chars = []
    for row in range(0xB0, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def codepoints():
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    points |= set(range(0x2000, 0x2070))  # general punctuation
    points |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    points |= set(range(0xFF00, 0xFFF0))  # full-width forms
    points |= {ord(c) for c in gb2312_characters()}
    return sorted(points)


def subset_in_place(font, layout_features=(), **populate):
    """Keep only the given characters of ``font`` (and every name record: copyright, licence)."""
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.layout_features = list(layout_features)
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(**populate)
    subsetter.subset(font)


def main(ttc_path):
    collection = TTCollection(ttc_path)
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == "Noto Sans CJK SC")
    subset_in_place(font, layout_features=["*"], unicodes=codepoints())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(OUT)
    print(f"{OUT}: {len(font.getBestCmap())} characters, {OUT.stat().st_size / 1e6:.2f} MB")


def make_ui_fonts():
    """Write each UI subset whose characters changed (an unchanged one keeps its bytes: no churn in git)."""
    from fontTools.ttLib import TTFont

    for path, chars in ((UI_OUT, ui_characters()), (UI_ZH_OUT, ui_zh_characters())):
        if path.exists() and {chr(c) for c in TTFont(path).getBestCmap()} == set(chars):
            print(f"{path}: up to date ({len(chars)} characters, {path.stat().st_size / 1e3:.1f} kB)")
            continue
        font = TTFont(OUT)
        subset_in_place(font, text=chars)
        font.save(path)
        print(f"{path}: {len(chars)} characters, {path.stat().st_size / 1e3:.1f} kB")


if __name__ == "__main__":
    if sys.argv[1] == "--ui":
        make_ui_fonts()
    else:
        main(sys.argv[1])
