"""What ``python -m torchbasics`` prints: the machine, and what is installed.

The report starts with [`environment_report()`][torchbasics.devices.environment_report]
(torch, Python, the devices), then lists each optional extra that the
installed distribution declares (``Provides-Extra`` in its metadata, so the
list follows ``pyproject.toml`` without being copied here), whether every
package it requires is installed in a version it accepts, and the one
``pip`` command that installs what is missing, for the way torchbasics was
installed (from an index, from a Git URL, or editable from a checkout).
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from torchbasics.devices import environment_report

__all__ = ["ExtraStatus", "extras_status", "install_command", "main", "report"]

DISTRIBUTION = "torchbasics"

# What each extra is for, said to a reader; an extra not listed here is shown
# without a description.
_PURPOSE = {
    "data": "the course's data sets (torchbasics.data)",
    "tensorboard": "TensorBoardLogger",
    "tune": "hyperparameter search with Optuna (OptunaPruning)",
    "docs": "building the course site",
    "test": "running the tests",
}


@dataclass(frozen=True)
class ExtraStatus:
    """One optional extra and what of it is missing.

    Attributes:
        name: The extra, as in ``pip install "torchbasics[name]"``.
        missing: One entry per required package that is not installed, or
            installed in a version the extra does not accept, e.g.
            ``"tensorboard (not installed)"`` or ``"scikit-learn 1.3.0 (needs >=1.4)"``.

    Examples:
        >>> ExtraStatus("data", ()).installed
        True
        >>> ExtraStatus("tensorboard", ("tensorboard (not installed)",)).installed
        False
    """

    name: str
    missing: tuple[str, ...]

    @property
    def installed(self) -> bool:
        """Whether everything the extra requires is installed."""
        return not self.missing


def _requirements(dist: importlib.metadata.Distribution) -> list[Requirement]:
    parsed = []
    for line in dist.requires or []:
        try:
            parsed.append(Requirement(line))
        except InvalidRequirement:  # pragma: no cover - metadata pip accepted
            continue
    return parsed


def _extra_requirements(requirements: Iterable[Requirement], extra: str) -> list[Requirement]:
    """The requirements that ``extra`` adds (their marker holds with that extra)."""
    return [r for r in requirements if r.marker is not None and r.marker.evaluate({"extra": extra})]


def _problems(requirements: list[Requirement], extra: str, name: str, seen: set[str]) -> list[str]:
    """What ``extra`` lacks; extras of the distribution itself are followed."""
    seen.add(extra)
    problems: list[str] = []
    for req in _extra_requirements(requirements, extra):
        if canonicalize_name(req.name) == canonicalize_name(name):  # torchbasics[data]
            for inner in sorted(req.extras - seen):
                found = _problems(requirements, inner, name, seen)
                problems += [p for p in found if p not in problems]
            continue
        try:
            version = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{req.name} (not installed)")
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name} {version} (needs {req.specifier})")
    return problems


def extras_status(
    dist: importlib.metadata.Distribution | None = None,
) -> list[ExtraStatus]:
    """Check every optional extra of the installed torchbasics.

    Args:
        dist: The distribution to check; ``None`` means the installed
            ``torchbasics``.

    Returns:
        One entry per extra, in the order the metadata declares them.

    Raises:
        importlib.metadata.PackageNotFoundError: torchbasics is not installed
            (only imported from a source folder).

    Examples:
        >>> from torchbasics._installation import extras_status
        >>> "data" in [extra.name for extra in extras_status()]
        True
    """
    dist = dist or importlib.metadata.distribution(DISTRIBUTION)
    name = dist.metadata["Name"] or DISTRIBUTION
    requirements = _requirements(dist)
    extras = dist.metadata.get_all("Provides-Extra") or []
    return [
        ExtraStatus(extra, tuple(_problems(requirements, extra, name, set()))) for extra in extras
    ]


def _direct_url(dist: importlib.metadata.Distribution) -> dict[str, object]:
    """PEP 610's record of where the distribution was installed from, if any."""
    try:
        data = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def install_command(
    extras: Sequence[str], dist: importlib.metadata.Distribution | None = None
) -> str:
    """The ``pip`` command that installs ``extras`` for this installation.

    It installs from where torchbasics itself came from: the package index,
    the same Git commit, or (for an editable install) the same checkout, so
    that adding an extra never swaps torchbasics for another version.

    Args:
        extras: The extras to install, e.g. ``["data"]``.
        dist: The distribution; ``None`` means the installed ``torchbasics``.

    Returns:
        A command to paste into a terminal, e.g.
        ``python -m pip install "torchbasics[data]"``.

    Examples:
        >>> from torchbasics._installation import install_command
        >>> install_command(["data", "tensorboard"]).startswith("python -m pip install ")
        True
    """
    dist = dist or importlib.metadata.distribution(DISTRIBUTION)
    name = dist.metadata["Name"] or DISTRIBUTION
    wanted = f"[{','.join(extras)}]" if extras else ""
    origin = _direct_url(dist)
    url = origin.get("url")
    pip = "python -m pip install"
    if isinstance(url, str) and url:
        vcs = origin.get("vcs_info")
        dir_info = origin.get("dir_info")
        if isinstance(vcs, dict):
            commit = vcs.get("commit_id")
            pin = f"@{commit}" if commit else ""
            return f'{pip} "{name}{wanted} @ {vcs.get("vcs", "git")}+{url}{pin}"'
        if url.startswith("file:"):
            path = url2pathname(unquote(urlsplit(url).path))
            editable = isinstance(dir_info, dict) and dir_info.get("editable")
            return f'{pip} {"-e " if editable else ""}"{path}{wanted}"'
        return f'{pip} "{name}{wanted} @ {url}"'
    return f'{pip} "{name}{wanted}"'


