"""Anything a person may type or hand us: property-based tests on the tokenizer, predict and the model loader."""
import shutil
import warnings

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sentiment_nb.inference import predict_batch, predict_sentiment
from sentiment_nb.saving import load_model, save_model
from sentiment_nb.tokenizer import encode_texts, pad_batch, pad_id, split_words

ANY_TEXT = st.text(max_size=300)  # any Unicode text: control characters, emoji, every script
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@QUICK
@given(text=ANY_TEXT)
def test_tokenizer_takes_any_text(tiny_trained, text):
    tokenizer = tiny_trained.tokenizer
    (ids,) = encode_texts(tokenizer, [text])
    assert all(0 <= i < tokenizer.get_vocab_size() for i in ids)
    assert isinstance(split_words(tokenizer, text), list)
    batch, lengths = pad_batch([ids], pad_id(tokenizer))
    assert batch.shape == (1, max(len(ids), 1))


@QUICK
@given(text=ANY_TEXT)
def test_predict_gives_a_probability_or_a_clear_error(tiny_trained, text):
    if not text.strip():
        with pytest.raises(ValueError, match="empty text"): predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, text)
        return
    p = predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, text)
    assert p.label in ("Negative", "Positive") and 0 <= p.probability <= 1


@pytest.mark.parametrize("text", ["zorblax qwfp vvvvvv", "Great!\x00\x07\x1b[31m\u200b\ufeff film", "Ein großartiger Film 😍 映画 фильм שלום",
                                  "<html><b>bad</b><br /><script>alert(1)</script></html>", "a" * 100_000, "\u202e reversed"])
def test_odd_texts_get_a_prediction(tiny_trained, text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, text)
    assert 0 <= p.probability <= 1


@pytest.mark.slow
def test_ten_megabytes_of_text_is_cut_with_a_warning(tiny_trained):
    with pytest.warns(UserWarning, match="first 2000 tokens"):
        p = predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, "what a great movie " * 550_000)
    assert p.label == predict_sentiment(tiny_trained.model, tiny_trained.tokenizer, "what a great movie " * 500).label


def test_predict_batch_refuses_a_bare_string(tiny_trained):
    with pytest.raises(TypeError, match="list of texts"):
        predict_batch(tiny_trained.model, tiny_trained.tokenizer, "one text")


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory, tiny_trained):
    return save_model(tmp_path_factory.mktemp("saved")/"model", tiny_trained)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["model.safetensors", "tokenizer.json", "config.json"]), junk=st.binary(max_size=2000),
       keep=st.integers(min_value=0, max_value=4000))
def test_loader_refuses_random_bytes_with_a_clear_error(saved_model, tmp_path_factory, name, junk, keep):
    broken = tmp_path_factory.mktemp("broken")/"model"
    shutil.copytree(saved_model, broken)
    original = (broken/name).read_bytes()
    (broken/name).write_bytes(original[:keep] + junk)  # a truncated file with garbage after it
    try: load_model(broken)
    except (ValueError, FileNotFoundError) as err: assert name in str(err) or str(broken) in str(err)
