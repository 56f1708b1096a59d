"""The course site as a reader without a kernel sees it: scripts/build_site.py builds it once (into a temporary
folder, with no cache, so every notebook runs), then headless Chromium opens every page with the network cut off.

Every page: no console error, no failed request, no request that leaves the site (all blocked and counted), every
<img> loaded (naturalWidth > 0). Each lesson whose notebook stored widget state shows at least one rendered
widget. Following "next" from the contents page reaches every lesson in the course's order. No worked solution
of an exercise is visible on any lesson page or slide. Slow (it runs every notebook): marked `slow`.
Needs Chromium and playwright like tests/test_browser.py, and the site's assets (`npm ci --prefix scripts/site_assets`);
without them it skips, unless SENTIMENT_NB_REQUIRE_BROWSER=1 (as in CI), which makes a skip a failure.
SENTIMENT_NB_SITE_CACHE=DIR reuses (and fills) a cache of executed notebooks, for a quick rerun while editing the site.
"""
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/"scripts"))
import build_site  # noqa: E402
import site_notebooks  # noqa: E402
import site_pages  # noqa: E402

CHROMIUM = Path(os.environ.get("SENTIMENT_NB_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("SENTIMENT_NB_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.slow
# Everything a reader could see on a page, hidden slides included: the body's text without scripts and styles.
SHOWN_TEXT = "(() => { const b = document.body.cloneNode(true); b.querySelectorAll('script, style').forEach(s => s.remove()); return b.textContent; })()"


def _missing() -> str | None:
    try: import playwright.sync_api  # noqa: F401
    except ImportError: return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.is_file(): return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set SENTIMENT_NB_CHROMIUM)"
    if not (site_pages.NODE_MODULES/"@jupyter-widgets"/"html-manager").is_dir(): return f"the site's assets: run {site_pages.NPM_SETUP}"
    try: import jupyter_server_mathjax, nbclient  # noqa: F401
    except ImportError: return 'the docs extra is not installed (pip install -e ".[docs]")'
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    missing = _missing()
    if missing:
        if REQUIRED: pytest.fail(f"SENTIMENT_NB_REQUIRE_BROWSER=1 but {missing}.")
        pytest.skip(f"site test skipped: {missing}")
    out = tmp_path_factory.mktemp("site")/"site"
    cache = os.environ.get("SENTIMENT_NB_SITE_CACHE")  # a folder of executed notebooks to reuse; unset (CI): run them all
    result = build_site.build(out, cache=Path(cache) if cache else None)
    print(f"site built: {result['pages']} pages in {result['seconds']} s")
    return out


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Reader:
    "One browser page that records console errors and failed or blocked requests; anything not file:// is blocked."
    def __init__(self, browser):
        self.context = browser.new_context()
        self.problems = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"))

    def _route(self, route):
        if route.request.url.startswith(("file://", "data:", "blob:", "about:")): return route.continue_()
        self.problems.append(f"network request blocked: {route.request.url}")
        route.abort()

    def open(self, path: Path):
        self.page.goto(path.as_uri(), wait_until="networkidle")  # MathJax and the widget manager load more files after "load"
        return self.page


@pytest.fixture()
def reader(browser):
    r = Reader(browser)
    yield r
    r.context.close()


def _lessons() -> list[str]:
    return [p.stem for p in site_notebooks.page_notebooks()]


def test_every_page_loads_offline_without_errors(site, reader):
    bad = {}
    for path in sorted(site.rglob("*.html")):
        if "assets" in path.relative_to(site).parts: continue  # the vendored packages' own demo pages
        reader.problems.clear()
        page = reader.open(path)
        broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src.slice(0, 80))")
        if broken: reader.problems.append(f"images not loaded: {broken}")
        if reader.problems: bad[str(path.relative_to(site))] = list(reader.problems)
    assert not bad, json.dumps(bad, indent=1)[:4000]


def test_widgets_show_their_saved_state(site, reader):
    with_state = [stem for stem in _lessons() if 'application/vnd.jupyter.widget-state+json' in (site/f"{stem}.html").read_text()]
    assert with_state, "no lesson page stored any widget state"
    empty = []
    for stem in with_state:
        page = reader.open(site/f"{stem}.html")
        page.wait_for_function("document.querySelectorAll('.widget-container, .jupyter-widgets .widget-inline-hbox, "
                               ".jupyter-widgets .lm-Widget').length > 0", timeout=15_000)
        if not page.evaluate("document.querySelectorAll('.jupyter-widgets .lm-Widget, .widget-container').length"):
            empty.append(stem)
    assert not empty, f"widget state stored but nothing rendered on {empty}"
    print(f"widgets rendered from their saved state on: {' '.join(with_state)}")


def test_next_links_walk_every_lesson_in_order(site, reader):
    page, visited = reader.open(site/"index.html"), []
    for _ in range(len(_lessons()) + 1):
        link = page.query_selector('a[rel="next"]')
        if link is None: break
        page.goto(link.evaluate("a => a.href"), wait_until="load")
        visited.append(Path(page.url).stem)
    assert visited == _lessons()
    core = {p.stem for p in site_notebooks.page_notebooks() if site_notebooks.is_core(p)}
    contents = (site/"index.html").read_text()
    assert all(f'href="slides/{stem}.html"' in contents for stem in core)
    assert contents.count("core lesson</span>") == len(core)


def _text_outside_solutions(notebook: Path) -> str:
    "Every cell's source of `notebook` with the worked solutions cut out: what the lesson may show anyway."
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    return "\n".join(text.split("### BEGIN SOLUTION")[0] + "".join(part.split("### END SOLUTION", 1)[-1] for part in text.split("### BEGIN SOLUTION")[1:])
                     for text in sources)


def test_no_solution_is_visible(site, reader):
    notebooks = site_notebooks.page_notebooks()
    lines = {line.strip() for notebook in notebooks for text in site_notebooks.solution_texts(notebook) for line in text.splitlines()}
    elsewhere = "\n".join(_text_outside_solutions(notebook) for notebook in notebooks)
    solutions = {line for line in lines if len(line) > 12 and not line.startswith("#") and line not in elsewhere}  # its own
    assert len(solutions) > 20, "found too few distinctive lines of worked solutions in the lessons to test anything"
    shown = []
    for path in sorted([*site.glob("*.html"), *(site/"slides").glob("*.html")]):
        text = reader.open(path).evaluate(SHOWN_TEXT)
        shown += [f"{path.relative_to(site)}: {line}" for line in solutions if line in text]
    assert not shown, "solution text visible:\n" + "\n".join(shown[:20])


def test_api_pages_document_every_export(site):
    for module in site_pages.modules():
        text = (site/"api"/f"{module}.html").read_text()
        missing = [name for name in __import__(module, fromlist=["__all__"]).__all__ if f'id="{name}"' not in text]
        assert not missing, f"api/{module}.html lacks {missing}"


def test_readme_links_the_site_and_the_workflow_builds_it_with_the_same_command():
    assert build_site.site_address() in (ROOT/"README.md").read_text(encoding="utf-8")
    workflow = (ROOT/".github"/"workflows"/"pages.yml").read_text(encoding="utf-8")
    assert "python scripts/build_site.py --out site" in workflow and "actions/deploy-pages" in workflow
    assert "python scripts/build_site.py --out site" in (ROOT/"README.md").read_text(encoding="utf-8")
