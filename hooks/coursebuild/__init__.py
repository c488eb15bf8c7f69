"""The code behind the site's MkDocs hooks, split by concern.

``hooks/notebooks.py`` holds only the MkDocs events; the work is done here, in
small functions that ``tests/test_hooks.py`` calls directly:

- :mod:`coursebuild.i18n_files`: turns each language's tutorial source into a
  page after mkdocs-static-i18n has chosen the files (on its own, i18n copies
  ``x.en.py`` raw instead of rendering it) and sets the language switcher's
  alternates for those pages;
- :mod:`coursebuild.execution`: executes each tutorial **once** for all
  languages (the code cells are identical by rule), in parallel, and caches the
  executed notebook under a key made of exactly what can change its outputs;
- :mod:`coursebuild.render`: renders one language's notebook with the outputs
  of that single execution, and caches the rendered HTML;
- :mod:`coursebuild.html`: fixes to mkdocs-jupyter's HTML (Unicode heading ids,
  a shared stylesheet instead of ~600 KB of inline CSS per page, links to
  ``.md`` sources);
- :mod:`coursebuild.nav`: the site's pages as ``mkdocs.yml``'s nav lists them.

Everything is cached under ``.cache/`` beside ``mkdocs.yml`` (the environment
variable ``TORCHBASICS_CACHE_DIR`` moves it); deleting it is always safe.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import cast

import nbformat
from nbformat import NotebookNode

#: Environment variable that moves the cache root; a relative value is taken
#: from the directory of mkdocs.yml, not from the working directory.
CACHE_ENV_VAR = "TORCHBASICS_CACHE_DIR"


def cache_root(project_dir: Path) -> Path:
    """The cache root for the project whose ``mkdocs.yml`` is in ``project_dir``."""
    return project_dir / os.environ.get(CACHE_ENV_VAR, ".cache")


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one.

    A temporary file in the same directory is written, flushed to disk and
    renamed over ``path``; a build killed half-way leaves no torn cache entry.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from a web server
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def copy_notebook(notebook: NotebookNode) -> NotebookNode:
    """A deep copy of ``notebook`` (as nbformat's own node types)."""
    return cast(NotebookNode, nbformat.from_dict(json.loads(json.dumps(notebook))))  # type: ignore[no-untyped-call]


def notebook_from_text(text: str) -> NotebookNode:
    """Parse an ``.ipynb`` file's text (nbformat 4)."""
    return cast(NotebookNode, nbformat.reads(text, as_version=4))  # type: ignore[no-untyped-call]


def notebook_to_text(notebook: NotebookNode) -> str:
    """The ``.ipynb`` text of ``notebook``.

    nbformat has no type annotations; these three wrappers keep that inside.
    """
    return cast(str, nbformat.writes(notebook))  # type: ignore[no-untyped-call]
