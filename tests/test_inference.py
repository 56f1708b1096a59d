"""Prediction, and the model directory: round trip, overwrite protection, damaged files."""
import json
import shutil
import warnings

import pytest
import torch

from sentiment_nb.inference import predict_batch, predict_sentiment
from sentiment_nb.saving import load_model, save_model
from sentiment_nb.training import evaluate_dataset

TUTORIAL_SENTENCES = ["Worst movie I have ever seen.", "This movie is amazing!", "I don't think this is a good movie."]


def test_predictions_are_labels_with_probabilities(tiny_trained):
    for p in predict_batch(tiny_trained.model, tiny_trained.tokenizer, TUTORIAL_SENTENCES):
        assert p.label in ("Negative", "Positive") and 0 <= p.probability <= 1
        assert (p.label == "Positive") == (p.probability > 0.5)
    one = predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, TUTORIAL_SENTENCES[1])
    assert one == predict_batch(tiny_trained.model, tiny_trained.tokenizer, TUTORIAL_SENTENCES)[1]


@pytest.mark.parametrize("text, error", [("", ValueError), (" \t\n", ValueError), (None, TypeError), (b"bytes", TypeError)])
def test_unreadable_text_is_refused(tiny_trained, text, error):
    with pytest.raises(error):
        predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, text)


def test_long_text_is_cut_with_a_warning(tiny_trained):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, "great " * 5000, max_length=100)
    assert 0 <= p.probability <= 1 and any("first 100 tokens" in str(w.message) for w in caught)


def test_save_load_round_trip(tmp_path, tiny_trained, small_data):
    path = save_model(tmp_path/"model", tiny_trained, metrics={"test_accuracy": 0.5})
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "model.safetensors", "tokenizer.json"]
    config = json.loads((path/"config.json").read_text())
    assert config["format_version"] == 3 and config["kind"] == "lstm" and config["precision"] in ("float32", "bfloat16") and config["label_names"] == ["Negative", "Positive"]
    assert config["model"]["vocab_size"] == tiny_trained.tokenizer.get_vocab_size()
    assert config["metrics"] == {"test_accuracy": 0.5} and "package_version" in config
    loaded = load_model(path)
    for name, tensor in tiny_trained.model.state_dict().items(): assert torch.equal(tensor, loaded.model.state_dict()[name])
    assert loaded.config == tiny_trained.config and loaded.history == tiny_trained.history
    assert predict_batch(loaded.model, loaded.tokenizer, TUTORIAL_SENTENCES) == predict_batch(tiny_trained.model, tiny_trained.tokenizer, TUTORIAL_SENTENCES)
    assert evaluate_dataset(loaded, small_data["test"]) == evaluate_dataset(tiny_trained, small_data["test"])


def test_existing_model_needs_overwrite(tmp_path, tiny_trained):
    path = save_model(tmp_path/"model", tiny_trained)
    before = (path/"model.safetensors").read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save_model(path, tiny_trained)
    assert (path/"model.safetensors").read_bytes() == before
    save_model(path, tiny_trained, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_failed_save_leaves_the_previous_model(tmp_path, tiny_trained, monkeypatch):
    path = save_model(tmp_path/"model", tiny_trained)
    before = {p.name: p.read_bytes() for p in path.iterdir()}
    import sentiment_nb.saving as saving
    def crash(*args, **kwargs): raise OSError("disk full")
    monkeypatch.setattr(saving, "save_tokenizer", crash)
    with pytest.raises(OSError, match="disk full"):
        save_model(path, tiny_trained, overwrite=True)
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def _copy(path, tmp_path, name):
    return shutil.copytree(path, tmp_path/name)


def test_damaged_model_directories_name_the_file(tmp_path, tiny_trained):
    path = save_model(tmp_path/"model", tiny_trained)
    truncated = _copy(path, tmp_path, "truncated")
    (truncated/"model.safetensors").write_bytes((path/"model.safetensors").read_bytes()[:500])
    with pytest.raises(ValueError, match="model.safetensors"): load_model(truncated)
    missing = _copy(path, tmp_path, "missing")
    (missing/"tokenizer.json").unlink()
    with pytest.raises(FileNotFoundError, match="tokenizer.json"): load_model(missing)
    future = _copy(path, tmp_path, "future")
    config = json.loads((future/"config.json").read_text()); config["format_version"] = 99
    (future/"config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="format version 99"): load_model(future)
    mismatch = _copy(path, tmp_path, "mismatch")
    config = json.loads((mismatch/"config.json").read_text()); config["model"]["vocab_size"] += 1
    (mismatch/"config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="tokens but config.json says"): load_model(mismatch)
    shapes = _copy(path, tmp_path, "shapes")
    config = json.loads((shapes/"config.json").read_text()); config["model"]["num_hiddens"] += 1
    (shapes/"config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="does not fit config.json"): load_model(shapes)
