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
  of this file and of :mod:`coursebuild.provenance` (how tutorials are
  executed and what is recorded about it).

Each execution also records where and when it ran (the kernel's Python,
torch and device, the time, the Git commit: :mod:`coursebuild.provenance`)
in the notebook's metadata. That record is not part of the key: a reused
execution keeps the commit and date it really ran at.

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
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jupytext
import nbclient
from mkdocs.exceptions import PluginError
from nbformat import NotebookNode
from traitlets.config import Config

from coursebuild import (
    copy_notebook,
    notebook_from_text,
    notebook_to_text,
    provenance,
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
        "executor": [
            hashlib.sha256(Path(path).read_bytes()).hexdigest()
            for path in (__file__, provenance.__file__)
        ],
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
    job: Job,
    options: ExecutionOptions,
    env: dict[str, str],
    workers: int,
    revision: provenance.Revision,
) -> NotebookNode:
    notebook = copy_notebook(job.notebook)
    # the last cell asks the kernel where it runs; it is removed again below
    notebook.cells.append(provenance.probe_cell())
    with tempfile.TemporaryDirectory(prefix="tutorial-") as cwd:
        client = nbclient.NotebookClient(
            notebook,
            kernel_name=options.kernel_name,
            timeout=options.timeout,
            allow_errors=options.allow_errors,
            extra_arguments=[f"--InlineBackend.figure_formats={options.figure_format}"],
            # a scratch working directory: no tutorial depends on files left behind
            resources={"metadata": {"path": cwd}},
            # Unix sockets in that directory rather than TCP ports on localhost:
            # no port is opened, and the kernels print no warning about it
            config=Config({"KernelManager": {"transport": "ipc", "ip": f"{cwd}/kernel"}}),
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
    finished = time.time()
    probe = notebook.cells.pop()
    assert provenance.is_probe(probe)
    record = ExecutionRecord(
        src_uri=job.src_uri,
        key=job.key,
        seconds=round(time.perf_counter() - wall, 2),
        started=started,
        finished=finished,
        workers=workers,
    )
    environment = provenance.record(provenance.probe_facts(probe), finished, revision)
    notebook.metadata["torchbasics"] = asdict(record) | {"environment": environment.to_dict()}
    return notebook


def _failure(results: Sequence[BaseException]) -> BaseException:
    """One exception for one or several failed tutorials."""
    if len(results) == 1:
        return results[0]
    return TutorialExecutionError(
        f"{len(results)} tutorials failed:\n\n" + "\n\n".join(map(str, results))
    )


#: Executions under way in this process, by cache file: a `mkdocs serve`
#: rebuild that starts while an earlier build's execution of the same key is
#: still running waits for that one instead of starting a second.
_in_flight: dict[Path, concurrent.futures.Future[ExecutionRecord]] = {}
_in_flight_lock = threading.Lock()


def start_all(
    jobs: Sequence[Job],
    cache: ExecutionCache,
    options: ExecutionOptions,
    revision: provenance.Revision | None = None,
) -> dict[str, concurrent.futures.Future[ExecutionRecord]]:
    """Start executing ``jobs`` in the background (bounded); return a future per key.

    The build goes on rendering the pages that need no execution while the
    kernels run; a tutorial page waits only for its own future. Each result
    is cached as soon as it finishes, so a failure loses none of the others.
    Progress goes to the log: which tutorial starts (i of n), and when each
    ends, its time and the time elapsed. ``revision`` is the commit the
    sources are at (recorded in each notebook).
    """
    # one execution per key: tutorials with the same code share it
    unique: dict[str, Job] = {}
    for job in jobs:
        unique.setdefault(job.key, job)
    jobs = list(unique.values())
    futures: dict[str, concurrent.futures.Future[ExecutionRecord]] = {
        job.key: concurrent.futures.Future() for job in jobs
    }
    if not jobs:
        return futures
    with _in_flight_lock:
        for job in jobs:
            _in_flight[cache.path(job.key)] = futures[job.key]
    workers = worker_count(len(jobs))
    env = kernel_environment(workers)
    commit = revision if revision is not None else provenance.Revision(None)
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

    def settle(job: Job, result: ExecutionRecord | BaseException) -> None:
        with _in_flight_lock:
            _in_flight.pop(cache.path(job.key), None)
        if isinstance(result, BaseException):
            futures[job.key].set_exception(result)
        else:
            futures[job.key].set_result(result)

    async def run_all() -> None:
        slots = asyncio.Semaphore(workers)
        started = 0
        done = 0

        async def one(job: Job) -> None:
            nonlocal started, done
            try:
                async with slots:
                    started += 1
                    log.info("Executing tutorial %d of %d: %s", started, total, job.src_uri)
                    notebook = await _execute(job, options, env, workers, commit)
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
            except BaseException as err:  # handed to the waiting page, never lost
                settle(job, err)
            else:
                settle(job, record)

        await asyncio.gather(*(one(job) for job in jobs))

    def main() -> None:
        try:
            asyncio.run(run_all())
        except BaseException as err:  # e.g. no event loop could start
            for job in jobs:
                if not futures[job.key].done():
                    settle(job, err)

    # A thread of its own owns the event loop, so this works whether or not
    # the caller already runs one (a build started from Jupyter, say). It is
    # a daemon: Ctrl-C ends the build at once (the kernels exit with it).
    threading.Thread(target=main, name="tutorial-executor", daemon=True).start()
    return futures


def wait_for(
    futures: Iterable[concurrent.futures.Future[ExecutionRecord]],
) -> list[ExecutionRecord]:
    """Wait until every execution has ended; raise if any failed (naming all)."""
    pending = list(futures)
    concurrent.futures.wait(pending)
    failures = [err for f in pending if (err := f.exception()) is not None]
    if failures:
        raise _failure(failures)
    return [f.result() for f in pending]


def execute_all(
    jobs: Sequence[Job],
    cache: ExecutionCache,
    options: ExecutionOptions,
    revision: provenance.Revision | None = None,
) -> list[ExecutionRecord]:
    """Execute ``jobs`` in parallel (bounded) and wait for them all (:func:`start_all`)."""
    return wait_for(start_all(jobs, cache, options, revision).values())


@dataclass
class Executions:
    """The execution keys of a build's tutorials, and the executions under way.

    ``keys`` maps ``norm_src_uri`` to the key of the execution whose outputs
    every language of that tutorial publishes.
    """

    keys: dict[str, str] = field(default_factory=dict)
    futures: dict[str, concurrent.futures.Future[ExecutionRecord]] = field(default_factory=dict)

    def update(self, other: Executions) -> None:
        self.keys.update(other.keys)
        self.futures.update(other.futures)

    def running(self) -> int:
        return sum(not f.done() for f in self.futures.values())

    def wait(self, key: str) -> None:
        """Block until the execution ``key`` is cached (at once if it was).

        If it failed, first let the other executions finish (and be cached),
        then raise every failure.
        """
        future = self.futures.get(key)
        if future is None:
            return
        if future.exception() is not None:
            self.wait_all()

    def wait_all(self) -> None:
        """Block until no execution is under way; raise if any failed."""
        wait_for(self.futures.values())


def start_tutorials(
    tutorials: Iterable[Tutorial],
    cache: ExecutionCache,
    options: ExecutionOptions,
    docs_dir: Path,
    environment: str,
) -> Executions:
    """Check every tutorial's parity now; start executing those not cached.

    ``environment`` is :func:`environment_fingerprint`. Parity errors are
    raised here, before anything executes; execution errors when a page
    :meth:`~Executions.wait` s for its execution.
    """
    started = Executions()
    jobs = []
    queued: set[str] = set()
    for tutorial in tutorials:
        code = check_parity(
            {path: source_code(path, cache.root) for path in tutorial.sources.values()},
            docs_dir,
        )
        key = execution_key(code, environment, options)
        started.keys[tutorial.norm_src_uri] = key
        if cache.has(key) or key in started.futures or key in queued:
            continue  # cached, or another tutorial with the same code executes it
        with _in_flight_lock:
            running = _in_flight.get(cache.path(key))
        if running is not None:  # an earlier `serve` rebuild is executing it
            started.futures[key] = running
            continue
        reference = read_notebook(tutorial.default_source)
        for cell in reference.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        src_uri = tutorial.default_source.relative_to(docs_dir).as_posix()
        jobs.append(Job(src_uri, key, reference))
        queued.add(key)
    if jobs:
        revision = provenance.source_revision(docs_dir)
        started.futures.update(start_all(jobs, cache, options, revision))
    return started


def ensure_executed(
    tutorials: Iterable[Tutorial],
    cache: ExecutionCache,
    options: ExecutionOptions,
    docs_dir: Path,
    environment: str,
) -> dict[str, str]:
    """:func:`start_tutorials`, then wait for every execution; return the keys."""
    started = start_tutorials(tutorials, cache, options, docs_dir, environment)
    started.wait_all()
    return started.keys
