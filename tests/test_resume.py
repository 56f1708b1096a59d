"""Training survives interruption: kill -9 mid-epoch, --resume, bit-for-bit the same final weights; NaN keeps the last checkpoint."""
import json
import signal
import subprocess
import time

import pytest
import torch
from safetensors.torch import load_file

from sentiment_nb.lstm import ModelConfig, SentimentModel
from sentiment_nb.files import make_imdb_sample
from sentiment_nb.tokenizer import pad_id
from sentiment_nb.saving import CheckpointCallback, load_checkpoint
from sentiment_nb.training import encode_split, train_model


@pytest.mark.slow
def test_kill_9_mid_epoch_then_resume_matches_an_uninterrupted_run(tmp_path):
    data = make_imdb_sample("sample", tmp_path/"data", sizes={"train": 1600, "test": 100})
    train = ["sentiment-nb", "train", "--data", str(data), "--preset", "tiny", "--epochs", "3", "--vocab-size", "2000",
             "--batch-size", "8", "--checkpoint-every", "5", "--quiet"]
    subprocess.run(train + ["--out", str(tmp_path/"straight")], check=True, capture_output=True, timeout=600)

    run = subprocess.Popen(train + ["--out", str(tmp_path/"killed")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    progress, deadline = tmp_path/"killed.checkpoint"/"progress.json", time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        try: state = json.loads(progress.read_text())["state"]
        except (OSError, ValueError): state = {}
        if state.get("epoch") == 2 and state.get("step", 0) > 0: break
        time.sleep(0.01)
    assert run.poll() is None, "training finished before it could be interrupted"
    run.send_signal(signal.SIGKILL)
    run.wait()
    killed_at = load_checkpoint(tmp_path/"killed.checkpoint").state
    assert killed_at.epoch == 2 and killed_at.step > 0
    assert not (tmp_path/"killed").exists()

    other = subprocess.run(train + ["--out", str(tmp_path/"killed"), "--resume", "--data", "sample"], capture_output=True, text=True, timeout=120)
    assert other.returncode == 2 and "resume it with the same data" in other.stderr
    resumed = subprocess.run(train + ["--out", str(tmp_path/"killed"), "--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming at epoch 2, batch {killed_at.step}" in resumed.stdout
    assert not (tmp_path/"killed.checkpoint").exists()  # removed once the model is saved
    straight, again = load_file(str(tmp_path/"straight"/"model.safetensors")), load_file(str(tmp_path/"killed"/"model.safetensors"))
    for name, weight in straight.items():
        assert torch.equal(weight, again[name]), f"{name}: max diff {float((weight - again[name]).abs().max())}"


@pytest.mark.slow
def test_a_checkpoint_blocks_a_fresh_start_until_resume_or_overwrite(tmp_path):
    (tmp_path/"m.checkpoint").mkdir()
    result = subprocess.run(["sentiment-nb", "train", "--preset", "tiny", "--out", str(tmp_path/"m")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--resume" in result.stderr and "--overwrite" in result.stderr
    result = subprocess.run(["sentiment-nb", "train", "--resume", "--out", str(tmp_path/"other")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Nothing to resume" in result.stderr


class FailsAfter(SentimentModel):
    "A model whose output turns NaN after a number of forward passes, like a diverging run."
    def __init__(self, config, good_calls):
        super().__init__(config); self.calls, self.good_calls = 0, good_calls
    def forward(self, ids, lengths):
        self.calls += 1
        logits = super().forward(ids, lengths)
        return logits * float("nan") if self.calls > self.good_calls else logits


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, tiny_trained, small_data, tiny_config):
    tokenizer = tiny_trained.tokenizer
    split = encode_split(tokenizer, small_data["train"], 32)  # short reviews: the test is about the 13th step, not the data
    model = FailsAfter(ModelConfig(tokenizer.get_vocab_size(), tiny_config.embed_size, tiny_config.num_hiddens, pad_id(tokenizer)), 12)
    with pytest.raises(FloatingPointError, match="epoch 1, step 13"):
        train_model(model, split, split, tiny_config, tokenizer, [CheckpointCallback(tmp_path/"ckpt", every=5)], progress=False, log=None)
    saved = load_checkpoint(tmp_path/"ckpt")
    assert (saved.state.epoch, saved.state.step) == (1, 10)
    assert all(torch.isfinite(w).all() for w in saved.model.state_dict().values())
