"""Shared, small fixtures: everything here trains in seconds on the packaged sample.

Also the `slow` marker (`python -m pytest -m "not slow"` is the quick loop; the README's command runs
everything) and a guard that fails the session if any test wrote into the package, the notebooks or the bench results."""
import hashlib
import os
from pathlib import Path

import pytest
from datasets import DatasetDict

from sentiment_nb.text import load_imdb
from sentiment_nb.config import get_preset
from sentiment_nb.training import fit_sentiment_model

ROOT = Path(__file__).resolve().parent.parent
SHARED_IMDB = Path(os.environ.get("SENTIMENT_NB_FULL_DATA", ROOT.parent/"shared"/"data"/"imdb"))



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


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: over ~10 s, a subprocess run of the CLI, torchrun or nbclient, or a timing that "
                                       "a busy machine can break; skipped by the quick loop `-m \"not slow\"`")


GUARDED = ["sentiment_nb/**/*", "nbs/**/*", "bench/*.json"]  # what the repository ships: no test may change it
UNGUARDED = {"__pycache__", ".ipynb_checkpoints"}  # Python's and Jupyter's own caches


def guarded_files(root: Path = ROOT) -> dict[str, tuple[str, int]]:
    "SHA-256 and modification time of every file the repository ships, by path relative to `root`."
    paths = {p for pattern in GUARDED for p in root.glob(pattern) if p.is_file()}
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in sorted(paths)
            if UNGUARDED.isdisjoint(p.relative_to(root).parts) and p.suffix != ".pyc"}


def changed_files(before: dict, after: dict) -> list[str]:
    "What differs between two `guarded_files` snapshots: '<path> (changed|rewritten|added|removed)'."
    both = before.keys() & after.keys()
    return ([f"{p} (changed)" for p in both if before[p][0] != after[p][0]]
            + [f"{p} (rewritten with the same bytes)" for p in both if before[p][0] == after[p][0] and before[p][1] != after[p][1]]
            + [f"{p} (added)" for p in after.keys() - before.keys()] + [f"{p} (removed)" for p in before.keys() - after.keys()])


@pytest.fixture(scope="session", autouse=True)
def package_is_left_alone():
    "Fail the session if a test wrote into sentiment_nb/, nbs/ or bench/*.json: tests write under tmp_path only."
    before = guarded_files()
    yield
    changed = sorted(changed_files(before, guarded_files()))
    assert not changed, (f"the tests changed files the repository ships (write to tmp_path instead; "
                         f"restore them with git checkout): {changed}")
