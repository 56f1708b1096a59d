"""Each numbered notebook as a student runs it: JupyterLab in headless Chromium, a fresh kernel,
"Run All Cells", every cell (full-size cells too: they skip themselves unless full size is asked
for), no error output; then we use the widget a stage notebook ends with and check that what it
shows changes accordingly. A student's copy of one lesson (scripts/make_student_notebooks.py) runs too:
its Run All must stop at the first exercise's check, showing the check's one-line hint.

The kernel gets none of our SENTIMENT_NB_* variables, no Hugging Face offline flags, bfloat16
turned off (SENTIMENT_NB_BF16=0), oneDNN limited to AVX2 instructions (ONEDNN_MAX_CPU_ISA), as on
a typical laptop, and an empty Word2Vec cache, as on a first run. The time each notebook's Run All takes is printed and must stay within
RUN_ALL_BUDGET seconds.

Needs Chromium (`/usr/bin/chromium`, or `$SENTIMENT_NB_CHROMIUM`) and the `playwright` package.
Without them the tests are skipped, unless `SENTIMENT_NB_REQUIRE_BROWSER=1` (as in CI), which
turns the skip into a failure. Screenshots go to `$SENTIMENT_NB_SCREENSHOTS`
(default `tests/screenshots/`), one per notebook."""
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sentiment_nb.files import env_flag

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("SENTIMENT_NB_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("SENTIMENT_NB_SCREENSHOTS", ROOT/"tests"/"screenshots"))
REQUIRED = env_flag("SENTIMENT_NB_REQUIRE_BROWSER")
RUN_TIMEOUT = int(os.environ.get("SENTIMENT_NB_BROWSER_TIMEOUT", "600"))  # seconds for one notebook's cells
RUN_ALL_BUDGET = 300  # seconds: "Run All" must finish in a few minutes on a 2-core machine
LAPTOP_ENV = {"SENTIMENT_NB_BF16": "0", "ONEDNN_MAX_CPU_ISA": "AVX2"}  # no bfloat16, a laptop's instruction set

# JupyterLab settings: no news or update pop-ups, start the kernel without asking, and keep
# every cell in the page (by default JupyterLab only renders the cells in view).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True, "windowingMode": "none"},
}


def _missing() -> str | None:
    try: import playwright.sync_api  # noqa: F401
    except ImportError: return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.is_file(): return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set SENTIMENT_NB_CHROMIUM)"
    if shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None and shutil.which("jupyter-lab") is None:
        return "JupyterLab is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        if REQUIRED: pytest.fail(f"SENTIMENT_NB_REQUIRE_BROWSER=1 but {missing}.")
        pytest.skip(f"browser test skipped: {missing}")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    "A JupyterLab server on a copy of nbs/, on a free port with a random token: yields its base URL and token."
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT/"nbs", work/"nbs")
    shutil.copytree(ROOT/"scripts", work/"scripts")  # the teacher's guide uses the scripts' own rules
    shutil.copy(ROOT/"README.md", work/"README.md")  # ... and prints the README's first command
    (work/"bench"/"results").mkdir(parents=True)
    for result in [*(ROOT/"bench").glob("*.json"), *(ROOT/"bench"/"results").glob("*.json")]:  # the lessons print them
        shutil.copy(result, work/"bench"/result.relative_to(ROOT/"bench"))
    settings = work/"settings"
    for name, values in LAB_SETTINGS.items():
        (settings/name).parent.mkdir(parents=True, exist_ok=True)
        (settings/name).write_text(json.dumps(values))
    student = lambda k: k != "MPLBACKEND" and not k.startswith(("SENTIMENT_NB_", "HF_"))  # as a student's shell
    env = {k: v for k, v in os.environ.items() if student(k)}  # MPLBACKEND: the kernel must draw inline, not into Agg
    env.update(JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(work/"workspaces"),
               JUPYTER_RUNTIME_DIR=str(work/"runtime"), **LAPTOP_ENV,
               SENTIMENT_NB_CACHE=str(work/"empty-cache"))  # no Word2Vec cached yet, as on a student's first run
    port, token = _free_port(), secrets.token_hex(16)
    log = open(work/"jupyterlab.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
                               f"--port={port}", f"--ServerApp.token={token}", f"--ServerApp.root_dir={work/'nbs'}",
                               "--ServerApp.port_retries=0", "--LabApp.news_url=", "--ServerApp.open_browser=False"],
                              cwd=work/"nbs", env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a busy 2-core machine can take a while
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2): break
            except OSError: time.sleep(0.5)
            if server.poll() is not None: pytest.fail(f"JupyterLab exited: {(work/'jupyterlab.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start in 180 s: {(work/'jupyterlab.log').read_text()[-2000:]}")
        yield url, token
    finally:
        server.terminate()
        try: server.wait(timeout=20)
        except subprocess.TimeoutExpired: server.kill()
        log.close()


