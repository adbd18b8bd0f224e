"""Grade a folder of submitted notebooks with one command.

    python -m attention_course.grade SUBMISSION.ipynb ... --out grades.csv [--timeout 300] [--jobs 2]

Paths may be notebooks or folders (every *.ipynb inside, not recursively). Each
submission is graded in a worker process of its own, which

1. runs the notebook top to bottom in a fresh kernel (errors do not stop it; the
   whole run has a time limit),
2. takes the student's exercise functions out of that kernel, serialised by
   value (cloudpickle), and
3. runs the course's own checks on them *in the worker* — a clean process that
   never ran the notebook's cells — with a time limit per check.

What the notebook printed is never read, so editing a check cell, redefining
``check``, patching ``attention_course.checks`` or NumPy inside the notebook
changes nothing. The grader itself never evaluates text from the notebook: the
notebook's code only ever runs in the kernel, and the functions it defined run
in the worker. Grading still runs the students' code: run it in a sandbox
(see INSTRUCTORS.md).

The CSV has one row per notebook: ``notebook``, one column per exercise id
("pass" / "fail", blank where the notebook's chapter has no such exercise),
``passed``, ``total`` and ``error`` (empty when the notebook ran clean; one line
otherwise). It is written atomically: all rows or the previous file.

With ``--report report.html`` it also writes a class report (``attention_course.report``):
``mistakes.csv`` beside ``grades.csv``, one row per notebook and failed exercise with the
mistake the check named, and the page itself — pass rates, the most common mistakes
of each exercise with their counts and messages, and the notebooks that errored.
"""
import argparse
import base64
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from .i18n import set_language, tr

RESULT_MARK = "ATTENTION-COURSE-GRADE-RESULT:"
FUNCTIONS_MARK = "ATTENTION-COURSE-FUNCTIONS:"
CHECK_SECONDS = 30
GRADE_ID = re.compile(r"^ex(\d+)_(\d+)$")


# --- the worker: one submission, in a process of its own -------------------------------------------

