"""The course's pages as plain data, read from the ``nav`` of ``mkdocs.yml``.

``mkdocs.yml`` is the one place that lists the lectures, tutorials and API
pages. This module reads it with plain YAML (no MkDocs build machinery) and
returns, for each page in the nav, its source, titles, section, kind and URL
in every language, so that the tests and the build hooks never keep a list of
their own::

    >>> from coursebuild.nav import load_nav
    >>> nav = load_nav()                                 # doctest: +SKIP
    >>> [p.source for p in nav.of_kind("lecture")][:1]   # doctest: +SKIP
    ['lectures/w1-1-tensors.md']
    >>> nav.page("lectures/w1-1-tensors.md").url("en")   # doctest: +SKIP
    'en/lectures/w1-1-tensors/'
    >>> nav.page("tutorials/w1-1-tensors.py").lecture    # doctest: +SKIP
    'lectures/w1-1-tensors.md'

A tutorial is the lab of the lecture whose file has the same name
(``tutorials/w1-1-tensors.py`` is the lab of ``lectures/w1-1-tensors.md``);
a tutorial without such a lecture stands alone (the library tour).

The languages, the default one and the English (or any other) titles come
from the ``i18n`` plugin (mkdocs-static-i18n, ``docs_structure: suffix``):
``x.md`` is the default language's source of a page and ``x.en.md`` its
English twin; the default language is published at the site root and every
other one under ``<locale>/``.

The ``!!python/object/apply`` tags in ``mkdocs.yml`` (slugify functions for the
Markdown extensions) are never executed: every tag that safe YAML does not
know reads as ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal, cast

import yaml

__all__ = [
    "KINDS",
    "TOP_LEVEL",
    "Kind",
    "Nav",
    "NavError",
    "Page",
    "default_config_path",
    "load_nav",
    "parse_nav",
    "split_language",
]

Kind = Literal["home", "glossary", "lecture", "tutorial", "api"]

#: A page's kind, from the folder its source sits in (``index.md`` at the top
#: of the docs is the home page, ``glossary.md`` the glossary). A page elsewhere
#: is an error, so that a new folder is given a kind here before the tests and
#: hooks meet it.
TOP_LEVEL: Mapping[str, Kind] = {"index": "home", "glossary": "glossary"}
KINDS: Mapping[str, Kind] = {
    "lectures": "lecture",
    "tutorials": "tutorial",
    "api": "api",
}

#: File types that are pages: Markdown, and jupytext tutorials (mkdocs-jupyter).
PAGE_SUFFIXES = (".md", ".py")


class NavError(ValueError):
    """``mkdocs.yml`` has a nav or i18n setting this module does not understand."""


class _TolerantLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML that reads any tag it does not know (``!!python/...``, ``!ENV``) as None."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("", _ignore_tag)


@dataclass(frozen=True)
class Page:
    """One page of the nav, in every language the site builds.

    Attributes:
        source: The default language's source, relative to ``docs_dir`` and
            in POSIX form: ``lectures/w1-1-tensors.md``,
            ``tutorials/w1-1-tensors.py``, ``api/devices.md``, ``index.md``.
        title: The nav title in the default language (Korean), or None where
            the nav gives the bare path and MkDocs takes the page's heading.
        section: The title of the nav section the page sits in (the innermost
            one, in the default language), or None at the top level.
        kind: ``home``, ``glossary``, ``lecture``, ``tutorial`` or ``api``,
            from the folder.
        sources: Language code -> that language's source
            (``lectures/w1-1-tensors.en.md`` for ``en``).
        urls: Language code -> the page's URL path, relative to the site root
            and without a leading slash (``""`` for the Korean home page,
            ``en/lectures/w1-1-tensors/`` for the English lecture).
        titles: Language code -> the nav title in that language: the default
            language's title, and each other language's entry in its
            ``nav_translations``. A language with no translation is absent.
        lecture: For a tutorial, the source of the lecture it is the lab of:
            the lecture in the nav whose file has the same stem
            (``lectures/w1-1-tensors.md`` for ``tutorials/w1-1-tensors.py``).
            None for a tutorial of its own and for every other page.
    """

    source: str
    title: str | None
    section: str | None
    kind: Kind
    sources: Mapping[str, str]
    urls: Mapping[str, str]
    titles: Mapping[str, str] = field(default_factory=dict)
    lecture: str | None = None

    @property
    def stem(self) -> str:
        """The source's name without its suffix: ``w1-1-tensors``, ``index``."""
        return PurePosixPath(self.source).stem

    def source_of(self, lang: str) -> str:
        """The source of the page in ``lang``, relative to ``docs_dir``."""
        return self.sources[lang]

    def url(self, lang: str) -> str:
        """The URL path of the page in ``lang`` (no leading slash)."""
        return self.urls[lang]

    def title_in(self, lang: str) -> str | None:
        """The nav title in ``lang``, or None where it has none."""
        return self.titles.get(lang)


