"""The comparison of notebook 07: every model with and without negation handling, on IMDb test and the challenge set.

    python bench/compare.py --data ../shared/data/imdb --adopt bench/results/run1.json

Each run (a model, a negation mode, a seed) trains in its own process and writes
`<out-dir>/runs/<name>/result.json` (and its model). A run whose result exists is not trained
again, so an interrupted comparison continues where it stopped. `--jobs 2 --threads 1` runs two
one-thread trainings side by side, which gets more done on 2 cores than one two-thread run
after another (the training minutes are then those of a shared machine; each row says so).
Word2Vec for a new word splitting is trained once, by its own job, before the runs that need it.
`--adopt FILE` takes the models that `bench/bench.py` trained (without negation handling, seed
42) instead of training them again, and scores them on the challenge set.
At the end it writes `<out-dir>/comparison.json` and, with `--publish`, `bench/comparison.json`,
which notebook 07 and the README print. Nothing is tuned on the test split or the challenge set.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LSTM_MODELS = ("tutorial", "fast", "best", "attention")
W2V_SEED = 42  # every LSTM run starts from the same Word2Vec vectors; the seeds vary the LSTM's start and batches

# (model, negation, seeds), most important first: that is the order the runs start in
PLANS = {
    "full": [("tfidf", "none", [0]), ("tfidf", "scope", [0]),
             ("fast", "none", [42, 43, 44]), ("fast", "scope", [42, 43, 44]),
             ("attention", "none", [42, 43, 44]), ("attention", "scope", [42, 43, 44]),
             ("tutorial", "none", [42]), ("tutorial", "scope", [42]), ("best", "none", [42]), ("best", "scope", [42]),
             ("fast", "contractions", [42, 43, 44]), ("tfidf", "contractions", [0])],
    "tiny": [("tfidf", "none", [0]), ("tfidf", "scope", [0]), ("tiny", "none", [1, 2]), ("tiny", "scope", [1, 2]),
             ("tiny_attention", "scope", [1])],
}


def run_name(model: str, negation: str, seed: int) -> str: return f"{model}-{negation}-s{seed}"

def parse_name(name: str) -> tuple[str, str, int]:
    model, negation, seed = name.rsplit("-", 2)
    return model, negation, int(seed[1:])


def train_config(model: str, negation: str, seed: int):
    from sentiment_nb.config import get_preset
    if model == "tiny_attention": return get_preset("tiny", pooling="attention", bidirectional=True, negation=negation, seed=seed, word2vec_seed=W2V_SEED)
    return get_preset(model, negation=negation, seed=seed, word2vec_seed=W2V_SEED)


def tutorial_sentence_p(probability) -> float:
    "p(positive) of the tutorial's negation sentence."
    from sentiment_nb.tokenizer import TUTORIAL_SENTENCES
    return float(probability([TUTORIAL_SENTENCES[2]])[0])


def run_one(name: str, args) -> dict:
    "Train and score one run in this process; returns its result."
    import numpy as np
    import torch
    from sentiment_nb.saving import save_model
    from sentiment_nb.lstm import count_parameters
    from sentiment_nb.negation import challenge_report, load_challenge_set, model_probabilities, train_tfidf_baseline
    from sentiment_nb.text import load_imdb
    from sentiment_nb.training import evaluate_dataset, fit_sentiment_model
    torch.set_num_threads(args.threads)
    model, negation, seed = parse_name(name)
    data, challenge = load_imdb(args.data), load_challenge_set()
    conditions = args.conditions or f"{args.threads} thread(s), {args.jobs} run(s) at a time"
    start = time.perf_counter()
    if model == "tfidf":
        baseline = train_tfidf_baseline(data, negation)
        minutes = (time.perf_counter() - start) / 60
        test_p = baseline.probabilities(data["test"]["text"])
        return {"test_accuracy": float(((test_p > 0.5) == np.asarray(data["test"]["label"])).mean()),
                "valid_accuracy": max(baseline.valid_accuracy.values()), "valid_by_c": baseline.valid_accuracy,
                "challenge": challenge_report(baseline.probabilities(challenge["text"]), challenge),
                "tutorial_sentence_p": tutorial_sentence_p(baseline.probabilities), "train_minutes": round(minutes, 2),
                "parameters": baseline.num_features + 1, "conditions": conditions}
    trained = fit_sentiment_model(data, train_config(model, negation, seed), progress=False, log=print)
    test = evaluate_dataset(trained, data["test"])
    save_model(Path(args.out_dir)/"runs"/name/"model", trained, metrics={"test_accuracy": test["accuracy"]}, overwrite=True)
    probability = lambda texts: model_probabilities(trained, texts)
    return {"test_accuracy": test["accuracy"], "valid_accuracy": trained.history[-1]["valid_accuracy"],
            "challenge": challenge_report(probability(challenge["text"]), challenge),
            "tutorial_sentence_p": tutorial_sentence_p(probability), "train_minutes": round(trained.seconds["train"] / 60, 2),
            "prepare_minutes": round((trained.seconds["tokenize"] + trained.seconds["embeddings"]) / 60, 2),
            "parameters": count_parameters(trained.model), "history": trained.history, "conditions": conditions}


def word2vec_job(negation: str, args):
    "Train (and cache) the Word2Vec vectors that runs with `negation` will read."
    import torch
    from sentiment_nb.text import load_imdb
    from sentiment_nb.tokenizer import train_tokenizer
    from sentiment_nb.training import get_word_vectors
    torch.set_num_threads(args.threads)
    data = load_imdb(args.data)
    config = train_config("fast" if args.plan == "full" else "tiny", negation, W2V_SEED)
    tokenizer = train_tokenizer(data["train"]["text"], config.vocab_size, config.min_frequency, negation)
    get_word_vectors(tokenizer, data, config, log=print)


def adopt(bench_json: Path, args) -> list[str]:
    "Results for the models bench.py trained (no negation handling, seed 42): its numbers, plus the challenge set."
    from sentiment_nb.saving import load_model
    from sentiment_nb.negation import challenge_report, load_challenge_set, model_probabilities
    bench, challenge, names = json.loads(bench_json.read_text()), load_challenge_set(), []
    for model, row in bench["presets"].items():
        name, path = run_name(model, "none", row["config"]["seed"]), Path(row["model_dir"])
        result_file = Path(args.out_dir)/"runs"/name/"result.json"
        if result_file.exists() or not path.is_dir(): continue
        trained = load_model(path)
        probability = lambda texts: model_probabilities(trained, texts)
        result = {"test_accuracy": row["test_accuracy"], "valid_accuracy": row["valid_accuracy"],
                  "challenge": challenge_report(probability(challenge["text"]), challenge),
                  "tutorial_sentence_p": tutorial_sentence_p(probability), "train_minutes": row["train_minutes"],
                  "prepare_minutes": row["prepare_minutes"], "parameters": row["parameters"], "history": row["epochs"],
                  "conditions": f"2 threads, 1 run at a time; trained by bench.py ({bench_json.name})", "adopted_from": str(path)}
        write_result(result_file, name, result)
        names.append(name)
    return names


def write_result(path: Path, name: str, result: dict):
    model, negation, seed = parse_name(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"name": name, "model": model, "negation": negation, "seed": seed, **result}, indent=1))
    tmp.replace(path)


def table_order(run: dict):
    "Rows in reading order: the baseline, then the LSTM recipes; each without, then with negation handling."
    from sentiment_nb.negation_rules import NEGATION_MODES
    models = ("tfidf", "tutorial", "fast", "best", "attention")
    return (models.index(run["model"]) if run["model"] in models else len(models), run["model"],
            NEGATION_MODES.index(run["negation"]), run["seed"])


def planned_runs(plan: str) -> list[str]:
    return [run_name(m, n, s) for m, n, seeds in PLANS[plan] for s in seeds]


def schedule(args) -> list[str]:
    "Run every missing job of the plan, `args.jobs` processes at a time; Word2Vec jobs before the runs that need them."
    runs = planned_runs(args.plan)
    if args.only:
        unknown = set(args.only.split(",")) - set(runs)
        if unknown: raise SystemExit(f"--only: {sorted(unknown)} not in plan {args.plan!r}; its runs are {runs}")
        runs = [r for r in runs if r in args.only.split(",")]
    out = Path(args.out_dir)
    todo = [r for r in runs if not (out/"runs"/r/"result.json").exists()]
    needs_w2v = sorted({parse_name(r)[1] for r in todo if parse_name(r)[1] != "none" and not r.startswith("tfidf")})
    queue = [f"w2v-{n}" for n in needs_w2v] + todo
    running, failed = {}, []
    while queue or running:
        for job, proc in list(running.items()):
            if proc.poll() is not None:
                del running[job]
                print(f"{time.strftime('%H:%M:%S')} {job}: {'done' if proc.returncode == 0 else f'FAILED ({proc.returncode})'}", flush=True)
                if proc.returncode: failed.append(job)
        waiting_w2v = {j[4:] for j in list(queue) + list(running) if j.startswith("w2v-")}
        ready = [j for j in queue if j.startswith("w2v-") or j.startswith("tfidf") or parse_name(j)[1] not in waiting_w2v]
        while ready and len(running) < args.jobs:
            job = ready.pop(0); queue.remove(job)
            log = out/"logs"/f"{job}.log"; log.parent.mkdir(parents=True, exist_ok=True)
            command = [sys.executable, __file__, "--data", args.data, "--plan", args.plan, "--out-dir", str(out),
                       "--jobs", str(args.jobs), "--threads", str(args.threads), "--job", job]
            if args.conditions: command += ["--conditions", args.conditions]
            env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads)}
            running[job] = subprocess.Popen(command, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env)
            print(f"{time.strftime('%H:%M:%S')} {job}: started (log {log})", flush=True)
        time.sleep(2)
    if failed: raise SystemExit(f"failed: {failed}; see {out/'logs'}")
    return runs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="sample", help="sample (default), imdb, or a folder in Hugging Face layout")
    parser.add_argument("--plan", default="full", choices=sorted(PLANS), help="which runs (tiny: seconds, for tests)")
    parser.add_argument("--out-dir", default=str(HERE/"results"/"compare"), help="runs, logs and comparison.json go here")
    parser.add_argument("--jobs", type=int, default=2, help="runs side by side")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per run")
    parser.add_argument("--adopt", default=None, help="a bench.py result JSON whose models to reuse (no negation, seed 42)")
    parser.add_argument("--publish", action="store_true", help="also write bench/comparison.json, replacing the published one")
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
    from sentiment_nb.negation import comparison_markdown, summarize_runs
    done = [n for n in names if (Path(args.out_dir)/"runs"/n/"result.json").exists()]
    if len(done) < len(names): print(f"not finished yet: {[n for n in names if n not in done]}")
    runs = sorted((json.loads((Path(args.out_dir)/"runs"/n/"result.json").read_text()) for n in done), key=table_order)
    rows = summarize_runs(runs)
    result = {"command": " ".join(["python", *sys.argv]), "data": args.data, "plan": args.plan, "missing": sorted(set(names) - set(done)),
              "minutes": round((time.perf_counter() - start) / 60, 1),
              "train_minutes_all_runs": round(sum(r["train_minutes"] + r.get("prepare_minutes", 0) for r in runs), 1), "rows": rows, "runs": runs,
              "markdown": comparison_markdown(rows)}
    (Path(args.out_dir)/"comparison.json").write_text(json.dumps(result, indent=1))
    if args.publish: (HERE/"comparison.json").write_text(json.dumps(result, indent=1))
    print(result["markdown"])


if __name__ == "__main__": main()
