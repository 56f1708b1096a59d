"""Precision, device and threads by capability: both sides of the bfloat16 probe, mocked and real.

The real failure of a laptop without AVX512-BF16 is imitated with `ONEDNN_MAX_CPU_ISA=AVX2`, which
limits oneDNN (the library that runs PyTorch's LSTM on a CPU) to a laptop's instructions."""
import json
import os
import subprocess

import pytest
import torch

from sentiment_nb import hardware
from sentiment_nb.hardware import (BF16_ENV_VAR, MAX_AUTO_THREADS, THREADS_ENV_VAR, PrecisionError, bf16_support,
                                   choose_device, choose_threads, hardware_report, probe_bf16, resolve_bf16)
from sentiment_nb.config import PRESETS, TrainConfig, get_preset
from sentiment_nb.files import env_flag, make_imdb_sample
from sentiment_nb.lstm import SentimentModel
from sentiment_nb.recipe import score_model, train_recipe
from sentiment_nb.saving import load_model, save_checkpoint, save_model
from sentiment_nb.tokenizer import pad_id, train_tokenizer
from sentiment_nb.training import TrainingState, evaluate_dataset

ONEDNN_ERROR = "RuntimeError: could not create a primitive descriptor for the LSTM forward propagation primitive"
LAPTOP = {"ONEDNN_MAX_CPU_ISA": "AVX2", "SENTIMENT_NB_DEVICE": "cpu"}  # a CPU without bfloat16, even beside a GPU


@pytest.fixture
def no_bf16(monkeypatch):
    "The probe fails, as on a laptop without bfloat16."
    monkeypatch.delenv(BF16_ENV_VAR, raising=False)
    monkeypatch.setattr(hardware, "probe_bf16", lambda device: ONEDNN_ERROR)


@pytest.fixture
def with_bf16(monkeypatch):
    "The probe succeeds, on a CPU with bfloat16 instructions."
    monkeypatch.delenv(BF16_ENV_VAR, raising=False)
    monkeypatch.setattr(hardware, "probe_bf16", lambda device: None)
    monkeypatch.setattr(hardware, "native_bf16_cpu", lambda: (True, ""))


def test_every_preset_asks_for_auto():
    assert all(config.bf16 == "auto" for config in PRESETS.values()) and TrainConfig().bf16 == "auto"
    with pytest.raises(ValueError, match="'auto', True or False"): TrainConfig(bf16="yes")


def test_auto_falls_back_to_float32_in_one_line(no_bf16):
    lines = []
    assert resolve_bf16("auto", "cpu", lines.append) is False
    assert len(lines) == 1 and lines[0].startswith("precision: float32") and "could not create" in lines[0]


def test_auto_uses_bf16_where_the_probe_passes(with_bf16):
    lines = []
    assert resolve_bf16("auto", "cpu", lines.append) is True and lines[0].startswith("precision: bfloat16")
    assert resolve_bf16(True, "cpu", None) is True and resolve_bf16(False, "cpu", None) is False


def test_imitated_bf16_is_not_chosen_but_may_be_asked_for(monkeypatch):
    "AVX-512 without BF16 instructions: the probe passes (oneDNN imitates bfloat16), auto says float32, True runs."
    monkeypatch.delenv(BF16_ENV_VAR, raising=False)
    monkeypatch.setattr(hardware, "probe_bf16", lambda device: None)
    monkeypatch.setattr(hardware, "native_bf16_cpu", lambda: (False, "this CPU has no AVX512-BF16 or AMX-BF16 instructions"))
    lines = []
    assert resolve_bf16("auto", "cpu", lines.append) is False and "imitated" in lines[0]
    assert resolve_bf16(True, "cpu", None) is True


def test_onednn_isa_levels():
    assert [hardware._isa_allows_bf16(isa) for isa in ("", "ALL", "AVX2", "AVX512_CORE", "AVX512_CORE_BF16", "AVX512_CORE_AMX")] \
        == [True, True, False, False, True, True]


def test_explicit_bf16_without_support_is_one_clear_error(no_bf16):
    with pytest.raises(PrecisionError) as err: resolve_bf16(True, "cpu", None)
    message = str(err.value)
    assert "\n" not in message and "--bf16 auto" in message and "bf16=True" in message


def test_the_switch_turns_bf16_off_without_probing(monkeypatch):
    monkeypatch.setenv(BF16_ENV_VAR, "0")
    monkeypatch.setattr(hardware, "probe_bf16", lambda device: pytest.fail("the probe must not run"))
    assert bf16_support("cpu") == (False, f"turned off by {BF16_ENV_VAR}=0")
    assert hardware_report()["precision_auto"] == "float32"


def test_the_probe_leaves_the_random_generator_alone():
    probe_bf16.cache_clear()
    torch.manual_seed(3); expected = torch.rand(3)
    torch.manual_seed(3); probe_bf16("cpu"); assert torch.equal(torch.rand(3), expected)


def test_forced_off_trains_fast_on_the_sample(small_data, monkeypatch, tmp_path):
    "The path most students take: the default preset, float32, a few batches; the saved model records float32."
    monkeypatch.setenv(BF16_ENV_VAR, "0")
    lines = []
    config = get_preset("fast", epochs=1, min_steps=0, vocab_size=2_000, word2vec_epochs=1, embed_size=50, num_hiddens=16,
                        max_length=128)
    trained = train_recipe(small_data, config, progress=False, log=lines.append)
    assert trained.precision == "float32" and len(trained.history) == 1
    assert sum(line.startswith("precision: float32") for line in lines) == 1, lines
    save_model(tmp_path/"m", trained)
    assert json.loads((tmp_path/"m"/"config.json").read_text())["precision"] == "float32"
    assert load_model(tmp_path/"m").precision == "float32"


