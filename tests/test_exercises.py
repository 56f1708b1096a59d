"""Every core lesson is a lesson: objectives, a three-point summary, and 3-5 exercises a student can check.

The notebooks' own run (`nbdev_test`, tests/test_repo.py) executes each worked solution and then
its check, so every exercise is known to be solvable; these tests check the structure around
that, that each check refuses a missing answer, that nbgrader makes the students' copies, and
that Run All on a student's copy stops at its first exercise with the check's one-line hint
(lesson 04 by default; `SENTIMENT_NB_STUDENT_RUN="all"` runs every lesson's copy, or name them: "00 02p").
"""
import ast
import inspect
import json
import os
import re
import sys
from pathlib import Path

import pytest

from sentiment_nb import checks
from sentiment_nb.checks import Hint

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/"scripts"))
import make_student_notebooks as students  # noqa: E402
from lesson_size import core_lessons, lesson_prefix  # noqa: E402

LESSONS = core_lessons()


def cells(path): return json.loads(path.read_text(encoding="utf-8"))["cells"]
def source(cell): return "".join(cell["source"])
def nbgrader(cell): return cell.get("metadata", {}).get("nbgrader")


def exercises(path):
    "[(answer cell, check cell)] of one lesson, in order."
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    return [(c, code[i + 1]) for i, c in enumerate(code) if (nbgrader(c) or {}).get("solution")]


def called_checks(cell) -> list[str]:
    "Names of the check_ functions a cell calls."
    tree = ast.parse(source(cell))
    return [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            and n.func.id.startswith("check_")]


def test_the_core_lessons_are_00_to_07():
    prefixes = [lesson_prefix(p) for p in LESSONS]
    expected = ["00", "01", "02", "02p", "03", "04", "05", "06", "07"]
    assert prefixes == [p for p in expected if p != "02p" or p in prefixes]  # the primer 02p_pytorch once it is in nbs/


def test_which_notebooks_are_core_lessons(tmp_path):
    names = ["00_text", "02_embeddings", "02a_word2vec_cache", "02p_pytorch", "03_lstm", "03b_refinements",
             "05h_recipe", "07_negation", "08_figures", "10_teachers_guide", "_scratch", "index"]
    for name in names: (tmp_path/f"{name}.ipynb").write_text("{}")
    assert [p.stem for p in core_lessons(tmp_path)] == ["00_text", "02_embeddings", "02p_pytorch", "03_lstm", "07_negation"]
    assert lesson_prefix(tmp_path/"02p_pytorch.ipynb") == "02p" and lesson_prefix(tmp_path/"04_loss.ipynb") == "04"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_three_to_five_checked_exercises(path):
    pairs = exercises(path)
    assert 3 <= len(pairs) <= 5, f"{path.name}: {len(pairs)} exercises"
    for answer, check in pairs:
        meta, grade = nbgrader(answer), nbgrader(check)
        text = source(answer)
        assert re.match(r"ex\d+_\w+ = None", text), f"{meta['grade_id']}: the answer cell starts with its placeholder"
        assert text.index("= None") < text.index("### BEGIN SOLUTION") < text.index("### END SOLUTION")
        assert text.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip(), "a worked solution"
        assert grade and grade["grade"] and grade["locked"] and grade["grade_id"] == meta["grade_id"] + "-check"
        assert meta["grade_id"].startswith(f"ex{lesson_prefix(path)}-")
        names = called_checks(check)
        assert names and all(callable(getattr(checks, n, None)) for n in names), f"{grade['grade_id']}: {names}"
        assert "BEGIN SOLUTION" not in source(check)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_opens_with_objectives_and_ends_with_a_summary(path):
    md = [source(c) for c in cells(path) if c["cell_type"] == "markdown"]
    opening = "\n".join(md[:3])
    assert "By the end" in opening and "Assumes" in opening and "minutes" in opening, path.name
    summary = next(m for m in md if m.startswith("## Summary"))
    assert len(re.findall(r"^- ", summary.split("## Exercises")[0], flags=re.M)) == 3, f"{path.name}: three points"
    assert any(m.startswith("## Exercises") or "\n## Exercises" in m for m in md)


