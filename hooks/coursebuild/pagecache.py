"""What the page, search and template caches share: entries, keys, digests.

``hooks/render_cache.py`` (rendered Markdown pages), ``hooks/search_cache.py``
(search index entries) and ``hooks/template_cache.py`` (compiled Jinja
templates) keep their files under the same cache root as the tutorials
(:func:`coursebuild.cache_root`): ``pages/``, ``search/`` and ``jinja/``. An
entry is one JSON file per built page, stored with the key it was computed
under and written atomically; a different key is a miss, so a stale entry is
never used, only overwritten.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.structure.toc import AnchorLink

from coursebuild import write_atomically
from coursebuild.execution import installed_distributions


def digest(parts: Iterable[str | bytes]) -> str:
    """SHA-256 of ``parts``, each length-prefixed so that no two lists collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def environment_key() -> list[str]:
    """What every cached result depends on besides its inputs: Python and the
    name and version of every installed distribution (any install, removal or
    upgrade is a miss)."""
    return [f"python={sys.version}", *(f"{n}={v}" for n, v in installed_distributions().items())]


def tree_digest(folders: Iterable[Path], suffixes: tuple[str, ...] = (".py", ".pyi")) -> str:
    """Hash the relative path and bytes of every ``suffixes`` file under ``folders``."""
    parts: list[str | bytes] = []
    for folder in folders:
        parts.append(str(folder))
        for path in sorted(folder.rglob("*")):
            if path.suffix in suffixes and "__pycache__" not in path.parts and path.is_file():
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(parts)


def toc_tokens(toc: Iterable[AnchorLink]) -> list[dict[str, Any]]:
    """The tokens ``mkdocs.structure.toc.get_toc`` builds ``toc`` from (its inverse)."""
    return [
        {"level": a.level, "id": a.id, "name": a.title, "children": toc_tokens(a.children)}
        for a in toc
    ]


@dataclass(frozen=True)
class EntryCache:
    """One JSON entry per built page under ``<root>/<kind>/``."""

    root: Path
    kind: str

    def path(self, dest_uri: str) -> Path:
        """``en/api/models/index.html`` -> ``<root>/<kind>/en__api__models__index.html.json``."""
        return self.root / self.kind / (dest_uri.replace("/", "__") + ".json")

    def load(self, dest_uri: str, key: str) -> dict[str, Any] | None:
        """The entry of ``dest_uri`` if it was stored under ``key``; None otherwise."""
        try:
            entry = json.loads(self.path(dest_uri).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None

    def store(self, dest_uri: str, key: str, data: dict[str, Any]) -> None:
        """Store ``data`` for ``dest_uri`` under ``key`` (temp file + rename)."""
        text = json.dumps({"key": key, **data}, ensure_ascii=False)
        write_atomically(self.path(dest_uri), text)
