"""The built site: both languages, notebooks rendered, every link and anchor valid.

One offline ``mkdocs build --strict`` (the ``built_site`` fixture) is checked
as a reader would meet it: every page of the nav (mkdocs.yml, read by
``coursebuild.nav``) exists where the nav says in every language, the
language switcher keeps the page, internal links and ``#anchors`` resolve on
Markdown and notebook pages alike, no heading has an empty id, and nothing on
a page is loaded from another host.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest

from conftest import offline_env
from coursebuild.course_map import descriptions
from coursebuild.nav import Page
from docs_model import DEFAULT_LANG, LANGS, NAV, pages

pytestmark = pytest.mark.site

PAGES = pages()  # every page of the nav, in nav order
TUTORIALS = pages("tutorial")


def source_id(page: Page) -> str:
    return page.source


class PageParser(HTMLParser):
    """Collect ids, links, resources, language alternates, Material's
    ``__config`` and the text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.resources: list[str] = []
        self.switcher: dict[str, str] = {}
        self.lang = ""
        self.config: dict = {}
        self.texts: list[str] = []
        self._config_script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
            if "md-select__link" in a.get("class", "") and "hreflang" in a:
                self.switcher[a["hreflang"]] = a["href"]
        if tag in {"script", "img", "iframe"} and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") in {
            "stylesheet", "preload", "modulepreload", "icon",
        }:
            self.resources.append(a["href"])
        if tag == "script" and a.get("id") == "__config":
            self._config_script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._config_script is not None:
            self.config = json.loads("".join(self._config_script))
            self._config_script = None

    def handle_data(self, data: str) -> None:
        if self._config_script is not None:
            self._config_script.append(data)
        else:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def page_file(site: Path, url_path: str) -> Path:
    target = site / url_path
    return target / "index.html" if url_path.endswith("/") or not url_path else target


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str] | None:
    """Map a relative link on ``page`` to (file in the site, fragment); None if external."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    base = PurePosixPath(page.relative_to(site).as_posix()).parent
    raw = unquote(parts.path)
    if raw:
        # site_url's path is "/": an absolute path starts at the site root
        joined = PurePosixPath(raw.lstrip("/")) if raw.startswith("/") else base / raw
        resolved = site.joinpath(*joined.parts).resolve()
        if raw.endswith("/") or resolved.is_dir():
            resolved = resolved / "index.html"
    else:
        resolved = page
    return resolved, unquote(parts.fragment)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("source", PAGES, ids=source_id)
def test_page_is_built_in_every_language(built_site: Path, source: Page, lang: str) -> None:
    url = source.url(lang)
    path = page_file(built_site, url)
    assert path.is_file(), f"{source.source} ({lang}) was not built at /{url}"
    assert parse(path).lang == lang


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("tutorial", TUTORIALS, ids=source_id)
def test_tutorials_are_rendered_not_copied(
    built_site: Path, tutorial: Page, lang: str
) -> None:
    html = page_file(built_site, tutorial.url(lang)).read_text("utf-8")
    assert "jp-Cell" in html or "jupyter-wrapper" in html
    # the executed plots, as files (tests/test_page_weight.py checks them)
    assert '<img src="' in html and "/assets/figures/" in html, "the executed plots are missing"
    assert "Traceback (most recent call last)" not in html


def test_no_tutorial_source_is_copied_as_a_page(built_site: Path) -> None:
    assert not list(built_site.rglob("*.en.py.html"))


@pytest.mark.parametrize("source", PAGES, ids=source_id)
def test_language_switcher_keeps_the_page(built_site: Path, source: Page) -> None:
    for lang in LANGS:
        for other in LANGS:
            if other == lang:
                continue
            url = source.url(lang)
            page = page_file(built_site, url)
            href = parse(page).switcher.get(other)
            assert href is not None, f"{url or '/'} has no link to {other}"
            target, _ = resolve(built_site, page, href)
            want = source.url(other)
            assert target == page_file(built_site, want).resolve(), (
                f"switching {url or '/'} to {other} goes to {href}, not /{want}"
            )


class MapParser(HTMLParser):
    """The links (in order, headings' permalinks left out) and the text inside
    ``<div class="course-map">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.texts: list[str] = []
        self._depth = 0  # open divs inside the map; 0 outside it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "div" and (self._depth or "course-map" in a.get("class", "").split()):
            self._depth += 1
        if self._depth and tag == "a" and "href" in a and "headerlink" not in a.get("class", ""):
            self.links.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.texts.append(data)


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_map_lists_every_lecture_and_lab_in_nav_order(
    built_site: Path, lang: str
) -> None:
    """The course map on the built home page links every lecture and lab of
    the nav, in nav order (each lecture, then its lab), to that language's
    page, with each lecture's description in that language."""
    (home,) = pages("home")
    page = page_file(built_site, home.url(lang))
    parser = MapParser()
    parser.feed(page.read_text("utf-8"))
    linked = []
    for href in parser.links:
        hit = resolve(built_site, page, href)
        assert hit is not None and hit[0].is_file(), f"broken map link {href}"
        linked.append(hit[0])
    expected = [
        page_file(built_site, p.url(lang)).resolve() for p in pages("lecture", "tutorial")
    ]
    assert linked == expected, "the map's links are not the nav's lectures and labs in order"
    text = " ".join(" ".join(parser.texts).split())
    for source, line in descriptions(NAV, lang).items():
        assert line in text, f"the map lacks the description of {source} ({lang})"


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    parsed = {p.resolve(): parse(p) for p in html_files(built_site)}
    broken = []
    for page, info in parsed.items():
        for href in info.links:
            hit = resolve(built_site, page, href)
            if hit is None:
                continue
            target, fragment = hit
            where = f"{page.relative_to(built_site.resolve())}: {href}"
            if not target.exists():
                broken.append(f"{where} (no such file)")
            elif fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if fragment not in ids:
                    broken.append(f"{where} (no id {fragment!r})")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_every_internal_resource_exists(built_site: Path) -> None:
    missing = []
    for page in html_files(built_site):
        for src in parse(page).resources:
            hit = resolve(built_site, page, src)
            if hit is not None and not hit[0].is_file():
                missing.append(f"{page.relative_to(built_site)}: {src}")
    assert not missing, "missing scripts/stylesheets/images:\n" + "\n".join(missing)


def test_notebook_pages_link_one_shared_stylesheet(built_site: Path) -> None:
    sheets = set()
    for lang in LANGS:
        for tutorial in TUTORIALS:
            page = page_file(built_site, tutorial.url(lang))
            html = page.read_text("utf-8")
            assert "<style" not in html.split('<div class="md-content"')[1], (
                f"{page} still inlines its CSS"
            )
            sheets |= {
                resolve(built_site, page, r)[0]
                for r in parse(page).resources
                if "jupyter." in r and r.endswith(".css")
            }
    assert len(sheets) == 1, sheets
    assert next(iter(sheets)).stat().st_size > 100_000  # the Jupyter CSS itself


def test_no_heading_has_an_empty_id(built_site: Path) -> None:
    empty = [
        str(p.relative_to(built_site))
        for p in html_files(built_site)
        if "" in parse(p).ids
    ]
    assert not empty, f"elements with id=\"\" on: {empty}"


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=source_id)
def test_korean_headings_keep_their_korean_ids(built_site: Path, tutorial: Page) -> None:
    ids = parse(page_file(built_site, tutorial.url("ko"))).ids
    assert any(any("\uac00" <= ch <= "\ud7a3" for ch in i) for i in ids)


