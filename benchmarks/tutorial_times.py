"""How long does each tutorial take to execute, alone? Prints figures, asserts nothing.

Every tutorial in ``mkdocs.yml``'s nav (or those named on the command line)
executes once, one after the other, in a fresh kernel with all the CPU's
cores, the way a reader's run or a one-tutorial build runs it (the build runs
one kernel per core at once, so its per-tutorial times are longer). The
notebook is the default-language source; both languages run the same code.

Run from the repository root (the nav is read from ./mkdocs.yml, so a
worktree can run another checkout's copy of this script):
    python benchmarks/tutorial_times.py [w2-1-python ...] [--repeats 1]
Target on the 2-core CI machine: <= 20 s per tutorial (30 s hard limit).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbclient
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
from coursebuild.nav import load_nav  # noqa: E402

TARGET, LIMIT = 20.0, 30.0


def execute(path: Path) -> float:
    """Seconds to execute the tutorial at ``path`` in a fresh kernel (startup included)."""
    notebook = jupytext.read(path)
    with tempfile.TemporaryDirectory(prefix="tutorial-time-") as cwd:
        client = nbclient.NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=600,
            resources={"metadata": {"path": cwd}},
            config=Config({"KernelManager": {"transport": "ipc", "ip": f"{cwd}/kernel"}}),
        )
        started = time.perf_counter()
        client.execute(env=dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1"))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="tutorial file names without .py (default: all)")
    parser.add_argument("--repeats", type=int, default=1, help="executions per tutorial (median)")
    args = parser.parse_args()

    nav = load_nav(Path.cwd() / "mkdocs.yml")
    tutorials = [nav.docs_dir / t.source for t in nav.of_kind("tutorial")]
    if args.names:
        known = {p.stem: p for p in tutorials}
        missing = [n for n in args.names if n not in known]
        if missing:
            sys.exit(f"not in the nav: {', '.join(missing)} (known: {', '.join(known)})")
        tutorials = [known[n] for n in args.names]
    print(f"{os.cpu_count()} CPUs, one tutorial at a time, {args.repeats} run(s) each")
    times: dict[str, float] = {}
    for path in tutorials:
        runs = [execute(path) for _ in range(args.repeats)]
        times[path.stem] = statistics.median(runs)
        print(f"  {path.stem:<32} {times[path.stem]:6.1f} s", flush=True)
    print(f"\nslowest first (target <= {TARGET:.0f} s, hard limit {LIMIT:.0f} s)")
    for name, seconds in sorted(times.items(), key=lambda kv: -kv[1]):
        verdict = "ok" if seconds <= TARGET else "OVER TARGET" if seconds <= LIMIT else "OVER LIMIT"
        print(f"  {name:<32} {seconds:6.1f} s  {verdict}")
    print(f"  {'sum':<32} {sum(times.values()):6.1f} s")


if __name__ == "__main__":
    main()
