"""Does validation drawn in whole blocks of films rank models the way test does, better than validation drawn at random?

    python bench/validation_split.py --data ../shared/data/imdb --seeds 42 43 44   # the full IMDb
    python bench/validation_split.py                                               # the shipped sample, in seconds

IMDb's test split holds films the training split never shows; lesson 00's validation reviews are drawn from the
training split at random, so most have a review of the same film in training. Appendix 00a's `valid_block_rows`
draws them in blocks of consecutive rows instead, which in the full dataset's file order keeps most films on one side.

1. Are neighbouring rows the same film? The share of training-review pairs `gap` rows apart whose rare words
   overlap (TF-IDF over words in at most 5 % of reviews, cosine above 0.1), against random pairs.
2. For each way of drawing validation (a tenth of the training reviews, for each seed) it trains one family of
   models on the rest: appendix 07a's Naive-Bayes n-gram models, words up to 1, 2 or 3 long, with and without
   negation scope marking, hashed into --n-features columns, for each C. It scores every model on validation and
   on test, and reports per split: the mean gap between validation and test accuracy, how well validation ranks
   the models as test does (Spearman and Kendall correlation), and the test accuracy of validation's pick against
   the best on test. It studies the protocol, so it reads test for every model; no model is chosen from it.

Writes bench/validation_split.json (or --out), with the machine.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import environment, write_json  # noqa: E402

from sentiment_nb.files import load_raw_imdb, valid_block_rows  # noqa: E402
from sentiment_nb.hybrid import NGramSettings, nb_logistic_regressions, ngram_vectorizer  # noqa: E402
from sentiment_nb.text import VALID_FRACTION, split_train_valid  # noqa: E402

GAPS, NGRAMS, NEGATIONS, CS = (1, 2, 5, 10, 30, 100), ((1, 1), (1, 2), (1, 3)), ("none", "scope"), (0.03, 0.1, 0.3, 1.0)


def neighbour_overlap(texts, gaps=GAPS, threshold: float = 0.1, seed: int = 0) -> dict:
    "Share of review pairs `gap` rows apart (and of random pairs) whose rare words overlap: cosine of TF-IDF above `threshold`."
    from sklearn.feature_extraction.text import TfidfVectorizer
    x = TfidfVectorizer(min_df=2, max_df=0.05, sublinear_tf=True).fit_transform(texts)  # rare words: names, titles
    n, rng = x.shape[0], np.random.default_rng(seed)
    def share(a, b) -> float: return round(float((np.asarray(x[a].multiply(x[b]).sum(axis=1)).ravel() > threshold).mean()), 4)
    shares = {f"gap {gap}": share(np.arange(n - gap), np.arange(gap, n)) for gap in gaps if gap < n}
    return {**shares, "random pairs": share(rng.integers(0, n, n), rng.integers(0, n, n))}


def validation_rows(raw, seed: int, block_size: int) -> dict:
    "Row numbers of raw['train'] in validation, for each way of drawing it: {'random': rows, 'blocks': rows}."
    numbered = {"train": raw["train"].add_column("row", list(range(len(raw["train"])))), "test": raw["test"]}
    return {"random": np.sort(split_train_valid(numbered, VALID_FRACTION, seed)["valid"]["row"]),  # lesson 00's draw
            "blocks": valid_block_rows(raw["train"]["label"], VALID_FRACTION, seed, block_size)}  # appendix 00a's


def finite(value, digits: int = 3):
    "A correlation rounded, or None where it is undefined (every model equally accurate): JSON has no NaN."
    return round(float(value), digits) if np.isfinite(value) else None


def rank_summary(models: list[dict]) -> dict:
    "How one split's validation accuracies track test: mean gap, rank correlations, and the cost of trusting validation."
    from scipy.stats import kendalltau, spearmanr
    valid, test = (np.array([m[k] for m in models]) for k in ("valid_accuracy", "test_accuracy"))
    picked = models[int(np.argmax(valid))]
    return {"models": len(models), "mean_valid_minus_test": round(float((valid - test).mean()), 4),
            "spearman": finite(spearmanr(valid, test)[0]), "kendall": finite(kendalltau(valid, test)[0]),
            "picked": {k: picked[k] for k in ("ngrams", "negation", "C")}, "picked_test_accuracy": picked["test_accuracy"],
            "best_test_accuracy": float(test.max()), "regret": round(float(test.max() - picked["test_accuracy"]), 4)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="sample", help="sample (default), or a folder in Hugging Face layout")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42], help="random seeds of the validation draws")
    parser.add_argument("--block-size", type=int, default=100, help="consecutive reviews per validation block")
    parser.add_argument("--n-features", type=int, default=2**20, help="hashed n-gram columns of every model")
    parser.add_argument("--out", default=str(HERE/"validation_split.json"), help="results file to write")
    args = parser.parse_args(argv)
    start, raw = time.perf_counter(), load_raw_imdb(args.data)
    texts, labels = raw["train"]["text"], np.asarray(raw["train"]["label"])
    overlap = neighbour_overlap(texts)
    print("rare-word overlap of neighbouring training reviews:", overlap, flush=True)
    draws = {seed: validation_rows(raw, seed, args.block_size) for seed in args.seeds}
    y_test, models = np.asarray(raw["test"]["label"]), []
    for ngrams in NGRAMS:
        for negation in NEGATIONS:
            vectorizer = ngram_vectorizer(NGramSettings(negation, ngrams, n_features=args.n_features))  # hashing: nothing to fit
            x, x_test = vectorizer.transform(texts), vectorizer.transform(raw["test"]["text"])
            for seed, splits in draws.items():
                for split, valid in splits.items():
                    train = np.setdiff1d(np.arange(len(labels)), valid)
                    for c, (w, b) in nb_logistic_regressions(x[train], labels[train], CS).items():
                        accuracy = lambda xs, ys: float(((xs @ w + b > 0) == ys).mean())  # noqa: E731
                        models.append({"split": split, "seed": seed, "ngrams": list(ngrams), "negation": negation, "C": c,
                                       "valid_accuracy": accuracy(x[valid], labels[valid]),
                                       "test_accuracy": accuracy(x_test, y_test)})
            print(f"n-grams {ngrams}, negation {negation}: {time.perf_counter() - start:.0f} s", flush=True)
    summary = {split: {seed: rank_summary([m for m in models if m["split"] == split and m["seed"] == seed])
                       for seed in args.seeds} for split in ("random", "blocks")}
    for split, by_seed in summary.items(): print(split, by_seed, flush=True)
    result = {"command": "python bench/validation_split.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "data": args.data, "train": len(labels), "valid": len(draws[args.seeds[0]]["random"]), "test": len(y_test),
              "valid_fraction": VALID_FRACTION, "block_size": args.block_size, "n_features": args.n_features,
              "neighbour_overlap": overlap, "summary": summary, "models": models,
              "seconds": round(time.perf_counter() - start), "machine": environment()}
    write_json(args.out, result)
    return result


if __name__ == "__main__":
    main()
