"""The Chinese edition (中文版): catalogs from the English source, and the Chinese notebooks from the catalogs.

    python ci/make_zh.py update              # bring every catalog up to date with the English source
    python ci/make_zh.py export 05 > t.json  # what chapter 05 still needs: {key: {"en": ..., "zh": ..., "previous_en": ...}}
    python ci/make_zh.py import t.json       # write translations back (sets them, clears "fuzzy")
    python ci/make_zh.py build [05]          # zh/solutions/ and zh/chapters/ from the catalogs, then execute them
    python ci/make_zh.py build --no-execute
    python ci/make_zh.py check               # exit 1 on a missing or stale translation, or stale zh/ notebooks
    python ci/make_zh.py update --package / export --package / import --package   # the helper package's messages

One source: the English ``solutions/`` notebooks. Their translatable parts are kept in gettext PO catalogs
(``zh/po/NN_slug.po``, editable in Poedit or Weblate; the package's messages in
``attention_course/locale/zh/LC_MESSAGES/<module>.po``, one catalog per source module, e.g.
``checks.ch04_query_key_value.po``), one entry per markdown cell and per code
cell that has English in its comments or strings: msgctxt "markdown" or "code", msgid the English cell,
msgstr the Chinese one. A code cell's translation must be the same code — only its comments and the
text inside its string literals may differ (f-strings keep their expressions); ``build`` refuses
anything else. When an English cell changes, ``update`` keeps the old translation as a *fuzzy*
suggestion with the previous English (``#| msgid``), and ``check`` (run by CI) fails, naming the cell,
until a translator updates it and clears the flag.

The Chinese notebooks select the package's language in their first code cell, link back to the English
edition in their title cell, and are generated and executed like ``chapters/`` (ci/make_chapters.py).
"""
import argparse
import ast
import copy
import difflib
import io
import json
import re
import sys
import tokenize
from pathlib import Path

import nbformat
import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_chapters as mc  # noqa: E402

ROOT = mc.ROOT
ZH = ROOT / "zh"
ZH_SOLUTIONS, ZH_CHAPTERS, CATALOGS = ZH / "solutions", ZH / "chapters", ZH / "po"
PACKAGE_CATALOGS = ROOT / "attention_course" / "locale" / "zh" / "LC_MESSAGES"  # one PO per source module
LANGUAGE_LINES = ['from attention_course import set_language', 'set_language("zh")  # 提示、图表和控件都用中文',
                  '']
ENGLISH = re.compile(r"[A-Za-z]{2,}")
IDENTIFIER = re.compile(r"""^[rbuRBU]{0,2}(['"])[A-Za-z_][A-Za-z0-9_.]*\1$""")
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "# YOUR CODE HERE", "# noqa")


class TranslationError(Exception):
    pass


# --- what is translated ----------------------------------------------------------------------------

def tokens(source):
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def has_english(source):
    """Does a code cell have English a student reads: in a comment, or in a string that is not a name?"""
    try:
        toks = tokens(source)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return bool(ENGLISH.search(source))
    for t in toks:
        if t.type == tokenize.COMMENT and not t.string.startswith(MARKERS) and ENGLISH.search(t.string):
            return True
        if t.type == tokenize.STRING and ENGLISH.search(t.string) and not IDENTIFIER.match(t.string):
            return True
    return False


