"""Sphinx configuration of the course site (``make site``; built by ``python -m helpers.site site``).

The sources are staged by :func:`helpers.site.build_site` into ``build/site-src/<lang>/``: the
lessons, the executed notebooks (``make course``; never re-executed here), the agenda and the
glossary, with an ``index.md`` whose tables of contents follow the course map. Everything a page
loads is in the built folder: the theme's own files, Sphinx's search index, and the vendored
widget renderer (``helpers/site/vendor``) for the notebooks' stored widget state. Math is off (the
course has no formulas), so no MathJax is loaded either. The result opens from ``file://``.
"""

from pathlib import Path

# helpers/site/vendor (helpers.site.VENDOR_DIR), found from here: importing the package would cost
# the build seconds of imports it does not need
VENDOR_DIR = Path(__file__).resolve().parent.parent / "helpers" / "site" / "vendor"

project = "Customer classification for sales teams · 客户分类"
author = "Course authors"
language = "en"  # the Chinese build passes -D language=zh_CN
extensions = ["myst_nb"]
exclude_patterns = ["**/output/**", "**/_vendor/**", "**.ipynb_checkpoints"]

# notebooks are shown as executed by `make course`; the site build never runs them
nb_execution_mode = "off"
nb_merge_streams = True
# stored widget state is drawn by the vendored renderer, loaded from _static/ (no CDN)
nb_ipywidgets_js = {
    "require.js": {},
    "embed-amd.js": {"data-jupyter-widgets-cdn": "_static/", "data-jupyter-widgets-cdn-only": ""},
}
myst_enable_extensions = ["colon_fence", "deflist"]  # no dollarmath: "$" stays text
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "myst.xref_missing", "misc.highlighting_failure",
                     "toc.not_included", "mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = "Customer classification · 客户分类"
html_static_path = ["_static", str(VENDOR_DIR)]
html_css_files = ["course.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
