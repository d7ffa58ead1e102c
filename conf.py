"""The one base Sphinx configuration of every course pack.

Each pack's build passes only what differs (title, language, edition) as config overrides; trainer values
never reach this file as code. The settings below lock MyST and docutils down so that trainer text cannot
insert raw HTML, include files from disk or run code (see docs/security.md), and keep the site
self-contained: no CDN, no remote font, search included, so it works offline.
"""

from build_tools.content_lint import MYST_EXTENSIONS

project = "Course pack"
author = "International Training Centre of the ILO"
language = "en"
root_doc = "index"

extensions = ["myst_parser", "build_tools.searchstem", "build_tools.sitenav",  # faster, same output
              "build_tools.site.themes"]
myst_enable_extensions = list(MYST_EXTENSIONS)       # colon_fence, deflist: markup only, nothing that runs code
myst_disable_syntax = ["html_block", "html_inline"]  # raw HTML in Markdown is shown as text, never passed through
myst_url_schemes = ["http", "https", "mailto"]
myst_heading_anchors = 3

html_theme = "furo"  # or any installed Sphinx theme: see coursepack_themes
templates_path = ["templates/site/_templates"]  # templates for every theme (the language switcher)
html_context = {"coursepack_languages": [], "coursepack_languages_label": "Languages",  # set per pack
                "coursepack_labels": {"site_navigation": "Site navigation", "page_contents": "Contents of this page",
                                      "edition": "Edition"},
                "coursepack_brand": {}}  # the centre's branding: build_tools/site/brand.py
html_title = "Course pack"
html_static_path = ["templates/site/static"]
html_css_files = ["coursepack.css"]
html_copy_source = False        # no _sources/: the published site holds pages, not their MyST
html_show_sourcelink = False
html_show_sphinx = False
html_show_copyright = False     # the footer shows the centre's notice (curriculum/branding.yml) instead
html_last_updated_fmt = None
html_use_index = False          # nothing links to genindex.html (the glossary is its own page); not worth a page
html_show_search_summary = False  # summaries are fetched with fetch(), which browsers refuse on file://
html_permalinks_icon = "#"

# What only one theme understands, by theme: the entry of `html_theme` is applied, no other
# (build_tools/site/themes.py), so changing `html_theme` alone gives a working site. Settings for every
# theme stay above; a `html_theme_options` or `html_sidebars` set above wins over the entry's.
coursepack_themes = {
    "furo": {
        "html_theme_options": {
            "navigation_with_keys": True,
            "top_of_page_buttons": [],
        },
        "html_sidebars": {"**": ["sidebar/brand.html", "sidebar/languages.html", "sidebar/search.html",
                                 "sidebar/scroll-start.html", "sidebar/navigation.html",
                                 "sidebar/scroll-end.html"]},
        "templates_path": ["templates/site/furo"],  # labelled landmarks, the centre's footer
        "edition_option": "announcement",
    },
    "pydata_sphinx_theme": {
        "html_theme_options": {"navigation_with_keys": True, "show_version_warning_banner": False},
        "html_sidebars": {"**": ["sidebar/languages.html", "sidebar-nav-bs.html"]},
        "html_context": {"default_mode": "auto"},  # light or dark as the reader's system says
        "edition_option": "announcement",
    },
    "alabaster": {
        "html_theme_options": {"show_powered_by": False},
        "html_sidebars": {"**": ["about.html", "sidebar/languages.html", "searchfield.html", "navigation.html"]},
        "edition_option": "description",
    },
}

# Warnings fail the build (coursepack counts them); be strict about references between pages.
nitpicky = True


def _lock_down_docutils(app):
    """No raw directive and no file insertion (include, literalinclude, csv-table :file:), whatever the input."""
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


def setup(app):
    app.connect("builder-inited", _lock_down_docutils)
    return {"parallel_read_safe": True}
