"""The nav of mkdocs.yml is the one list of pages, and it is complete.

Every test and hook takes the lectures, tutorials and API pages from the nav
(``coursebuild.nav``). These tests hold the nav to the files: each page in the
nav exists in every language, no page under docs/ is left out of it, each lab
comes right after its lecture (so the footer's "next" walks lecture -> lab ->
next lecture), the home page has the place for the course map generated from
the nav (tests/test_course_map.py, and the built map in tests/test_site.py),
and each title of the nav is translated.
"""

from __future__ import annotations

import doctest
import re
import textwrap
from pathlib import Path

import coursebuild.nav
import pytest
from coursebuild.course_map import MARKER, descriptions
from coursebuild.nav import NavError, Page, load_nav, split_language

from docs_model import DOCS, LANGS, NAV, ROOT, pages

#: Sources under docs/ that are built but deliberately not in the nav (a
#: custom ``404.md`` would go here). Keep it short: a page the reader cannot
#: reach from the nav is usually a mistake.
NOT_IN_NAV: frozenset[str] = frozenset()

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def page_sources_under_docs() -> list[Path]:
    """Every file under docs/ that MkDocs turns into a page, in any language."""
    found = [*DOCS.rglob("*.md"), *DOCS.rglob("*.py")]
    return sorted(p for p in found if not p.relative_to(DOCS).parts[0] == "assets")


def test_the_nav_has_lectures_tutorials_and_api_pages() -> None:
    assert pages("home") and pages("lecture") and pages("tutorial") and pages("api")


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.source)
def test_page_exists_in_every_language(page: Page) -> None:
    missing = [
        f"docs/{page.source_of(lang)} ({lang})"
        for lang in LANGS
        if not (DOCS / page.source_of(lang)).is_file()
    ]
    assert not missing, (
        f"{page.source} is in the nav of mkdocs.yml, but these files do not "
        "exist: " + ", ".join(missing)
    )


def test_every_page_under_docs_is_in_the_nav() -> None:
    in_nav = {p.source for p in NAV.pages} | NOT_IN_NAV
    orphans = []
    for path in page_sources_under_docs():
        source, lang = split_language(path.relative_to(DOCS).as_posix(), LANGS)
        if source not in in_nav:
            orphans.append(f"{rel(path)} ({lang}: would be docs/{source} in the nav)")
    assert not orphans, (
        "pages that are not in the nav of mkdocs.yml (add them, or their other-"
        "language twin's original, to the nav):\n" + "\n".join(orphans)
    )


def test_every_lab_follows_its_lecture() -> None:
    """A lab is the tutorial named like its lecture; it comes right after it,
    in the same section, so that previous/next walks lecture -> lab."""
    assert any(p.lecture for p in pages("tutorial")), "no tutorial is paired with a lecture"
    order = list(NAV.pages)
    misplaced = [
        f"{p.source} (lab of {p.lecture}) comes after {order[i - 1].source}"
        for i, p in enumerate(order)
        if p.lecture is not None
        and (order[i - 1].source != p.lecture or order[i - 1].section != p.section)
    ]
    assert not misplaced, (
        "mkdocs.yml: put each lab right after its lecture:\n" + "\n".join(misplaced)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_has_the_course_map(lang: str) -> None:
    (home,) = pages("home")
    path = DOCS / home.source_of(lang)
    assert path.read_text(encoding="utf-8").count(MARKER) == 1, (
        f"{rel(path)} must say {MARKER} once, where the course map goes"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_lecture_has_a_description_for_the_map(lang: str) -> None:
    found = descriptions(NAV, lang)  # raises, naming every page without one
    assert set(found) >= {p.source for p in pages("lecture")}


@pytest.mark.parametrize("lang", NAV.other_languages)
def test_every_nav_title_is_translated(lang: str) -> None:
    table = NAV.translations[lang]
    untranslated = [t for t in NAV.titles() if HANGUL.search(t) and t not in table]
    assert not untranslated, (
        f"mkdocs.yml: add these nav titles to nav_translations of {lang!r}: "
        + ", ".join(repr(t) for t in untranslated)
    )
    still_korean = {k: v for k, v in table.items() if HANGUL.search(v)}
    assert not still_korean, f"{lang!r} nav_translations left in Korean: {still_korean}"


@pytest.mark.parametrize("lang", NAV.other_languages)
def test_no_translation_is_left_over(lang: str) -> None:
    stale = sorted(set(NAV.translations[lang]) - set(NAV.titles()))
    assert not stale, (
        f"mkdocs.yml: nav_translations of {lang!r} translates titles that are "
        f"not in the nav (renamed or removed?): {stale}"
    )


# --- the module itself ----------------------------------------------------------


def test_nav_module_examples() -> None:
    result = doctest.testmod(coursebuild.nav)
    assert result.attempted and not result.failed


def test_nav_is_read_without_running_tags(tmp_path: Path) -> None:
    flag = tmp_path / "ran"
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""\
            site_name: x
            use_directory_urls: false
            hook: !!python/object/apply:os.mkdir ["{flag}"]
            env: !ENV [HOME, x]
            plugins:
              - search
              - i18n:
                  languages:
                    - {{locale: en, name: English, build: true}}  # not the default
                    - {{locale: ko, name: 한국어, default: true}}
                    - {{locale: fr, name: Français, build: false}}
            nav:
              - 홈: index.md
              - https://example.org/
              - 강의:
                  - 부록:
                      - lectures/extra.md
              - tutorials/a.py
            """
        ),
        encoding="utf-8",
    )
    nav = load_nav(tmp_path / "mkdocs.yml")
    assert not flag.exists()
    assert nav.languages == ("ko", "en") and nav.docs_dir == tmp_path / "docs"
    home, extra, tutorial = nav.pages
    assert (home.urls, home.kind) == ({"ko": "index.html", "en": "en/index.html"}, "home")
    assert (extra.title, extra.section, extra.kind) == (None, "부록", "lecture")
    assert extra.sources == {"ko": "lectures/extra.md", "en": "lectures/extra.en.md"}
    assert tutorial.url("en") == "en/tutorials/a.html"
    assert nav.sections == ("강의", "부록")
    assert nav.page("tutorials/a.en.py") is tutorial


def test_a_tutorial_is_the_lab_of_the_lecture_with_its_file_name(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent(
            """\
            plugins:
              - i18n:
                  languages:
                    - {locale: ko, default: true}
                    - locale: en
                      nav_translations: {1주차: "Week 1"}
            nav:
              - 1주차:
                  - lectures/w1-1-a.md
                  - tutorials/w1-1-a.py
                  - lectures/w1-2-b.md
                  - tutorials/tour.py
            """
        ),
        encoding="utf-8",
    )
    nav = load_nav(tmp_path / "mkdocs.yml")
    a, lab, b, tour = nav.pages
    assert (lab.lecture, tour.lecture, a.lecture, b.lecture) == (
        "lectures/w1-1-a.md", None, None, None,
    )
    assert nav.lab_of(a) is lab and nav.lab_of(b) is None
    assert nav.section_title("1주차", "en") == "Week 1"
    assert nav.section_title("1주차", "ko") == "1주차"


def test_a_page_outside_the_known_folders_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "plugins: [{i18n: {languages: [{locale: ko, default: true}]}}]\n"
        "nav: [{About: about/team.md}]\n",
        encoding="utf-8",
    )
    with pytest.raises(NavError, match="about/team.md"):
        load_nav(tmp_path / "mkdocs.yml")
