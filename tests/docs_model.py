"""Read the course's sources the way the tests need them: pages, pairs, code.

Which pages exist is not written here: it comes from the nav of mkdocs.yml,
read by ``coursebuild.nav`` (hooks/coursebuild/nav.py, on ``sys.path`` through
tests/conftest.py). Adding a lecture to the nav adds it to every test.
"""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
from coursebuild.nav import Kind, Nav, Page, load_nav

ROOT = Path(__file__).resolve().parents[1]
NAV: Nav = load_nav(ROOT / "mkdocs.yml")
DOCS = NAV.docs_dir
LANGS = NAV.languages  # the default language first
DEFAULT_LANG = NAV.default_language

# Any fenced block: its indent, fence, info string and body.
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)


@dataclass(frozen=True)
class CodeBlock:
    """One fenced code block of a Markdown page."""

    path: Path
    line: int
    info: str
    body: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def is_python_like(self) -> bool:
        lang = self.info.strip().lstrip("{.").split()[0] if self.info.strip() else ""
        return lang.lower() in {"python", "py", "python3", "pycon", "py3"}

    def as_script(self) -> str:
        """The code a reader gets from the copy button: prompts and output dropped."""
        if ">>>" not in self.body:
            return self.body
        examples = doctest.DocTestParser().get_examples(self.body)
        return "".join(example.source for example in examples)


def code_blocks(path: Path) -> list[CodeBlock]:
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        indent = match["indent"]
        body = "".join(
            line[len(indent):] if line.startswith(indent) else line
            for line in match["body"].splitlines(keepends=True)
        )
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(CodeBlock(path, line, match["info"], body))
    return blocks


def pages(*kinds: Kind) -> list[Page]:
    """The nav's pages of the given kinds (all of them without any), in nav order."""
    return list(NAV.of_kind(*kinds) if kinds else NAV.pages)


def sources(*kinds: Kind) -> list[Path]:
    """The source files of those pages in every language, where they exist.

    A missing twin is left out here and reported by tests/test_nav.py.
    """
    found = (DOCS / page.source_of(lang) for page in pages(*kinds) for lang in LANGS)
    return [path for path in found if path.is_file()]


def markdown_pages() -> list[Path]:
    """Every Markdown page of the nav, in every language."""
    return [p for p in sources() if p.suffix == ".md"]


def lectures() -> list[Path]:
    return sources("lecture")


def tutorials() -> list[Path]:
    return sources("tutorial")


def api_pages() -> list[Path]:
    return sources("api")


def default_language_sources() -> list[Path]:
    """Each page of the nav once, by its default-language source."""
    return [DOCS / page.source for page in NAV.pages]


def notebook_code_cells(path: Path) -> list[str]:
    notebook = jupytext.read(path)
    return [c.source for c in notebook.cells if c.cell_type == "code"]
