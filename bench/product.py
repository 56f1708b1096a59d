"""Score saved model directories the way a user gets them: what `sentiment-nb train` wrote, read back with `load_model`.

    sentiment-nb train --preset hybrid --data ../shared/data/imdb --bf16 false --out models/hybrid-s42
    python bench/product.py --data ../shared/data/imdb models/hybrid-s42 [more model directories]
    python bench/product.py --data ../shared/data/imdb --ensemble models/hybrid-s42 models/hybrid-s43 models/hybrid-s44
    python bench/product.py                                # the package's sample model on the sample (a smoke test)

For each directory: the IMDb test accuracy in the model's recorded reading (what `sentiment-nb evaluate` prints), the
negation challenge set (notebook 07), the tutorial's sentence "I don't think this is a good movie.", and the test
reviews over 700 words read whole. A hybrid directory also gets a row for its LSTM part alone (a pure LSTM: the
`fast` recipe). `--ensemble` adds one row for the mean logit of the named directories' LSTM parts (appendix 07a's
`Ensemble`: still a pure LSTM), its reading chosen on the fixed validation split as `recipe.choose_reading` does.
The test split is scored once per row; nothing else is chosen here. Writes bench/product.json (or --out) with the
commands, the machine and the size of each directory.
"""
import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import environment, write_json  # noqa: E402

from sentiment_nb.cli import predict_texts  # noqa: E402
from sentiment_nb.files import load_split  # noqa: E402
from sentiment_nb.negation import challenge_report, load_challenge_set  # noqa: E402
from sentiment_nb.recipe import score_model  # noqa: E402
from sentiment_nb.sample_model import sample_model_dir  # noqa: E402
from sentiment_nb.saving import load_model  # noqa: E402
from sentiment_nb.tokenizer import TUTORIAL_SENTENCES  # noqa: E402

LONG_WORDS = 700  # "long" reviews: over this many words


def probabilities(model, texts) -> list[float]:
    "p(positive) of each text, as `sentiment-nb predict` gives it (in the model's recorded reading)."
    return [p.probability for p in predict_texts(model, list(texts))]


def read_whole(model):
    "The same model reading whole reviews (a hybrid: its LSTM part does)."
    return replace(model, lstm=replace(model.lstm, reading=None)) if hasattr(model, "lstm") else replace(model, reading=None)


def row(name: str, model, test, long_reviews, challenge) -> dict:
    "Every measure of one model."
    start = time.perf_counter()
    scores = score_model(model, test)
    whole = score_model(read_whole(model), long_reviews)
    report = challenge_report(probabilities(model, challenge["text"]), challenge)
    return {"model": name, "kind": type(model).__name__, "reading": "whole" if model.reading is None else model.reading,
            "test_accuracy": scores["accuracy"], "test_n": scores["n"], "long_reviews_whole_accuracy": whole["accuracy"],
            "long_reviews_n": whole["n"], "challenge_accuracy": report["accuracy"], "negation_accuracy": report["negation_accuracy"],
            "tutorial_sentence_p": probabilities(model, TUTORIAL_SENTENCES[2:])[0], "seconds": round(time.perf_counter() - start, 1)}


def ensemble_row(folders, data: str, test, long_reviews, challenge) -> dict:
    "The row of the mean logit of the folders' LSTMs (a hybrid's LSTM part), its reading chosen on validation."
    from sentiment_nb.hybrid import Ensemble
    from sentiment_nb.recipe import choose_reading
    from sentiment_nb.text import load_imdb
    members = [(lambda m: m.lstm if hasattr(m, "lstm") else m)(load_model(folder)) for folder in folders]
    ensemble, valid_by_reading = choose_reading(Ensemble(members), load_imdb(data)["valid"])
    return {**row(f"mean logit of {len(members)} LSTMs", ensemble, test, long_reviews, challenge),
            "valid_by_reading": valid_by_reading, "negation": sorted({m.config.negation for m in members}),
            "seeds": [m.config.seed for m in members]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=[str(sample_model_dir())], help="model directories (default: the sample model)")
    parser.add_argument("--data", default="sample", help="sample (default) or a folder in Hugging Face layout")
    parser.add_argument("--ensemble", nargs="+", default=[], help="model directories whose LSTM parts to average in one more row")
    parser.add_argument("--out", default=str(HERE/"product.json"), help="results file to write")
    args = parser.parse_args(argv)
    test, challenge = load_split(args.data, "test"), load_challenge_set()
    long_reviews = test.filter(lambda r: len(r["text"].split()) > LONG_WORDS)
    rows = []
    for folder in args.models:
        model = load_model(folder)
        config = json.loads((Path(folder)/"config.json").read_text())
        parts = [(Path(folder).name, model)] + ([(Path(folder).name + " (its LSTM alone)", model.lstm)] if hasattr(model, "lstm") else [])
        for name, part in parts:
            rows.append({**row(name, part, test, long_reviews, challenge), "directory": folder,
                         "directory_mb": round(sum(f.stat().st_size for f in Path(folder).iterdir()) / 1e6, 1),
                         "trained": {k: config["metrics"].get(k) for k in ("preset", "recipe_id", "train_minutes", "precision",
                                                                               "valid_accuracy", "weight", "data")},
                         "negation": config["train"]["negation"], "seed": config["train"]["seed"]})
            print(json.dumps(rows[-1]), flush=True)
    if args.ensemble:
        rows.append({**ensemble_row(args.ensemble, args.data, test, long_reviews, challenge), "directories": args.ensemble})
        print(json.dumps(rows[-1]), flush=True)
    result = {"command": "python bench/product.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "data": args.data, "long_words": LONG_WORDS, "rows": rows, "machine": environment()}
    write_json(args.out, result)
    return result


if __name__ == "__main__":
    main()
