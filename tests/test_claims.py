"""The numbers a notebook's prose quotes are the ones the bench JSON holds, and its "most accurate" agrees with it.

One current truth (STYLE.md 8 and 12): every measured number a lesson states is printed by a cell or read
from a results file in `bench/`. This test reads the prose (markdown cells) of every notebook and checks
what a reader takes for a measurement:

- A number with decimals followed by `%` or `minute(s)`/`min` ("91.9 %", "92.07 ± 0.04 %", "34.1 to
  47.7 %", "13.7-minute") must be a value of the bench JSON the notebook cites (`bench/X.json` or
  `bench_results("X.json")` in any cell; every `bench/*.json` if it cites none), rounded to the digits
  shown. Where the sentence names models (`fast`, TF-IDF, the hybrid), only their rows and runs count.
  Fractions count as percentages (0.91932 is "91.9 %"), and so do the means over the seeds of one
  (model, negation) of a file's `runs`, which its tables print. The grids of validation scores a run
  searched and its epoch logs (`SEARCHED`) do not count: their dozens of near values would match almost
  any percentage.
- Whole numbers are not checked ("10 %" of the training set kept for validation, "50 %" for a coin,
  "45 minutes" to read, "50,000 reviews"): we write settings and sizes without decimals, measurements
  with them.
- A sentence that says "most accurate" and names a model must name the model with the highest IMDb test
  accuracy in `bench/accuracy.json`.

A markdown cell that quotes numbers that are not ours (published results of other papers) says so with an
HTML comment, `<!-- claims: why -->`; the test skips that cell.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NBS, BENCH = ROOT/"nbs", ROOT/"bench"
NOTEBOOKS = sorted(NBS.glob("*.ipynb"))

SEARCHED = {"valid_by_weight", "valid_by_setting", "valid_by_c", "history"}  # keys of grids and epoch logs in bench JSON
MARK = re.compile(r"<!--\s*claims:\s*\S.*?-->", re.S)  # a cell that quotes published, not measured, numbers
NUMBER = r"\d{1,3}(?:,\d{3})*\.\d+|\d+\.\d+"  # with decimals: how we quote a measurement
LINK = r"\s?(?:±|to|against|and|or|vs\.?|–)\s?"  # "34.1 to 47.7 %": the unit after the second number is the first's too
QUOTED = re.compile(rf"(?<![\d.,])({NUMBER})(?:{LINK}({NUMBER}))?\s?-?(%|minutes?\b|min\b)")
CITED = re.compile(r"""(?:bench/|bench_results\(\s*["'])([\w.-]+\.json)""")
SUPERLATIVE = re.compile(r"\bmost accurate\b", re.I)
ALIASES = {"tfidf": r"TF-IDF|tfidf", "ngram": r"n-grams?|ngram", "hybrid": r"hybrids?", "fast_ensemble": r"ensembles?"}


def cell_sources(path, kind="markdown") -> list[str]:
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if kind is None or c["cell_type"] == kind]


def prose(path) -> list[str]:
    "The markdown cells of a notebook that are not marked as quoting numbers that are not ours."
    return [text for text in cell_sources(path) if not MARK.search(text)]


def cited_results(path) -> list[Path]:
    "The bench JSON files a notebook cites (in any cell), or every one if it cites none."
    names = {name for text in cell_sources(path, None) for name in CITED.findall(text)}
    cited = [BENCH/name for name in sorted(names) if (BENCH/name).is_file()]
    return cited or sorted(BENCH.glob("*.json"))


def numbers_in(obj, prefix=""):
    "(path, value) of every number in a JSON object, the grids of SEARCHED left out."
    if isinstance(obj, bool): return
    if isinstance(obj, (int, float)): yield prefix, float(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k not in SEARCHED: yield from numbers_in(v, f"{prefix}/{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj): yield from numbers_in(v, f"{prefix}/{i}")


def measured_values(paths) -> list[tuple]:
    "(model or None, value) of every number in the files, and of the mean over the seeds of each (model, negation) of their runs."
    found = []
    for path in paths:
        results = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(results, dict): results = {"values": results}
        tables = {k: v for k, v in results.items() if k in ("rows", "runs") and isinstance(v, list)}
        found += [(None, v) for _, v in numbers_in({k: v for k, v in results.items() if k not in tables})]
        for entries in tables.values():
            found += [(e.get("model") if isinstance(e, dict) else None, v) for e in entries for _, v in numbers_in(e)]
        groups = {}
        for run in (r for r in tables.get("runs", []) if isinstance(r, dict)): groups.setdefault((run.get("model"), run.get("negation")), []).append(dict(numbers_in(run)))
        for (model, _), runs in groups.items():
            shared = set.intersection(*(set(r) for r in runs))
            found += [(model, sum(r[key] for r in runs) / len(runs)) for key in shared]
    return found


def quoted_numbers(text: str) -> list[tuple[str, str]]:
    "(number, unit) of each measurement the text quotes: decimals followed by % or minutes."
    found = []
    for first, second, unit in QUOTED.findall(text):
        unit = "%" if unit == "%" else "minutes"
        found += [(n, unit) for n in (first, second) if n]
    return found


def agrees(number: str, unit: str, values) -> bool:
    "Whether one of `values` rounds to `number` as written (fractions are percentages too)."
    x, digits = float(number.replace(",", "")), len(number.split(".")[1])
    half = 0.5 * 10 ** -digits + 1e-9
    scales = (1, 100) if unit == "%" else (1,)
    return any(abs(s * v - x) <= half for v in values for s in scales)


def stale_numbers(path) -> list[str]:
    "The measurements a notebook's prose quotes that no cited bench JSON holds (the named models' rows, if it names any)."
    values, names, stale = measured_values(cited_results(path)), model_names(), []
    for sentence in (s for text in prose(path) for s in sentences(text)):
        named = named_models(sentence, names)
        allowed = [v for m, v in values if m is None or not named or m in named]
        stale += [f"{n} {u}" for n, u in quoted_numbers(sentence) if not agrees(n, u, allowed)]
    return stale


def most_accurate() -> str:
    "The model with the highest IMDb test accuracy in bench/accuracy.json."
    rows = json.loads((BENCH/"accuracy.json").read_text(encoding="utf-8"))["rows"]
    return max(rows, key=lambda r: r["test_accuracy"][0])["model"]


def model_names() -> set[str]:
    "Every model a row of a bench JSON file names."
    names = set()
    for path in BENCH.glob("*.json"):
        results = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(results, dict) and isinstance(results.get("rows"), list):
            names |= {r["model"] for r in results["rows"] if isinstance(r, dict) and "model" in r}
    return names


def named_models(sentence: str, names) -> set[str]:
    "The models a sentence names: `name` in backticks, or a name's usual spelling (ALIASES)."
    return {m for m in names if f"`{m}`" in sentence or (m in ALIASES and re.search(rf"\b(?:{ALIASES[m]})\b", sentence, re.I))}


def sentences(text: str) -> list[str]:
    "A markdown text cut into sentences, list items and table rows."
    return [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n|\n(?=- |\|)", text) if s.strip()]


def wrong_superlatives(path) -> list[str]:
    "Sentences that call a model other than the most accurate one 'most accurate'."
    top, names = most_accurate(), model_names()
    return [s.strip() for text in prose(path) for s in sentences(text)
            if SUPERLATIVE.search(s) and (named := named_models(s, names)) and top not in named]


def test_the_rule_reads_numbers_as_we_write_them():
    assert quoted_numbers("hybrid 92.07 ± 0.04 %, fast 34.1 to 47.7 % in 13.7-minute runs; 10 % kept, 45 minutes") == [
        ("92.07", "%"), ("0.04", "%"), ("34.1", "%"), ("47.7", "%"), ("13.7", "minutes")]
    assert agrees("91.9", "%", {0.91932}) and agrees("92.07", "%", {0.9206533}) and not agrees("91.8", "%", {0.91932})
    assert agrees("13.7", "minutes", {13.68}) and not agrees("13.7", "minutes", {0.137})


def test_a_stale_number_and_a_wrong_superlative_fail(tmp_path):
    "A scratch copy of a notebook with one number changed, and a sentence crowning the wrong model."
    cells = [{"cell_type": "code", "source": ["accuracy = bench_results(\"accuracy.json\")"], "metadata": {}},
             {"cell_type": "markdown", "source": ["The hybrid reaches 92.1 %. `fast` reaches 90.7 %."], "metadata": {}}]
    path = tmp_path/"scratch.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    assert stale_numbers(path) == [] and wrong_superlatives(path) == []
    cells[1]["source"] = ["The hybrid reaches 94.3 %. `fast` reaches 88.2 %. TF-IDF is the most accurate of all."]  # 88.2: comparison.json's
    path.write_text(json.dumps({"cells": cells}))
    assert stale_numbers(path) == ["94.3 %", "88.2 %"]
    assert wrong_superlatives(path) == ["TF-IDF is the most accurate of all."]
    cells[1]["source"].append("<!-- claims: a test of the marker -->")
    path.write_text(json.dumps({"cells": cells}))
    assert stale_numbers(path) == wrong_superlatives(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_quoted_measurements_are_in_the_bench_json(path):
    stale = stale_numbers(path)
    cited = ", ".join(p.name for p in cited_results(path))
    assert not stale, f"{path.name} quotes {stale}, which no value of {cited} rounds to"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_most_accurate_names_the_most_accurate_model(path):
    wrong = wrong_superlatives(path)
    assert not wrong, f"{path.name}: bench/accuracy.json's most accurate model is {most_accurate()!r}, not: {wrong}"
