"""What one run of bench/compare.py measures, for each kind of run: its result row, with the test split scored once."""
import json
import time
from pathlib import Path

from plans import READINGS, parse_name, parts, train_config  # bench/ is on sys.path: compare.py puts it there


def tutorial_sentence_p(probability) -> float:
    "p(positive) of the tutorial's negation sentence."
    from sentiment_nb.tokenizer import TUTORIAL_SENTENCES
    return float(probability([TUTORIAL_SENTENCES[2]])[0])


def accuracy(logits, labels) -> float:
    import numpy as np
    return float(((np.asarray(logits) > 0) == np.asarray(labels)).mean())


def chosen_reading(model, valid):
    "recipe.choose_reading (05h) on `valid`, its readings named as the results name them: (model, 'as trained' or 'whole', by reading)."
    from sentiment_nb.recipe import choose_reading
    model, by_reading = choose_reading(model, valid)
    name = {"trained": "as trained", "whole": "whole"}
    return model, name["whole" if model.reading is None else model.reading], {name[r]: a for r, a in by_reading.items()}


def scores(probabilities, challenge) -> dict:
    "What every row reports besides IMDb: the challenge set and the tutorial's sentence; `probabilities(texts)` gives p(positive)."
    from sentiment_nb.negation import challenge_report
    return {"challenge": challenge_report(probabilities(challenge["text"]), challenge),
            "tutorial_sentence_p": tutorial_sentence_p(probabilities)}


def ngram_result(name: str, data, challenge) -> dict:
    "The n-gram model (appendix 07a): C chosen on validation, the test split scored once."
    from sentiment_nb.hybrid import train_ngram_model
    start = time.perf_counter()
    model = train_ngram_model(data, parse_name(name)[1])
    minutes = (time.perf_counter() - start) / 60
    return {"test_accuracy": accuracy(model.logits(data["test"]["text"]), data["test"]["label"]),
            "valid_accuracy": max(model.valid_accuracy.values()), "valid_by_setting": {str(k): v for k, v in model.valid_accuracy.items()},
            **scores(model.probabilities, challenge), "train_minutes": round(minutes, 2), "parameters": model.num_features + 1,
            "precision": "float64", "recipe": "ngram", "recipe_id": None}


def tfidf_result(name: str, data, challenge) -> dict:
    "TF-IDF + logistic regression (appendix 07b): C chosen on validation, the test split scored once."
    import numpy as np
    from sentiment_nb.comparison import train_tfidf_baseline
    start = time.perf_counter()
    baseline = train_tfidf_baseline(data, parse_name(name)[1])
    minutes = (time.perf_counter() - start) / 60
    test_p = baseline.probabilities(data["test"]["text"])
    return {"test_accuracy": float(((test_p > 0.5) == np.asarray(data["test"]["label"])).mean()),
            "valid_accuracy": max(baseline.valid_accuracy.values()), "valid_by_c": baseline.valid_accuracy,
            **scores(baseline.probabilities, challenge), "train_minutes": round(minutes, 2), "parameters": baseline.num_features + 1,
            "recipe": "tfidf", "recipe_id": None}


def saved_model(out: Path, name: str):
    "The model a finished LSTM run saved (or the bench.py model it adopted)."
    from sentiment_nb.saving import load_model
    row = json.loads((out/"runs"/name/"result.json").read_text())
    return load_model(row.get("adopted_from") or out/"runs"/name/"model")


