"""Word2Vec's settings against its minutes, and whether several worker threads give the same vectors twice.

    python bench/word2vec_study.py --data sample --publish      # about 3 minutes on 2 cores

For each setting it trains Word2Vec twice from the same seed (no cache) and records the seconds and whether the two
results are identical. The LSTM accuracy each setting leads to is measured by `bench/compare.py --plan levers`;
this script only answers "how long" and "repeatable or not". Writes bench/results/word2vec.json (and, with
--publish, bench/word2vec.json), with the machine it ran on.
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETTINGS = [  # (label, train_word2vec settings, which reviews)
    ("skip-gram, 5 epochs (tutorial, fast before 0.5)", {"method": "skipgram", "epochs": 5}, "train+unsupervised"),
    ("skip-gram, 2 epochs", {"method": "skipgram", "epochs": 2}, "train+unsupervised"),
    ("skip-gram, 5 epochs, training reviews only", {"method": "skipgram", "epochs": 5}, "train"),
    ("CBOW, 5 epochs", {"method": "cbow", "epochs": 5}, "train+unsupervised"),
    ("skip-gram, 5 epochs, 2 worker threads", {"method": "skipgram", "epochs": 5, "workers": 2}, "train+unsupervised"),
    ("CBOW, 5 epochs, 2 worker threads", {"method": "cbow", "epochs": 5, "workers": 2}, "train+unsupervised"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="sample", help="sample (default), imdb, or a folder in Hugging Face layout")
    parser.add_argument("--vector-size", type=int, default=300, help="numbers per vector (fast's embed_size)")
    parser.add_argument("--publish", action="store_true", help="also write bench/word2vec.json")
    args = parser.parse_args(argv)
    import numpy as np
    import torch
    from sentiment_nb.embeddings import train_word2vec
    from sentiment_nb.hardware import cpu_name
    from sentiment_nb.text import load_imdb
    from sentiment_nb.tokenizer import train_tokenizer
    data = load_imdb(args.data)
    tokenizer = train_tokenizer(data["train"]["text"], 30_000)
    texts = {"train": list(data["train"]["text"])}
    texts["train+unsupervised"] = texts["train"] + (list(data["unsupervised"]["text"]) if "unsupervised" in data else [])
    rows = []
    for label, settings, which in SETTINGS:
        seconds, vectors = [], []
        for _ in range(2):
            start = time.perf_counter()
            vectors.append(train_word2vec(tokenizer, texts[which], vector_size=args.vector_size, seed=42, **settings).vectors)
            seconds.append(time.perf_counter() - start)
        rows.append({"setting": label, **settings, "texts": which, "reviews": len(texts[which]), "seconds": [round(s, 1) for s in seconds],
                     "identical_twice": bool(np.array_equal(*vectors)),
                     "max_difference": float(np.abs(vectors[0] - vectors[1]).max())})
        print(f"{label:50} {min(seconds):7.1f} s  {'identical' if rows[-1]['identical_twice'] else 'differs'} twice", flush=True)
    result = {"command": " ".join(["python", *sys.argv]), "data": args.data, "rows": rows,
              "machine": {"cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__}}
    out = HERE/"results"/"word2vec.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    if args.publish: (HERE/"word2vec.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__": main()
