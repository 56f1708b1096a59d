"""Does hashing the n-grams (no vocabulary to store) cost the n-gram model any accuracy? Measured on validation.

    python bench/ngram_hashing.py --data ../shared/data/imdb          # the full IMDb: exact vocabulary vs 2^20, 2^22, 2^24
    python bench/ngram_hashing.py                                      # the shipped sample, in seconds (a smoke test)

For each setting it trains `train_ngram_model` (appendix 07a) on the training split, chooses C on the validation split
(the fixed one `load_imdb` makes; the test split is never read), saves it as the n-gram part of a hybrid model
directory (with the package's small sample LSTM as the other part, whose files are counted separately) and loads it
back. Writes bench/ngram_hashing.json (or --out): validation accuracy, training seconds, the n-gram part's size on
disk, and the time `load_model` takes to read the whole directory and classify one sentence, with the machine.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import environment, write_json  # noqa: E402

from sentiment_nb.hybrid import Hybrid, save_hybrid, train_ngram_model  # noqa: E402
from sentiment_nb.sample_model import load_sample_model  # noqa: E402
from sentiment_nb.saving import MODEL_FILES, load_model  # noqa: E402
from sentiment_nb.text import load_imdb  # noqa: E402

SETTINGS = {"exact": None, "hashed 2^20": 2**20, "hashed 2^22": 2**22, "hashed 2^24": 2**24}


def measure(data, n_features, folder: Path) -> dict:
    "Train, save and load one n-gram setting; its validation accuracy, sizes and times."
    start = time.perf_counter()
    ngram = train_ngram_model(data, n_features=n_features)
    seconds = time.perf_counter() - start
    save_hybrid(folder, Hybrid(load_sample_model(), ngram, 0.5, {}), overwrite=True)
    start = time.perf_counter()
    load_model(folder).probabilities(["A fine film."])  # the vocabulary is checked on first use: count it too
    load_seconds = time.perf_counter() - start
    ngram_bytes = sum(f.stat().st_size for f in folder.iterdir() if f.name not in MODEL_FILES)
    return {"n_features": n_features, "columns": len(ngram.weights), "C": ngram.c,
            "valid_accuracy": ngram.valid_accuracy[ngram.c], "valid_accuracy_by_C": ngram.valid_accuracy,
            "train_seconds": round(seconds, 1), "ngram_part_mb": round(ngram_bytes / 1e6, 1),
            "load_and_predict_seconds": round(load_seconds, 2)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="sample", help="sample (default), or a folder in Hugging Face layout")
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS), help="which to measure")
    parser.add_argument("--out", default=str(HERE/"ngram_hashing.json"), help="results file to write")
    args = parser.parse_args(argv)
    data = load_imdb(args.data)
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.settings:
            rows[name] = measure(data, SETTINGS[name], Path(tmp)/"model")
            print(name, rows[name], flush=True)
    result = {"command": "python bench/ngram_hashing.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "data": args.data, "train": len(data["train"]), "valid": len(data["valid"]), "rows": rows,
              "machine": environment()}
    write_json(args.out, result)
    return result


if __name__ == "__main__":
    main()
