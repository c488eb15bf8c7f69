"""How much does a site build cost, cold and warm? Prints figures, asserts nothing.

Executing the tutorials dominates the build. This script builds the site
twice with an empty, private tutorial cache (so your own .cache is neither
used nor touched):

1. cold: every tutorial executes, once per language;
2. warm: nothing changed, so nothing may execute.

Run from the repository root:  python benchmarks/build_cache.py
Targets on the 2-core CI machine: warm <= 10 s, cold <= 60 s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = re.compile(r"Executed tutorial (\S+) \((\w+)\) in ([\d.]+) s")
TARGETS = {"cold": 60.0, "warm": 10.0}


def build(site: Path, cache: Path) -> tuple[float, list[tuple[str, str, str]]]:
    env = dict(os.environ, TORCHBASICS_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"build failed:\n{result.stdout}\n{result.stderr}")
    return seconds, EXECUTED.findall(result.stdout + result.stderr)


def main() -> None:
    tutorials = sorted((ROOT / "docs" / "tutorials").glob("*.py"))
    print(f"{len(tutorials)} tutorial sources (all languages), {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        rows = []
        for name in ("cold", "warm"):
            seconds, runs = build(tmp_path / name, tmp_path / "cache")
            rows.append((name, seconds, runs))
    print(f"{'build':<6} {'seconds':>8} {'target':>7} {'executions':>11}")
    for name, seconds, runs in rows:
        ok = "ok" if seconds <= TARGETS[name] else "OVER"
        print(f"{name:<6} {seconds:8.1f} {TARGETS[name]:7.0f} {len(runs):11d}  {ok}")
        for src, lang, secs in runs:
            print(f"         executed {src} ({lang}) in {secs} s")
    cold_runs, warm_runs = len(rows[0][2]), len(rows[1][2])
    print(
        f"cold executions per tutorial source: {cold_runs / max(1, len(tutorials)):.1f}"
        f" (want 1.0); warm executions: {warm_runs} (want 0)"
    )


if __name__ == "__main__":
    main()
