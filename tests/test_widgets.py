"""The plain functions behind the widgets, checked without any UI, and each widget's wiring
(change an input, the display changes) without a browser. tests/test_browser.py does the same
in a real browser."""
import dataclasses
import io
import time

import numpy as np
import pytest
import torch
from torch import nn

from sentiment_nb.embeddings import embedding_vectors, nearest_words, neighbours_html, project_words
from sentiment_nb.inference import importance_html, predict_sentiment, sentiment_explorer, word_importance
from sentiment_nb.loss import loss_at, loss_explorer, loss_html, plot_loss_curve
from sentiment_nb.lstm import (ModelConfig, SentimentModel, lstm_cell_step, lstm_explorer, lstm_step_html, lstm_trace,
                               lstm_weights, plot_lstm_trace)
from sentiment_nb.pytorch_primer import BagOfVectors, plot_weight_effect, weight_effect, weight_explorer, weight_html, weight_losses
from sentiment_nb.text import length_histogram, pick_reviews, plot_length_histogram, review_browser, review_html
from sentiment_nb.tokenizer import (PAD, RUNNING_EXAMPLE, TUTORIAL_SENTENCES, UNK, SentimentTokenizer, pad_id, padded_grid, shrink_vocabulary,
                                    token_table, tokenizer_explorer, tokens_html, train_tokenizer, vocabulary_counts)
from sentiment_nb.watch import score_sentences, training_dashboard, watch_training


def _lstm_step_by_step(lstm: nn.LSTM, x: torch.Tensor):
    "h and c after every step from nn.LSTM itself, fed one token at a time: each [time, hidden]."
    hs, cs, state = [], [], None
    with torch.no_grad():
        for t in range(x.shape[0]):
            _, state = lstm(x[None, t:t + 1], state)
            hs.append(state[0][0, 0]); cs.append(state[1][0, 0])
    return torch.stack(hs), torch.stack(cs)


# --- 03: the LSTM cell by hand -------------------------------------------------------------

def test_lstm_trace_matches_nn_lstm(tiny_trained):
    model, tokenizer = tiny_trained.model, tiny_trained.tokenizer
    text = "I really love this movie, but the ending was a total zorblaxian mess!"
    trace = lstm_trace(model, tokenizer, text)
    ids = tokenizer.encode(text).ids
    assert trace["ids"] == ids and trace["tokens"] == tokenizer.encode(text).tokens
    with torch.no_grad(): h, c = _lstm_step_by_step(model.lstm, model.embedding(torch.tensor(ids)))
    assert trace["h"].shape == trace["c"].shape == (len(ids), model.lstm.hidden_size)
    assert np.abs(trace["h"] - h.numpy()).max() < 1e-5 and np.abs(trace["c"] - c.numpy()).max() < 1e-5
    for gate in "ifo": assert ((trace[gate] > 0) & (trace[gate] < 1)).all()
    assert (np.abs(trace["g"]) <= 1).all() and np.allclose(trace["h"], trace["o"] * np.tanh(trace["c"]), atol=1e-6)
    assert abs(trace["probability"] - predict_sentiment(model, tokenizer, text).probability) < 1e-4
    assert abs(trace["prefix_probability"][2] - predict_sentiment(model, tokenizer, "I really love").probability) < 1e-4


def test_lstm_cell_step_matches_lstm_cell_on_random_weights():
    torch.manual_seed(1)
    lstm, cell = nn.LSTM(6, 4, batch_first=True), nn.LSTMCell(6, 4)
    cell.load_state_dict({k[:-3]: v for k, v in lstm.state_dict().items()})  # weight_ih_l0 -> weight_ih
    x, h, c = torch.randn(6), torch.randn(4), torch.randn(4)
    step = lstm_cell_step(x, h, c, lstm_weights(lstm))
    with torch.no_grad(): h2, c2 = cell(x[None], (h[None], c[None]))
    assert torch.allclose(step["h"], h2[0], atol=1e-6) and torch.allclose(step["c"], c2[0], atol=1e-6)
    swapped = dict(lstm_weights(lstm)); swapped["i"], swapped["f"] = swapped["f"], swapped["i"]  # a wrong gate order must show
    assert not torch.allclose(lstm_cell_step(x, h, c, swapped)["c"], c2[0], atol=1e-3)


