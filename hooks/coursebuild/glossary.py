"""The course glossary: its data file, the terms lectures introduce, its pages.

A lecture introduces a term the first time it uses it by writing the Korean
word followed at once by the English one in parentheses, ``텐서(tensor)``.
:func:`find_introductions` finds exactly those places; ``docs/glossary.yml``
holds one entry per term (:func:`load_glossary`); ``tests/test_glossary.py``
fails when a lecture introduces a term the data file lacks, and
``hooks/glossary.py`` builds the glossary pages and the lectures' tooltips from
the same data.

The introduction pattern, precisely: one or more Hangul words (separated by
single spaces or line breaks), directly followed by ``(`` (a line break in
between is allowed: Markdown renders it as a space, and authors wrap lines
there), then an English term that starts with a Latin letter and holds only
Latin letters, digits, spaces, hyphens and apostrophes, then either ``)`` or
a comma and anything up to ``)`` (an abbreviation or a Korean gloss:
``확률적 경사 하강법(stochastic gradient descent, SGD)``,
``레이블(label, 정답 값)``). Code (fenced blocks and inline code) never counts.
So ``(W1.3 참고)``, ``(N, C)``, ``` `view`(...) ``` and ``텐서 (tensor)``
(a space) are not introductions, and neither is anything in the page's YAML
front matter (its ``description:``).

Which Korean words belong to the term is not visible in the text
(``의사 난수 생성기(pseudo-random number generator)`` versus
``같은 시드(seed)``); an introduction is covered by a glossary entry whose
English (or one of its ``en_also`` forms) equals the one in parentheses,
ignoring case, and whose Korean (or a ``ko_also`` form) is a whole-word
suffix of the text before the parenthesis.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "FIELDS",
    "Glossary",
    "GlossaryError",
    "Introduction",
    "Term",
    "find_introductions",
    "load_glossary",
    "section_titles",
]

#: The fields of an entry: required ones first, then the optional lists.
FIELDS = ("ko", "en", "ko_def", "en_def", "at", "ko_also", "en_also")
_REQUIRED = FIELDS[:5]

_HANGUL = "\uac00-\ud7a3"
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", re.M | re.S)
#: YAML front matter (``description:``), which is no part of the lecture's text
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?^---[ \t]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_INTRO = re.compile(
    rf"(?P<ko>[{_HANGUL}]+(?:[ \n][{_HANGUL}]+)*)\n?"
    r"\((?P<en>[A-Za-z][A-Za-z0-9 \n'\-]*?)(?:,[^)]*)?\)"
)
#: A heading with an explicit id, ``## 텐서 만들기 {#creating-tensors}``
_HEADING = re.compile(
    r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t]*\{#(?P<id>[^}\s]+)\}[ \t]*$", re.M
)
_AT = re.compile(r"^(?P<page>[\w./-]+\.md)(?:#(?P<anchor>[^#\s]+))?$")


class GlossaryError(ValueError):
    """The glossary data file is malformed; the message names the entry and field."""


# --------------------------------------------------------------------------
# Introductions in a lecture


@dataclass(frozen=True)
class Introduction:
    """One ``한글(English)`` in a Markdown page.

    Attributes:
        line: 1-based line of the opening parenthesis's English term.
        before: The page's text before the parenthesis on the same paragraph
            line(s), whitespace collapsed (``이 자동 미분``).
        en: The English term in the parentheses, whitespace collapsed.
        section: The id of the nearest heading above it (``{#id}``), or None
            before the first one.
    """

    line: int
    before: str
    en: str
    section: str | None

    @property
    def text(self) -> str:
        """The introduction with up to three words before it, for messages."""
        return f"{' '.join(self.before.split()[-3:])}({self.en})"


def _blank(match: re.Match[str]) -> str:
    """The match with every character but line breaks replaced by spaces."""
    return re.sub(r"[^\n]", " ", match.group(0))


def prose_only(markdown: str) -> str:
    """``markdown`` with its front matter, fenced code and inline code blanked out.

    Offsets and line numbers stay those of ``markdown``.
    """
    text = _FRONT_MATTER.sub(_blank, markdown)
    return _INLINE_CODE.sub(_blank, _FENCE.sub(_blank, text))


def find_introductions(markdown: str) -> list[Introduction]:
    """Every ``한글(English)`` of ``markdown`` outside code, in order."""
    text = prose_only(markdown)
    headings = [(m.start(), m["id"]) for m in _HEADING.finditer(text)]
    found = []
    for match in _INTRO.finditer(text):
        section = None
        for start, anchor in headings:
            if start > match.start():
                break
            section = anchor
        line_start = text.rfind("\n\n", 0, match.start("ko")) + 1
        before = " ".join(text[line_start : match.end("ko")].split())
        found.append(
            Introduction(
                line=text.count("\n", 0, match.start("en")) + 1,
                before=before,
                en=" ".join(match["en"].split()),
                section=section,
            )
        )
    return found


def section_titles(markdown: str) -> dict[str, str]:
    """Heading id -> heading text (``{#id}`` removed), for headings with an explicit id."""
    return {m["id"]: m["title"] for m in _HEADING.finditer(prose_only(markdown))}


# --------------------------------------------------------------------------
# The data


@dataclass(frozen=True)
class Term:
    """One entry of the glossary.

    Attributes:
        ko: The Korean term as the glossary shows it (``자동 미분``).
        en: The English term (``autograd``).
        ko_def: A one-line definition in Korean (합니다체).
        en_def: The same definition in English.
        page: The default-language source of the lecture that introduces the
            term first (``lectures/w1-1-tensors.md``).
        anchor: The id of the section there, or None for the top of the page.
        ko_also: Other Korean forms the lectures introduce it as.
        en_also: Other English forms: abbreviations (``SGD``), synonyms.
    """

    ko: str
    en: str
    ko_def: str
    en_def: str
    page: str
    anchor: str | None
    ko_also: tuple[str, ...] = ()
    en_also: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """The term's id on both glossary pages: ``in-place-operation``."""
        ascii_en = unicodedata.normalize("NFKD", self.en).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "-", ascii_en.lower()).strip("-")

    @property
    def link(self) -> str:
        """Where it is introduced, as a link target from the docs root."""
        return self.page + (f"#{self.anchor}" if self.anchor else "")

    def name(self, lang: str) -> str:
        """The term in ``lang`` (Korean for ``ko``, English otherwise)."""
        return self.ko if lang == "ko" else self.en

    def forms(self, lang: str) -> tuple[str, ...]:
        """Every form of the term in ``lang``, the main one first."""
        return (self.ko, *self.ko_also) if lang == "ko" else (self.en, *self.en_also)

    def shown(self, lang: str) -> list[str]:
        """The names the glossary pages show in ``lang``: the term, and in English
        its abbreviations (``en_also`` forms without a lowercase letter: ``SGD``).

        The other ``en_also`` and ``ko_also`` forms only help find the term in
        the lectures (``normally distributed``, ``양성 종양``).
        """
        if lang == "ko":
            return [self.ko]
        return [self.en, *(f for f in self.en_also if f == f.upper())]

    def definition(self, lang: str) -> str:
        """The definition in ``lang`` (Markdown: it may hold inline code)."""
        return self.ko_def if lang == "ko" else self.en_def

    def covers(self, intro: Introduction) -> bool:
        """Whether ``intro`` introduces this term (see the module docstring)."""
        if intro.en.lower() not in {form.lower() for form in self.forms("en")}:
            return False
        return any(_ends_with_word(intro.before, form) for form in self.forms("ko"))


def _ends_with_word(text: str, words: str) -> bool:
    """Whether ``text`` ends with ``words`` as whole words (``모두 텐서`` yes, ``쌍텐서`` no)."""
    words = " ".join(words.split())
    if not text.endswith(words):
        return False
    rest = text[: -len(words)]
    return not rest or not rest[-1].isalnum()


@dataclass(frozen=True)
class Glossary:
    """Every term of the data file, in the file's order."""

    terms: tuple[Term, ...]

    def term_for(self, intro: Introduction) -> Term | None:
        """The entry that covers ``intro``, or None if the glossary lacks it."""
        candidates = self._by_english.get(intro.en.lower(), ())
        return next((t for t in candidates if t.covers(intro)), None)

    @functools.cached_property
    def _by_english(self) -> dict[str, tuple[Term, ...]]:
        """Lower-cased English form -> the terms that have it, in file order."""
        index: dict[str, list[Term]] = {}
        for term in self.terms:
            for form in dict.fromkeys(f.lower() for f in term.forms("en")):
                index.setdefault(form, []).append(term)
        return {form: tuple(terms) for form, terms in index.items()}

    def sorted(self, lang: str) -> list[Term]:
        """The terms in the order of ``lang``'s glossary page.

        Korean: 가나다 order (Unicode order of the syllables, which is the
        dictionary's), terms that start with a Latin letter last; English:
        alphabetical, ignoring case.
        """
        if lang == "ko":
            return sorted(self.terms, key=lambda t: (initial(t.ko, "ko") == LATIN, t.ko))
        return sorted(self.terms, key=lambda t: (t.en.lower(), t.en))


#: The group heading of Korean terms that start with a Latin letter.
LATIN = "A-Z"
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_PLAIN = {"ㄲ": "ㄱ", "ㄸ": "ㄷ", "ㅃ": "ㅂ", "ㅆ": "ㅅ", "ㅉ": "ㅈ"}


def initial(word: str, lang: str) -> str:
    """The group a term is listed under: its initial consonant or letter.

    >>> initial("텐서", "ko"), initial("까닭", "ko"), initial("L2 정규화", "ko")
    ('ㅌ', 'ㄱ', 'A-Z')
    >>> initial("tensor", "en")
    'T'
    """
    first = word[0]
    if lang == "ko":
        if "\uac00" <= first <= "\ud7a3":
            consonant = _INITIALS[(ord(first) - 0xAC00) // 588]
            return _PLAIN.get(consonant, consonant)
        return LATIN
    return first.upper()


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GlossaryError(
            f"{where}: '{field}' must be a list of non-empty strings, got {value!r}"
        )
    return tuple(value)


def parse_entry(entry: Any, where: str) -> Term:
    """Check one entry of the data file and make it a :class:`Term`."""
    if not isinstance(entry, Mapping):
        raise GlossaryError(f"{where}: an entry must be a mapping, got {entry!r}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise GlossaryError(f"{where}: unknown field(s) {unknown}; the fields are {list(FIELDS)}")
    for field in _REQUIRED:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise GlossaryError(f"{where}: '{field}' must be a non-empty string, got {value!r}")
        if "\n" in value.strip() or value != value.strip():
            raise GlossaryError(f"{where}: '{field}' must be one line without outer spaces")
    at = _AT.match(entry["at"])
    if at is None:
        raise GlossaryError(
            f"{where}: 'at' must be a page and an optional anchor, "
            f"like lectures/w1-1-tensors.md#creating-tensors; got {entry['at']!r}"
        )
    return Term(
        ko=entry["ko"],
        en=entry["en"],
        ko_def=entry["ko_def"],
        en_def=entry["en_def"],
        page=at["page"],
        anchor=at["anchor"],
        ko_also=_strings(entry.get("ko_also"), where, "ko_also"),
        en_also=_strings(entry.get("en_also"), where, "en_also"),
    )


def parse_glossary(data: Any, source: str = "glossary") -> Glossary:
    """Check the loaded YAML (a mapping with a ``terms`` list) and build the glossary.

    Raises:
        GlossaryError: naming the entry (by number and term) and the field.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("terms"), list):
        raise GlossaryError(f"{source}: expected a mapping with a 'terms' list")
    terms = []
    for number, entry in enumerate(data["terms"], start=1):
        name = entry.get("en") if isinstance(entry, Mapping) else None
        terms.append(parse_entry(entry, f"{source}: entry {number} ({name})"))
    _check_unique(terms, source)
    return Glossary(tuple(terms))


def _check_unique(terms: Sequence[Term], source: str) -> None:
    seen: dict[str, str] = {}
    for term in terms:
        keys = [f"id {term.slug!r}"]
        keys += [f"Korean {form!r}" for form in term.forms("ko")]
        keys += [f"English {form.lower()!r}" for form in term.forms("en")]
        for key in keys:
            if key in seen:
                raise GlossaryError(
                    f"{source}: {key} belongs to both {seen[key]!r} and {term.en!r}"
                )
            seen[key] = term.en


# libyaml's parser where PyYAML was built with it: ~10x faster on this file
_YAML_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
# path -> ((mtime_ns, size), glossary): every page of a build asks for it
_loaded: dict[Path, tuple[tuple[int, int], Glossary]] = {}


def load_glossary(path: Path) -> Glossary:
    """Read and check the glossary data file (YAML); re-read only when it changed."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    hit = _loaded.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise GlossaryError(f"{path}: not valid YAML: {error}") from error
    glossary = parse_glossary(data, str(path))
    _loaded[path] = (stamp, glossary)
    return glossary


# --------------------------------------------------------------------------
# What the hook writes


def tooltip_terms(
    glossary: Glossary, intros: Iterable[Introduction]
) -> list[tuple[str | None, Term]]:
    """The (section, term) pairs of a lecture's introductions, first occurrences only."""
    pairs: dict[tuple[str | None, str], tuple[str | None, Term]] = {}
    for intro in intros:
        term = glossary.term_for(intro)
        if term is not None:
            pairs.setdefault((intro.section, term.slug), (intro.section, term))
    return list(pairs.values())


def render_page(
    glossary: Glossary,
    lang: str,
    where: Mapping[str, str],
    labels: Mapping[str, str],
) -> str:
    """The Markdown of ``lang``'s glossary page (what replaces the page's marker).

    One ``##`` group per initial consonant (Korean) or letter (English), and
    in it a definition list: the term (with its id, :attr:`Term.slug`), its
    forms in the other language, the definition, and a link to where a
    lecture introduces it.

    Args:
        glossary: The terms.
        lang: ``ko`` or another language (English).
        where: :attr:`Term.link` -> the link's text in ``lang``
            (the page's title and the section's, ``1.1 텐서, NumPy, GPU``
            and ``텐서 만들기``).
        labels: ``"introduced"`` -> the words before that link.
    """
    other = "en" if lang == "ko" else "ko"
    out: list[str] = []
    group = None
    for term in glossary.sorted(lang):
        head = initial(term.name(lang), lang)
        if head != group:
            group = head
            anchor = "latin" if head == LATIN else f"initial-{head.lower()}"
            out += [f"## {head} {{#{anchor}}}", ""]
        names = term.shown(lang)
        also = [name for name in term.shown(other) if name not in names]
        heading = f"**{', '.join(names)}**" + (f" ({', '.join(also)})" if also else "")
        out += [
            f"{heading} {{#{term.slug}}}",
            f":   {term.definition(lang)}",
            "",
            f"    {labels['introduced']} [{where[term.link]}]({term.link})",
            "",
        ]
    return "\n".join(out)
