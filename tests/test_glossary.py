"""The glossary: its data, the terms the lectures introduce, its pages, the tooltips.

``docs/glossary.yml`` holds one entry per term; a lecture introduces a term as
``한글(English)`` (the precise pattern is in ``coursebuild.glossary``'s
docstring). These tests fail when a lecture introduces a term the glossary
lacks (naming the page, the line and the term), when an entry's link does not
lead to where the term is first introduced, when the glossary pages are not
sorted for their language, and when a lecture's terms do not get their hover
definition in both editions. The built site is checked in tests/test_site.py
(links and anchors) and in a browser in tests/test_browser.py.
"""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import re
from html import unescape
from pathlib import Path

import markdown
import pytest
from coursebuild import glossary as data
from coursebuild.glossary import (
    Glossary,
    GlossaryError,
    Term,
    find_introductions,
    initial,
    load_glossary,
    parse_glossary,
)

from conftest import load_hook
from docs_model import DOCS, LANGS, NAV, ROOT

hook = load_hook("glossary")
GLOSSARY = load_glossary(DOCS / hook.DATA)
LECTURES = sorted((DOCS / "lectures").glob("*.md"))
NAV_ORDER = [p.source for p in NAV.of_kind("lecture")]
KOREAN_LECTURES = [p for p in LECTURES if p.name.count(".") == 1]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def in_nav_order(paths: list[Path]) -> list[Path]:
    """Lectures in the nav's order; any not in the nav after them, by name."""

    def key(path: Path) -> tuple[int, str]:
        source = path.relative_to(DOCS).as_posix()
        return (NAV_ORDER.index(source) if source in NAV_ORDER else len(NAV_ORDER), source)

    return sorted(paths, key=key)


# --- the introduction pattern -----------------------------------------------------


def intros(text: str) -> list[tuple[str, str, str | None]]:
    return [(re.findall("[\uac00-\ud7a3]+", i.before)[-1], i.en, i.section)
            for i in find_introductions(text)]


def test_an_introduction_is_hangul_followed_by_parenthesised_english() -> None:
    text = (
        "# 제목\n\n"
        "모든 것은 텐서(tensor)에 담깁니다. 의사 난수 생성기(pseudo-random number\n"
        "generator)와 레이블(label, 정답 값), 로짓을 확률\n(probability)로 바꿉니다.\n\n"
        "## 절 {#a-section}\n\n"
        "확률적 경사 하강법(stochastic gradient descent, SGD)과 **학습률(learning rate)** 은\n"
    )
    assert intros(text) == [
        ("텐서", "tensor", None),
        ("생성기", "pseudo-random number generator", None),
        ("레이블", "label", None),
        ("확률", "probability", None),
        ("하강법", "stochastic gradient descent", "a-section"),
        ("학습률", "learning rate", "a-section"),
    ]
    assert find_introductions(text)[1].line == 3


@pytest.mark.parametrize(
    "text",
    [
        "텐서 (tensor)는",  # a space: not written the course's way, not counted
        "자세한 것은 (W1.3 참고) 봅니다",  # no Hangul right before
        "모양이 `(N, C)`인 텐서",
        "`view`(tensor)",  # code, not Hangul, before the parenthesis
        "예측(추론, inference)",  # Korean first inside the parentheses
        "값(3.5)과 장치(CPU에서)",  # a number; English followed by Hangul
        "```python\n>>> 텐서(tensor)\n```",  # inside fenced code
        "인라인 `텐서(tensor)` 코드",
        "    ```python\n    x = '텐서(tensor)'\n    ```",  # fenced code in an admonition
        "---\ndescription: 텐서(tensor)와 장치(device)\n---\n\n# 제목\n",  # front matter
    ],
)
def test_what_is_not_an_introduction(text: str) -> None:
    assert intros(text) == []


