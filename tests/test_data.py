"""Data loading: the packaged sample, local copies, the Hub's offline error, labelled files."""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sentiment_nb.files import load_labelled_file, load_split, make_imdb_sample
from sentiment_nb.text import load_imdb, load_raw_imdb, sample_path

from conftest import SHARED_IMDB

needs_full_data = pytest.mark.skipif(not SHARED_IMDB.is_dir(), reason=f"no local IMDb copy at {SHARED_IMDB}")


def test_sample_is_small_balanced_and_split_three_ways(sample_data):
    size = sum(f.stat().st_size for f in sample_path().rglob("*.parquet"))
    assert size < 6_000_000
    assert {k: len(v) for k, v in sample_data.items()} == {"train": 3600, "valid": 400, "test": 1000}
    for split in sample_data.values(): assert np.mean(split["label"]) == 0.5
    train, valid, test = (set(sample_data[s]["text"]) for s in ("train", "valid", "test"))
    # IMDb's official splits share a few duplicated reviews (123 of 25,000 test reviews are also in train);
    # the sample inherits one of them. Validation comes from train and must never share a text with test.
    assert not (train & valid) and len(train & test) == 1 and not (valid & test)


def test_environment_variable_chooses_the_source(tmp_path, monkeypatch):
    make_imdb_sample("sample", tmp_path/"mini", sizes={"train": 20, "test": 10})
    monkeypatch.setenv("SENTIMENT_NB_DATA", str(tmp_path/"mini"))
    data = load_imdb()
    assert (len(data["train"]), len(data["valid"]), len(data["test"])) == (18, 2, 10)


def test_missing_folder_names_the_fix():
    with pytest.raises(FileNotFoundError, match="sample"):
        load_raw_imdb("/no/such/imdb")


def test_offline_hub_error_names_the_options():
    code = "from sentiment_nb.text import load_raw_imdb\nload_raw_imdb('imdb')"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    env.pop("SENTIMENT_NB_DATA", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ConnectionError" in result.stderr and "stanfordnlp/imdb" in result.stderr
    assert "--data sample" in result.stderr and "SENTIMENT_NB_DATA" in result.stderr


@pytest.mark.slow
@needs_full_data
def test_local_copy_has_the_hub_splits():
    raw = load_raw_imdb(SHARED_IMDB)
    assert {k: len(v) for k, v in raw.items()} == {"train": 25_000, "test": 25_000, "unsupervised": 50_000}
    data = load_imdb(SHARED_IMDB)
    assert (len(data["train"]), len(data["valid"])) == (22_500, 2_500)


@pytest.mark.slow
@needs_full_data
def test_packaged_sample_is_the_seeded_draw_from_imdb(tmp_path):
    rebuilt = load_raw_imdb(make_imdb_sample(SHARED_IMDB, tmp_path/"sample"))
    shipped = load_raw_imdb("sample")
    for split in ("train", "test"):
        assert rebuilt[split]["text"] == shipped[split]["text"]
        assert rebuilt[split]["label"] == shipped[split]["label"]


def test_labelled_files_are_checked(tmp_path):
    pd.DataFrame({"text": ["good", "bad"], "label": [1, 0]}).to_parquet(tmp_path/"ok.parquet")
    assert load_split(tmp_path/"ok.parquet")["label"] == [1, 0]
    pd.DataFrame({"text": ["good", "bad"], "label": [1, 5]}).to_csv(tmp_path/"bad.csv", index=False)
    with pytest.raises(ValueError, match=r"bad\.csv: row 2: column 'label' must be 0 or 1, got 5"):
        load_labelled_file(tmp_path/"bad.csv")
    pd.DataFrame({"review": ["good"], "label": [1]}).to_csv(tmp_path/"cols.csv", index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['text'\]"):
        load_labelled_file(tmp_path/"cols.csv")
    pd.DataFrame({"text": ["good", None], "label": [1, 0]}).to_parquet(tmp_path/"null.parquet")
    with pytest.raises(ValueError, match=r"null\.parquet: row 2: column 'text' must be a string"):
        load_labelled_file(tmp_path/"null.parquet")
    (tmp_path/"empty.csv").write_text("")
    with pytest.raises(ValueError, match="empty.csv is empty"):
        load_labelled_file(tmp_path/"empty.csv")
    (tmp_path/"header.csv").write_text("text,label\n")
    with pytest.raises(ValueError, match="no reviews"):
        load_labelled_file(tmp_path/"header.csv")
    (tmp_path/"latin1.csv").write_bytes("text,label\ngood,1\nun film très mauvais,0\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.csv: line 3 is not UTF-8.*re-save the file as UTF-8"):
        load_labelled_file(tmp_path/"latin1.csv")
    (tmp_path/"notes.txt").write_text("hi")
    with pytest.raises(ValueError, match="expected a .csv or .parquet"):
        load_labelled_file(tmp_path/"notes.txt")
