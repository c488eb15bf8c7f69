"""Read the course's sources the way the tests need them: pages, pairs, code."""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LANGS = ("ko", "en")  # the default language first
DEFAULT_LANG = "ko"

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


def markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def tutorials() -> list[Path]:
    return sorted((DOCS / "tutorials").glob("*.py"))


def language_of(path: Path) -> str:
    suffixes = path.suffixes
    if len(suffixes) >= 2 and suffixes[-2].lstrip(".") in LANGS:
        return suffixes[-2].lstrip(".")
    return DEFAULT_LANG


def twin(path: Path, lang: str) -> Path:
    """``x.md`` -> ``x.en.md`` (and back to the default language)."""
    base = path.name
    for code in LANGS:
        base = base.replace(f".{code}{path.suffix}", path.suffix)
    stem = base[: -len(path.suffix)]
    name = base if lang == DEFAULT_LANG else f"{stem}.{lang}{path.suffix}"
    return path.with_name(name)


def default_language_sources() -> list[Path]:
    return [
        p
        for p in [*markdown_pages(), *tutorials()]
        if language_of(p) == DEFAULT_LANG
    ]


def notebook_code_cells(path: Path) -> list[str]:
    notebook = jupytext.read(path)
    return [c.source for c in notebook.cells if c.cell_type == "code"]
