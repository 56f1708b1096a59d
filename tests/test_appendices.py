"""Fast checks of the appendix modules no other test file imports: packing (03a), speed (05e) and figures (08).
Their notebooks test them at length (`nbdev_test`); these keep them in the quick loop, `pytest -m "not slow"`."""
import matplotlib.pyplot as plt
import pytest
import torch

from sentiment_nb.figures import padded_batch_layout, plot_history
from sentiment_nb.lstm import ModelConfig, SentimentModel
from sentiment_nb.packing import packed_forward, packed_states
from sentiment_nb.speed import time_steps
from sentiment_nb.tokenizer import train_tokenizer


def padded_batch():
    ids = torch.randint(1, 50, (3, 7)); lengths = torch.tensor([7, 2, 4])
    ids[torch.arange(7)[None] >= lengths[:, None]] = 0  # [3, 7], right-padded with <pad> = 0
    return ids, lengths


@pytest.mark.parametrize("bidirectional", [False, True])
def test_packing_gives_our_models_states(bidirectional):
    torch.manual_seed(0)
    model, (ids, lengths) = SentimentModel(ModelConfig(50, 8, 6, 0, bidirectional)).eval(), padded_batch()
    with torch.no_grad():
        states = model.states(ids, lengths) * (torch.arange(7)[None, :, None] < lengths[:, None, None])  # zero after each end
        assert torch.allclose(packed_states(model, ids, lengths), states, atol=1e-6)
        if not bidirectional: assert torch.allclose(packed_forward(model, ids, lengths), model(ids, lengths), atol=1e-6)
    if bidirectional:
        with pytest.raises(ValueError, match="plain model only"): packed_forward(model, ids, lengths)


def test_time_steps_interleaves_warm_up_and_rounds():  # lever_rows: tests/test_bench.py
    calls = []
    means = time_steps({"a": lambda: calls.append("a") or 1.0, "b": lambda: calls.append("b") or 3.0}, rounds=2, per_round={"a": 1, "b": 2})
    assert means == {"a": 1.0, "b": 3.0} and calls == ["a", "b", "a", "b", "b", "a", "b", "b"]  # warm-up, then round by round


def test_figures_lay_out_the_padded_batch_and_plot_the_history():
    tokenizer = train_tokenizer(["I really love this movie", "awful", "a fine film"] * 3, 50, 1)
    layout = padded_batch_layout(tokenizer, ["I really love this movie", "awful"])
    assert layout["lengths"] == [5, 1] and layout["read_column"] == 4 and layout["reads_pad"] == [False, True]
    with pytest.raises(ValueError, match="at least one text"): padded_batch_layout(tokenizer, [])
    fig = plot_history([{"epoch": 1, "train_loss": 0.7, "valid_loss": 0.6, "valid_accuracy": 0.6},
                        {"epoch": 2, "train_loss": 0.5, "valid_loss": 0.5, "valid_accuracy": 0.7}])
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2
    plt.close(fig)
