"""Issue 3's machinery: bigger models, the Word2Vec cache, the learning-rate schedule, resuming with dropout, DDP."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from sentiment_nb.config import PRESETS, TrainConfig, get_preset
from sentiment_nb.files import make_imdb_sample
from sentiment_nb.inference import predict_batch
from sentiment_nb.lstm import ModelConfig, SentimentModel, masked_max_mean, reverse_padded
from sentiment_nb.tokenizer import pad_id, train_tokenizer
from sentiment_nb.recipe import train_recipe
from sentiment_nb.saving import CheckpointCallback, ResumeCallback, load_checkpoint, load_model, save_model
from sentiment_nb.training import Callback, encode_split, lr_factor, make_batches, num_batches, train_model
from sentiment_nb.word2vec_cache import cached_word2vec, word2vec_key


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("pooling", ["last", "max_mean"])
def test_a_reviews_logit_does_not_depend_on_its_batch(bidirectional, pooling):
    torch.manual_seed(0)
    model = SentimentModel(ModelConfig(50, 8, 6, 0, bidirectional, pooling, dropout=0.5)).eval()
    short, long_ = torch.randint(1, 50, (1, 4)), torch.randint(1, 50, (1, 30))
    batch = torch.zeros(2, 30, dtype=torch.long); batch[0, :4], batch[1] = short, long_
    with torch.no_grad():
        alone, batched = model(short, torch.tensor([4])), model(batch, torch.tensor([4, 30]))
    assert torch.allclose(alone, batched[:1], atol=1e-6)
    assert torch.allclose(model(long_, torch.tensor([30])), batched[1:], atol=1e-6)


def test_reverse_padded_and_pooling_ignore_padding():
    x = torch.arange(1, 13.0).reshape(2, 6, 1)
    lengths = torch.tensor([6, 2])
    assert reverse_padded(x, lengths)[1, :, 0].tolist() == [8, 7, 9, 10, 11, 12]
    assert torch.equal(reverse_padded(reverse_padded(x, lengths), lengths), x)
    assert masked_max_mean(x, lengths)[1].tolist() == [8.0, 7.5]


def test_bad_model_settings_are_named():
    with pytest.raises(ValueError, match="pooling"): ModelConfig(10, pooling="attention-ish")
    with pytest.raises(ValueError, match="dropout"): ModelConfig(10, dropout=1.5)
    with pytest.raises(ValueError, match="lr_schedule"): TrainConfig(lr_schedule="cosine?")
    with pytest.raises(ValueError, match="embedding_init"): TrainConfig(embedding_init="glove")


def test_presets_are_what_the_issue_asks_for():
    assert set(PRESETS) >= {"tutorial", "fast", "best", "tiny"}
    tutorial = PRESETS["tutorial"]
    assert (tutorial.num_hiddens, tutorial.embed_size, tutorial.bidirectional, tutorial.epochs) == (256, 300, False, 3)
    assert PRESETS["best"].bidirectional and PRESETS["best"].pooling == "max_mean" and PRESETS["best"].dropout > 0


def test_linear_schedule_warms_up_then_falls_to_zero():
    config = get_preset("fast")
    factors = [lr_factor(config, s, 500) for s in range(500)]
    assert factors[:10] == sorted(factors[:10]) and factors[9] == 1.0
    assert factors[10:] == sorted(factors[10:], reverse=True) and 0 < factors[-1] < 0.01


def test_num_batches_counts_what_make_batches_gives(small_data):
    tokenizer = train_tokenizer(small_data["train"]["text"], 1_000)
    split = encode_split(tokenizer, small_data["train"], 64)
    for size, world in [(7, 1), (16, 1), (16, 2), (50, 3)]:
        shares = [len(list(make_batches(split, size, 0, True, torch.Generator().manual_seed(0), rank=r, world=world)))
                  for r in range(world)]
        assert shares == [num_batches(len(split), size, world)] * world


def test_word2vec_cache_reuses_and_survives_a_corrupt_file(small_data, tmp_path, monkeypatch):
    monkeypatch.setenv("SENTIMENT_NB_CACHE", str(tmp_path))
    tokenizer = train_tokenizer(small_data["train"]["text"], 1_000)
    texts = small_data["train"]["text"][:200]
    first = cached_word2vec(tokenizer, texts, log=None, vector_size=20, epochs=1)
    files = list((tmp_path/"word2vec").glob("*.bin"))
    assert [f.stem for f in files] == [word2vec_key(tokenizer, texts, vector_size=20, epochs=1)]
    assert np.array_equal(cached_word2vec(tokenizer, texts, log=None, vector_size=20, epochs=1).vectors, first.vectors)
    files[0].write_bytes(b"not a word2vec file")
    with pytest.warns(UserWarning, match="unreadable cache file"):
        again = cached_word2vec(tokenizer, texts, log=None, vector_size=20, epochs=1)
    assert np.array_equal(again.vectors, first.vectors)
    monkeypatch.setenv("SENTIMENT_NB_CACHE", "off")
    shutil.rmtree(tmp_path/"word2vec")
    cached_word2vec(tokenizer, texts, log=None, vector_size=20, epochs=1)
    assert not (tmp_path/"word2vec").exists()


@pytest.mark.slow
def test_a_bidirectional_model_saves_loads_and_resumes_with_dropout(small_data, tmp_path):
    "A crash in epoch 2 and a resume give bit-for-bit the weights of a straight run, dropout and all."
    config = get_preset("tiny", epochs=2, vocab_size=1_000, word2vec_epochs=1, bidirectional=True, pooling="max_mean",
                        dropout=0.3, lr_schedule="linear", clip_grad=1.0, bf16="auto")
    trained = train_recipe(small_data, config, progress=False, log=None)
    save_model(tmp_path/"model", trained)
    loaded = load_model(tmp_path/"model")
    assert loaded.model.config == trained.model.config and loaded.config == config
    texts = ["a fine film", "dreadful", "not good at all"]
    assert predict_batch(loaded.model, loaded.tokenizer, texts) == predict_batch(trained.model, trained.tokenizer, texts)

    tokenizer = trained.tokenizer
    train, valid = (encode_split(tokenizer, small_data[s], config.max_length) for s in ("train", "valid"))
    def fresh():
        torch.manual_seed(1)
        return SentimentModel(config.model_config(tokenizer.get_vocab_size(), pad_id(tokenizer)))
    straight = fresh()
    torch.manual_seed(7)
    train_model(straight, train, valid, config, tokenizer, progress=False, log=None)

    class Crash(Exception): pass
    class CrashInEpoch2(Callback):
        order = 20  # after the checkpoint
        def after_batch(self, learn):
            if learn.state.epoch == 2 and learn.state.step == 3: raise Crash
    interrupted = fresh()
    torch.manual_seed(7)
    with pytest.raises(Crash):
        train_model(interrupted, train, valid, config, tokenizer, [CheckpointCallback(tmp_path/"ckpt", every=3), CrashInEpoch2()],
                    progress=False, log=None)
    torch.manual_seed(12345)  # a different global generator: the checkpoint must restore it
    saved = load_checkpoint(tmp_path/"ckpt")
    assert (saved.state.epoch, saved.state.step) == (2, 3)
    train_model(saved.model, train, valid, config, tokenizer, [ResumeCallback(saved)], progress=False, log=None)
    for name, value in straight.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[name]), name


def _easy_reviews(out_dir, sizes={"train": 2000, "test": 400}, seed=0):
    "A folder in Hugging Face layout whose label any model can learn: each review holds words of one polarity among neutral ones."
    from datasets import ClassLabel, Dataset, Features, Value
    features = Features({"text": Value("string"), "label": ClassLabel(names=["neg", "pos"])})
    rng = np.random.default_rng(seed)
    polar = {1: "great wonderful superb loved brilliant moving".split(), 0: "awful terrible boring hated dreadful dull".split()}
    neutral = "the film a story actor scene plot was it and this of".split()
    for split, n in sizes.items():
        labels = np.arange(n) % 2
        texts = [" ".join(rng.choice(neutral, 12).tolist() + rng.choice(polar[int(y)], 3).tolist()) for y in labels]
        (out_dir/"plain_text").mkdir(parents=True, exist_ok=True)
        Dataset.from_dict({"text": texts, "label": labels.tolist()}, features=features).to_parquet(
            str(out_dir/"plain_text"/f"{split}-00000-of-00001.parquet"))
    return out_dir


@pytest.mark.slow
def test_torchrun_two_cpu_processes_learn(tmp_path):
    """Data-parallel training with torchrun and gloo: 2 processes, one model saved, and it learned.

    The data are made so that learning is not borderline: whether `tiny` learns the real sample in 4 epochs
    depends on the CPU's floating-point kernels (it did not on an AVX2-only EPYC), which is not what DDP promises."""
    data = _easy_reviews(tmp_path/"data")
    torchrun = shutil.which("torchrun") or pytest.fail("torchrun is not on PATH")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run([torchrun, "--standalone", "--nproc_per_node", "2", "--no-python", "sentiment-nb", "train",
                          "--data", str(data), "--preset", "tiny", "--epochs", "4", "--vocab-size", "2000", "--bf16", "false",
                          "--out", str(tmp_path/"ddp"), "--quiet"], capture_output=True, text=True, timeout=900, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert len(results) == 1, "only process 0 reports and saves"
    result = results[0]
    assert result["processes"] == 2
    history = json.loads((tmp_path/"ddp"/"config.json").read_text())["history"]
    assert history[-1]["train_loss"] < history[0]["train_loss"] - 0.02, history
    assert result["test_accuracy"] > 0.9, result
