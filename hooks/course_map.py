"""MkDocs hook: the home page's course map, generated from the nav.

The home page (``index.md`` and its twins) says ``<!-- course-map -->`` where
the map goes; :mod:`coursebuild.course_map` writes it in the language being
built: each week of the nav, each lecture with its lab and its one-line
``description:``. A page without the description it needs fails the build,
naming the file.

The map is put into the page's Markdown, so the render cache
(``hooks/render_cache.py``), which keys a page on its Markdown after every
``on_page_markdown``, renders the home page again whenever the nav or a
description changes.

A tutorial's ``description`` (notebook metadata) becomes its
``<meta name="description">``, as a lecture's front matter does for the
lecture; a lab without one takes its lecture's.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from coursebuild.course_map import MARKER, CourseMapError, course_map, description, descriptions
from coursebuild.nav import Nav, load_nav, split_language
from coursebuild.nav import Page as NavPage

_nav: Nav | None = None  # read once per build of each language


# --------------------------------------------------------------------------
# Events


def on_pre_build(config: MkDocsConfig) -> None:
    global _nav
    _nav = load_nav(config.config_file_path)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    nav = _nav or load_nav(config.config_file_path)
    lang = _language(config)
    source, _ = split_language(page.file.src_uri, nav.languages)
    try:
        entry = nav.page(source)
    except KeyError:
        return markdown
    if entry.kind == "tutorial" and "description" not in page.meta:
        text = _tutorial_description(nav, entry, lang)
        if text is not None:
            page.meta["description"] = text
    if entry.kind != "home" or MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, _map(nav, lang, entry.source))


# --------------------------------------------------------------------------
# Helpers


def _language(config: MkDocsConfig) -> str:
    i18n: Any = config.plugins["i18n"]
    return str(i18n.current_language)


def _tutorial_description(nav: Nav, tutorial: NavPage, lang: str) -> str | None:
    """The notebook's own description, else (for a lab) its lecture's."""
    own = description(nav.docs_dir / tutorial.source_of(lang))
    if own is not None or tutorial.lecture is None:
        return own
    return description(nav.docs_dir / nav.page(tutorial.lecture).source_of(lang))


def _map(nav: Nav, lang: str, home: str) -> str:
    try:
        lines = descriptions(nav, lang)
    except CourseMapError as error:
        raise PluginError(str(error)) from error
    return course_map(nav, lang, home, lambda page: lines[page.source])
