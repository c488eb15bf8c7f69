"""``python -m torchbasics``: the environment report, the extras, the install command.

The command is run for real (a subprocess, as a reader runs it). What it says
about missing extras is checked on distributions written here: metadata with
a package that is not installed, one that is too old, an extra that includes
another extra, and each way of having installed torchbasics (index, Git,
editable checkout).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from torchbasics import _installation

ROOT = Path(__file__).resolve().parents[1]


def run_python(*args: str) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout


def test_python_m_torchbasics_prints_the_environment_report_and_the_extras() -> None:
    out = run_python("-m", "torchbasics")
    report = run_python(
        "-c", "from torchbasics.devices import environment_report; print(environment_report())"
    )
    lines = out.splitlines()
    dist = importlib.metadata.distribution("torchbasics")
    assert lines[0].startswith(f"torchbasics {dist.version}")
    assert report in out, "the report must be environment_report(), verbatim"
    extras = dist.metadata.get_all("Provides-Extra") or []
    assert {"data", "tensorboard"} <= set(extras)
    section = lines[lines.index("optional extras:") + 1 :]
    for extra in extras:
        row = next((line for line in section if line.split()[:1] == [extra]), None)
        assert row is not None, f"extra {extra!r} is not listed:\n{out}"
        assert row.split()[1] in {"installed", "missing"}
    if any(line.split()[1:2] == ["missing"] for line in section if line.strip()):
        assert "to install what is missing, run:" in out
        assert "python -m pip install" in out
    else:
        assert out.rstrip().endswith("every optional extra is installed")


def fake_distribution(
    tmp_path: Path, requires: list[str], extras: list[str], direct_url: dict | None = None
) -> importlib.metadata.Distribution:
    info = tmp_path / "torchbasics-0.1.0.dist-info"
    info.mkdir()
    metadata = ["Metadata-Version: 2.1", "Name: torchbasics", "Version: 0.1.0"]
    metadata += [f"Provides-Extra: {e}" for e in extras]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(metadata) + "\n", "utf-8")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url), "utf-8")
    return importlib.metadata.PathDistribution(info)


REQUIRES = [
    "torch>=2.2",
    'pytest>=7; extra == "present"',
    'torchbasics-probe-not-installed>=1.0; extra == "absent"',
    'pytest>=999; extra == "old"',
    'torchbasics[absent,present]; extra == "both"',
    'pytest; python_version < "3" and extra == "never"',
]
EXTRAS = ["present", "absent", "old", "both", "never"]


def test_each_extra_lists_exactly_what_it_lacks(tmp_path: Path) -> None:
    status = {s.name: s for s in _installation.extras_status(fake_distribution(tmp_path, REQUIRES, EXTRAS))}
    assert list(status) == EXTRAS
    assert status["present"].installed and status["never"].installed
    assert status["absent"].missing == ("torchbasics-probe-not-installed (not installed)",)
    version = importlib.metadata.version("pytest")
    assert status["old"].missing == (f"pytest {version} (needs >=999)",)
    # an extra that includes others lacks what they lack
    assert status["both"].missing == status["absent"].missing


def test_the_report_names_the_missing_extras_and_one_command(tmp_path: Path) -> None:
    text = _installation.report(fake_distribution(tmp_path, REQUIRES, EXTRAS))
    lines = text.splitlines()
    assert lines[0] == "torchbasics 0.1.0"
    assert "needs: torchbasics-probe-not-installed (not installed)" in text
    assert lines[-2:] == [
        "to install what is missing, run:",
        '  python -m pip install "torchbasics[absent,old,both]"',
    ]


def test_nothing_missing_says_so(tmp_path: Path) -> None:
    dist = fake_distribution(tmp_path, ['pytest; extra == "present"'], ["present"])
    assert _installation.report(dist).endswith("every optional extra is installed")


@pytest.mark.parametrize(
    ("direct_url", "command", "origin"),
    [
        (None, 'python -m pip install "torchbasics[data]"', "torchbasics 0.1.0"),
        (
            {"url": "https://github.com/o/r", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            'python -m pip install "torchbasics[data] @ git+https://github.com/o/r@abc123"',
            "torchbasics 0.1.0 (from https://github.com/o/r at abc123)",
        ),
        (
            {"url": "file:///home/me/torchbasics", "dir_info": {"editable": True}},
            'python -m pip install -e "/home/me/torchbasics[data]"',
            "torchbasics 0.1.0 (editable install of /home/me/torchbasics)",
        ),
        (
            {"url": "https://example.org/torchbasics-0.1.0.tar.gz", "archive_info": {}},
            'python -m pip install "torchbasics[data] @ https://example.org/torchbasics-0.1.0.tar.gz"',
            "torchbasics 0.1.0 (from https://example.org/torchbasics-0.1.0.tar.gz)",
        ),
    ],
)
def test_the_command_installs_from_where_torchbasics_came_from(
    tmp_path: Path, direct_url: dict | None, command: str, origin: str
) -> None:
    requires = ['torchbasics-probe-not-installed; extra == "data"']
    dist = fake_distribution(tmp_path, requires, ["data"], direct_url)
    assert _installation.install_command(["data"], dist) == command
    lines = _installation.report(dist).splitlines()
    assert lines[0] == origin
    assert lines[-1] == f"  {command}"
