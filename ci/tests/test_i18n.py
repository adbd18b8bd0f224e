"""Every translatable template of the helper package (``tr("...", **values)``, or a text marked with
``N_("...")`` and translated when shown) is a literal whose placeholders are exactly the values passed
(none for ``N_``), so it can be looked up in a catalog and formatted in any language."""
import ast
import string
from pathlib import Path

import pytest

from attention_course import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "attention_course"


def tr_calls():
    """(file:line, template or None if not a literal, keyword names) for every tr(...) and N_(...) call in the
    package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "N_"):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                first = node.args[0] if node.args else None
                template = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
                found.append((where, template, {k.arg for k in node.keywords}, len(node.args)))
    return found


CALLS = tr_calls()


def placeholders(template):
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("where, template, names, n_args", CALLS, ids=[c[0] for c in CALLS])
def test_template_is_a_literal_with_exactly_its_values(where, template, names, n_args):
    assert template is not None and n_args == 1, f"{where}: tr() takes one literal template and keyword values"
    # (an N_ text has no values: translate() formats it with none, so it has no placeholder either)
    assert placeholders(template) == names, f"{where}: placeholders {placeholders(template)} but values {names}"
    template.format(**{name: 0 for name in names})  # braces are balanced (a literal brace is {{ or }})


def test_english_is_the_default_and_unknown_languages_are_refused():
    assert i18n.language() == "en"
    assert i18n.tr("{a} and {b}", a=1, b=2) == "1 and 2"
    with pytest.raises(ValueError, match="language must be one of"):
        i18n.set_language("fr")
