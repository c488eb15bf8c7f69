"""MkDocs hook: the pages' LaTeX math is published as MathML, rendered by the browser.

Lectures and tutorials write math in LaTeX (``$...$``, ``$$...$$``). Instead
of shipping MathJax or KaTeX (a script, fonts, and a CDN by default), the
build converts every formula to MathML Core with math-core
(:mod:`coursebuild.mathml`), which Chromium, Firefox and Safari lay out
natively: a page loads nothing for its math, works offline and without
JavaScript, and screen readers read it as math.

``on_page_content`` runs after the page is rendered (or restored by
hooks/render_cache.py, which stores arithmatex's markup: its settings are in
mkdocs.yml, part of that cache's key) and after hooks/notebooks.py rendered a
tutorial, so the conversion, a few microseconds a formula, runs on every
build and no cache holds its result. A formula math-core cannot read is a
warning naming the page (``--strict`` fails the build) and stays as LaTeX.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from coursebuild.mathml import convert_arithmatex, convert_notebook_math

log = logging.getLogger("mkdocs.hooks.mathml")


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.endswith((".py", ".ipynb")):
        html, errors = convert_notebook_math(html)
    else:
        html, errors = convert_arithmatex(html)
    for error in errors:
        log.warning("%s: %s", page.file.src_uri, error)
    return html
