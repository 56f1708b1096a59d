"""Shared, small fixtures: everything here trains in seconds on the packaged sample."""
import os
from pathlib import Path

import pytest
from datasets import DatasetDict

from sentiment_nb.text import load_imdb
from sentiment_nb.config import get_preset
from sentiment_nb.training import fit_sentiment_model

ROOT = Path(__file__).resolve().parent.parent
SHARED_IMDB = Path(os.environ.get("SENTIMENT_NB_FULL_DATA", ROOT.parent/"shared"/"data"/"imdb"))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs every notebook or trains for minutes (tests/test_site.py); deselect with -m 'not slow'")


@pytest.fixture(scope="session")
def sample_data() -> DatasetDict:
    return load_imdb("sample")


@pytest.fixture(scope="session")
def small_data(sample_data) -> DatasetDict:
    "400 train, 100 valid, 200 test reviews from the sample."
    sizes = {"train": 400, "valid": 100, "test": 200}
    return DatasetDict({name: sample_data[name].select(range(n)) for name, n in sizes.items()})


@pytest.fixture(scope="session")
def tiny_config():
    return get_preset("tiny", epochs=1, vocab_size=2_000, word2vec_epochs=1)


@pytest.fixture(scope="session")
def tiny_trained(small_data, tiny_config):
    return fit_sentiment_model(small_data, tiny_config, progress=False, log=None)
