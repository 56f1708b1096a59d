"""Files written by the previous version (sentiment_nb 0.2.0, before the package was split into
config / saving / training / ...) still load and give the same answers: a model directory and a
training checkpoint (tests/data/compat, made with a scope-negation tiny model)."""
import json
from pathlib import Path

import pytest

from sentiment_nb.inference import predict_batch
from sentiment_nb.saving import ResumeCallback, load_checkpoint, load_model
from sentiment_nb.tokenizer import pad_id
from sentiment_nb.training import encode_split, train_model

COMPAT = Path(__file__).parent/"data"/"compat"
EXPECTED = json.loads((COMPAT/"expected.json").read_text())


def test_a_model_saved_by_0_2_0_loads_and_predicts_the_same():
    trained = load_model(COMPAT/"model-0.2.0")
    assert trained.tokenizer.negation == EXPECTED["negation"] == "scope"
    got = [p.probability for p in predict_batch(trained.model, trained.tokenizer, EXPECTED["texts"])]
    assert got == EXPECTED["model_probabilities"]


@pytest.mark.slow
def test_a_checkpoint_saved_by_0_2_0_loads_and_resumes(small_data):
    saved = load_checkpoint(COMPAT/"checkpoint-0.2.0")
    assert (saved.state.epoch, saved.state.step) == tuple(EXPECTED["checkpoint_state"].values())
    got = [p.probability for p in predict_batch(saved.model, saved.tokenizer, EXPECTED["texts"])]
    assert got == EXPECTED["checkpoint_probabilities"]
    train, valid = (encode_split(saved.tokenizer, small_data[s], saved.config.max_length) for s in ("train", "valid"))
    history = train_model(saved.model, train, valid, saved.config, saved.tokenizer, [ResumeCallback(saved)], progress=False,
                          log=None)
    assert len(history) == 1 and history[0]["epoch"] == 1
