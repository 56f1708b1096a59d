"""How long a lesson is to read: words of prose (markdown cells, code spans and code blocks left out) and code cells.

A core lesson is one sitting of about an hour: at most `MAX_WORDS` words of prose and `MAX_CODE_CELLS` code cells,
exercises included (tests/test_lesson_size.py holds every core lesson to it).

    python scripts/lesson_size.py            # a table for every notebook in nbs/
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_WORDS, MAX_CODE_CELLS = 2_400, 40


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
        print(f"{path.stem:28} {size['words']:6,} words {size['code_cells']:4} code cells")
