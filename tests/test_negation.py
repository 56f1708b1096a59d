"""Issue 5: negation-aware tokenizing, scope marking, the attention model, the challenge set and the comparison command."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from sentiment_nb.cli import main as cli_main
from sentiment_nb.config import PRESETS, get_preset
from sentiment_nb.inference import predict_batch, word_importance
from sentiment_nb.lstm import ModelConfig, SentimentModel, lstm_trace
from sentiment_nb.comparison import train_tfidf_baseline
from sentiment_nb.negation import challenge_report, load_challenge_set
from sentiment_nb.text import load_imdb
from sentiment_nb.negation_rules import mark_negation
from sentiment_nb.saving import load_model, save_model
from sentiment_nb.tokenizer import encode_texts, load_tokenizer, new_tokenizer, save_tokenizer, split_words, train_tokenizer
from sentiment_nb.training import fit_sentiment_model
from sentiment_nb.word2vec_cache import word2vec_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text, expected", [
    ("I don't think this is a good movie.", "I don't not_think not_this not_is not_a not_good not_movie."),
    ("Not bad; the ending is great", "Not not_bad; the ending is great"),
    ("It was never dull, but it was long.", "It was never not_dull, but it was long."),
    ("I can't say I didn't enjoy it.", "I can't not_say not_I didn't enjoy it."),  # a second negator closes the scope
    ("no plot<br />great music", "no not_plot<br />great music"),  # the line break tag ends the scope
    ("I dont like it", "I dont not_like not_it"),  # IMDb reviewers often skip the apostrophe
    ("Isn\u2019t it grand", "Isn\u2019t not_it not_grand"),
    ("", ""), ("good", "good"),
])
def test_mark_negation(text, expected):
    assert mark_negation(text) == expected


def test_contractions_stay_whole_and_only_with_a_negation_mode():
    assert split_words(new_tokenizer(), "I can't") == ["i", "can", "'", "t"]
    for mode in ("contractions", "scope"):
        assert split_words(new_tokenizer(mode), "I can\u2019t, it's") == ["i", "can't", ",", "it", "'", "s"]
    with pytest.raises(ValueError, match="negation must be one of"): new_tokenizer("flip")


def test_a_scope_tokenizer_round_trips_and_marks_what_it_encodes(tmp_path):
    texts = ["it is not good at all", "good fun , not bad", "not a good film"] * 3
    tok = train_tokenizer(texts, 100, 1, negation="scope")
    assert {"not_good", "not_bad", "not_a"} <= set(tok.get_vocab())
    reloaded = load_tokenizer(save_tokenizer(tok, tmp_path/"t.json"))
    assert reloaded.negation == "scope"
    assert encode_texts(reloaded, ["not good"]) == encode_texts(tok, ["not good"]) == [[tok.token_to_id("not"), tok.token_to_id("not_good")]]
    assert load_tokenizer(save_tokenizer(train_tokenizer(texts, 100, 1, "contractions"), tmp_path/"c.json")).negation == "contractions"
    assert load_tokenizer(save_tokenizer(train_tokenizer(texts, 100, 1), tmp_path/"n.json")).negation == "none"


def test_word2vec_cache_keys_tell_the_negation_modes_apart():
    texts = ["it is not good", "good fun"]
    keys = {word2vec_key(train_tokenizer(texts, 50, 1, mode), texts, vector_size=8) for mode in ("none", "contractions", "scope")}
    assert len(keys) == 3


@pytest.mark.parametrize("bidirectional", [False, True])
def test_attention_ignores_padding_and_sums_to_one(bidirectional):
    torch.manual_seed(0)
    model = SentimentModel(ModelConfig(50, 8, 6, 0, bidirectional, "attention", dropout=0.5)).eval()
    short, long_ = torch.randint(1, 50, (1, 4)), torch.randint(1, 50, (1, 30))
    batch = torch.zeros(2, 30, dtype=torch.long); batch[0, :4], batch[1] = short, long_
    lengths = torch.tensor([4, 30])
    with torch.no_grad():
        weights = model.attention_weights(model.states(batch, lengths), lengths)
        assert torch.allclose(model(short, torch.tensor([4])), model(batch, lengths)[:1], atol=1e-6)
    assert torch.allclose(weights.sum(-1), torch.ones(2)) and (weights[0, 4:] == 0).all()
    assert model.config.summary_size == 6 * (2 if bidirectional else 1)


@pytest.mark.slow
def test_attention_preset_trains_saves_and_shows_its_weights(tmp_path):
    data = load_imdb()
    data = {k: data[k].select(range(400)) for k in ("train", "valid")}
    trained = fit_sentiment_model(data, get_preset("tiny", pooling="attention", bidirectional=True, negation="scope", epochs=1),
                                  progress=False, log=None)
    assert PRESETS["attention"].pooling == "attention" and PRESETS["attention"].bidirectional
    loaded = load_model(save_model(tmp_path/"m", trained))
    assert loaded.tokenizer.negation == "scope" and loaded.config.negation == "scope"
    text = "I don't think this is a good movie."
    assert predict_batch(loaded.model, loaded.tokenizer, [text]) == predict_batch(trained.model, trained.tokenizer, [text])
    importance = word_importance(loaded.model, loaded.tokenizer, text)
    assert "not_good" in importance["words"] and abs(sum(importance["attention"]) - 1) < 1e-5
    trace = lstm_trace(loaded.model, loaded.tokenizer, text)
    assert trace["tokens"][:3] == ["i", "don't", "not_think"] and trace["attention"].shape == (len(trace["tokens"]),)
    assert abs(trace["probability"] - importance["probability"]) < 1e-5


def test_a_model_whose_tokenizer_disagrees_with_its_config_is_refused(tmp_path):
    data = load_imdb()
    data = {k: data[k].select(range(200)) for k in ("train", "valid")}
    trained = fit_sentiment_model(data, get_preset("tiny", epochs=1, negation="contractions"), progress=False, log=None)
    path = save_model(tmp_path/"m", trained)
    config = json.loads((path/"config.json").read_text()); config["train"]["negation"] = "none"
    (path/"config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="different models"): load_model(path)


@pytest.mark.slow
def test_cli_trains_the_attention_preset_with_scope_marking(tmp_path, capsys):
    out = tmp_path/"model"
    cli_main(["train", "--preset", "attention", "--negation", "scope", "--epochs", "1", "--num-hiddens", "8",
              "--embed-size", "16", "--embedding-init", "random", "--vocab-size", "2000", "--max-length", "64",
              "--out", str(out), "--quiet"])
    config = json.loads((out/"config.json").read_text())
    assert config["model"]["pooling"] == "attention" and config["train"]["negation"] == "scope"
    capsys.readouterr()
    assert cli_main(["train", "--negation", "flip", "--out", str(tmp_path/"x")]) == 2
    assert "negation must be one of" in capsys.readouterr().err and not (tmp_path/"x").exists()


def test_challenge_set_ships_balanced_and_is_rebuilt_identically(tmp_path):
    challenge = load_challenge_set()
    assert len(challenge) == 300 and sum(challenge["label"]) == 150
    rebuilt = tmp_path/"negation.csv"  # never the shipped file: tests write under tmp_path only
    subprocess.run([sys.executable, str(ROOT/"scripts"/"make_challenge_set.py"), "--out", str(rebuilt)], check=True, capture_output=True)
    assert rebuilt.read_text() == (ROOT/"sentiment_nb"/"data"/"challenge"/"negation.csv").read_text()
    report = challenge_report([1.0 if "not" in t else 0.0 for t in challenge["text"]], challenge)
    assert 0 <= report["accuracy"] <= 1 and set(report["by_category"]) >= {"negated positive", "contrast", "hedge"}
    bad = tmp_path/"bad.csv"; bad.write_text("text,label\nfine,1\n")
    with pytest.raises(ValueError, match="category"): load_challenge_set(bad)
    with pytest.raises(ValueError, match="4 probabilities for 300"): challenge_report([0.5] * 4, challenge)


def test_scope_marking_teaches_a_word_counting_model_that_not_good_is_bad():
    data = load_imdb()
    plain, scoped = train_tfidf_baseline(data, "none", cs=(4.0,)), train_tfidf_baseline(data, "scope", cs=(4.0,))
    assert "not_good" in scoped.vectorizer.vocabulary_ and "not_good" not in plain.vectorizer.vocabulary_
    sentences = ["This movie is not good.", "It is not interesting at all."]
    assert (scoped.probabilities(sentences) < plain.probabilities(sentences)).all()


@pytest.mark.slow
def test_the_wheel_ships_the_challenge_set_and_the_sample(tmp_path):
    import shutil, zipfile
    source = tmp_path/"source"  # a copy: building leaves build/ and *.egg-info beside setup.py
    shutil.copytree(ROOT/"sentiment_nb", source/"sentiment_nb", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "settings.ini", "README.md"): shutil.copy(ROOT/name, source/name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    assert "sentiment_nb/data/challenge/negation.csv" in names
    assert any(n.startswith("sentiment_nb/data/imdb_sample/plain_text/") and n.endswith(".parquet") for n in names)