def exercises_of(nb):
    """Exercise ids a notebook is graded on: from nbgrader's grade_ids (ex1_2 -> 1.2), and from the
    names of the exercise functions it defines (so a notebook whose metadata was lost still counts)."""
    from .checks import REGISTRY

    found = set()
    for cell in nb.cells:
        match = GRADE_ID.match(str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")))
        if match:
            found.add(f"{int(match[1])}.{int(match[2])}")
        if cell.cell_type == "code":
            for exercise, spec in REGISTRY.items():
                if re.search(rf"^\s*def {re.escape(spec.name)}\s*\(", cell.source, re.M):
                    found.add(exercise)
    return sorted((e for e in found if e in REGISTRY), key=lambda e: tuple(map(int, e.split("."))))


def one_line(text, limit=200):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_notebook(nb, timeout, workdir):
    """Execute every cell in a fresh kernel; return (functions as cloudpickle bytes or None, error line)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .checks import REGISTRY

    names = sorted({spec.name for spec in REGISTRY.values()})
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                            kernel_name="python3", record_timing=False, store_widget_state=False,
                            resources={"metadata": {"path": str(workdir)}})
    error = ""
    deadline = time.monotonic() + timeout
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                error = error or f"timeout: the notebook ran longer than {timeout:g} s (stopped before cell {index})"
                break
            client.timeout = max(1, int(remaining))
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                error = error or f"timeout: cell {index} was still running after {timeout:g} s in all"
                break
            except DeadKernelError:
                return None, error or f"the kernel died in cell {index}"
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if any(o.get("ename") == "KeyboardInterrupt" for o in errors):  # nbclient interrupted it: time is up
                error = f"timeout: cell {index} was still running after {timeout:g} s in all"
                break
            if errors and not error:
                error = f"cell {index}: {errors[0].get('ename')}: {one_line(errors[0].get('evalue', ''), 150)}"
        grab = nbformat.v4.new_code_cell(
            "import base64 as _b, cloudpickle as _c\n"
            f"print({FUNCTIONS_MARK!r} + _b.b64encode(_c.dumps({{_n: globals()[_n] for _n in {names!r} "
            "if callable(globals().get(_n))})).decode())")
        nb.cells.append(grab)
        client.timeout = 60
        try:
            client.execute_cell(grab, len(nb.cells) - 1)
        except (CellTimeoutError, DeadKernelError):
            return None, error or "the kernel did not answer after the notebook ran"
    text = "".join(o.get("text", "") for o in grab.outputs if o.get("output_type") == "stream")
    if FUNCTIONS_MARK not in text:
        return None, error or "could not read the notebook's functions from its kernel"
    return base64.b64decode(text.split(FUNCTIONS_MARK, 1)[1].split()[0]), error


class CheckTimeout(Exception):
    pass


def run_checks(exercises, functions):
    """Run the course's checks on the student's functions, here, with a time limit each.

    Returns {exercise: detail}, detail = {"result": "pass"/"fail", "kind": KIND, "mistake": "<id>/<name>",
    "message": what the check said}; see ``KINDS``."""
    from .checks import REGISTRY, run_check
    from .checks.core import NOT_ATTEMPTED, OTHER

    def alarm(signum, frame):
        raise CheckTimeout()

    signal.signal(signal.SIGALRM, alarm)
    details = {}
    for exercise in exercises:
        name = REGISTRY[exercise].name
        fn = functions.get(name)
        if fn is None:
            details[exercise] = _detail(exercise, "missing", tr("the notebook defines no function {name}", name=name))
            continue
        signal.alarm(CHECK_SECONDS)
        try:
            result = run_check(exercise, fn)
            if result.passed:
                details[exercise] = {"result": "pass", "kind": "passed", "mistake": "", "message": result.message}
            elif result.status == NOT_ATTEMPTED:
                details[exercise] = _detail(exercise, "not attempted", result.message)
            else:
                kind = "other wrong answer" if result.mistake == f"{exercise}/{OTHER}" else "mistake"
                details[exercise] = {"result": "fail", "kind": kind, "mistake": result.mistake,
                                     "message": result.message}
        except CheckTimeout:
            details[exercise] = _detail(exercise, "check timeout",
                                        tr("the check ran longer than {seconds} s", seconds=CHECK_SECONDS))
        except BaseException as e:  # a hostile function may raise anything, even SystemExit
            details[exercise] = _detail(exercise, "check error", one_line(f"{type(e).__name__}: {e}", 150))
        finally:
            signal.alarm(0)
    return details


# What a failed exercise's row in mistakes.csv says happened (its "kind"); the mistake column
# then holds "<exercise>/<mistake id>" for a named mistake, or "<exercise>/<kind with dashes>".
KINDS = ("mistake", "other wrong answer", "not attempted", "missing", "notebook error", "check timeout",
         "check error")


def _detail(exercise, kind, message):
    return {"result": "fail", "kind": kind, "mistake": f"{exercise}/{kind.replace(' ', '-')}", "message": message}


def grade_in_worker(path, timeout):
    """Grade one notebook (this runs in the worker process); return the row as a dict."""
    import nbformat

    row = {"notebook": str(path), "results": {}, "details": {}, "error": ""}
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as e:
        row["error"] = f"not a notebook: {one_line(e, 150)}"
        return row
    exercises = exercises_of(nb)
    with tempfile.TemporaryDirectory() as workdir:
        pickled, row["error"] = run_notebook(nb, timeout, workdir)
    details = {e: _detail(e, "notebook error", row["error"] or "the notebook's functions could not be read")
               for e in exercises}
    if pickled is not None and exercises:
        import cloudpickle

        try:
            functions = cloudpickle.loads(pickled)
        except BaseException as e:
            row["error"] = row["error"] or f"could not load the notebook's functions: {one_line(e, 120)}"
            details = {ex: _detail(ex, "notebook error", row["error"]) for ex in exercises}
        else:
            details = run_checks(exercises, functions)
    row["details"] = details
    row["results"] = {e: d["result"] for e, d in details.items()}
    return row


def worker_main(path, timeout):
    row = grade_in_worker(path, timeout)
    sys.stdout.write("\n" + RESULT_MARK + json.dumps(row) + "\n")
    sys.stdout.flush()
    os._exit(0)  # no clean-up code of a student's object may run after the result is out


# --- the grader: many submissions -----------------------------------------------------------------

def find_notebooks(paths):
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.glob("*.ipynb") if q.is_file())
        else:
            found.append(p)
    return found


def grade_one(path, timeout):
    """Grade ``path`` in a worker process; always returns a row, whatever the notebook does."""
    if not path.exists():
        return {"notebook": str(path), "results": {}, "error": "no such file"}
    limit = timeout + 60 + CHECK_SECONDS * 12
    cmd = [sys.executable, "-m", "attention_course.grade", "--worker", str(path), "--timeout", str(timeout)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, start_new_session=True)
    except subprocess.TimeoutExpired:
        return {"notebook": str(path), "results": {}, "error": f"timeout: grading took longer than {limit} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    return {"notebook": str(path), "results": {},
            "error": "the grader's worker failed: " + one_line((proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1])}


def write_csv(rows, out):
    """Write all rows at once, atomically (a temporary file renamed over ``out``)."""
    ids = sorted({e for r in rows for e in r["results"]}, key=lambda e: tuple(map(int, e.split("."))))
    out = Path(out)
    fd, tmp = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", prefix=".grades-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["notebook", *ids, "passed", "total", "error"])
            for r in rows:
                res = r["results"]
                writer.writerow([r["notebook"], *(res.get(e, "") for e in ids),
                                 sum(v == "pass" for v in res.values()), len(res), r["error"]])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a grades file gets the usual mode
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return ids


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m attention_course.grade", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="notebooks, or folders of notebooks")
    parser.add_argument("--out", default="grades.csv", help="the CSV to write (default grades.csv)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a notebook may run (default 300)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks graded at once (default 2)")
    parser.add_argument("--report", metavar="HTML",
                        help="also write a class report: this HTML page, and mistakes.csv beside the grades "
                             "(one row per notebook and failed exercise: what went wrong)")
    parser.add_argument("--lang", choices=("en", "zh"), default=None,
                        help="the language of the checks' messages and of the report (default: English)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)  # the workers inherit it
    if args.worker:
        worker_main(args.paths[0], args.timeout)

    notebooks = find_notebooks(args.paths)
    if not notebooks:
        print("no notebooks found in " + " ".join(args.paths), file=sys.stderr)
        return 2
    print(f"grading {len(notebooks)} notebook(s), {args.jobs} at a time, {args.timeout:g} s each at most")
    rows = [None] * len(notebooks)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(grade_one, p, args.timeout): i for i, p in enumerate(notebooks)}
        for done, future in enumerate(as_completed(futures), 1):
            i = futures[future]
            rows[i] = future.result()
            r = rows[i]
            passed = sum(v == "pass" for v in r["results"].values())
            note = f"  ({r['error']})" if r["error"] else ""
            print(f"[{done}/{len(notebooks)}] {notebooks[i]}: {passed}/{len(r['results'])} passed{note}", flush=True)
    write_csv(rows, args.out)
    if args.report:
        from .report import write_report

        mistakes_csv = Path(args.out).parent / "mistakes.csv"
        write_report(rows, args.report, mistakes_csv)
        print(f"class report: {args.report}, and {mistakes_csv}")
    total = sum(len(r["results"]) for r in rows)
    passed = sum(v == "pass" for r in rows for v in r["results"].values())
    errors = sum(bool(r["error"]) for r in rows)
    print(f"done: {len(rows)} notebooks, {passed}/{total} exercises passed, {errors} with errors -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
