"""How fast one training step of the `fast` model is in float32 and in bfloat16 on this CPU, as oneDNN is allowed to run it.

    python bench/bf16_speed.py                                    # this CPU as it is
    ONEDNN_MAX_CPU_ISA=AVX512_CORE python bench/bf16_speed.py     # as a CPU with AVX-512 but no bfloat16 instructions

Prints one JSON line; with --out FILE also adds it, keyed by the oneDNN ISA limit, to FILE (bench/bf16_speed.json).
The steps use random token IDs (batch 64, 400 tokens, a 30,000-word vocabulary), so no data is needed; both formats
are timed in alternating rounds so that machine noise hits them alike.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

from report import environment, write_json
from sentiment_nb.hardware import probe_bf16
from sentiment_nb.lstm import SentimentModel
from sentiment_nb.config import get_preset, recipe_id


def step_seconds(model, optimizer, ids, lengths, labels, bf16: bool) -> float:
    start = time.perf_counter()
    optimizer.zero_grad()
    with torch.autocast("cpu", torch.bfloat16, enabled=bf16):
        logits = model(ids, lengths).float()
    nn.functional.binary_cross_entropy_with_logits(logits, labels).backward()
    optimizer.step()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of both formats")
    parser.add_argument("--steps", type=int, default=3, help="steps per format per round")
    parser.add_argument("--out", default=None, help="a JSON file to add this run to, keyed by the oneDNN ISA limit "
                        "(bench/bf16_speed.json; default: print only)")
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    config = get_preset("fast")
    model = SentimentModel(config.model_config(30_000, 0))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    ids = torch.randint(1, 30_000, (config.batch_size, config.max_length))
    lengths, labels = torch.full((config.batch_size,), config.max_length), torch.randint(0, 2, (config.batch_size,)).float()
    formats = ["float32"] + (["bfloat16"] if probe_bf16("cpu") is None else [])
    times = {f: [] for f in formats}
    for f in formats: step_seconds(model, optimizer, ids, lengths, labels, f == "bfloat16")  # warm up
    for _ in range(args.rounds):
        for f in formats: times[f] += [step_seconds(model, optimizer, ids, lengths, labels, f == "bfloat16") for _ in range(args.steps)]
    isa = os.environ.get("ONEDNN_MAX_CPU_ISA", "") or "ALL"
    result = {"onednn_max_cpu_isa": isa, "recipe": "fast", "recipe_id": recipe_id(config), "step_s": {f: round(statistics.median(t), 4) for f, t in times.items()},
              "bf16_probe": probe_bf16("cpu") or "passed", "command": " ".join(["python", "bench/bf16_speed.py", *(sys.argv[1:] if argv is None else argv)]),
              "environment": environment()}
    if "bfloat16" in times: result["bf16_speedup"] = round(result["step_s"]["float32"] / result["step_s"]["bfloat16"], 2)
    print(json.dumps({k: v for k, v in result.items() if k != "environment"}))
    if args.out:
        path = Path(args.out)
        runs = json.loads(path.read_text()) if path.is_file() else {}
        runs[isa] = result
        write_json(path, runs)


if __name__ == "__main__":
    main()
