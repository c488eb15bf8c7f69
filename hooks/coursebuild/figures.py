"""Tutorial figures as image files: content-addressed, shared, lazy-loaded.

mkdocs-jupyter embeds every image output in the page as base64: the W1.3 lab
was 1.27 MB of HTML, 1.06 MB of it eight PNGs, and each language's page
carried its own copy. Here every figure becomes a file instead:

- :func:`extract_figures` takes one language's notebook with the shared
  execution's outputs and replaces each image output the page would show
  (PNG, JPEG, SVG) by a reference to a file of the :class:`FigureStore`;
- the store sizes the file for the page (:func:`prepare`). The executor draws
  matplotlib figures at twice their CSS size (IPython's "retina" format, see
  ``ExecutionOptions.figure_format``); a figure wider than the widest the
  theme ever shows one (:data:`MAX_CSS_WIDTH`) is resampled to twice that
  width, so a file always has two device pixels per CSS pixel where it is
  shown largest (crisp on high-DPI screens, no pixel more); PNGs are then
  stored with a 256-colour palette (about 4x smaller, the same plot to the
  eye);
- the file is named by the SHA-256 of its bytes,
  ``assets/figures/<16 hex digits>.png``: the Korean and English pages of a
  tutorial show the same outputs, so they link the same files;
- :func:`place_figures` writes each ``<img>`` with ``loading="lazy"``,
  ``decoding="async"``, its CSS ``width`` and ``height`` (the browser reserves
  the space, nothing jumps) and an ``alt`` in the page's language;
  :func:`link_figures` points it at the file from the page's URL.

The rendered HTML (cached) names its figures; every build, warm or cold, adds
those files from the store to MkDocs' files (:func:`add_figure_files`), so
``mkdocs build`` and ``mkdocs serve`` both publish them. The ``.ipynb``
notebooks keep their images embedded: only the copy rendered to HTML changes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import PIL
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url
from nbformat import NotebookNode
from PIL import Image

from coursebuild import copy_notebook, write_atomically

#: Where the figures are published, at the site's root (shared by languages).
FIGURE_DIR = "assets/figures"
#: The widest a notebook output is ever shown, in CSS pixels: Material's
#: content column at a viewport of 2000 px or more (its root font grows to
#: 137.5 %), less mkdocs-jupyter's prompt column. Measured in Chromium;
#: ``tests/test_page_weight.py`` checks it on the built site.
MAX_CSS_WIDTH = 722
#: Device pixels per CSS pixel in the files: crisp on high-DPI screens.
DENSITY = 2
#: nbconvert shows the first of these that an output has (its HTML exporter's
#: ``display_data_priority``); only outputs shown as an image are extracted.
DISPLAY_PRIORITY = (
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/vnd.mermaid",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
)
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}
#: How the alt text names a figure, per page language (English otherwise).
ALT_TEXT = {"ko": "그림 {n}", "en": "Figure {n}"}

#: In the HTML nbconvert renders: the n-th extracted figure of the page.
_SLOT = "torchbasics-figure:"
#: In the cached HTML: a figure's file, before it is linked from a page.
_FILE = "torchbasics-figures:/"
# mkdocs-jupyter re-serializes nbconvert's HTML (attributes sorted, ``/>``)
_SLOT_TAG = re.compile(r'<img\b[^>]*?\ssrc="' + re.escape(_SLOT) + r'(\d+)"[^>]*>')
_CLASS = re.compile(r'class="([^"]*)"')
_NAME = r"[0-9a-f]{16}\.(?:png|jpg|svg)"
_FILE_REF = re.compile(re.escape(_FILE) + f"({_NAME})")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*$", re.M)
_ATTRS = re.compile(r"\s*\{[#.][^}]*\}\s*$")
_MARKUP = re.compile(r"[`*]|\\(?=\S)")


@dataclass(frozen=True)
class Figure:
    """A published figure: its file name and the CSS size the page gives it."""

    name: str  # ``<sha256[:16]>.<ext>`` under FIGURE_DIR
    width: int | None  # CSS pixels; None for an SVG that sets its own size
    height: int | None


@dataclass(frozen=True)
class Shown:
    """A figure as one page shows it."""

    figure: Figure
    alt: str


# --------------------------------------------------------------------------
# Sizing and encoding a figure for the page


def prepare(
    mime: str, data: bytes, width: int | None = None, height: int | None = None
) -> tuple[bytes, int | None, int | None]:
    """The bytes to publish for one image output, and its CSS width and height.

    ``width``/``height`` are the CSS size the output's metadata asks for
    (IPython sets them for retina figures); without them a raster image is
    shown at one CSS pixel per image pixel, as a browser would show it. A
    raster wider than :data:`MAX_CSS_WIDTH` CSS pixels is shown at that width
    and resampled to :data:`DENSITY` times it (never enlarged); any other keeps
    its pixels. PNGs are stored with a 256-colour palette (unless that is no
    smaller); JPEGs are re-encoded only when resampled; SVGs are published as
    they are.
    """
    if mime == "image/svg+xml":
        return data, width, height
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.copy()
    px_w, px_h = image.size
    css_w = width or px_w
    css_h = height or round(css_w * px_h / px_w)
    resampled = False
    if css_w > MAX_CSS_WIDTH:
        css_h, css_w = round(css_h * MAX_CSS_WIDTH / css_w), MAX_CSS_WIDTH
        target = css_w * DENSITY
        if target < px_w:
            image = image.resize((target, round(px_h * target / px_w)), Image.Resampling.LANCZOS)
            resampled = True
    out = io.BytesIO()
    if mime == "image/png":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        # FASTOCTREE keeps the alpha channel (matplotlib's figures are RGBA).
        image.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, "PNG", optimize=True)
        if not resampled and out.tell() >= len(data):
            return data, css_w, css_h  # already as small: keep every colour
    elif resampled:
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    else:
        return data, css_w, css_h
    return out.getvalue(), css_w, css_h


def _processing_version() -> str:
    """What, besides an image's bytes, decides the file :func:`prepare` makes."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{code}:pillow-{PIL.__version__}"


