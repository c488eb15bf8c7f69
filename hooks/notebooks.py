"""MkDocs hook: executed tutorials in every language, cached correctly.

mkdocs-jupyter renders ``docs/tutorials/*.py`` (jupytext) by executing them,
but three things break once mkdocs-static-i18n builds a second language
(see ../shared/toolchain-notes.md):

1. i18n rebuilds the file list after mkdocs-jupyter wrapped the notebooks, so
   ``w1-1-tensors.en.py`` is copied raw instead of rendered. ``on_files`` below
   runs after i18n and turns the chosen source of each tutorial back into a
   page at ``[en/]tutorials/<name>/``, with language-switcher alternates.
2. mkdocs-jupyter's cache is keyed on the notebook bytes alone and each
   language build evicts the other's entries. We switch it off and cache here
   instead: one entry per (language, tutorial), keyed on the notebook, the
   ``torchbasics`` sources the notebook imports, and the versions and options
   that shape the output. A warm rebuild executes nothing; any change to the
   code re-executes what depends on it, so a stale output is never published.
3. Heading ids are slugified ASCII-only, so Korean headings get ``id=""``.
   We re-derive ids with the same Unicode slugify as the Markdown pages and
   rebuild the page's table of contents from them.
4. Every notebook page inlines the same ~600 KB of Jupyter CSS. We move it
   into one content-hashed stylesheet that all notebook pages link to.

It also keeps the site's root ``404.html`` in the default language: every
language build writes it, so the last one built would otherwise win
(mkdocs-static-i18n #284); the other languages' versions go to ``<lang>/``.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url
from pymdownx.slugs import slugify

log = logging.getLogger("mkdocs.hooks.notebooks")

#: Where executed tutorials are cached; relative paths are taken from the
#: directory of mkdocs.yml (not the working directory).
CACHE_ENV_VAR = "TORCHBASICS_CACHE_DIR"

# Published pages never carry progress bars: the notebook kernels inherit this,
# so a tutorial that trains with Trainer(progress=True) renders without them.
os.environ["TORCHBASICS_PROGRESS"] = "0"
_slugify = slugify(case="lower")

_HEADING = re.compile(
    r'<h(?P<level>[1-6])(?P<pre>[^>]*?)\sid="(?P<id>[^"]*)"(?P<post>[^>]*)>'
    r"(?P<body>.*?)</h(?P=level)>",
    re.S,
)
_ANCHOR = re.compile(r'<a class="anchor-link" href="#[^"]*">')
_TAG = re.compile(r"<[^>]+>")
_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
_HREF = re.compile(r'(<a\s[^>]*?href=")([^"#:]+\.(?:md|py))(#[^"]*)?(")')


class TutorialFile(File):
    """A jupytext ``.py`` tutorial that MkDocs must treat as a page."""

    def is_documentation_page(self) -> bool:
        return True


def _i18n(config: Any) -> Any:
    return config.plugins["i18n"]


def _is_tutorial(file: File, config: Any) -> bool:
    """A notebook source that mkdocs-jupyter's ``include`` patterns select."""
    return file.src_uri.endswith((".py", ".ipynb")) and config.plugins[
        "mkdocs-jupyter"
    ].should_include(file)


def _page_uri(norm_src_uri: str, lang: str, default: str, use_dirs: bool) -> str:
    """``tutorials/x.py`` -> ``[lang/]tutorials/x/index.html``."""
    stem = PurePosixPath(norm_src_uri).with_suffix("")
    dest = f"{stem}/index.html" if use_dirs else f"{stem}.html"
    return dest if lang == default else f"{lang}/{dest}"


