"""Hashed or exact n-grams inside a hybrid: chosen on the hybrid's validation accuracy, the test split scored once.

    python bench/hybrid_ngram_choice.py --data ../shared/data/imdb models/hybrid-s42   # a directory `--preset hybrid` wrote
    python bench/hybrid_ngram_choice.py                                                 # a miniature hybrid on the sample

bench/ngram_hashing.py compares the n-gram model alone. Here each n-gram setting is mixed with the saved hybrid's own
LSTM by `fit_hybrid` (the reading and the weight chosen on validation), the settings are ranked by that validation
accuracy, and only the winner is scored on the test split. Writes bench/hybrid_ngram_choice.json (or --out).
"""
import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import environment, write_json  # noqa: E402

from sentiment_nb.hybrid import fit_hybrid, train_ngram_model  # noqa: E402
from sentiment_nb.recipe import score_model  # noqa: E402
from sentiment_nb.sample_model import load_sample_model  # noqa: E402
from sentiment_nb.saving import load_model  # noqa: E402
from sentiment_nb.text import load_imdb  # noqa: E402

SETTINGS = {"exact": None, "hashed 2^20": 2**20}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=None, help="a hybrid model directory (default: the sample model, mixed here)")
    parser.add_argument("--data", default="sample", help="sample (default), or a folder in Hugging Face layout")
    parser.add_argument("--out", default=str(HERE/"hybrid_ngram_choice.json"), help="results file to write")
    args = parser.parse_args(argv)
    data = load_imdb(args.data)
    lstm = load_model(args.model).lstm if args.model else load_sample_model()
    fits, rows = {}, {}
    for name, n_features in SETTINGS.items():
        start = time.perf_counter()
        fits[name] = fit_hybrid(data, lstm, train_ngram_model(data, lstm.config.negation, n_features=n_features))
        rows[name] = {"n_features": n_features, "valid_accuracy": fits[name].valid_accuracy[fits[name].weight],
                      "weight": fits[name].weight, "reading": "whole" if fits[name].reading is None else fits[name].reading,
                      "ngram_C": fits[name].ngram.c, "seconds": round(time.perf_counter() - start, 1)}
        print(name, rows[name], flush=True)
    chosen = max(rows, key=lambda name: rows[name]["valid_accuracy"])  # ties: the first, the exact vocabulary
    test = score_model(fits[chosen], data["test"])  # the test split, once, for the chosen setting only
    result = {"command": "python bench/hybrid_ngram_choice.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "data": args.data, "model": args.model, "rows": rows, "chosen": chosen, "chosen_test": test, "machine": environment()}
    print("chosen on validation:", chosen, test, flush=True)
    write_json(args.out, result)
    return result


if __name__ == "__main__":
    main()
