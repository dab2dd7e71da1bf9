"""Experiments that feed the playbooks: measured uplift per collection play and per call script.

The collection playbook (``collection_playbook.yaml``) and the worked case of lesson 10 use a
planning ``uplift`` per play: the share of the remaining non-payers a play converts,
``p_new = p + uplift × (1 - p)``. The randomised experiments in ``datasets/experiments/``
measure it instead:

1. :func:`load_experiments` reads the two experiment files (``collection_plays.csv``,
   ``call_scripts.csv``);
2. :func:`experiment_uplifts` (and its two shortcuts :func:`play_uplifts`,
   :func:`script_uplifts`) gives, per play or script, the two arms' counts and rates, the
   difference of rates with Newcombe's 95 % interval, the relative uplift on the playbook's
   scale ``(p_treatment - p_control) / (1 - p_control)`` with a score interval, the two-sided
   p-value, and the sample-ratio-mismatch check of the arm counts (:func:`srm_check`);
3. :func:`estimated_playbook` writes the measured uplift into the playbook's frame, keeping the
   YAML assumption only where no experiment exists (``source`` = ``assumed``);
   :func:`estimated_scripts` does the same for the script library. Write either with
   :func:`helpers.data.write_table`; :func:`playbook_with_estimates` gives the playbook itself
   with the estimated uplifts, for the worked case and the work queue.

The relative uplift of a type's play over the stage's default play, ``r``, is turned into the
playbook's scale (uplift over doing nothing) with the default play's own assumed uplift ``u_d``:
``u = u_d + r × (1 - u_d)``, so that the worked case's gain of the type's play over the default
play is exactly what the experiment measured, whatever the account's current chance to pay.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import DataProblem, require_columns, rows_preview
from helpers.i18n import tr
from helpers.paths import DATASETS_DIR
from helpers.plotting import new_axes
from helpers.receivables import CollectionPlaybook, load_collection_playbook

from ._script_library import ScriptLibrary, load_scripts
from ._stats import scipy_stats, wilson_interval

__all__ = [
    "Experiments",
    "estimated_playbook",
    "estimated_scripts",
    "experiment_uplifts",
    "load_experiments",
    "play_uplifts",
    "plot_uplifts",
    "playbook_with_estimates",
    "script_uplifts",
    "srm_check",
    "uplift_intervals",
]

#: The p-value under which the arm counts are said to mismatch the planned split (convention).
SRM_ALPHA = 0.001
_PLAYS_COLUMNS = ["stage", "customer_type", "arm", "paid_30d"]
_SCRIPTS_COLUMNS = ["script_id", "stage", "arm", "success"]


class Experiments(NamedTuple):
    """The two randomised experiments: one row per account (``plays``) or call (``scripts``)."""

    plays: pd.DataFrame
    scripts: pd.DataFrame


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise DataProblem(f"{path}: experiment file not found; generate the data with "
                          "`python -m helpers.simulate` or give data_dir the folder that holds "
                          "experiments/.")
    frame = pd.read_csv(path)
    require_columns(frame, columns, str(path),
                    fix="rename your export's columns to these (see datasets/README.md).")
    return frame


def load_experiments(data_dir: str | Path | None = None) -> Experiments:
    """Read ``experiments/collection_plays.csv`` and ``experiments/call_scripts.csv``.

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder holding ``experiments/`` (default: the bundled ``datasets/``).

    Returns
    -------
    Experiments
        ``plays`` (``stage, customer_type, arm, paid_30d``) and ``scripts`` (``script_id,
        stage, arm, success``).

    Raises
    ------
    DataProblem
        If a file is missing or lacks a column.

    Examples
    --------
    >>> exp = load_experiments()
    >>> len(exp.plays), len(exp.scripts)
    (2000, 2080)
    """
    folder = (DATASETS_DIR if data_dir is None else Path(data_dir)) / "experiments"
    return Experiments(_read(folder / "collection_plays.csv", _PLAYS_COLUMNS),
                       _read(folder / "call_scripts.csv", _SCRIPTS_COLUMNS))


def srm_check(counts: pd.Series | list[int] | np.ndarray, planned: list[float] | None = None,
              alpha: float = SRM_ALPHA) -> dict[str, float | bool]:
    """Check for a sample-ratio mismatch: do the arm counts fit the planned split.

    A chi-square goodness-of-fit test of the counts against the planned shares; a p-value under
    ``alpha`` (0.001 by convention) means the randomisation or the logging is broken and the
    test's result should not be trusted until the cause is found.

    Parameters
    ----------
    counts : sequence of int
        Units (calls, accounts) per arm.
    planned : sequence of float, optional
        Planned share of each arm (default: equal shares); normalised to sum to 1.
    alpha : float
        Flag when the p-value is below this.

    Returns
    -------
    dict
        ``chi2``, ``p_value`` and ``mismatch`` (True when flagged).

    Raises
    ------
    DataProblem
        If there are fewer than two arms, a negative count, no units, or shares that do not
        match the arms.

    Examples
    --------
    >>> srm_check([5000, 5000])["mismatch"], srm_check([5200, 4800])["mismatch"]
    (False, True)
    """
    obs = np.asarray(counts, dtype=float)
    shares = np.full(len(obs), 1.0) if planned is None else np.asarray(planned, dtype=float)
    if obs.ndim != 1 or len(obs) < 2 or (obs < 0).any() or obs.sum() <= 0:
        raise DataProblem(f"srm_check needs two or more non-negative arm counts with some units, "
                          f"got {obs.tolist()}")
    if shares.shape != obs.shape or (shares <= 0).any():
        raise DataProblem(f"planned shares {shares.tolist()} must be positive, one per arm "
                          f"({len(obs)} arms)")
    expected = obs.sum() * shares / shares.sum()
    chi2, p_value = scipy_stats().chisquare(obs, expected)
    return {"chi2": float(chi2), "p_value": float(p_value), "mismatch": bool(p_value < alpha)}


def _restricted_failure(theta: np.ndarray, f_t: np.ndarray, n_t: np.ndarray, f_c: np.ndarray,
                        n_c: np.ndarray) -> np.ndarray:
    """MLE of the control failure rate under ``q_treat = theta × q_control`` (Farrington-Manning)."""
    a = theta * (n_t + n_c)
    b = -(theta * (n_t + f_c) + f_t + n_c)
    c = f_t + f_c
    return (-b - np.sqrt(np.maximum(b * b - 4 * a * c, 0.0))) / (2 * a)


def _score_z(theta: np.ndarray, f_t: np.ndarray, n_t: np.ndarray, f_c: np.ndarray,
             n_c: np.ndarray) -> np.ndarray:
    """Miettinen-Nurminen score statistic of the failure-rate ratio ``theta`` (falls in theta)."""
    q_c = _restricted_failure(theta, f_t, n_t, f_c, n_c)
    q_t = np.clip(theta * q_c, 0.0, 1.0)
    total = n_t + n_c
    var = (q_t * (1 - q_t) / n_t + theta**2 * q_c * (1 - q_c) / n_c) * total / (total - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (f_t / n_t - theta * f_c / n_c) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def _ratio_bound(target: float, f_t: np.ndarray, n_t: np.ndarray, f_c: np.ndarray,
                 n_c: np.ndarray) -> np.ndarray:
    """The ratio theta where the score statistic equals ``target`` (bisection on log theta)."""
    lo, hi = np.full(f_t.shape, -20.0), np.full(f_t.shape, 20.0)
    for _ in range(80):
        mid = (lo + hi) / 2
        above = _score_z(np.exp(mid), f_t, n_t, f_c, n_c) > target
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return np.exp((lo + hi) / 2)


def uplift_intervals(x_treat: np.ndarray, n_treat: np.ndarray, x_control: np.ndarray,
                     n_control: np.ndarray, level: float = 0.95) -> pd.DataFrame:
    """Difference of rates and relative uplift, each with its interval (arrays of arms).

    The difference ``p_treatment - p_control`` gets Newcombe's hybrid score interval; the
    relative uplift ``(p_treatment - p_control) / (1 - p_control) = 1 - q_treatment / q_control``
    (``q``: the failure rate) gets the Miettinen-Nurminen score interval of the failure-rate
    ratio, which stays valid with few or no failures (no control failure: no lower bound).

    Parameters
    ----------
    x_treat, n_treat, x_control, n_control : array-like of int
        Successes and units of the treatment and control arms, one entry per experiment.
    level : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        ``rate_treatment, rate_control, diff, diff_low, diff_high, uplift, uplift_low,
        uplift_high, p_value`` (two-sided pooled z test of equal rates; 1 when nothing varies).

    Raises
    ------
    DataProblem
        If an arm has no units or more successes than units.

    Examples
    --------
    >>> out = uplift_intervals([30], [40], [20], [40])
    >>> out[["diff", "uplift"]].round(3).values.tolist()
    [[0.25, 0.5]]
    """
    xt, nt, xc, nc = (np.atleast_1d(np.asarray(v, dtype=float))
                      for v in (x_treat, n_treat, x_control, n_control))
    if (nt <= 0).any() or (nc <= 0).any() or (xt < 0).any() or (xc < 0).any() \
            or (xt > nt).any() or (xc > nc).any():
        raise DataProblem("every arm needs units and 0 <= successes <= units; check the arm "
                          f"labels and the outcome column (treatment {xt.tolist()}/{nt.tolist()},"
                          f" control {xc.tolist()}/{nc.tolist()})")
    z = float(scipy_stats().norm.ppf(0.5 + level / 2))
    pt, pc = xt / nt, xc / nc
    (lt, ut), (lc, uc) = wilson_interval(xt, nt, z), wilson_interval(xc, nc, z)
    diff = pt - pc
    ft, fc = nt - xt, nc - xc
    theta_high = np.where(fc > 0, _ratio_bound(-z, ft, nt, fc, nc), np.inf)
    theta_low = np.where(ft > 0, _ratio_bound(z, ft, nt, fc, nc), 0.0)
    pooled = (xt + xc) / (nt + nc)
    se = np.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = np.where(se > 0, 2 * scipy_stats().norm.sf(np.abs(diff) / se), 1.0)
        uplift = np.where(fc > 0, diff / (1 - pc), np.where(ft > 0, -np.inf, 0.0))
    return pd.DataFrame({
        "rate_treatment": pt, "rate_control": pc, "diff": diff,
        "diff_low": diff - np.sqrt((pt - lt) ** 2 + (uc - pc) ** 2),
        "diff_high": diff + np.sqrt((ut - pt) ** 2 + (pc - lc) ** 2),
        "uplift": uplift, "uplift_low": 1 - theta_high, "uplift_high": 1 - theta_low,
        "p_value": p_value,
    })


def _as_success(values: pd.Series, frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    """The outcome column as booleans; anything but yes/no values is a DataProblem."""
    text = values.astype(str).str.strip().str.lower()
    known = {"true": True, "1": True, "yes": True, "1.0": True,
             "false": False, "0": False, "no": False, "0.0": False}
    bad = ~text.isin(known) | values.isna()
    if bad.any():
        raise DataProblem(f"{what}: column {column!r} must be yes/no (True/False, 1/0); "
                          f"{int(bad.sum())} row(s) are not:\n"
                          f"{rows_preview(frame, bad.to_numpy(), [column])}")
    return text.map(known).astype(bool)


# Long: checks arms and outcome, counts per unit, then assembles the table (about 35 lines)
def experiment_uplifts(trials: pd.DataFrame, by: list[str], outcome: str, treatment: str,
                       control: str, arm: str = "arm", level: float = 0.95,
                       planned_share: float = 0.5) -> pd.DataFrame:
    """Per experiment unit (play, script): counts, rates, uplift with intervals, SRM check.

    Parameters
    ----------
    trials : DataFrame
        One row per randomised unit: the ``by`` columns, ``arm`` and ``outcome``.
    by : list of str
        Columns naming the experiment a row belongs to (``["stage", "customer_type"]``).
    outcome : str
        Yes/no column: did the unit succeed.
    treatment, control : str
        Labels of the two arms in ``arm``.
    arm : str
        Column naming the arm.
    level : float
        Level of the intervals.
    planned_share : float
        Planned share of the treatment arm (for the sample-ratio-mismatch check).

    Returns
    -------
    DataFrame
        One row per experiment: the ``by`` columns, ``n_treatment, n_control, x_treatment,
        x_control`` and the columns of :func:`uplift_intervals`, then ``srm_p_value`` and
        ``srm_mismatch`` (p < 0.001).

    Raises
    ------
    DataProblem
        If a column is missing, an arm label is unknown, the outcome is not yes/no, or an
        experiment lacks one of its arms.
    """
    what = f"experiment ({', '.join(by)})"
    require_columns(trials, [*by, arm, outcome], what)
    unknown = ~trials[arm].isin([treatment, control])
    if unknown.any():
        raise DataProblem(f"{what}: column {arm!r} may only hold {treatment!r} or {control!r}; "
                          f"{int(unknown.sum())} row(s) do not:\n"
                          f"{rows_preview(trials, unknown.to_numpy(), [*by, arm])}")
    success = _as_success(trials[outcome], trials, outcome, what)
    counts = (trials.assign(_ok=success.to_numpy(), _treat=trials[arm].eq(treatment).to_numpy())
              .groupby([*by, "_treat"], observed=True)["_ok"].agg(["size", "sum"])
              .unstack("_treat", fill_value=0))
    one_arm = counts["size"].reindex(columns=[True, False], fill_value=0).eq(0).any(axis=1)
    if one_arm.any():
        raise DataProblem(f"{what}: {int(one_arm.sum())} experiment(s) have only one arm, e.g. "
                          f"{list(counts.index[one_arm][:3])}; each needs {treatment!r} and "
                          f"{control!r} units.")
    n_t, n_c = counts[("size", True)].to_numpy(), counts[("size", False)].to_numpy()
    x_t, x_c = counts[("sum", True)].to_numpy(), counts[("sum", False)].to_numpy()
    out = pd.DataFrame(index=counts.index).reset_index()
    out = out.assign(n_treatment=n_t, n_control=n_c, x_treatment=x_t, x_control=x_c)
    out = pd.concat([out, uplift_intervals(x_t, n_t, x_c, n_c, level)], axis=1)
    expected_t = (n_t + n_c) * planned_share
    chi2 = ((n_t - expected_t) ** 2 / expected_t
            + (n_c - (n_t + n_c - expected_t)) ** 2 / (n_t + n_c - expected_t))
    out["srm_p_value"] = scipy_stats().chi2.sf(chi2, df=1)
    out["srm_mismatch"] = out["srm_p_value"] < SRM_ALPHA
    return out


def play_uplifts(plays: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """:func:`experiment_uplifts` of the collection-play experiment (type's play vs default).

    Parameters
    ----------
    plays : DataFrame
        ``Experiments.plays``: ``stage, customer_type, arm`` (``type_play`` or
        ``default_play``), ``paid_30d``.
    level : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        One row per stage × customer type (see :func:`experiment_uplifts`).

    Raises
    ------
    DataProblem
        As :func:`experiment_uplifts`.

    Examples
    --------
    >>> est = play_uplifts(load_experiments().plays)
    >>> len(est), int(est["n_treatment"].add(est["n_control"]).sum())
    (25, 2000)
    """
    return experiment_uplifts(plays, ["stage", "customer_type"], "paid_30d", "type_play",
                              "default_play", level=level)


def script_uplifts(scripts: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """:func:`experiment_uplifts` of the call-script experiment (script vs own words).

    Parameters
    ----------
    scripts : DataFrame
        ``Experiments.scripts``: ``script_id, stage, arm`` (``script`` or ``control``),
        ``success``.
    level : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        One row per script (see :func:`experiment_uplifts`).

    Raises
    ------
    DataProblem
        As :func:`experiment_uplifts`.
    """
    return experiment_uplifts(scripts, ["stage", "script_id"], "success", "script", "control",
                              level=level)


def estimated_playbook(estimates: pd.DataFrame,
                       playbook: CollectionPlaybook | None = None) -> pd.DataFrame:
    """The playbook's uplift per stage × customer type: measured where tested, else assumed.

    A type's play tested against the stage's default play (relative uplift ``r``) gets
    ``uplift = u_d + r × (1 - u_d)`` on the playbook's scale, ``u_d`` being the default play's
    assumed uplift (the experiment does not measure the default against doing nothing); the
    interval is mapped the same way and the result clipped to [0, 1]. Plays without an
    experiment keep the YAML value with ``source = "assumed"``.

    Parameters
    ----------
    estimates : DataFrame
        :func:`play_uplifts`.
    playbook : CollectionPlaybook, optional
        The playbook (default: the bundled file).

    Returns
    -------
    DataFrame
        One row per stage × customer type: ``stage, customer_type, uplift_assumed, uplift,
        uplift_low, uplift_high, uplift_vs_default, p_value`` (no difference to the default
        play; with about 40 accounts an arm most plays cannot be told apart), ``n`` (accounts
        in the experiment; 0 when assumed) and ``source`` (``experiment`` or ``assumed``).

    Raises
    ------
    DataProblem
        If ``estimates`` lacks a column of :func:`play_uplifts`.

    Examples
    --------
    >>> book = estimated_playbook(play_uplifts(load_experiments().plays))
    >>> book["source"].value_counts().to_dict()
    {'experiment': 25, 'assumed': 5}
    """
    require_columns(estimates, ["stage", "customer_type", "uplift", "uplift_low", "uplift_high",
                                "p_value", "n_treatment", "n_control"], "play estimates")
    book = load_collection_playbook() if playbook is None else playbook
    default_type = book.types[-1]
    rows = pd.DataFrame([(s, t, book.play(s, t).uplift, book.play(s, default_type).uplift)
                         for s in book.stage_names for t in book.types],
                        columns=["stage", "customer_type", "uplift_assumed", "_u_default"])
    est = estimates.assign(stage=estimates["stage"].astype(str),
                           customer_type=estimates["customer_type"].astype(str))
    out = rows.merge(est, on=["stage", "customer_type"], how="left")
    tested = out["uplift"].notna() & out["customer_type"].ne(default_type)
    u_d = out["_u_default"]
    result = pd.DataFrame({"stage": out["stage"], "customer_type": out["customer_type"],
                           "uplift_assumed": out["uplift_assumed"]})
    for col in ("uplift", "uplift_low", "uplift_high"):
        measured = (u_d + out[col] * (1 - u_d)).clip(0.0, 1.0)
        result[col] = measured.where(tested, out["uplift_assumed"])
    result["uplift_vs_default"] = out["uplift"].where(tested)
    result["p_value"] = out["p_value"].where(tested)
    result["n"] = (out["n_treatment"] + out["n_control"]).where(tested, 0).astype(int)
    result["source"] = np.where(tested, "experiment", "assumed")
    return result


def estimated_scripts(estimates: pd.DataFrame,
                      library: ScriptLibrary | None = None) -> pd.DataFrame:
    """The script library with each script's measured uplift over the agent's own words.

    Parameters
    ----------
    estimates : DataFrame
        :func:`script_uplifts`.
    library : ScriptLibrary, optional
        The library (default: the bundled ``call_scripts.yaml``).

    Returns
    -------
    DataFrame
        One row per script of the library: ``script_id, stage, uplift, uplift_low,
        uplift_high, diff, n, source`` (``experiment``, or ``untested`` with empty estimates:
        the library assumes no uplift for any script).

    Raises
    ------
    DataProblem
        If ``estimates`` lacks a column of :func:`script_uplifts`.
    """
    require_columns(estimates, ["script_id", "uplift", "uplift_low", "uplift_high", "diff",
                                "n_treatment", "n_control"], "script estimates")
    lib = load_scripts() if library is None else library
    rows = pd.DataFrame({"script_id": [s.id for s in lib.scripts],
                         "stage": [s.stage for s in lib.scripts]})
    est = estimates.drop(columns=["stage"], errors="ignore")
    out = rows.merge(est.assign(script_id=est["script_id"].astype(str)), on="script_id",
                     how="left")
    tested = out["uplift"].notna()
    out["n"] = (out["n_treatment"] + out["n_control"]).where(tested, 0).astype(int)
    out["source"] = np.where(tested, "experiment", "untested")
    return out[["script_id", "stage", "uplift", "uplift_low", "uplift_high", "diff", "n",
                "source"]]


def playbook_with_estimates(estimated: pd.DataFrame,
                            playbook: CollectionPlaybook | None = None) -> CollectionPlaybook:
    """The playbook with each play's ``uplift`` replaced by :func:`estimated_playbook`'s.

    Everything else (channels, scripts, customer types) is the playbook's own; plays the frame
    does not list keep their uplift. Use it wherever the YAML playbook is used
    (:func:`helpers.receivables.worked_case`, the work queue).

    Parameters
    ----------
    estimated : DataFrame
        :func:`estimated_playbook` (``stage, customer_type, uplift``).
    playbook : CollectionPlaybook, optional
        The playbook the estimates were made for (default: the bundled file).

    Returns
    -------
    CollectionPlaybook
        A copy; the playbook passed in is unchanged.

    Raises
    ------
    DataProblem
        If a column is missing or an uplift is empty or outside [0, 1].

    Examples
    --------
    >>> book = playbook_with_estimates(estimated_playbook(play_uplifts(load_experiments().plays)))
    >>> book.play("M1", "cooperative").uplift   # no experiment: the assumption
    0.1
    """
    require_columns(estimated, ["stage", "customer_type", "uplift"], "estimated playbook")
    bad = ~estimated["uplift"].between(0, 1)
    if bad.any():
        raise DataProblem("estimated playbook: uplift must lie in [0, 1]:\n"
                          f"{rows_preview(estimated, bad.to_numpy(), ['stage', 'customer_type', 'uplift'])}")
    book = load_collection_playbook() if playbook is None else playbook
    new = {(str(s), str(t)): float(u) for s, t, u in
           zip(estimated["stage"], estimated["customer_type"], estimated["uplift"], strict=True)}
    out = book.model_copy()
    out._plays = {s: {t: play.model_copy(update={"uplift": new.get((s, t), play.uplift)})
                      for t, play in by_type.items()} for s, by_type in book.plays.items()}
    return out


def plot_uplifts(estimates: pd.DataFrame, label: str | list[str] | None = None,
                 assumed: pd.Series | None = None, ax: Axes | None = None) -> Axes:
    """Each experiment's relative uplift with its interval (a forest plot), assumption beside.

    Parameters
    ----------
    estimates : DataFrame
        :func:`play_uplifts` or :func:`script_uplifts`.
    label : str or list of str, optional
        Column(s) naming each row (default: the columns before ``n_treatment``).
    assumed : Series, optional
        The assumed uplift per row (same order), drawn as a cross.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Raises
    ------
    DataProblem
        If ``estimates`` lacks the uplift columns.
    """
    require_columns(estimates, ["uplift", "uplift_low", "uplift_high"], "uplift estimates",
                    fix="pass play_uplifts(...) or script_uplifts(...).")
    cols = ([label] if isinstance(label, str) else label) or list(
        estimates.columns[: list(estimates.columns).index("n_treatment")]
        if "n_treatment" in estimates else estimates.columns[:1])
    names = estimates[cols].astype(str).map(tr).agg(" · ".join, axis=1).to_numpy()
    ax = new_axes(ax, (6, max(3.0, 0.25 * len(estimates) + 1)))
    y = np.arange(len(estimates))
    mid = estimates["uplift"].clip(-1, 1).to_numpy()
    low = estimates["uplift_low"].clip(-1, 1).to_numpy()
    high = estimates["uplift_high"].clip(-1, 1).to_numpy()
    ax.errorbar(mid, y, xerr=[mid - low, high - mid], fmt="o", color="#4f81bd", capsize=3,
                label=tr("measured, 95 % interval"))
    if assumed is not None:
        ax.plot(np.asarray(assumed, dtype=float), y, "x", color="#c0504d", label=tr("assumed"))
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.set(xlabel=tr("uplift: share of the control's failures converted (clipped to ±1)"),
           ylabel=tr("experiment"), title=tr("Uplift per experiment"))
    ax.legend(loc="lower right")
    return ax
