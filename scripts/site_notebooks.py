"""The notebooks the site shows: which ones, run offline in a copy of the repository, and made fit to read.

Used by scripts/build_site.py. A lesson runs whole, worked solutions included (later cells may use an
answer), in a temporary copy of nbs/ with cwd = that copy, so nbs/ stays clean. Then the page drops what
a reader must not see: each solution goes (nbgrader's ClearSolutions, as scripts/make_student_notebooks.py
applies it), the answer cell's outputs go with it, and a check cell shows a one-line note instead of the
verdict it gave the worked solution; a solution printed in an output (the teacher's guide quotes one) becomes
the stub. nbdev's set-up cells (`#| hide`, `#| default_exp`) are hidden and its
`#| ...` directives dropped from the code shown.
"""
import copy
import hashlib
import os
import re
import shutil
from pathlib import Path

import nbformat

from lesson_size import core_lessons
from make_student_notebooks import CODE_STUB, clear_solutions, exercise_cells

ROOT = Path(__file__).resolve().parent.parent
PAGE_NOTEBOOK = "[0-9][0-9]*.ipynb"  # numbered lessons and appendices; nbs/checks/ and 09_checks are API, not pages
SKIPPED = {"09_checks.ipynb"}  # the checks' own notebook: its functions appear on the API page of sentiment_nb.checks
KERNEL_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
              "SENTIMENT_NB_BF16": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}  # draw inline, not into Agg
CHECK_NOTE = "Run this cell in Jupyter to check your answer (the worked solution is in the teacher's copy)."
HIDDEN = ("#| hide", "#| default_exp")
SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)  # as printed in an output (the teacher's guide)


def page_notebooks(nbs: Path = ROOT/"nbs") -> list[Path]:
    "The numbered notebooks of `nbs` the site shows, in the course's order: 00_text, 00a_files, ... 10_teachers_guide."
    return sorted(p for p in Path(nbs).glob(PAGE_NOTEBOOK) if p.name not in SKIPPED)  # '02_' < '02a_' < '02p_'


def is_core(path: Path) -> bool:
    "Whether `path` is a core lesson (scripts/lesson_size.py decides), not an appendix."
    return Path(path).name in {p.name for p in core_lessons()}


def source_key(notebook: Path) -> str:
    "A hash of what a notebook's outputs depend on: the notebook, the package's code and the bench results it prints."
    digest = hashlib.sha256(notebook.read_bytes())
    for path in sorted([*(ROOT/"sentiment_nb").rglob("*.py"), *(ROOT/"bench").rglob("*.json")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def make_workspace(work: Path) -> Path:
    "A copy of what the notebooks read (nbs/, scripts/, bench/, README.md) in `work`; returns its nbs/ folder."
    shutil.copytree(ROOT/"nbs", work/"nbs")
    shutil.copytree(ROOT/"scripts", work/"scripts", ignore=shutil.ignore_patterns("node_modules"))
    if (ROOT/"bench").is_dir(): shutil.copytree(ROOT/"bench", work/"bench")
    for name in ("README.md", "settings.ini"): shutil.copy(ROOT/name, work/name)
    return work/"nbs"


def execute(notebook: Path, timeout: int = 300, tries: int = 2) -> nbformat.NotebookNode:
    """Run `notebook` (in the workspace copy) in a fresh kernel with cwd = its folder, keeping the widgets' state.
    A cell that has not answered in `timeout` seconds (nbclient with ipywidgets can lose a reply and wait forever,
    jupyter/nbclient#312) stops that run, and the notebook runs again in a new kernel, at most `tries` times in all."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError
    env = {**os.environ, **KERNEL_ENV, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for attempt in range(1, tries + 1):
        nb = nbformat.read(notebook, as_version=4)
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                           resources={"metadata": {"path": str(notebook.parent)}}).execute(env=env)
            return nb
        except CellTimeoutError:
            if attempt == tries: raise
            print(f"  {notebook.name}: a cell gave no answer in {timeout} s; running the notebook again", flush=True)


def executed(notebook: Path, cache: Path | None) -> tuple[nbformat.NotebookNode, bool]:
    "`notebook` run (or read from `cache` when nothing it depends on changed): (notebook, whether it came from the cache)."
    cached = cache/f"{notebook.stem}.{source_key(ROOT/'nbs'/notebook.name)}.ipynb" if cache else None
    if cached and cached.is_file(): return nbformat.read(cached, as_version=4), True
    nb = execute(notebook)
    if cached:
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.glob(f"{notebook.stem}.*.ipynb"): old.unlink()
        nbformat.write(nb, cached)
    return nb, False


def _shown_source(source: str) -> str:
    "A code cell's source without nbdev's `#| ...` directive lines."
    return "\n".join(l for l in source.splitlines() if not l.startswith("#|")).strip("\n")


def _clear_printed_solutions(output: dict) -> None:
    "Replace, in a text output, each quoted solution region by the stub a student sees (the teacher's guide prints one)."
    stub = lambda text: SOLUTION_REGION.sub(CODE_STUB["python"], text if isinstance(text, str) else "".join(text))
    if "text" in output: output["text"] = stub(output["text"])
    for mime in ("text/plain", "text/html", "text/markdown"):
        if mime in output.get("data", {}): output["data"][mime] = stub(output["data"][mime])


def for_readers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    "A copy of the executed `nb` as the site shows it: no solutions, no set-up cells, a note under each check."
    nb = copy.deepcopy(nb)
    if any(c.metadata.get("nbgrader", {}).get("solution") for c in nb.cells):  # the teacher's guide quotes the markers
        nb = clear_solutions(nb)
    cells = []
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            if cell.source.lstrip().startswith(HIDDEN): continue
            cell.source = _shown_source(cell.source)
            if grading.get("solution"): cell.outputs = []
            elif grading.get("grade"):
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=CHECK_NOTE)]
        for output in cell.get("outputs", []): _clear_printed_solutions(output)
        cells.append(cell)
    nb.cells = cells
    return nb


def solution_texts(notebook: Path) -> list[str]:
    "The worked solutions of `notebook`: the text between `### BEGIN SOLUTION` and `### END SOLUTION` of each answer cell."
    found = []
    for cell in exercise_cells(Path(notebook)):
        if not cell["metadata"]["nbgrader"].get("solution"): continue
        text = "".join(cell["source"])
        found += [part.split("### END SOLUTION")[0].strip() for part in text.split("### BEGIN SOLUTION")[1:]]
    return found
