"""A pack's effective Sphinx configuration: the repository's ``conf.py``, then what the pack changes.

The pack's settings win key by key: a dict option (``html_theme_options``, ``html_context``) is merged
with the one ``conf.py`` sets, so a theme option or a context value a user puts in ``conf.py`` survives.
The result is also written as ``conf.py`` beside the pack's generated sources (:func:`conf_text`), so that
plain ``sphinx-build _build/.work/<pack-id>/src OUT`` builds the same pages as ``coursepack build``.
"""

from __future__ import annotations

import pprint
from pathlib import Path

CONF = "conf.py"

PATH_OPTIONS = ("templates_path", "html_static_path", "html_extra_path", "locale_dirs")
"""Options holding folders relative to the folder of ``conf.py``: made absolute in the written copy."""
FILE_OPTIONS = ("html_logo", "html_favicon")
"""Options holding one file relative to the folder of ``conf.py`` (or a URL): made absolute too."""


def base_config(confdir: Path) -> dict:
    """The values the repository's ``conf.py`` sets, as Sphinx reads them."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    return eval_config_file(confdir / CONF, Tags())


def merged_overrides(confdir: Path, overrides: dict) -> dict:
    """``overrides`` with each dict option merged into the one ``conf.py`` sets (the pack's keys win)."""
    from sphinx.errors import SphinxError

    try:
        base = base_config(confdir)
    except SphinxError:  # conf.py itself is wrong: Sphinx says so when it builds the site (site/build.py)
        return overrides
    return {key: {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict)
            else value for key, value in overrides.items()}


def conf_text(confdir: Path, overrides: dict) -> str:
    """A ``conf.py`` that runs the repository's ``conf.py`` then sets ``overrides`` (literals)."""
    lines = [
        '"""This pack\'s Sphinx configuration, written by coursepack: the repository\'s conf.py, then the',
        "pack's settings. `sphinx-build <this folder> OUT` builds the pack's site as `coursepack build` does.",
        '"""',
        "import os as _os",
        "import sys as _sys",
        "",
        f"_repository = {str(confdir.resolve())!r}",
        "_sys.path.insert(0, _repository)",
        f"_conf = _os.path.join(_repository, {CONF!r})",
        "_namespace = {**globals(), '__file__': _conf}",
        "with open(_conf, encoding='utf-8') as _file:",
        "    exec(compile(_file.read(), _conf, 'exec'), _namespace)",
        "globals().update({_k: _v for _k, _v in _namespace.items() if _k != '__file__'})",
        "for _name in " + repr(PATH_OPTIONS) + ":",
        "    if _name in globals():",
        "        globals()[_name] = [_os.path.join(_repository, _p) for _p in globals()[_name]]",
        "for _settings in globals().get('coursepack_themes', {}).values():  # one theme's own templates",
        "    if 'templates_path' in _settings:",
        "        _settings['templates_path'] = [_os.path.join(_repository, _p) for _p in _settings['templates_path']]",
        "for _name in " + repr(FILE_OPTIONS) + ":",
        "    if globals().get(_name) and '://' not in globals()[_name]:",
        "        globals()[_name] = _os.path.join(_repository, globals()[_name])",
        "",
    ]
    for key, value in overrides.items():
        lines.append(f"{key} = {pprint.pformat(value, width=100, sort_dicts=False)}")
    return "\n".join(lines) + "\n"
