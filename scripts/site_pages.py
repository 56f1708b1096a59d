"""The site's HTML: lesson pages and slides (nbconvert with our templates in scripts/site_template/), the API pages
(from each module's `__all__`, signatures, docstrings and docments), the contents page, and the vendored assets.

Used by scripts/build_site.py. Nothing here reaches the network: every script, style sheet and font a page
loads is copied into the site's assets/ folder from an installed package (MathJax from the pip package
jupyter-server-mathjax; the widget manager @jupyter-widgets/html-manager and reveal.js from npm, installed
beforehand into scripts/site_assets/node_modules by `npm ci --prefix scripts/site_assets`).
"""
import html
import importlib
import inspect
import pkgutil
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent/"site_template"
NODE_MODULES = Path(__file__).resolve().parent/"site_assets"/"node_modules"
MATHJAX = "assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"  # the config jupyter-server-mathjax ships
NPM_SETUP = "npm ci --prefix scripts/site_assets"


def copy_assets(out: Path) -> None:
    "Copy into `out`/assets every file a page loads: MathJax, the widget manager and its fonts, reveal.js, our CSS."
    try: import jupyter_server_mathjax
    except ImportError: raise SystemExit('MathJax comes from jupyter-server-mathjax: pip install -e ".[docs]".')
    manager, reveal = NODE_MODULES/"@jupyter-widgets"/"html-manager", NODE_MODULES/"reveal.js"
    if not (manager/"dist"/"embed.js").is_file() or not (reveal/"dist"/"reveal.js").is_file():
        raise SystemExit(f"The widget manager and reveal.js are not installed: run `{NPM_SETUP}` first (once).")
    assets = out/"assets"
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent/"static", assets/"mathjax")
    shutil.copytree(manager/"dist", assets/"html-manager", ignore=shutil.ignore_patterns("*.map", "*amd.js"))
    shutil.copy(manager/"package.json", assets/"html-manager")  # its licence (BSD-3-Clause) and version
    shutil.copy(NODE_MODULES/"@fortawesome"/"fontawesome-free"/"LICENSE.txt", assets/"html-manager"/"fontawesome-LICENSE.txt")
    for part in ("dist", "plugin/notes", "LICENSE"):
        copy = shutil.copytree if (reveal/part).is_dir() else shutil.copy
        (assets/"reveal"/part).parent.mkdir(parents=True, exist_ok=True)
        copy(reveal/part, assets/"reveal"/part)
    shutil.copy(TEMPLATES/"site.css", assets/"site.css")


def _exporter(kind: str, root: str):
    "nbconvert's HTML (kind 'page') or slides (kind 'slides') exporter with our template; `root` leads to the site's top."
    from nbconvert import HTMLExporter, SlidesExporter
    common = dict(extra_template_basedirs=[str(TEMPLATES)], extra_template_paths=[str(TEMPLATES)],
                  template_name=f"sentiment_{kind}", embed_images=True,
                  mathjax_url=root + MATHJAX)
    if kind == "page": return HTMLExporter(**common)
    return SlidesExporter(**common, reveal_url_prefix=root + "assets/reveal", reveal_scroll=True,
                          reveal_theme="white")  # reveal's "simple" theme loads Google fonts; "white" ships its own


def render_notebook(nb, kind: str, site: dict, title: str) -> str:
    "HTML of `nb` as a lesson page (kind 'page') or reveal.js slides (kind 'slides'); `site` holds the links (see nav.html.j2)."
    resources = {"site": site, "metadata": {"name": title, "path": str(ROOT/"nbs")}}
    body, _ = _exporter(kind, site["root"]).from_notebook_node(nb, resources=resources)
    return body


def page(title: str, body: str, root: str = "") -> str:
    "A plain page of the site (contents, API) around `body`, with our style sheet and a link home."
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
            f'initial-scale=1"><title>{html.escape(title)}</title><link rel="stylesheet" href="{root}assets/site.css"></head>\n'
            f'<body><main class="site-body"><nav class="site-nav"><a rel="contents" href="{root}index.html">Contents</a></nav>\n'
            f'{body}\n</main></body></html>\n')