# --------------------------------------------------------------------------
# The store of published figures


@dataclass
class FigureStore:
    """Figures by name under ``<root>/tutorials/figures``.

    ``sources/<digest>.json`` remembers which figure an image output became
    (the digest covers its bytes, its size metadata and how figures are
    prepared), so rendering a page again after a prose edit does not
    resample and re-encode its figures. Entries unused for a week are pruned
    like the other caches; a missing one is prepared again.
    """

    root: Path

    def __post_init__(self) -> None:
        self.directory = self.root / "tutorials" / "figures"
        self.sources = self.directory / "sources"
        self._version = _processing_version()

    def path(self, name: str) -> Path:
        return self.directory / name

    def has(self, name: str) -> bool:
        return self.path(name).is_file()

    def publish(
        self, mime: str, data: bytes, width: int | None = None, height: int | None = None
    ) -> Figure:
        """Store the file for one image output (once); return its figure."""
        digest = hashlib.sha256(
            json.dumps([mime, width, height, self._version]).encode() + data
        ).hexdigest()
        record = self.sources / f"{digest}.json"
        try:
            figure = Figure(**json.loads(record.read_text("utf-8")))
            if self.has(figure.name):
                self.touch(figure.name, record)
                return figure
        except (OSError, ValueError, TypeError):
            pass
        out, css_w, css_h = prepare(mime, data, width, height)
        name = hashlib.sha256(out).hexdigest()[:16] + EXTENSIONS[mime]
        if not self.has(name):
            write_atomically(self.path(name), out)
        figure = Figure(name, css_w, css_h)
        write_atomically(record, json.dumps(figure.__dict__))
        return figure

    def touch(self, *names: str | Path) -> None:
        """Mark entries as used now, so that pruning keeps them."""
        now = time.time()
        for name in names:
            path = name if isinstance(name, Path) else self.path(name)
            with contextlib.suppress(OSError):  # pruned meanwhile: made again when needed
                os.utime(path, (now, now))


