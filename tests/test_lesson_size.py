"""Each core lesson is one sitting: at most ~2,400 words of prose and ~40 code cells, exercises included."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/"scripts"))
import lesson_size  # noqa: E402
import make_student_notebooks as students  # noqa: E402


def test_prose_words_leave_code_out():
    assert lesson_size.prose_words("Call `train_model(model)` now.\n```python\nx = 1\n```\nDone.") == 3


@pytest.mark.parametrize("path", students.core_lessons(), ids=lambda p: p.stem)
def test_a_core_lesson_is_one_sitting(path):
    size = lesson_size.lesson_size(path)
    assert size["words"] <= lesson_size.MAX_WORDS, f"{path.name}: {size['words']} words of prose"
    assert size["code_cells"] <= lesson_size.MAX_CODE_CELLS, f"{path.name}: {size['code_cells']} code cells"
