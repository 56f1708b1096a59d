"""Run the README's first command verbatim, as a student would, and record what it printed and how long it took.

    python bench/main_command.py                       # three runs: bfloat16 off, oneDNN limited to AVX2, and as-is
    python bench/main_command.py --modes bf16-off       # one of them

Each mode runs the command with a fresh `models/` folder and an empty Word2Vec cache under --work-dir
(bench/results/main_command/; so it pays for everything a student's first run pays for), with its own environment:
  bf16-off  SENTIMENT_NB_BF16=0, as CI runs it (float32, whatever the CPU has);
  laptop    ONEDNN_MAX_CPU_ISA=AVX2: oneDNN may use only a typical laptop's instructions, so the bfloat16 probe
            really fails and `auto` falls back to float32 by itself;
  as-is     nothing changed: bfloat16 where this CPU has it.
Writes --out (bench/main_command.json, which the README quotes) with the machine, the commands, the timings, the
training summary and the three predictions. `--command` runs another command in its place (tests use a quick one).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
from report import environment, write_json
from sentiment_nb.config import recipe_id
from sentiment_nb.saving import load_model

MODES = {"bf16-off": {"SENTIMENT_NB_BF16": "0"}, "laptop": {"ONEDNN_MAX_CPU_ISA": "AVX2"}, "as-is": {}}


def main_command() -> str:
    out = subprocess.run([sys.executable, str(ROOT/"scripts"/"make_readme.py"), "--command", "main"], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def run_mode(name: str, command: str, out_dir: Path) -> dict:
    work = out_dir/name
    if work.exists(): shutil.rmtree(work)
    work.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENTIMENT_NB_", "ONEDNN_"))}
    env.update(MODES[name], SENTIMENT_NB_CACHE=str(work/"cache"))  # an empty cache: Word2Vec is trained, as on a first run
    start = time.perf_counter()
    # the command installs with `pip install -e .`, so it runs from the repository root; models/ goes to work/
    run = subprocess.run(["bash", "-c", command.replace("models/sample", str(work/"models"/"sample"))], cwd=ROOT,
                         env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0: raise SystemExit(f"{name}: the command failed:\n{run.stderr[-3000:]}")
    lines = run.stdout.splitlines()
    summary = json.loads(next(l for l in lines if l.startswith('{"model"')))
    predictions = [dict(zip(("label", "probability", "text"), l.split(maxsplit=2))) for l in lines
                   if re.match(r"^(Positive|Negative) ", l)]
    model_dir = work/"models"/"sample"  # what the command trained: its recipe, named by the hash of its TrainConfig
    trained_recipe = recipe_id(load_model(model_dir).config) if model_dir.is_dir() else None
    return {"environment_overrides": MODES[name], "recipe_id": trained_recipe, "seconds": round(seconds, 1),
            "precision_line": next((l for l in lines if l.startswith("precision:")), None),
            "train_minutes": round(summary["train_minutes"], 2), "precision": summary["precision"],
            "test_accuracy": summary["test_accuracy"], "valid_accuracy": summary["valid_accuracy"],
            "seconds_by_stage": summary["seconds"],
            "predictions": [{**p, "probability": float(p["probability"])} for p in predictions]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, from {list(MODES)}")
    parser.add_argument("--out", default=str(HERE/"main_command.json"), help="the results file (replaced)")
    parser.add_argument("--work-dir", default=str(HERE/"results"/"main_command"), help="each mode's models/ and cache go here")
    parser.add_argument("--command", default=None, help="run this instead of the README's first command (default: that one)")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    if set(modes) - set(MODES): parser.error(f"--modes: choose from {list(MODES)}")
    command = args.command or main_command()
    result = {"command": command, "measured_by": "python bench/main_command.py --modes " + ",".join(modes),
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "environment": environment(),
              "runs": {}}
    for mode in modes:
        print(f"{mode}: running the README's first command ...", file=sys.stderr, flush=True)
        result["runs"][mode] = run_mode(mode, command, Path(args.work_dir))
        print(json.dumps(result["runs"][mode]), file=sys.stderr, flush=True)
    write_json(args.out, result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
