"""Tag the core lessons' cells for a slideshow, so a teacher can present them with jupyterlab-rise.

    python scripts/tag_slides.py           # tag the core lessons (nbs/00_text.ipynb ... nbs/07_negation.ipynb) in place
    python scripts/tag_slides.py --check   # exit 1 if a lesson's tags are missing or out of date (tests run this)

The rule, the same for every lesson, so the slides follow the lesson's own headings:
the title and every `##` heading start a new slide, every `###` heading (an exercise, a step)
a sub-slide below it, everything else joins the slide above; set-up cells (`#| default_exp`,
`#| hide`, the test imports) are skipped. The notebook also gets `"rise": {"scroll": true}`,
so a long cell scrolls instead of running off the slide. Present a lesson in JupyterLab with
the command "Render as Reveal Slideshow" (Alt+R), or open http://localhost:8888/rise/nbs/00_text.ipynb.
"""
import argparse
import json
import sys

from lesson_size import core_lessons

RISE_SETTINGS = {"scroll": True}


def _setup_cell(text: str) -> bool:
    if text.startswith(("#| default_exp", "#| hide")): return True
    lines = [l for l in text.splitlines() if l.strip()]
    return bool(lines) and all(l.startswith(("from fastcore.test import", "import fastcore")) for l in lines)


def slide_type(cell: dict, index: int) -> str:
    "The slideshow type of one cell."
    text = "".join(cell["source"]).lstrip()
    if index == 0: return "slide"
    if cell["cell_type"] == "code": return "skip" if _setup_cell(text) else "-"
    if text.startswith("## "): return "slide"
    if text.startswith("### "): return "subslide"
    return "-"


def tagged(nb: dict) -> dict:
    "`nb` with every cell's slideshow type set by the rule."
    for i, cell in enumerate(nb["cells"]):
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": slide_type(cell, i)}
    nb.setdefault("metadata", {})["rise"] = dict(RISE_SETTINGS)
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report lessons whose tags are out of date")
    args = parser.parse_args(argv)
    stale = []
    for path in core_lessons():
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        new = json.dumps(tagged(json.loads(text)), indent=1, ensure_ascii=False) + "\n"
        if json.loads(new) == nb: continue
        stale.append(path.name)
        if not args.check: path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print("slide tags out of date in " + ", ".join(stale) + ": run python scripts/tag_slides.py", file=sys.stderr)
        return 1
    print(("tagged " if stale else "up to date: ") + (", ".join(stale) or f"{len(core_lessons())} lessons"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