def test_lstm_weights_refuses_what_it_cannot_read():
    for lstm in (nn.LSTM(4, 3, bidirectional=True), nn.LSTM(4, 3, num_layers=2)):
        with pytest.raises(ValueError, match="one-layer, one-direction"): lstm_weights(lstm)


def test_lstm_trace_refuses_text_without_tokens_and_cuts_long_text(tiny_trained):
    with pytest.raises(ValueError, match="no tokens"): lstm_trace(tiny_trained.model, tiny_trained.tokenizer, "   ")
    assert len(lstm_trace(tiny_trained.model, tiny_trained.tokenizer, "good " * 100, max_tokens=10)["tokens"]) == 10


def test_lstm_pictures(tiny_trained):
    trace = lstm_trace(tiny_trained.model, tiny_trained.tokenizer, RUNNING_EXAMPLE)
    page = lstm_step_html(trace, 0, num_units=8)
    assert "step 1 of 5" in page and page.count("<span title=") == 6 * 8
    assert [t.get_text() for t in plot_lstm_trace(trace).axes[0].get_yticklabels()] == trace["tokens"]


def test_lstm_explorer_follows_text_and_slider(tiny_trained):
    box, slider, out = lstm_explorer(tiny_trained.model, tiny_trained.tokenizer).children
    assert slider.max == slider.value == 5 and "step 5 of 5" in out.value
    slider.value = 2
    assert "step 2 of 5" in out.value
    box.value = "what a boring film"
    assert slider.max == 4 and "step 4 of 4" in out.value and "boring" in out.value
    box.value = ""
    assert "no tokens" in out.value


# --- 06: which words push the prediction --------------------------------------------------

def test_word_importance_is_leave_one_word_out(tiny_trained):
    model, tokenizer = tiny_trained.model, tiny_trained.tokenizer
    text = "Worst movie I have ever seen."
    result = word_importance(model, tokenizer, text)
    assert result["words"] == ["Worst", "movie", "I", "have", "ever", "seen", "."] and len(result["scores"]) == 7
    logit = lambda t: float(torch.logit(torch.tensor(predict_sentiment(model, tokenizer, t).probability, dtype=torch.float64)))
    assert abs(result["logit"] - logit(text)) < 1e-3
    assert abs(result["scores"][0] - (logit(text) - logit("movie I have ever seen."))) < 1e-3


def test_word_importance_signs_on_a_model_built_to_know_one_word():
    "A model whose only signal is the embedding of ID 3 ('great'): that word must get the largest positive score."
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    hf = Tokenizer(WordLevel({PAD: 0, UNK: 1, "a": 2, "great": 3, "film": 4}, unk_token=UNK))
    hf.pre_tokenizer = Whitespace()
    tokenizer = SentimentTokenizer(hf)
    torch.manual_seed(0)
    model = SentimentModel(ModelConfig(vocab_size=5, embed_size=2, num_hiddens=2))
    with torch.no_grad():
        for p in model.parameters(): p.zero_()
        model.embedding.weight[3, 0] = 5.0  # only 'great' carries a signal
        # rows of the stacked LSTM weights: 0:2 input gate, 2:4 forget gate, 4:6 candidate, 6:8 output gate
        model.lstm.weight_ih_l0[0:2, 0] = 5.0  # the input gates open for it
        model.lstm.weight_ih_l0[4:6, 0] = 5.0  # the candidate follows it
        model.lstm.bias_ih_l0[2:4] = 5.0  # the forget gates stay open: remember it
        model.lstm.bias_ih_l0[6:8] = 5.0  # the output gates stay open
        model.linear.weight[0] = 3.0
    result = word_importance(model, tokenizer, "a great film")
    assert result["probability"] > 0.9 and max(result["scores"]) == result["scores"][1] > 1
    assert abs(result["scores"][0]) < 1e-3  # before 'great' nothing happens
    assert abs(result["scores"][2]) < 0.1  # after it, the memory fades only a little (forget gate 0.993)
    page = importance_html(result)
    assert "rgba(0,160,0,1.00)" in page and "Positive" in page