def modules(package: str = "sentiment_nb") -> list[str]:
    "Every module of `package` that declares `__all__`, in name order (sentiment_nb.text, sentiment_nb.checks.text_checks, ...)."
    pkg = importlib.import_module(package)
    names = [m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}.") if not m.name.split(".")[-1].startswith("_")]
    return sorted(n for n in names if hasattr(importlib.import_module(n), "__all__"))


def _markdown(text: str) -> str:
    "HTML of a docstring or docment, which use Markdown's `code` spans."
    import mistune
    return mistune.create_markdown(escape=True)(text)  # escape: a docstring's "<br />" is text, not a tag


def _parameters_table(obj) -> str:
    "An HTML table of `obj`'s parameters: name, annotation, default and docment (fastcore.docments)."
    from fastcore.docments import docments
    try: params = docments(obj, full=True)
    except (TypeError, ValueError, OSError): return ""
    rows = [(n, p) for n, p in params.items() if n not in ("return", "self")]
    if not rows: return ""
    show = lambda v: "" if v in (inspect._empty, None, type(None)) else html.escape(getattr(v, "__name__", None) or str(v))
    cells = "".join(f"<tr><td><code>{html.escape(n)}</code></td><td>{show(p['anno'])}</td><td>{show(p['default'])}</td>"
                    f"<td>{_markdown(p['docment'] or '')}</td></tr>" for n, p in rows)
    return f"<table><tr><th>parameter</th><th>type</th><th>default</th><th>meaning</th></tr>{cells}</table>"


def _entry(name: str, obj) -> str:
    "The HTML of one exported item: its signature, docstring and parameters."
    try: signature = str(inspect.signature(obj)) if callable(obj) else ""
    except (TypeError, ValueError): signature = ""
    kind = "class" if inspect.isclass(obj) else "def" if callable(obj) else ""
    doc = inspect.getdoc(obj) if (callable(obj) or inspect.isclass(obj)) else None
    head = f"<pre><code>{kind} {html.escape(name)}{html.escape(signature)}</code></pre>" if kind else f"<pre><code>{html.escape(name)} = {html.escape(repr(obj))[:300]}</code></pre>"
    return f'<section id="{html.escape(name)}"><h3>{html.escape(name)}</h3>{head}' + \
           (_markdown(doc) if doc else "") + (_parameters_table(obj) if callable(obj) else "") + "</section>"


def api_page(module_name: str) -> str:
    "The API page of one module: each `__all__` item with its signature, docstring and documented parameters."
    module = importlib.import_module(module_name)
    summary = (inspect.getdoc(module) or "").split("\n\n")[0]
    items = "\n".join(_entry(n, getattr(module, n)) for n in module.__all__)
    return page(module_name, f"<h1><code>{module_name}</code></h1>{_markdown(summary)}\n{items}", root="../")


def contents_page(title: str, description: str, lessons: list[dict], apis: list[str], address: str) -> str:
    "The contents page: every lesson in order (core or appendix, with its slides), then the API pages."
    rows = "".join(f'<li><a href="{l["href"]}">{html.escape(l["title"])}</a> <span class="tag {"core" if l["core"] else ""}">'
                   f'{"core lesson" if l["core"] else "appendix"}</span>' + (f' · <a href="{l["slides"]}">slides</a>' if l.get("slides") else "")
                   + "</li>\n" for l in lessons)
    summary = lambda m: html.escape((inspect.getdoc(importlib.import_module(m)) or "").split("\n")[0])
    api = "".join(f'<li><a href="api/{m}.html"><code>{m}</code></a> {summary(m)}</li>\n' for m in apis)
    first = f'<p><a rel="next" href="{lessons[0]["href"]}">Start with {html.escape(lessons[0]["title"])} &rarr;</a></p>' if lessons else ""
    body = (f"<h1>{html.escape(title)}</h1><p>{html.escape(description)}</p><p>Published at <a href=\"{address}\">{address}</a>; "
            "every page was run on the sample that ships with the package, so it reads without a kernel.</p>"
            f"{first}<h2>Lessons and appendices</h2><ol>{rows}</ol><h2>The package's API</h2><ul>{api}</ul>")
    return page(title, body).replace('<nav class="site-nav"><a rel="contents" href="index.html">Contents</a></nav>\n', "")
