"""Word2Vec's settings against its minutes, and whether several worker threads give the same vectors twice.

    python bench/word2vec_study.py --publish      # the sample (or $SENTIMENT_NB_DATA): about 3 minutes on 2 cores

For each setting it trains Word2Vec twice from the same seed (no cache) and records the seconds and whether the two
results are identical. The LSTM accuracy each setting leads to is measured by `bench/compare.py --plan levers`;
this script only answers "how long" and "repeatable or not". Writes <out-dir>/word2vec.json (default
bench/results/; with --publish also bench/word2vec.json), with the machine it ran on.
"""
import argparse
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
    from sentiment_nb.files import resolve_data_source
    parser.add_argument("--data", default=resolve_data_source(),
                        help="sample, imdb, or a folder in Hugging Face layout (default: $SENTIMENT_NB_DATA, else sample)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N reviews of each split (a smoke test)")
    parser.add_argument("--out-dir", default=str(HERE/"results"), help="where word2vec.json goes")
    parser.add_argument("--vector-size", type=int, default=300, help="numbers per vector (fast's embed_size)")
    parser.add_argument("--publish", action="store_true", help="also write bench/word2vec.json")
    args = parser.parse_args(argv)
    import numpy as np
    import torch
    from sentiment_nb.embeddings import train_word2vec
    from sentiment_nb.hardware import cpu_name
    from sentiment_nb.tokenizer import train_tokenizer
    from report import load_bench_data, write_json
    data = load_bench_data(args.data, args.limit)
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
    result = {"command": " ".join(["python", "bench/word2vec_study.py", *(sys.argv[1:] if argv is None else argv)]),
              "data": args.data, "limit": args.limit, "vector_size": args.vector_size, "rows": rows,
              "machine": {"cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__}}
    write_json(Path(args.out_dir)/"word2vec.json", result)
    if args.publish: write_json(HERE/"word2vec.json", result)


if __name__ == "__main__": main()
