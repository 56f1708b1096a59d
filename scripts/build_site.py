"""Build the course as a static HTML site that reads without a kernel, offline.

    npm ci --prefix scripts/site_assets          # once: the widget manager and reveal.js (pip install -e ".[docs]" for the rest)
    python scripts/build_site.py --out site      # run every lesson and appendix, write site/index.html ...
    python -m http.server -d site                # or open site/index.html in a browser

Every numbered notebook in nbs/ (09_checks aside: its functions are on the API page of sentiment_nb.checks)
runs in a fresh kernel, in a temporary copy of the repository with cwd = nbs/, on the sample that ships with
the package, with HF_HUB_OFFLINE=1, SENTIMENT_NB_BF16=0 and one thread (OMP_NUM_THREADS=1). nbs/ is never
written. The site holds:

- index.html, the contents: the lessons in order, core lessons and appendices marked, then the API pages;
- one page per notebook (00_text.html ...) with every output and the widgets' saved state (nbclient's
  store_widget_state, drawn by @jupyter-widgets/html-manager), a "next"/"previous" bar, and the exercises
  without their solutions (scripts/site_notebooks.py says how);
- slides/NN_name.html, each core lesson as reveal.js slides from its `slideshow` tags (scripts/tag_slides.py);
- api/sentiment_nb.MODULE.html, each module's `__all__` with signatures, docstrings and docments;
- assets/: MathJax, the widget manager, reveal.js and our CSS, so no page loads anything from the network.

An executed notebook is cached (--cache, default .site_cache/) under a hash of the notebook, the package's
code and bench/ results: a rebuild runs only what changed. --out must not exist unless you pass --overwrite.
tests/test_site.py builds the site and reads every page in headless Chromium. Published by
.github/workflows/pages.yml.
"""
import argparse
import configparser
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_notebooks as notebooks  # noqa: E402
import site_pages as pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def settings() -> dict:
    "nbdev's settings.ini: the course's title, description, and the GitHub user and repo that name the site's address."
    config = configparser.ConfigParser(delimiters=["="])
    config.read(ROOT/"settings.ini", encoding="utf-8")
    return dict(config["DEFAULT"])


def site_address(cfg: dict | None = None) -> str:
    "Where GitHub Pages publishes the site: https://<user>.github.io/<repo>/."
    cfg = cfg or settings()
    return f"https://{cfg['user']}.github.io/{cfg['repo']}/"


def notebook_title(nb, fallback: str) -> str:
    "A notebook's title: its first markdown heading, without the '#'."
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            return cell.source.lstrip().splitlines()[0].lstrip("#").strip()
    return fallback


def run_all(nbs: Path, names: list[str], cache: Path | None) -> dict:
    "Each notebook in `names` executed in the workspace `nbs` (or read from the cache): {name: notebook}."
    done = {}
    for name in names:
        start = time.monotonic()
        nb, reused = notebooks.executed(nbs/name, cache)
        print(f"  {name:28} {'cached' if reused else f'{time.monotonic() - start:5.0f} s'}", flush=True)
        done[name] = nb
    return done


def lesson_links(names: list[str], executed: dict) -> list[dict]:
    "For each page in order: its title, file, whether it is a core lesson, and its slides (core lessons only)."
    links = []
    for name in names:
        stem, core = Path(name).stem, notebooks.is_core(Path(name))
        links.append({"name": name, "stem": stem, "title": f"{stem.split('_')[0]} {notebook_title(executed[name], stem)}", "href": f"{stem}.html",
                      "core": core, "slides": f"slides/{stem}.html" if core else None})
    return links


def write_lessons(out: Path, links: list[dict], executed: dict) -> int:
    "Write each lesson page, and each core lesson's slides; return how many files were written."
    written = 0
    for i, link in enumerate(links):
        nb = notebooks.for_readers(executed[link["name"]])
        site = {"root": "", "prev": links[i - 1] if i else None, "next": links[i + 1] if i + 1 < len(links) else None,
                "slides": link["slides"]}
        (out/link["href"]).write_text(pages.render_notebook(nb, "page", site, link["title"]), encoding="utf-8")
        written += 1
        if link["core"]:
            (out/link["slides"]).write_text(pages.render_notebook(nb, "slides", {"root": "../"}, link["title"]), encoding="utf-8")
            written += 1
    return written


def build(out: Path, cache: Path | None = ROOT/".site_cache", only: list[str] | None = None) -> dict:
    "Build the site into the new folder `out`; returns {'pages': files written, 'seconds': build time}."
    start = time.monotonic()
    cfg = settings()
    names = [p.name for p in notebooks.page_notebooks()]
    if only: names = [n for n in names if n.split("_")[0] in only or n in only]
    if not names: raise SystemExit(f"No notebook matches {only}; choose from {' '.join(n.split('_')[0] for n in names)}.")
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))  # written in full, then renamed into place
    try: written, apis, links = write_site(staging, names, cache)
    except BaseException:
        shutil.rmtree(staging)
        raise
    (staging/"index.html").write_text(pages.contents_page(cfg["title"], cfg["description"], links, apis, site_address(cfg)),
                                      encoding="utf-8")
    if out.exists(): shutil.rmtree(out)  # --overwrite: the old site goes only once the new one is complete
    staging.rename(out)
    return {"pages": written + len(apis) + 1, "seconds": round(time.monotonic() - start)}


def write_site(staging: Path, names: list[str], cache: Path | None) -> tuple[int, list[str], list[dict]]:
    "Write the assets, lesson pages, slides and API pages into `staging`: (files written, API modules, lesson links)."
    (staging/"slides").mkdir()
    (staging/"api").mkdir()
    pages.copy_assets(staging)
    print(f"running {len(names)} notebooks (cache: {cache or 'off'})", flush=True)
    with tempfile.TemporaryDirectory(prefix="site-run-") as work:
        executed = run_all(notebooks.make_workspace(Path(work)), names, cache)
    links = lesson_links(names, executed)
    written = write_lessons(staging, links, executed)
    apis = pages.modules()
    for module in apis: (staging/"api"/f"{module}.html").write_text(pages.api_page(module), encoding="utf-8")
    return written, apis, links


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to write the site into (must not exist)")
    parser.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    parser.add_argument("--cache", default=str(ROOT/".site_cache"), help="folder of executed notebooks (default .site_cache/)")
    parser.add_argument("--no-cache", action="store_true", help="run every notebook again")
    parser.add_argument("--only", nargs="*", default=None, help="only these notebooks, by prefix (e.g. 00 05f): for a quick look")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    if out.exists() and not args.overwrite:
        raise SystemExit(f"{args.out} already exists; pass --overwrite to replace it, or choose another --out.")
    out.parent.mkdir(parents=True, exist_ok=True)
    result = build(out, cache=None if args.no_cache else Path(args.cache), only=args.only)
    print(f"wrote {result['pages']} pages to {args.out}/ in {result['seconds']} s; open {args.out}/index.html")
    return result


if __name__ == "__main__":
    main()
