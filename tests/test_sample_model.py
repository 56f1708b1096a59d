"""The small trained model inside the package is what `scripts/train_sample_model.py` makes (notebook 05g)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from sentiment_nb.inference import predict_batch
from sentiment_nb.sample_model import (SAMPLE_MODEL_CONFIG, load_sample_model, sample_embedding_before,
                                       sample_model_dir, sample_model_metrics, train_sample_model)
from sentiment_nb.text import load_imdb

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_model_is_small_and_loads():
    files = list(sample_model_dir().iterdir())
    assert sum(f.stat().st_size for f in files) < 6_000_000
    sample = load_sample_model()
    assert sample.config == SAMPLE_MODEL_CONFIG
    assert sample_embedding_before().shape == sample.model.embedding.weight.shape
    assert sample_model_metrics()["sample_test_accuracy"] > 0.7


def test_the_package_data_ships_it():
    setup = (ROOT/"setup.py").read_text()
    assert '"data/sample_model/*"' in setup


@pytest.mark.slow
def test_training_it_again_gives_the_same_model(tmp_path):
    again = train_sample_model(tmp_path/"again", log=None)
    shipped = load_sample_model()
    assert again.tokenizer.get_vocab() == shipped.tokenizer.get_vocab()
    before, shipped_before = sample_embedding_before(tmp_path/"again"), sample_embedding_before()
    # Word2Vec's start is the same up to rounding: another processor may add in another order
    assert torch.nn.functional.cosine_similarity(before[1:], shipped_before[1:]).mean() > 0.99
    texts = list(load_imdb("sample")["test"]["text"])[:400]
    a = [p.label for p in predict_batch(shipped.model, shipped.tokenizer, texts)]
    b = [p.label for p in predict_batch(again.model, again.tokenizer, texts)]
    assert sum(x == y for x, y in zip(a, b)) / len(a) >= 0.85  # 0.92 with oneDNN and OpenBLAS limited to AVX2
    assert abs(sample_model_metrics(tmp_path/"again")["sample_test_accuracy"] - sample_model_metrics()["sample_test_accuracy"]) <= 0.03


def test_the_script_never_overwrites(tmp_path):
    (tmp_path/"mine").mkdir()
    done = subprocess.run([sys.executable, str(ROOT/"scripts"/"train_sample_model.py"), "--out", str(tmp_path/"mine")],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "already exists" in done.stderr and "--overwrite" in done.stderr
    with pytest.raises(FileNotFoundError, match="train_sample_model.py"):
        load_sample_model(tmp_path/"mine")