def test_sentiment_explorer_offers_the_tutorial_sentences(tiny_trained):
    menu, box, bar, out = sentiment_explorer(tiny_trained.model, tiny_trained.tokenizer).children
    assert [o[1] for o in menu.options[2:]] == list(TUTORIAL_SENTENCES) and "really" in out.value
    menu.value = TUTORIAL_SENTENCES[2]
    assert box.value == TUTORIAL_SENTENCES[2] and "think" in out.value and 0 < bar.value < 1
    box.value = "  "
    assert "type some text" in out.value


# --- 01, 00, 02, 04 ---------------------------------------------------------------------

def test_token_table_grid_and_html_mark_unknown_and_padding(tiny_trained):
    tokenizer = tiny_trained.tokenizer
    assert [r["unknown"] for r in token_table(tokenizer, "I love zorblaxian")] == [False, False, True]
    grid = padded_grid(tokenizer, ["I love this movie", "zorblaxian"])
    assert grid["tokens"][1] == [UNK, PAD, PAD, PAD] and grid["lengths"] == [4, 1]
    page = tokens_html(tokenizer, ["I love this movie", "zorblaxian"])
    assert "&lt;unk&gt;" in page and "&lt;pad&gt;" in page and "2 × 4" in page and "<unk>" not in page


def test_shrink_vocabulary_is_what_training_gives(small_data):
    texts = small_data["train"]["text"]
    full, counts = vocabulary_counts(texts)
    for size, min_freq in ((50, 1), (1_000, 3), (100_000, 2)):
        assert shrink_vocabulary(full, counts, size, min_freq).get_vocab() == train_tokenizer(texts, size, min_freq).get_vocab()
    small = shrink_vocabulary(full, counts, 50, 1)
    assert small.encode("I love zorblaxian").tokens[-1] == UNK and small.hf.normalizer is not None


def test_tokenizer_explorer_follows_the_controls(small_data):
    box, controls, out = tokenizer_explorer(train_tokenizer(small_data["train"]["text"]), texts=small_data["train"]["text"]).children
    sizes, min_freq = controls.children
    before = out.value
    sizes.value = 100
    assert out.value != before and "vocabulary: 100 tokens" in out.value and out.value.count("#fcc") > before.count("#fcc")
    box.value = "love"
    assert "love" in out.value


def test_text_helpers(small_data):
    hist = length_histogram(small_data["train"]["text"], bins=10, max_words=500)
    assert hist["counts"].sum() == len(small_data["train"]) and hist["edges"][-1] == 500
    assert review_html("A<br />B<br/>C") == ("A<code style='color:#c00'>&lt;br /&gt;</code>B"
                                              "<code style='color:#c00'>&lt;br/&gt;</code>C")
    assert "<script>" not in review_html("<script>x</script>")
    browser = review_browser(small_data["train"])
    (label, words), out = browser.children[0].children, browser.children[2]
    label.value = 1
    assert "[Positive" in out.value and "[Negative" not in out.value
    words.value = (5, 6)
    assert "no review matches" in out.value
    plot_length_histogram(small_data["train"]["text"], (0, 100))


