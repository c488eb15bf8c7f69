"""Every page of the built site, light and dark, in a real browser: WCAG 2.1 AA
as axe-core checks it, and a console without errors.

Each page of the nav in every language, and each language's 404 page, is
opened once per colour scheme: ``light`` (Material's ``default``) and ``dark``
(``slate``). The site's palette follows the system preference
(``(prefers-color-scheme)`` in mkdocs.yml), so each scheme is the browser's
preference, and each visit checks that Material really applied it
(``data-md-color-scheme`` on ``<body>``).

On each visit axe-core (shipped inside ``axe-playwright-python``; nothing is
downloaded) runs the WCAG 2.0/2.1 A and AA rules, and a page fails on any
violation of impact ``serious`` or ``critical``; the same visit records
everything the browser console reports as an error or warning, uncaught
exceptions, failed requests and responses with status 400 or more, and a page
fails on any of them. The search overlay gets its own audit, with results
shown.

Debian's chromium, driven by Playwright, against the site served on loopback:
one browser, one context per scheme, each page loaded once per scheme.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from docs_model import LANGS, pages
from page_weight import CHROMIUM, launch

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

if shutil.which(CHROMIUM) is None:  # pragma: no cover - CI installs it
    pytest.fail(
        f"{CHROMIUM} is missing: install Debian's chromium "
        "(apt-get install chromium), never a downloaded browser",
        pytrace=False,
    )

#: The browser's colour preference -> the Material scheme it must select.
SCHEMES = {"light": "default", "dark": "slate"}

#: Every page of the nav in every language, then the error pages.
URLS = [page.url(lang) for page in pages() for lang in LANGS] + [
    f"{'' if lang == LANGS[0] else lang + '/'}404.html" for lang in LANGS
]

#: axe-core's tags for the success criteria of WCAG 2.0 and 2.1, levels A and AA.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
FAILING_IMPACTS = {"serious", "critical"}


@dataclass
class Visit:
    """What one page showed in one scheme: axe's violations, the console's complaints."""

    scheme: str
    violations: list[dict[str, Any]]
    problems: list[str]


@dataclass
class Browser:
    """One chromium, one context (and tab) per scheme, each page visited once."""

    base_url: str
    contexts: dict[str, Any]
    visits: dict[tuple[str, str], Visit] = field(default_factory=dict)
    axe: Any = field(default_factory=lambda: axe_playwright.Axe())

    def visit(self, scheme: str, url: str) -> Visit:
        key = (scheme, url)
        if key not in self.visits:
            self.visits[key] = self._visit(scheme, url)
        return self.visits[key]

    def _visit(self, scheme: str, url: str) -> Visit:
        page = self.contexts[scheme].pages[0]
        problems: list[str] = []

        def on_console(message: Any) -> None:
            if message.type in {"error", "warning"}:
                where = message.location.get("url", "")
                problems.append(f"console {message.type}: {message.text} ({where})")

        def on_response(response: Any) -> None:
            if response.status >= 400:
                problems.append(f"HTTP {response.status} for {response.url}")

        listeners = {
            "console": on_console,
            "pageerror": lambda error: problems.append(f"uncaught exception: {error}"),
            "requestfailed": lambda request: problems.append(
                f"request failed: {request.url} ({request.failure})"
            ),
            "response": on_response,
        }
        for event, listener in listeners.items():
            page.on(event, listener)
        try:
            response = page.goto(self.base_url + url, wait_until="load")
            # the error pages are served with status 200 here, as by the file
            assert response is not None, f"/{url}: no response"
            assert response.ok, f"/{url} answered {response.status}"
            page.wait_for_load_state("networkidle")  # late fetches (search index...)
            shown = page.get_attribute("body", "data-md-color-scheme")
            assert shown == SCHEMES[scheme], (
                f"/{url}: the browser prefers {scheme}, but Material shows the "
                f"{shown!r} scheme instead of {SCHEMES[scheme]!r}"
            )
            results = self.axe.run(page, options=AXE_OPTIONS).response
        finally:
            for event, listener in listeners.items():
                page.remove_listener(event, listener)
        return Visit(scheme, results["violations"], problems)


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Browser]:
    with playwright_api.sync_playwright() as p:
        chromium = launch(p)
        contexts = {}
        for scheme in SCHEMES:
            context = chromium.new_context(
                viewport={"width": 1280, "height": 900}, color_scheme=scheme
            )
            context.new_page()
            contexts[scheme] = context
        yield Browser(base_url, contexts)
        chromium.close()


def describe(violation: dict[str, Any], shown: int = 3) -> str:
    """One violation, readably: rule, impact, what it means, the first elements."""
    nodes = violation["nodes"]
    lines = [
        f"  {violation['id']} ({violation['impact']}): {violation['help']}, "
        f"{len(nodes)} element(s) [{violation['helpUrl']}]"
    ]
    for node in nodes[:shown]:
        target = " ".join(str(t) for t in node["target"])
        summary = re.sub(r"\s+", " ", node.get("failureSummary") or "").strip()
        lines.append(f"    {target}\n      {summary}")
    if len(nodes) > shown:
        lines.append(f"    ... and {len(nodes) - shown} more")
    return "\n".join(lines)


def fail_on_violations(violations: list[dict[str, Any]], what: str) -> None:
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if failing:
        pytest.fail(
            f"{what} fails WCAG 2.1 AA (axe-core):\n" + "\n".join(describe(v) for v in failing),
            pytrace=False,
        )


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"/{u}")
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_page_passes_wcag_21_aa(browser: Browser, scheme: str, url: str) -> None:
    visit = browser.visit(scheme, url)
    fail_on_violations(visit.violations, f"/{url} in the {scheme} scheme")


@pytest.mark.parametrize("url", URLS, ids=lambda u: f"/{u}")
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_page_loads_without_console_errors(browser: Browser, scheme: str, url: str) -> None:
    visit = browser.visit(scheme, url)
    if visit.problems:
        pytest.fail(
            f"/{url} in the {scheme} scheme:\n  " + "\n  ".join(visit.problems), pytrace=False
        )


@pytest.mark.parametrize(("url", "query"), [("", "텐서"), ("en/", "tensor")])
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_search_results_pass_wcag_21_aa(
    browser: Browser, scheme: str, url: str, query: str
) -> None:
    page = browser.contexts[scheme].pages[0]
    page.goto(browser.base_url + url)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material searches on keyup, which fill() does not send
    page.locator(".md-search-result__item").first.wait_for()
    results = browser.axe.run(page, context=".md-search", options=AXE_OPTIONS).response
    fail_on_violations(results["violations"], f"the search results for {query!r} ({scheme})")



def test_axe_flags_materials_own_deep_orange(browser: Browser) -> None:
    """The audit can fail: Material's deep orange as text on white (2.78:1) is caught."""
    page = browser.contexts["light"].pages[0]
    page.goto(browser.base_url)
    page.evaluate(
        """() => {
            const p = document.createElement("p");
            p.id = "low-contrast";
            p.textContent = "deep orange text";
            p.style.cssText = "color: #ff6e42; background: #ffffff";
            document.querySelector("article").append(p);
        }"""
    )
    results = browser.axe.run(page, context="#low-contrast", options=AXE_OPTIONS).response
    assert [(v["id"], v["impact"]) for v in results["violations"]] == [
        ("color-contrast", "serious")
    ]
