"""The built site in a real browser: search in both languages, the copy button,
the footer's previous/next, the home page's course map, running a tutorial yourself.

Each language has its own search index: a search on an English page lists
English pages only, on a Korean page Korean pages only.

Debian's chromium, driven by Playwright, against the site served on loopback.
The copy check reads exactly what Material's copy button puts on the
clipboard (it marks the code element ``data-md-copying`` and takes its
``innerText``) and runs every snippet of the page on its own.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import nbformat
import pytest
import torch

from docs_model import LANGS, NAV, pages
from page_weight import CHROMIUM, launch

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")

if shutil.which(CHROMIUM) is None:  # pragma: no cover - CI installs it
    pytest.fail(
        f"{CHROMIUM} is missing: install Debian's chromium "
        "(apt-get install chromium), never a downloaded browser",
        pytrace=False,
    )


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # Only the site itself may be loaded: any other host fails the test.
        outside: list[str] = []

        def guard(route: object) -> None:
            url = route.request.url
            if url.startswith(base_url) or url.startswith("data:"):
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        yield page
        browser.close()
        assert not outside, f"the site tried to load {outside}"


def search(page: object, base_url: str, path: str, query: str) -> list[str]:
    """Type ``query`` into Material's search box; return the result links."""
    page.goto(base_url + path)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    meta = ""
    for _ in range(60):
        box.press("End")  # Material searches on keyup, which fill() does not send
        page.wait_for_timeout(250)
        meta = page.locator(".md-search-result__meta").inner_text()
        # the page is fresh, so any count (or "none") answers this query
        if re.search(r"\d|No matching|없습니다", meta):
            return page.eval_on_selector_all(
                ".md-search-result__link", "links => links.map(a => a.href)"
            )
    raise AssertionError(f"search for {query!r} never answered: {meta!r}")


# 브로드캐스팅을 never occurs on the page: it is found only because the search
# separator peels the particle off, in the index and in the query alike.
@pytest.mark.parametrize("query", ["텐서", "텐서를", "텐서의", "브로드캐스팅을"])
def test_korean_search_finds_the_korean_lecture(page, base_url, query) -> None:
    hits = search(page, base_url, "", query)
    assert any("/lectures/w1-1-tensors/" in h and "/en/" not in h for h in hits), (
        query, hits,
    )


# "tensors" and "broadcasting" are inflected: they are found because the
# English index is not stemmed (Material's `term*` queries skip the stemmer).
@pytest.mark.parametrize("query", ["tensor", "tensors", "broadcasting"])
def test_english_search_finds_the_english_lecture(page, base_url, query) -> None:
    hits = search(page, base_url, "en/", query)
    assert any("/en/lectures/w1-1-tensors/" in h for h in hits), (query, hits)


# Each query matched pages of both languages while the site had one index.
@pytest.mark.parametrize("query", ["decision boundary", "tensor", "BCEWithLogitsLoss"])
@pytest.mark.parametrize("path", ["en/", "en/api/plotting/", "en/404.html"])
def test_english_search_lists_english_pages_only(page, base_url, path, query) -> None:
    hits = search(page, base_url, path, query)
    assert hits, (path, query)
    assert all(h.startswith(base_url + "en/") for h in hits), (path, query, hits)


@pytest.mark.parametrize("query", ["BCEWithLogitsLoss", "텐서", "tensor"])
@pytest.mark.parametrize("path", ["", "api/plotting/", "404.html"])
def test_korean_search_lists_korean_pages_only(page, base_url, path, query) -> None:
    hits = search(page, base_url, path, query)
    assert hits, (path, query)
    assert not [h for h in hits if h.startswith(base_url + "en/")], (path, query, hits)