def _kernel_idle(url: str, token: str, notebook: str) -> bool:
    "Whether the server has a kernel for `notebook` and that kernel is idle."
    with urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=10) as response: sessions = json.load(response)
    return any(s["path"].endswith(notebook) and (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions)


def _started(prompts: list[str]) -> bool:
    "Whether a run has begun: a queued or running cell shows [*], a finished one its number."
    return any("*" in p or re.search(r"\d", p) for p in prompts)


def _run_all(page, url: str, token: str, notebook: str, tries: int = 5, to_the_end: bool = True):
    """Open `notebook`, wait for its kernel, run all cells and wait until every one has finished without error
    (with `to_the_end=False`, until the run has stopped, wherever that is). Once in CI, "Run All Cells" ran
    nothing: every cell stayed `[ ]` with no error or dialog, as when the command is disabled or dropped while
    the notebook is still loading. So we wait for the kernel, check that the run began, and ask again if it did not."""
    page.goto(f"{url}/lab/tree/{notebook}?reset&token={token}")  # reset: no tabs from an earlier test
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
    page.locator(".jp-Toolbar-kernelName:has-text('Python')").first.wait_for(timeout=60_000)
    prompts = lambda: page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
    for _ in range(tries):
        deadline = time.monotonic() + 60
        while not _kernel_idle(url, token, notebook) and time.monotonic() < deadline: page.wait_for_timeout(500)
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        item = page.locator(".lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")))
        if "lm-mod-disabled" in (item.get_attribute("class") or ""):  # the notebook is not the current widget yet
            page.keyboard.press("Escape")
            page.wait_for_timeout(3000)
            continue
        item.click()
        deadline = time.monotonic() + 30
        while not _started(prompts()) and time.monotonic() < deadline: page.wait_for_timeout(500)
        if _started(prompts()): break
    else:
        dialogs = _text(page.locator(".jp-Dialog"))
        pytest.fail(f"{notebook}: Run All Cells started no cell in {tries} tries. {dialogs or 'No dialog open.'}")
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        now = prompts()
        busy = page.locator(".jp-Notebook-ExecutionIndicator[data-status='busy']").count()
        if now and not busy and not any("*" in p for p in now): break
        page.wait_for_timeout(1000)
    else: pytest.fail(f"{notebook}: cells still running after {RUN_TIMEOUT} s")
    unrun = [p for p in prompts() if not re.search(r"\d", p)]
    if unrun and to_the_end:  # a cell failed and the rest were not run: show the traceback
        stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
        errors = [text for text in stderr if "Error" in text or "Traceback" in text]
        shown = (errors or [_text(page.locator(".jp-Dialog")) or "No traceback or dialog shown."])[-1][-3000:]
        pytest.fail(f"{notebook}: {len(unrun)} cells did not run. {shown}")


def _saved_cells(page, url: str, token: str, notebook: str) -> list[dict]:
    "Save the notebook from JupyterLab (Ctrl+S) and read its cells back, with their outputs."
    def modified():
        with urllib.request.urlopen(f"{url}/api/contents/{notebook}?content=0&token={token}", timeout=10) as r:
            return json.load(r)["last_modified"]
    before = modified()
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while modified() == before and time.monotonic() < deadline: page.wait_for_timeout(500)
    if modified() == before: pytest.fail(f"{notebook}: JupyterLab did not save the notebook within 30 s (Ctrl+S)")
    with urllib.request.urlopen(f"{url}/api/contents/{notebook}?content=1&token={token}", timeout=30) as r:
        return json.load(r)["content"]["cells"]


def _saved_errors(page, url: str, token: str, notebook: str) -> list[str]:
    "Save the notebook from JupyterLab and read it back: the error outputs of its cells, and any cell left unrun."
    cells = _saved_cells(page, url, token, notebook)
    problems = []
    for k, cell in enumerate(cells):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip(): continue
        if cell.get("execution_count") is None: problems.append(f"cell {k} did not run")
        for out in cell.get("outputs", []):
            if out["output_type"] == "error": problems.append(f"cell {k}: {out['ename']}: {out['evalue']}"[:500])
            elif out.get("name") == "stderr" and "Traceback" in "".join(out.get("text", "")):
                problems.append(f"cell {k}: a traceback on stderr: {''.join(out['text'])[-500:]}")
    return problems


