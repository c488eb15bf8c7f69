"""Progress bars with tqdm: shown to a person, silent for logs and CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")

PROGRESS_ENV_VAR = "TORCHBASICS_PROGRESS"
"""Environment variable that forces progress bars on (``1``) or off (``0``) everywhere."""

_OFF = {"0", "false", "no", "off"}


def progress_enabled(requested: bool = True) -> bool:
    """Whether to draw progress bars.

    ``requested=False`` always wins. Otherwise ``TORCHBASICS_PROGRESS``
    decides when set; then bars are off when the ``CI`` variable is set, on
    in a Jupyter kernel, and on only if standard error is a terminal
    elsewhere (so a redirected log is not filled with bar updates).

    Examples:
        >>> import os
        >>> from unittest import mock
        >>> progress_enabled(False)
        False
        >>> with mock.patch.dict(os.environ, {"TORCHBASICS_PROGRESS": "1"}):
        ...     progress_enabled()
        True
    """
    if not requested:
        return False
    forced = os.environ.get(PROGRESS_ENV_VAR, "").strip().lower()
    if forced:
        return forced not in _OFF
    if os.environ.get("CI"):
        return False
    if _in_jupyter():
        return True
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


def _in_jupyter() -> bool:
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _bar_class() -> type[tqdm[Any]]:
    """The notebook widget bar in Jupyter when ipywidgets is there, else the text bar."""
    if _in_jupyter():
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as notebook_tqdm
        except ImportError:
            return tqdm
        return notebook_tqdm
    return tqdm


def progress_bar(iterable: Iterable[T], *, enabled: bool, **kwargs: Any) -> tqdm[T]:
    """Wrap ``iterable`` in a tqdm bar; a disabled bar costs nothing per item."""
    if not enabled:
        return tqdm(iterable, disable=True)
    return _bar_class()(iterable, dynamic_ncols=True, **kwargs)
