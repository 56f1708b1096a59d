"""The benchmark: the classic tutorial loop vs ours, the speed levers one by one, and the presets trained and scored.

    python bench/bench.py                                          # quick: the sample, the tiny preset, one timing round
    python bench/bench.py --data ../shared/data/imdb --full        # everything (about 75 minutes on 2 CPU cores)
    python bench/bench.py --data ../shared/data/imdb --full --presets fast --skip-levers   # one preset only
    python bench/bench.py --data ../shared/data/imdb --presets fast --skip-speed --precisions float32,bfloat16

Without --full it runs the quick plan (presets tiny, 1 timing round, no levers), which checks that every part works.
Prints one JSON document and writes it to <out-dir>/bench-<time>.json. Models are saved under
<out-dir>/models/<preset> (an existing one is kept unless --overwrite). Nothing is tuned on the
test split: each model is scored on it once, after training, and that number is reported as it is.
Every preset row records its `recipe` (the preset's name) and `recipe_id` (a hash of its TrainConfig).
"""
import argparse
import json
import math
import shlex
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from sentiment_nb.hardware import probe_bf16
from sentiment_nb.config import PRESETS, get_preset
from sentiment_nb.files import resolve_data_source
from sentiment_nb.inference import predict_sentiment
from sentiment_nb.lstm import ModelConfig, SentimentModel, count_parameters
from sentiment_nb.tokenizer import encode_texts, pad_batch, pad_id, train_tokenizer
from sentiment_nb.saving import save_model
from sentiment_nb.speed import profile_step, time_steps
from sentiment_nb.recipe import train_recipe
from sentiment_nb.training import (batch_groups, encode_split, evaluate_dataset, make_batches, num_batches,
                                   padding_share)
from report import environment, load_bench_data, recipe_fields, write_json

HERE = Path(__file__).resolve().parent
SENTENCE = "This movie is amazing!"


def log(*args): print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- one training step, several ways
class Step:
    """One training step (batch making included) of an LSTM sentiment model (`sizes`: embedding, hidden state;
    300→256 at full size), set up one way.

    `tokenize_in_collate`: tokenize the batch's texts in every step, as the classic DataLoader collate does;
    `bucket`: group reviews of similar length (else random batches); `max_length`: cut reviews (None: never);
    `packed`: pack_padded_sequence; `bf16`: autocast; `sparse`: sparse embedding gradients + SparseAdam."""
    def __init__(self, tokenizer, texts, encoded, labels, batch_size, tokenize_in_collate=False, bucket=True,
                 max_length=None, packed=False, bf16=False, sparse=False, seed=0, sizes=(300, 256)):
        torch.manual_seed(seed)
        self.tokenizer, self.texts, self.labels, self.batch_size = tokenizer, texts, labels, batch_size
        self.tokenize_in_collate, self.bucket, self.max_length, self.packed, self.bf16 = tokenize_in_collate, bucket, max_length, packed, bf16
        self.ids = [x[:max_length] if max_length else x for x in encoded]
        self.model = SentimentModel(ModelConfig(tokenizer.get_vocab_size(), *sizes, pad_id(tokenizer)))
        if sparse:
            self.model.embedding.sparse = True
            self.optimizers = [torch.optim.SparseAdam(list(self.model.embedding.parameters())),
                               torch.optim.Adam([p for n, p in self.model.named_parameters() if not n.startswith("embedding")])]
        else: self.optimizers = [torch.optim.Adam(self.model.parameters())]
        self.generator, self.queue = torch.Generator().manual_seed(seed), []

    def next_rows(self) -> list[int]:
        "The reviews of the next batch, as a shuffled epoch would give them (`bucket=1`: random batches)."
        if not self.queue:
            self.queue = batch_groups([len(x) for x in self.ids], self.batch_size, True, self.generator,
                                      bucket=50 if self.bucket else 1)
        return self.queue.pop()

    def __call__(self) -> float:
        start = time.perf_counter()
        rows = self.next_rows()
        if self.tokenize_in_collate:
            ids = [e.ids for e in self.tokenizer.encode_batch([self.texts[i] for i in rows])]
            ids = [x[:self.max_length] if self.max_length else x for x in ids]
        else: ids = [self.ids[i] for i in rows]
        batch, lengths = pad_batch(ids, pad_id(self.tokenizer))
        for o in self.optimizers: o.zero_grad()
        with torch.autocast("cpu", torch.bfloat16, enabled=self.bf16):
            m = self.model
            if self.packed:
                packed = pack_padded_sequence(m.embedding(batch), lengths, batch_first=True, enforce_sorted=False)
                logits = m.linear(m.lstm(packed)[1][0][-1]).squeeze(-1)
            else: logits = m(batch, lengths)
        nn.functional.binary_cross_entropy_with_logits(logits.float(), self.labels[rows]).backward()
        for o in self.optimizers: o.step()
        return time.perf_counter() - start


