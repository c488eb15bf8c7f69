"""MkDocs hook: one search index per language, each searched from its own pages.

mkdocs-static-i18n builds the English site inside the Korean build and then
merges every language's search entries into the one ``search/search_index.json``
that Material writes, so a search on an English page lists Korean pages and
vice versa. It also drops English sections whose title and text equal a Korean
one (the English docstrings of the API pages), so the merged index cannot
simply be filtered.

Material's search finds its index, and resolves the location of every result,
against ``base`` in the page's ``__config`` (``new URL("search/search_index.json",
base)``). So each language gets its own index under its own root, with
locations relative to that root:

- ``search/search_index.json``: the Korean (default language) pages;
- ``en/search/search_index.json``: the English pages, ``en/`` stripped;

and every page of a non-default language, its 404 page included, gets
``base`` pointing at its language's root (``../../en/`` instead of ``../..``).
Nothing else in Material's JavaScript reads ``base`` on this site (it is also
used for versioning and instant navigation, both off).

Code blocks are left out of both indexes (:func:`without_code_blocks`).

Each index carries the lunr configuration for its language (``LUNR``): the
separator of ``mkdocs.yml`` (which also peels Korean particles) and the
language and pipeline that suit its text.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

log = logging.getLogger("mkdocs.hooks.search_i18n")

Entry = dict[str, Any]

#: lunr settings per language, merged over the search plugin's own config.
#: Material's worker loads ``lunr.<lang>`` for each entry of ``lang`` and then
#: removes every pipeline function (trimmer, stopWordFilter, stemmer) that is
#: not named in ``pipeline``.
LUNR: dict[str, dict[str, list[str]]] = {
    # Exactly what the merged index carried before: lunr.multi(en, ko) keeps
    # its own trimmer (punctuation off word edges; Latin, digits, _ and Hangul
    # stay) and nothing else: lunr has no Korean stemmer, and the separator
    # peels the particles (조사) instead.
    "ko": {"lang": ["en", "ko"], "pipeline": []},
    # English lunr with its trimmer only, as English text was indexed before.
    # No stemmer: Material appends `*` to every query word and lunr skips the
    # query pipeline for wildcard terms, so with stemmed index terms
    # "tensors", "broadcasting" and "trained" find nothing (measured); prefix
    # matching already makes "tensor" find "tensors". No stop-word filter: its
    # list holds Python keywords (for, if, in, is, not, with, while, else...).
    "en": {"lang": ["en"], "pipeline": ["trimmer"]},
}

_CONFIG_SCRIPT = re.compile(
    r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL
)

#: Entries of the languages built so far in this build, by language.
_entries: dict[str, list[Entry]] = {}


# --------------------------------------------------------------------------
# Pure functions


def language_root(lang: str, default: str) -> str:
    """The site-relative directory of a language: ``""`` or ``"en/"``."""
    return "" if lang == default else f"{lang}/"


def entries_under(
    entries: Iterable[Entry], root: str, other_roots: Sequence[str] = ()
) -> list[Entry]:
    """The entries located under ``root`` (and under none of ``other_roots``),
    with locations made relative to ``root``."""
    return [
        {**entry, "location": entry["location"][len(root) :]}
        for entry in entries
        if entry["location"].startswith(root)
        and not any(r and entry["location"].startswith(r) for r in other_roots)
    ]


_CODE_BLOCK = re.compile(r"\s*<pre\b[^>]*>.*?</pre>\s*", re.DOTALL)


def without_code_blocks(entries: Iterable[Entry]) -> list[Entry]:
    """The entries with their code blocks (``<pre>``: code, doctest sessions and
    notebook outputs) taken out of the text; titles and prose stay, inline
    ``<code>`` included.

    Material indexes every block. Code was a third of the index that every
    page's search worker downloads, which grows with each lecture, while what
    readers search for (a term, a function) is named in the prose around it.
    """
    out = []
    for entry in entries:
        text = entry.get("text", "")
        if "<pre" in text:
            entry = {**entry, "text": _CODE_BLOCK.sub(" ", text).strip()}
        out.append(entry)
    return out


def search_config(plugin_config: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The index ``config`` for ``lang``: the plugin's separator and fields,
    ``LUNR[lang]``'s language and pipeline."""
    config = {key: plugin_config[key] for key in ("lang", "separator", "pipeline", "fields")}
    config.update(LUNR.get(lang, {"lang": [lang]}))
    return config


def index_json(config: Mapping[str, Any], docs: Sequence[Entry]) -> str:
    """Serialize an index the way Material does, but with text as UTF-8 rather
    than ``\\uXXXX`` escapes: the Korean index is 11 % smaller gzip-compressed."""
    return json.dumps(
        {"config": config, "docs": docs}, separators=(",", ":"), default=str, ensure_ascii=False
    )


def rebase_config(html: str, root: str) -> str:
    """Point ``base`` in Material's ``__config`` script at the language ``root``.

    ``base`` is the site root relative to the page (``../..``) or absolute on
    error pages (``/``); ``root`` is ``"en/"``. Raises ``ValueError`` when the
    page has no ``__config`` script.
    """
    match = _CONFIG_SCRIPT.search(html)
    if match is None:
        raise ValueError("no Material __config script")
    data = json.loads(match[2])
    data["base"] = posixpath.join(data["base"], root)
    # as Jinja's `tojson` wrote it: sorted keys, HTML-unsafe characters escaped
    # (str(): `Markup + str` would escape the rest of the page)
    script = str(htmlsafe_json_dumps(data, sort_keys=True))
    return html[: match.start(2)] + script + html[match.end(2) :]


# --------------------------------------------------------------------------
# MkDocs events


def _plugins(config: MkDocsConfig) -> tuple[Any, Any]:
    """mkdocs-static-i18n and Material's search plugin (neither ships types)."""
    return config.plugins["i18n"], config.plugins["material/search"]


def _rebase(html: str, what: str, config: MkDocsConfig) -> str:
    i18n, _ = _plugins(config)
    root = language_root(i18n.current_language, i18n.default_language)
    if not root:
        return html
    try:
        return rebase_config(html, root)
    except ValueError as error:
        log.warning(f"{what}: {error}; its search would use the default language's index")
        return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _rebase(output, page.file.src_uri, config)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name != "404.html":
        return output_content
    return _rebase(output_content, template_name, config)


# After mkdocs-static-i18n's on_post_build (-100): in a nested build (English)
# it only records the language's entries, and then so do we; in the outer,
# default-language build it has by then built the other languages and written
# the merged index, which we replace with one index per language.
@event_priority(-150)
def on_post_build(config: MkDocsConfig) -> None:
    i18n, search = _plugins(config)
    entries = search.search_index.entries
    languages = [lc.locale for lc in i18n.config.languages if lc.build]
    default = i18n.default_language
    if i18n.building:  # a nested build: only this language's pages are indexed
        _entries[i18n.current_language] = list(entries)
        return
    # The outer build, done; i18n's merge dropped only other languages' entries.
    others = [language_root(lang, default) for lang in languages if lang != default]
    _entries[default] = entries_under(entries, "", others)
    for lang in languages:
        root = language_root(lang, default)
        docs = without_code_blocks(entries_under(_entries.pop(lang, []), root))
        path = os.path.join(config.site_dir, root, "search", "search_index.json")
        write_file(index_json(search_config(search.config, lang), docs).encode(), path)
        log.info(f"search index for '{lang}': {len(docs)} entries in {path}")
