"""Fixes to the HTML that mkdocs-jupyter renders for a notebook.

- Heading ids: mkdocs-jupyter slugifies ASCII-only, so a Korean heading gets
  ``id=""`` (its TOC entry points at ``#_1`` and Material's search worker
  crashes on it). :func:`fix_headings` re-derives the ids with the Unicode
  slugify the Markdown pages use and returns the matching TOC tokens.
- Styles: every notebook page inlines the same ~600 KB of Jupyter CSS.
  :func:`extract_styles` splits it off so it can be served once, as a
  content-hashed stylesheet (:func:`stylesheet_uri`).
- Links: MkDocs rewrites ``*.md`` links in Markdown pages only;
  :func:`rewrite_links` does the same for notebook pages.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from pathlib import PurePosixPath
from typing import Any

from mkdocs.structure.files import File, Files
from pymdownx.slugs import slugify

log = logging.getLogger("mkdocs.hooks.notebooks")

TocToken = dict[str, Any]

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


def extract_styles(content: str) -> tuple[str, str]:
    """Split the inline ``<style>`` blocks off a rendered notebook: ``(html, css)``."""
    css = "\n".join(
        re.sub(r"^<style[^>]*>|</style>\s*$", "", block.strip())
        for block in _STYLE.findall(content)
    )
    return _STYLE.sub("", content), css


_CODE_BOX = re.compile(r'<div class="highlight-ipynb(?P<rest>[^"]*)">')


def focusable_code(content: str) -> str:
    """Let the keyboard reach (and scroll) every code cell of a rendered notebook.

    A cell with a line wider than the column scrolls sideways; a scroll box
    that cannot take focus cannot be scrolled without a mouse (WCAG 2.1.1,
    axe's ``scrollable-region-focusable``). Material does the same for the
    lectures' code blocks.

    >>> focusable_code('<div class="highlight-ipynb hl-python"><pre>x</pre></div>')
    '<div class="highlight-ipynb hl-python" tabindex="0"><pre>x</pre></div>'
    """
    return _CODE_BOX.sub(r'<div class="highlight-ipynb\g<rest>" tabindex="0">', content)


def stylesheet_uri(css: str) -> str:
    """Where the shared notebook stylesheet with contents ``css`` is published."""
    digest = hashlib.sha256(css.encode()).hexdigest()[:12]
    return f"assets/stylesheets/jupyter.{digest}.css"


def fix_headings(content: str) -> tuple[str, list[TocToken]]:
    """Give every heading a Unicode-aware, unique id; return the new TOC tokens."""
    seen: dict[str, int] = {}
    flat: list[TocToken] = []

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
        return f'<h{level}{match["pre"]} id="{slug}"{match["post"]}>{body}</h{level}>'

    content = _HEADING.sub(replace, content)
    return content, _nest(flat)


def _nest(flat: list[TocToken]) -> list[TocToken]:
    roots: list[TocToken] = []
    stack: list[TocToken] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(token)
        stack.append(token)
    return roots


def first_title(tokens: list[TocToken]) -> str | None:
    """The text of the first level-1 heading, if any."""
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
                page_file.src_uri,
                match[2],
            )
            return match[0]
        url = found.url_relative_to(page_file)
        return f"{match[1]}{url}{match[3] or ''}{match[4]}"

    return _HREF.sub(replace, content)
