"""Execute each tutorial once for every language, in parallel, and cache it.

A tutorial exists once per language (``x.py``, ``x.en.py``) with identical code
cells; only the Markdown cells are translated. So the code is executed once,
and each language's page takes its outputs from that one execution, cell by
cell (:mod:`coursebuild.render`).

What invalidates an execution is exactly its key (:func:`execution_key`):

- the sequence of code cells (not the Markdown, in either language);
- the execution options: kernel name, ``allow_errors``, the per-cell timeout,
  the inline figures' format (``retina``: drawn at twice their CSS size);
- the environment (:func:`environment_fingerprint`): the Python version, the
  name and version of every distribution installed in the build environment
  (a tutorial that imports scikit-learn re-runs when scikit-learn changes), a
  digest of every source file of the installed ``torchbasics``, and a digest
  of this file (how tutorials are executed).

Nothing else does: editing prose re-renders without executing. Executed
notebooks are stored by key (``<cache>/tutorials/executed/<key>.ipynb``), so
switching back to an earlier version of a tutorial finds its outputs again;
entries unused for a week are pruned.

Code that differs between languages is an error (:class:`CodeMismatchError`)
naming the file and the cell, never a silent publication of outputs that
belong to other code.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import difflib
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jupytext
import nbclient
from mkdocs.exceptions import PluginError
from nbformat import NotebookNode

from coursebuild import (
    copy_notebook,
    notebook_from_text,
    notebook_to_text,
    write_atomically,
)

log = logging.getLogger("mkdocs.hooks.notebooks")

#: Sets how many tutorials execute at once (default: one per CPU core).
WORKERS_ENV_VAR = "TORCHBASICS_TUTORIAL_WORKERS"
#: Executed notebooks no build has used for this long are deleted.
PRUNE_AFTER_SECONDS = 7 * 24 * 3600


class CodeMismatchError(PluginError):
    """A tutorial's code cells differ between languages."""


class TutorialExecutionError(PluginError):
    """A tutorial raised an error (or timed out) while it was executed."""


@dataclass(frozen=True)
class ExecutionOptions:
    """How tutorials are executed; part of every execution key."""

    kernel_name: str = "python3"
    allow_errors: bool = False
    timeout: int = 600  # seconds per cell
    # IPython's inline figures at twice their CSS size, for high-DPI screens
    # (coursebuild.figures sizes the published files from it)
    figure_format: str = "retina"


@dataclass(frozen=True)
class Tutorial:
    """One tutorial: its sources in each language, the default language first."""

    norm_src_uri: str  # ``tutorials/x.py``, the same for every language
    sources: dict[str, Path]

    @property
    def default_source(self) -> Path:
        return next(iter(self.sources.values()))


@dataclass
class ExecutionRecord:
    """What one execution cost; stored in the executed notebook's metadata."""

    src_uri: str
    key: str
    seconds: float
    started: float  # time.time() at start and end
    finished: float
    workers: int

    @classmethod
    def of(cls, notebook: NotebookNode) -> ExecutionRecord | None:
        data = notebook.get("metadata", {}).get("torchbasics")
        if not isinstance(data, dict):
            return None
        try:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None


# --------------------------------------------------------------------------
# Reading tutorials and checking that every language shows the same code

_notebooks: dict[Path, tuple[tuple[int, int], NotebookNode]] = {}


def read_notebook(path: Path) -> NotebookNode:
    """The notebook of a jupytext source, re-read only when the file changed.

    The caller gets its own copy, so it may change it freely.
    """
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    hit = _notebooks.get(path)
    if hit is None or hit[0] != stamp:
        hit = (stamp, jupytext.read(path))
        _notebooks[path] = hit
    return copy_notebook(hit[1])