WIDGET = ".jp-OutputArea-output .widget-box, .jp-OutputArea-output .widget-vbox"


def _last_widget(page):
    "The last cell that shows a widget (the lesson's explorer, before its summary and exercises), once rendered."
    cells = page.locator(".jp-Notebook .jp-CodeCell", has=page.locator(WIDGET))
    cells.first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)  # let every widget of the page render before choosing the last
    cell = cells.last
    cell.locator(WIDGET).first.wait_for(timeout=60_000)
    return cell


def _text(locator) -> str: return " ".join(locator.all_inner_texts())


def _wait_change(locator, before: str, timeout: float = 20) -> str:
    "Wait until `locator`'s text differs from `before`; return it."
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _text(locator)
        if now != before: return now
        time.sleep(0.2)
    raise AssertionError(f"the widget's display did not change from: {before[:300]!r}")


def _slide_to_start(slider):
    "Move an ipywidgets 8 slider to its minimum with the keyboard, as a user can."
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    handle.press("Home")


def interact_text(cell):
    "00: choose Positive reviews only."
    out = cell.locator(".widget-html, .widget-output")
    before = _text(out)
    assert "[Negative" in before
    cell.locator(".widget-dropdown select").first.select_option(label="Positive")
    after = _wait_change(out, before)
    assert "Positive" in after and "[Negative" not in after
    return after


def interact_tokenizer(cell):
    "01: type a sentence with an unknown word."
    out = cell.locator(".widget-html")
    before = _text(out)
    cell.locator("textarea").first.fill("I really love this zorblaxian movie")
    after = _wait_change(out, before)
    assert "zorblaxian" in after and "<unk>" in after
    return after


def interact_embeddings(cell):
    "02: type a word without a vector, then another word."
    out = cell.locator(".widget-html")
    before = _text(out)
    cell.locator(".widget-text input").first.fill("zorblax")
    after = _wait_change(out, before)
    assert "has no vector" in after
    cell.locator(".widget-text input").first.fill("movie")
    assert "has no vector" not in _wait_change(out, after)
    return after


def interact_pytorch(cell):
    "02p: move the weight slider to its minimum, then switch the label: the step turns around."
    out = cell.locator(".widget-html")
    before = _text(out)
    _slide_to_start(cell.locator(".widget-slider"))
    after = _wait_change(out, before)
    assert "weight -3.00" in after and "gradient" in after
    cell.locator(".widget-toggle-button", has_text="negative (0)").click()
    flipped = _wait_change(out, after)
    assert "weight -3.00" in flipped and ("goes up" in after) != ("goes up" in flipped)
    return flipped


def interact_lstm(cell):
    "03: step back to the first word, then type a new sentence."
    out = cell.locator(".widget-html")
    before = _text(out)
    assert "step 5 of 5" in before
    _slide_to_start(cell.locator(".widget-slider"))
    after = _wait_change(out, before)
    assert "step 1 of 5" in after
    cell.locator(".widget-text input").first.fill("what a boring film")
    assert "of 4" in _wait_change(out, after)
    return after


def interact_loss(cell):
    "04: move the logit slider to its minimum."
    out = cell.locator(".widget-html")
    before = _text(out)
    _slide_to_start(cell.locator(".widget-slider"))
    after = _wait_change(out, before)
    assert "-6.0" in after or "−6.0" in after
    return after


def interact_training(cell):
    "05: after the live run, go back to the first snapshot: the sentences' probabilities differ."
    out = cell.locator(".widget-html")
    before = _text(out)
    assert "batch 450 (epoch 2)" in before  # the last record: training went through both epochs
    _slide_to_start(cell.locator(".widget-slider"))
    after = _wait_change(out, before)
    assert "batch 0" in after
    return after


def interact_inference(cell):
    "06: pick the negation sentence, then type a new review."
    out = cell.locator(".widget-html")
    before = _text(out)
    cell.locator(".widget-dropdown select").first.select_option(label="I don't think this is a good movie.")
    after = _wait_change(out, before)
    assert "think" in after and "probability" in after
    cell.locator("textarea").first.fill("What a waste of two hours.")
    assert "waste" in _wait_change(out, after)
    return after


def interact_negation(cell):
    "07: the scope-marking attention model; pick another sentence and see the not_ marks and the attention row."
    out = cell.locator(".widget-html")
    before = _text(out)
    assert "not_think" in before and "attention" in before
    cell.locator(".widget-dropdown select").first.select_option(label="This movie is amazing!")
    after = _wait_change(out, before)
    assert "amazing" in after and "attention" in after and "not_" not in after
    cell.locator("textarea").first.fill("It is not a good film, but the music is great.")
    assert "not_good" in _wait_change(out, after)
    return after


