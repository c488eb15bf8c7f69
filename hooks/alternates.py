"""MkDocs hook: language alternates that the browser can follow without errors.

Material's ``<link rel="alternate" hreflang>`` tags in the ``<head>`` are meant
to point at each language's *root*: its JavaScript fetches
``<href>/sitemap.xml`` for every one of them, to find the current page in the
other language when the reader switches. mkdocs-static-i18n points them (and
the switcher) at the *page* in each language instead, so every page asked for
``<page>/sitemap.xml`` twice, and the browser logged two 404s on every page.
The switcher already links each page to its own translation, so the sitemap
look-up has nothing to do here: this hook drops those head tags. Search
engines still get every page's language alternates from ``sitemap.xml``
(mkdocs-static-i18n writes them there; ``tests/test_site.py`` checks it).

The error pages are templates, not pages, and mkdocs-static-i18n leaves them
the switcher of the last page rendered (the English 404 page offered a
tutorial); ``on_template_context`` gives them the language roots.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

# Material writes exactly this tag for each entry of `extra.alternate`
# (base.html); RSS alternates have a `type` and no `hreflang`.
_HREFLANG_LINK = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


# --------------------------------------------------------------------------
# Pure functions


def drop_hreflang_links(html: str) -> str:
    """Remove the ``<link rel="alternate" ... hreflang>`` tags Material wrote.

    >>> drop_hreflang_links('<head>\\n  <link rel="alternate" href="./" hreflang="ko">\\n</head>')
    '<head>\\n</head>'
    """
    return _HREFLANG_LINK.sub("", html)


# --------------------------------------------------------------------------
# MkDocs events


def on_template_context(
    context: dict[str, Any], template_name: str, config: MkDocsConfig
) -> dict[str, Any]:
    if template_name == "404.html":
        i18n: Any = config.plugins["i18n"]
        extra: Any = config.extra
        if i18n.extra_alternate:  # the language roots, as i18n first computed them
            # i18n sets the attribute (``config.extra.alternate = ...``), which
            # is what the theme then reads, not the item: so set the attribute.
            extra.alternate = copy.deepcopy(i18n.extra_alternate)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return drop_hreflang_links(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name == "404.html":
        return drop_hreflang_links(output_content)
    return output_content