@pytest.mark.parametrize("path", ["lectures/w1-1-tensors/", "en/lectures/w1-1-tensors/"])
def test_copy_button_copies_code_that_runs(page, base_url, path) -> None:
    page.goto(base_url + path)
    copied = page.eval_on_selector_all(
        ".md-typeset pre > code",
        """codes => codes.filter(c => c.querySelector('.gp')).map(c => {
            c.setAttribute('data-md-copying', '');
            const text = c.innerText;
            c.removeAttribute('data-md-copying');
            return text;
        })""",
    )
    assert copied, f"no doctest blocks found on {path}"
    assert page.locator("button.md-clipboard, button.md-code__button").count() > 0
    for i, text in enumerate(copied):
        assert ">>>" not in text, f"block {i} copies its prompts:\n{text}"
        exec(compile(text, f"{path} block {i + 1}", "exec"), {})


def test_language_switcher_click_stays_on_the_tutorial(page, base_url) -> None:
    page.goto(base_url + "tutorials/w1-1-tensors/")
    page.locator(".md-select").first.hover()
    page.locator('a.md-select__link[hreflang="en"]').first.click()
    page.wait_for_load_state()
    assert page.url == base_url + "en/tutorials/w1-1-tensors/"


# --- finding your way: the footer and the home page's course map -------------------

COURSE = pages("lecture", "tutorial")  # nav order: each lecture, then its lab


