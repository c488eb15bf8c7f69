"""What does a site build cost, cold, warm and after an edit? Prints figures, asserts nothing.

For the real site and for a synthetic full-size one (15 lectures + 15
tutorials + the 6 API pages per language, see synthetic_site.py), in a scratch
copy so that the repository is never touched, it runs:

1. cold: the first build, with an empty cache (labelled "first" when
   --cache-dir points at caches that earlier runs filled);
2. warm: nothing changed (--repeats builds; the median is printed);
3. prose edit: one Markdown cell of one Korean tutorial changed;
4. code edit: one code cell of the same tutorial changed in both languages;

and counts the tutorial executions of each from the build log. The edits are
built against a copy of the warm cache, so a --cache-dir stays warm.

It also builds the naive set-up side by side: the same site with the
notebook hook of commit 857de80 (each language executes its own copy) and an
empty cache for every build. A naive build reuses nothing, so every one of
its builds costs the same: it is built once per site and each row is compared
with it (new/naive). Times are wall-clock seconds and the CPU seconds (user +
system) of mkdocs and its notebook kernels.

Run from the repository root:
    python benchmarks/build_cache.py [--real-only | --synthetic-only]
        [--cache-dir DIR] [--repeats 3] [--no-naive]
Targets on the 2-core CI machine: warm <= 10 s on the synthetic site.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_site import make_synthetic_site

ROOT = Path(__file__).resolve().parents[1]
NAIVE_COMMIT = "857de80"
# the lead's hook: "Executed tutorial <src_uri> in <s> s"; the current one
# also names the language: "Executed tutorial <src_uri> (ko) in <s> s"
EXECUTED = re.compile(r"Executed tutorial (\S+)(?: \(\w+\))? in ([\d.]+) s")
WARM_TARGET = 10.0


@dataclass
class Build:
    wall: float
    cpu: float
    executions: int


def build(project: Path, cache: Path, site: Path) -> Build:
    """One ``mkdocs build --strict`` of ``project`` with ``cache`` as the cache root."""
    env = dict(os.environ, TORCHBASICS_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"build of {project} failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Build(wall, cpu, len(EXECUTED.findall(result.stdout + result.stderr)))


def copy_real_site(dest: Path) -> Path:
    """The repository's site (docs, hooks, overrides, mkdocs.yml; src linked) in ``dest``."""
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(ROOT / "hooks", dest / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "src").symlink_to(ROOT / "src", target_is_directory=True)
    return dest