def speed(data, args) -> dict:
    "The classic loop vs ours for the tutorial-size model, and the levers between them."
    texts, labels = list(data["train"]["text"]), torch.tensor(data["train"]["label"], dtype=torch.float)
    n = len(texts)
    tokenizer = train_tokenizer(texts, 30_000, 2)
    start = time.perf_counter(); encoded = encode_texts(tokenizer, texts); encode_s = time.perf_counter() - start
    common = dict(tokenizer=tokenizer, texts=texts, encoded=encoded, labels=labels, sizes=args.speed_model)
    embed, hidden = args.speed_model
    tutorial = get_preset("tutorial")
    baseline = Step(**common, batch_size=8, tokenize_in_collate=True, bucket=False)
    ours = Step(**common, batch_size=tutorial.batch_size, max_length=tutorial.max_length)
    bf16 = probe_bf16("cpu") is None  # without it, the bfloat16 rows are left out rather than crash
    fastest = Step(**common, batch_size=64, max_length=tutorial.max_length, bf16=bf16)
    log(f"timing the classic loop and ours, {args.rounds} interleaved rounds ...")
    t = time_steps({"baseline": baseline, "ours": ours, "fastest": fastest}, args.rounds,
                   {"baseline": 4, "ours": 4, "fastest": 2})
    baseline_epoch = t["baseline"] * math.ceil(n / 8)
    ours_epoch = t["ours"] * num_batches(n, tutorial.batch_size)
    fastest_epoch = t["fastest"] * num_batches(n, 64)
    real_tokens = {None: sum(map(len, encoded)), 400: sum(min(len(x), 400) for x in encoded)}
    flop = 3 * 2 * 4 * hidden * (embed + hidden + 1)  # forward + backward multiply-adds of the LSTM, per token
    gflops = lambda cut, epoch_s: round(real_tokens[cut] * flop / epoch_s / 1e9, 1)
    result = {"train_reviews": n, "baseline_step_s": round(t["baseline"], 4), "ours_step_s": round(t["ours"], 4),
              "baseline_epoch_min": round(baseline_epoch / 60, 2), "ours_epoch_min": round(ours_epoch / 60, 2),
              "epoch_speedup": round(baseline_epoch / ours_epoch, 1),
              "ours_fastest_step_s": round(t["fastest"], 4), "ours_fastest_epoch_min": round(fastest_epoch / 60, 2),
              "epoch_speedup_fastest": round(baseline_epoch / fastest_epoch, 1),
              "useful_gflops": {"baseline": gflops(None, baseline_epoch), "ours": gflops(400, ours_epoch),
                                "ours_fastest": gflops(400, fastest_epoch)},
              "encode_all_s": round(encode_s, 2), "lstm_sizes": list(args.speed_model),
              "baseline": "vocab 30,000; batch 8 in random order, right-padded to its longest review, no truncation; "
                          f"texts tokenized in every step; LSTM {embed}→{hidden}, one direction; dense Adam",
              "ours": "the tutorial preset's loop: reviews tokenized once; batch 32 bucketed by length; cut at 400 tokens; "
                      "same model, unpacked LSTM read at each review's last token; dense Adam",
              "ours_fastest": "as ours, with batch 64 and bfloat16 autocast (the speed settings of the fast preset)"
                               + ("" if bf16 else "; this CPU cannot run bfloat16, so float32 here")}
    result["profile"] = profile_step(ours)
    if not args.levers: return result
    log("timing the levers one at a time ...")
    variants = {  # from "classic loop" on, each row changes one thing from the row before it; the rows after the
                  # tutorial preset's change one thing from it
        "classic loop, packed (pack_padded_sequence)": dict(batch_size=8, tokenize_in_collate=True, bucket=False, packed=True),
        "classic loop": dict(batch_size=8, tokenize_in_collate=True, bucket=False),
        "+ tokenize once": dict(batch_size=8, bucket=False),
        "+ length bucketing": dict(batch_size=8),
        "+ batch 32": dict(batch_size=32),
        "+ cut at 400 tokens (= tutorial preset)": dict(batch_size=32, max_length=400),
        "tutorial preset, packed LSTM": dict(batch_size=32, max_length=400, packed=True),
        "tutorial preset, sparse embedding + SparseAdam": dict(batch_size=32, max_length=400, sparse=True),
        "tutorial preset, batch 64": dict(batch_size=64, max_length=400),
        "tutorial preset, bfloat16 autocast": dict(batch_size=32, max_length=400, bf16=True),
    }
    if not bf16: del variants["tutorial preset, bfloat16 autocast"]
    steps = {name: Step(**common, **kw) for name, kw in variants.items()}
    per_round = {name: max(1, round(64 / variants[name]["batch_size"])) for name in variants}  # ~64 reviews per round
    t = time_steps(steps, args.lever_rounds, per_round)
    rows = [{"setting": name, "step_s": round(t[name], 4),
             "epoch_min": round(t[name] * num_batches(n, variants[name]["batch_size"]) / 60, 2)} for name in variants]
    threads = torch.get_num_threads()
    if threads > 1:
        torch.set_num_threads(1)
        one = time_steps({"x": steps["+ cut at 400 tokens (= tutorial preset)"]}, args.lever_rounds, {"x": 2})["x"]
        torch.set_num_threads(threads)
        rows.append({"setting": "tutorial preset, 1 thread instead of %d" % threads, "step_s": round(one, 4),
                     "epoch_min": round(one * num_batches(n, 32) / 60, 2)})
    split = encode_split(tokenizer, data["train"])
    gen = lambda: torch.Generator().manual_seed(0)
    result["levers"] = rows
    result["padding_share"] = {
        "random batches of 8, no cut": round(padding_share(make_batches(split, 8, 0, True, gen(), bucket=1)), 3),
        "bucketed batches of 32, cut at 400": round(padding_share(make_batches(
            encode_split(tokenizer, data["train"], 400), 32, 0, True, gen())), 3)}
    return result


