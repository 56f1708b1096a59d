"""The bench scripts as tested code: each one runs with its defaults on the packaged sample and writes the JSON it promises.

Every run writes into tmp_path, never into the repository. Two options are added where the defaults would take minutes
on 2 shared cores: `--limit 200` (200 reviews per split: a tiny LSTM epoch on the sample's 3,600 takes minutes), and
for bf16_speed.py one round of one step. main_command.py runs a stand-in command: the README's first one trains for minutes.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentiment_nb.config import TrainConfig, get_preset, recipe_id

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT/"bench"
LIBRARIES = ("report.py", "plans.py", "runs.py")  # what the scripts import: not scripts themselves
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if p.name not in LIBRARIES)  # every script
sys.path.insert(0, str(BENCH))
from report import comparison_markdown, lever_rows, summarize_runs  # noqa: E402


def run(script: str, *args, tmp_path: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    "Run a bench script as a user would, with an empty Word2Vec cache in tmp_path; fail with its output if it fails."
    env = {**os.environ, "SENTIMENT_NB_CACHE": str(tmp_path/"cache")}
    env.pop("SENTIMENT_NB_DATA", None)  # the default data source: the packaged sample
    done = subprocess.run([sys.executable, str(BENCH/script), *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def is_recipe_id(value) -> bool: return isinstance(value, str) and len(value) == 8 and int(value, 16) >= 0


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_has_help(script, tmp_path):
    assert "usage:" in run(script, "--help", tmp_path=tmp_path).stdout


# ---------------------------------------------------------------- bench/report.py, on made-up runs
def fake_runs(**change) -> list[dict]:
    return [{"name": f"fast-none-s{s}", "model": "fast", "negation": "none", "seed": s, "test_accuracy": a, "recipe_id": "0badcafe",
             "challenge": {"accuracy": 0.6, "negation_accuracy": 0.5}, "tutorial_sentence_p": 0.7, "train_minutes": 8.0,
             "parameters": 10, "conditions": "test", **change} for s, a in ((1, 0.88), (2, 0.90))]


def test_summary_rows_are_means_and_spreads_over_seeds():
    row, = summarize_runs(fake_runs())
    assert row["seeds"] == [1, 2] and row["recipe_id"] == "0badcafe"
    assert row["test_accuracy"][0] == pytest.approx(0.89) and row["test_accuracy"][1] == pytest.approx(0.01414, abs=1e-4)
    assert "89.0% ± 1.41%" in comparison_markdown([row]) and "| 8.0 |" in comparison_markdown([row])
    runs = fake_runs()
    runs[0]["conditions"] = "2 threads; trained by bench.py"
    assert "| 8.0 (bench.py) / 8.0 |" in comparison_markdown(summarize_runs(runs))


def test_a_summary_never_pools_two_recipes_under_one_name():
    runs = fake_runs()
    runs[1]["recipe_id"] = "12345678"
    with pytest.raises(ValueError, match="different recipes"): summarize_runs(runs)


def test_lever_rows_compare_each_run_with_the_base():
    runs = [{"model": "fast2", "config": {"epochs": 2, "truncation": "head"}, "valid_by_reading": {"as trained": 0.90, "whole": 0.91},
             "reading": "whole", "test_accuracy": 0.885, "train_minutes": 7.0},
            {"model": "fast2_headtail", "config": {"epochs": 2, "truncation": "head_tail"}, "reading": "as trained",
             "valid_by_reading": {"as trained": 0.92, "whole": 0.915}, "test_accuracy": 0.89, "train_minutes": 7.1}]
    rows = lever_rows(runs)
    assert [r["changed"] for r in rows] == ["(the base)", {"truncation": "head_tail"}]
    assert rows[1]["valid_gain"] == pytest.approx(0.01) and rows[1]["test_gain"] == pytest.approx(0.005)
    with pytest.raises(ValueError, match="No 'fast2' run"): lever_rows(runs[1:])


# ---------------------------------------------------------------- each script, run with its defaults
@pytest.mark.slow
def test_compare_runs_its_default_plan_and_scores_test_once(tmp_path):
    out = tmp_path/"out"
    run("compare.py", "--limit", 200, "--out-dir", out, tmp_path=tmp_path)
    result = json.loads((out/"comparison.json").read_text())
    runs = {r["name"]: r for r in result["runs"]}
    assert set(runs) == {"tfidf-none-s0", "ngram-none-s0", "tiny-none-s1", "tiny-none-s2", "hybrid_tiny-none-s1",
                         "tiny_ensemble-none-s0", "tiny_attention-scope-s1"} and result["missing"] == []
    assert all(0 <= r["test_accuracy"] <= 1 and 0 <= r["challenge"]["accuracy"] <= 1 and r["machine"] for r in runs.values())
    lstm = runs["tiny-none-s1"]
    assert lstm["config"]["bf16"] is False and lstm["recipe"] == "tiny"
    assert lstm["recipe_id"] == recipe_id(TrainConfig(**lstm["config"])) == runs["tiny-none-s2"]["recipe_id"]
    assert runs["tiny_attention-scope-s1"]["recipe_id"] != lstm["recipe_id"]  # another recipe, another id
    for name in ("tiny-none-s1", "tiny-none-s2", "tiny_ensemble-none-s0"):  # the reading that scored test is validation's best
        by_reading = runs[name]["valid_by_reading"]
        assert set(by_reading) == {"as trained", "whole"} and by_reading[runs[name]["reading"]] == max(by_reading.values())
    hybrid = runs["hybrid_tiny-none-s1"]
    assert hybrid["parts"] == ["tiny-none-s1"] and hybrid["reading"] == lstm["reading"] and 0 <= hybrid["weight"] <= 1
    assert hybrid["valid_accuracy"] == max(hybrid["valid_by_weight"].values()) and hybrid["recipe_id"] == lstm["recipe_id"]
    assert runs["tiny_ensemble-none-s0"]["parts"] == ["tiny-none-s1", "tiny-none-s2"]
    assert summarize_runs(result["runs"]) == result["rows"] and "| precision |" in result["markdown"]
    assert "started" not in run("compare.py", "--limit", 200, "--out-dir", out, tmp_path=tmp_path).stdout  # nothing trained twice
    stale = out/"runs"/"tiny-none-s2"/"result.json"  # a run of an older recipe stops the comparison
    stale.write_text(json.dumps({**json.loads(stale.read_text()), "recipe_id": "00000000"}))
    again = subprocess.run([sys.executable, str(BENCH/"compare.py"), "--limit", "200", "--out-dir", str(out)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert again.returncode != 0 and "another recipe" in again.stderr


@pytest.fixture(scope="module")
def bench_output(tmp_path_factory) -> Path:
    "bench.py with its defaults (the quick plan) on 200 reviews per split of the sample."
    tmp_path = tmp_path_factory.mktemp("bench")
    run("bench.py", "--limit", 200, "--out-dir", tmp_path/"out", tmp_path=tmp_path)
    path, = (tmp_path/"out").glob("bench-*.json")
    return path


@pytest.mark.slow
def test_bench_runs_its_quick_plan(bench_output):
    result = json.loads(bench_output.read_text())
    speed = result["speed"]
    assert speed["lstm_sizes"] == [16, 16] and speed["train_reviews"] == 200 and "levers" not in speed
    assert all(speed[k] > 0 for k in ("baseline_step_s", "ours_step_s", "ours_fastest_step_s", "epoch_speedup"))
    assert 0 < sum(row["share"] for row in speed["profile"]) <= 1
    row = result["presets"]["tiny"]
    assert row["recipe"] == "tiny" and row["recipe_id"] == recipe_id(get_preset("tiny")) == recipe_id(TrainConfig(**row["config"]))
    assert 0 <= row["test_accuracy"] <= 1 and row["test_n"] == 200 and row["predict_ms_p50"] > 0
    assert Path(row["model_dir"]).is_relative_to(bench_output.parent)  # the model went to --out-dir too


@pytest.mark.slow
def test_make_reference_combines_bench_outputs(bench_output, tmp_path):
    out = tmp_path/"reference.json"
    run("make_reference.py", "--presets", bench_output, "--speed", bench_output, "--out", out, tmp_path=tmp_path)
    reference = json.loads(out.read_text())
    assert reference["presets"]["tiny"]["recipe_id"] == recipe_id(get_preset("tiny"))
    assert reference["speed"]["lstm_sizes"] == [16, 16] and reference["presets_command"].startswith("python bench/bench.py")


@pytest.mark.slow
def test_bf16_speed_times_one_step_in_each_format(tmp_path):
    out = tmp_path/"bf16_speed.json"
    run("bf16_speed.py", "--rounds", 1, "--steps", 1, "--out", out, tmp_path=tmp_path)
    result, = json.loads(out.read_text()).values()
    assert "float32" in result["step_s"] and all(s > 0 for s in result["step_s"].values())
    assert result["recipe"] == "fast" and result["recipe_id"] == recipe_id(get_preset("fast"))


@pytest.mark.slow
def test_word2vec_study_times_each_setting_twice(tmp_path):
    run("word2vec_study.py", "--limit", 200, "--out-dir", tmp_path, tmp_path=tmp_path)
    result = json.loads((tmp_path/"word2vec.json").read_text())
    assert result["data"] == "sample" and len(result["rows"]) == 6
    assert all(len(r["seconds"]) == 2 and r["max_difference"] >= 0 and r["reviews"] == 200 for r in result["rows"])
    assert next(r for r in result["rows"] if "workers" not in r)["identical_twice"]  # one worker thread: the same vectors twice


def test_main_command_records_what_the_command_printed(tmp_path):
    summary = {"model": "models/sample", "train_minutes": 0.5, "precision": "float32", "test_accuracy": 0.8,
               "valid_accuracy": 0.81, "seconds": {"train": 30.0}}
    stand_in = f"echo 'precision: float32'; echo '{json.dumps(summary)}'; echo 'Positive 0.93 This movie is amazing!'"
    out = tmp_path/"main_command.json"
    run("main_command.py", "--modes", "bf16-off", "--command", stand_in, "--out", out, "--work-dir", tmp_path/"work",
        tmp_path=tmp_path)
    result = json.loads(out.read_text())
    mode = result["runs"]["bf16-off"]
    assert mode["environment_overrides"] == {"SENTIMENT_NB_BF16": "0"} and mode["precision_line"] == "precision: float32"
    assert mode["test_accuracy"] == 0.8 and mode["predictions"] == [
        {"label": "Positive", "probability": 0.93, "text": "This movie is amazing!"}]
    assert result["command"] == stand_in and result["environment"]["cores"] >= 1


@pytest.mark.slow
def test_validation_split_compares_both_draws_on_the_same_models(tmp_path):
    run("validation_split.py", "--block-size", "50", "--out", tmp_path/"split.json", tmp_path=tmp_path)
    result = json.loads((tmp_path/"split.json").read_text())
    assert result["train"] == 4000 and result["valid"] == 400 and set(result["summary"]) == {"random", "blocks"}
    models = result["models"]
    assert len(models) == 2 * 3 * 2 * 4 and all(0.5 < m["valid_accuracy"] <= 1 and 0.5 < m["test_accuracy"] <= 1 for m in models)
    for split, by_seed in result["summary"].items():
        row = by_seed["42"]
        mine = [m for m in models if m["split"] == split]
        assert row["models"] == 24 and row["best_test_accuracy"] == max(m["test_accuracy"] for m in mine)
        assert row["picked_test_accuracy"] == max(mine, key=lambda m: m["valid_accuracy"])["test_accuracy"]
        assert -1 <= row["spearman"] <= 1 and row["regret"] >= 0
    assert result["neighbour_overlap"]["gap 1"] >= 0 and "random pairs" in result["neighbour_overlap"]


def test_ngram_hashing_measures_each_setting_on_validation(tmp_path):
    run("ngram_hashing.py", "--settings", "hashed 2^20", "--out", tmp_path/"hashing.json", tmp_path=tmp_path)
    result = json.loads((tmp_path/"hashing.json").read_text())
    row = result["rows"]["hashed 2^20"]
    assert row["columns"] == 2**20 and 0.5 < row["valid_accuracy"] <= 1 and row["load_and_predict_seconds"] > 0
    assert row["valid_accuracy"] == max(row["valid_accuracy_by_C"].values()) and 0 < row["ngram_part_mb"] < 10
    assert result["valid"] == 400 and result["machine"]["cores"] >= 1


@pytest.mark.slow
def test_product_scores_saved_model_directories(tmp_path):
    from sentiment_nb.sample_model import sample_model_dir
    twice = [sample_model_dir()] * 2  # an ensemble of one model twice: the model itself
    run("product.py", "--ensemble", *twice, "--out", tmp_path/"product.json", tmp_path=tmp_path)
    row, ensemble = json.loads((tmp_path/"product.json").read_text())["rows"]
    assert row["kind"] == "TrainedModel" and row["reading"] == "trained" and row["test_n"] == 1000
    assert 0.5 < row["test_accuracy"] <= 1 and 0 <= row["challenge_accuracy"] <= 1 and 0 < row["tutorial_sentence_p"] < 1
    assert row["long_reviews_n"] > 0 and 0 <= row["long_reviews_whole_accuracy"] <= 1
    assert ensemble["kind"] == "Ensemble" and set(ensemble["valid_by_reading"]) == {"trained", "whole"}
    assert ensemble["reading"] == max(ensemble["valid_by_reading"], key=ensemble["valid_by_reading"].get)
    if ensemble["reading"] == row["reading"]:  # the same reading: the same scores
        assert ensemble["test_accuracy"] == pytest.approx(row["test_accuracy"], abs=1e-3)


@pytest.mark.slow
def test_hybrid_ngram_choice_scores_test_only_for_the_validation_winner(tmp_path):
    run("hybrid_ngram_choice.py", "--out", tmp_path/"choice.json", tmp_path=tmp_path)
    result = json.loads((tmp_path/"choice.json").read_text())
    assert set(result["rows"]) == {"exact", "hashed 2^20"} and result["chosen_test"]["n"] == 1000
    assert result["rows"][result["chosen"]]["valid_accuracy"] == max(r["valid_accuracy"] for r in result["rows"].values())
    assert all(0 <= r["weight"] <= 1 and r["reading"] in ("trained", "whole") for r in result["rows"].values())