# --------------------------------------------------------------------------
# Notebook -> HTML with figure files


def _shown_mime(data: dict[str, object]) -> str | None:
    """The MIME type nbconvert shows for an output's data, if it is an image."""
    shown = next((m for m in DISPLAY_PRIORITY if m in data), None)
    return shown if shown in EXTENSIONS else None


def _heading_text(markdown: str) -> str | None:
    """The text of the last heading in a Markdown cell, without its markup."""
    headings = _HEADING.findall(markdown)
    if not headings:
        return None
    text = _ATTRS.sub("", headings[-1].rstrip("#").strip())
    return _MARKUP.sub("", text).strip() or None


def _size(metadata: object, key: str) -> int | None:
    value = metadata.get(key) if isinstance(metadata, dict) else None
    return int(value) if isinstance(value, (int, float)) and value > 0 else None


def extract_figures(
    notebook: NotebookNode, store: FigureStore, lang: str
) -> tuple[NotebookNode, list[Shown]]:
    """A copy of ``notebook`` whose image outputs point at files of ``store``.

    Each output that nbconvert would show as an image is published to the
    store and keeps only a slot (``torchbasics-figure:<n>``) that
    :func:`place_figures` fills in the rendered HTML. The alt text names the
    figure's number and the section it is in, in the page's language
    (``그림 3 (결정 경계)``, ``Figure 3 (The decision boundary)``).
    ``notebook`` itself is not changed.
    """
    notebook = copy_notebook(notebook)
    label = ALT_TEXT.get(lang, ALT_TEXT["en"])
    shown: list[Shown] = []
    section: str | None = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            section = _heading_text(cell.source) or section
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data")
            mime = _shown_mime(data) if isinstance(data, dict) else None
            if mime is None:
                continue
            value = data[mime]
            raw = value.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(value)
            size = output.get("metadata", {}).get(mime, {})
            figure = store.publish(mime, raw, _size(size, "width"), _size(size, "height"))
            alt = label.format(n=len(shown) + 1) + (f" ({section})" if section else "")
            slot = f"{_SLOT}{len(shown)}"
            shown.append(Shown(figure, alt))
            if mime == "image/svg+xml":
                # nbconvert would inline the SVG; an <img> in an HTML output instead
                output.data = {"text/html": f'<img src="{slot}">'}
            else:
                output.data = {mime: ""}
                output.metadata = dict(output.get("metadata", {}), filenames={mime: slot})
    return notebook, shown


def place_figures(content: str, shown: list[Shown]) -> str:
    """Fill the figure slots of rendered HTML with lazy ``<img>`` tags."""

    def tag(match: re.Match[str]) -> str:
        item = shown[int(match[1])]
        figure = item.figure
        attrs = [f'src="{_FILE}{figure.name}"', f'alt="{html.escape(item.alt)}"']
        if figure.width and figure.height:
            attrs += [f'width="{figure.width}"', f'height="{figure.height}"']
        attrs += ['loading="lazy"', 'decoding="async"']
        classes = _CLASS.search(match[0])
        if classes and classes[1].strip():
            attrs.append(f'class="{" ".join(classes[1].split())}"')
        return f"<img {' '.join(attrs)}>"

    return _SLOT_TAG.sub(tag, content)


def figure_names(content: str) -> list[str]:
    """The figure files that rendered HTML shows, each once, in order."""
    return list(dict.fromkeys(_FILE_REF.findall(content)))


def link_figures(content: str, page_url: str) -> str:
    """Point the figures of rendered HTML at their files, from ``page_url``."""
    return _FILE_REF.sub(lambda m: get_relative_url(f"{FIGURE_DIR}/{m[1]}", page_url), content)


def add_figure_files(
    files: Files, config: MkDocsConfig, store: FigureStore, names: list[str]
) -> None:
    """Publish the named figures with the site: MkDocs copies them from the store."""
    for name in names:
        uri = f"{FIGURE_DIR}/{name}"
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(store.path(name))))
    store.touch(*names)
