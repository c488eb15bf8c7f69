"""How heavy is each page of the built site? Prints a table, asserts nothing.

For every HTML page of a built site (both languages, 404 pages included) it
prints the size of the HTML file and what Chromium transfers to show it, from
a cold cache:

- load: everything fetched until the network is idle after the page loaded
  (HTML, CSS, JS, fonts, the search index its worker fetches, the images
  near the top; lazy images further down are not fetched yet);
- scrolled: the same after scrolling to the bottom of the page, so that every
  lazy image was fetched too: what a reader who reads the whole page pays;
- raw: the scrolled figure before compression.

The site is served from loopback the way a static host such as GitHub Pages
serves it: HTML, CSS, JS, JSON, SVG and XML gzip-compressed when the browser
asks for it (level 6), images as they are. The server counts the bytes of
every response body it sends, so requests made by web workers count too.

Run from the repository root, on a built site or building one first:
    python benchmarks/page_weight.py --site site/
    python benchmarks/page_weight.py            # builds into a scratch folder
Budget (issue 12): no page's HTML over 300 KB; the heaviest page's scrolled
transfer under 1 MB. tests/test_page_weight.py holds the site to it.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".map", ".txt")
HTML_BUDGET = 300_000
TRANSFER_BUDGET = 1_000_000


@dataclass
class Sent:
    """One response the server sent: the path, the file's size, the body's."""

    path: str
    raw: int
    body: int


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder like a static host: text gzip-compressed, counted."""

    log: list[Sent]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                super().do_GET()  # the redirect to the slash
                return
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        raw = len(data)
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if accepts and path.suffix in COMPRESSED:
            data = gzip.compress(data, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.log.append(Sent(self.path.split("?")[0], raw, len(data)))


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, list[Sent]]]:
    """Serve ``site`` on loopback; yield its base URL and the list of sends."""
    log: list[Sent] = []
    handler = type("Handler", (_Handler,), {"log": log})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Weight:
    """What showing one page cost, in bytes."""

    page: str
    html: int  # the HTML file on disk
    load: int  # transferred until the network was idle after loading
    scrolled: int  # transferred once scrolled to the bottom
    raw: int  # the scrolled figure uncompressed
    requests: int
    images: int  # image bytes transferred once scrolled

    @property
    def name(self) -> str:
        return self.page or "(home)"


def launch(playwright: object) -> object:
    """Debian's Chromium, headless; never a downloaded browser."""
    return playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox", "--headless", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run",
        ],
    )


def scroll_to_bottom(page: object) -> None:
    """Scroll a viewport at a time, so lazy images start loading on the way.

    Each step waits for two frames: lazy loading is decided when a frame is
    drawn, so a loaded machine that drew no frame at some position would
    otherwise skip the images there.
    """
    for _ in range(400):
        at_end = page.evaluate(  # type: ignore[attr-defined]
            """async () => {
                window.scrollBy(0, window.innerHeight);
                for (let i = 0; i < 2; i++) {
                    await new Promise(done => requestAnimationFrame(done));
                }
                return window.innerHeight + window.scrollY
                    >= document.documentElement.scrollHeight - 2;
            }"""
        )
        page.wait_for_timeout(50)  # type: ignore[attr-defined]
        if at_end:
            break
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]


def settle(page: object, log: list[Sent], quiet: float = 1.5, limit: float = 20.0) -> None:
    """Wait until the server has sent nothing for ``quiet`` seconds."""
    waited = still = 0.0
    count = len(log)
    while still < quiet and waited < limit:
        page.wait_for_timeout(250)  # type: ignore[attr-defined]
        waited += 0.25
        still = still + 0.25 if len(log) == count else 0.0
        count = len(log)


def measure(browser: object, base_url: str, log: list[Sent], path: str, html: int) -> Weight:
    """Open ``path`` in a fresh context (empty cache) and count what it fetched."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        start = len(log)
        page.goto(base_url + path, wait_until="networkidle")
        settle(page, log)  # the search worker fetches its index after the load
        loaded = len(log)
        scroll_to_bottom(page)
        settle(page, log)
    finally:
        context.close()
    sent = log[start:]
    return Weight(
        page=path,
        html=html,
        load=sum(s.body for s in log[start:loaded]),
        scrolled=sum(s.body for s in sent),
        raw=sum(s.raw for s in sent),
        requests=len(sent),
        images=sum(s.body for s in sent if s.path.endswith((".png", ".jpg", ".svg", ".webp"))),
    )


def pages_of(site: Path) -> list[tuple[str, int]]:
    """Every HTML page of the site: (URL path, size of the file)."""
    found = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        found.append((url, file.stat().st_size))
    return found


def weigh_site(site: Path) -> list[Weight]:
    """Measure every page of ``site`` in Chromium, heaviest (scrolled) first."""
    from playwright.sync_api import sync_playwright

    weights = []
    with serve(site) as (base_url, log), sync_playwright() as p:
        browser = launch(p)
        try:
            for path, size in pages_of(site):
                weights.append(measure(browser, base_url, log, path, size))
        finally:
            browser.close()  # type: ignore[attr-defined]
    return sorted(weights, key=lambda w: w.scrolled, reverse=True)


def table(weights: list[Weight]) -> str:
    def kb(n: int) -> str:
        return f"{n / 1000:,.0f}"

    rows = [
        "| page | HTML KB | load KB | scrolled KB | images KB | raw KB | requests |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for w in weights:
        rows.append(
            f"| {w.name} | {kb(w.html)} | {kb(w.load)} | {kb(w.scrolled)} | "
            f"{kb(w.images)} | {kb(w.raw)} | {w.requests} |"
        )
    return "\n".join(rows)


def build(into: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(into)],
        cwd=ROOT, env=env, check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--top", type=int, default=0, help="print only the N heaviest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            build(site)
        weights = weigh_site(site)
    print(table(weights[: args.top] if args.top else weights))
    heaviest_html = max(weights, key=lambda w: w.html)
    heaviest = weights[0]
    print(
        f"\nlargest HTML: {heaviest_html.name} {heaviest_html.html / 1000:,.0f} KB "
        f"(budget {HTML_BUDGET / 1000:,.0f} KB); heaviest page: {heaviest.name} "
        f"{heaviest.scrolled / 1000:,.0f} KB transferred once scrolled "
        f"(budget {TRANSFER_BUDGET / 1000:,.0f} KB), {heaviest.raw / 1000:,.0f} KB uncompressed"
    )


if __name__ == "__main__":
    main()
