"""Combine benchmark outputs into bench/reference.json, the numbers notebook 05 and the README quote.

    python bench/make_reference.py --presets RUN.json --speed RUN.json [--embedding-study RUN.json] [--precision RUN.json]

An option left out keeps that part of the existing bench/reference.json, so one part can be measured again alone.

Each input is a JSON document printed by bench/bench.py; the commands that made them are kept with the numbers.
"""
import argparse
import json
from pathlib import Path

from report import write_json

HERE = Path(__file__).resolve().parent

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", default=None, help="bench.py output with the presets")
    parser.add_argument("--speed", default=None, help="bench.py output with the step timings")
    parser.add_argument("--embedding-study", default=None, help="bench.py output with an embedding study")
    parser.add_argument("--precision", default=None,
                        help="bench.py output of --precisions float32,bfloat16: the same preset in both number formats")
    parser.add_argument("--out", default=str(HERE/"reference.json"), help="the file to update (default bench/reference.json)")
    args = parser.parse_args(argv)
    if not any((args.speed, args.presets, args.precision, args.embedding_study)):
        parser.error("nothing to combine: give at least one of --presets, --speed, --precision, --embedding-study")
    reference = json.loads(Path(args.out).read_text()) if Path(args.out).is_file() else {}
    if args.speed:
        speed = json.loads(Path(args.speed).read_text())
        if "speed" not in speed: raise SystemExit(f"{args.speed} has no 'speed' section; run bench.py without --skip-speed")
        reference.update(speed=speed["speed"], speed_command=speed["command"], speed_environment=speed["environment"])
    if args.presets:
        presets = json.loads(Path(args.presets).read_text())
        reference.update(presets=presets["presets"], presets_command=presets["command"],
                         presets_environment=presets["environment"], data=presets["data"])
        for key in ("predict_ms_p50", "score_test_s"):
            if key in presets: reference[key] = presets[key]
    if args.precision:
        run = json.loads(Path(args.precision).read_text())
        reference["precision"] = {"runs": run["presets"], "command": run["command"], "environment": run["environment"],
                                  "data": run["data"], "total_minutes": run["total_minutes"]}
    if args.embedding_study:
        study = json.loads(Path(args.embedding_study).read_text())
        reference.update(embedding_study=study["embedding_study"], embedding_study_command=study["command"],
                         embedding_study_data=study["data"])
    write_json(args.out, reference)
    print(f"wrote {args.out}")

if __name__ == "__main__":
    main()