@dataclass(frozen=True)
class Nav:
    """Every page of the nav, with the languages the site is built in.

    Attributes:
        pages: The nav's pages in nav order (external links are left out).
        sections: Every section title of the nav, in the default language.
        languages: The locales that are built, the default language first.
        translations: Locale -> its ``nav_translations`` (default-language
            title -> title), for every language but the default.
        docs_dir: The docs folder (absolute when read from a file).
    """

    pages: tuple[Page, ...]
    sections: tuple[str, ...]
    languages: tuple[str, ...]
    translations: Mapping[str, Mapping[str, str]]
    docs_dir: Path

    @property
    def default_language(self) -> str:
        """The language published at the site root (``ko``)."""
        return self.languages[0]

    @property
    def other_languages(self) -> tuple[str, ...]:
        """Every built language but the default one."""
        return self.languages[1:]

    def of_kind(self, *kinds: Kind) -> tuple[Page, ...]:
        """The pages of the given kinds, in nav order."""
        return tuple(p for p in self.pages if p.kind in kinds)

    def page(self, source: str) -> Page:
        """The page whose source (in any language) is ``source``.

        Raises:
            KeyError: No page of the nav has that source.
        """
        for p in self.pages:
            if source in p.sources.values():
                return p
        raise KeyError(f"{source} is not in the nav of mkdocs.yml")

    def lab_of(self, lecture: Page) -> Page | None:
        """The tutorial that is the lab of ``lecture``, or None where it has none."""
        return next((p for p in self.pages if p.lecture == lecture.source), None)

    def section_title(self, section: str, lang: str) -> str:
        """A section's title in ``lang``: its ``nav_translations`` entry, else as written."""
        return self.translations.get(lang, {}).get(section, section)

    def titles(self) -> tuple[str, ...]:
        """Every title the nav shows (sections and pages), in the default language."""
        pages = [p.title for p in self.pages if p.title is not None]
        return tuple(dict.fromkeys([*self.sections, *pages]))


def split_language(source: str, languages: tuple[str, ...]) -> tuple[str, str]:
    """Split a suffix-structured source into (default-language source, language).

    ``languages`` lists the locales, the default one first.

    >>> split_language("lectures/w1-1-tensors.en.md", ("ko", "en"))
    ('lectures/w1-1-tensors.md', 'en')
    >>> split_language("index.md", ("ko", "en"))
    ('index.md', 'ko')
    """
    path = PurePosixPath(source)
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[-2] in languages[1:]:
        name = ".".join([*parts[:-2], parts[-1]])
        return str(path.with_name(name)), parts[-2]
    return source, languages[0]


def _language_source(source: str, lang: str, default: str) -> str:
    if lang == default:
        return source
    path = PurePosixPath(source)
    return str(path.with_name(f"{path.stem}.{lang}{path.suffix}"))


def _url(source: str, lang: str, default: str, directory_urls: bool) -> str:
    """Where MkDocs (and mkdocs-jupyter, for ``.py``) publishes ``source``."""
    path = PurePosixPath(source)
    folder = "" if str(path.parent) == "." else f"{path.parent}/"
    if path.stem in {"index", "README"}:
        url = folder if directory_urls else f"{folder}index.html"
    else:
        url = f"{folder}{path.stem}/" if directory_urls else f"{folder}{path.stem}.html"
    return url if lang == default else f"{lang}/{url}"


def _kind(source: str) -> Kind:
    path = PurePosixPath(source)
    if str(path.parent) == "." and path.stem in TOP_LEVEL:
        return TOP_LEVEL[path.stem]
    kind = KINDS.get(path.parts[0]) if len(path.parts) > 1 else None
    if kind is None:
        raise NavError(
            f"{source}: no page kind for its folder; add the folder to coursebuild.nav.KINDS"
        )
    return kind


def _i18n(config: Mapping[str, Any]) -> Mapping[str, Any]:
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, Mapping) and "i18n" in plugin:
            return cast(Mapping[str, Any], plugin["i18n"] or {})
        if plugin == "i18n":
            return {}
    raise NavError("mkdocs.yml has no i18n plugin")


