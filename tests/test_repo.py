"""The repository keeps its promises: README from index.ipynb, CI runs the README's test command,
and the notebooks, exported and cleaned again, reproduce the committed package and notebooks."""
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("make_readme", ROOT/"scripts"/"make_readme.py")
make_readme = importlib.util.module_from_spec(spec); spec.loader.exec_module(make_readme)


def test_readme_is_rendered_from_the_index_notebook():
    assert (ROOT/"README.md").read_text(encoding="utf-8") == make_readme.render_readme(ROOT/"nbs"/"index.ipynb")


def test_readme_quotes_the_published_accuracy():
    "The README's results table has one row per row of bench/accuracy.json, which `bench/compare.py --publish` wrote."
    readme = (ROOT/"README.md").read_text(encoding="utf-8")
    lines = [l for l in readme.splitlines() if l.startswith("| `")]
    for row in json.loads((ROOT/"bench"/"accuracy.json").read_text())["rows"]:
        cells = (f"`{row['model']}`", f" {row['negation']} |", f"{100 * row['test_accuracy'][0]:.2f}", f"{row['train_minutes'][0]:.1f} |")
        assert any(all(c in line for c in cells) for line in lines), cells


def test_readme_quotes_the_measured_bf16_speed():
    "The step times the README gives for float32 and bfloat16 are the ones bench/bf16_speed.py wrote."
    readme = (ROOT/"README.md").read_text(encoding="utf-8")
    speed = json.loads((ROOT/"bench"/"bf16_speed.json").read_text())
    for isa, row in speed.items():
        for seconds in row["step_s"].values(): assert f"{seconds:.2f} s" in readme, (isa, seconds)


def test_tables_that_left_the_readme_are_printed_by_notebooks():
    "The negation comparison and the float32/bfloat16 runs live in notebooks now, printed from their JSON there."
    sources = "".join(c for path in (ROOT/"nbs").rglob("*.ipynb")
                      for c in ("".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]))
    assert 'bench_results("comparison.json")' in sources
    assert '["precision"]["runs"]' in sources


def test_readme_tells_one_current_truth():
    "No version narration in the README: history is in CHANGELOG.md, which it links."
    readme = (ROOT/"README.md").read_text(encoding="utf-8")
    assert not re.search(r"version 0\.\d|\b0\.\d's|used to|no longer|before version", readme, re.I), \
        re.search(r".{60}(version 0\.\d|\b0\.\d's|used to|no longer|before version).{60}", readme, re.I | re.S)
    assert "](CHANGELOG.md)" in readme and (ROOT/"CHANGELOG.md").is_file()


def test_readme_quotes_the_measured_main_command():
    "The table of the README's first command is the one bench/main_command.py wrote into bench/main_command.json."
    readme = (ROOT/"README.md").read_text(encoding="utf-8")
    measured = json.loads((ROOT/"bench"/"main_command.json").read_text())
    assert measured["command"] == make_readme.setup_commands(readme)["main"]
    for run in measured["runs"].values():
        cells = [run["precision"], f"{run['seconds']:.0f}", f"{run['seconds_by_stage']['embeddings']:.0f}",
                 f"{run['seconds_by_stage']['train']:.0f}", f"{run['test_accuracy']:.1%}".replace("%", " %")]
        cells += [f"{p['label']} {p['probability']:.3f}" for p in run["predictions"]]
        assert any(all(f" {c} |" in line for c in cells) for line in readme.splitlines()), cells


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


def test_ci_runs_the_readme_main_command_without_bf16():
    ci = (ROOT/".ci"/"run").read_text()
    assert "scripts/make_readme.py --command main" in ci and 'SENTIMENT_NB_BF16=0 bash -c "$main_command"' in ci
    assert ci.index("$main_command") < ci.index('bash -c "$test_command"')


def test_no_notebook_changes_the_readers_environment():
    "Demonstrations use patch.dict, which restores the variables; no cell assigns or deletes one."
    for path in (ROOT/"nbs").rglob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code": continue
            changes = re.findall(r"os\.environ\[[^\]]*\]\s*=[^=]|del os\.environ|os\.environ\.(?:pop|update|setdefault|clear)\("
                                 r"|os\.(?:putenv|unsetenv)\(", source)
            assert not changes, f"{path.name} changes the environment: {changes} in {source[:300]!r}"


def test_full_size_cells_are_behind_the_switch():
    "No cell is flagged slow any more: full-size work runs only under `if FULL_SIZE:`."
    for path in (ROOT/"nbs").rglob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            assert "#| slow" not in source, path.name
            if "full_data_source()" in source and "def " not in source: assert "if FULL_SIZE" in source, (path.name, source[:200])


@pytest.mark.slow
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


def test_readme_commands_need_nothing_installed(monkeypatch, capsys):
    "CI reads the README's commands before it installs the package: that must not run the index notebook."
    def refuse(*_): raise AssertionError("--command must not render the README")
    monkeypatch.setattr(make_readme, "render_readme", refuse)
    monkeypatch.setattr(sys, "argv", ["make_readme.py", "--command", "main"])
    assert make_readme.main() == 0
    assert capsys.readouterr().out.startswith("pip install")
