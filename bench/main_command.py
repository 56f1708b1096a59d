"""Run the README's first command verbatim, as a student would, and record what it printed and how long it took.

    python bench/main_command.py                       # three runs: bfloat16 off, oneDNN limited to AVX2, and as-is
    python bench/main_command.py --modes bf16-off       # one of them

Each mode runs the command with a fresh `models/` folder and an empty Word2Vec cache under bench/results/main_command/
(so it pays for everything a student's first run pays for), with its own environment:
  bf16-off  SENTIMENT_NB_BF16=0, as CI runs it (float32, whatever the CPU has);
  laptop    ONEDNN_MAX_CPU_ISA=AVX2: oneDNN may use only a typical laptop's instructions, so the bfloat16 probe
            really fails and `auto` falls back to float32 by itself;
  as-is     nothing changed: bfloat16 where this CPU has it.
Writes bench/main_command.json (the README quotes it) with the machine, the commands, the timings, the
training summary and the three predictions.
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
sys.path.insert(0, str(HERE))
from bench import environment  # noqa: E402

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
    return {"environment_overrides": MODES[name], "seconds": round(seconds, 1),
            "precision_line": next((l for l in lines if l.startswith("precision:")), None),
            "train_minutes": round(summary["train_minutes"], 2), "precision": summary["precision"],
            "test_accuracy": summary["test_accuracy"], "valid_accuracy": summary["valid_accuracy"],
            "seconds_by_stage": summary["seconds"],
            "predictions": [{**p, "probability": float(p["probability"])} for p in predictions]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, from {list(MODES)}")
    parser.add_argument("--out", default=str(HERE/"main_command.json"))
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if set(modes) - set(MODES): parser.error(f"--modes: choose from {list(MODES)}")
    command = main_command()
    result = {"command": command, "measured_by": "python bench/main_command.py --modes " + ",".join(modes),
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "environment": environment(),
              "runs": {}}
    for mode in modes:
        print(f"{mode}: running the README's first command ...", file=sys.stderr, flush=True)
        result["runs"][mode] = run_mode(mode, command, HERE/"results"/"main_command")
        print(json.dumps(result["runs"][mode]), file=sys.stderr, flush=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
