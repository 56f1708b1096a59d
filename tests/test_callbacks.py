"""Lesson 05's loop stays the code a student writes; production features attach to it as callbacks from their appendices."""
import ast
import inspect
from pathlib import Path

import pytest
import torch

from sentiment_nb import training
from sentiment_nb.config import get_preset
from sentiment_nb.recipe import recipe_callbacks
from sentiment_nb.training import Callback, Learner, encode_split, train_model

PACKAGE = Path(training.__file__).parent


def imported_modules(path: Path) -> set[str]:
    "The names of our modules that the module at `path` imports (`from .x import ...`)."
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}


def test_the_lesson_module_imports_no_production_machinery():
    assert imported_modules(PACKAGE/"training.py").isdisjoint({"saving", "distributed", "hardware", "watch", "recipe", "cli"})
    source = (PACKAGE/"training.py").read_text()
    assert "DistributedDataParallel" not in source and "autocast" not in source and "safetensors" not in source


def test_the_lessons_functions_take_callbacks_not_flags():
    assert list(inspect.signature(train_model).parameters) == [
        "model", "train", "valid", "config", "tokenizer", "callbacks", "progress", "log"]
    assert list(inspect.signature(training.fit_sentiment_model).parameters) == ["data", "config", "callbacks", "progress", "log"]


def test_no_module_over_300_lines():
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py") if p.name != "_modidx.py"}
    assert max(sizes.values()) <= 300, {k: v for k, v in sizes.items() if v > 300}


def test_the_command_line_trains_through_the_recipe():
    from sentiment_nb import cli
    source = inspect.getsource(cli._train_lstm)  # train_command's training step
    assert "_train_lstm(" in inspect.getsource(cli.train_command) and "train_recipe(" in source and "resume_recipe(" in source and "fit_sentiment_model" not in source


def test_the_recipe_composes_the_appendices_callbacks(tmp_path):
    names = lambda cbs: [type(cb).__name__ for cb in cbs]
    callbacks, bf16 = recipe_callbacks(get_preset("tiny", bf16=False), torch.device("cpu"), tmp_path/"run", 5, log=None)
    assert names(callbacks) == ["DeviceCallback", "DistributedCallback", "CheckpointCallback"] and not bf16
    assert callbacks[-1].every == 5


def test_events_run_in_order_and_a_callback_can_skip_a_batch(small_data, tiny_trained):
    "Every event fires, in the loop's order; CancelBatch skips a batch without counting it."
    tokenizer = tiny_trained.tokenizer
    split = encode_split(tokenizer, small_data["train"].select(range(64)), 32)
    seen = []
    class Spy(Callback):
        def __getattr__(self, event):
            if event.startswith(("before_", "after_")): return lambda learn: seen.append(event)
            raise AttributeError(event)
    class SkipFirst(Callback):
        order = -1
        def before_batch(self, learn):
            if learn.batch_index == 0: raise training.CancelBatch
    config = get_preset("tiny", epochs=1, min_steps=0)
    model = type(tiny_trained.model)(config.model_config(tokenizer.get_vocab_size(), training.pad_id(tokenizer)))
    learner = Learner(model, split, split, config, tokenizer, [Spy(), SkipFirst()])
    learner.fit()
    steps = learner.steps
    assert seen[0] == "before_fit" and seen[1] == "before_epoch" and seen[-2:] == ["after_epoch", "after_fit"]
    assert seen.count("after_batch") == steps - 1 and seen.count("before_batch") == steps - 1  # the spy runs after the skip
    assert learner.state.epoch == 2 and learner.state.history == []  # no Recorder: no history


def test_the_progress_bar_is_closed_when_training_stops_on_an_error(small_data, tiny_trained):
    "An error mid-epoch (here a callback's, as a bad batch would raise) leaves no open bar behind; one before any epoch, no new error."
    tokenizer = tiny_trained.tokenizer
    split = encode_split(tokenizer, small_data["train"].select(range(64)), 32)
    config = get_preset("tiny", epochs=1, min_steps=0)
    model = type(tiny_trained.model)(config.model_config(tokenizer.get_vocab_size(), training.pad_id(tokenizer)))
    class FailOnSecondBatch(Callback):
        def after_batch(self, learn):
            if learn.batch_index == 1: raise FloatingPointError("a bad batch")
    class FailAtStart(Callback):
        def before_fit(self, learn): raise RuntimeError("no device")
    bar = training.ProgressBar()
    with pytest.raises(FloatingPointError, match="a bad batch"):
        Learner(model, split, split, config, tokenizer, [bar, FailOnSecondBatch()]).fit()
    assert bar.bar.n == 2 and bar.bar.disable  # two batches counted, then closed (tqdm disables a closed bar)
    with pytest.raises(RuntimeError, match="no device"):  # the original error, not one from the bar that never opened
        Learner(model, split, split, config, tokenizer, [training.ProgressBar(), FailAtStart()]).fit()
