"""Every tutorial, in every language, executes from top to bottom.

The tutorials are jupytext ``.py`` notebooks; they run here with nbclient, the
engine mkdocs-jupyter uses for the site, in a fresh kernel and a scratch
working directory, so a tutorial cannot depend on files left behind.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbclient
import pytest

from docs_model import ROOT, tutorials


@pytest.mark.parametrize("path", tutorials(), ids=lambda p: p.name)
def test_tutorial_executes_without_error(path: Path, tmp_path: Path) -> None:
    notebook = jupytext.read(path)
    assert any(c.cell_type == "code" for c in notebook.cells)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.relative_to(ROOT)} failed:\n{err}", pytrace=False)
    errors = [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
    images = sum(
        "image/png" in out.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )
    assert images >= 1, f"{path.name} draws no plot"
