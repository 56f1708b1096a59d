"""What the bench scripts write about their runs: the machine, the summary rows, the tables and the results files.

The lessons only read what these functions wrote (`sentiment_nb.files.bench_results`); the functions themselves serve
the scripts in this folder, so they live here and not in the package.
"""
import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from sentiment_nb.config import TrainConfig, recipe_id
from sentiment_nb.files import atomic_write


def environment() -> dict:
    "The machine a result comes from: CPU model and features, PyTorch's answers about it, and what a run here uses."
    import torch
    from sentiment_nb.hardware import hardware_report, probe_bf16
    hardware = hardware_report()
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
            "torch": torch.__version__, "cpu": hardware["cpu"], "cores": os.cpu_count(),
            "cpu_features": hardware["cpu_features"], "torch_cpu_kernels": hardware["torch_cpu_kernels"],
            "torch_cpu_support": hardware["torch_cpu_support"], "mkldnn": torch.backends.mkldnn.is_available(),
            "bf16_probe": probe_bf16("cpu") or "passed",
            "precision_auto": hardware["precision_auto"], "bf16_reason": hardware["bf16_reason"],
            "torch_threads": torch.get_num_threads(), "device": hardware["device"],
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "overrides": {k: v for k, v in os.environ.items() if k.startswith(("SENTIMENT_NB_", "ONEDNN_", "OMP_"))}}


def load_bench_data(source: str,  # 'sample', 'imdb', or a folder (see `sentiment_nb.text.load_imdb`)
                    limit: int | None = None):  # keep only the first `limit` reviews of each split (None: all)
    "The data a bench script runs on; `limit` makes a smoke test of a script that would take minutes on the whole sample."
    from datasets import DatasetDict
    from sentiment_nb.text import load_imdb
    data = load_imdb(source)
    if limit is None: return data
    if limit < 1: raise ValueError(f"--limit must be a positive number of reviews, got {limit}.")
    return DatasetDict({name: split.select(range(min(limit, len(split)))) for name, split in data.items()})


def write_json(path,  # the results file
               result,  # anything json.dumps takes
               overwrite: bool = True):  # False: stop if `path` exists
    "Write `result` as indented JSON in one step: a reader never sees half a file."
    with atomic_write(path, overwrite=overwrite) as tmp: Path(tmp).write_text(json.dumps(result, indent=1) + "\n")


def recipe_fields(preset: str,  # the preset the recipe starts from, e.g. "fast"
                  config: TrainConfig) -> dict:  # the recipe as trained, seeds included
    "What a results file records to name a recipe: the preset's name and the content hash of the whole recipe."
    return {"recipe": preset, "recipe_id": recipe_id(config)}


def _stat(group: list[dict], key: str, sub: str | None = None) -> list:
    values = np.array([r[key] if sub is None else r[key][sub] for r in group], dtype=float)
    return [float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else None]  # a list, as in JSON


def group_runs(runs: list[dict]) -> dict:
    "The runs by (model, negation); one name never pools two recipes: runs of one name with different recipe_ids fail."
    groups = {}
    for run in runs: groups.setdefault((run["model"], run["negation"]), []).append(run)
    for (model, negation), group in groups.items():
        ids = sorted({str(r.get("recipe_id")) for r in group})
        if len(ids) > 1:
            raise ValueError(f"The runs of {model!r} with negation={negation!r} were trained with different recipes "
                             f"(recipe_id {', '.join(ids)}): {[r['name'] for r in group]}. Delete the stale runs' folders "
                             f"(or use another --out-dir) so that one name means one recipe.")
    return groups


