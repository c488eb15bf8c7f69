"""Where and when a tutorial was executed, recorded by the execution itself.

Nothing here is typed by hand. When :mod:`coursebuild.execution` runs a
tutorial, it appends one hidden cell (:func:`probe_cell`) that asks the
notebook's own kernel for its Python and torch versions, the device
``torchbasics.devices.get_device()`` picks with its hardware
(``describe_device``) and the full ``environment_report()``; the executor
adds the time the execution finished and the Git commit of the checkout it
ran from (:func:`source_revision`). The cell is removed again and what it
reported goes into the executed notebook's metadata
(``metadata.torchbasics.environment``), which :class:`Provenance` reads.

The commit is recorded, never part of the execution key: an execution reused
from the cache keeps the commit (and date) it really ran at.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

#: The MIME type of the probe cell's one output.
MIME = "application/vnd.torchbasics.environment+json"

_PROBE = f"""\
def _torchbasics_environment():
    import platform

    from IPython.display import display

    facts = {{
        "python": platform.python_version(),
        "platform": f"{{platform.system()}} {{platform.machine()}}",
    }}
    try:
        import torch

        facts["torch"] = torch.__version__
        from torchbasics.devices import describe_device, environment_report

        facts["device"] = describe_device()
        facts["report"] = environment_report()
    except Exception as err:  # recorded, and shown instead of the device
        facts["error"] = f"{{type(err).__name__}}: {{err}}"
    display({{{MIME!r}: facts}}, raw=True)


_torchbasics_environment()
del _torchbasics_environment
"""


@dataclass(frozen=True)
class Revision:
    """The Git commit a checkout is at; ``commit`` is None outside Git."""

    commit: str | None
    dirty: bool = False  # tracked files differ from the commit


@dataclass(frozen=True)
class Provenance:
    """Where and when one execution ran (``metadata.torchbasics.environment``)."""

    finished: str  # ISO 8601, UTC, e.g. "2025-06-01T12:34:56Z"
    python: str
    platform: str
    torch: str | None
    device: str | None  # describe_device(): "cpu (AMD EPYC 7B13, 8 logical cores)"
    report: str | None  # environment_report()
    error: str | None  # why torch or torchbasics could not be asked
    commit: str | None
    dirty: bool

    @property
    def date(self) -> str:
        """``finished`` as a reader reads it: ``2025-06-01 12:34 UTC``."""
        when = datetime.strptime(self.finished, "%Y-%m-%dT%H:%M:%SZ")
        return when.strftime("%Y-%m-%d %H:%M UTC")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Provenance | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None

    @classmethod
    def of(cls, notebook: NotebookNode) -> Provenance | None:
        """What an executed notebook recorded; None for one executed without a probe."""
        meta = notebook.get("metadata", {}).get("torchbasics", {})
        return cls.from_dict(meta.get("environment") if isinstance(meta, dict) else None)


def probe_cell() -> NotebookNode:
    """The hidden cell the executor appends: it reports the kernel's environment."""
    cell = nbformat.v4.new_code_cell(_PROBE)  # type: ignore[no-untyped-call]
    cell.metadata["tags"] = ["torchbasics-probe"]
    return cell  # type: ignore[no-any-return]


def is_probe(cell: NotebookNode) -> bool:
    return "torchbasics-probe" in cell.get("metadata", {}).get("tags", [])


def probe_facts(cell: NotebookNode) -> dict[str, Any]:
    """What the executed probe cell displayed (empty if it displayed nothing)."""
    for output in cell.get("outputs", []):
        data = output.get("data", {}).get(MIME)
        if isinstance(data, str):  # some clients keep JSON outputs as text
            data = json.loads(data)
        if isinstance(data, dict):
            return dict(data)
    return {}


def record(facts: dict[str, Any], finished: float, revision: Revision) -> Provenance:
    """The provenance of one execution: the kernel's facts, the time, the commit."""

    def text(key: str) -> str | None:
        value = facts.get(key)
        return str(value) if value is not None else None

    stamp = datetime.fromtimestamp(finished, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Provenance(
        finished=stamp,
        python=text("python") or "unknown",
        platform=text("platform") or "unknown",
        torch=text("torch"),
        device=text("device"),
        report=text("report"),
        error=text("error") if facts else "the environment probe displayed nothing",
        commit=revision.commit,
        dirty=revision.dirty,
    )


def _git(directory: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def source_revision(directory: Path) -> Revision:
    """The commit checked out at ``directory``, and whether tracked files differ.

    Outside a Git checkout (or without ``git``) the commit is None.
    """
    commit = _git(directory, "rev-parse", "--verify", "HEAD")
    if not commit:
        return Revision(None)
    status = _git(directory, "status", "--porcelain", "--untracked-files=no")
    return Revision(commit, dirty=bool(status))
