"""Make the students' copies of the lessons: every worked solution replaced by `# YOUR CODE HERE`.

The lessons in nbs/ are the teacher's copies: each exercise's answer cell holds a worked
solution between `### BEGIN SOLUTION` and `### END SOLUTION`, and its cells carry nbgrader
metadata. This script runs nbgrader's own `generate_assignment` on them, in a temporary
nbgrader course folder, and copies the result out:

    python scripts/make_student_notebooks.py                    # writes student/00_text.ipynb, ... in this repository
    python scripts/make_student_notebooks.py --out handout      # somewhere else
    python scripts/make_student_notebooks.py --lessons 01 02p   # only some lessons
    python scripts/make_student_notebooks.py --course mycourse  # keep the nbgrader course folder
                                                                #   (to collect and autograde later)

It never overwrites: an existing --out folder stops it unless you pass --overwrite. It needs nbgrader
(`pip install nbgrader`, or the development extras `pip install -e ".[dev]"`).
The answer cells keep their `exN_... = None` line, so an unanswered exercise does not crash: its check
stops with the hint "still None" (an error on purpose, so an autograder counts it as not passed; "Run
All" stops there, and "Run Selected Cell and All Below" goes on). Keep --course inside this repository
(e.g. --course course, which git ignores): some lessons read results from bench/, found by looking up
from the notebook's folder. Teacher's guide: nbs/10_teachers_guide.ipynb.
"""
import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lesson_size import core_lessons, lesson_prefix

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "sentiment_nb"  # the nbgrader assignment name: one assignment holds every lesson
CODE_STUB = {"python": "# YOUR CODE HERE"}  # no NotImplementedError: Run All reaches every check
NBGRADER_CONFIG = f'''c = get_config()
c.CourseDirectory.course_id = "sentiment_nb"
c.ClearSolutions.code_stub = {CODE_STUB!r}
c.ClearSolutions.enforce_metadata = True  # a solution region outside a solution cell is an error
c.Execute.timeout = 600  # seconds per cell when autograding: some lessons train a small model for a while
'''


def exercise_cells(notebook: Path) -> list[dict]:
    "The nbgrader cells of `notebook`: answer (solution) cells and check (grade) cells, in order."
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if "nbgrader" in c.get("metadata", {})]


def clear_solutions(nb):
    "`nb` (an nbformat notebook) with each worked solution replaced by the stub, as nbgrader's ClearSolutions does it."
    from nbgrader.preprocessors import ClearSolutions
    return ClearSolutions(code_stub=CODE_STUB, enforce_metadata=True).preprocess(nb, {})[0]


def make_course(course: Path, lessons: list[Path]) -> Path:
    "An nbgrader course folder with the lessons as the source of one assignment."
    source = course/"source"/ASSIGNMENT
    source.mkdir(parents=True)
    (course/"nbgrader_config.py").write_text(NBGRADER_CONFIG)
    for lesson in lessons:
        if not exercise_cells(lesson): raise SystemExit(f"{lesson} has no nbgrader exercise cells.")
        shutil.copy(lesson, source/lesson.name)
    return course


def generate(course: Path) -> Path:
    "Run `nbgrader generate_assignment` in `course`; return the folder of the students' copies."
    cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"]
    done = subprocess.run(cmd, cwd=course, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{done.stdout}\n{done.stderr}")
    return course/"release"/ASSIGNMENT


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=None, help="folder for the students' copies (default: student/ in this repository)")
    parser.add_argument("--lessons", nargs="*", default=None, help="lessons by prefix, e.g. 01 02p (default: every core lesson)")
    parser.add_argument("--course", default=None, help="keep the nbgrader course folder here (must not exist)")
    parser.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("nbgrader") is None:
        raise SystemExit('nbgrader makes the copies and is not installed: pip install nbgrader (or pip install -e ".[dev]").')
    out = Path(args.out) if args.out else ROOT/"student"
    if not args.out and ROOT.is_relative_to(Path.cwd()): out = ROOT.relative_to(Path.cwd())/"student"  # print it short
    if out.exists() and not args.overwrite:
        raise SystemExit(f"{out} already exists; pass --overwrite to replace it, or choose another --out.")
    lessons = core_lessons()
    if args.lessons:
        unknown = set(args.lessons) - {lesson_prefix(p) for p in lessons}
        if unknown: raise SystemExit(f"No core lesson {sorted(unknown)}; choose from {' '.join(map(lesson_prefix, lessons))}.")
        lessons = [p for p in lessons if lesson_prefix(p) in args.lessons]
    if args.course and Path(args.course).exists():
        raise SystemExit(f"{args.course} already exists; choose a new folder for the nbgrader course.")
    with tempfile.TemporaryDirectory() as tmp:
        course = make_course(Path(args.course) if args.course else Path(tmp)/"course", lessons)
        release = generate(course)
        staged = Path(tmp)/"out"
        shutil.copytree(release, staged)
        if out.exists(): shutil.rmtree(out)
        shutil.copytree(staged, out)
    print(f"wrote {len(lessons)} student notebooks to {out}/" + (f"; nbgrader course in {args.course}/" if args.course else ""))
    print(f"open them with: jupyter lab {out}")
    return out


if __name__ == "__main__":
    main()