def hybrid_result(name: str, data, challenge, out: Path) -> dict:
    "An LSTM run mixed with an n-gram model (`fit_hybrid`): the weight chosen on validation, the test split scored once."
    from sentiment_nb.config import HYBRID_PRESETS
    from sentiment_nb.hybrid import fit_hybrid, train_ngram_model
    part, = parts(name)
    lstm_row = json.loads((out/"runs"/part/"result.json").read_text())
    start = time.perf_counter()
    ngram = train_ngram_model(data, parse_name(name)[1], **HYBRID_PRESETS["hybrid"].ngram)  # as `--preset hybrid` trains it
    ngram_minutes = (time.perf_counter() - start) / 60
    # the LSTM is read as its own run chose on validation
    hybrid = fit_hybrid(data, saved_model(out, part), ngram, (READINGS[lstm_row["reading"]],))
    return {"test_accuracy": accuracy(hybrid.logits(data["test"]["text"]), data["test"]["label"]),
            "valid_accuracy": hybrid.valid_accuracy[hybrid.weight], "weight": hybrid.weight,
            "valid_by_weight": hybrid.valid_accuracy, "reading": lstm_row["reading"], **scores(hybrid.probabilities, challenge),
            "train_minutes": round(lstm_row["train_minutes"] + ngram_minutes, 2), "prepare_minutes": lstm_row.get("prepare_minutes", 0),
            "parameters": lstm_row["parameters"] + ngram.num_features + 1, "precision": "float32",
            "recipe": lstm_row["recipe"], "recipe_id": lstm_row["recipe_id"], "parts": [part]}


def ensemble_result(name: str, data, challenge, out: Path) -> dict:
    "The mean logit of several seeds' runs of one recipe (`Ensemble`): the reading chosen on validation, test scored once."
    from sentiment_nb.hybrid import Ensemble
    rows = [json.loads((out/"runs"/p/"result.json").read_text()) for p in parts(name)]
    members = [saved_model(out, p) for p in parts(name)]
    ensemble, reading, by_reading = chosen_reading(Ensemble(members), data["valid"])
    return {"test_accuracy": accuracy(ensemble.logits(data["test"]["text"]), data["test"]["label"]),
            "valid_accuracy": by_reading[reading], "reading": reading, "valid_by_reading": by_reading, **scores(ensemble.probabilities, challenge),
            "train_minutes": round(sum(r["train_minutes"] for r in rows), 2), "prepare_minutes": rows[0].get("prepare_minutes", 0),
            "parameters": sum(r["parameters"] for r in rows), "precision": rows[0].get("precision"),
            "recipe": rows[0]["recipe"], "recipe_id": rows[0]["recipe_id"], "parts": parts(name)}


def lstm_result(name: str, data, challenge, out: Path) -> dict:
    "Train one LSTM run, choose its reading on validation, score the test split once with it, and save the model."
    from sentiment_nb.hybrid import lstm_logits
    from sentiment_nb.lstm import count_parameters
    from sentiment_nb.negation import model_probabilities
    from sentiment_nb.recipe import train_recipe
    from sentiment_nb.saving import save_model
    from report import recipe_fields
    start = time.perf_counter()
    preset, config = train_config(*parse_name(name))
    trained = train_recipe(data, config, progress=False, log=print)
    trained, reading, by_reading = chosen_reading(trained, data["valid"])
    test = accuracy(lstm_logits(trained, data["test"]["text"], trained.reading), data["test"]["label"])  # the one test score
    # a rerun after a crash replaces the half-finished run's own model: it has no result.json yet
    save_model(out/"runs"/name/"model", trained, metrics={"test_accuracy": test}, overwrite=True)
    to_saved_model = (time.perf_counter() - start) / 60  # loading the data, tokenizer, Word2Vec, training, scoring, saving
    return {"test_accuracy": test, "valid_accuracy": by_reading[reading], "reading": reading, "valid_by_reading": by_reading,
            **recipe_fields(preset, config), "precision": trained.precision, "config": trained.config.to_dict(),
            "minutes_to_saved_model": round(to_saved_model, 2), **scores(lambda texts: model_probabilities(trained, texts), challenge),
            "train_minutes": round(trained.seconds["train"] / 60, 2),
            "prepare_minutes": round((trained.seconds["tokenize"] + trained.seconds["embeddings"]) / 60, 2),
            "parameters": count_parameters(trained.model), "history": trained.history}