def test_a_term_is_covered_by_english_and_the_korean_words_before_it() -> None:
    term = Term("난수 생성기", "random number generator", "정의입니다.", "Def.", "x.md", None,
                ("의사 난수 생성기",), ("pseudo-random number generator",))
    glossary = Glossary((term,))
    (first, second, third, fourth) = find_introductions(
        "같은 난수 생성기(random number generator), 의사 난수 생성기(Pseudo-Random Number "
        "Generator), 쌍난수 생성기(random number generator), 생성기(random number generator)"
    )
    assert glossary.term_for(first) is term and glossary.term_for(second) is term
    assert glossary.term_for(third) is None  # 쌍난수 is not the word 난수
    assert glossary.term_for(fourth) is None  # a shorter Korean term


# --- the data file ----------------------------------------------------------------


def test_the_glossary_has_terms_and_its_doctests_pass() -> None:
    assert len(GLOSSARY.terms) > 100
    for module in (data, hook):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__


@pytest.mark.parametrize("term", GLOSSARY.terms, ids=lambda t: t.en)
def test_each_definition_is_one_sentence_or_two_in_the_house_style(term: Term) -> None:
    assert "니다" in term.ko_def and term.ko_def.endswith("."), f"{term.en}: {term.ko_def}"
    assert not re.search(r"(?<!니)다\.", term.ko_def), f"{term.en}: ko_def is not in 합니다체"
    assert term.en_def.endswith("."), f"{term.en}: en_def should end with a full stop"
    assert re.search("[\uac00-\ud7a3]", term.ko_def)
    assert not re.search("[\uac00-\ud7a3]", term.en_def), f"{term.en}: Hangul in en_def"
    for text in (term.ko_def, term.en_def):
        assert len(text) <= 160, f"{term.en}: a definition is one line, short: {text}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ko": ""}, "'ko' must be a non-empty string"),
        ({"en_def": "Two\nlines."}, "'en_def' must be one line"),
        ({"at": "lectures/w1-1-tensors"}, "'at' must be a page and an optional anchor"),
        ({"en_also": "SGD"}, "'en_also' must be a list of non-empty strings"),
        ({"typo": 1}, "unknown field(s) ['typo']"),
    ],
)
def test_a_malformed_entry_is_named(change: dict[str, object], message: str) -> None:
    entry = {"ko": "텐서", "en": "tensor", "ko_def": "배열입니다.", "en_def": "An array.",
             "at": "lectures/w1-1-tensors.md"}
    with pytest.raises(GlossaryError, match=re.escape(message)) as error:
        parse_glossary({"terms": [{**entry, **change}]}, "glossary.yml")
    assert "entry 1 (tensor)" in str(error.value)


def test_a_term_listed_twice_is_refused() -> None:
    entry = {"ko": "텐서", "en": "tensor", "ko_def": "배열입니다.", "en_def": "An array.",
             "at": "lectures/w1-1-tensors.md"}
    other = {**entry, "ko": "텐서2", "en": "tensor array", "en_also": ["Tensor"]}
    with pytest.raises(GlossaryError, match="English 'tensor' belongs to both"):
        parse_glossary({"terms": [entry, other]})


# --- every introduced term is in the glossary -------------------------------------


@pytest.mark.parametrize("lecture", LECTURES, ids=rel)
def test_every_term_a_lecture_introduces_is_in_the_glossary(lecture: Path) -> None:
    missing = [
        f"{rel(lecture)}:{intro.line}: {intro.text}"
        for intro in find_introductions(lecture.read_text("utf-8"))
        if GLOSSARY.term_for(intro) is None
    ]
    assert not missing, (
        "these terms are introduced as 한글(English) but docs/glossary.yml has no entry "
        "with that English (or en_also) and Korean (or ko_also); add one (the format is "
        "at the top of the file) or use the glossary's Korean term:\n" + "\n".join(missing)
    )


def first_introductions() -> dict[str, str]:
    """Term id -> where a lecture first introduces it (``page#anchor``), in nav order."""
    first: dict[str, str] = {}
    for lecture in in_nav_order(KOREAN_LECTURES):
        page = lecture.relative_to(DOCS).as_posix()
        for intro in find_introductions(lecture.read_text("utf-8")):
            term = GLOSSARY.term_for(intro)
            if term is not None:
                first.setdefault(term.slug, page + (f"#{intro.section}" if intro.section else ""))
    return first