# ---------------------------------------------------------------- presets, full size
PRECISIONS = {"auto": "auto", "float32": False, "bfloat16": True}  # --precisions names → TrainConfig.bf16


def run_preset(name, data, args, precision: str = "auto") -> dict:
    config = get_preset(name, bf16=PRECISIONS[precision], **({"epochs": args.epochs} if args.epochs else {}))
    log(f"preset {name}, precision {precision}: {config}")
    trained = train_recipe(data, config, progress=False, log=log)
    start = time.perf_counter(); test = evaluate_dataset(trained, data["test"]); score_s = time.perf_counter() - start
    predict_sentiment(trained.model, trained.tokenizer, SENTENCE)
    times = []
    for _ in range(200):
        t = time.perf_counter(); predict_sentiment(trained.model, trained.tokenizer, SENTENCE); times.append(time.perf_counter() - t)
    path = Path(args.out_dir)/"models"/(name if precision == "auto" else f"{name}-{precision}")
    save_model(path, trained, metrics={"test_accuracy": test["accuracy"], "test_n": test["n"]}, overwrite=args.overwrite)
    best_valid = max(trained.history, key=lambda r: r["valid_accuracy"])
    row = {**recipe_fields(name, config), "config": config.to_dict(), "precision": trained.precision, "parameters": count_parameters(trained.model),
           "train_minutes": round(trained.seconds["train"] / 60, 2),
           "prepare_minutes": round((trained.seconds["tokenize"] + trained.seconds["embeddings"]) / 60, 2),
           "valid_accuracy": round(trained.history[-1]["valid_accuracy"], 4),
           "best_valid_epoch": best_valid["epoch"], "test_accuracy": round(test["accuracy"], 4), "test_n": test["n"],
           "score_test_s": round(score_s, 1), "predict_ms_p50": round(1000 * statistics.median(times), 2),
           "epochs": [{k: round(v, 4) for k, v in r.items()} for r in trained.history],
           "seconds": trained.seconds, "model_dir": str(path), "coverage": trained.coverage}
    log(json.dumps({k: v for k, v in row.items() if k not in ("config", "epochs")}))
    return row


def embedding_study(preset, data, args, done: dict | None) -> list[dict]:
    "The same recipe and budget from three starting points: random rows, in-domain Word2Vec, GoogleNews (if given)."
    starts = {"random": {"embedding_init": "random"}, "in-domain Word2Vec": {}}
    if args.google_news: starts["GoogleNews"] = {"word2vec_path": args.google_news}
    rows = []
    for name, change in starts.items():
        config = get_preset(preset, **change, **({"epochs": args.epochs} if args.epochs else {}))
        if not change and done: row = done  # the preset's own run already is this row
        else:
            log(f"embedding study, {name}: {config}")
            trained = train_recipe(data, config, progress=False, log=log)
            row = {"valid_accuracy": round(trained.history[-1]["valid_accuracy"], 4), "coverage": trained.coverage,
                   "test_accuracy": round(evaluate_dataset(trained, data["test"])["accuracy"], 4),
                   "train_minutes": round(trained.seconds["train"] / 60, 2)}
        rows.append({"start": name, "preset": preset, **recipe_fields(preset, config), **{k: row[k] for k in ("valid_accuracy", "test_accuracy", "train_minutes")},
                     "token_coverage": round(row["coverage"].get("token_coverage", 0.0), 4)})
        log(json.dumps(rows[-1]))
    return rows


