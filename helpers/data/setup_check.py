"""Is this machine ready for the course? A table of checks with ok/problem and how to fix each.

Used in notebook 00::

    from helpers.data import run_checks
    run_checks()          # one row per check: check, status, detail, fix

Checks: the Python version, every package pinned in ``requirements.txt`` (installed, same version),
the bundled datasets (present, row counts equal to ``datasets/truth.json``), ipywidgets (a widget
can be built), and a writable output folder.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes

from helpers import paths
from helpers.errors import DataProblem
from helpers.i18n import CJK_FAMILY, fontconfig_knows_cjk, language, setup_fonts, tr
from helpers.plotting import new_axes
from helpers.tables import TABLES

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["check_datasets", "check_output", "check_packages", "check_python", "check_widgets",
           "explore_signups", "plot_table_sizes", "read_pins", "run_checks", "signup_view",
           "SignupYears"]

MIN_PYTHON = (3, 11)


def read_pins(path: str | Path | None = None) -> dict[str, str]:
    """Package -> pinned version from ``requirements.txt`` (``name==version`` lines)."""
    f = Path(path) if path else paths.PROJECT_DIR / "requirements.txt"
    pins: dict[str, str] = {}
    if not f.is_file():
        return pins
    for line in f.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*==\s*([^\s#;]+)", line)
        if m:
            pins[re.sub(r"\[.*\]", "", m.group(1)).lower()] = m.group(2)
    return pins


def _row(check: str, ok: bool, detail: str, fix: str = "") -> dict[str, str]:
    return {"check": check, "status": "ok" if ok else "problem", "detail": detail,
            "fix": "" if ok else fix}


def check_python(minimum: tuple[int, int] = MIN_PYTHON) -> list[dict[str, str]]:
    """Python is recent enough."""
    v = sys.version_info
    ok = (v.major, v.minor) >= minimum
    return [_row(tr("python"), ok, f"Python {v.major}.{v.minor}.{v.micro}",
                 tr("install Python {major}.{minor} or newer, then `make lab`",
                    major=minimum[0], minor=minimum[1]))]


def check_packages(pins: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Each pinned package is installed at its pinned version."""
    pins = read_pins() if pins is None else pins
    rows = []
    for name, wanted in sorted(pins.items()):
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows.append(_row(tr("package {name}", name=name), False, tr("not installed"),
                             tr("pip install {name}=={wanted}  (or run `make lab`)",
                                name=name, wanted=wanted)))
            continue
        rows.append(_row(tr("package {name}", name=name), have == wanted,
                         tr("{have} (pinned {wanted})", have=have, wanted=wanted),
                         tr("pip install {name}=={wanted}; a different version may give other "
                            "numbers than the lessons show", name=name, wanted=wanted)))
    return rows


def check_datasets(data_dir: str | Path | None = None) -> list[dict[str, str]]:
    """Every course table is present and has the row count ``truth.json`` promises."""
    try:
        folder = paths.data_dir(data_dir)
    except DataProblem as exc:
        return [_row(tr("datasets"), False, str(exc), tr("run `python -m helpers.simulate` or give "
                                                     "the right data_dir"))]
    truth_file = folder / "truth.json"
    counts = {}
    if truth_file.is_file():
        counts = json.loads(truth_file.read_text(encoding="utf-8")).get("counts", {})
    rows = []
    for name in TABLES:
        f = folder / f"{name}.csv"
        if not f.is_file():
            rows.append(_row(tr("table {name}", name=name), False, tr("{file} missing", file=f),
                             tr("regenerate the data: `python -m helpers.simulate`")))
            continue
        with f.open("rb") as fh:
            n = sum(1 for _ in fh) - 1
        expected = counts.get(name)
        ok = expected is None or n == expected
        detail = (tr("{n} rows (truth.json: {expected})", n=n, expected=expected)
                  if expected is not None else tr("{n} rows", n=n))
        rows.append(_row(tr("table {name}", name=name), ok, detail,
                         tr("the file was changed or truncated; regenerate it with "
                            "`python -m helpers.simulate` (inputs are never edited by the "
                            "course)")))
    rows.append(_row("truth.json", truth_file.is_file(), str(truth_file),
                     tr("regenerate the data: `python -m helpers.simulate`")))
    return rows


def check_widgets() -> list[dict[str, str]]:
    """The widget library imports and a widget can be built (JupyterLab 4 shows it as is)."""
    try:
        widgets = importlib.import_module("ipywidgets")
        widgets.IntSlider(value=1)
        return [_row(tr("widgets"), True, f"ipywidgets {widgets.__version__}")]
    except Exception as exc:
        return [_row(tr("widgets"), False, tr("cannot build a widget: {error}", error=exc),
                     tr("pip install ipywidgets==8.1.9, then restart JupyterLab"))]


def check_output(output_dir: str | Path | None = "output") -> list[dict[str, str]]:
    """The output folder can be created and written."""
    try:
        folder = paths.output_dir(output_dir)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
        return [_row(tr("output folder"), True, tr("{folder} is writable", folder=folder))]
    except (OSError, ValueError) as exc:
        return [_row(tr("output folder"), False, str(exc),
                     tr("choose another output_dir in the parameters cell (a folder you can "
                        "write)"))]


