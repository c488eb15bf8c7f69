"""MkDocs hook: a Markdown page whose inputs did not change is not rendered again.

A warm rebuild used to convert the same Markdown to the same HTML every time:
mkdocstrings renders every docstring once per language, and Python-Markdown
with Pygments every lecture. This hook stores what rendering a Markdown page
produced and reuses it while nothing the render depends on has changed.

What a hit restores is everything ``Page.render`` leaves behind: the HTML, the
table of contents, the title found in the page, the page's anchor ids and its
links to other pages' anchors (MkDocs validates those after all pages are
rendered), and the side effects the render had on other plugins, recorded
while it ran and replayed in order: anchors registered with mkdocs-autorefs
(without them, cross-references to the API from elsewhere would break),
objects registered in mkdocstrings' inventory (``objects.inv``), and the
mkdocstrings handlers used (it writes the CSS of the handlers it has seen).

The key is the page's Markdown as it is rendered (after every
``on_page_markdown``), its source and URL, every file of the site with its
URL, mkdocs.yml, the hook files, the language being built, the path of
``site_url`` (not its host, which ``mkdocs serve`` replaces, so serve and
build share entries), the log level, Python and every installed
distribution, and, for pages with ``:::`` blocks, the sources under
mkdocstrings' handler ``paths``. A render that logged
anything at INFO or above is never stored, so its messages (and ``--strict``)
come back on every build; pages that include other files (pymdownx.snippets)
are always rendered. Entries live in ``<cache root>/pages/``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from coursebuild import cache_root
from coursebuild.pagecache import EntryCache, digest, environment_key, toc_tokens, tree_digest

log = logging.getLogger("mkdocs.hooks.render_cache")

FORMAT = "render-cache/1"
#: mkdocstrings' block syntax, ``::: identifier`` (optionally after ``#``s)
_AUTODOC = re.compile(r"^(?:#{1,6} *)?::: ?\S", re.M)
#: pymdownx.snippets' marker: the page includes files the key does not cover
_INCLUDE = "--8<--"
_MEMO = "_torchbasics_render_cache"  # per-build digests, kept on the Files object
_OWN_CODE = [Path(__file__).parent / "coursebuild" / "pagecache.py"]

Event = list[Any]  # ["anchor" | "url" | "inventory" | "handler", *arguments]


# --------------------------------------------------------------------------
# Events


@event_priority(-100)  # last, so that pages whose render another plugin replaced
# (mkdocs-jupyter at 0 and hooks/notebooks.py at -50 do it for tutorials) are left alone
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if getattr(page.render, "__func__", None) is not Page.render:
        return page
    render = page.render

    def cached_render(cfg: MkDocsConfig, fls: Files) -> None:
        _render(page, render, cfg, fls)

    page.render = cached_render  # type: ignore[method-assign, assignment]
    return page


def _render(
    page: Page, render: Callable[[MkDocsConfig, Files], None], config: MkDocsConfig, files: Files
) -> None:
    key = _page_key(page, config, files)
    cache = EntryCache(cache_root(Path(config.config_file_path).parent), "pages")
    if key is not None:
        entry = cache.load(page.file.dest_uri, key)
        if entry is not None and restore(page, entry, config, files):
            log.debug("Render cache hit: %s", page.file.src_uri)
            return
    with _Recorder(page, config) as recorder:
        render(config, files)
    if key is not None and recorder.clean:
        cache.store(page.file.dest_uri, key, snapshot(page, recorder.events))


# --------------------------------------------------------------------------
# Keys


def _page_key(page: Page, config: MkDocsConfig, files: Files) -> str | None:
    markdown = page.markdown or ""
    if _INCLUDE in markdown:
        return None
    memo = _memo(config, files)
    sources = ""
    if _AUTODOC.search(markdown):
        if memo["autodoc"] is None:
            return None
        sources = memo["autodoc"]
    return digest(
        [str(memo["build"]), page.file.src_uri, page.file.dest_uri, page.url, sources, markdown]
    )


def _memo(config: MkDocsConfig, files: Files) -> dict[str, str | None]:
    memo = getattr(files, _MEMO, None)
    if memo is None:
        memo = {"build": build_key(config, files), "autodoc": autodoc_key(config)}
        setattr(files, _MEMO, memo)
    return memo


def build_key(config: MkDocsConfig, files: Iterable[Any]) -> str:
    """What every page of this build depends on, besides its own Markdown."""
    i18n = config.plugins.get("i18n")
    loaded: Any = config.hooks  # {name: module}; typed as a list in MkDocsConfig
    hooks = sorted(Path(m.__file__) for m in loaded.values() if getattr(m, "__file__", None))
    return digest(
        [
            FORMAT,
            Path(__file__).read_bytes(),
            *(p.read_bytes() for p in _OWN_CODE),
            *environment_key(),
            Path(config.config_file_path).read_bytes(),
            *(p.read_bytes() for p in hooks),
            f"language={getattr(i18n, 'current_language', None)}",
            # the path of site_url shapes page.abs_url; its host does not reach a
            # render, so `mkdocs serve` (which sets it to 127.0.0.1) shares entries
            f"mount={urlsplit(config.site_url or '').path} dirs={config.use_directory_urls}",
            f"log={logging.getLogger('mkdocs').getEffectiveLevel()}",
            *sorted(f"{f.src_uri}\0{f.dest_uri}\0{f.url}" for f in files),
        ]
    )


def autodoc_key(config: MkDocsConfig) -> str | None:
    """Digest of what mkdocstrings reads besides the page, None if unknown.

    That is the sources under each handler's ``paths`` (and custom templates).
    A handler without ``paths`` searches the whole project: we do not guess.
    """
    plugin = config.plugins.get("mkdocstrings")
    if plugin is None:
        return None
    base = Path(config.config_file_path).parent
    folders: list[Path] = []
    for handler in (plugin.config.handlers or {}).values():
        paths = (handler or {}).get("paths")
        if not paths:
            return None
        folders += [base / p for p in paths]
    if plugin.config.custom_templates:
        folders.append(base / plugin.config.custom_templates)
    if not folders:
        return None
    return tree_digest(folders, suffixes=(".py", ".pyi", ".jinja", ".html", ".css"))


# --------------------------------------------------------------------------
# What a render leaves behind


def snapshot(page: Page, events: list[Event]) -> dict[str, Any]:
    """The JSON-able result of ``page.render`` plus its recorded side effects."""
    links = page.links_to_anchors
    return {
        "content": page.content,
        "toc": toc_tokens(page.toc),
        "title": page._title_from_render,
        "anchor_ids": sorted(page.present_anchor_ids or ()),
        "links": None if links is None else {f.src_uri: a for f, a in links.items()},
        "events": events,
    }


def restore(page: Page, entry: dict[str, Any], config: MkDocsConfig, files: Files) -> bool:
    """Put a snapshot back on ``page`` and replay its side effects; False if it cannot be."""
    links = None
    if entry["links"] is not None:
        links = {}
        for src_uri, anchors in entry["links"].items():
            target = files.src_uris.get(src_uri)
            if target is None:
                return False
            links[target] = anchors
    autorefs: Any = config.plugins.get("autorefs")  # None checked below
    handlers = _mkdocstrings_handlers(config)
    kinds = {event[0] for event in entry["events"]}
    if ({"anchor", "url"} & kinds and autorefs is None) or (
        {"inventory", "handler"} & kinds and handlers is None
    ):
        return False
    page.content = entry["content"]
    page.toc = get_toc(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchor_ids"])
    page.links_to_anchors = links
    for kind, *args in entry["events"]:
        if kind == "anchor":
            identifier, anchor, title, primary = args
            autorefs.register_anchor(page, identifier, anchor, title=title, primary=primary)
        elif kind == "url":
            autorefs.register_url(*args)
        elif kind == "inventory":
            handlers.inventory.register(*args[0], **args[1])
        elif kind == "handler":
            handlers.get_handler(args[0])
    return True


def _mkdocstrings_handlers(config: MkDocsConfig) -> Any:
    plugin = config.plugins.get("mkdocstrings")
    return getattr(plugin, "_handlers", None)


class _Recorder(logging.Handler):
    """Record what a render does to other plugins, and whether it logged anything."""

    def __init__(self, page: Page, config: MkDocsConfig) -> None:
        super().__init__(logging.INFO)
        self.page = page
        self.events: list[Event] = []
        self.records: list[logging.LogRecord] = []
        self.foreign = False  # registered something for another page: not replayable
        self._autorefs = config.plugins.get("autorefs")
        self._handlers = _mkdocstrings_handlers(config)
        self._stack: list[Any] = []

    @property
    def messages(self) -> int:
        return len(self.records)

    @property
    def clean(self) -> bool:
        return not self.records and not self.foreign

    def emit(self, record: logging.LogRecord) -> None:
        # the same record reaches us twice where "mkdocs" propagates to the root
        if not any(r is record for r in self.records):
            self.records.append(record)

    def __enter__(self) -> _Recorder:
        for name in ("", "mkdocs"):
            logging.getLogger(name).addHandler(self)
        if self._autorefs is not None:
            self._wrap(self._autorefs, "register_anchor", self._anchor)
            self._wrap(self._autorefs, "register_url", self._url)
        if self._handlers is not None:
            self._wrap(self._handlers.inventory, "register", self._inventory)
            self._wrap(self._handlers, "get_handler", self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in ("", "mkdocs"):
            logging.getLogger(name).removeHandler(self)
        while self._stack:
            self._stack.pop().close()

    def _wrap(
        self, obj: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]
    ) -> None:
        manager = _patched(obj, name, make(getattr(obj, name)))
        next(manager)
        self._stack.append(manager)

    def _anchor(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def register_anchor(
            page: Any,
            identifier: str,
            anchor: str | None = None,
            *,
            title: str | None = None,
            primary: bool = True,
        ) -> None:
            self.foreign |= page is not self.page
            self.events.append(["anchor", identifier, anchor, title, primary])
            original(page, identifier, anchor, title=title, primary=primary)

        return register_anchor

    def _url(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def register_url(identifier: str, url: str) -> None:
            self.events.append(["url", identifier, url])
            original(identifier, url)

        return register_url

    def _inventory(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def register(*args: Any, **kwargs: Any) -> None:
            self.events.append(["inventory", list(args), kwargs])
            original(*args, **kwargs)

        return register

    def _handler(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def get_handler(name: str, handler_config: dict[str, Any] | None = None) -> Any:
            self.foreign |= handler_config is not None
            self.events.append(["handler", name])
            return original(name, handler_config)

        return get_handler


def _patched(obj: Any, name: str, replacement: Callable[..., Any]) -> Iterator[None]:
    """Shadow ``obj.name`` with an instance attribute until the generator is closed."""
    missing = object()
    previous = vars(obj).get(name, missing)
    setattr(obj, name, replacement)
    try:
        yield
    finally:
        if previous is missing:
            delattr(obj, name)
        else:
            setattr(obj, name, previous)