def test_nothing_is_loaded_from_another_host(built_site: Path) -> None:
    external = sorted(
        {
            f"{p.relative_to(built_site)}: {r}"
            for p in html_files(built_site)
            for r in parse(p).resources
            if urlsplit(r).scheme in {"http", "https"} or r.startswith("//")
        }
    )
    assert not external, "fetched over the network at view time:\n" + "\n".join(external)


def test_every_formula_is_published_as_mathml(built_site: Path) -> None:
    """pymdownx.arithmatex marks the math; hooks/mathml.py must convert every mark."""
    marked = re.compile(r'class="arithmatex">(?!<math)')
    raw = sorted(
        str(p.relative_to(built_site))
        for p in html_files(built_site)
        if marked.search(p.read_text("utf-8"))
    )
    assert not raw, "pages with LaTeX that did not become MathML: " + ", ".join(raw)
    with_math = [p for p in html_files(built_site) if "<math" in p.read_text("utf-8")]
    assert with_math, "no page of the site has an equation (is hooks/mathml.py enabled?)"


@pytest.mark.parametrize("api", pages("api"), ids=source_id)
def test_api_reference_documents_every_public_name_in_every_language(
    built_site: Path, api: Page
) -> None:
    module = f"torchbasics.{api.stem}"  # api/devices.md documents torchbasics.devices
    public = importlib.import_module(module).__all__
    for lang in LANGS:
        ids = set(parse(page_file(built_site, api.url(lang))).ids)
        missing = [n for n in public if f"{module}.{n}" not in ids]
        assert not missing, f"/{api.url(lang)} does not document {missing}"


