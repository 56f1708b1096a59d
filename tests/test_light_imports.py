"""Predicting with a saved model imports only what inference needs: not the training stack's heavy libraries."""
import subprocess
import sys

# What training, data loading and plotting bring in, and prediction must not. (`tqdm` itself cannot be on the
# list: `import torch` loads it, through torch.hub; `tqdm.auto` is what our progress bar imports.)
HEAVY = {"gensim", "datasets", "scipy", "sklearn", "pandas", "matplotlib", "tqdm.auto"}

PREDICT = f"""
import sys
import sentiment_nb.config, sentiment_nb.inference, sentiment_nb.saving
from sentiment_nb.inference import predict_batch
from sentiment_nb.sample_model import sample_model_dir
from sentiment_nb.saving import load_model
trained = load_model(sample_model_dir())
print(predict_batch(trained.model, trained.tokenizer, ["I really love this movie"])[0].label)
print(sorted(set(sys.modules) & set({sorted(HEAVY)!r})))
"""


def test_predicting_imports_no_training_stack():
    result = subprocess.run([sys.executable, "-c", PREDICT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    label, imported = result.stdout.strip().splitlines()[-2:]
    assert label == "Positive"
    assert imported == "[]", f"loading a model to predict imported {imported}; import them inside the functions that need them"


CLI_PREDICT = f"""
import sys
from sentiment_nb.cli import main
from sentiment_nb.sample_model import sample_model_dir
main(["predict", "--model", str(sample_model_dir()), "I really love this movie"])
print(sorted(set(sys.modules) & set({sorted(HEAVY)!r})))
"""


def test_the_predict_command_imports_no_training_stack():
    "`sentiment-nb predict` as a user runs it: the command line imports the training code only when it trains."
    result = subprocess.run([sys.executable, "-c", CLI_PREDICT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    printed, imported = result.stdout.strip().splitlines()[-2:]
    assert printed.startswith("Positive") and printed.endswith("I really love this movie")
    assert imported == "[]", f"`sentiment-nb predict` imported {imported}; import them in the command that needs them"