def test_every_check_refuses_a_missing_answer():
    found = [f for n, f in vars(checks).items() if n.startswith("check_") and callable(f)]
    assert len(found) >= 3 * len(LESSONS)
    for f in found:
        required = [p for p in inspect.signature(f).parameters.values()
                    if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        with pytest.raises(Hint, match="still None"):
            f(*[None] * len(required))


def test_every_check_is_used_by_a_lesson():
    used = {n for p in LESSONS for _, check in exercises(p) for n in called_checks(check)}
    defined = {n for n in vars(checks) if n.startswith("check_")}
    assert defined == used, f"unused: {defined - used}, missing: {used - defined}"


@pytest.mark.slow
def test_nbgrader_makes_the_students_copies(tmp_path):
    out = students.main(["--out", str(tmp_path/"student")])
    for lesson in LESSONS:
        copy = out/lesson.name
        assert copy.exists(), lesson.name
        text = copy.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        teacher, student = exercises(lesson), exercises(copy)
        assert len(student) == len(teacher)
        for (t_answer, t_check), (s_answer, s_check) in zip(teacher, student):
            assert source(s_answer) == source(t_answer).split("### BEGIN SOLUTION")[0] + "# YOUR CODE HERE"
            assert source(s_check) == source(t_check)
            assert s_check["metadata"].get("editable") is False  # nbgrader locks the checks


def test_students_copies_never_overwrite(tmp_path):
    (tmp_path/"student").mkdir()
    (tmp_path/"student"/"mine.ipynb").write_text("{}")
    with pytest.raises(SystemExit, match="already exists"):
        students.main(["--out", str(tmp_path/"student"), "--lessons", "00"])
    assert (tmp_path/"student"/"mine.ipynb").read_text() == "{}"


# Which students' copies the Run All test runs: "04" (a short lesson) unless SENTIMENT_NB_STUDENT_RUN names others
# ("00 02p 05") or "all"; each lesson runs up to its first exercise, a minute or more for the later ones.
STUDENT_RUN = os.environ.get("SENTIMENT_NB_STUDENT_RUN", "04").split()
STUDENT_RUN_LESSONS = [p for p in LESSONS if "all" in STUDENT_RUN or lesson_prefix(p) in STUDENT_RUN]


def run_all(copy: Path):
    "Run a notebook as JupyterLab's Run All does (top to bottom, stopping at the first error) in its own folder."
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(copy, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(copy.parent)}})
    try: client.execute()
    except CellExecutionError: pass  # the run stopped at an error: the outputs say where
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("lesson", STUDENT_RUN_LESSONS, ids=lambda p: p.stem)
def test_run_all_on_a_students_copy_stops_at_the_first_exercise(tmp_path, lesson):
    "Every cell above the first check runs cleanly; the check stops the run with its one-line hint, no traceback."
    copy = students.main(["--out", str(tmp_path/"student"), "--lessons", lesson_prefix(lesson)])/lesson.name
    nb = run_all(copy)
    code = [c for c in nb.cells if c.cell_type == "code"]
    first_check = next(i for i, c in enumerate(code) if (nbgrader(c) or {}).get("solution")) + 1
    errors = [(i, o) for i, c in enumerate(code) for o in c.outputs if o.output_type == "error"]
    assert errors, f"{lesson.name}: Run All went past the first exercise without stopping"
    (where, error), *_ = errors
    assert where == first_check, f"{lesson.name}: code cell {where} stopped the run: {error.ename}: {error.evalue}"
    assert all(c.execution_count for c in code[:first_check]), f"{lesson.name}: a cell above the first check did not run"
    assert not any(c.execution_count for c in code[first_check + 1:]), f"{lesson.name}: Run All went on after the stop"
    answer = re.match(r"(ex1_\w+) = None", source(code[first_check - 1]))[1]
    assert error.ename == "Hint" and error.evalue.startswith(f"{answer} is still None"), error.evalue
    assert error.traceback == [f"✗ Not yet. {error.evalue}"]  # one line, no frames: IPython used _render_traceback_


def test_lessons_are_tagged_for_slides():
    import tag_slides
    assert tag_slides.main(["--check"]) == 0, "run python scripts/tag_slides.py"
    for path in LESSONS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        kinds = [c["metadata"]["slideshow"]["slide_type"] for c in nb["cells"]]
        assert kinds[0] == "slide" and kinds.count("slide") >= 4, path.name
        assert nb["metadata"]["rise"]["scroll"] is True