def _tutorial_file(src_uri: str, dest_uri: str, config: Any) -> TutorialFile:
    return TutorialFile(
        src_uri,
        config.docs_dir,
        config.site_dir,
        config.use_directory_urls,
        dest_uri=dest_uri,
    )


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen the files
def on_files(files: Files, config: Any) -> Files:
    i18n = _i18n(config)
    lang, default = i18n.current_language, i18n.default_language
    languages = [lc.locale for lc in i18n.config.languages if lc.build]
    use_dirs = config.use_directory_urls
    # Replace in place: ``files`` is i18n's Files subclass, whose lookup of
    # localized link targets the rest of the build depends on.
    for file in [f for f in files if _is_tutorial(f, config)]:
        norm = getattr(file, "norm_src_uri", file.src_uri)
        page = _tutorial_file(
            file.src_uri, _page_uri(norm, lang, default, use_dirs), config
        )
        page.locale = lang
        page.localization = getattr(file, "localization", None)
        page.norm_src_uri = norm
        page.locale_alternate_of = lang
        page.alternates = {}
        stem, suffix = norm.rsplit(".", 1)
        for other in languages:
            localized = f"{stem}.{other}.{suffix}"
            exists = (Path(config.docs_dir) / localized).is_file()
            page.alternates[other] = _tutorial_file(
                localized if exists else norm,
                _page_uri(norm, other, default, use_dirs),
                config,
            )
        page.alternates[lang] = page
        files.remove(file)
        files.append(page)
    return files


# --------------------------------------------------------------------------
# Caching executed output


