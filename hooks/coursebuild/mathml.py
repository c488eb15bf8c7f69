"""LaTeX math in built pages, turned into MathML Core (no script, no font, no CDN).

Pages write math in LaTeX: ``$...$`` inline and ``$$...$$`` on its own lines
for display. Two renderers leave it in the HTML in two shapes:

- Markdown pages go through pymdownx.arithmatex in generic mode, which wraps
  each formula as ``<span class="arithmatex">\\(...\\)</span>`` (inline) or
  ``<div class="arithmatex">\\[...\\]</div>`` (display), HTML-escaped;
  :func:`convert_arithmatex` replaces the delimiters and the TeX with MathML.
- Tutorials' Markdown cells go through nbconvert (mistune), which recognises
  ``$...$`` and ``$$...$$`` itself but leaves them as text for MathJax;
  :func:`convert_notebook_math` converts them inside the rendered Markdown
  cells only, never in code, outputs or ``<code>`` spans.

The converter is math-core (``LatexToMathML``), which emits MathML Core:
the subset of MathML that Chromium (109+), Firefox and Safari render
natively. A formula it cannot read is reported, not dropped: each function
returns the HTML and a list of :class:`MathError`, and the source is left as it
was so that the page still shows the LaTeX.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from math_core import LatexError, LatexToMathML

__all__ = ["MathError", "convert_arithmatex", "convert_notebook_math", "to_mathml"]

_CONVERTER = LatexToMathML(fancy_error=False)

#: pymdownx.arithmatex's generic output (default wrappers and tags).
_ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])"
    r"</(?P=tag)>",
    re.S,
)
#: The element nbconvert renders each Markdown cell into.
_MARKDOWN_CELL = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>')
_DIV = re.compile(r"<div\b[^>]*>|</div>")
#: What is never math inside a Markdown cell: code, preformatted text, tags.
_NOT_TEXT = re.compile(r"<(pre|code)\b.*?</\1>|<[^>]+>", re.S)
#: nbconvert's (mistune's) delimiters: $$display$$ first, then $inline$.
_NOTEBOOK_MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$|(?<![$\\])\$(?P<inline>.+?)(?<![$\\])\$", re.S
)


@dataclass(frozen=True)
class MathError:
    """A formula that could not be converted, and why."""

    latex: str
    message: str

    def __str__(self) -> str:
        return f"cannot convert ${self.latex}$ to MathML: {self.message}"


def to_mathml(latex: str, *, display: bool) -> str:
    """``latex`` (no delimiters) as one ``<math>`` element.

    >>> to_mathml("x^2", display=False)
    '<math><msup><mi>x</mi><mn>2</mn></msup></math>'
    >>> to_mathml(r"\\frac{1}{n}", display=True)
    '<math display="block"><mfrac><mn>1</mn><mi>n</mi></mfrac></math>'

    Raises:
        LatexError: ``latex`` is not LaTeX that math-core understands.
    """
    return _CONVERTER.convert_with_local_state(latex.strip(), displaystyle=display)


def _replace(
    pattern: re.Pattern[str],
    text: str,
    errors: list[MathError],
    wrap: Callable[[re.Match[str], str], str],
) -> str:
    def replace(match: re.Match[str]) -> str:
        display = match["display"] is not None
        latex = html.unescape(match["display"] if display else match["inline"])
        try:
            mathml = to_mathml(latex, display=display)
        except LatexError as err:
            errors.append(MathError(latex.strip(), str(err).strip()))
            return match[0]
        return wrap(match, mathml)

    return pattern.sub(replace, text)


def convert_arithmatex(content: str) -> tuple[str, list[MathError]]:
    """Replace pymdownx.arithmatex's generic markup in ``content`` with MathML.

    The wrapper element stays (its class lets the theme lay display math out):

    >>> convert_arithmatex('<p>a <span class="arithmatex">\\\\(x &lt; 1\\\\)</span></p>')[0]
    '<p>a <span class="arithmatex"><math><mi>x</mi><mo>&lt;</mo><mn>1</mn></math></span></p>'
    """
    errors: list[MathError] = []

    def wrap(match: re.Match[str], mathml: str) -> str:
        return f'<{match["tag"]} class="arithmatex">{mathml}</{match["tag"]}>'

    return _replace(_ARITHMATEX, content, errors, wrap), errors


def _markdown_cells(content: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every rendered Markdown cell in ``content``."""
    spans = []
    for opening in _MARKDOWN_CELL.finditer(content):
        depth = 1
        for tag in _DIV.finditer(content, opening.end()):
            depth += -1 if tag[0] == "</div>" else 1
            if depth == 0:
                spans.append((opening.end(), tag.start()))
                break
    return spans


def convert_notebook_math(content: str) -> tuple[str, list[MathError]]:
    """Convert the ``$...$`` and ``$$...$$`` that nbconvert left in Markdown cells.

    Only the text of rendered Markdown cells is read: a dollar sign in code,
    in ``<code>``, in a cell's output or in an attribute is left alone.

    >>> cell = '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown">'
    >>> out, errors = convert_notebook_math(cell + "<p>$n$ and <code>$n$</code></p></div>")
    >>> out[len(cell):], errors
    ('<p><math><mi>n</mi></math> and <code>$n$</code></p></div>', [])
    """
    errors: list[MathError] = []

    def wrap(match: re.Match[str], mathml: str) -> str:
        return mathml

    def convert_text(text: str) -> str:
        return _replace(_NOTEBOOK_MATH, text, errors, wrap)

    pieces = []
    done = 0
    for start, end in _markdown_cells(content):
        pieces.append(content[done:start])
        cell = content[start:end]
        position = 0
        for tag in _NOT_TEXT.finditer(cell):
            pieces.append(convert_text(cell[position : tag.start()]))
            pieces.append(tag[0])
            position = tag.end()
        pieces.append(convert_text(cell[position:]))
        done = end
    pieces.append(content[done:])
    return "".join(pieces), errors
