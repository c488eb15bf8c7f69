"""MkDocs hook: the theme's Jinja templates are compiled once, not on every build.

MkDocs creates a new Jinja environment for every build, and
mkdocs-static-i18n builds once per language, so Material's templates (main.html
and the ~40 partials a page includes) were compiled from source again and
again: about a second per language on the 2-core CI machine. Jinja's own
bytecode cache stores the compiled templates; it checks each template's source
checksum before using one, writes atomically, and its files carry the Python
bytecode version. Compiled code also depends on the environment's settings,
so the folder is keyed on those, on Python and on every installed library.
It lives in ``<cache root>/jinja/<key>/``.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

from coursebuild import cache_root
from coursebuild.pagecache import digest, environment_key

_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "finalize",
)


@event_priority(100)  # first: before any on_env of a plugin could load a template
def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    if env.bytecode_cache is None:
        root = cache_root(Path(config.config_file_path).parent)
        folder = root / "jinja" / compiled_key(env)
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    return env


def compiled_key(env: jinja2.Environment) -> str:
    """What the compiled code of a template depends on, besides its source."""
    return digest(
        [
            Path(__file__).read_bytes(),
            *environment_key(),
            *(f"{name}={_describe(getattr(env, name))}" for name in _SETTINGS),
            "extensions=" + ",".join(sorted(env.extensions)),
            # an unknown filter or test is a compile-time error
            "filters=" + ",".join(sorted(env.filters)),
            "tests=" + ",".join(sorted(env.tests)),
        ]
    )[:16]


def _describe(value: object) -> str:
    """``repr``, except that a function is named (its repr holds an address)."""
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
    return repr(value)
