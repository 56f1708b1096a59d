"""Which notebooks are the core lessons, and how long each is: words of prose (markdown cells, code spans and
code blocks left out), code cells, and the time it states at its top.

The core lessons are `NN_name.ipynb` (NN from 00 to 07) and the primers `NNp_name.ipynb` that come right after
lesson NN (`02p_pytorch`); appendices carry another letter (`05a_hardware`). Every script and test that needs the
list imports `core_lessons` from here. A core lesson is one sitting of about an hour: at most `MAX_WORDS` words of
prose and `MAX_CODE_CELLS` code cells, exercises included, and its opening states its time once, as
"**In this lesson** (about N minutes, exercises included) ..." (tests/test_lesson_size.py holds every core lesson to it).

    python scripts/lesson_size.py            # a table for every notebook in nbs/
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_WORDS, MAX_CODE_CELLS = 2_400, 40
CORE_LESSON = re.compile(r"(?P<number>\d\d)p?_\w+\.ipynb")  # 03_lstm.ipynb, 02p_pytorch.ipynb
LAST_CORE = "07"
STATED_TIME = re.compile(r"\*\*In this lesson\*\* \(about (\d+) minutes, exercises included\)")  # a core lesson's opening
MINUTES = re.compile(r"about (\d+) minutes")  # what a reader of the time accepts


def core_lessons(nbs: Path = ROOT/"nbs") -> list[Path]:
    "The core lessons in `nbs`, in teaching order: 00_text.ipynb ... 02_embeddings, 02p_pytorch, 03_lstm ... 07."
    found = [(p, CORE_LESSON.fullmatch(p.name)) for p in Path(nbs).glob("*.ipynb")]
    return sorted(p for p, m in found if m and m["number"] <= LAST_CORE)  # "02_" sorts before "02p_"


def lesson_prefix(path) -> str:
    "What names a lesson in grade ids and on the command line: '04' for 04_loss.ipynb, '02p' for 02p_pytorch.ipynb."
    return Path(path).name.split("_")[0]


def stated_minutes(path, opening: int = 3) -> int | None:
    "The minutes a notebook's first `opening` markdown cells state ('about 40 minutes'), or None."
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    found = MINUTES.search("\n".join(markdown[:opening]))
    return int(found[1]) if found else None


def prose_words(markdown: str) -> int:
    "Words of `markdown` with fenced code blocks and inline code spans left out."
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return len(text.split())


def lesson_size(path) -> dict:
    "{'words': prose words, 'code_cells': number of code cells} of the notebook at `path`."
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    words = sum(prose_words("".join(c["source"])) for c in cells if c["cell_type"] == "markdown")
    return {"words": words, "code_cells": sum(c["cell_type"] == "code" for c in cells)}


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT/"nbs").glob("*.ipynb"))
    for path in paths:
        size = lesson_size(path)
        minutes = stated_minutes(path)
        print(f"{path.stem:28} {size['words']:6,} words {size['code_cells']:4} code cells"
              + (f"  about {minutes} minutes" if minutes else ""))
