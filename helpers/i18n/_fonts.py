"""The Chinese font: Noto Sans CJK for matplotlib (plots) and fontconfig (the browser).

The font comes from the PyPI package ``noto-cjk-sans-otc`` (``NotoSansCJK-Regular.ttc``, SIL Open
Font License 1.1, about 19 MB). :func:`setup_fonts` registers it with matplotlib and puts its
Simplified Chinese face after DejaVu Sans in ``font.sans-serif`` and after the generic family in
``font.family``: matplotlib falls back glyph by glyph along ``font.family``, so Latin text keeps
DejaVu Sans and Chinese characters come from Noto, in both editions
(English notebooks show Chinese terms too). It runs when :mod:`helpers.plotting` is imported and
whenever :func:`~helpers.i18n.set_language` is called; it is cheap (about 20 ms once) and
idempotent.

Browsers (JupyterLab, Voilà, HTML exports) take fonts from the system: ``python -m helpers.i18n
fonts --install`` copies the file into the user's font folder and refreshes fontconfig's cache
(Linux; macOS and Windows ship Chinese fonts). :func:`font_face_css` gives an ``@font-face`` rule
for HTML pages that carry the file themselves.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from helpers.i18n._core import _HOOKS

#: The family of the collection's Simplified Chinese face, as matplotlib and fontconfig name it.
CJK_FAMILY = "Noto Sans CJK SC"
FONT_FILE = "NotoSansCJK-Regular.ttc"
PACKAGE = "noto_cjk_sans_otc"
#: Where ``fonts --install`` puts the file (the per-user fontconfig folder on Linux).
USER_FONT_DIR = Path.home() / ".local" / "share" / "fonts"
_DONE: dict[str, bool] = {}


def cjk_font_path() -> Path | None:
    """The Noto Sans CJK font file of the installed package, or None when it is not installed.

    >>> cjk_font_path().name
    'NotoSansCJK-Regular.ttc'
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / FONT_FILE
    return path if path.is_file() else None


def setup_fonts(lang: str | None = None) -> bool:
    """Make matplotlib draw Chinese characters with Noto Sans CJK (idempotent).

    Parameters
    ----------
    lang : str, optional
        The edition's language (unused: both editions get the font; the argument lets this be a
        :func:`~helpers.i18n.set_language` hook).

    Returns
    -------
    bool
        Whether the CJK font is available to matplotlib.

    Examples
    --------
    >>> setup_fonts()
    True
    >>> import matplotlib as mpl
    >>> mpl.rcParams["font.sans-serif"].index("Noto Sans CJK SC") > 0
    True
    >>> mpl.rcParams["font.family"][-1]
    'Noto Sans CJK SC'
    """
    path = cjk_font_path()
    if path is None:
        return False
    if not _DONE.get(str(path)):
        font_manager.fontManager.addfont(str(path))
        _DONE[str(path)] = True
    families = list(mpl.rcParams["font.sans-serif"])
    if CJK_FAMILY not in families:
        at = families.index("DejaVu Sans") + 1 if "DejaVu Sans" in families else 0
        families.insert(at, CJK_FAMILY)
        mpl.rcParams["font.sans-serif"] = families
    # matplotlib falls back glyph by glyph along font.family (each entry resolved to one font),
    # not along font.sans-serif: the CJK family goes after the generic family there too
    family = list(mpl.rcParams["font.family"])
    if CJK_FAMILY not in family:
        mpl.rcParams["font.family"] = [*family, CJK_FAMILY]
    return True


def fontconfig_knows_cjk() -> bool | None:
    """Whether fontconfig (what Linux browsers use) has a Simplified Chinese font.

    Returns
    -------
    bool or None
        None where fontconfig is not installed (macOS, Windows: they ship Chinese fonts).
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    found = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True,
                           check=False, timeout=60)
    return bool(found.stdout.strip())


def install_user_font(folder: Path = USER_FONT_DIR) -> Path:
    """Copy the font into ``folder`` (the user's font folder) and refresh fontconfig's cache.

    Parameters
    ----------
    folder : Path
        Where the font goes (default ``~/.local/share/fonts``).

    Returns
    -------
    Path
        The installed file (already there with the same size: left as it is, and the cache is
        refreshed only if fontconfig does not know a Chinese font).

    Raises
    ------
    FileNotFoundError
        When the font package is not installed (``pip install -r requirements.txt``).
    """
    source = cjk_font_path()
    if source is None:
        raise FileNotFoundError(f"the font package {PACKAGE} is not installed; run "
                                "`pip install -r requirements.txt` (or `make install`)")
    target = Path(folder) / FONT_FILE
    copied = not target.exists() or target.stat().st_size != source.stat().st_size
    if copied:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    fc_cache = shutil.which("fc-cache")
    # refreshing the cache takes seconds: only when the file is new or fontconfig lacks it
    if fc_cache is not None and (copied or fontconfig_knows_cjk() is False):
        subprocess.run([fc_cache, "-f", str(target.parent)], capture_output=True, check=False,
                       timeout=300)
    return target


def font_face_css(url: str | None = None) -> str:
    """An ``@font-face`` rule naming the CJK font, for HTML pages (exports, the course site).

    Parameters
    ----------
    url : str, optional
        Where the page finds the font (e.g. ``_static/fonts/NotoSansCJK-Regular.ttc``); default:
        the installed file's ``file://`` URI.

    Returns
    -------
    str
        The CSS rule (empty when the font is not installed and no ``url`` is given).

    Examples
    --------
    >>> print(font_face_css("fonts/x.ttc"))
    @font-face { font-family: "Noto Sans CJK SC"; src: url("fonts/x.ttc"); }
    """
    if url is None:
        path = cjk_font_path()
        if path is None:
            return ""
        url = path.as_uri()
    return f'@font-face {{ font-family: "{CJK_FAMILY}"; src: url("{url}"); }}'


if setup_fonts not in _HOOKS:
    _HOOKS.append(setup_fonts)
