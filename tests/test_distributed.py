"""Data-parallel training is the same training, only shared: two torchrun processes, each on its own batch of
every step, end with the weights of one process that trains on both batches at once.

Under torchrun, `batch_groups` deals each epoch's shuffled batches out in turn (process r takes batches r, r + 2, ...),
so step k of 2 processes with batch size B sees batches 2k and 2k + 1; DDP averages their gradients. Both batches
hold B reviews, so that average is the gradient of the mean loss over the 2B reviews together: one process with
the two batches padded into one of 2B reviews, the same learning-rate schedule and the same clipping, takes the
same steps. Only the order of the float additions differs, hence a tolerance, not bit-for-bit equality.

Run as a script (`torchrun --nproc_per_node 2 tests/test_distributed.py OUT`) this file is the processes' side."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from sentiment_nb.config import get_preset
from sentiment_nb.distributed import DistributedCallback, distributed_rank, init_distributed
from sentiment_nb.lstm import ModelConfig, SentimentModel
from sentiment_nb.tokenizer import encode_texts, load_tokenizer, pad_batch, pad_id, save_tokenizer, train_tokenizer
from sentiment_nb.training import (Callback, EncodedSplit, batch_groups, lr_factor, make_optimizer, num_batches,
                                   planned_epochs, train_model)

WORLD = 2  # processes
CONFIG = get_preset("tiny", embed_size=16, num_hiddens=16, batch_size=8, epochs=2, lr=1e-2, lr_schedule="linear",
                    clip_grad=1.0, bf16=False)  # batch_size: per process; no dropout, so nothing random but the shuffle
REVIEWS = 96  # 12 batches of 8: every batch is full, 6 steps per epoch for 2 processes


def reviews() -> tuple[list[str], list[int]]:
    "Short reviews of 3 to 30 words (so the batches need padding), half of them positive."
    rng = np.random.default_rng(0)
    words = {1: "great wonderful superb loved brilliant".split(), 0: "awful terrible boring hated dull".split()}
    neutral = "the film a story actor scene plot was it and".split()
    labels = [i % 2 for i in range(REVIEWS)]
    texts = [" ".join(rng.choice(neutral + words[y], rng.integers(3, 31)).tolist()) for y in labels]
    return texts, labels


def small_problem(tokenizer_file: Path):
    "The same model, reviews and tokenizer in every process (the tokenizer is read from one file, trained once)."
    tokenizer = load_tokenizer(tokenizer_file)
    texts, labels = reviews()
    train = EncodedSplit(encode_texts(tokenizer, texts), torch.tensor(labels, dtype=torch.float))
    torch.manual_seed(0)
    model = SentimentModel(CONFIG.model_config(tokenizer.get_vocab_size(), pad_id(tokenizer)))
    return model, train, tokenizer


class LossRecorder(Callback):
    "Each step's loss on this process's batch."
    def __init__(self): self.losses = []
    def after_loss(self, learn): self.losses.append(learn.loss.item())


def train_one_process_of_several(out: Path):
    "What each torchrun process runs: train with DistributedCallback, then write its weights and losses to `out`."
    rank, world = init_distributed("cpu")
    model, train, tokenizer = small_problem(out/"tokenizer.json")
    losses = LossRecorder()
    train_model(model, train, train, CONFIG, tokenizer, [DistributedCallback(), losses], progress=False, log=None)
    save_file(model.state_dict(), str(out/f"rank{rank}.safetensors"))
    (out/f"rank{rank}.json").write_text(json.dumps({"world": world, "losses": losses.losses}))


def train_one_process_on_both_batches(model, train, tokenizer, world: int = WORLD):
    "The same steps in one process: step k trains on the `world` batches the processes take, padded into one."
    optimizer, generator = make_optimizer(model, CONFIG), torch.Generator().manual_seed(CONFIG.seed)
    steps = num_batches(len(train), CONFIG.batch_size, world)  # per epoch, as each process counts them
    epochs, losses = planned_epochs(CONFIG, steps), []  # losses: [step][process]
    for epoch in range(epochs):
        groups = batch_groups([len(x) for x in train.ids], CONFIG.batch_size, True, generator)  # the shuffle each process makes
        for step in range(steps):
            both = groups[step * world:(step + 1) * world]  # process r takes groups[r::world]: step k's are k·world + r
            ids, lengths = pad_batch([train.ids[i] for group in both for i in group], pad_id(tokenizer))  # [world·B, longest]
            labels = train.labels[[i for group in both for i in group]]
            for param_group in optimizer.param_groups:
                param_group["lr"] = CONFIG.lr * param_group["lr_share"] * lr_factor(CONFIG, epoch * steps + step, epochs * steps)
            optimizer.zero_grad()
            logits = model(ids, lengths)  # [world·B]
            torch.nn.functional.binary_cross_entropy_with_logits(logits, labels).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CONFIG.clip_grad)
            optimizer.step()
            halves = zip(logits.detach().split(CONFIG.batch_size), labels.split(CONFIG.batch_size))
            losses.append([torch.nn.functional.binary_cross_entropy_with_logits(l, y).item() for l, y in halves])
    return losses


def test_without_torchrun_one_process_trains_its_model_unwrapped(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert init_distributed("cpu") == distributed_rank() == (0, 1)
    model = SentimentModel(ModelConfig(50, 8, 6))
    learn = type("Learn", (), {"model": model, "forward": model})()  # what DistributedCallback reads and writes of a Learner
    DistributedCallback().before_fit(learn)
    assert (learn.rank, learn.world) == (0, 1) and learn.forward is model  # no DistributedDataParallel wrapper


@pytest.mark.slow
def test_two_processes_train_as_one_on_the_same_global_batch(tmp_path):
    texts, _ = reviews()
    save_tokenizer(train_tokenizer(texts, 100, 1), tmp_path/"tokenizer.json")
    torchrun = shutil.which("torchrun") or pytest.fail("torchrun is not on PATH")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run([torchrun, "--standalone", "--nproc_per_node", str(WORLD), __file__, str(tmp_path)],
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-3000:]

    model, train, tokenizer = small_problem(tmp_path/"tokenizer.json")
    expected_losses = train_one_process_on_both_batches(model, train, tokenizer)
    ranks = [json.loads((tmp_path/f"rank{r}.json").read_text()) for r in range(WORLD)]
    assert [r["world"] for r in ranks] == [WORLD] * WORLD
    assert len(expected_losses) == 12 == len(ranks[0]["losses"])
    for r, rank in enumerate(ranks):  # each process's loss on its batch, step by step
        np.testing.assert_allclose(rank["losses"], [step[r] for step in expected_losses], rtol=0, atol=1e-5)
    weights = [load_file(str(tmp_path/f"rank{r}.safetensors")) for r in range(WORLD)]
    for name, expected in model.state_dict().items():
        assert torch.equal(weights[0][name], weights[1][name]), f"{name}: the processes' copies differ"
        assert torch.allclose(weights[0][name], expected, rtol=0, atol=1e-5), \
            f"{name}: max difference {float((weights[0][name] - expected).abs().max()):.2e}"
    assert not torch.allclose(model.linear.weight, small_problem(tmp_path/"tokenizer.json")[0].linear.weight), "nothing trained"


if __name__ == "__main__": train_one_process_of_several(Path(sys.argv[1]))