@pytest.mark.parametrize("lang", LANGS)
def test_footer_next_walks_from_each_lecture_to_its_lab_to_the_next_lecture(
    page, base_url, lang
) -> None:
    """Clicking "next" from the first lecture visits every lecture and lab in
    nav order: lecture 1.1 -> lab 1.1 -> lecture 1.2 -> ..."""
    first_lab = NAV.lab_of(COURSE[0])
    assert first_lab is not None and COURSE[1] == first_lab
    page.goto(base_url + COURSE[0].url(lang))
    for here, there in zip(COURSE, COURSE[1:]):
        link = page.locator("a.md-footer__link--next")
        assert " ".join(link.inner_text().split()).endswith(there.title_in(lang)), (
            here.source, link.inner_text(),
        )
        link.click()
        # wait_for_url, not expect_navigation: navigation.tracking rewrites the
        # address (#anchors) while the page scrolls, which is no navigation
        page.wait_for_url(base_url + there.url(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_map_links_reach_every_lecture_and_lab(page, base_url, lang) -> None:
    (home,) = pages("home")
    page.goto(base_url + home.url(lang))
    links = page.locator(".course-map a[href]:not(.headerlink)")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    assert hrefs == [base_url + p.url(lang) for p in COURSE]
    for i, target in enumerate(COURSE):
        page.goto(base_url + home.url(lang))
        page.locator(".course-map a[href]:not(.headerlink)").nth(i).click()
        page.wait_for_url(base_url + target.url(lang))
        assert page.locator("html").get_attribute("lang") == lang
        assert page.title().startswith(target.title_in(lang)), (target.source, page.title())


RUN_YOURSELF = {
    "ko": ("직접 실행하기", "노트북 내려받기 (.ipynb)", "소스 내려받기 (.py)", "Colab에서 열기"),
    "en": ("Run it yourself", "Download the notebook (.ipynb)", "Download the source (.py)",
           "Open in Colab"),
}
COLAB = "https://colab.research.google.com/github/torchbasics/torchbasics/blob/notebooks/"


@pytest.mark.parametrize(("lang", "path"), [("ko", "tutorials/w1-1-tensors/"),
                                            ("en", "en/tutorials/w1-1-tensors/")])
def test_tutorial_offers_its_notebook_its_source_and_colab(
    page, base_url, lang, path, tmp_path
) -> None:
    page.goto(base_url + path)
    title, notebook, source, colab = RUN_YOURSELF[lang]
    block = page.get_by_role("region", name=title)
    assert block.is_visible()
    # it sits under the page title, before the tutorial's first paragraph
    heading = page.locator("h1").first.bounding_box()
    assert heading["y"] < block.bounding_box()["y"]

    downloads = {}
    for name, suffix in ((notebook, ".ipynb"), (source, ".py")):
        link = block.get_by_role("link", name=name)
        assert link.is_visible()
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == f"w1-1-tensors-{lang}{suffix}"
        downloads[suffix] = saved
    nb = nbformat.read(downloads[".ipynb"], as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].metadata["tags"] == ["torchbasics-install"]
    assert "%pip install" in nb.cells[0].source
    assert any(cell.get("outputs") for cell in nb.cells), "the notebook has no outputs"
    assert downloads[".py"].read_text("utf-8").startswith("# ---\n# jupyter:")

    # Colab opens the same file from the notebooks branch, at its path in the site
    href = block.get_by_role("link", name=colab).get_attribute("href")
    assert href == f"{COLAB}{path}w1-1-tensors-{lang}.ipynb"
    served = page.request.get(base_url + href.removeprefix(COLAB))
    assert served.ok and served.body() == downloads[".ipynb"].read_bytes()


@pytest.mark.parametrize("path", ["tutorials/w1-2-linear-regression/",
                                  "en/tutorials/w1-2-linear-regression/"])
def test_tutorial_says_where_and_when_it_ran(page, base_url, path) -> None:
    page.goto(base_url + path)
    said = page.locator(".tb-run__provenance").inner_text()
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", said), said
    assert f"torch {torch.__version__}" in said and "Python 3." in said
    report = page.locator(".tb-run__report pre")
    assert not report.is_visible()  # folded until asked for
    page.locator(".tb-run__report summary").click()
    assert report.is_visible()
    assert "default device:" in report.inner_text()


# Math is published as MathML (hooks/mathml.py): no script renders it, the
# browser lays it out. Visible TeX, or <math> that is not laid out as math
# (a browser without MathML shows its text in one line), fails.
MATH_PAGES = [
    f"{prefix}{kind}/w2-2-math/" for prefix in ("", "en/") for kind in ("lectures", "tutorials")
]
_TEX_LEFT = r"\\(frac|sum|eta|nabla|log|sqrt|mathbb|operatorname|varepsilon|sigma)\b|\$\$|\\\(|\\\["


@pytest.mark.parametrize("path", MATH_PAGES)
def test_equations_render_as_math(page, base_url, path) -> None:
    page.goto(base_url + path)
    boxes = page.eval_on_selector_all(
        "article math",
        """ms => ms.map(m => {
            const r = m.getBoundingClientRect();
            return {w: r.width, h: r.height, display: getComputedStyle(m).display};
        })""",
    )
    assert len(boxes) >= 10, f"{path}: only {len(boxes)} <math> elements"
    flat = [b for b in boxes if not (b["w"] > 0 and b["h"] > 0)]
    assert not flat, f"{path}: {len(flat)} of {len(boxes)} equations have no size"
    assert all("math" in b["display"] for b in boxes), {b["display"] for b in boxes}
    # a fraction is laid out as a fraction: numerator above the denominator
    stacked = page.eval_on_selector_all(
        "article mfrac",
        """fs => fs.map(f => {
            const [top, bottom] = f.children;
            return top.getBoundingClientRect().bottom <= bottom.getBoundingClientRect().top + 1;
        })""",
    )
    assert all(stacked), f"{path}: fractions not stacked: {stacked}"
    assert stacked or "lectures/" not in path, f"{path}: the lecture has no fraction"
    leftover = page.evaluate(
        """re => {
            const found = [];
            const walk = document.createTreeWalker(document.querySelector('article'),
                                                   NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const node = walk.currentNode;
                if (node.parentElement.closest('pre, code, math, script, style')) continue;
                if (new RegExp(re).test(node.textContent)) found.push(node.textContent);
            }
            return found;
        }""",
        _TEX_LEFT,
    )
    assert not leftover, f"{path} shows LaTeX source: {leftover[:3]}"


# --- exercises and the glossary ---------------------------------------------------


@pytest.mark.parametrize("lang", ["", "en/"])
@pytest.mark.parametrize(
    "lecture", ["w1-1-tensors", "w1-2-linear-regression", "w1-3-binary-classification"]
)
def test_exercise_solutions_are_collapsed_until_opened(page, base_url, lang, lecture) -> None:
    page.goto(f"{base_url}{lang}lectures/{lecture}/#exercises")
    solutions = page.locator("#exercises ~ details.success")
    assert 3 <= solutions.count() <= 5, solutions.count()
    first = solutions.first
    assert first.get_attribute("open") is None
    assert not first.locator("pre").first.is_visible()
    first.locator("summary").click()
    assert first.get_attribute("open") is not None
    assert first.locator("pre code .gp").first.is_visible()  # a doctest, shown as a session


def tooltip_text(page, abbr) -> str:
    """Hover ``abbr``; the text of the tooltip Material shows for it."""
    abbr.scroll_into_view_if_needed()
    abbr.hover()
    tooltip = page.locator("#" + abbr.get_attribute("aria-describedby"))
    tooltip.wait_for(state="visible")
    return tooltip.inner_text()


@pytest.mark.parametrize(
    ("path", "term", "words"),
    [
        ("lectures/w1-1-tensors/", "스트라이드", "메모리에서 건너뛰는 원소 수입니다"),
        ("en/lectures/w1-1-tensors/", "strides", "How many elements to skip in memory"),
        ("lectures/w1-3-binary-classification/", "로짓", "시그모이드를 거치기 전의 실수 점수"),
        ("en/lectures/w1-3-binary-classification/", "logit", "before the sigmoid"),
    ],
)
def test_hovering_a_term_shows_its_definition(page, base_url, path, term, words) -> None:
    page.goto(base_url + path)
    abbr = page.locator("article abbr", has_text=re.compile(f"^{term}$")).first
    assert words in tooltip_text(page, abbr)
    assert page.locator("article h1 abbr, article h2 abbr, article h3 abbr").count() == 0
    assert page.locator("article pre abbr, article code abbr, article a abbr").count() == 0


@pytest.mark.parametrize(
    ("lang", "term", "target", "heading"),
    [
        ("", "stride", "lectures/w1-1-tensors/#view-vs-reshape", "view와 reshape"),
        ("en/", "stride", "en/lectures/w1-1-tensors/#view-vs-reshape", "view and reshape"),
        ("", "logit", "lectures/w1-3-binary-classification/#logits-and-probabilities", "로짓과 확률"),
        ("en/", "tensor", "en/lectures/w1-1-tensors/", "Tensors, NumPy and the GPU"),
    ],
)
def test_a_glossary_link_reaches_the_section_that_introduces_the_term(
    page, base_url, lang, term, target, heading
) -> None:
    page.goto(f"{base_url}{lang}glossary/")
    assert page.locator(".md-nav__link--active", has_text=re.compile("용어집|Glossary")).count()
    entry = page.locator(f"dt#{term}")
    entry.locator("xpath=following-sibling::dd[1]//a").click()
    page.wait_for_url(base_url + target)  # navigation.tracking may rewrite the hash later
    anchor = target.partition("#")[2]
    element = page.locator(f"[id='{anchor}']" if anchor else "article h1")
    assert heading in element.inner_text()
    top = element.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < 900 / 2, f"#{anchor} is not scrolled into view (top {top})"


def test_the_glossary_pages_are_sorted_for_their_language(page, base_url) -> None:
    page.goto(base_url + "glossary/")
    korean = page.eval_on_selector_all("article dt strong", "es => es.map(e => e.innerText)")
    page.goto(base_url + "en/glossary/")
    english = page.eval_on_selector_all("article dt strong", "es => es.map(e => e.innerText)")
    assert len(korean) == len(english) > 100
    hangul = [t for t in korean if "\uac00" <= t[0] <= "\ud7a3"]
    assert korean[: len(hangul)] == hangul == sorted(hangul)
    assert english == sorted(english, key=str.lower)
