"""The repository keeps its promises: README from index.ipynb, CI runs the README's test command,
and the notebooks, exported and cleaned again, reproduce the committed package and notebooks."""
import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("make_readme", ROOT/"scripts"/"make_readme.py")
make_readme = importlib.util.module_from_spec(spec); spec.loader.exec_module(make_readme)


def test_readme_is_rendered_from_the_index_notebook():
    assert (ROOT/"README.md").read_text(encoding="utf-8") == make_readme.render_readme(ROOT/"nbs"/"index.ipynb")


def test_readme_quotes_the_published_comparison():
    "The README's negation table is the one `bench/compare.py --publish` wrote into bench/comparison.json."
    table = json.loads((ROOT/"bench"/"comparison.json").read_text())["markdown"].strip()
    assert table in (ROOT/"README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    readme = (ROOT/"README.md").read_text(encoding="utf-8")
    first_block = readme.split("\n\n", 2)[1]
    assert first_block.startswith("```bash\n") and first_block.count("\n") == 3
    commands = make_readme.setup_commands(readme)
    assert "sentiment-nb train" in commands["main"] and "sentiment-nb predict" in commands["main"]
    assert "nbdev_test" in commands["test"] and "pytest" in commands["test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT/".ci"/"run").read_text()
    assert "scripts/make_readme.py --command test" in ci


def test_export_and_clean_leave_no_diff(tmp_path):
    for name in ("nbs", "sentiment_nb"): shutil.copytree(ROOT/name, tmp_path/name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("settings.ini", "setup.py", "README.md"): shutil.copy(ROOT/name, tmp_path/name)
    for command in ("nbdev_export", "nbdev_clean"):
        subprocess.run([command], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    for folder in ("sentiment_nb", "nbs"):
        for path in (ROOT/folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                copy = tmp_path/path.relative_to(ROOT)
                assert copy.read_bytes() == path.read_bytes(), f"{path.relative_to(ROOT)} changes under {folder == 'nbs' and 'nbdev_clean' or 'nbdev_export'}"
