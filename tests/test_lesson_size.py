"""Each core lesson is one sitting: at most ~2,400 words of prose and ~40 code cells, exercises included,
and it states its time once, at the top."""
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/"scripts"))
import lesson_size  # noqa: E402


def test_prose_words_leave_code_out():
    assert lesson_size.prose_words("Call `train_model(model)` now.\n```python\nx = 1\n```\nDone.") == 3


@pytest.mark.parametrize("path", lesson_size.core_lessons(), ids=lambda p: p.stem)
def test_a_core_lesson_is_one_sitting(path):
    size = lesson_size.lesson_size(path)
    assert size["words"] <= lesson_size.MAX_WORDS, f"{path.name}: {size['words']} words of prose"
    assert size["code_cells"] <= lesson_size.MAX_CODE_CELLS, f"{path.name}: {size['code_cells']} code cells"


@pytest.mark.parametrize("path", lesson_size.core_lessons(), ids=lambda p: p.stem)
def test_a_core_lesson_states_its_time_once_at_the_top(path):
    "'**In this lesson** (about N minutes, exercises included)' near the top, and no other 'about N minutes'."
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    opening = "\n".join(markdown[:3])
    assert lesson_size.STATED_TIME.search(opening), f"{path.name}: no '**In this lesson** (about N minutes, exercises included)' at the top"
    assert len(lesson_size.MINUTES.findall("\n".join(markdown))) == 1, f"{path.name}: states its time more than once"
    assert lesson_size.stated_minutes(path) == int(lesson_size.STATED_TIME.search(opening)[1])


NARRATION = re.compile(r"\bversion \d|\b\d+\.\d+\.\d+\b|\b(?:in|since|before|until) 0\.\d\b|\b0\.\d's\b", re.I)


@pytest.mark.parametrize("path", lesson_size.core_lessons(), ids=lambda p: p.stem)
def test_a_core_lesson_tells_todays_truth_not_our_history(path):
    "No core lesson mentions one of our version numbers: how we got here belongs in CHANGELOG.md."
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = [m.group(0) for c in cells if c["cell_type"] == "markdown" for m in NARRATION.finditer("".join(c["source"]))]
    assert not found, f"{path.name} narrates versions: {found}"


def test_the_narration_rule_catches_narration():
    assert NARRATION.search("In 0.4 the fast recipe trained 4 epochs") and NARRATION.search("since version 0.5")
    assert not NARRATION.search("a probability above 0.5 means Positive; lr 0.003")