def test_embedding_helpers(tiny_trained, small_data):
    tokenizer = tiny_trained.tokenizer
    tuned = embedding_vectors(tokenizer, tiny_trained.model.embedding.weight)
    assert len(tuned) == tokenizer.get_vocab_size() - 2
    assert np.allclose(tuned["movie"], tiny_trained.model.embedding.weight[tokenizer.token_to_id("movie")].detach().numpy())
    with pytest.raises(ValueError, match="rows but the tokenizer has"): embedding_vectors(tokenizer, torch.zeros(3, 4))
    projection = project_words(tuned, ["good", "bad", "Movie", "zorblax", " "])
    assert projection["words"] == ["good", "bad", "movie"] and projection["missing"] == ["zorblax"]
    assert projection["xy"].shape == (3, 2) and np.allclose(projection["xy"].mean(0), 0, atol=1e-5)
    page = neighbours_html("movie", {"before": tuned, "after": tuned})
    assert page.count("<th>") == 2 and nearest_words(tuned, "movie")[0][0] in page


def test_loss_numbers_and_gradient_direction():
    assert loss_at(0.0)["probability"] == 0.5 and abs(loss_at(0.0)["loss_label_1"] - np.log(2)) < 1e-6
    assert "pushes the logit down" in loss_html(3.0) and "pushes the logit up" in loss_html(3.0)
    assert "logit z = -6.0" in loss_html(-6)
    slider, numbers, _ = loss_explorer(1.0).children
    before = numbers.value
    slider.value = -2.0
    assert numbers.value != before and "logit z = -2.0" in numbers.value


def test_weight_effect_is_a_finite_difference_and_changes_nothing():
    torch.manual_seed(0)
    model, ids = BagOfVectors(20, 3), torch.tensor([[1, 2, 3, 2]])  # [1, 4]
    before = [p.detach().clone() for p in model.parameters()]
    point = weight_effect(model, ids, 1, 0.7, "linear.bias", (0,))
    up, down = weight_losses(model, ids, 1, [0.7 + 1e-3, 0.7 - 1e-3], "linear.bias", (0,))
    assert abs(point["gradient"] - (up - down) / 2e-3) < 1e-3
    assert abs(point["gradient"] - (torch.sigmoid(torch.tensor(point["logit"])).item() - 1)) < 1e-5  # the bias's: σ(z) − y
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert "goes up ↑" in weight_html(point) and point["next_value"] > 0.7
    slider, label, numbers, _ = weight_explorer(model, ids, 0.7, "linear.bias", (0,)).children
    shown = numbers.value
    label.value = 0.0
    assert numbers.value != shown and "goes down ↓" in numbers.value
    slider.value = -3.0
    assert "weight -3.00" in numbers.value


# --- 05: the training dashboard ------------------------------------------------------------

def test_score_sentences_keeps_the_mode(tiny_trained):
    model = tiny_trained.model.train()
    probabilities = score_sentences(model, tiny_trained.tokenizer, list(TUTORIAL_SENTENCES))
    assert model.training and len(probabilities) == 3
    assert abs(probabilities[1] - predict_sentiment(model.eval(), tiny_trained.tokenizer, TUTORIAL_SENTENCES[1]).probability) < 1e-4