def code_cells(notebook: NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def check_parity(code: dict[Path, list[str]], relative_to: Path) -> list[str]:
    """Return the code cells every source shares, or raise naming the difference.

    ``code`` maps each language's source to its code cells; the first is the
    reference (the default language).
    """
    (ref_path, expected), *others = code.items()
    for path, actual in others:
        # zip stops at the shorter list; a count mismatch is reported below
        for i, (want, got) in enumerate(zip(expected, actual, strict=False), start=1):
            if want != got:
                diff = "\n".join(
                    list(
                        difflib.unified_diff(
                            want.splitlines(),
                            got.splitlines(),
                            lineterm="",
                            n=1,
                            fromfile=_rel(ref_path, relative_to),
                            tofile=_rel(path, relative_to),
                        )
                    )[:14]
                )
                raise CodeMismatchError(
                    f"{_rel(path, relative_to)}: code cell {i} differs from "
                    f"{_rel(ref_path, relative_to)}. Every language must show the "
                    f"same code (only Markdown cells are translated), because "
                    f"both pages publish the outputs of one execution.\n{diff}"
                )
        if len(expected) != len(actual):
            raise CodeMismatchError(
                f"{_rel(path, relative_to)} has {len(actual)} code cells but "
                f"{_rel(ref_path, relative_to)} has {len(expected)}. Every "
                f"language must show the same code (only Markdown cells are "
                f"translated)."
            )
    return expected


def source_code(path: Path, cache_root: Path) -> list[str]:
    """The code cells of a jupytext source, cached by the file's bytes.

    Parsing a tutorial with jupytext takes ~80 ms; a build that checks 30
    sources on every save would spend seconds on it. The cache entry is
    named by the SHA-256 of the source, so it can never be stale.
    """
    data = path.read_bytes()
    entry = cache_root / "tutorials" / "sources" / f"{hashlib.sha256(data).hexdigest()}.json"
    try:
        cached = json.loads(entry.read_text("utf-8"))
        if isinstance(cached, list) and all(isinstance(c, str) for c in cached):
            return cached
    except (OSError, ValueError):
        pass
    code = code_cells(read_notebook(path))
    write_atomically(entry, json.dumps(code, ensure_ascii=False))
    return code


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# Cache keys


def installed_distributions() -> dict[str, str]:
    """``{normalized name: version}`` of every distribution Python can import.

    Read from the ``*.dist-info`` folder names (``name-version.dist-info``,
    as the packaging standard names them) rather than by parsing 130 metadata
    files: 10 ms instead of 300 ms on every build. Other layouts fall back to
    the metadata.
    """
    found: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        folder = getattr(dist, "_path", None)
        name, version = None, None
        if isinstance(folder, Path) and folder.suffix == ".dist-info":
            name, _, version = folder.stem.partition("-")
        if not name or not version:
            name, version = dist.metadata["Name"], dist.version
        if name:
            # the first one on sys.path wins, as for importlib.metadata.version
            found.setdefault(re.sub(r"[-_.]+", "-", name).lower(), version)
    return dict(sorted(found.items()))


def package_digest(name: str) -> str:
    """Hash every source file of the installed package ``name``."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return f"{name}:missing"
    digest = hashlib.sha256()
    for root in spec.submodule_search_locations:
        for path in sorted(Path(root).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".pyi", ".json"}:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def environment_fingerprint(distributions: dict[str, str]) -> str:
    """Everything outside a tutorial's code that can change its outputs.

    ``distributions`` is :func:`installed_distributions` (computed once a build).
    """
    parts = {
        "python": sys.version,
        "distributions": distributions,
        "torchbasics": package_digest("torchbasics"),
        "executor": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def execution_key(code: Sequence[str], environment: str, options: ExecutionOptions) -> str:
    """The cache key of one execution (see the module docstring)."""
    payload = {"code": list(code), "environment": environment, "options": asdict(options)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------
# The cache of executed notebooks


@dataclass
class ExecutionCache:
    """Executed notebooks stored by key under ``<root>/tutorials/executed``."""

    root: Path
    directory: Path = field(init=False)

    def __post_init__(self) -> None:
        self.directory = self.root / "tutorials" / "executed"

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.ipynb"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def load(self, key: str) -> NotebookNode | None:
        """The executed notebook, or None if missing or unreadable."""
        try:
            return notebook_from_text(self.path(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def store(self, key: str, notebook: NotebookNode) -> None:
        write_atomically(self.path(key), notebook_to_text(notebook))

    def prune(self, used: Iterable[str], now: float | None = None) -> list[Path]:
        """Mark ``used`` entries as fresh; delete others unused for a week."""
        return prune_directory(self.directory, {self.path(k) for k in used}, now)


def prune_directory(directory: Path, used: set[Path], now: float | None = None) -> list[Path]:
    """Touch ``used`` files; delete the other files in ``directory`` unused for a week."""
    now = time.time() if now is None else now
    for path in used:
        if path.is_file():
            os.utime(path, (now, now))
    removed = []
    if directory.is_dir():
        for path in directory.iterdir():
            old = path.is_file() and now - path.stat().st_mtime > PRUNE_AFTER_SECONDS
            if path not in used and old:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


# --------------------------------------------------------------------------
# Executing


@dataclass(frozen=True)
class Job:
    """One tutorial to execute: the default-language notebook and its key."""

    src_uri: str
    key: str
    notebook: NotebookNode


def worker_count(jobs: int, cpus: int | None = None) -> int:
    """How many tutorials execute at once: one per core, or as set in the env."""
    configured = os.environ.get(WORKERS_ENV_VAR, "")
    if configured.strip():
        try:
            workers = int(configured)
        except ValueError:
            raise PluginError(
                f"{WORKERS_ENV_VAR} must be a positive integer, got {configured!r}"
            ) from None
        if workers < 1:
            raise PluginError(f"{WORKERS_ENV_VAR} must be >= 1, got {workers}")
    else:
        workers = cpus if cpus is not None else (os.cpu_count() or 1)
    return max(1, min(workers, jobs))


def kernel_environment(workers: int, cpus: int | None = None) -> dict[str, str]:
    """The kernels' environment: the build's, with the cores shared out.

    Each kernel gets ``cpus // workers`` intra-op threads (at least one), so
    parallel kernels do not oversubscribe the machine.
    """
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    threads = str(max(1, cpus // max(1, workers)))
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def _error_cell(notebook: NotebookNode) -> tuple[int, str] | None:
    """The first code cell with an error output: (number, error text)."""
    for i, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return i, f"{out.get('ename')}: {out.get('evalue')}"
    return None


async def _execute(
    job: Job, options: ExecutionOptions, env: dict[str, str], workers: int
) -> NotebookNode:
    notebook = copy_notebook(job.notebook)
    with tempfile.TemporaryDirectory(prefix="tutorial-") as cwd:
        client = nbclient.NotebookClient(
            notebook,
            kernel_name=options.kernel_name,
            timeout=options.timeout,
            allow_errors=options.allow_errors,
            extra_arguments=[f"--InlineBackend.figure_formats={options.figure_format}"],
            # a scratch working directory: no tutorial depends on files left behind
            resources={"metadata": {"path": cwd}},
        )
        wall, started = time.perf_counter(), time.time()
        try:
            await client.async_execute(env=env)
        except nbclient.exceptions.CellExecutionError as err:
            where = _error_cell(notebook)
            cell = f" in code cell {where[0]}" if where else ""
            raise TutorialExecutionError(f"Tutorial {job.src_uri} failed{cell}:\n{err}") from None
        except nbclient.exceptions.CellTimeoutError as err:
            raise TutorialExecutionError(
                f"Tutorial {job.src_uri} timed out ({options.timeout} s per cell): {err}"
            ) from None
    record = ExecutionRecord(
        src_uri=job.src_uri,
        key=job.key,
        seconds=round(time.perf_counter() - wall, 2),
        started=started,
        finished=time.time(),
        workers=workers,
    )
    notebook.metadata["torchbasics"] = asdict(record)
    return notebook


def execute_all(
    jobs: Sequence[Job], cache: ExecutionCache, options: ExecutionOptions
) -> list[ExecutionRecord]:
    """Execute ``jobs`` in parallel (bounded), storing each result as it finishes.

    Progress goes to the log: which tutorial starts (i of n), and when each
    ends, its time and the time elapsed. A failure does not lose the others:
    every tutorial that succeeded is cached before the error is raised.
    """
    if not jobs:
        return []
    workers = worker_count(len(jobs))
    env = kernel_environment(workers)
    total = len(jobs)
    start = time.perf_counter()
    log.info(
        "Executing %d tutorial%s on %d worker%s; later builds reuse the results "
        "until a tutorial's code, torchbasics or the environment changes",
        total,
        "s" * (total != 1),
        workers,
        "s" * (workers != 1),
    )

    async def run_all() -> list[ExecutionRecord | BaseException]:
        slots = asyncio.Semaphore(workers)
        started = 0
        done = 0

        async def one(job: Job) -> ExecutionRecord:
            nonlocal started, done
            async with slots:
                started += 1
                log.info("Executing tutorial %d of %d: %s", started, total, job.src_uri)
                notebook = await _execute(job, options, env, workers)
                cache.store(job.key, notebook)
                done += 1
                record = ExecutionRecord.of(notebook)
                assert record is not None
                log.info(
                    "Executed tutorial %s in %.1f s (%d of %d done, %.0f s elapsed)",
                    job.src_uri,
                    record.seconds,
                    done,
                    total,
                    time.perf_counter() - start,
                )
                return record

        return await asyncio.gather(*(one(job) for job in jobs), return_exceptions=True)

    # A fresh thread owns the event loop, so this works whether or not the
    # caller already runs one (a build started from Jupyter, say).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, run_all()).result()
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        if len(failures) == 1:
            raise failures[0]
        raise TutorialExecutionError(
            f"{len(failures)} tutorials failed:\n\n" + "\n\n".join(map(str, failures))
        )
    return [r for r in results if isinstance(r, ExecutionRecord)]


def ensure_executed(
    tutorials: Iterable[Tutorial],
    cache: ExecutionCache,
    options: ExecutionOptions,
    docs_dir: Path,
    environment: str,
) -> dict[str, str]:
    """Check every tutorial's parity, execute those not cached; return their keys.

    ``environment`` is :func:`environment_fingerprint`.
    The keys map ``norm_src_uri`` to the key of the execution whose outputs
    every language of that tutorial publishes.
    """
    keys: dict[str, str] = {}
    jobs = []
    for tutorial in tutorials:
        code = check_parity(
            {path: source_code(path, cache.root) for path in tutorial.sources.values()},
            docs_dir,
        )
        key = execution_key(code, environment, options)
        keys[tutorial.norm_src_uri] = key
        if not cache.has(key):
            reference = read_notebook(tutorial.default_source)
            for cell in reference.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            src_uri = tutorial.default_source.relative_to(docs_dir).as_posix()
            jobs.append(Job(src_uri, key, reference))
    execute_all(jobs, cache, options)
    return keys
