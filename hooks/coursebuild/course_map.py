"""The home page's course map, generated from the nav so that it never drifts.

The map lists the course week by week, as the nav of ``mkdocs.yml`` groups it:
each section that holds lectures or tutorials is a week, and each lecture
becomes a card with its title, one line on what it teaches, and a link to its
lab (the tutorial with the same file name, :attr:`coursebuild.nav.Page.lecture`).
A tutorial with no lecture (the library tour) gets a card of its own.

The line on what a page teaches lives with the page, in its own language:

- a lecture's front matter, ``description:`` (Material also makes it the
  page's ``<meta name="description">``)::

      ---
      description: 텐서를 만들고 ... 배웁니다.
      ---

- a tutorial's notebook metadata, ``description:`` under ``jupyter:`` in its
  jupytext header; only a tutorial without a lecture needs one, a lab is
  described by its lecture.

:func:`course_map` returns Markdown (Material's grid cards, which need the
``md_in_html``, ``attr_list`` and ``pymdownx.emoji`` extensions) that the hook
``hooks/course_map.py`` puts in place of ``<!-- course-map -->`` on the home
page. Links point at the default language's sources, as hand-written links
do; mkdocs-static-i18n sends each language to its own pages.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
from mkdocs.utils.meta import get_data

from coursebuild.nav import Nav, Page

__all__ = [
    "MARKER",
    "Card",
    "CourseMapError",
    "Week",
    "course_map",
    "description",
    "needs_description",
    "weeks",
]

#: The placeholder on the home page that the map replaces.
MARKER = "<!-- course-map -->"

#: Material icons (pymdownx.emoji shortcodes) of a lecture and of a lab.
LECTURE_ICON = ":material-book-open-page-variant:"
LAB_ICON = ":material-flask-outline:"

_WEEK_STEM = re.compile(r"^w(\d+)-")
#: Characters that would turn plain text into Markdown (emphasis, links, code)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>&#|])")


class CourseMapError(ValueError):
    """A page that the map needs a description of has none."""


@dataclass(frozen=True)
class Card:
    """One card of the map: a lecture with its lab, or a tutorial of its own."""

    page: Page
    lab: Page | None


@dataclass(frozen=True)
class Week:
    """One section of the nav that holds lectures or tutorials."""

    section: str | None
    anchor: str
    cards: tuple[Card, ...]


# --------------------------------------------------------------------------
# The course, from the nav


def weeks(nav: Nav) -> list[Week]:
    """The nav's lectures and tutorials, by section, in nav order.

    A lab is shown on its lecture's card, not on its own.
    """
    order: list[str | None] = []
    cards: dict[str | None, list[Card]] = {}
    for page in nav.of_kind("lecture", "tutorial"):
        if page.kind == "tutorial" and page.lecture is not None:
            continue
        if page.section not in cards:
            order.append(page.section)
            cards[page.section] = []
        lab = nav.lab_of(page) if page.kind == "lecture" else None
        cards[page.section].append(Card(page, lab))
    return [
        Week(section, _anchor(cards[section], i), tuple(cards[section]))
        for i, section in enumerate(order, start=1)
    ]


def _anchor(cards: list[Card], position: int) -> str:
    """``week-N`` where the section's files are named ``wN-...``, else ``part-<position>``."""
    numbers = {m[1] for c in cards if (m := _WEEK_STEM.match(c.page.stem))}
    return f"week-{numbers.pop()}" if len(numbers) == 1 else f"part-{position}"


def needs_description(nav: Nav) -> list[Page]:
    """The pages whose description the map shows: lectures and tutorials of their own."""
    return [card.page for week in weeks(nav) for card in week.cards]


# --------------------------------------------------------------------------
# Descriptions


def description(path: Path) -> str | None:
    """The ``description`` of a page's source: front matter or notebook metadata.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> page = folder / "a.md"
    >>> _ = page.write_text("---\\ndescription: Tensors.\\n---\\n# A\\n", "utf-8")
    >>> description(page)
    'Tensors.'
    >>> notebook = folder / "a.py"
    >>> _ = notebook.write_text(
    ...     "# ---\\n# jupyter:\\n#   description: A tour.\\n# ---\\n\\n# %%\\nx = 1\\n", "utf-8"
    ... )
    >>> description(notebook)
    'A tour.'
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        meta: Any = jupytext.reads(text, fmt="py:percent").metadata
    else:
        meta = get_data(text)[1]
    value = meta.get("description") if isinstance(meta, Mapping) else None
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def descriptions(nav: Nav, lang: str) -> dict[str, str]:
    """Source -> description in ``lang`` of each page the map describes.

    Raises:
        CourseMapError: Naming every page (in ``lang``) that has none.
    """
    found: dict[str, str] = {}
    missing: list[str] = []
    for page in needs_description(nav):
        source = page.source_of(lang)
        text = description(nav.docs_dir / source)
        if text is None:
            missing.append(source)
        else:
            found[page.source] = text
    if missing:
        where = "front matter (lectures) or jupytext header, under jupyter: (tutorials)"
        raise CourseMapError(
            "the home page's course map needs a one-line `description:` in the "
            f"{where} of: {', '.join(missing)}"
        )
    return found


# --------------------------------------------------------------------------
# Markdown


def plain(text: str) -> str:
    r"""``text`` escaped so that Markdown shows it as written.

    >>> plain("state_dict and <b>")
    'state\\_dict and \\<b\\>'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def course_map(
    nav: Nav,
    lang: str,
    home: str,
    describe: Callable[[Page], str],
) -> str:
    """The map in ``lang`` as Markdown, with links relative to the page ``home``.

    ``describe`` gives a card's line (see :func:`descriptions`).
    """
    folder = posixpath.dirname(home)

    def link(page: Page) -> str:
        title = page.title_in(lang) or page.title or page.stem
        return f"[{plain(title)}]({posixpath.relpath(page.source, folder or '.')})"

    out = ['<div class="course-map" markdown>', ""]
    for week in weeks(nav):
        if week.section is not None:
            out += [f"### {plain(nav.section_title(week.section, lang))} {{#{week.anchor}}}", ""]
        out += ['<div class="grid cards" markdown>', ""]
        for card in week.cards:
            icon = LECTURE_ICON if card.page.kind == "lecture" else LAB_ICON
            out += [
                f"-   {icon}{{ .lg .middle }} __{link(card.page)}__",
                "",
                "    ---",
                "",
                f"    {plain(describe(card.page))}",
                "",
            ]
            if card.lab is not None:
                out += [f"    {LAB_ICON} {link(card.lab)}", ""]
        out += ["</div>", ""]
    out += ["</div>"]
    return "\n".join(out)