def check_chinese() -> list[dict[str, str]]:
    """The Chinese edition: the CJK font for plots and for the browser, JupyterLab's language pack."""
    browser = fontconfig_knows_cjk()
    try:
        pack = f"jupyterlab-language-pack-zh-CN {metadata.version('jupyterlab-language-pack-zh-CN')}"
    except metadata.PackageNotFoundError:
        pack = ""
    return [
        _row("Chinese font (plots)", setup_fonts(), tr("{family} for matplotlib", family=CJK_FAMILY),
             tr("pip install -r requirements.txt (the package noto-cjk-sans-otc)")),
        _row("Chinese font (browser)", browser is not False,
             tr("fontconfig knows a Chinese font") if browser
             else tr("the system's fonts (macOS, Windows)") if browser is None
             else tr("fontconfig has no Chinese font"),
             tr("python -m helpers.i18n fonts --install, then reload the page")),
        _row("JupyterLab in Chinese", bool(pack), pack or tr("language pack not installed"),
             tr("pip install -r requirements.txt, then `make lab EDITION=zh`")),
    ]


def run_checks(data_dir: str | Path | None = None, output_dir: str | Path | None = "output"
               ) -> pd.DataFrame:
    """All checks as one table: Python, pinned packages, datasets, widgets, output folder.

    Parameters
    ----------
    data_dir : str or Path, optional
        The course data folder to check (default: the bundled ``datasets/``).
    output_dir : str or Path, optional
        The folder the course writes to.

    Returns
    -------
    DataFrame
        ``check, status (ok/problem), detail, fix``, one row per check.
    """
    rows = (check_python() + check_packages() + check_datasets(data_dir) + check_widgets()
            + check_output(output_dir) + check_chinese())
    return pd.DataFrame(rows, columns=["check", "status", "detail", "fix"])


class SignupYears:
    """The customers' signup years and kinds, read once for the signup widget.

    Parameters
    ----------
    customers : DataFrame
        The customers table (``signup_date``, ``customer_kind``).

    Raises
    ------
    DataProblem
        When ``signup_date`` or ``customer_kind`` is missing.
    """

    def __init__(self, customers: pd.DataFrame) -> None:
        if "signup_date" not in customers or "customer_kind" not in customers:
            raise DataProblem("signup_view needs the columns signup_date and customer_kind")
        self.years = pd.to_datetime(customers["signup_date"]).dt.year.to_numpy()
        kind = customers["customer_kind"].to_numpy()
        self.individual, self.organisation = kind == "individual", kind == "organisation"


def signup_view(customers: pd.DataFrame | SignupYears, year: int) -> dict[str, int]:
    """Customers whose record was created in ``year``, by kind (the pure part of the widget).

    ``customers`` may be the table or :class:`SignupYears` read from it once (what the widget
    does, so moving the slider does not parse the dates again).

    Raises
    ------
    DataProblem
        When ``signup_date`` or ``customer_kind`` is missing.

    Examples
    --------
    >>> signup_view(pd.DataFrame({"signup_date": ["2024-01-05", "2023-02-01"],
    ...                           "customer_kind": ["individual", "organisation"]}), 2024)
    {'individual': 1, 'organisation': 0}
    """
    prep = customers if isinstance(customers, SignupYears) else SignupYears(customers)
    in_year = prep.years == year
    return {"individual": int((in_year & prep.individual).sum()),
            "organisation": int((in_year & prep.organisation).sum())}


def explore_signups(customers: pd.DataFrame) -> ipywidgets.Widget:
    """Widget: a year slider; the text below says how many customers signed up that year.

    Parameters
    ----------
    customers : DataFrame
        The customers table (``signup_date``, ``customer_kind``).

    Returns
    -------
    ipywidgets.Widget
    """
    # deferred: ipywidgets is only needed for the widget (run_checks reports it when missing)
    import ipywidgets as w

    prep = SignupYears(customers)  # dates parsed once, not on every move of the slider
    years = pd.Series(prep.years)
    slider = w.IntSlider(value=int(years.max()), min=int(years.min()), max=int(years.max()),
                         description=tr("Year"))
    label = w.HTML()

    def redraw(*_: object) -> None:
        v = signup_view(prep, slider.value)
        label.value = tr("<b>{year}</b>: {individual} individual and {organisation} "
                         "organisational customers signed up", year=slider.value,
                         individual=v["individual"], organisation=v["organisation"])

    slider.observe(redraw, names="value")
    redraw()
    return w.VBox([slider, label])


def plot_table_sizes(sizes: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bar chart of rows per course table (log scale: the tables differ a hundredfold).

    Parameters
    ----------
    sizes : DataFrame
        ``table, rows`` (from :meth:`helpers.data.CourseData.sizes`).
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (6, 3))
    s = sizes.sort_values("rows")
    names = [f"{TABLES[t].zh} {t}" if language() == "zh" and t in TABLES else t
             for t in s["table"]]  # the Chinese edition shows each table's Chinese name too
    ax.barh(names, s["rows"], color="#4c72b0")
    ax.set_xscale("log")
    ax.set_xlabel(tr("rows (log scale)"))
    ax.set_ylabel(tr("table"))
    ax.set_title(tr("The course's tables"))
    return ax