def naive_copy(project: Path, dest: Path) -> Path:
    """``project`` with the notebook hook of NAIVE_COMMIT."""
    shutil.copytree(project, dest, symlinks=True)
    old = subprocess.run(
        ["git", "show", f"{NAIVE_COMMIT}:hooks/notebooks.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (dest / "hooks" / "notebooks.py").write_text(old, encoding="utf-8")
    return dest


def edit_markdown_cell(tutorial: Path) -> None:
    """Add a sentence to the first Markdown cell of a jupytext tutorial."""
    text = tutorial.read_text(encoding="utf-8")
    marker = "# %% [markdown]\n"
    at = text.index(marker) + len(marker)
    end = text.index("\n\n", at)
    tutorial.write_text(
        text[:end] + "\n#\n# (Edited by the build benchmark.)" + text[end:], "utf-8"
    )


def edit_code_cell(tutorial: Path) -> None:
    """Add a statement to the last code cell of a jupytext tutorial."""
    text = tutorial.read_text(encoding="utf-8")
    at = text.rindex("\n# %%\n") + len("\n# %%\n")
    tutorial.write_text(text[:at] + "_benchmark_edit = 1\n" + text[at:], "utf-8")


def measure(
    project: Path, cache: Path, scratch: Path, repeats: int, tutorial: str
) -> dict[str, Build]:
    """Cold, warm (median of ``repeats``), prose edit and code edit builds of ``project``."""
    rows: dict[str, Build] = {}
    first = "cold (empty cache)" if not any(cache.iterdir()) else "first (cache dir reused)"
    rows[first] = build(project, cache, scratch / "site")
    warm = [build(project, cache, scratch / "site") for _ in range(repeats)]
    rows[f"warm (median of {repeats})"] = Build(
        statistics.median(b.wall for b in warm),
        statistics.median(b.cpu for b in warm),
        max(b.executions for b in warm),
    )
    edited_cache = scratch / "edited-cache"  # keep ``cache`` warm for the next run
    shutil.copytree(cache, edited_cache)
    folder = project / "docs" / "tutorials"
    originals = {p: p.read_bytes() for p in folder.glob(f"{tutorial}*.py")}
    try:
        edit_markdown_cell(folder / f"{tutorial}.py")
        rows["prose edit (1 tutorial, ko)"] = build(project, edited_cache, scratch / "site")
        edit_code_cell(folder / f"{tutorial}.py")
        edit_code_cell(folder / f"{tutorial}.en.py")
        rows["code edit (1 tutorial, ko+en)"] = build(project, edited_cache, scratch / "site")
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        shutil.rmtree(edited_cache, ignore_errors=True)
    return rows


def report(title: str, rows: dict[str, Build], naive: Build | None) -> None:
    print(f"\n{title}")
    head = f"{'build':<32} {'wall s':>7} {'cpu s':>7} {'executions':>10}"
    if naive:
        head += f" {'new/naive wall':>14} {'cpu':>6}"
    print(head)
    for name, b in rows.items():
        line = f"{name:<32} {b.wall:7.1f} {b.cpu:7.1f} {b.executions:10d}"
        if naive:
            line += f" {b.wall / naive.wall:14.2f} {b.cpu / naive.cpu:6.2f}"
        print(line)
    if naive:
        print(
            f"{'naive (any build, no cache)':<32} {naive.wall:7.1f} {naive.cpu:7.1f} "
            f"{naive.executions:10d}"
        )
    warm = next(b for n, b in rows.items() if n.startswith("warm"))
    verdict = "ok" if warm.wall <= WARM_TARGET else "OVER"
    print(f"warm target <= {WARM_TARGET:.0f} s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--real-only", action="store_true")
    only.add_argument("--synthetic-only", action="store_true")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help="keep the caches in DIR/real-cache and "
        "DIR/synthetic-cache (default: fresh, temporary ones)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="warm builds per site")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive builds")
    parser.add_argument("--tutorial", default="w1-1-tensors", help="the tutorial to edit")
    parser.add_argument("--lectures", type=int, default=15)
    parser.add_argument("--tutorials", type=int, default=15)
    args = parser.parse_args()

    sites = []
    if not args.synthetic_only:
        sites.append(("real", "real site", copy_real_site))
    if not args.real_only:
        sites.append(
            (
                "synthetic",
                f"synthetic site ({args.lectures} lectures, {args.tutorials} tutorials, "
                "6 API pages per language)",
                lambda dest: make_synthetic_site(dest, args.lectures, args.tutorials),
            )
        )
    print(f"{os.cpu_count()} CPUs; cache: {args.cache_dir or 'fresh per run'}")
    with tempfile.TemporaryDirectory(prefix="build-cache-") as tmp:
        tmp_path = Path(tmp)
        for name, title, make in sites:
            scratch = tmp_path / name
            project = make(scratch / "project")
            # one cache per site: both have pages at the same URLs
            cache = (args.cache_dir.resolve() if args.cache_dir else scratch) / f"{name}-cache"
            cache.mkdir(parents=True, exist_ok=True)
            rows = measure(project, cache, scratch, args.repeats, args.tutorial)
            naive = None
            if not args.no_naive:
                naive_project = naive_copy(project, scratch / "naive")
                naive = build(naive_project, scratch / "naive-cache", scratch / "site")
            report(title, rows, naive)


if __name__ == "__main__":
    main()
