"""The home page's course map (hooks/course_map.py, coursebuild.course_map).

The map is generated from the nav: each week, each lecture with its lab and
its one-line ``description:``, in the language being built. The unit tests
call ``coursebuild.course_map`` on a nav of their own; the build tests
(marked ``site``) build a small two-language site with the hook and the
render cache: the map shows in both languages, an edited description shows
on a warm rebuild (the home page is cached, keyed on its Markdown after the
hook), and a lecture without a description fails the build, naming it.
The map of the real site is checked in tests/test_site.py and in a browser
in tests/test_browser.py.
"""

from __future__ import annotations

import doctest
import subprocess
import sys
import textwrap
from pathlib import Path

import coursebuild.course_map
import pytest
from coursebuild.course_map import CourseMapError, course_map, descriptions, weeks
from coursebuild.nav import Nav, load_nav

from conftest import ROOT, mkdocs_build, offline_env

NAV_YML = """\
nav:
  - 홈: index.md
  - 1주차 기초:
      - 1.1 텐서: lectures/w1-1-tensors.md
      - "1.1 실습: 텐서": tutorials/w1-1-tensors.py
      - 1.2 회귀: lectures/w1-2-regression.md
      - 둘러보기: tutorials/tour.py
  - 2주차:
      - 2.1 미분: lectures/w2-1-autograd.md
  - API 레퍼런스:
      - api/devices.md
"""

I18N_YML = """\
plugins:
  - i18n:
      docs_structure: suffix
      languages:
        - {locale: ko, name: 한국어, default: true, build: true}
        - locale: en
          name: English
          build: true
          nav_translations:
            홈: Home
            1주차 기초: "Week 1: Basics"
            1.1 텐서: 1.1 Tensors
            "1.1 실습: 텐서": "1.1 Lab: tensors"
            1.2 회귀: 1.2 Regression
            둘러보기: A tour
            2주차: Week 2
            2.1 미분: 2.1 Autograd
            API 레퍼런스: API reference
"""

LECTURES = {
    "w1-1-tensors": ("텐서를 만듭니다.", "Make tensors."),
    "w1-2-regression": ("선을 긋습니다.", "Fit a line with a state_dict."),
    "w2-1-autograd": ("기울기를 구합니다.", "Take gradients."),
}


def write_docs(docs: Path) -> None:
    """Home pages with the marker, lectures with descriptions, a tour notebook."""
    (docs / "lectures").mkdir(parents=True)
    (docs / "tutorials").mkdir()
    (docs / "api").mkdir()
    for suffix, title in (("", "홈"), (".en", "Home")):
        (docs / f"index{suffix}.md").write_text(
            f"# {title}\n\n## Map {{#course-map}}\n\n<!-- course-map -->\n", "utf-8"
        )
        (docs / f"api/devices{suffix}.md").write_text("# devices\n", "utf-8")
    for stem, texts in LECTURES.items():
        for suffix, text in zip(("", ".en"), texts):
            (docs / f"lectures/{stem}{suffix}.md").write_text(
                f"---\ndescription: >-\n  {text}\n---\n\n# {stem}\n", "utf-8"
            )
    for suffix, text in (("", "패키지를 둘러봅니다."), (".en", "Tour the package.")):
        for name, header in (("tour", f"#   description: {text}\n"), ("w1-1-tensors", "")):
            (docs / f"tutorials/{name}{suffix}.py").write_text(
                f"# ---\n# jupyter:\n{header}#   jupytext:\n#     formats: py:percent\n# ---\n\n"
                "# %% [markdown]\n# # Title\n\n# %%\nx = 1\n",
                "utf-8",
            )


@pytest.fixture
def nav(tmp_path: Path) -> Nav:
    write_docs(tmp_path / "docs")
    (tmp_path / "mkdocs.yml").write_text(I18N_YML + NAV_YML, "utf-8")
    return load_nav(tmp_path / "mkdocs.yml")


# --- the map, from a nav ----------------------------------------------------------


def test_module_examples() -> None:
    result = doctest.testmod(coursebuild.course_map)
    assert result.attempted and not result.failed


