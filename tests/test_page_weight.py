"""Light pages (issue 12): tutorial figures are files, and no page is heavy.

On the built site (the ``built_site`` fixture), in both languages:

- no page's HTML is over 300 KB;
- every figure of a tutorial is a file, ``assets/figures/<sha256[:16]>.png``,
  named by its bytes, the same file for the Korean and the English page; its
  ``<img>`` is lazy (``loading="lazy"``, ``decoding="async"``), sets its CSS
  ``width`` and ``height`` and has an alt text in the page's language; the
  file has two pixels per CSS pixel.

In Chromium, served the way a static host serves the site
(``benchmarks/page_weight.py``, which prints the whole table):

- every figure loads (``naturalWidth > 0``) and, where the theme shows it
  widest, has twice as many pixels as it has CSS pixels: crisp on high-DPI
  screens and no larger than that;
- figures further down are fetched only when the reader scrolls to them;
- the heaviest page transfers less than 1 MB once scrolled to the bottom
  (HTML, CSS, JS, the search index, every figure).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from coursebuild.figures import FIGURE_DIR
from docs_model import LANGS, pages
from tutorial_runs import PublishedTutorial, published_tutorials

import page_weight  # benchmarks/ is on sys.path (conftest.py)

pytestmark = pytest.mark.site

TUTORIALS = pages("tutorial")
ALT_PREFIX = {"ko": "그림 ", "en": "Figure "}


class Images(HTMLParser):
    """The attributes of every ``<img>`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append({k: v or "" for k, v in attrs})


def figures_of(site: Path, url: str) -> list[dict[str, str]]:
    parser = Images()
    parser.feed((site / url / "index.html").read_text("utf-8"))
    return [img for img in parser.images if f"/{FIGURE_DIR}/" in img.get("src", "")]


def image_outputs(tutorial: PublishedTutorial) -> int:
    assert tutorial.notebook is not None, f"{tutorial.norm_src_uri} has no execution"
    return sum(
        any(k.startswith("image/") for k in out.get("data", {}))
        for cell in tutorial.notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


def test_no_page_html_is_over_the_budget(built_site: Path) -> None:
    sizes = {
        p.relative_to(built_site).as_posix(): p.stat().st_size for p in built_site.rglob("*.html")
    }
    assert len(sizes) >= 2 * len(pages())
    over = {page: size for page, size in sizes.items() if size > page_weight.HTML_BUDGET}
    assert not over, f"HTML over {page_weight.HTML_BUDGET:,} bytes: {over}"


@pytest.fixture(scope="module")
def executed(built_site: Path) -> dict[str, PublishedTutorial]:
    return {t.norm_src_uri: t for t in published_tutorials(run_build=True)}


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=[t.source for t in TUTORIALS])
def test_tutorial_figures_are_lazy_files_shared_by_both_languages(
    built_site: Path, executed: dict[str, PublishedTutorial], tutorial
) -> None:
    from PIL import Image

    names: dict[str, list[str]] = {}
    for lang in LANGS:
        url = tutorial.urls[lang]
        html = (built_site / url / "index.html").read_text("utf-8")
        assert "base64," not in html, f"{url} still embeds an image"
        images = figures_of(built_site, url)
        assert len(images) == image_outputs(executed[tutorial.source]), url
        names[lang] = []
        for img in images:
            file = (built_site / url / img["src"]).resolve()
            data = file.read_bytes()
            assert file.name == hashlib.sha256(data).hexdigest()[:16] + file.suffix, img
            assert img.get("loading") == "lazy" and img.get("decoding") == "async", img
            assert img.get("alt", "").startswith(ALT_PREFIX.get(lang, "Figure ")), img
            width, height = int(img["width"]), int(img["height"])
            with Image.open(file) as image:
                px_width, px_height = image.size
            # two device pixels per CSS pixel (IPython rounds odd sizes down)
            assert px_width - 2 * width in (0, 1), (img, image.size)
            assert abs(px_height - 2 * height) <= 2, (img, image.size)
            names[lang].append(file.name)
    first, *others = LANGS
    for lang in others:
        assert names[lang] == names[first], "both languages show the same files"


# --- in Chromium -------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(built_site: Path) -> Iterator[tuple[str, list[page_weight.Sent], object]]:
    """The built site served like a static host, and a Chromium to read it."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if shutil.which(page_weight.CHROMIUM) is None:  # pragma: no cover - CI installs it
        pytest.fail(f"{page_weight.CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    with page_weight.serve(built_site) as (base_url, log), playwright_api.sync_playwright() as p:
        browser = page_weight.launch(p)
        try:
            yield base_url, log, browser
        finally:
            browser.close()


FIGURES_JS = f"""() => [...document.querySelectorAll('img[src*="/{FIGURE_DIR}/"]')].map(img => ({{
    src: img.src, complete: img.complete, natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width,
}}))"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_figures_load_and_are_twice_as_sharp_as_shown(served, lang: str) -> None:
    base_url, _, browser = served
    # the widest layout (Material grows its root font from 2000 px up) on a 2x screen
    context = browser.new_context(
        viewport={"width": 2560, "height": 1440}, device_scale_factor=2
    )
    try:
        page = context.new_page()
        for tutorial in TUTORIALS:
            page.goto(base_url + tutorial.urls[lang], wait_until="networkidle")
            page_weight.scroll_to_bottom(page)
            page.wait_for_function(
                f"""() => [...document.querySelectorAll('img[src*="/{FIGURE_DIR}/"]')]
                    .every(img => img.complete)""",
                timeout=90_000,  # a loaded 2-core machine is slow
            )
            figures = page.evaluate(FIGURES_JS)
            assert figures, tutorial.urls[lang]
            for figure in figures:
                assert figure["natural"] > 0, f"{figure['src']} did not load"
                natural, shown = figure["natural"], figure["shown"]
                assert 2 * shown - 2 <= natural <= 2 * shown * 1.05, (tutorial.urls[lang], figure)
    finally:
        context.close()


@pytest.mark.browser
def test_figures_further_down_load_only_when_scrolled_to(served, built_site: Path) -> None:
    base_url, log, browser = served
    # the tutorial with the most figures
    url = max((t.urls[LANGS[0]] for t in TUTORIALS), key=lambda u: len(figures_of(built_site, u)))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        start = len(log)
        page.goto(base_url + url, wait_until="networkidle")
        total = len({figure["src"] for figure in page.evaluate(FIGURES_JS)})
        fetched = {s.path for s in log[start:] if f"/{FIGURE_DIR}/" in s.path}
        assert 0 < len(fetched) < total, (url, len(fetched), total)
        page_weight.scroll_to_bottom(page)
        fetched = {s.path for s in log[start:] if f"/{FIGURE_DIR}/" in s.path}
        assert len(fetched) == total, (url, len(fetched), total)
    finally:
        context.close()


@pytest.mark.browser
def test_the_heaviest_page_transfers_under_1_mb(served, built_site: Path) -> None:
    """Measured on every tutorial page (they add the notebook stylesheet and
    the figures to what every page loads) and, in each language, on the other
    page with the largest HTML: every other page loads the same shared files
    and less HTML, so none can be heavier."""
    base_url, log, browser = served
    candidates = {t.urls[lang] for t in TUTORIALS for lang in LANGS}
    for lang in LANGS:
        others = [p.urls[lang] for p in pages() if p.kind != "tutorial"]
        candidates.add(max(others, key=lambda u: (built_site / u / "index.html").stat().st_size))
    weights = sorted(
        (
            page_weight.measure(
                browser, base_url, log, url, (built_site / url / "index.html").stat().st_size
            )
            for url in sorted(candidates)
        ),
        key=lambda w: w.scrolled,
        reverse=True,
    )
    heaviest = weights[0]
    assert heaviest.scrolled < page_weight.TRANSFER_BUDGET, page_weight.table(weights)
    assert heaviest.images > 0, "the heaviest page's figures were not fetched"