def test_watch_training_records_and_changes_nothing(small_data, tiny_config, tiny_trained):
    seen = []
    watched, rows = watch_training(small_data, tiny_config, every=10, on_record=seen.append)
    steps = -(-len(small_data["train"]) // tiny_config.batch_size)
    assert [r["batch"] for r in rows] == [0, 10, 20, steps] and seen == rows
    assert rows[0]["train_loss"] is None and rows[-1]["valid_accuracy"] == watched.history[-1]["valid_accuracy"]
    assert all(len(r["probabilities"]) == 4 for r in rows)
    for name, weight in tiny_trained.model.state_dict().items():
        assert torch.equal(weight, watched.model.state_dict()[name]), f"watching changed {name}"
    with pytest.raises(ValueError, match="every"): watch_training(small_data, tiny_config, every=0)


@pytest.mark.slow
def test_training_dashboard_replays_snapshots(small_data, tiny_config):
    dashboard, start = training_dashboard(small_data, tiny_config, every=10)
    bar, _, snapshot, table = dashboard.children
    trained = start()
    assert bar.value == bar.max == 25 and snapshot.max == 3 and "batch 25" in table.value
    snapshot.value = 0
    assert "batch 0 (epoch 0)" in table.value and len(trained.history) == 1


# --- responsiveness ---------------------------------------------------------------------------

def _median_ms(update, repeats: int = 5) -> float:
    update()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); update(); times.append(time.perf_counter() - start)
    return 1000 * sorted(times)[repeats // 2]


def _png(fig):
    import matplotlib.pyplot as plt
    fig.savefig(io.BytesIO(), format="png"); plt.close(fig)


@pytest.fixture(scope="module")
def fast_sized(sample_data):
    "An untrained model of the `fast` preset's size: 30,000 words, 300-d embeddings, 128 hidden units per direction."
    tokenizer = train_tokenizer(sample_data["train"]["text"], vocab_size=30_000, min_frequency=1)
    assert tokenizer.get_vocab_size() == 30_000
    fields = {f.name for f in dataclasses.fields(ModelConfig)}
    extra = {"bidirectional": True} if "bidirectional" in fields else {}
    torch.manual_seed(0)
    return SentimentModel(ModelConfig(30_000, 300, 128, pad_id(tokenizer), **extra)).eval(), tokenizer


@pytest.mark.slow
def test_widget_updates_take_less_than_200_ms(fast_sized, small_data, sample_data, capsys):
    model, tokenizer = fast_sized
    text = "I don't think this is a good movie, although the actors really tried their best."
    trace = lstm_trace(model, tokenizer, text)
    vectors = embedding_vectors(tokenizer, model.embedding.weight)
    train_texts = small_data["train"]["text"]
    full, counts = vocabulary_counts(sample_data["train"]["text"])
    bag, ids = BagOfVectors(tokenizer.get_vocab_size(), 4), torch.tensor([tokenizer.encode(RUNNING_EXAMPLE).ids])  # as in 02p
    updates = {
        "03 lstm: new text (trace + HTML)": lambda: lstm_step_html(lstm_trace(model, tokenizer, text), 3),
        "03 lstm: slider step (HTML)": lambda: lstm_step_html(trace, 5),
        "06 inference: new text (leave-one-out + HTML)": lambda: importance_html(word_importance(model, tokenizer, text)),
        "01 tokenizer: new text (tables)": lambda: tokens_html(tokenizer, [text, RUNNING_EXAMPLE]),
        "01 tokenizer: vocab_size slider (shrink + tables)": lambda: tokens_html(shrink_vocabulary(full, counts, 5_000, 3), [text]),
        "02 embeddings: new word (neighbours)": lambda: neighbours_html("movie", {"a": vectors, "b": vectors}),
        "02p pytorch: slider (numbers + figure as PNG)": lambda: (weight_html(weight_effect(bag, ids, 1, 1.3)),
                                                                  _png(plot_weight_effect(bag, ids, 1, 1.3))),
        "04 loss: slider (numbers + figure as PNG)": lambda: (loss_html(1.3), _png(plot_loss_curve(1.3))),
        "00 text: filter (reviews + histogram as PNG)": lambda: (pick_reviews(small_data["train"], 1, 0, 200, 3),
                                                                 _png(plot_length_histogram(train_texts, (0, 200)))),
    }
    times = {name: _median_ms(update) for name, update in updates.items()}
    with capsys.disabled():
        print("\nwidget update times on a fast-sized model:")
        for name, ms in times.items(): print(f"  {name}: {ms:.1f} ms")
    slow = {name: round(ms) for name, ms in times.items() if ms >= 200}
    assert not slow, f"updates slower than 200 ms: {slow}"
