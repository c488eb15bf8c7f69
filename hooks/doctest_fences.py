"""MkDocs hook: show doctest-style ``python`` blocks as console sessions.

Lecture snippets are fenced as ```` ```python ```` so that Sybil runs them and
checks their ``>>>`` output. Highlighted as plain Python, the prompts and the
output would be coloured as code, and Material's copy button would copy them.
Rendering such a block with Pygments' ``pycon`` lexer marks prompts ``.gp``
and output ``.go``; extra.css hides both while Material copies, so the copy
button yields code that runs as pasted.
"""

from __future__ import annotations

import re
from typing import Any

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})python[ \t]*\n"
    r"(?P<body>(?:(?P=indent)[ \t]*>>>.*\n)(?:.*\n)*?)"
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.M,
)


def pycon_fences(markdown: str) -> str:
    """Re-label ```` ```python ```` fences whose first line is a ``>>>`` prompt."""
    return _FENCE.sub(
        lambda m: f"{m['indent']}{m['fence']}pycon\n{m['body']}{m['indent']}{m['fence']}",
        markdown,
    )


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return pycon_fences(markdown)
