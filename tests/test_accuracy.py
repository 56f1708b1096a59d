"""Issue 14's levers and the hybrid, on the packaged sample: each does what its name says (bench/compare.py's plans
run in tests/test_bench.py)."""
import warnings
from dataclasses import replace

import numpy as np
import pytest
import torch

from sentiment_nb.config import get_preset
from sentiment_nb.hybrid import choose_weight, fit_hybrid, lstm_logits, train_ngram_model
from sentiment_nb.inference import predict_batch
from sentiment_nb.saving import load_model, save_model
from sentiment_nb.tokenizer import cut_ids, encode_texts
from sentiment_nb.training import evaluate_dataset, fit_sentiment_model, get_word_vectors


def test_head_tail_keeps_the_verdict_at_the_end():
    ids = list(range(1_000))
    kept = cut_ids(ids, 400, "head_tail")
    assert len(kept) == 400 and kept[:100] == ids[:100] and kept[100:] == ids[-300:]
    assert cut_ids(ids, 400) == ids[:400] and cut_ids(ids, None, "head_tail") == ids
    with pytest.raises(ValueError, match="truncation must be one of"): get_preset("fast", truncation="tail")


@pytest.mark.slow
def test_a_head_tail_model_is_trained_and_scored_on_the_ends(small_data, tiny_config, tmp_path):
    config = replace(tiny_config, truncation="head_tail", max_length=40, pooling="max_mean")  # every state counts: the readings differ
    trained = fit_sentiment_model(small_data, config, progress=False, log=None)
    save_model(tmp_path/"m", trained)
    loaded = load_model(tmp_path/"m")
    assert loaded.config.truncation == "head_tail"
    text = small_data["test"]["text"][0]
    ids = encode_texts(loaded.tokenizer, [text])[0]
    assert len(ids) > 40  # a long review: the two ways of cutting it differ
    assert encode_texts(loaded.tokenizer, [text], 40, "head_tail")[0] == ids[:10] + ids[-30:]
    as_trained, whole = (evaluate_dataset(loaded, small_data["test"], max_length=m) for m in ("trained", None))
    assert as_trained["n"] == whole["n"] == 200 and as_trained["loss"] != whole["loss"]
    logits = lstm_logits(loaded, small_data["test"]["text"])  # the same reading as evaluate_dataset's
    assert np.isclose(((logits > 0) == np.asarray(small_data["test"]["label"])).mean(), as_trained["accuracy"])


def test_predict_warns_which_tokens_it_kept(tiny_trained):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        predict_batch(tiny_trained.model, tiny_trained.tokenizer, ["good " * 300 + "awful " * 300], max_length=100,
                      truncation="head_tail")
    assert any("first quarter and the last three quarters" in str(w.message) for w in caught)


@pytest.mark.slow
def test_a_frozen_embedding_does_not_move_and_a_slow_one_moves_less(small_data, tiny_config):
    runs = {lr: fit_sentiment_model(small_data, replace(tiny_config, embed_lr=lr), progress=False, log=None) for lr in (0.0, 0.1, 1.0)}
    from sentiment_nb.embeddings import build_embedding_matrix
    from sentiment_nb.tokenizer import train_tokenizer
    tokenizer = train_tokenizer(small_data["train"]["text"], tiny_config.vocab_size, tiny_config.min_frequency)
    start, _ = build_embedding_matrix(tokenizer, get_word_vectors(tokenizer, small_data, tiny_config, log=None), tiny_config.seed)
    moved = {lr: float((run.model.embedding.weight.detach() - start).abs().max()) for lr, run in runs.items()}
    assert moved[0.0] == 0.0 and 0 < moved[0.1] < moved[1.0]
    with pytest.raises(ValueError, match="embed_lr"): get_preset("fast", embed_lr=-1)


def test_word2vec_settings_reach_gensim_and_the_cache_key(small_data, tiny_config, tmp_path, monkeypatch):
    monkeypatch.setenv("SENTIMENT_NB_CACHE", str(tmp_path))
    from sentiment_nb.tokenizer import train_tokenizer
    tokenizer = train_tokenizer(small_data["train"]["text"], tiny_config.vocab_size)
    skipgram = get_word_vectors(tokenizer, small_data, tiny_config, log=None)
    cbow = get_word_vectors(tokenizer, small_data, replace(tiny_config, word2vec_method="cbow"), log=None)
    assert not np.allclose(skipgram["movie"], cbow["movie"])  # a different method, a different cache entry
    assert len(list((tmp_path/"word2vec").glob("*.bin"))) == 2
    with pytest.raises(ValueError, match="word2vec_method must be one of"): get_preset("fast", word2vec_method="glove")


def test_the_hybrid_picks_its_weight_on_validation_and_checks_negation(small_data, tiny_trained):
    ngram = train_ngram_model(small_data, cs=(1.0,))
    hybrid = fit_hybrid(small_data, tiny_trained, ngram, readings=("trained",))
    assert 0 <= hybrid.weight <= 1 and hybrid.valid_accuracy[hybrid.weight] == max(hybrid.valid_accuracy.values())
    weight, by_weight = choose_weight(lstm_logits(tiny_trained, small_data["valid"]["text"]),
                                      ngram.logits(small_data["valid"]["text"]), small_data["valid"]["label"])
    assert weight == hybrid.weight and by_weight == hybrid.valid_accuracy
    with pytest.raises(ValueError, match="negation="):
        fit_hybrid(small_data, tiny_trained, train_ngram_model(small_data, "scope", cs=(1.0,)))