NOTEBOOKS = {"00_text": interact_text, "00a_files": None, "00b_negation_rules": None, "01_tokenizer": interact_tokenizer,
             "02_embeddings": interact_embeddings, "02a_word2vec_cache": None, "02p_pytorch": interact_pytorch, "03_lstm": interact_lstm, "03a_packing": None,
             "03b_refinements": None,
             "04_loss": interact_loss, "05_training": interact_training, "05a_hardware": None, "05b_config": None,
             "05c_saving": None, "05d_distributed": None, "05e_speed": None, "05f_watch": None, "05g_sample_model": None,
             "05h_recipe": None,
             "06_inference": interact_inference, "06a_cli": None, "07_negation": interact_negation, "07a_hybrid": None, "07b_comparison": None,
             "08_figures": None, "09_checks": None, "10_teachers_guide": None}  # None: not interacted with


def test_every_numbered_notebook_is_tested():
    numbered = {p.stem for p in (ROOT/"nbs").glob("[0-9]*.ipynb")}
    assert numbered == set(NOTEBOOKS), numbered ^ set(NOTEBOOKS)


@pytest.mark.slow  # JupyterLab in headless Chromium: minutes
@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_widget_in_the_browser(lab, browser, name):
    url, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    try:
        start = time.monotonic()
        _run_all(page, url, token, f"{name}.ipynb")
        seconds = time.monotonic() - start
        problems = _saved_errors(page, url, token, f"{name}.ipynb")
        assert not problems, f"{name}: " + "; ".join(problems)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if NOTEBOOKS[name] is None: cell = page.locator(".jp-Notebook .jp-Cell").last
        else:
            cell = _last_widget(page)
            cell.scroll_into_view_if_needed()
            NOTEBOOKS[name](cell)
            page.wait_for_timeout(500)  # let the last redraw settle before the picture
        cell.screenshot(path=str(SCREENSHOTS/f"{name}.png"))
        print(f"\n{name}: Run All took {seconds:.0f} s; widget used, screenshot {SCREENSHOTS/name}.png")
        with open(SCREENSHOTS/"run_all_seconds.txt", "a") as f: f.write(f"{name} {seconds:.0f}\n")
        assert seconds < RUN_ALL_BUDGET, f"{name}: Run All took {seconds:.0f} s, more than {RUN_ALL_BUDGET} s"
    finally:
        page.close()
        _stop_kernels(url, token)


SLIDES_LESSON = "04_loss"  # presented as slides, and where a student answers an exercise


@pytest.mark.slow  # JupyterLab in headless Chromium: minutes
def test_a_lesson_as_slides(lab, browser):
    "A teacher presents a lesson with jupyterlab-rise: the title slide, then the next slide with the arrow key."
    url, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{url}/rise/{SLIDES_LESSON}.ipynb?token={token}")
        present = page.locator(".reveal .slides > section.present").first
        present.wait_for(timeout=120_000)
        first = present.inner_text()
        assert "By the end" in first, first[:500]  # the title slide carries the lesson's objectives
        slides = page.locator(".reveal .slides > section").count()
        assert slides >= 4, f"only {slides} slides"
        page.keyboard.press("ArrowRight")
        second = _wait_change(page.locator(".reveal .slides > section.present"), first)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS/f"slides_{SLIDES_LESSON}.png"))
        print(f"\n{SLIDES_LESSON} as slides: {slides} slides; the second starts with {second.strip().splitlines()[0]!r}")
    finally:
        page.close()
        _stop_kernels(url, token)