def summarize_runs(runs: list[dict]) -> list[dict]:
    "One row per (model, negation) in `runs`: means and spreads over seeds of the accuracies, minutes and parameters."
    rows = []
    for (model, negation), group in group_runs(runs).items():
        conditions = sorted({r["conditions"] for r in group})
        rows.append({"model": model, "negation": negation, "recipe_id": group[0].get("recipe_id"),
                     "seeds": [r["seed"] for r in group],
                     "test_accuracy": _stat(group, "test_accuracy"), "challenge_accuracy": _stat(group, "challenge", "accuracy"),
                     "negation_accuracy": _stat(group, "challenge", "negation_accuracy"),
                     "tutorial_sentence_p": _stat(group, "tutorial_sentence_p"), "train_minutes": _stat(group, "train_minutes"),
                     "parameters": group[0]["parameters"], "conditions": conditions,
                     **({"precision": sorted({r["precision"] for r in group if "precision" in r}),
                         "machines": sorted({r["machine"] for r in group if "machine" in r})} if "precision" in group[0] else {}),
                     "minutes_by_conditions": {c: float(np.mean([r["train_minutes"] for r in group if r["conditions"] == c]))
                                               for c in conditions}})
    return rows


def _cell(mean_spread, percent: bool = True) -> str:
    mean, spread = mean_spread
    if percent: return f"{mean:.1%}" + ("" if spread is None else f" ± {spread:.2%}")
    return f"{mean:.2f}" + ("" if spread is None else f" ± {spread:.2f}")


def _minutes(row: dict) -> str:
    "Training minutes; runs timed under different conditions are shown apart, those that bench.py trained marked (bench.py)."
    return " / ".join(f"{m:.1f}" + (" (bench.py)" if "bench.py" in c else "") for c, m in row["minutes_by_conditions"].items())


def comparison_markdown(rows: list[dict]) -> str:
    "The comparison as a Markdown table."
    precision = any("precision" in r for r in rows)  # a precision column when the runs recorded theirs
    lines = ["| model | negation | seeds | IMDb test | challenge | negation sentences | p(pos) of the tutorial's sentence | train min | parameters |"
             + (" precision |" if precision else ""), "|---|---|---|---|---|---|---|---|---|" + ("---|" if precision else "")]
    for r in rows:
        lines.append(f"| {r['model']} | {r['negation']} | {len(r['seeds'])} | {_cell(r['test_accuracy'])} | "
                     f"{_cell(r['challenge_accuracy'])} | {_cell(r['negation_accuracy'])} | "
                     f"{_cell(r['tutorial_sentence_p'], False)} | {_minutes(r)} | {r['parameters']:,} |"
                     + (f" {', '.join(r.get('precision', [])) or '?'} |" if precision else ""))
    machines = sorted({m for r in rows for m in r.get("machines", [])})
    if machines: lines.append(f"\nMeasured on: {'; '.join(machines)}.")
    return "\n".join(lines)


def lever_rows(runs: list[dict],  # the "runs" of a bench/compare.py result (plan "levers")
               base: str = "fast2") -> list[dict]:  # the model every lever is compared with
    "One row per LSTM run: what it changed from `base`, its validation accuracy by reading, its one test score, its minutes."
    by_model = {r["model"]: r for r in runs if "config" in r}
    if base not in by_model: raise ValueError(f"No {base!r} run among {sorted(by_model)}: run the plan's base first.")
    base_config = by_model[base]["config"]
    best_valid = lambda run: max(run["valid_by_reading"].values())
    rows = []
    for model, run in by_model.items():
        changed = {k: v for k, v in run["config"].items() if base_config.get(k) != v and k not in ("seed", "bf16")}
        rows.append({"model": model, "recipe_id": run.get("recipe_id"), "changed": changed or "(the base)",
                     "valid_by_reading": run["valid_by_reading"], "reading": run["reading"], "test": run["test_accuracy"],
                     "test_gain": run["test_accuracy"] - by_model[base]["test_accuracy"],
                     "valid_gain": best_valid(run) - best_valid(by_model[base]),
                     "train_minutes": run["train_minutes"], "prepare_minutes": run.get("prepare_minutes", 0)})
    return rows