def _origin(dist: importlib.metadata.Distribution) -> str:
    origin = _direct_url(dist)
    url = origin.get("url")
    if not isinstance(url, str) or not url:
        return ""
    dir_info = origin.get("dir_info")
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict):
        commit = str(vcs.get("commit_id", ""))[:12]
        return f" (from {url}" + (f" at {commit})" if commit else ")")
    if url.startswith("file:"):
        editable = isinstance(dir_info, dict) and dir_info.get("editable")
        kind = "editable install" if editable else "installed"
        return f" ({kind} of {url2pathname(unquote(urlsplit(url).path))})"
    return f" (from {url})"


def report(dist: importlib.metadata.Distribution | None = None) -> str:
    """Everything ``python -m torchbasics`` prints.

    Args:
        dist: The distribution to check; ``None`` means the installed
            ``torchbasics``.

    Returns:
        A first line naming the torchbasics version and where it was
        installed from, the environment report, each extra with what it
        lacks, and the command that installs what is missing.

    Examples:
        >>> from torchbasics._installation import report
        >>> text = report()
        >>> text.splitlines()[0].startswith("torchbasics ")
        True
        >>> "optional extras:" in text
        True
    """
    try:
        dist = dist or importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        dist = None
    import torchbasics

    if dist is None:
        head = (
            f"torchbasics {torchbasics.__version__} (not installed: imported from "
            f"{torchbasics.__path__[0]})"
        )
    else:
        head = f"torchbasics {dist.version}{_origin(dist)}"
    lines = [head, environment_report(), ""]
    if dist is None:
        lines.append(
            "optional extras: unknown, torchbasics is not installed; "
            "in its checkout, run: python -m pip install -e ."
        )
        return "\n".join(lines)
    status = extras_status(dist)
    width = max((len(s.name) for s in status), default=0)
    lines.append("optional extras:")
    for extra in status:
        state = "installed" if extra.installed else "missing  "
        lines.append(f"  {extra.name:<{width}}  {state}  {_PURPOSE.get(extra.name, '')}".rstrip())
        if not extra.installed:
            lines.append(f"  {'':<{width}}  needs: {', '.join(extra.missing)}")
    missing = [s.name for s in status if not s.installed]
    lines.append("")
    if missing:
        lines += ["to install what is missing, run:", f"  {install_command(missing, dist)}"]
    else:
        lines.append("every optional extra is installed")
    return "\n".join(lines)


def main() -> int:
    """Print [`report()`][torchbasics._installation.report]; the exit status is 0."""
    sys.stdout.write(report() + "\n")
    return 0
