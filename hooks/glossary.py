"""MkDocs hook: the glossary pages, and definitions on hover in the lectures.

The terms live in ``docs/glossary.yml`` (its header documents the format;
:mod:`coursebuild.glossary` reads it). This hook:

- replaces the marker ``<!-- glossary -->`` of ``glossary.md`` and
  ``glossary.en.md`` with the terms, grouped and sorted for the page's language
  (가나다 in Korean, alphabetically in English), each with its definition and a
  link to the section that introduces it;
- gives every lecture hover definitions (Material's ``content.tooltips`` shows
  the ``title`` of an ``<abbr>``). A term is marked where the lecture
  introduces it: in Korean, the ``한글`` of the page's ``한글(English)``; in
  English, the first use of the English term from the start of the same
  section on (the two editions share their section ids). Later uses are not
  marked: many terms are also everyday words (*class*, *error*, *view*, 상태,
  클래스) whose other uses the definition would mislabel. Code, headings,
  links and admonition titles are never marked.

The definitions reach the page through its Markdown: ``on_page_markdown``
appends them as one HTML comment that :class:`GlossaryTooltips` (a
Python-Markdown extension this hook adds to the build) removes before parsing.
So the render cache (hooks/render_cache.py), which keys every page on its
Markdown, renders a lecture again exactly when its definitions change.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from coursebuild.glossary import (
    Glossary,
    Term,
    find_introductions,
    load_glossary,
    render_page,
    section_titles,
    tooltip_terms,
)
from coursebuild.nav import load_nav, split_language

#: Where the glossary pages want their terms.
MARKER = "<!-- glossary -->"
#: The data file, relative to ``docs_dir``.
DATA = "glossary.yml"
#: The comment that carries a lecture's definitions to the Markdown extension.
_SPEC = re.compile(r"^<!-- glossary-tooltips (?P<json>.*) -->$")
_LABELS = {
    "ko": {"introduced": "처음 나오는 곳:"},
    "en": {"introduced": "Introduced in"},
}
_SKIP = {"code", "pre", "a", "abbr", "kbd", "script", "style", "summary"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HANGUL = "\uac00-\ud7a3"
_SEPARATOR = "\u203a"  # the angle quote between a page title and a section title


# --------------------------------------------------------------------------
# Events


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    extensions: list[Any] = config.markdown_extensions
    if not any(isinstance(e, GlossaryTooltips) for e in extensions):
        extensions.append(GlossaryTooltips())
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    docs = Path(config.docs_dir)
    languages = _languages(config)
    source, lang = split_language(page.file.src_uri, languages)
    if MARKER in markdown:
        glossary = load_glossary(docs / DATA)
        where = _link_texts(glossary, lang, config, docs)
        return markdown.replace(MARKER, render_page(glossary, lang, where, _LABELS[_key(lang)]))
    if source.startswith("lectures/") and source.endswith(".md"):
        glossary = load_glossary(docs / DATA)
        return markdown + tooltip_comment(glossary, (docs / source).read_text("utf-8"), lang)
    return markdown


# --------------------------------------------------------------------------
# Helpers


def _key(lang: str) -> str:
    return "ko" if lang == "ko" else "en"


def _languages(config: MkDocsConfig) -> tuple[str, ...]:
    i18n: Any = config.plugins.get("i18n")
    if i18n is None:
        return ("ko",)
    built = [lc.locale for lc in i18n.config.languages if lc.build]
    default = i18n.default_language
    return (default, *[lang for lang in built if lang != default])


def _link_texts(glossary: Glossary, lang: str, config: MkDocsConfig, docs: Path) -> dict[str, str]:
    """:attr:`Term.link` -> the page title and the section title in ``lang``."""
    nav = load_nav(config.config_file_path)
    sections: dict[Path, dict[str, str]] = {}
    out: dict[str, str] = {}
    for term in glossary.terms:
        page = nav.page(term.page)
        title = page.title_in(lang) or page.title or term.page
        text = title
        if term.anchor:
            source = docs / page.source_of(lang)
            if source not in sections:  # each lecture is read once, not once per term
                sections[source] = section_titles(source.read_text("utf-8"))
            section = sections[source].get(term.anchor, term.anchor)
            text = f"{title} {_SEPARATOR} {section}"
        out[term.link] = text
    return out


def tooltip_comment(glossary: Glossary, default_source: str, lang: str) -> str:
    """The comment appended to a lecture in ``lang``: where to mark which term.

    ``default_source`` is the Korean edition's Markdown: its ``한글(English)``
    say where each term is introduced; the other editions share its section ids.
    """
    items = [
        {
            "section": section,
            "pattern": term_pattern(term, lang),
            "inside": inside_pattern(glossary, term, lang),
            "title": plain(term.definition(_key(lang))),
        }
        for section, term in tooltip_terms(glossary, find_introductions(default_source))
    ]
    if not items:
        return ""
    data = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return f"\n\n<!-- glossary-tooltips {data} -->\n"


def plain(markdown: str) -> str:
    """A definition as a tooltip shows it: no backticks around code."""
    return markdown.replace("`", "")


def term_pattern(term: Term, lang: str) -> str:
    """The regular expression of ``term`` in a lecture's text in ``lang``.

    Korean: one of its Korean forms as a whole word, right before the ``(`` of
    its introduction. English: one of its English forms as whole words, any
    case, the last word also inflected (``-s``, ``-es``, ``-ed``, ``-ing``);
    ``-ize`` and ``-ise`` spellings both match.
    """
    if lang == "ko":
        forms = sorted(term.forms("ko"), key=len, reverse=True)
        words = "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms)
        return rf"(?<![\w{_HANGUL}])(?:{words})(?=\n?\()"
    forms = sorted(term.forms("en"), key=len, reverse=True)
    return rf"(?i)(?<![\w-])(?:{'|'.join(map(_english, forms))})(?![\w-])"


def inside_pattern(glossary: Glossary, term: Term, lang: str) -> str | None:
    """The longer terms of the glossary that contain ``term`` as whole words.

    A use of *unit* inside *rectified linear unit*, or of 층 inside 선형 층, is
    another term's use, not this one's: the tooltip skips it. (Each term's
    pattern is computed once per glossary and language.)
    """
    return _inside_patterns(glossary, _key(lang))[term.slug]


# language key -> (glossary, its terms' patterns): computed once per glossary
_inside_cache: dict[str, tuple[Glossary, dict[str, str | None]]] = {}


def _inside_patterns(glossary: Glossary, key: str) -> dict[str, str | None]:
    cached = _inside_cache.get(key)
    if cached is not None and cached[0] is glossary:
        return cached[1]
    forms = [(other, form, form.lower()) for other in glossary.terms for form in other.forms(key)]
    patterns: dict[str, str | None] = {}
    for term in glossary.terms:
        own = {f.lower() for f in term.forms(key)}
        longer = {
            form
            for other, form, lowered in forms
            if other is not term
            and lowered not in own
            # the substring test first: it rules out nearly every pair cheaply
            and any(
                f in lowered and re.search(rf"(?i)(?<!\w){re.escape(f)}(?!\w)", form) for f in own
            )
        }
        patterns[term.slug] = _any_of(longer) if longer else None
    _inside_cache[key] = (glossary, patterns)
    return patterns


def _any_of(forms: set[str]) -> str:
    # longest first, then alphabetical: the same pattern in every process (a
    # set's order follows the per-process string hash, and the pattern enters
    # the page's Markdown, so the render cache's key)
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    words = (r"\s+".join(map(re.escape, f.split())) for f in ordered)
    return rf"(?i)(?<!\w)(?:{'|'.join(words)})(?!\w)"


def _english(form: str) -> str:
    """An English form as a pattern: words split by any space, the last one inflected.

    >>> import re
    >>> pattern = re.compile(_english("transpose"))
    >>> [bool(pattern.fullmatch(w)) for w in ("transposes", "transposing", "transposer")]
    [True, True, False]
    >>> bool(re.fullmatch(_english("synchronization"), "synchronisations"))
    True
    """
    words = [re.escape(w).replace("iz", "i[sz]") for w in form.split()]
    last = words[-1]
    if form[-1].isupper() or not form[-1].isalpha():  # SGD, R²: as written
        ending = ""
    elif last.endswith("e"):
        last, ending = last[:-1], "(?:e|es|ed|ing)"
    else:
        ending = "(?:s|es|ed|ing)?"
    return r"\s+".join([*words[:-1], last + ending])


# --------------------------------------------------------------------------
# The Markdown extension


class GlossaryTooltips(Extension):
    """Mark each term where a lecture introduces it with ``<abbr title=definition>``.

    The definitions come with the page, in the comment that
    :func:`tooltip_comment` appends; pages without it are left alone.
    """

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        spec = _SpecPreprocessor(md)
        # before the HTML block preprocessor (20) stashes the comment
        md.preprocessors.register(spec, "glossary_tooltips", 35)
        # after attr_list (8) has set the headings' ids, before toc (5)
        md.treeprocessors.register(_Marker(md, spec), "glossary_tooltips", 7)


class _SpecPreprocessor(Preprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.items: list[dict[str, Any]] = []

    def run(self, lines: list[str]) -> list[str]:
        self.items = []
        kept = []
        for line in lines:
            match = _SPEC.match(line.strip())
            if match:
                self.items += json.loads(match["json"])
            else:
                kept.append(line)
        return kept


class _Marker(Treeprocessor):
    def __init__(self, md: Markdown, spec: _SpecPreprocessor) -> None:
        super().__init__(md)
        self.spec = spec

    def run(self, root: etree.Element) -> None:
        pending: dict[str | None, list[_Term]] = {}
        for item in self.spec.items:
            inside = item.get("inside")
            pending.setdefault(item["section"], []).append(
                _Term(re.compile(item["pattern"]), inside and re.compile(inside), item["title"])
            )
        active = pending.pop(None, [])
        for block in root:
            if block.tag in _HEADINGS:
                active += pending.pop(block.get("id"), [])
            elif active:
                _mark(block, active)


@dataclass(frozen=True)
class _Term:
    """A term to mark: its pattern, the longer terms it must not be part of, its title."""

    pattern: re.Pattern[str]
    inside: re.Pattern[str] | None
    title: str

    def search(self, text: str) -> re.Match[str] | None:
        """The first use of the term in ``text`` that is not part of a longer term."""
        taken = [m.span() for m in self.inside.finditer(text)] if self.inside else []
        for match in self.pattern.finditer(text):
            if not any(a <= match.start() and match.end() <= b for a, b in taken):
                return match
        return None


def _mark(element: etree.Element, terms: list[_Term]) -> None:
    """Wrap the first match of each term in ``element`` (in document order) in ``<abbr>``."""
    if (
        element.tag in _SKIP
        or element.tag in _HEADINGS
        or "admonition-title" in (element.get("class") or "").split()
    ):
        return
    children: list[etree.Element] = []
    element.text, created = _split(element.text, terms)
    children += created
    for child in list(element):
        _mark(child, terms)
        children.append(child)
        child.tail, created = _split(child.tail, terms)
        children += created
    element[:] = children


def _split(text: str | None, terms: list[_Term]) -> tuple[str | None, list[etree.Element]]:
    """``text`` with terms wrapped: the text before the first, and the ``<abbr>``s."""
    if not text or isinstance(text, AtomicString) or not terms:
        return text, []
    lead: str | None = text
    created: list[etree.Element] = []
    rest = text
    while terms:
        found = [(m, t) for t in terms if (m := t.search(rest))]
        if not found:
            break
        match, term = min(found, key=lambda f: (f[0].start(), -len(f[0].group())))
        terms.remove(term)
        abbr = etree.Element("abbr", {"title": term.title})
        abbr.text = AtomicString(match.group())
        if created:
            created[-1].tail = rest[: match.start()]
        else:
            lead = rest[: match.start()]
        created.append(abbr)
        rest = rest[match.end() :]
    if created:
        created[-1].tail = rest
    return lead, created