def _first_exercise(notebook: Path) -> tuple[str, str]:
    "The placeholder line of the first exercise's answer cell, and the check cell's source."
    code = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    i = next(i for i, c in enumerate(code) if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    return "".join(code[i]["source"]).splitlines()[0], "".join(code[i + 1]["source"])


@pytest.mark.slow  # JupyterLab in headless Chromium: minutes
def test_an_exercise_check_in_the_browser(lab, browser):
    "After Run All every check shows ✓; a student who has not answered yet runs the check and gets a one-line hint."
    url, token = lab
    placeholder, check = _first_exercise(ROOT/"nbs"/f"{SLIDES_LESSON}.ipynb")
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    try:
        _run_all(page, url, token, f"{SLIDES_LESSON}.ipynb")
        answer_cell = page.locator(".jp-Notebook .jp-CodeCell", has_text="### BEGIN SOLUTION").first
        check_cell = page.locator(".jp-Notebook .jp-CodeCell", has_text=check.splitlines()[0]).first
        assert "✓" in _text(check_cell.locator(".jp-OutputArea-output"))  # the worked solution passed
        answer_cell.scroll_into_view_if_needed()
        answer_cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.type(placeholder)  # the student's copy: only the placeholder, no answer yet
        page.keyboard.press("Shift+Enter")  # run the answer cell, move to the check
        page.wait_for_timeout(1000)
        page.keyboard.press("Shift+Enter")  # run the check
        output = check_cell.locator(".jp-OutputArea-output")
        deadline = time.monotonic() + 30
        while "Not yet" not in _text(output) and time.monotonic() < deadline: page.wait_for_timeout(300)
        shown = _text(output)
        assert "Not yet" in shown and "still None" in shown and "Traceback" not in shown, shown[:500]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        check_cell.screenshot(path=str(SCREENSHOTS/"exercise_check.png"))
        print(f"\n{SLIDES_LESSON}: the check of a missing answer shows {shown.strip()[:120]!r}")
    finally:
        page.close()
        _stop_kernels(url, token)


def _upload(url: str, token: str, notebook: Path, folder: str) -> str:
    "Put `notebook` into `folder` of the lab's files through JupyterLab's contents API; its path there."
    def put(path: str, model: dict):
        request = urllib.request.Request(f"{url}/api/contents/{path}?token={token}", data=json.dumps(model).encode(),
                                         method="PUT", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).close()
    put(folder, {"type": "directory"})
    put(f"{folder}/{notebook.name}", {"type": "notebook", "format": "json", "content": json.loads(notebook.read_text())})
    return f"{folder}/{notebook.name}"


@pytest.mark.slow  # JupyterLab in headless Chromium: minutes
def test_a_students_copy_stops_at_the_first_exercise(lab, browser, tmp_path):
    """The student's copy of a lesson, made by scripts/make_student_notebooks.py, in student/ beside the lessons (bench/
    is above both): Run All runs every cell up to the first exercise's check, which stops it with its one-line hint."""
    url, token = lab
    sys.path.insert(0, str(ROOT/"scripts"))
    import make_student_notebooks
    made = make_student_notebooks.main(["--out", str(tmp_path/"student"), "--lessons", SLIDES_LESSON.split("_")[0]])
    notebook = _upload(url, token, made/f"{SLIDES_LESSON}.ipynb", "student")
    placeholder, check = _first_exercise(made/f"{SLIDES_LESSON}.ipynb")
    answer = placeholder.split(" = ")[0]
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    try:
        _run_all(page, url, token, notebook, to_the_end=False)
        check_cell = page.locator(".jp-Notebook .jp-CodeCell", has_text=check.splitlines()[0]).first
        check_cell.scroll_into_view_if_needed()
        shown = _text(check_cell.locator(".jp-OutputArea-output"))
        assert f"✗ Not yet. {answer} is still None" in shown, shown[:500]
        assert "Traceback" not in shown and "Hint" not in shown and "File " not in shown, shown[:500]  # no frames
        code = [c for c in _saved_cells(page, url, token, notebook) if c["cell_type"] == "code"]
        stop = next(i for i, c in enumerate(code) if any(o["output_type"] == "error" for o in c.get("outputs", [])))
        assert "".join(code[stop]["source"]) == check, f"the run stopped at code cell {stop}, not at the first check"
        assert all(c.get("execution_count") for c in code[:stop + 1]), "a cell above the first check did not run"
        assert not any(c.get("execution_count") for c in code[stop + 1:]), "Run All went on past the first check"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        check_cell.screenshot(path=str(SCREENSHOTS/"student_copy_stop.png"))
        print(f"\nstudent/{SLIDES_LESSON}: Run All ran the {stop} code cells above the first check, which stopped it: "
              f"{shown.strip()[:100]!r}")
    finally:
        page.close()
        _stop_kernels(url, token)


def _stop_kernels(url: str, token: str):
    "Shut down every kernel, so each notebook's memory is freed before the next one starts."
    with urllib.request.urlopen(f"{url}/api/kernels?token={token}", timeout=10) as response: kernels = json.load(response)
    for kernel in kernels:
        urllib.request.urlopen(urllib.request.Request(f"{url}/api/kernels/{kernel['id']}?token={token}", method="DELETE"), timeout=30)


def test_ci_installs_the_browser_and_requires_this_test():
    ci = (ROOT/".ci"/"run").read_text()
    assert "apt-get install" in ci and "chromium" in ci and "SENTIMENT_NB_REQUIRE_BROWSER=1" in ci
    assert ci.index("SENTIMENT_NB_REQUIRE_BROWSER=1") < ci.index('bash -c "$test_command"')
