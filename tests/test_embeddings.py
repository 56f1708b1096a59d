"""Word vectors: the GoogleNews-format loader (on a small file of the same format) and the matrix."""
import gzip
import shutil

import numpy as np
import pytest
import torch
from gensim.models import KeyedVectors

from sentiment_nb.embeddings import build_embedding_matrix, embedding_coverage, load_google_news_vectors
from sentiment_nb.tokenizer import pad_id, train_tokenizer


@pytest.fixture
def news_file(tmp_path):
    "A gzipped word2vec binary file, like GoogleNews-vectors-negative300.bin.gz, with 4 mixed-case words."
    vectors = KeyedVectors(vector_size=300)
    vectors.add_vectors(["Movie", "love", "really", "Paris"], np.random.default_rng(0).normal(0, 0.1, (4, 300)))
    vectors.save_word2vec_format(str(tmp_path/"news.bin"), binary=True)
    with open(tmp_path/"news.bin", "rb") as src, gzip.open(tmp_path/"news.bin.gz", "wb") as dst: shutil.copyfileobj(src, dst)
    return tmp_path/"news.bin.gz", vectors


def test_google_news_format_loads_with_limit(news_file):
    path, vectors = news_file
    loaded = load_google_news_vectors(path)
    assert len(loaded) == 4 and np.allclose(loaded["Paris"], vectors["Paris"])
    assert list(load_google_news_vectors(path, limit=2).index_to_key) == ["Movie", "love"]


def test_missing_vectors_file_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_word2vec"):
        load_google_news_vectors(tmp_path/"GoogleNews-vectors-negative300.bin.gz")


def test_embedding_matrix_rows_and_coverage(news_file):
    _, vectors = news_file
    tokenizer = train_tokenizer(["I really love this movie", "I really love Paris", "zzz qqq"] * 2, min_frequency=1)
    matrix, found = build_embedding_matrix(tokenizer, vectors, seed=0)
    assert matrix.shape == (tokenizer.get_vocab_size(), 300)
    assert (matrix[pad_id(tokenizer)] == 0).all()
    assert torch.allclose(matrix[tokenizer.token_to_id("movie")], torch.tensor(vectors["Movie"]))  # case-insensitive
    missing = matrix[tokenizer.token_to_id("zzz")]
    assert 0.05 < float(missing.std()) < 0.2  # random rows are scaled like the real vectors (std 0.1)
    coverage = embedding_coverage(found, [tokenizer.encode("I really love this movie").ids])
    assert coverage["words_found"] == 4 and coverage["token_coverage"] == pytest.approx(3 / 5)