def test_explicit_bf16_stops_before_any_work(small_data, no_bf16, monkeypatch):
    import sentiment_nb.training as training
    monkeypatch.setattr(training, "train_tokenizer", lambda *a, **k: pytest.fail("trained a tokenizer first"))
    with pytest.raises(PrecisionError, match="--bf16 auto"):
        train_recipe(small_data, get_preset("tiny", bf16=True), progress=False, log=None)


@pytest.mark.skipif(probe_bf16("cpu") is not None or not env_flag(BF16_ENV_VAR, default=True),
                    reason="this CPU cannot compute the LSTM in bfloat16")
def test_real_bf16_where_the_cpu_has_it(small_data):
    config = get_preset("tiny", epochs=1, vocab_size=1_000, word2vec_epochs=1, bf16=True)
    assert train_recipe(small_data, config, progress=False, log=None).precision == "bfloat16"


def _cli(*args, env=None):
    return subprocess.run(["sentiment-nb", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_cli_on_a_laptop_cpu_falls_back_for_real(tmp_path):
    "Not mocked: oneDNN limited to AVX2 really fails the probe; the default (auto) trains in float32."
    env = {**LAPTOP, BF16_ENV_VAR: ""}
    run = _cli("train", "--data", "sample", "--preset", "tiny", "--epochs", "1", "--vocab-size", "2000", "--quiet",
               "--out", str(tmp_path/"m"), env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "precision: float32" in run.stdout and json.loads(run.stdout.splitlines()[-1])["precision"] == "float32"


def test_cli_explicit_bf16_on_a_laptop_cpu_is_one_line(tmp_path):
    run = _cli("train", "--data", str(tmp_path/"never-read"), "--preset", "tiny", "--bf16", "true",
               "--out", str(tmp_path/"m"), env={**LAPTOP, BF16_ENV_VAR: ""})
    assert run.returncode == 2 and "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "AVX2" in run.stderr and "--bf16 auto" in run.stderr  # names the missing feature and the fix
    assert "not 'sample', 'imdb' or an existing folder" not in run.stderr  # stopped before looking at the data
    assert not (tmp_path/"m").exists()


@pytest.mark.slow
def test_info_reports_what_a_teacher_needs():
    report = json.loads(_cli("info", "--json", env={BF16_ENV_VAR: "0"}).stdout)
    for key in ("sentiment_nb", "torch", "device", "cpu", "cpu_features", "precision_auto", "threads", "data_source",
                "word2vec_cache"):
        assert key in report, key
    assert report["precision_auto"] == "float32" and "SENTIMENT_NB_BF16" in report["bf16_reason"]
    text = _cli("info").stdout
    assert "avx512_bf16" in text and "precision_auto" in text


def test_device_and_threads(monkeypatch):
    assert choose_device("cpu")[0] == torch.device("cpu")
    with pytest.raises(ValueError, match="must be one of"): choose_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"): choose_device("cuda")
    monkeypatch.setenv(THREADS_ENV_VAR, "3"); assert choose_threads()[0] == 3
    monkeypatch.setenv(THREADS_ENV_VAR, "0")
    with pytest.raises(ValueError, match="whole number"): choose_threads()
    monkeypatch.delenv(THREADS_ENV_VAR); monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(torch, "get_num_threads", lambda: 64)
    assert choose_threads()[0] == MAX_AUTO_THREADS


def test_a_bf16_model_is_scored_in_float32_where_bf16_cannot_run(tiny_trained, no_bf16, monkeypatch):
    with hardware.autocast_for("bfloat16", "cpu"): assert not torch.is_autocast_enabled("cpu")
    monkeypatch.setattr(tiny_trained, "precision", "bfloat16")
    assert score_model(tiny_trained, {"text": ["a fine film"], "label": [1]}) == evaluate_dataset(
        tiny_trained, {"text": ["a fine film"], "label": [1]})


@pytest.mark.slow
def test_a_bf16_checkpoint_resumes_on_a_laptop_with_bf16_auto(tmp_path):
    "An interrupted run saved with bf16=True: on a CPU without bfloat16, --resume says what to do, and --bf16 auto goes on."
    data = make_imdb_sample("sample", tmp_path/"data", sizes={"train": 200, "test": 60})
    config = get_preset("tiny", epochs=1, vocab_size=500, bf16=True)
    tokenizer = train_tokenizer(["a fine film", "a dull film"] * 5, config.vocab_size, 1)
    model = SentimentModel(config.model_config(tokenizer.get_vocab_size(), pad_id(tokenizer)))
    state = TrainingState(epoch_rng=torch.Generator().manual_seed(config.seed).get_state())
    save_checkpoint(tmp_path/"m.checkpoint", model, torch.optim.Adam(model.parameters()), tokenizer, config, state,
                    {"data": str(data), "coverage": {}})
    refused = _cli("train", "--resume", "--out", str(tmp_path/"m"), "--quiet", env=LAPTOP)
    assert refused.returncode == 2 and "--bf16 auto" in refused.stderr and "Traceback" not in refused.stderr
    resumed = _cli("train", "--resume", "--bf16", "auto", "--out", str(tmp_path/"m"), "--quiet", env=LAPTOP)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert json.loads(resumed.stdout.splitlines()[-1])["precision"] == "float32"
