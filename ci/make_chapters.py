"""Generate chapters/ from solutions/, then execute both folders.

    python ci/make_chapters.py            # generate chapters/, execute every notebook in both folders
    python ci/make_chapters.py 01         # only notebooks whose name starts with 01
    python ci/make_chapters.py --check    # exit 1 if chapters/ is not what solutions/ generates
    python ci/make_chapters.py --no-execute

solutions/ is the single source. In each code cell marked as an nbgrader
solution cell, every region between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` becomes ``# YOUR CODE HERE`` + ``raise NotImplementedError()``
at the region's indentation — what ``nbgrader generate_assignment`` does.

Executing runs each notebook top to bottom in a fresh kernel (cwd = its folder)
and saves it with its outputs. Interactive figures are saved as the still PNG of
their first state (the live widget view is dropped, since no widget state is
stored), so readers who never run anything still see every figure.
"""
import argparse
import copy
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, CHAPTERS = ROOT / "solutions", ROOT / "chapters"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEPT_CELL_METADATA = ("nbgrader", "tags")


class GeneratorError(Exception):
    pass


def strip_solution(source, where="cell"):
    """Replace every BEGIN/END SOLUTION region of ``source`` with the stub."""
    out, inside, indent = [], False, ""
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise GeneratorError(f"{where}: nested {BEGIN}")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            out.extend(indent + s for s in STUB)
        elif stripped == END:
            if not inside:
                raise GeneratorError(f"{where}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise GeneratorError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def is_solution_cell(cell):
    return cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution", False)


def normalise(nb):
    """The canonical form of a course notebook: one kernelspec, only the cell metadata we use, stable ids."""
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA})
        cell.id = f"c{i:03d}"
    return nb


# The last line of every English notebook's title cell: a link to the same notebook in the Chinese edition.
ZH_LINK = "*[中文版 · Chinese edition](../zh/{folder}/{name})*"
ZH_LINK_LINE = re.compile(r"\n*\*\[中文版 · Chinese edition\]\(\.\./zh/[^)]*\)\*\s*$")


def with_language_link(nb, folder, name):
    """``nb`` with its title cell ending in the link to the Chinese edition of ``folder``/``name``."""
    title = nb.cells[0]
    title.source = ZH_LINK_LINE.sub("", title.source).rstrip("\n") + "\n\n" + ZH_LINK.format(folder=folder, name=name)
    return nb


def without_language_link(source):
    return ZH_LINK_LINE.sub("", source)


def make_chapter(solution_nb, name="notebook"):
    """The student version of a solved notebook (sources only; no outputs)."""
    nb = normalise(copy.deepcopy(solution_nb))
    if ZH_LINK_LINE.search(nb.cells[0].source):
        nb.cells[0].source = nb.cells[0].source.replace("](../zh/solutions/", "](../zh/chapters/")
    for i, cell in enumerate(nb.cells):
        has_marker = BEGIN in cell.source or END in cell.source
        if is_solution_cell(cell):
            if not has_marker:
                raise GeneratorError(f"{name}, cell {i}: a solution cell without {BEGIN}")
            cell.source = strip_solution(cell.source, f"{name}, cell {i}")
        elif has_marker and cell.cell_type == "code":
            raise GeneratorError(f"{name}, cell {i}: solution markers in a cell without nbgrader solution metadata")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def cell_view(nb):
    """What the sync check compares: each cell's type, source and kept metadata."""
    return [(c.cell_type, c.source, {k: c.metadata.get(k) for k in KEPT_CELL_METADATA}) for c in nb.cells]


def notebooks(folder, prefix=""):
    return sorted(p for p in folder.glob("*.ipynb") if p.name.startswith(prefix))


def stale_chapters(prefix=""):
    """Names of chapters/ notebooks that differ from what solutions/ generates (or are missing/extra)."""
    problems = []
    solution_names = {p.name for p in notebooks(SOLUTIONS, prefix)}
    for path in notebooks(SOLUTIONS, prefix):
        expected = make_chapter(nbformat.read(path, as_version=4), path.name)
        target = CHAPTERS / path.name
        if not target.exists():
            problems.append(f"{target.relative_to(ROOT)} is missing")
        elif cell_view(nbformat.read(target, as_version=4)) != cell_view(expected):
            problems.append(f"{target.relative_to(ROOT)} is stale")
    for path in notebooks(CHAPTERS, prefix):
        if path.name not in solution_names:
            problems.append(f"{path.relative_to(ROOT)} has no source in solutions/")
    return problems


def execute(path, timeout=600):
    """Run the notebook at ``path`` top to bottom in a fresh kernel and save it with its outputs."""
    from nbclient import NotebookClient

    nb = normalise(nbformat.read(path, as_version=4))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        coalesce_streams(cell)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
            if output.get("output_type") == "error" or output.get("name") == "stderr":
                raise GeneratorError(f"{path.name}: a cell printed an error or to stderr:\n{cell.source[:300]}")
    nb.metadata = normalise(nb).metadata
    write(nb, path)
    return path


def coalesce_streams(cell):
    """Join consecutive stdout (or stderr) outputs of a cell: how a print loop is split depends on timing."""
    merged = []
    for output in cell.get("outputs", []):
        if (merged and output.get("output_type") == "stream" and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] = "".join(merged[-1]["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    if "outputs" in cell:
        cell.outputs = merged


def write(nb, path):
    text = nbformat.writes(nb, version=4)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", nargs="?", default="", help="only notebooks whose name starts with this")
    parser.add_argument("--check", action="store_true", help="only check that chapters/ is up to date")
    parser.add_argument("--no-execute", action="store_true", help="generate chapters/ but do not execute")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    if args.check:
        problems = stale_chapters(args.prefix)
        for p in problems:
            print(p)
        if problems:
            print("run `python ci/make_chapters.py` to regenerate chapters/ from solutions/")
        return 1 if problems else 0

    CHAPTERS.mkdir(exist_ok=True)
    for path in notebooks(SOLUTIONS, args.prefix):
        source = nbformat.read(path, as_version=4)
        linked = with_language_link(copy.deepcopy(source), "solutions", path.name)
        if linked.cells[0].source != source.cells[0].source:  # only the title's last line changes: no re-run needed
            source.cells[0].source = linked.cells[0].source
            write(source, path)
        write(make_chapter(nbformat.read(path, as_version=4), path.name), CHAPTERS / path.name)
        print(f"generated chapters/{path.name}")
    if not args.no_execute:
        paths = notebooks(SOLUTIONS, args.prefix) + notebooks(CHAPTERS, args.prefix)
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for done in pool.map(execute, paths):
                print(f"executed {done.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