def search_root(lang: str) -> str:
    """Where a language is published, and its search index with it: ``""``, ``"en/"``."""
    return "" if lang == DEFAULT_LANG else f"{lang}/"


@pytest.mark.parametrize("lang", LANGS)
def test_search_index_per_language(built_site: Path, lang: str) -> None:
    """Each language has its own index: every page of the nav in that language
    and nothing else, located relative to the language's root, with the lunr
    settings for that language."""
    root = search_root(lang)
    index = json.loads((built_site / root / "search" / "search_index.json").read_text("utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert not [loc for loc in locations if loc.endswith("#")], "empty anchors"
    indexed = {loc.split("#", 1)[0] for loc in locations}
    expected = {page.url(lang).removeprefix(root) for page in PAGES}
    missing = [f"/{root}{url} ({lang})" for url in sorted(expected - indexed)]
    assert not missing, "not in the search index:\n" + "\n".join(missing)
    assert not indexed - expected, f"not pages of the nav: {sorted(indexed - expected)}"
    for doc in index["docs"]:
        path, _, anchor = doc["location"].partition("#")
        page = parse(page_file(built_site, root + path))
        assert page.lang == lang, doc["location"]
        assert not anchor or anchor in page.ids, doc["location"]
        if not anchor:  # the page's own title, as this language's page shows it
            assert " ".join(doc["title"].split()) in page.text, (lang, doc["title"])
    config = index["config"]
    assert "을|를" in config["separator"], "the separator peels Korean particles"
    assert "stemmer" not in config["pipeline"]  # Material's `term*` queries skip it
    assert config["lang"] == (["en", "ko"] if lang == "ko" else [lang])


def test_search_on_each_page_uses_its_language_index(built_site: Path) -> None:
    """Material loads ``search/search_index.json`` relative to ``__config.base``
    and resolves results against it: every page, 404s included, must point it
    at its own language's root."""
    wrong = []
    for page in sorted(built_site.rglob("*.html")):
        info = parse(page)
        if not info.config:
            continue
        base = info.config["base"]
        target = (
            built_site / base.lstrip("/") if base.startswith("/") else page.parent / base
        ).resolve()
        first = page.relative_to(built_site).parts[0]
        lang = first if first in LANGS and first != DEFAULT_LANG else DEFAULT_LANG
        if target != (built_site / search_root(lang)).resolve():
            wrong.append(f"{page.relative_to(built_site)}: base {base!r}")
    assert not wrong, "pages searching another language's index:\n" + "\n".join(wrong)


def test_404_page_exists_in_each_language(built_site: Path) -> None:
    assert parse(built_site / "404.html").lang == "ko"
    assert parse(built_site / "en" / "404.html").lang == "en"


@pytest.mark.parametrize("lang", LANGS)
def test_404_page_switches_to_the_language_roots(built_site: Path, lang: str) -> None:
    """Not to whichever page was rendered last (the English one offered a tutorial)."""
    path = built_site / ("" if lang == DEFAULT_LANG else lang) / "404.html"
    roots = {other: "/" if other == DEFAULT_LANG else f"/{other}/" for other in LANGS}
    assert parse(path).switcher == roots


def test_no_page_has_language_links_in_its_head(built_site: Path) -> None:
    """Material fetches ``<href>/sitemap.xml`` for each: a 404 per page and language."""
    found = [
        str(page.relative_to(built_site))
        for page in sorted(built_site.rglob("*.html"))
        if re.search(r'<link rel="alternate"[^>]*hreflang', page.read_text("utf-8"))
    ]
    assert not found, found


def test_sitemap_lists_every_page_with_its_language_alternates(built_site: Path) -> None:
    """What search engines read instead of the pages' <head> language links."""
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = ElementTree.parse(built_site / "sitemap.xml")
    listed = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in tree.getroot().findall("s:url", ns)
    }
    site_url = min(listed, key=len)  # the default language's home page is the root
    assert site_url.endswith("/"), site_url
    for source in PAGES:
        alternates = {lang: site_url + source.url(lang) for lang in LANGS}
        for lang in LANGS:
            assert listed.get(site_url + source.url(lang)) == alternates, source.source


def test_offline_guard_is_active_in_the_test_process() -> None:
    import socket

    with pytest.raises(OSError, match="offline run tried"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_offline_guard_blocks_the_network() -> None:
    code = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as e:\n"
        "    print(type(e).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=offline_env(),
        capture_output=True, text=True, check=True,
    ).stdout
    assert out.strip() == "NetworkAccessError"