def _languages(
    i18n: Mapping[str, Any],
) -> tuple[tuple[str, ...], dict[str, Mapping[str, str]]]:
    structure = i18n.get("docs_structure", "suffix")
    if structure != "suffix":
        raise NavError(f"i18n docs_structure is {structure!r}; only 'suffix' is read")
    built = [lang for lang in i18n.get("languages") or [] if lang.get("build", True) is not False]
    if not built:
        raise NavError("the i18n plugin builds no language")
    defaults = [lang for lang in built if lang.get("default")]
    first = defaults[0] if defaults else built[0]
    ordered = [first, *(lang for lang in built if lang is not first)]
    locales = tuple(str(lang["locale"]) for lang in ordered)
    translations: dict[str, Mapping[str, str]] = {
        str(lang["locale"]): {
            str(k): str(v) for k, v in (lang.get("nav_translations") or {}).items()
        }
        for lang in ordered[1:]
    }
    return locales, translations


def _walk(
    items: Any, section: str | None, sections: list[str]
) -> list[tuple[str, str | None, str | None]]:
    """Flatten nav items into (source, title, section), collecting section titles."""
    if not isinstance(items, list):
        raise NavError(f"a nav section must be a list, not {items!r}")
    found: list[tuple[str, str | None, str | None]] = []
    for item in items:
        if isinstance(item, str):
            title, target = None, item
        elif isinstance(item, Mapping) and len(item) == 1:
            title, target = next(iter(item.items()))
            title = str(title)
        else:
            raise NavError(f"unreadable nav entry {item!r}")
        if isinstance(target, list):
            if title is None:
                raise NavError(f"a nav section without a title: {item!r}")
            sections.append(title)
            found += _walk(target, title, sections)
        elif isinstance(target, str):
            if "://" in target or target.startswith(("/", "#", "mailto:")):
                continue  # a link, not a page
            if not target.endswith(PAGE_SUFFIXES):
                raise NavError(f"nav entry {target!r} is not a .md or .py page")
            found.append((target, title, section))
        else:
            raise NavError(f"unreadable nav entry {item!r}")
    return found


def parse_nav(config: Mapping[str, Any], docs_dir: Path) -> Nav:
    """Build the :class:`Nav` from an already loaded ``mkdocs.yml``.

    Args:
        config: The YAML mapping of ``mkdocs.yml``.
        docs_dir: The docs folder, stored on the result as given.

    Raises:
        NavError: The nav or the i18n settings are not in a form read here.
    """
    languages, translations = _languages(_i18n(config))
    default = languages[0]
    directory_urls = config.get("use_directory_urls", True) is not False
    sections: list[str] = []
    pages = []
    for source, title, section in _walk(config.get("nav") or [], None, sections):
        titles: dict[str, str] = {}
        if title is not None:
            titles[default] = title
            for lang, table in translations.items():
                if title in table:
                    titles[lang] = table[title]
        pages.append(
            Page(
                source=source,
                title=title,
                section=section,
                kind=_kind(source),
                sources={lang: _language_source(source, lang, default) for lang in languages},
                urls={lang: _url(source, lang, default, directory_urls) for lang in languages},
                titles=titles,
            )
        )
    lectures = {p.stem: p.source for p in pages if p.kind == "lecture"}
    pages = [replace(p, lecture=lectures.get(p.stem)) if p.kind == "tutorial" else p for p in pages]
    return Nav(
        pages=tuple(pages),
        sections=tuple(sections),
        languages=languages,
        translations=translations,
        docs_dir=docs_dir,
    )


def default_config_path() -> Path:
    """``mkdocs.yml`` of this repository (two folders above this file's package)."""
    return Path(__file__).resolve().parents[2] / "mkdocs.yml"


def load_nav(config_file: Path | str | None = None) -> Nav:
    """Read the nav of ``config_file`` (default: this repository's ``mkdocs.yml``).

    Nothing in the file is executed; the result's ``docs_dir`` is absolute,
    resolved against the folder of ``config_file`` as MkDocs does.
    """
    path = Path(config_file) if config_file is not None else default_config_path()
    config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    if not isinstance(config, Mapping):
        raise NavError(f"{path} is not a YAML mapping")
    docs_dir = (path.resolve().parent / str(config.get("docs_dir", "docs"))).resolve()
    return parse_nav(config, docs_dir)
