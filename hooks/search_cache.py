"""MkDocs hook: Material's search index entries of an unchanged page are reused.

Material's search plugin parses every page's HTML with Python's HTMLParser to
split it into sections; notebook pages are large (outputs, embedded plots), so
that parse was a large share of a warm rebuild. The entries it produces are a
function of the page's HTML, table of contents, URL, title and metadata, and of
the plugin's options. This hook wraps the search index's
``add_entry_from_context`` so that a page whose inputs hash the same gets its
stored entries back instead of being parsed again. The index is the same
either way: the entries are the plugin's own, stored as JSON.

The key also covers the hook files, Python and every installed distribution.
Entries live in ``<cache root>/search/``, one file per built page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from coursebuild import cache_root
from coursebuild.pagecache import EntryCache, digest, environment_key, toc_tokens

log = logging.getLogger("mkdocs.hooks.search_cache")

FORMAT = "search-cache/1"
_PLUGIN_NAMES = ("material/search", "search")


# --------------------------------------------------------------------------
# Events


# No priority needed: the search plugin creates its index in on_config, and
# on_pre_build runs after every on_config of the build (once per language).
def on_pre_build(config: MkDocsConfig) -> None:
    plugin = next((config.plugins[n] for n in _PLUGIN_NAMES if n in config.plugins), None)
    index = getattr(plugin, "search_index", None)
    if index is None or "add_entry_from_context" in vars(index):
        return
    assert plugin is not None  # it has a search index
    add_entry = index.add_entry_from_context
    cache = EntryCache(cache_root(Path(config.config_file_path).parent), "search")
    base = build_key(dict(plugin.config))

    def cached_add_entry(page: Page) -> None:
        key = page_key(base, page)
        entry = cache.load(page.file.dest_uri, key)
        if entry is not None:
            index.entries.extend(entry["entries"])
            return
        before = len(index.entries)
        add_entry(page)
        cache.store(page.file.dest_uri, key, {"entries": index.entries[before:]})

    index.add_entry_from_context = cached_add_entry


# --------------------------------------------------------------------------
# Keys


def build_key(plugin_config: dict[str, Any]) -> str:
    """What every page's entries depend on besides the page: options and libraries."""
    return digest(
        [
            FORMAT,
            Path(__file__).read_bytes(),
            (Path(__file__).parent / "coursebuild" / "pagecache.py").read_bytes(),
            *environment_key(),
            json.dumps(plugin_config, sort_keys=True, default=repr),
        ]
    )


def page_key(base: str, page: Page) -> str:
    """Everything of ``page`` that the search index reads."""
    return digest(
        [
            base,
            page.url,
            str(page.title),
            json.dumps(page.meta, sort_keys=True, default=repr),
            json.dumps(toc_tokens(page.toc or []), ensure_ascii=False),
            page.content or "",
        ]
    )