def _package_digest(name: str) -> str:
    """Hash every source file of the installed package ``name``."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return f"{name}:missing"
    digest = hashlib.sha256()
    for root in spec.submodule_search_locations:
        for path in sorted(Path(root).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".pyi", ".json"}:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def _cache_key(source: Path, jupyter_options: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    parts = [
        # this file shapes the cached HTML, so it is part of the key
        f"hook={hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}",
        f"python={sys.version}",
        *(f"{d}={_version(d)}" for d in (
            "torch", "numpy", "matplotlib", "mkdocs-jupyter", "nbconvert",
        )),
        f"torchbasics={_package_digest('torchbasics')}",
        "options=" + json.dumps(jupyter_options, sort_keys=True, default=repr),
    ]
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(source.read_bytes())
    return digest.hexdigest()


def _cache_path(config: Any, lang: str, src_uri: str) -> Path:
    root = Path(config.config_file_path).parent
    base = root / os.environ.get(CACHE_ENV_VAR, ".cache")
    name = src_uri.replace("/", "__")
    return base / "tutorials" / lang / f"{name}.json"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from a web server
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------
# Unicode heading ids and the table of contents


def extract_styles(content: str) -> tuple[str, str]:
    """Split the inline ``<style>`` blocks off a rendered notebook.

    mkdocs-jupyter inlines ~600 KB of the same Jupyter CSS into every notebook
    page; it is served once, as a shared stylesheet, instead.
    """
    css = "\n".join(
        re.sub(r"^<style[^>]*>|</style>\s*$", "", block.strip())
        for block in _STYLE.findall(content)
    )
    return _STYLE.sub("", content), css


def _stylesheet_uri(css: str) -> str:
    digest = hashlib.sha256(css.encode()).hexdigest()[:12]
    return f"assets/stylesheets/jupyter.{digest}.css"


def _publish_stylesheet(config: Any, css: str) -> str:
    """Write ``css`` into the site once; return its URI relative to the site root."""
    uri = _stylesheet_uri(css)
    target = Path(config.site_dir) / uri
    if not target.is_file():
        _write_atomically(target, css)
    return uri


def fix_headings(content: str) -> tuple[str, list[dict[str, Any]]]:
    """Give every heading a Unicode-aware, unique id; return the new TOC tokens.

    mkdocs-jupyter's ids are ASCII-only (Korean headings get ``id=""``); we
    use the slugify of the Markdown pages so both kinds of page agree.
    """
    seen: dict[str, int] = {}
    flat: list[dict[str, Any]] = []

    def replace(match: re.Match[str]) -> str:
        body = match["body"]
        text = html.unescape(_TAG.sub("", _ANCHOR.split(body)[0])).strip()
        text = text.rstrip("¶").strip()
        base = _slugify(text, "-") or "section"
        n = seen.get(base, 0)
        seen[base] = n + 1
        slug = base if n == 0 else f"{base}_{n}"
        level = int(match["level"])
        name = html.escape(text, quote=False)
        flat.append({"level": level, "id": slug, "name": name, "children": []})
        body = _ANCHOR.sub(f'<a class="anchor-link" href="#{slug}">', body)
        return (
            f'<h{level}{match["pre"]} id="{slug}"{match["post"]}>'
            f"{body}</h{level}>"
        )

    content = _HEADING.sub(replace, content)
    return content, _nest(flat)


def _nest(flat: list[dict[str, Any]]) -> list[dict[str, Any]]:
    roots: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(token)
        stack.append(token)
    return roots


def _title(tokens: list[dict[str, Any]]) -> str | None:
    for token in tokens:
        if token["level"] == 1:
            return html.unescape(token["name"])
    return None


def rewrite_links(content: str, page_file: File, files: Files) -> str:
    """Point links to ``*.md`` / tutorial sources at their pages, as MkDocs does
    for Markdown pages (it leaves notebook HTML alone).

    An unknown target is logged as a warning, which fails a ``--strict`` build.
    """

    def replace(match: re.Match[str]) -> str:
        target = PurePosixPath(page_file.src_uri).parent / match[2]
        parts: list[str] = []
        for part in target.parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        found = files.get_file_from_path("/".join(parts))
        if found is None:
            log.warning(
                "Tutorial %s links to %r, which is not a page of the site",
                page_file.src_uri, match[2],
            )
            return match[0]
        url = found.url_relative_to(page_file)
        return f"{match[1]}{url}{match[3] or ''}{match[4]}"

    return _HREF.sub(replace, content)


@event_priority(-50)  # after mkdocs-jupyter (0) replaced page.render
def on_pre_page(page: Any, config: Any, files: Files) -> Any:
    if not isinstance(page.file, TutorialFile):
        return page
    render = page.render
    lang = _i18n(config).current_language
    jupyter = config.plugins["mkdocs-jupyter"].config
    source = Path(page.file.abs_src_path)
    cache = _cache_path(config, lang, page.file.src_uri)

    nav_title = page.title  # the title given in mkdocs.yml's nav, if any

    def cached_render(cfg: Any, fls: Files) -> None:
        key = _cache_key(source, dict(jupyter))
        entry = None
        if cache.is_file():
            try:
                entry = json.loads(cache.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                entry = None
        if entry and entry.get("key") == key:
            log.info("Tutorial cache hit: %s (%s)", page.file.src_uri, lang)
        else:
            started = time.perf_counter()
            render(cfg, fls)
            seconds = time.perf_counter() - started
            log.info(
                "Executed tutorial %s (%s) in %.1f s",
                page.file.src_uri, lang, seconds,
            )
            content, css = extract_styles(page.content)
            content, tokens = fix_headings(content)
            entry = {"key": key, "content": content, "toc": tokens, "css": css}
            _write_atomically(cache, json.dumps(entry, ensure_ascii=False))
        stylesheet = get_relative_url(
            _publish_stylesheet(cfg, entry["css"]), page.url
        )
        page.content = (
            f'<link rel="stylesheet" href="{stylesheet}">\n'
            + rewrite_links(entry["content"], page.file, fls)
        )
        page.toc = get_toc(entry["toc"])
        page.title = nav_title or _title(entry["toc"]) or page.title

    page.render = cached_render
    return page


# --------------------------------------------------------------------------
# One 404 page per language

_default_404: bytes | None = None


def on_post_build(config: Any) -> None:
    global _default_404
    i18n = _i18n(config)
    page = Path(config.site_dir) / "404.html"
    if not page.is_file():
        return
    if i18n.current_language == i18n.default_language:
        _default_404 = page.read_bytes()
    elif _default_404 is not None:
        localized = Path(config.site_dir) / i18n.current_language / "404.html"
        localized.parent.mkdir(parents=True, exist_ok=True)
        page.replace(localized)
        page.write_bytes(_default_404)
