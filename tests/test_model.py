"""The model, the loss and the training loop: padding invariance, hand-computed loss, determinism."""
import math

import pytest
import torch
from torch import nn

from sentiment_nb.loss import bce_with_logits, logit_to_probability
from sentiment_nb.lstm import ModelConfig, SentimentModel
from sentiment_nb.tokenizer import pad_batch
from sentiment_nb.training import EncodedSplit, fit_sentiment_model, make_batches, padding_share, train_model


def test_logit_does_not_depend_on_batch_padding():
    torch.manual_seed(0)
    model = SentimentModel(ModelConfig(vocab_size=50, embed_size=8, num_hiddens=6, pad_id=0)).eval()
    generator = torch.Generator().manual_seed(1)
    reviews = [torch.randint(1, 50, (n,), generator=generator).tolist() for n in (1, 3, 7, 20, 64)]
    with torch.no_grad():
        alone = [float(model(*pad_batch([r], 0))[0]) for r in reviews]
        batch = model(*pad_batch(reviews, 0)).tolist()
        shuffled = model(*pad_batch(reviews[::-1], 0)).tolist()[::-1]
    assert batch == pytest.approx(alone, abs=1e-5)
    assert shuffled == pytest.approx(alone, abs=1e-5)


def test_classic_hidden_last_depends_on_padding():
    "The bug the model fixes is real: hidden[-1] over a padded batch changes a short review's logit."
    torch.manual_seed(0)
    model = SentimentModel(ModelConfig(vocab_size=50, embed_size=8, num_hiddens=6)).eval()
    short, long = [5, 6, 7], list(range(1, 40))
    with torch.no_grad():
        _, (h_alone, _) = model.lstm(model.embedding(pad_batch([short], 0)[0]))
        _, (h_batch, _) = model.lstm(model.embedding(pad_batch([short, long], 0)[0]))
    assert not torch.allclose(h_alone[-1, 0], h_batch[-1, 0], atol=1e-4)


def test_hand_computed_loss_matches_torch():
    # logit 2, label 1: p = 1/(1+e^-2) = 0.880797, loss = -ln p = 0.126928; label 0: -ln(1-p) = 2.126928
    assert float(bce_with_logits(torch.tensor([2.0]), torch.tensor([1]))) == pytest.approx(0.126928, abs=1e-6)
    assert float(bce_with_logits(torch.tensor([2.0]), torch.tensor([0]))) == pytest.approx(2.126928, abs=1e-6)
    assert float(logit_to_probability(torch.tensor(0.0))) == 0.5
    generator = torch.Generator().manual_seed(0)
    logits = torch.cat([torch.randn(1000, generator=generator) * 10, torch.tensor([80.0, -80.0, 0.0])])
    labels = torch.randint(0, 2, (len(logits),), generator=generator)
    ours, reference = bce_with_logits(logits, labels), nn.BCEWithLogitsLoss()(logits, labels.float())
    assert torch.isfinite(ours) and torch.isclose(ours, reference, rtol=1e-6)


def test_bucketing_reduces_padding_and_keeps_every_review():
    generator = torch.Generator().manual_seed(0)
    lengths = torch.randint(1, 500, (2000,), generator=generator).tolist()
    split = EncodedSplit([[1] * n for n in lengths], torch.zeros(len(lengths)))
    seen = sorted(int(n) for _, lens, _ in make_batches(split, 32, 0, shuffle=True, generator=generator) for n in lens)
    assert seen == sorted(lengths)
    plain = padding_share(make_batches(split, 32, 0, shuffle=True, generator=generator, bucket=1))
    bucketed = padding_share(make_batches(split, 32, 0, shuffle=True, generator=generator))
    assert plain > 0.4 and bucketed < 0.05


@pytest.mark.slow
def test_training_learns_and_reports_every_epoch(small_data, tiny_config):
    trained = fit_sentiment_model(small_data, tiny_config.__class__(**{**tiny_config.to_dict(), "epochs": 3}), progress=False, log=None)
    assert [row["epoch"] for row in trained.history] == [1, 2, 3]
    assert trained.history[-1]["train_loss"] < trained.history[0]["train_loss"] < math.log(2) + 0.05
    assert {"train_loss", "valid_loss", "valid_accuracy", "seconds"} <= set(trained.history[0])


@pytest.mark.slow
def test_same_seed_same_weights(small_data, tiny_config, tiny_trained):
    again = fit_sentiment_model(small_data, tiny_config, progress=False, log=None)
    for name, tensor in tiny_trained.model.state_dict().items():  # bit for bit
        assert torch.equal(tensor, again.model.state_dict()[name]), name


def test_diverging_loss_stops_with_a_clear_error(tiny_config, tiny_trained):
    model = SentimentModel(ModelConfig(vocab_size=20, embed_size=4, num_hiddens=3))
    with torch.no_grad(): model.linear.bias.fill_(float("inf"))  # what a diverged model looks like
    split = EncodedSplit([[1, 2, 3], [4, 5]] * 8, torch.tensor([0.0, 1.0] * 8))
    with pytest.raises(FloatingPointError, match="lower lr"):
        train_model(model, split, split, tiny_config, tiny_trained.tokenizer, progress=False, log=None)