PLANS = {"quick": {"presets": "tiny", "rounds": 1, "lever_rounds": 1, "levers": False, "speed_model": "16,16"},  # checks the parts
         "full": {"presets": "tutorial,fast,best", "rounds": 8, "lever_rounds": 3, "levers": True, "speed_model": "300,256"}}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=resolve_data_source(),
                        help="sample, imdb, or a folder in Hugging Face layout (default: $SENTIMENT_NB_DATA, else sample)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N reviews of each split (a smoke test)")
    parser.add_argument("--full", action="store_true", help="the full plan: presets tutorial,fast,best, 8 timing rounds, "
                        "the levers with 3 rounds each (else: tiny, 1 round, no levers)")
    parser.add_argument("--presets", default=None, help="comma-separated presets to train (empty: none)")
    parser.add_argument("--epochs", type=int, default=None, help="override every preset's epochs (for a quick trial)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved timing rounds, classic loop vs ours")
    parser.add_argument("--lever-rounds", type=int, default=None, help="timing rounds per lever")
    parser.add_argument("--speed-model", default=None, metavar="EMBED,HIDDEN",
                        help="sizes of the LSTM the step timings train (--full: 300,256, the tutorial's; else 16,16)")
    levers = parser.add_mutually_exclusive_group()
    levers.add_argument("--levers", action="store_true", default=None, help="also time the levers one at a time")
    levers.add_argument("--skip-levers", dest="levers", action="store_false", help="only the classic-vs-ours timing")
    parser.add_argument("--skip-speed", action="store_true", help="no step timings at all")
    parser.add_argument("--embedding-study", default=None, metavar="PRESET",
                        help="also train PRESET from random embeddings (and GoogleNews with --google-news) at equal budget")
    parser.add_argument("--google-news", default=None, metavar="PATH", help="GoogleNews-vectors-negative300.bin.gz for the study")
    parser.add_argument("--precisions", default="auto",
                        help="comma-separated number formats to train each preset in: auto (what this machine can), "
                             "float32, bfloat16 (default: auto); rows are named 'PRESET (FORMAT)' unless auto")
    parser.add_argument("--out-dir", default=str(HERE/"results"), help="where the JSON and the models go")
    parser.add_argument("--overwrite", action="store_true", help="replace models saved by an earlier run")
    args = parser.parse_args(argv)
    for key, value in PLANS["full" if args.full else "quick"].items():
        if getattr(args, key) is None: setattr(args, key, value)
    try: args.speed_model = tuple(int(x) for x in args.speed_model.split(","))
    except ValueError: args.speed_model = ()
    if len(args.speed_model) != 2: parser.error("--speed-model: two whole numbers, e.g. 300,256")
    unknown = [p for p in args.presets.split(",") if p and p not in PRESETS]
    if unknown: parser.error(f"unknown preset(s) {unknown}; choose from {sorted(PRESETS)}")
    if not args.precisions or set(args.precisions.split(",")) - set(PRECISIONS):
        parser.error(f"--precisions: choose from {list(PRECISIONS)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    presets, precisions = [p for p in args.presets.split(",") if p], args.precisions.split(",")
    runs = [(p, q, p if q == "auto" else f"{p} ({q})") for p in presets for q in precisions]  # preset, format, row name
    taken = [p for p, q, _ in runs if (Path(args.out_dir)/"models"/(p if q == "auto" else f"{p}-{q}")).exists()]
    if taken and not args.overwrite: raise SystemExit(f"{args.out_dir}/models already has {taken}; pass --overwrite or another --out-dir")
    started = time.perf_counter()
    data = load_bench_data(args.data, args.limit)
    log(f"data {args.data}: " + ", ".join(f"{k} {len(v):,}" for k, v in data.items()))
    result = {"command": shlex.join(["python", "bench/bench.py", *(argv if argv is not None else sys.argv[1:])]),
              "data": args.data, "limit": args.limit, "environment": environment()}
    if not args.skip_speed: result["speed"] = speed(data, args); log(json.dumps(result["speed"]))
    result["presets"] = {row: run_preset(name, data, args, precision) for name, precision, row in runs}
    if args.embedding_study:
        result["embedding_study"] = embedding_study(args.embedding_study, data, args, result["presets"].get(args.embedding_study))
    if "fast" in result["presets"]:
        fast = result["presets"]["fast"]
        result["predict_ms_p50"], result["score_test_s"] = fast["predict_ms_p50"], fast["score_test_s"]
    result["total_minutes"] = round((time.perf_counter() - started) / 60, 1)
    path = Path(args.out_dir)/f"bench-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.json"
    write_json(path, result, overwrite=False)
    print(json.dumps(result, indent=1))
    log(f"written to {path}")


if __name__ == "__main__":
    main()
