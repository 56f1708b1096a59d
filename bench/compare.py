"""Every model side by side, on IMDb and on the challenge set (notebooks 05e, 07, 07a, 07b and the README read the results).

    python bench/compare.py                                                  # plan smoke on the sample: every kind of run, small
    python bench/compare.py --data ../shared/data/imdb --plan full --adopt bench/results/run1.json --publish
    python bench/compare.py --data ../shared/data/imdb --plan levers --publish                       # notebook 05e
    python bench/compare.py --data ../shared/data/imdb --plan accuracy --jobs 1 --threads 2 --publish   # notebook 07b

Each run (a model, a negation mode, a seed) trains in its own process and writes
`<out-dir>/runs/<name>/result.json` (and its model). A run whose result exists is not trained
again, so an interrupted comparison continues where it stopped; a finished run whose recipe is no
longer the plan's (its `recipe_id`, a hash of its TrainConfig) stops the comparison instead of being
pooled with new ones. `--jobs 2 --threads 1` runs two one-thread trainings side by side, which gets
more done on 2 cores than one two-thread run after another (the training minutes are then those of
a shared machine; each row says so). Word2Vec for a new word splitting is trained once, by its own
job, before the runs that need it. `--adopt FILE` takes the models that `bench/bench.py` trained
(without negation handling) instead of training them again, where their recipe is the plan's.

Every choice is made on the validation split and the test split is scored once per run: an LSTM
trains in float32 (bf16 off), reads its validation reviews cut as in training and whole, and the
better reading scores the test reviews. `ngram` is the Naive-Bayes-weighted n-gram model, `hybrid`
mixes an LSTM run with one (`fit_hybrid`: the LSTM read as its run chose, the weight chosen on
validation), `fast_ensemble` averages the logits of three seeds (`Ensemble`, appendix 07a; its
reading chosen on validation). These wait for the runs they are made of. At the end it writes
`<out-dir>/comparison.json` and, with `--publish`, `bench/comparison.json` (plan full) or
`bench/<plan>.json`, which the notebooks and the README print.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from plans import (ENSEMBLES, HYBRIDS, LSTM_MODELS, NOT_LSTM, PLANS, W2V_SEED,  # noqa: E402
                   parse_name, parts, planned_runs, run_name, train_config)
from runs import ensemble_result, hybrid_result, lstm_result, ngram_result, scores, tfidf_result  # noqa: E402


def run_one(name: str, args) -> dict:
    "Train (or assemble) and score one run in this process; returns its result."
    import torch
    from sentiment_nb.negation import load_challenge_set
    from report import load_bench_data
    torch.set_num_threads(args.threads)
    model = parse_name(name)[0]
    data, challenge, out = load_bench_data(args.data, args.limit), load_challenge_set(), Path(args.out_dir)
    if model == "ngram": result = ngram_result(name, data, challenge)
    elif model == "tfidf": result = tfidf_result(name, data, challenge)
    elif model in HYBRIDS: result = hybrid_result(name, data, challenge, out)
    elif model in ENSEMBLES: result = ensemble_result(name, data, challenge, out)
    else: result = lstm_result(name, data, challenge, out)
    return {**result, "conditions": args.conditions or f"{args.threads} thread(s), {args.jobs} run(s) at a time"}


def word2vec_job(negation: str, args):
    "Train (and cache) the Word2Vec vectors that runs with `negation` will read."
    import torch
    from sentiment_nb.tokenizer import train_tokenizer
    from sentiment_nb.word2vec_cache import get_word_vectors
    from report import load_bench_data
    torch.set_num_threads(args.threads)
    data = load_bench_data(args.data, args.limit)
    model = next(m for m, n, _ in PLANS[args.plan] if n == negation and m not in NOT_LSTM and not parts(run_name(m, n, 0)))
    _, config = train_config(model, negation, W2V_SEED)  # the plan's first LSTM with this negation: its Word2Vec settings
    tokenizer = train_tokenizer(data["train"]["text"], config.vocab_size, config.min_frequency, negation)
    get_word_vectors(tokenizer, data, config, log=print)


def adopt(bench_json: Path, args) -> list[str]:
    "Results for the models bench.py trained (no negation handling) with the plan's own recipe: its numbers, plus the challenge set."
    from sentiment_nb.config import TrainConfig, recipe_id
    from sentiment_nb.saving import load_model
    from sentiment_nb.negation import load_challenge_set, model_probabilities
    bench, challenge, names = json.loads(bench_json.read_text()), load_challenge_set(), []
    for model, row in bench["presets"].items():
        name, path = run_name(model, "none", row["config"]["seed"]), Path(row["model_dir"])
        result_file = Path(args.out_dir)/"runs"/name/"result.json"
        if result_file.exists() or not path.is_dir() or model not in LSTM_MODELS: continue
        trained_id, planned_id = recipe_id(TrainConfig(**row["config"])), recipe_id(train_config(*parse_name(name))[1])
        if trained_id != planned_id:  # one name, one recipe: a bench.py model of another recipe is not this run
            print(f"not adopted: {name} (bench.py trained recipe {trained_id}, the plan's is {planned_id})"); continue
        trained = load_model(path)
        result = {"test_accuracy": row["test_accuracy"], "valid_accuracy": row["valid_accuracy"], "reading": "as trained",
                  "valid_by_reading": {"as trained": row["valid_accuracy"]}, "recipe": model, "recipe_id": trained_id, "config": row["config"],
                  **scores(lambda texts: model_probabilities(trained, texts), challenge), "train_minutes": row["train_minutes"],
                  "prepare_minutes": row["prepare_minutes"], "parameters": row["parameters"], "history": row["epochs"],
                  "conditions": f"2 threads, 1 run at a time; trained by bench.py ({bench_json.name})", "adopted_from": str(path)}
        write_result(result_file, name, result)
        names.append(name)
    return names


def write_result(path: Path, name: str, result: dict):
    from sentiment_nb.hardware import cpu_name
    from report import write_json
    model, negation, seed = parse_name(name)
    result.setdefault("machine", f"{cpu_name()}, {os.cpu_count()} cores")
    write_json(path, {"name": name, "model": model, "negation": negation, "seed": seed, **result})


def stale(name: str, out: Path) -> bool:
    "Whether a finished LSTM run was trained with another recipe than the plan's today (e.g. the preset changed since)."
    model, negation, seed = parse_name(name)
    if model in NOT_LSTM or parts(name) or not (out/"runs"/name/"result.json").exists(): return False
    from sentiment_nb.config import recipe_id
    return json.loads((out/"runs"/name/"result.json").read_text()).get("recipe_id") != recipe_id(train_config(model, negation, seed)[1])


def table_order(run: dict):
    "Rows in reading order: the baseline, then the LSTM recipes; each without, then with negation handling."
    from sentiment_nb.negation_rules import NEGATION_MODES
    models = ("tfidf", "ngram", "tutorial", "fast", "best", "attention", "fast_ensemble", "hybrid")
    return (models.index(run["model"]) if run["model"] in models else len(models), run["model"],
            NEGATION_MODES.index(run["negation"]), run["seed"])



def schedule(args) -> list[str]:
    "Run every missing job of the plan, `args.jobs` processes at a time; Word2Vec jobs before the runs that need them."
    runs = planned_runs(args.plan)
    if args.only:
        unknown = set(args.only.split(",")) - set(runs)
        if unknown: raise SystemExit(f"--only: {sorted(unknown)} not in plan {args.plan!r}; its runs are {runs}")
        runs = [r for r in runs if r in args.only.split(",")]
    out = Path(args.out_dir)
    old = [r for r in runs if stale(r, out)]
    if old: raise SystemExit(f"{old} in {out/'runs'} were trained with another recipe than the plan's; delete them or use another --out-dir.")
    todo = [r for r in runs if not (out/"runs"/r/"result.json").exists()]
    needs_w2v = sorted({parse_name(r)[1] for r in todo if parse_name(r)[1] != "none" and not r.startswith(NOT_LSTM)})
    queue = [f"w2v-{n}" for n in needs_w2v] + todo
    running, failed = {}, []
    while queue or running:
        for job, proc in list(running.items()):
            if proc.poll() is not None:
                del running[job]
                print(f"{time.strftime('%H:%M:%S')} {job}: {'done' if proc.returncode == 0 else f'FAILED ({proc.returncode})'}", flush=True)
                if proc.returncode: failed.append(job)
        waiting_w2v = {j[4:] for j in list(queue) + list(running) if j.startswith("w2v-")}
        def waits(job):
            if job.startswith(("w2v-", *NOT_LSTM)): return False
            if parts(job): return not all((out/"runs"/p/"result.json").exists() for p in parts(job))
            return parse_name(job)[1] in waiting_w2v
        for job in [j for j in queue if set(parts(j)) & set(failed)]:  # made from a run that failed: cannot run
            queue.remove(job); failed.append(job)
        ready = [j for j in queue if not waits(j)]
        if queue and not ready and not running:  # what they are made from is neither done nor planned (e.g. --only)
            print(f"cannot run, their parts are missing: {queue}", flush=True); failed += queue; queue.clear()
        while ready and len(running) < args.jobs:
            job = ready.pop(0); queue.remove(job)
            log = out/"logs"/f"{job}.log"; log.parent.mkdir(parents=True, exist_ok=True)
            command = [sys.executable, __file__, "--data", args.data, "--plan", args.plan, "--out-dir", str(out),
                       "--jobs", str(args.jobs), "--threads", str(args.threads), "--job", job]
            if args.limit: command += ["--limit", str(args.limit)]
            if args.conditions: command += ["--conditions", args.conditions]
            env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads)}
            running[job] = subprocess.Popen(command, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env)
            print(f"{time.strftime('%H:%M:%S')} {job}: started (log {log})", flush=True)
        time.sleep(2)
    if failed: raise SystemExit(f"failed: {failed}; see {out/'logs'}")
    return runs


def main(argv=None):
    from sentiment_nb.files import resolve_data_source
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=resolve_data_source(), help="sample, imdb, or a folder in Hugging Face layout "
                        "(default: $SENTIMENT_NB_DATA, else sample)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N reviews of each split (a smoke test)")
    parser.add_argument("--plan", default="smoke", choices=sorted(PLANS), help="which runs (default smoke: every kind of job, small)")
    parser.add_argument("--out-dir", default=str(HERE/"results"/"compare"), help="runs, logs and comparison.json go here")
    parser.add_argument("--jobs", type=int, default=2, help="runs side by side")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per run")
    parser.add_argument("--adopt", default=None, help="a bench.py result JSON whose models to reuse (no negation, same recipe)")
    parser.add_argument("--publish", action="store_true", help="also write bench/comparison.json (plan full) or bench/<plan>.json, replacing it")
    parser.add_argument("--conditions", default=None, help="describe the machine's load for the timings (default: from --jobs/--threads)")
    parser.add_argument("--only", default=None, help="comma-separated run names: run just these of the plan")
    parser.add_argument("--report", action="store_true", help="train nothing: summarise the runs that have finished")
    parser.add_argument("--job", default=None, help=argparse.SUPPRESS)  # internal: run one job in this process
    args = parser.parse_args(argv)
    if args.job:
        if args.job.startswith("w2v-"): return word2vec_job(args.job[4:], args)
        write_result(Path(args.out_dir)/"runs"/args.job/"result.json", args.job, run_one(args.job, args))
        return
    start = time.perf_counter()
    if args.adopt: print("adopted:", adopt(Path(args.adopt), args))
    names = planned_runs(args.plan) if args.report else schedule(args)
    from report import comparison_markdown, lever_rows, summarize_runs, write_json
    out = Path(args.out_dir)
    done = [n for n in names if (out/"runs"/n/"result.json").exists()]
    if len(done) < len(names): print(f"not finished yet: {[n for n in names if n not in done]}")
    runs = sorted((json.loads((out/"runs"/n/"result.json").read_text()) for n in done), key=table_order)
    rows = summarize_runs(runs)
    result = {"command": shlex.join(["python", *sys.argv]), "data": args.data, "limit": args.limit, "plan": args.plan,
              "missing": sorted(set(names) - set(done)), "minutes": round((time.perf_counter() - start) / 60, 1),
              "train_minutes_all_runs": round(sum(r["train_minutes"] + r.get("prepare_minutes", 0) for r in runs), 1), "rows": rows, "runs": runs,
              "markdown": comparison_markdown(rows)}
    if any(r["model"] == "fast2" for r in runs): result["lever_rows"] = lever_rows(runs)  # the levers plan: each against its base
    write_json(out/"comparison.json", result)
    if args.publish: write_json(HERE/("comparison.json" if args.plan == "full" else f"{args.plan}.json"), result)
    print(result["markdown"])


if __name__ == "__main__": main()
