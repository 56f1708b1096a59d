"""Write README.md from nbs/index.ipynb, or print one of its two set-up commands.

`nbdev_readme` needs Quarto, which cannot be installed on our machines, so this script
renders the index notebook itself: markdown cells as they are, code cells as Python blocks,
hidden (`#| hide`) cells left out. A cell marked `#| echo: false` is run instead (in nbs/, as
nbdev_test runs it, all such cells in one namespace) and only what it prints goes into the
README, as markdown if the cell is also marked `#| output: asis`, as Quarto would render it:
that is how the README's results are read from bench/*.json, and its lessons tables from the
notebooks, every time it is written.
tests/test_repo.py checks the two files agree.

    python scripts/make_readme.py              # write README.md
    python scripts/make_readme.py --check      # exit 1 if README.md is out of date
    python scripts/make_readme.py --command test   # print the README's test command
"""
import argparse
import contextlib
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cell_options(source: str) -> dict:
    "A code cell's `#| key: value` lines: `#| echo: false` -> {'echo': 'false'}."
    pairs = (line[2:].split(":", 1) for line in source.splitlines() if line.startswith("#|") and ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def run_cell(source: str, namespace: dict, notebook: Path) -> str:
    "What the code `source`, a cell of `notebook`, prints when run with the globals `namespace`."
    printed, start = io.StringIO(), os.getcwd()
    os.chdir(notebook.parent)  # the notebook's own folder, where nbdev_test runs it: relative paths mean the same
    try:
        with contextlib.redirect_stdout(printed): exec(compile(source, str(notebook), "exec"), namespace)
    finally: os.chdir(start)
    return printed.getvalue().strip()


def render_readme(notebook: Path) -> str:
    "The README text for the notebook `notebook`."
    parts, namespace = [], {"__name__": "__readme__"}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"]).strip()
        if not source or source.startswith("#| hide"): continue
        if cell["cell_type"] == "markdown": parts.append(source); continue
        options = cell_options(source)
        if options.get("echo") != "false": parts.append(f"```python\n{source}\n```"); continue
        printed = run_cell(source, namespace, notebook.resolve())
        if printed: parts.append(printed if options.get("output") == "asis" else f"```\n{printed}\n```")
    return "\n\n".join(parts) + "\n"


def setup_commands(readme: str) -> dict:
    "The two commands in the README's first code block: {'main': ..., 'test': ...}."
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    if len(lines) != 2: raise ValueError(f"README's first code block must hold exactly two commands, found {len(lines)}.")
    return dict(zip(("main", "test"), lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md differs from the notebook")
    parser.add_argument("--command", choices=("main", "test"), help="print one of the README's two commands")
    args = parser.parse_args()
    readme_path = ROOT/"README.md"
    if args.command:  # CI asks before anything is installed: read README.md, run nothing
        print(setup_commands(readme_path.read_text(encoding="utf-8"))[args.command])
        return 0
    text = render_readme(ROOT/"nbs"/"index.ipynb")  # runs the index's `#| echo: false` cells: needs the package
    if args.check:
        if readme_path.read_text(encoding="utf-8") != text:
            print("README.md is out of date: run python scripts/make_readme.py", file=sys.stderr)
            return 1
        return 0
    readme_path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
