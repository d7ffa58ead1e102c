"""Sphinx extension: each theme gets only its own settings, so that any installed theme builds a pack.

Theme options, sidebars and template overrides belong to one theme: furo refuses alabaster's options
("unsupported theme option", a warning, so a failed build), and alabaster has no ``sidebar/brand.html``.
``conf.py`` therefore keeps them in one table, ``coursepack_themes``, theme name → settings::

    coursepack_themes = {"furo": {"html_theme_options": {...}, "html_sidebars": {...},
                                  "templates_path": [...], "edition_option": "announcement"}}

When Sphinx has read the configuration (``conf.py`` and the pack's overrides), the entry of the theme in
use, and no other, is applied: its ``html_theme_options`` under those ``conf.py`` sets for every theme
(which win), its ``html_context`` likewise, its ``html_sidebars`` where ``conf.py`` sets none, its ``templates_path`` before the common
one. A theme without an entry gets nothing but the common settings.

The pack passes the facilitator edition's label as ``coursepack_edition_notice``; it goes into the theme
option the entry names as ``edition_option`` (furo's and pydata's ``announcement`` banner, alabaster's
``description`` under the title). Every page's ``<title>`` names the edition in any theme (``html_title``).
"""

from __future__ import annotations

SETTINGS = ("html_theme_options", "html_sidebars", "html_context", "templates_path", "edition_option")


def setup(app):
    app.add_config_value("coursepack_themes", {}, "html", types=frozenset({dict}))
    app.add_config_value("coursepack_edition_notice", "", "html", types=frozenset({str}))
    app.connect("config-inited", apply_theme_settings)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def apply_theme_settings(app, config) -> None:
    """Put the settings of ``config.html_theme``'s entry where Sphinx and the theme read them."""
    from sphinx.errors import ConfigError

    entry = config.coursepack_themes.get(config.html_theme, {})
    unknown = sorted(set(entry) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"coursepack_themes[{config.html_theme!r}] has unknown settings {unknown}; "
                          f"an entry holds only {', '.join(SETTINGS)}")
    options = {**entry.get("html_theme_options", {}), **config.html_theme_options}
    if config.coursepack_edition_notice and entry.get("edition_option"):
        options[entry["edition_option"]] = config.coursepack_edition_notice
    config.html_theme_options = options
    if not config.html_sidebars:
        config.html_sidebars = dict(entry.get("html_sidebars", {}))
    config.html_context = {**entry.get("html_context", {}), **config.html_context}
    config.templates_path = [*entry.get("templates_path", []), *config.templates_path]
