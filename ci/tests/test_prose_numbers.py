"""Every decimal number the prose of a chapter quotes is one that the chapter shows: printed by one
of its cells (compared by nbval), or written in one of its code cells (an input the reader can see).

Numbers in headings' section numbers, code spans, links, § references, arXiv ids and version strings
are not quotes of results and are skipped. Integers are not checked (too many are counts and sizes)."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DECIMAL = re.compile(r"(?<![\w.§/^])[−-]?\d+\.\d+(?![\w.]*\d)")
SKIP = [re.compile(p) for p in (
    r"`[^`]*`",                       # code spans
    r"\]\([^)]*\)", r"https?://\S+",  # link targets and URLs
    r"arXiv:?\s*\d+\.\d+", r"§\s*[\d.]+", r"\b\d+\.\d+\.\d+\b",  # arXiv ids, section refs, versions
    r"^#+ .*$",                       # headings (section numbers)
    r"\$[^$]*\$",                     # LaTeX
)]


def numbers_in(text):
    for pattern in SKIP:
        text = pattern.sub(" ", text) if pattern.flags & re.M else re.sub(pattern.pattern, " ", text, flags=re.M)
    return [m.group().replace("−", "-") for m in DECIMAL.finditer(text)]


def shown_text(nb):
    """What the notebook shows besides its prose: its outputs' text and its code."""
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            parts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def is_shown(number, shown, shown_values):
    if number in shown or number.lstrip("-") in shown:
        return True
    value, decimals = abs(float(number)), len(number.split(".")[1])
    return any(round(v, decimals) == value for v in shown_values)


def unshown_numbers(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    shown = shown_text(nb)
    shown_values = {abs(float(x)) for x in re.findall(r"\d+\.\d+(?:e[-+]?\d+)?", shown)}
    missing = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            missing += [(i, n) for n in numbers_in("".join(cell["source"])) if not is_shown(n, shown, shown_values)]
    return missing


@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*.ipynb")), ids=lambda p: p.name)
def test_every_decimal_in_the_prose_is_shown_by_the_notebook(path):
    missing = unshown_numbers(path)
    assert not missing, "numbers in the text that no cell shows (cell index, number): " + str(missing)
