"""The comparison of notebook 07: every model with and without negation handling, on IMDb test and the challenge set.

    python bench/compare.py --data ../shared/data/imdb --adopt bench/results/run1.json --publish
    python bench/compare.py --data ../shared/data/imdb --plan levers --publish                       # notebook 05
    python bench/compare.py --data ../shared/data/imdb --plan accuracy --jobs 1 --threads 2 --publish   # notebook 07

Each run (a model, a negation mode, a seed) trains in its own process and writes
`<out-dir>/runs/<name>/result.json` (and its model). A run whose result exists is not trained
again, so an interrupted comparison continues where it stopped. `--jobs 2 --threads 1` runs two
one-thread trainings side by side, which gets more done on 2 cores than one two-thread run
after another (the training minutes are then those of a shared machine; each row says so).
Word2Vec for a new word splitting is trained once, by its own job, before the runs that need it.
`--adopt FILE` takes the models that `bench/bench.py` trained (without negation handling, seed
42) instead of training them again, and scores them on the challenge set.
Every LSTM trains in float32 (bf16 off) since version 0.5, and keeps its validation and test logits, read
as trained and whole; a row is scored with the reading that is better on validation. `ngram` is the
Naive-Bayes-weighted n-gram model, `hybrid` mixes an LSTM run with it (the weight chosen on validation),
`fast_ensemble` averages the logits of three seeds (appendix 07a). These wait for the runs they are made of.
At the end it writes `<out-dir>/comparison.json` and, with `--publish`, `bench/comparison.json` (plan full)
or `bench/<plan>.json`, which the notebooks and the README print. Nothing is tuned on the test split or the
challenge set.
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
LSTM_MODELS = ("tutorial", "fast", "best", "attention")
W2V_SEED = 42  # every LSTM run starts from the same Word2Vec vectors; the seeds vary the LSTM's start and batches

# (model, negation, seeds), most important first: that is the order the runs start in
PLANS = {
    "full": [("tfidf", "none", [0]), ("tfidf", "scope", [0]),
             ("fast", "none", [42, 43, 44]), ("fast", "scope", [42, 43, 44]),
             ("attention", "none", [42, 43, 44]), ("attention", "scope", [42, 43, 44]),
             ("tutorial", "none", [42]), ("tutorial", "scope", [42]), ("best", "none", [42]), ("best", "scope", [42]),
             ("fast", "contractions", [42, 43, 44]), ("tfidf", "contractions", [0])],
    # issue 14, all float32: the levers one at a time (2 epochs, seed 42), then the chosen recipes with 3 seeds
    # (the third lever, CBOW, is the accuracy plan's fast-none-s42: fast2_headtail with word2vec_method="cbow")
    "levers": [("ngram", "none", [0]), ("fast2", "none", [42]), ("fast2_headtail", "none", [42]), ("fast2_embedlr", "none", [42])],
    "accuracy": [("ngram", "none", [0]), ("fast", "none", [42, 43, 44]), ("hybrid", "none", [42, 43, 44]),
                 ("fast_ensemble", "none", [0]), ("ngram", "scope", [0])],
    "tiny_accuracy": [("ngram", "none", [0]), ("tiny", "none", [1, 2]), ("hybrid_tiny", "none", [1, 2]), ("tiny_ensemble", "none", [0])],
    "tiny": [("tfidf", "none", [0]), ("tfidf", "scope", [0]), ("tiny", "none", [1, 2]), ("tiny", "scope", [1, 2]),
             ("tiny_attention", "scope", [1])],
}


def run_name(model: str, negation: str, seed: int) -> str: return f"{model}-{negation}-s{seed}"

def parse_name(name: str) -> tuple[str, str, int]:
    model, negation, seed = name.rsplit("-", 2)
    return model, negation, int(seed[1:])


# a lever = a preset with some fields changed; "fast2" is `fast` as it was in version 0.4 (first 400 tokens, skip-gram),
# cut from 4 epochs to 2: the base the levers are measured from
FAST2 = {"epochs": 2, "truncation": "head", "word2vec_method": "skipgram"}
VARIANTS = {"fast2": ("fast", FAST2), "fast2_headtail": ("fast", {**FAST2, "truncation": "head_tail"}),
            "fast2_embedlr": ("fast", {**FAST2, "embed_lr": 0.1})}
HYBRIDS = {"hybrid": "fast", "hybrid_tiny": "tiny"}  # a hybrid mixes the LSTM run of the same seed with the n-gram model
ENSEMBLES = {"fast_ensemble": ("fast", [42, 43, 44]), "tiny_ensemble": ("tiny", [1, 2])}  # the mean logit of several seeds' runs


def parts(job: str) -> list[str]:
    "The runs whose results `job` is made from (none for a model trained by the job itself)."
    if job.startswith("w2v-"): return []
    model, negation, seed = parse_name(job)
    if model in HYBRIDS: return [run_name(HYBRIDS[model], negation, seed), run_name("ngram", negation, 0)]
    if model in ENSEMBLES: return [run_name(ENSEMBLES[model][0], negation, s) for s in ENSEMBLES[model][1]]
    return []


def train_config(model: str, negation: str, seed: int):
    "The recipe of a run: float32 everywhere (bf16 off), so that the numbers hold on laptops without bfloat16."
    from sentiment_nb.config import get_preset
    if model in VARIANTS: return get_preset(VARIANTS[model][0], **VARIANTS[model][1], negation=negation, seed=seed,
                                            word2vec_seed=W2V_SEED, bf16=False)
    if model == "tiny_attention": return get_preset("tiny", pooling="attention", bidirectional=True, negation=negation, seed=seed, word2vec_seed=W2V_SEED)
    return get_preset(model, negation=negation, seed=seed, word2vec_seed=W2V_SEED, bf16=False)


def tutorial_sentence_p(probability) -> float:
    "p(positive) of the tutorial's negation sentence."
    from sentiment_nb.tokenizer import TUTORIAL_SENTENCES
    return float(probability([TUTORIAL_SENTENCES[2]])[0])


READINGS = {"as trained": "", "whole": "_whole"}  # how an LSTM reads a review when it is scored: cut as in training, or whole


def choose_reading(run: dict) -> dict:
    "An LSTM run scored with the reading (cut as trained, or whole review) that is better on validation; test follows."
    if "whole_review" not in run or "reading" in run: return run
    whole = run["whole_review"]["valid"] > run["valid_accuracy"]
    return {**run, "reading": "whole" if whole else "as trained", "test_accuracy_as_trained": run["test_accuracy"],
            "test_accuracy": run["whole_review"]["test"] if whole else run["test_accuracy"]}


def accuracy(logits, labels) -> float:
    import numpy as np
    return float(((np.asarray(logits) > 0) == np.asarray(labels)).mean())


def ngram_result(data, negation: str, out: Path, conditions: str) -> dict:
    "The n-gram model (appendix 07a); its validation and test logits are kept for the hybrids."
    import numpy as np
    from sentiment_nb.hybrid import train_ngram_model
    from sentiment_nb.negation import challenge_report, load_challenge_set
    from sentiment_nb.tokenizer import TUTORIAL_SENTENCES
    start = time.perf_counter()
    model = train_ngram_model(data, negation)
    minutes = (time.perf_counter() - start) / 60
    challenge = load_challenge_set()
    logits = {s: model.logits(data[s]["text"]) for s in ("valid", "test")}
    logits |= {"challenge": model.logits(challenge["text"]), "tutorial": model.logits(TUTORIAL_SENTENCES[2:3])}
    np.savez(out/f"ngram-{negation}-logits.npz", **logits)
    return {"test_accuracy": accuracy(logits["test"], data["test"]["label"]), "valid_accuracy": max(model.valid_accuracy.values()),
            "valid_by_setting": {str(k): v for k, v in model.valid_accuracy.items()},
            "challenge": challenge_report(model.probabilities(challenge["text"]), challenge),
            "tutorial_sentence_p": tutorial_sentence_p(model.probabilities), "train_minutes": round(minutes, 2),
            "parameters": model.num_features + 1, "precision": "float64", "conditions": conditions}


def hybrid_result(name: str, data, out: Path, conditions: str) -> dict:
    "Mix the LSTM run of the same seed with the n-gram model: the weight chosen on validation, test scored once."
    import numpy as np
    from sentiment_nb.hybrid import choose_weight, mix_logits
    model, negation, seed = parse_name(name)
    lstm_run = out/"runs"/run_name(HYBRIDS[model], negation, seed)
    lstm, ngram = dict(np.load(lstm_run/"logits.npz")), np.load(out/"runs"/run_name("ngram", negation, 0)/f"ngram-{negation}-logits.npz")
    choices = {reading: choose_weight(lstm[f"valid{suffix}"], ngram["valid"], data["valid"]["label"])
               for reading, suffix in READINGS.items() if f"valid{suffix}" in lstm}
    reading = max(choices, key=lambda r: choices[r][1][choices[r][0]])  # the LSTM's reading that mixes best on validation
    weight, by_weight = choices[reading]
    suffix = READINGS[reading]
    lstm |= {"valid": lstm[f"valid{suffix}"], "test": lstm[f"test{suffix}"]}
    lstm_row = json.loads((lstm_run/"result.json").read_text())
    ngram_row = json.loads((out/"runs"/run_name("ngram", negation, 0)/"result.json").read_text())
    mixed = {s: mix_logits(lstm[s], ngram[s], weight) for s in ("valid", "test", "challenge", "tutorial")}
    from sentiment_nb.negation import challenge_report, load_challenge_set
    return {"test_accuracy": accuracy(mixed["test"], data["test"]["label"]), "valid_accuracy": by_weight[weight],
            "weight": weight, "valid_by_weight": by_weight, "reading": reading,
            "challenge": challenge_report(1 / (1 + np.exp(-mixed["challenge"])), load_challenge_set()),
            "tutorial_sentence_p": float(1 / (1 + np.exp(-mixed["tutorial"][0]))),
            "train_minutes": round(lstm_row["train_minutes"] + ngram_row["train_minutes"], 2),
            "prepare_minutes": lstm_row.get("prepare_minutes", 0), "parameters": lstm_row["parameters"] + ngram_row["parameters"],
            "precision": "float32", "conditions": conditions, "parts": [lstm_run.name, f"ngram-{negation}-s0"]}


def ensemble_result(name: str, data, out: Path, conditions: str) -> dict:
    "The mean logit of several seeds' runs of one recipe (a pure-LSTM ensemble); the reading chosen on validation."
    import numpy as np
    from sentiment_nb.negation import challenge_report, load_challenge_set
    runs = [out/"runs"/p for p in parts(name)]
    logits = [dict(np.load(r/"logits.npz")) for r in runs]
    rows = [json.loads((r/"result.json").read_text()) for r in runs]
    mean = {k: np.mean([x[k] for x in logits], axis=0) for k in logits[0]}
    valid = {reading: accuracy(mean[f"valid{suffix}"], data["valid"]["label"]) for reading, suffix in READINGS.items()}
    reading = max(valid, key=valid.get)
    return {"test_accuracy": accuracy(mean[f"test{READINGS[reading]}"], data["test"]["label"]), "valid_accuracy": valid[reading],
            "reading": reading, "valid_by_reading": valid,
            "challenge": challenge_report(1 / (1 + np.exp(-mean["challenge"])), load_challenge_set()),
            "tutorial_sentence_p": float(1 / (1 + np.exp(-mean["tutorial"][0]))),
            "train_minutes": round(sum(r["train_minutes"] for r in rows), 2),
            "prepare_minutes": rows[0].get("prepare_minutes", 0), "parameters": sum(r["parameters"] for r in rows),
            "precision": rows[0].get("precision"), "conditions": conditions, "parts": [r.name for r in runs]}


def run_one(name: str, args) -> dict:
    "Train and score one run in this process; returns its result."
    import numpy as np
    import torch
    from sentiment_nb.saving import save_model
    from sentiment_nb.lstm import count_parameters
    from sentiment_nb.comparison import train_tfidf_baseline
    from sentiment_nb.negation import challenge_report, load_challenge_set, model_probabilities
    from sentiment_nb.text import load_imdb
    from sentiment_nb.recipe import train_recipe
    torch.set_num_threads(args.threads)
    model, negation, seed = parse_name(name)
    data, challenge = load_imdb(args.data), load_challenge_set()
    conditions = args.conditions or f"{args.threads} thread(s), {args.jobs} run(s) at a time"
    start = time.perf_counter()
    out = Path(args.out_dir)
    if model == "ngram":
        (out/"runs"/name).mkdir(parents=True, exist_ok=True)
        return ngram_result(data, negation, out/"runs"/name, conditions)
    if model in HYBRIDS: return hybrid_result(name, data, out, conditions)
    if model in ENSEMBLES: return ensemble_result(name, data, out, conditions)
    if model == "tfidf":
        baseline = train_tfidf_baseline(data, negation)
        minutes = (time.perf_counter() - start) / 60
        test_p = baseline.probabilities(data["test"]["text"])
        return {"test_accuracy": float(((test_p > 0.5) == np.asarray(data["test"]["label"])).mean()),
                "valid_accuracy": max(baseline.valid_accuracy.values()), "valid_by_c": baseline.valid_accuracy,
                "challenge": challenge_report(baseline.probabilities(challenge["text"]), challenge),
                "tutorial_sentence_p": tutorial_sentence_p(baseline.probabilities), "train_minutes": round(minutes, 2),
                "parameters": baseline.num_features + 1, "conditions": conditions}
    trained = train_recipe(data, train_config(model, negation, seed), progress=False, log=print)
    from sentiment_nb.hybrid import lstm_logits
    from sentiment_nb.tokenizer import TUTORIAL_SENTENCES
    logits = {s: lstm_logits(trained, data[s]["text"]) for s in ("valid", "test")}  # read as trained: cut to max_length
    test = {"accuracy": accuracy(logits["test"], data["test"]["label"])}  # what evaluate_dataset(trained, data["test"]) says
    save_model(out/"runs"/name/"model", trained, metrics={"test_accuracy": test["accuracy"]}, overwrite=True)
    to_saved_model = (time.perf_counter() - start) / 60  # loading the data, tokenizer, Word2Vec, training, test, saving
    logits |= {f"{s}_whole": lstm_logits(trained, data[s]["text"], max_length=None) for s in ("valid", "test")}
    logits |= {"challenge": lstm_logits(trained, challenge["text"]), "tutorial": lstm_logits(trained, TUTORIAL_SENTENCES[2:3])}
    np.savez(out/"runs"/name/"logits.npz", **logits)  # for the hybrids and ensembles
    probability = lambda texts: model_probabilities(trained, texts)
    return {"test_accuracy": test["accuracy"], "valid_accuracy": trained.history[-1]["valid_accuracy"],
            "whole_review": {s: accuracy(logits[f"{s}_whole"], data[s]["label"]) for s in ("valid", "test")},
            "precision": trained.precision, "config": trained.config.to_dict(), "minutes_to_saved_model": round(to_saved_model, 2),
            "challenge": challenge_report(probability(challenge["text"]), challenge),
            "tutorial_sentence_p": tutorial_sentence_p(probability), "train_minutes": round(trained.seconds["train"] / 60, 2),
            "prepare_minutes": round((trained.seconds["tokenize"] + trained.seconds["embeddings"]) / 60, 2),
            "parameters": count_parameters(trained.model), "history": trained.history, "conditions": conditions}


def word2vec_job(negation: str, args):
    "Train (and cache) the Word2Vec vectors that runs with `negation` will read."
    import torch
    from sentiment_nb.text import load_imdb
    from sentiment_nb.tokenizer import train_tokenizer
    from sentiment_nb.word2vec_cache import get_word_vectors
    torch.set_num_threads(args.threads)
    data = load_imdb(args.data)
    model = next(m for m, n, _ in PLANS[args.plan] if n == negation and m not in ("tfidf", "ngram") and not parts(run_name(m, n, 0)))
    config = train_config(model, negation, W2V_SEED)  # the plan's first LSTM with this negation: its Word2Vec settings
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
    from sentiment_nb.hardware import cpu_name
    model, negation, seed = parse_name(name)
    result.setdefault("machine", f"{cpu_name()}, {os.cpu_count()} cores")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"name": name, "model": model, "negation": negation, "seed": seed, **result}, indent=1))
    tmp.replace(path)


def table_order(run: dict):
    "Rows in reading order: the baseline, then the LSTM recipes; each without, then with negation handling."
    from sentiment_nb.negation_rules import NEGATION_MODES
    models = ("tfidf", "ngram", "tutorial", "fast", "best", "attention", "fast_ensemble", "hybrid")
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
    needs_w2v = sorted({parse_name(r)[1] for r in todo if parse_name(r)[1] != "none" and not r.startswith(("tfidf", "ngram"))})
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
            if job.startswith(("w2v-", "tfidf", "ngram")): return False
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
    from sentiment_nb.comparison import comparison_markdown, summarize_runs
    done = [n for n in names if (Path(args.out_dir)/"runs"/n/"result.json").exists()]
    if len(done) < len(names): print(f"not finished yet: {[n for n in names if n not in done]}")
    runs = sorted((choose_reading(json.loads((Path(args.out_dir)/"runs"/n/"result.json").read_text())) for n in done), key=table_order)
    rows = summarize_runs(runs)
    result = {"command": shlex.join(["python", *sys.argv]), "data": args.data, "plan": args.plan, "missing": sorted(set(names) - set(done)),
              "minutes": round((time.perf_counter() - start) / 60, 1),
              "train_minutes_all_runs": round(sum(r["train_minutes"] + r.get("prepare_minutes", 0) for r in runs), 1), "rows": rows, "runs": runs,
              "markdown": comparison_markdown(rows)}
    (Path(args.out_dir)/"comparison.json").write_text(json.dumps(result, indent=1))
    if args.publish: (HERE/("comparison.json" if args.plan == "full" else f"{args.plan}.json")).write_text(json.dumps(result, indent=1))
    print(result["markdown"])


if __name__ == "__main__": main()
