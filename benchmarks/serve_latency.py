"""How long until an edited lecture shows under ``mkdocs serve``? Prints figures, asserts nothing.

Makes the synthetic full-size site (synthetic_site.py) in a scratch folder,
starts ``mkdocs serve`` on it, and then, ``--repeats`` times: appends a new
paragraph to one Korean lecture and polls the served page until the paragraph
is there. Two times are printed per edit, both from the moment of saving:

- served: the page's HTML on the server has changed (the Korean build
  wrote it; the English build may still be running);
- reload: the server logged "Reloading browsers", which is when an open
  browser tab reloads itself, after the whole rebuild.

Use --cache-dir with a warm cache (e.g. the one build_cache.py keeps), or the
start-up build executes every tutorial. --dirty passes ``--dirty`` to serve
(only changed files are rebuilt; mkdocs-static-i18n honours it too), and
``--no-strict``, since strict mode aborts on the warning a dirty build logs.
After the last edit, the number of entries in each language's search index
is printed, to compare a dirty rebuild's index with a full one's.

Run from the repository root:
    python benchmarks/serve_latency.py --cache-dir DIR [--repeats 5] [--dirty]
Target on the 2-core CI machine: an edit shows within 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_site import make_synthetic_site

LECTURE = "lectures/w1-1-tensors"
TARGET = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


class ServeLog:
    """Collects ``mkdocs serve``'s log lines with the time each arrived."""

    def __init__(self, stream) -> None:
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append((time.perf_counter(), line.rstrip()))

    def first_after(self, since: float, text: str) -> float | None:
        return next((t for t, line in list(self.lines) if t >= since and text in line), None)


def wait_for(condition, timeout: float, poll: float = 0.05):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-dir", type=Path, help="cache root (a warm one, ideally)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dirty", action="store_true", help="mkdocs serve --dirty")
    parser.add_argument("--lectures", type=int, default=15)
    parser.add_argument("--tutorials", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="serve-latency-") as tmp:
        project = make_synthetic_site(Path(tmp) / "project", args.lectures, args.tutorials)
        cache = args.cache_dir.resolve() if args.cache_dir else Path(tmp) / "cache"
        port = free_port()
        url = f"http://127.0.0.1:{port}/{LECTURE}/"
        command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
        if args.dirty:
            # a dirty build logs a warning, which strict mode (mkdocs.yml) turns
            # into an abort: serve would not even start
            command += ["--dirty", "--no-strict"]
        env = dict(os.environ, TORCHBASICS_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
        started = time.perf_counter()
        server = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        log = ServeLog(server.stdout)
        try:
            if not wait_for(lambda: fetch(url), timeout=1800, poll=0.5):
                sys.exit(
                    "mkdocs serve did not come up:\n" + "\n".join(line for _, line in log.lines)
                )
            print(
                f"serve up after {time.perf_counter() - started:.1f} s"
                f" ({'--dirty' if args.dirty else 'full rebuilds'})"
            )
            time.sleep(2)  # let the start-up settle
            source = project / "docs" / f"{LECTURE}.md"
            served, reloads = [], []
            for i in range(args.repeats):
                marker = f"편집 표시 {i} {time.time_ns()}"
                text = source.read_text(encoding="utf-8")
                saved = time.perf_counter()
                source.write_text(text + f"\n{marker}\n", encoding="utf-8")
                shown = wait_for(
                    lambda marker=marker: marker in (fetch(url) or "") and time.perf_counter(),
                    timeout=300,
                )
                if shown is None:
                    sys.exit(
                        "the edit never showed:\n" + "\n".join(line for _, line in log.lines[-30:])
                    )
                reload = wait_for(
                    lambda saved=saved: log.first_after(saved, "Reloading browsers"), timeout=300
                )
                served.append(shown - saved)
                reloads.append((reload or float("nan")) - saved)
                print(
                    f"edit {i + 1}: served after {served[-1]:.2f} s, "
                    f"browsers reloaded after {reloads[-1]:.2f} s"
                )
                time.sleep(1)
            print(
                f"median: served {statistics.median(served):.2f} s, "
                f"reload {statistics.median(reloads):.2f} s (target <= {TARGET:.0f} s)"
            )
            for root in ("", "en/"):
                index = fetch(f"http://127.0.0.1:{port}/{root}search/search_index.json")
                docs = json.loads(index)["docs"] if index else []
                other = sum(d["location"].startswith("en/") for d in docs)
                print(
                    f"/{root}search/search_index.json: {len(docs)} entries"
                    + (f", {other} of them under en/" if not root else "")
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