@pytest.mark.parametrize("term", GLOSSARY.terms, ids=lambda t: t.en)
def test_each_term_links_to_where_it_is_first_introduced(term: Term) -> None:
    first = first_introductions()
    if term.slug in first:
        assert term.link == first[term.slug], (
            f"{term.en}: 'at' is {term.link}, but the first lecture (in nav order) that "
            f"introduces it as 한글(English) does so at {first[term.slug]}"
        )
    for lang in LANGS:
        source = DOCS / NAV.page(term.page).source_of(lang)
        ids = re.findall(r"\{#([^}\s]+)\}", source.read_text("utf-8"))
        assert term.anchor is None or term.anchor in ids, f"{term.en}: no #{term.anchor} in {rel(source)}"


# --- the pages --------------------------------------------------------------------


WHERE = {t.link: f"page of {t.en}" for t in GLOSSARY.terms}
LABELS = {"introduced": "Introduced in"}


def page_terms(lang: str) -> list[tuple[str, str]]:
    """(group heading, term) in the order the page lists them."""
    text = data.render_page(GLOSSARY, lang, WHERE, LABELS)
    out, group = [], ""
    for line in text.splitlines():
        if line.startswith("## "):
            group = line[3:].split(" {#")[0]
        elif line.startswith("**"):
            out.append((group, line[2:].split("**")[0].split(", ")[0]))
    return out


def test_the_korean_page_lists_terms_in_ganada_order_under_their_initial() -> None:
    listed = page_terms("ko")
    names = [name for _, name in listed]
    assert len(names) == len(GLOSSARY.terms)
    hangul = [n for n in names if initial(n, "ko") != data.LATIN]
    assert hangul == sorted(hangul) and names[: len(hangul)] == hangul  # Latin-initial last
    assert all(group == initial(name, "ko") for group, name in listed)
    assert [g for g, _ in listed if g != data.LATIN][0] == "ㄱ"
    assert {"가속기", "텐서", "L2 정규화"} <= set(names)


def test_the_english_page_lists_terms_alphabetically() -> None:
    listed = page_terms("en")
    names = [name for _, name in listed]
    assert names == sorted(names, key=str.lower)
    assert all(group == name[0].upper() for group, name in listed)


def test_a_page_entry_has_both_names_the_definition_and_its_link() -> None:
    term = next(t for t in GLOSSARY.terms if t.en == "stochastic gradient descent")
    for lang, head, other in (("ko", term.ko, "stochastic gradient descent, SGD"),
                              ("en", "stochastic gradient descent, SGD", term.ko)):
        text = data.render_page(GLOSSARY, lang, WHERE, LABELS)
        entry = f"**{head}** ({other}) {{#stochastic-gradient-descent}}\n:   {term.definition(lang)}"
        assert entry in text
        assert f"[page of stochastic gradient descent]({term.link})" in text


def test_the_hook_fills_the_marker_of_each_glossary_page() -> None:
    for lang in LANGS:
        source = NAV.page("glossary.md").source_of(lang)
        assert hook.MARKER in (DOCS / source).read_text("utf-8"), source


# --- hover definitions ------------------------------------------------------------


def render(text: str) -> str:
    md = markdown.Markdown(extensions=[
        "toc", "attr_list", "admonition", "pymdownx.details", "pymdownx.superfences",
        "tables", "def_list", "md_in_html", hook.GlossaryTooltips(),
    ])
    return md.convert(text)


def lecture_html(lecture: Path, lang: str) -> str:
    """A lecture in ``lang`` rendered as the build does, with its tooltip comment."""
    korean = lecture.read_text("utf-8")
    twin = DOCS / NAV.page(lecture.relative_to(DOCS).as_posix()).source_of(lang)
    return render(twin.read_text("utf-8") + hook.tooltip_comment(GLOSSARY, korean, lang))


def marked(html: str) -> list[tuple[str, str]]:
    """(title, text) of each ``<abbr>``, the title unescaped."""
    found = re.findall(r'<abbr title="([^"]*)">([^<]*)</abbr>', html)
    return [(unescape(title), text) for title, text in found]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lecture", KOREAN_LECTURES, ids=rel)