def units(nb):
    """(cell index, msgctxt, English text) for every translatable cell of a notebook."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":  # the title's link to the Chinese edition is not translated
            found.append((i, "markdown", mc.without_language_link(cell.source) if i == 0 else cell.source))
        elif cell.cell_type == "code" and has_english(cell.source):
            found.append((i, "code", cell.source))
    return found


def _fstring_expressions(literal):
    try:
        tree = ast.parse(literal, mode="eval").body
    except SyntaxError:
        return (literal,)
    if not isinstance(tree, ast.JoinedStr):
        return ()

    class Text(ast.NodeTransformer):  # a string inside an expression ({'word':<6}) is text a reader sees
        def visit_Constant(self, node):
            return ast.Constant("…") if isinstance(node.value, str) else node

    return tuple(ast.unparse(Text().visit(v.value)) + (ast.unparse(v.format_spec) if v.format_spec else "")
                 for v in tree.values if isinstance(v, ast.FormattedValue))


def skeleton(source):
    """The code of a cell without what may be translated: comments, and the text of string literals
    (an f-string keeps its expressions). Two cells with the same skeleton are the same program."""
    out = []
    for t in tokens(source):
        if t.type in (tokenize.COMMENT, tokenize.NL):
            continue
        if t.type == tokenize.STRING:
            prefix = re.match(r"^[A-Za-z]*", t.string).group().lower()
            out.append(("STRING", prefix.replace("u", ""), _fstring_expressions(t.string) if "f" in prefix else ()))
        else:
            out.append((tokenize.tok_name[t.type], t.string))
    return out


def _markers(source):
    return [line.strip() for line in source.splitlines() if line.strip().startswith(MARKERS[:3])]


def same_code(english, chinese):
    """Is ``chinese`` the same program as ``english`` (and with the same solution markers)?"""
    if _markers(english) != _markers(chinese):
        return False
    try:
        return skeleton(english) == skeleton(chinese)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return english == chinese


# --- catalogs --------------------------------------------------------------------------------------

def catalog_path(stem):
    return CATALOGS / f"{stem}.po"


def new_catalog(title):
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": "attention-course", "Language": "zh_CN",
                   "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit", "X-Source": title}
    return po


def load(path, title=""):
    return polib.pofile(str(path), wrapwidth=0) if path.exists() else new_catalog(title)


def merge(po, wanted):
    """Make ``po`` hold exactly the ``wanted`` (msgctxt, msgid, occurrence) entries, keeping translations.

    A wanted entry without a translation of its own gets the translation of the most similar entry that
    is no longer wanted, marked fuzzy with that entry's English as ``previous_msgid``; entries no longer
    wanted become obsolete (kept at the end of the file, so no translation is ever lost)."""
    current = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    obsolete = [e for e in po if e.obsolete]
    keys = {(c, m) for c, m, _ in wanted}
    unwanted = [e for k, e in current.items() if k not in keys] + obsolete
    entries = []
    for ctxt, msgid, occurrence in wanted:
        e = current.get((ctxt, msgid))
        if e is None:
            e = polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr="")
            candidates = [u for u in unwanted if u.msgctxt == ctxt and u.msgstr]
            if candidates:
                best = max(candidates, key=lambda u: difflib.SequenceMatcher(None, u.msgid, msgid).ratio())
                if difflib.SequenceMatcher(None, best.msgid, msgid).ratio() >= 0.5:
                    e.msgstr, e.previous_msgid, e.flags = best.msgstr, best.msgid, ["fuzzy"]
        e.occurrences = [occurrence] if occurrence else []
        e.obsolete = False
        entries.append(e)
    for u in unwanted:
        if u.msgstr:
            u.obsolete = True
            entries.append(u)
    po[:] = entries
    return po


def notebook_units(stem):
    nb = nbformat.read(mc.SOLUTIONS / f"{stem}.ipynb", as_version=4)
    return [(ctxt, text, (f"solutions/{stem}.ipynb", str(i))) for i, ctxt, text in units(nb)]


def package_templates():
    """Every tr() template of the helper package, and every text marked with N_() (translated when shown, with
    i18n.translate): (template, (file, line)), in file order."""
    found = {}
    for path in sorted((ROOT / "attention_course").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, (str(path.relative_to(ROOT)), str(node.lineno)))
    return sorted(found.items(), key=lambda kv: (kv[1][0], int(kv[1][1])))


def package_catalog(source):
    """The catalog of a package source file: attention_course/checks/ch04_x.py -> checks.ch04_x.po."""
    module = Path(source).relative_to("attention_course").with_suffix("")
    return PACKAGE_CATALOGS / (".".join(module.parts) + ".po")


def package_catalogs(prefix=""):
    """Existing package catalogs (of the chapter modules whose number starts with ``prefix``, if given)."""
    paths = sorted(PACKAGE_CATALOGS.glob("*.po"))
    return [p for p in paths if not prefix or f".ch{prefix}" in p.name]


def stems(prefix=""):
    return [p.stem for p in mc.notebooks(mc.SOLUTIONS, prefix)]


def update(prefix="", package=False):
    if package:
        PACKAGE_CATALOGS.mkdir(parents=True, exist_ok=True)
        by_catalog = {}
        for template, where in package_templates():
            by_catalog.setdefault(package_catalog(where[0]), []).append((None, template, where))
        written = []
        for path in sorted(set(by_catalog) | set(PACKAGE_CATALOGS.glob("*.po"))):
            po = load(path, path.stem)
            merge(po, by_catalog.get(path, []))
            po.save(str(path))
            written.append(path)
        return written
    CATALOGS.mkdir(parents=True, exist_ok=True)
    written = []
    for stem in stems(prefix):
        po = load(catalog_path(stem), stem)
        merge(po, notebook_units(stem))
        po.save(str(catalog_path(stem)))
        written.append(catalog_path(stem))
    return written


def entry_key(e):
    return f"{e.msgctxt or ''}\x04{e.msgid}"


def export(prefix="", package=False, everything=False):
    """{key: {"en", "zh", "previous_en"}} for entries that need work (all of them with everything=True)."""
    paths = package_catalogs(prefix) if package else [catalog_path(s) for s in stems(prefix)]
    out = {}
    for path in paths:
        for e in load(path):
            if e.obsolete or not (everything or not e.msgstr or e.fuzzy):
                continue
            item = {"catalog": str(path.relative_to(ROOT)), "en": e.msgid, "zh": e.msgstr}
            if e.fuzzy and e.previous_msgid:
                item["previous_en"] = e.previous_msgid
            out[entry_key(e)] = item
    return out


def import_translations(data):
    by_catalog = {}
    for key, item in data.items():
        by_catalog.setdefault(item["catalog"], {})[key] = item["zh"]
    changed = 0
    for catalog, items in by_catalog.items():
        path = ROOT / catalog
        po = load(path)
        for e in po:
            if not e.obsolete and entry_key(e) in items and items[entry_key(e)]:
                e.msgstr = items[entry_key(e)]
                if e.fuzzy:
                    e.flags.remove("fuzzy")
                e.previous_msgid = None
                changed += 1
        po.save(str(path))
    return changed


# --- checking -------------------------------------------------------------------------------------

def _where(stem, index, text):
    first = text.strip().splitlines()[0][:70] if text.strip() else ""
    return f"solutions/{stem}.ipynb, cell {index} ({first!r})"


def problems(prefix="", package=True):
    """Every missing or stale translation, and every code translation that changed the code."""
    found = []
    for stem in stems(prefix):
        po = load(catalog_path(stem))
        entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
        nb = nbformat.read(mc.SOLUTIONS / f"{stem}.ipynb", as_version=4)
        for i, ctxt, text in units(nb):
            e = entries.get((ctxt, text))
            if e is None or not e.msgstr:
                found.append(f"{_where(stem, i, text)}: no Chinese translation in zh/po/{stem}.po "
                             "(run `python ci/make_zh.py update`, then translate)")
            elif e.fuzzy:
                found.append(f"{_where(stem, i, text)}: the English changed; its translation in zh/po/{stem}.po is "
                             "stale (fuzzy) — update it and clear the flag")
            elif ctxt == "code" and not same_code(text, e.msgstr):
                found.append(f"{_where(stem, i, text)}: the translation changes the code (only comments and the "
                             "text in strings may differ)")
    if package:
        entries = {(path, e.msgid): e for path in package_catalogs() for e in load(path) if not e.obsolete}
        for template, (path, line) in package_templates():
            e = entries.get((package_catalog(path), template))
            if e is None or not e.msgstr:
                found.append(f"{path}:{line}: message {template[:60]!r} has no Chinese translation")
            elif e.fuzzy:
                found.append(f"{path}:{line}: message {template[:60]!r}: its Chinese translation is stale (fuzzy)")
            elif _placeholders(e.msgstr) != _placeholders(template):
                found.append(f"{path}:{line}: message {template[:60]!r}: the translation's placeholders differ")
    return found


def _placeholders(template):
    import string

    return sorted(f for _, f, _, _ in string.Formatter().parse(template) if f is not None)


GLOSSARY = ZH / "glossary.csv"


def glossary_problems(paths=None):
    """Entries whose English uses a glossary term while the translation lacks its Chinese term (a translator
    comment ``glossary: skip TERM`` records a deliberate exception)."""
    import csv

    rows = list(csv.DictReader(open(GLOSSARY, encoding="utf-8")))
    paths = paths if paths is not None else sorted(CATALOGS.glob("*.po")) + package_catalogs()
    found = []
    for path in paths:
        for e in load(path):
            if e.obsolete or not e.msgstr:
                continue
            skipped = {t.strip() for line in (e.tcomment or "").splitlines() if line.startswith("glossary: skip")
                       for t in line[len("glossary: skip"):].split(",")}
            text = re.sub(r"`[^`]*`|\$[^$]*\$|https?://\S+", " ", e.msgid)
            for row in rows:
                if re.search(row["pattern"], text, re.I) and row["chinese"] not in e.msgstr \
                        and row["english"] not in skipped:
                    found.append(f"{path.name}: '{row['english']}' should be {row['chinese']} in the translation of "
                                 f"{e.msgid[:70]!r}")
    return found


# --- building --------------------------------------------------------------------------------------

def translate(nb, stem, folder):
    """The Chinese solutions notebook made from the English one (raises TranslationError)."""
    po = load(catalog_path(stem))
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    zh = copy.deepcopy(nb)
    for i, ctxt, text in units(nb):
        e = entries.get((ctxt, text))
        if e is None or not e.msgstr or e.fuzzy:
            raise TranslationError(f"{_where(stem, i, text)}: missing or stale translation")
        if ctxt == "code" and not same_code(text, e.msgstr):
            raise TranslationError(f"{_where(stem, i, text)}: the translation changes the code")
        zh.cells[i].source = e.msgstr
    first_code = next(c for c in zh.cells if c.cell_type == "code")
    first_code.source = "\n".join(LANGUAGE_LINES) + first_code.source
    title = zh.cells[0]
    title.source = title.source.rstrip("\n") + f"\n\n*[English edition · 英文版](../../{folder}/{stem}.ipynb)*"
    return zh


def build(prefix="", execute=True, jobs=2):
    ZH_SOLUTIONS.mkdir(parents=True, exist_ok=True)
    ZH_CHAPTERS.mkdir(parents=True, exist_ok=True)
    written = []
    for stem in stems(prefix):
        nb = nbformat.read(mc.SOLUTIONS / f"{stem}.ipynb", as_version=4)
        zh_solution = mc.normalise(translate(nb, stem, "solutions"))
        zh_chapter = mc.make_chapter(translate(nb, stem, "chapters"), f"zh/{stem}")
        mc.write(zh_solution, ZH_SOLUTIONS / f"{stem}.ipynb")
        mc.write(zh_chapter, ZH_CHAPTERS / f"{stem}.ipynb")
        written += [ZH_SOLUTIONS / f"{stem}.ipynb", ZH_CHAPTERS / f"{stem}.ipynb"]
        print(f"generated zh/solutions/{stem}.ipynb and zh/chapters/{stem}.ipynb")
    if execute:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for done in pool.map(mc.execute, written):
                print(f"executed {done.relative_to(ROOT)}")
    return written


def stale_notebooks(prefix=""):
    """zh/ notebooks that differ from what the catalogs give (or are missing/extra)."""
    found = []
    for stem in stems(prefix):
        nb = nbformat.read(mc.SOLUTIONS / f"{stem}.ipynb", as_version=4)
        try:
            expected = {ZH_SOLUTIONS / f"{stem}.ipynb": mc.normalise(translate(nb, stem, "solutions")),
                        ZH_CHAPTERS / f"{stem}.ipynb": mc.make_chapter(translate(nb, stem, "chapters"), stem)}
        except TranslationError as e:
            found.append(str(e))
            continue
        for path, want in expected.items():
            if not path.exists():
                found.append(f"{path.relative_to(ROOT)} is missing")
            elif mc.cell_view(nbformat.read(path, as_version=4)) != mc.cell_view(want):
                found.append(f"{path.relative_to(ROOT)} is stale (run `python ci/make_zh.py build {stem[:2]}`)")
    english = {p.name for p in mc.notebooks(mc.SOLUTIONS, prefix)}
    for folder in (ZH_SOLUTIONS, ZH_CHAPTERS):
        for path in mc.notebooks(folder, prefix):
            if path.name not in english:
                found.append(f"{path.relative_to(ROOT)} has no English source")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "export", "import", "build", "check"])
    parser.add_argument("arg", nargs="?", default="", help="a chapter prefix (e.g. 05), or the JSON file to import")
    parser.add_argument("--package", action="store_true", help="the helper package's messages")
    parser.add_argument("--all", action="store_true", help="export: every entry, not only those that need work")
    parser.add_argument("--no-execute", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "update":
        for path in update(args.arg, args.package):
            print(f"updated {path.relative_to(ROOT)}")
    elif args.command == "export":
        json.dump(export(args.arg, args.package, args.all), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.command == "import":
        print(f"imported {import_translations(json.loads(Path(args.arg).read_text(encoding='utf-8')))} translations")
    elif args.command == "build":
        build(args.arg, execute=not args.no_execute, jobs=args.jobs)
    else:
        paths = [catalog_path(st) for st in stems(args.arg)] + package_catalogs(args.arg) if args.arg else None
        found = problems(args.arg, package=not args.arg) + glossary_problems(paths) + stale_notebooks(args.arg)
        for p in found:
            print(p)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
