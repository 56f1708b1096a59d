"""The `sentiment-nb` command, run as a user would: train, predict, evaluate."""
import json
import os
import subprocess

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # every test needs a model trained by a `sentiment-nb train` process: minutes on a busy machine

TRAIN = ["sentiment-nb", "train", "--data", "sample", "--preset", "tiny", "--epochs", "1", "--vocab-size", "3000", "--quiet"]


def run(*args, check=True):
    result = subprocess.run(list(args), capture_output=True, text=True, timeout=600)
    if check: assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")/"model"
    result = run(*TRAIN, "--out", str(out))
    assert "epoch 1: train loss" in result.stdout and "valid accuracy" in result.stdout
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["test_n"] == 1000 and 0 <= summary["test_accuracy"] <= 1 and summary["parameters"] > 0
    return out


def test_predict_prints_label_and_probability(model_dir):
    lines = run("sentiment-nb", "predict", "--model", str(model_dir), "This movie is amazing!", "Worst movie ever.").stdout.splitlines()
    assert len(lines) == 2
    label, probability, text = lines[0].split(maxsplit=2)
    assert label in ("Positive", "Negative") and 0 <= float(probability) <= 1 and text == "This movie is amazing!"


def test_evaluate_prints_json_for_folders_and_files(model_dir, tmp_path):
    result = json.loads(run("sentiment-nb", "evaluate", "--model", str(model_dir), "--data", "sample").stdout)
    assert result["n"] == 1000 and 0 <= result["accuracy"] <= 1 and result["split"] == "test"
    pd.DataFrame({"text": ["I really love this movie", "Awful."], "label": [1, 0]}).to_parquet(tmp_path/"mine.parquet")
    pd.DataFrame({"text": ["I really love this movie", "Awful.", "Fine"], "label": [1, 0, 1]}).to_csv(tmp_path/"mine.csv", index=False)
    assert json.loads(run("sentiment-nb", "evaluate", "--model", str(model_dir), "--data", str(tmp_path/"mine.parquet")).stdout)["n"] == 2
    assert json.loads(run("sentiment-nb", "evaluate", "--model", str(model_dir), "--data", str(tmp_path/"mine.csv")).stdout)["n"] == 3


def test_train_refuses_to_replace_a_model(model_dir):
    before = (model_dir/"model.safetensors").read_bytes()
    result = run(*TRAIN, "--out", str(model_dir), check=False)
    assert result.returncode == 2 and "--overwrite" in result.stderr and "Traceback" not in result.stderr
    assert (model_dir/"model.safetensors").read_bytes() == before


def test_errors_are_one_line_not_tracebacks(model_dir, tmp_path):
    for args in (["predict", "--model", str(tmp_path/"none"), "hi"], ["predict", "--model", str(model_dir), "  "],
                 ["evaluate", "--model", str(model_dir), "--data", str(tmp_path/"missing.csv")]):
        result = run("sentiment-nb", *args, check=False)
        assert result.returncode == 2 and result.stderr.startswith("sentiment-nb") and "Traceback" not in result.stderr


HYBRID = ["sentiment-nb", "train", "--data", "sample", "--preset", "hybrid", "--epochs", "1", "--vocab-size", "2000",
          "--embed-size", "32", "--num-hiddens", "16", "--max-length", "128", "--word2vec-epochs", "1", "--quiet"]


@pytest.fixture(scope="module")
def hybrid_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")/"hybrid"
    summary = json.loads(run(*HYBRID, "--out", str(out)).stdout.strip().splitlines()[-1])
    assert summary["preset"] == "hybrid" and 0 <= summary["weight"] <= 1 and summary["reading"] in ("trained", "whole")
    return out, summary


def test_hybrid_is_one_directory_of_safetensors_and_json(hybrid_dir):
    out, summary = hybrid_dir
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "model.safetensors", "ngram.safetensors",
                                                      "ngram_vocabulary.json", "tokenizer.json"]
    mask = os.umask(0); os.umask(mask)
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o666 & ~mask}  # safetensors' files too: others may read them
    config = json.loads((out/"config.json").read_text())
    assert config["kind"] == "hybrid" and config["format_version"] == 3 and config["hybrid"]["weight"] == summary["weight"]
    assert config["hybrid"]["ngram"]["n_features"] is None and config["metrics"]["validation"]["seed"] == 42
    assert config["train"]["negation"] == config["hybrid"]["ngram"]["negation"] == "scope"  # the preset's, in both parts
    assert config["reading"] == {"whole": None}.get(summary["reading"], summary["reading"])


def test_evaluate_reproduces_the_hybrids_test_score(hybrid_dir):
    out, summary = hybrid_dir
    result = json.loads(run("sentiment-nb", "evaluate", "--model", str(out), "--data", "sample").stdout)
    assert result["n"] == summary["test_n"] and result["accuracy"] == summary["test_accuracy"]
    assert result["loss"] == pytest.approx(summary["test_loss"], rel=1e-6)


def test_predict_and_predict_sentiment_agree_on_a_hybrid(hybrid_dir):
    from sentiment_nb.inference import predict_sentiment
    from sentiment_nb.saving import load_model
    out, _ = hybrid_dir
    text = "I don't think this is a good movie."
    label, probability, _ = run("sentiment-nb", "predict", "--model", str(out), text).stdout.split(maxsplit=2)
    hybrid = load_model(out)
    assert type(hybrid).__name__ == "Hybrid"
    assert predict_sentiment(hybrid.model, hybrid.tokenizer, text) == (label, float(probability))
    assert float(probability) == pytest.approx(float(hybrid.probabilities([text])[0]), abs=1e-4)