def test_each_introduced_term_has_its_definition_on_hover(lecture: Path, lang: str) -> None:
    html = lecture_html(lecture, lang)
    titles = [title for title, _ in marked(html)]
    terms = data.tooltip_terms(GLOSSARY, find_introductions(lecture.read_text("utf-8")))
    missing = [
        f"{term.en} (section #{section})"
        for section, term in terms
        if hook.plain(term.definition(hook._key(lang))) not in titles
    ]
    assert terms and not missing, (
        f"{rel(lecture)} ({lang}): these terms are introduced but have no hover definition; "
        "the edition in this language does not use any form of the term from that section "
        "on (add the form it uses to en_also or ko_also):\n" + "\n".join(missing)
    )


def test_a_term_is_marked_where_introduced_and_never_in_code_headings_or_links() -> None:
    korean = (
        "# 텐서 {#top}\n\n"
        "앞에서 말한 텐서는 아직 소개 전입니다.\n\n"
        "## 텐서 만들기 {#creating}\n\n"
        "`텐서(tensor)` 코드, [텐서(tensor)](#top), 그리고 텐서(tensor)를 소개합니다.\n"
        "다시 텐서(tensor)라고 써도 한 번만 표시합니다.\n"
    )
    term = Term("텐서", "tensor", "`n`차원 배열입니다.", "An `n`-d array.", "x.md", "creating")
    glossary = Glossary((term,))
    html = render(korean + hook.tooltip_comment(glossary, korean, "ko"))
    assert marked(html) == [("n차원 배열입니다.", "텐서")]
    assert "<abbr" not in html.split("<h2")[1].split("</h2>")[0]
    assert "glossary-tooltips" not in html
    assert html.index("<abbr") > html.index("</a>")  # after the link, not in it
    english = (
        "# Tensors {#top}\n\nA tensor before its section.\n\n"
        "## Creating tensors {#creating}\n\n```python\ntensor = 1\n```\n\n"
        "??? success \"Tensors\"\n    Tensors, at last.\n\nTensors again.\n"
    )
    html = render(english + hook.tooltip_comment(glossary, korean, "en"))
    assert marked(html) == [("An n-d array.", "Tensors")]
    assert "<summary>Tensors</summary>" in html
    assert "<p>Tensors, at last.</p>" not in html  # the first use is inside the details


def test_the_tooltips_follow_the_glossary_data() -> None:
    """Editing a definition changes the Markdown the render cache keys a lecture on."""
    korean = "## 절 {#s}\n\n텐서(tensor)입니다.\n"
    term = Term("텐서", "tensor", "배열입니다.", "An array.", "x.md", "s")
    edited = Term("텐서", "tensor", "고친 정의입니다.", "An array.", "x.md", "s")
    before = hook.tooltip_comment(Glossary((term,)), korean, "ko")
    after = hook.tooltip_comment(Glossary((edited,)), korean, "ko")
    assert before != after and "고친 정의입니다." in after
    assert hook.tooltip_comment(Glossary((edited,)), korean, "en") == hook.tooltip_comment(
        Glossary((term,)), korean, "en"
    )


TOOLTIPS_OF_EVERY_LECTURE = """
import hashlib, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import glossary as hook
from coursebuild.glossary import load_glossary
docs = Path(sys.argv[2])
glossary = load_glossary(docs / "glossary.yml")
text = "".join(
    hook.tooltip_comment(glossary, p.read_text("utf-8"), lang)
    for p in sorted((docs / "lectures").glob("*.md")) if p.name.count(".") == 1
    for lang in ("ko", "en")
)
print(hashlib.sha256(text.encode()).hexdigest())
"""


def test_the_tooltips_are_the_same_in_every_process() -> None:
    """No set order (it follows the per-process string hash) reaches the Markdown.

    Otherwise every build keys some lectures differently and renders them again.
    """
    digests = {
        subprocess.run(
            [sys.executable, "-c", TOOLTIPS_OF_EVERY_LECTURE, str(ROOT / "hooks"), str(DOCS)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1, digests