def test_weeks_pair_each_lecture_with_its_lab_in_nav_order(nav: Nav) -> None:
    found = [
        (week.section, week.anchor, [(c.page.source, c.lab and c.lab.source) for c in week.cards])
        for week in weeks(nav)
    ]
    assert found == [
        ("1주차 기초", "week-1", [
            ("lectures/w1-1-tensors.md", "tutorials/w1-1-tensors.py"),
            ("lectures/w1-2-regression.md", None),
            ("tutorials/tour.py", None),
        ]),
        ("2주차", "week-2", [("lectures/w2-1-autograd.md", None)]),
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ko", ["### 1주차 기초 {#week-1}", "[1.1 텐서](lectures/w1-1-tensors.md)",
                "텐서를 만듭니다.", "[1.1 실습: 텐서](tutorials/w1-1-tensors.py)",
                "[1.2 회귀](lectures/w1-2-regression.md)", "선을 긋습니다.",
                "[둘러보기](tutorials/tour.py)", "패키지를 둘러봅니다.",
                "### 2주차 {#week-2}", "[2.1 미분](lectures/w2-1-autograd.md)"]),
        ("en", ["### Week 1: Basics {#week-1}", "[1.1 Tensors](lectures/w1-1-tensors.md)",
                "Make tensors.", "[1.1 Lab: tensors](tutorials/w1-1-tensors.py)",
                "[1.2 Regression](lectures/w1-2-regression.md)", r"Fit a line with a state\_dict.",
                "[A tour](tutorials/tour.py)", "Tour the package.",
                "### Week 2 {#week-2}", "[2.1 Autograd](lectures/w2-1-autograd.md)"]),
    ],
)
def test_map_lists_the_course_in_nav_order_in_each_language(
    nav: Nav, lang: str, expected: list[str]
) -> None:
    lines = descriptions(nav, lang)
    markdown = course_map(nav, lang, "index.md", lambda page: lines[page.source])
    positions = [markdown.find(part) for part in expected]
    assert -1 not in positions, [e for e, p in zip(expected, positions) if p == -1]
    assert positions == sorted(positions)
    assert "api/devices.md" not in markdown and "index.md" not in markdown


def test_links_are_relative_to_the_home_page(nav: Nav) -> None:
    markdown = course_map(nav, "ko", "home/index.md", lambda page: "x")
    assert "(../lectures/w1-1-tensors.md)" in markdown


def test_a_missing_description_names_the_file_in_its_language(nav: Nav) -> None:
    path = nav.docs_dir / "lectures" / "w1-2-regression.en.md"
    path.write_text("# no front matter\n", "utf-8")
    assert "lectures/w1-2-regression.md" in descriptions(nav, "ko")
    with pytest.raises(CourseMapError, match=r"lectures/w1-2-regression\.en\.md"):
        descriptions(nav, "en")


# --- whole builds -----------------------------------------------------------------

SITE_YML = """\
site_name: mini
site_url: https://example.org/
strict: true
theme:
  name: material
  language: ko
  font: false
hooks:
  - {hooks}/course_map.py
  - {hooks}/render_cache.py
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


@pytest.fixture
def mini_site(tmp_path: Path) -> Path:
    """The nav above without tutorials (mkdocs-jupyter is not configured here)."""
    root = tmp_path / "mini"
    write_docs(root / "docs")
    for path in (root / "docs" / "tutorials").iterdir():
        path.unlink()
    nav = "\n".join(line for line in NAV_YML.splitlines() if "tutorials/" not in line)
    (root / "mkdocs.yml").write_text(
        SITE_YML.format(hooks=ROOT / "hooks") + I18N_YML + nav + "\n", "utf-8"
    )
    return root


@pytest.mark.site
def test_an_edited_description_shows_on_a_warm_rebuild(mini_site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    mkdocs_build(tmp_path / "first", root=mini_site, TORCHBASICS_CACHE_DIR=str(cache))
    for prefix, text in (("", "텐서를 만듭니다."), ("en/", "Make tensors.")):
        home = (tmp_path / "first" / prefix / "index.html").read_text("utf-8")
        assert text in home and 'class="grid cards"' in home
        assert (cache / "pages" / f"{prefix.replace('/', '__')}index.html.json").is_file()
    lecture = mini_site / "docs" / "lectures" / "w1-1-tensors.en.md"
    lecture.write_text(lecture.read_text("utf-8").replace("Make tensors.", "Edited."), "utf-8")
    mkdocs_build(tmp_path / "second", root=mini_site, TORCHBASICS_CACHE_DIR=str(cache))
    english = (tmp_path / "second" / "en" / "index.html").read_text("utf-8")
    assert "Edited." in english and "Make tensors." not in english
    assert "텐서를 만듭니다." in (tmp_path / "second" / "index.html").read_text("utf-8")


@pytest.mark.site
def test_a_lecture_without_a_description_fails_the_build(mini_site: Path, tmp_path: Path) -> None:
    (mini_site / "docs" / "lectures" / "w2-1-autograd.md").write_text("# 미분\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=mini_site, env=offline_env(TORCHBASICS_CACHE_DIR=str(tmp_path / "cache")),
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode != 0
    assert "lectures/w2-1-autograd.md" in result.stderr + result.stdout
