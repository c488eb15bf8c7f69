"""Render one language's tutorial with the outputs of the shared execution.

Each language's notebook keeps its own Markdown cells; its code cells take
their outputs, cell by cell, from the one execution of that tutorial
(:func:`merge_outputs`). The HTML is rendered by mkdocs-jupyter without
executing anything, post-processed by :mod:`coursebuild.html`, and cached per
language and tutorial under a key (:func:`render_key`) of: the language's
source text, the execution key (which names the outputs), the render options,
the versions of the rendering libraries and a digest of this package's
rendering code. A prose-only edit therefore re-renders one page in about a
second and executes nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs_jupyter import convert
from nbformat import NotebookNode

from coursebuild import copy_notebook, notebook_to_text, write_atomically
from coursebuild.html import TocToken, extract_styles, fix_headings, focusable_code

#: mkdocs-jupyter options that change the rendered HTML.
RENDER_OPTIONS = (
    "theme",
    "show_input",
    "no_input",
    "no_prompt",
    "remove_tag_config",
    "highlight_extra_classes",
    "include_requirejs",
    "custom_mathjax_url",
    "toc_depth",
)
_RENDER_LIBRARIES = ("mkdocs-jupyter", "nbconvert", "jupytext", "pygments", "mistune", "pillow")
_RENDER_CODE = ("render.py", "html.py", "figures.py")


@dataclass(frozen=True)
class Rendered:
    """A rendered tutorial: HTML without styles, its TOC tokens, the CSS."""

    content: str
    toc: list[TocToken]
    css: str


def merge_outputs(notebook: NotebookNode, executed: NotebookNode | None) -> NotebookNode:
    """``notebook`` (one language) with the outputs of ``executed``, cell by cell.

    The code cells must match one for one (the build checks that first);
    ``executed=None`` leaves every code cell without output.
    """
    merged = copy_notebook(notebook)
    ours = [c for c in merged.cells if c.cell_type == "code"]
    theirs = [c for c in executed.cells if c.cell_type == "code"] if executed is not None else []
    if executed is not None and [c.source for c in ours] != [c.source for c in theirs]:
        raise ValueError("the executed notebook's code cells differ from this notebook's")
    for i, cell in enumerate(ours):
        cell.outputs = theirs[i].get("outputs", []) if theirs else []
        cell.execution_count = theirs[i].get("execution_count") if theirs else None
    return merged


def render_environment(distributions: dict[str, str]) -> str:
    """The rendering libraries' versions and this package's rendering code."""
    here = Path(__file__).parent
    return json.dumps(
        {
            "libraries": {n: distributions.get(n, "missing") for n in _RENDER_LIBRARIES},
            "code": {
                name: hashlib.sha256((here / name).read_bytes()).hexdigest()
                for name in _RENDER_CODE
            },
        },
        sort_keys=True,
    )


def render_key(
    source_text: str, execution_key: str | None, options: dict[str, Any], environment: str
) -> str:
    """The cache key of one language's rendered page (see the module docstring)."""
    payload = {
        "source": source_text,
        "execution": execution_key,
        "options": {k: options.get(k) for k in RENDER_OPTIONS},
        "environment": environment,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=repr).encode()).hexdigest()


def render_notebook(notebook: NotebookNode, options: dict[str, Any]) -> Rendered:
    """Render ``notebook`` (outputs included) to HTML with mkdocs-jupyter; no execution."""
    with tempfile.TemporaryDirectory(prefix="tutorial-render-") as tmp:
        path = Path(tmp) / "notebook.ipynb"
        path.write_text(notebook_to_text(notebook), encoding="utf-8")
        body = convert.nb2html(
            str(path),
            execute=False,
            kernel_name=options.get("kernel_name", ""),
            theme=options.get("theme", ""),
            allow_errors=True,
            show_input=options.get("show_input", True),
            no_input=options.get("no_input", False),
            no_prompt=options.get("no_prompt", False),
            remove_tag_config=options.get("remove_tag_config", {}),
            highlight_extra_classes=options.get("highlight_extra_classes", ""),
            include_requirejs=options.get("include_requirejs", False),
            custom_mathjax_url=options.get("custom_mathjax_url", ""),
        )
    content, css = extract_styles(body)
    content, toc = fix_headings(focusable_code(content))
    return Rendered(content, toc, css)


@dataclass(frozen=True)
class RenderCache:
    """One entry per (language, tutorial) under ``<root>/tutorials/rendered``."""

    root: Path

    def path(self, lang: str, src_uri: str) -> Path:
        name = src_uri.replace("/", "__")
        return self.root / "tutorials" / "rendered" / lang / f"{name}.json"

    def load(self, lang: str, src_uri: str, key: str) -> Rendered | None:
        try:
            entry = json.loads(self.path(lang, src_uri).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return Rendered(entry["content"], entry["toc"], entry["css"])

    def store(self, lang: str, src_uri: str, key: str, rendered: Rendered) -> None:
        entry = {"key": key, "content": rendered.content, "toc": rendered.toc, "css": rendered.css}
        write_atomically(self.path(lang, src_uri), json.dumps(entry, ensure_ascii=False))
