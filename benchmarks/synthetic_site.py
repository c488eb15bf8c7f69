"""A full-size copy of the site for build benchmarks: N lectures and N tutorials.

``make_synthetic_site(dest)`` copies the project's ``docs/``, ``hooks/`` and
``mkdocs.yml`` into ``dest`` (``src/`` is linked, the package stays installed)
and multiplies the existing lecture and tutorial pairs (Korean + English) under
new names (``<id>-s2``, ``<id>-s3``, ...) until there are ``lectures`` lectures
and ``tutorials`` tutorials per language. Each copy gets a nav entry (Korean
title + " (사본 N)") and its English title in ``nav_translations``, so
``mkdocs build --strict`` passes there as it does here. The 6 API pages stay.

The copied tutorials are real notebooks, each given a last code cell of its
own (the build executes identical code once): a cold build executes each one. Their
cache entries live in ``TORCHBASICS_CACHE_DIR`` like any other, so point that
at the same folder across runs to measure warm builds without re-executing.

Run alone to make one:  python benchmarks/synthetic_site.py /tmp/synthetic
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# ``      - 1.1 텐서, NumPy, GPU: lectures/w1-1-tensors.md`` (quoted or not)
_NAV_ENTRY = re.compile(
    r'^(?P<indent>\s*)- (?P<title>"[^"]*"|[^:\n]+): (?P<path>(?:lectures|tutorials)/[^\s]+)$',
    re.M,
)
# ``            1.1 텐서, NumPy, GPU: 1.1 Tensors, NumPy and the GPU``
_TRANSLATION = re.compile(r"^(?P<indent>\s*)(?P<ko>\"[^\"]*\"|[^:\n]+): (?P<en>.+)$", re.M)


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pairs(folder: Path, suffix: str) -> list[str]:
    """Ids of the pages in ``folder`` that exist in both languages."""
    return sorted(
        p.name[: -len(suffix)]
        for p in folder.glob(f"*{suffix}")
        if not p.name.endswith(f".en{suffix}")
        and (folder / p.name.replace(suffix, f".en{suffix}")).is_file()
    )


def _copies(ids: list[str], total: int) -> list[tuple[str, str]]:
    """``(original, copy)`` pairs that bring ``len(ids)`` pages up to ``total``."""
    out: list[tuple[str, str]] = []
    n = 2
    while len(ids) + len(out) < total:
        for original in ids:
            if len(ids) + len(out) >= total:
                break
            out.append((original, f"{original}-s{n}"))
        n += 1
    return out


def _extend_config(text: str, kind: str, copies: list[tuple[str, str]], ext: str) -> str:
    """Add nav entries (after the last ``kind`` entry) and their translations."""
    entries = {m["path"]: m for m in _NAV_ENTRY.finditer(text)}
    translations = {_unquote(m["ko"]): _unquote(m["en"]) for m in _TRANSLATION.finditer(text)}
    last = [m for path, m in entries.items() if path.startswith(f"{kind}/")][-1]
    nav_lines, tr_lines = [], []
    for original, copy in copies:
        source = entries[f"{kind}/{original}{ext}"]
        title_ko = _unquote(source["title"])
        suffix = copy.rsplit("-s", 1)[1]
        new_ko = f"{title_ko} (사본 {suffix})"
        new_en = f"{translations.get(title_ko, title_ko)} (copy {suffix})"
        nav_lines.append(f"{source['indent']}- {_quote(new_ko)}: {kind}/{copy}{ext}")
        tr_lines.append(f"{_quote(new_ko)}: {_quote(new_en)}")
    text = text[: last.end()] + "\n" + "\n".join(nav_lines) + text[last.end() :]
    anchor = re.search(r"^(?P<indent>\s*)홈: Home$", text, re.M)
    assert anchor, "mkdocs.yml has no nav_translations entry for 홈"
    block = "".join(f"\n{anchor['indent']}{line}" for line in tr_lines)
    return text[: anchor.end()] + block + text[anchor.end() :]


def make_synthetic_site(dest: Path, lectures: int = 15, tutorials: int = 15) -> Path:
    """Copy the site into ``dest`` with ``lectures``/``tutorials`` pairs; return ``dest``."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(ROOT / "hooks", dest / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    (dest / "src").symlink_to(ROOT / "src", target_is_directory=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for kind, ext, total in (("lectures", ".md", lectures), ("tutorials", ".py", tutorials)):
        folder = dest / "docs" / kind
        copies = _copies(_pairs(folder, ext), total)
        for original, copy in copies:
            for lang in ("", ".en"):
                shutil.copyfile(folder / f"{original}{lang}{ext}", folder / f"{copy}{lang}{ext}")
                if kind == "tutorials":
                    # code of its own: the build executes a tutorial once per
                    # distinct code, so an identical copy would cost nothing
                    with (folder / f"{copy}{lang}{ext}").open("a", encoding="utf-8") as f:
                        f.write(f"\n# %%\n_synthetic_copy = {copy!r}\n")
        config = _extend_config(config, kind, copies, ext)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/torchbasics-synthetic")
    print(make_synthetic_site(target))
