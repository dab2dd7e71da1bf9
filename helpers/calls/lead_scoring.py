"""Lead scoring: who to call first, how good the ranking is, and how leakage fools you.

- :func:`load_leads_with_outcome` reads a call-campaign export (such as UCI Bank Marketing) through
  a mapping file into a "leads with outcome" frame: feature columns plus a true/false target;
- :func:`make_model` builds a scikit-learn pipeline with its preprocessing: a readable
  logistic regression (the baseline) or a gradient-boosted model (the strong one);
- :func:`split_frame` splits by time (train on the past, test on the future), by group (no
  customer on both sides) or at random;
- :func:`fit_and_score` fits, scores the test rows and reports ROC AUC and the Brier score;
- :func:`leakage_comparison` shows the inflated AUC with a column only known after the call
  (``duration`` in Bank Marketing) next to the honest one without it;
- :func:`gains_table`, :func:`calibration_table`, :func:`capacity_view`: deciles, lift and
  "with capacity for N calls, call these and expect this many sales";
- :func:`explore_capacity`: the widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers.calls.telemarketing import _need, _problem

__all__ = [
    "load_leads_with_outcome",
    "course_leads_frame",
    "feature_columns",
    "split_frame",
    "make_model",
    "ScoredModel",
    "fit_and_score",
    "leakage_comparison",
    "gains_table",
    "calibration_table",
    "capacity_view",
    "plot_gains",
    "plot_calibration",
    "explore_capacity",
]

TRUE_WORDS = {"yes", "y", "true", "1", "是", "成交", "t"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "未成交", "f"}


# --------------------------------------------------------------------------------------------
# loading

def load_leads_with_outcome(path: str | Path, mapping: str | Path | dict | None = None,
                            target: str | None = None) -> pd.DataFrame:
    """Read a campaign export into a frame of features plus a true/false ``target`` column.

    The mapping file (see ``mappings/bank_marketing.yaml``) follows the course's mapping format;
    ``read`` options go to :func:`pandas.read_csv` (or :func:`pandas.read_excel` for .xlsx/.xls),
    ``columns`` renames, ``values`` recodes, and three optional keys describe the scoring task:
    ``target`` (the outcome column after renaming), ``leak_columns`` (known only after the call)
    and ``order_column`` (a column giving time order; when absent the row order of the file is
    kept in ``row_order``, which is chronological for Bank Marketing).

    Raises
    ------
    DataProblem
        If the file or a mapped column is missing, or the target is not a yes/no column.
    """
    path = Path(path)
    spec: dict[str, Any] = {}
    if isinstance(mapping, dict):
        spec = mapping
    elif mapping is not None:
        mfile = Path(mapping)
        if not mfile.is_file():
            raise _problem(f"mapping file {mfile} does not exist")
        spec = yaml.safe_load(mfile.read_text(encoding="utf-8")) or {}
    if not path.is_file():
        raise _problem(f"{path}: file not found. Give the path of your export (CSV or Excel).")
    read = dict(spec.get("read") or {})
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            if "sheet" in read:
                read["sheet_name"] = read.pop("sheet")
            raw = pd.read_excel(path, **read)
        else:
            raw = pd.read_csv(path, **read)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise _problem(f"{path}: could not be read with options {read} ({exc}); check `read:` "
                       "(sep, encoding) in the mapping file") from None
    columns = spec.get("columns") or {}
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise _problem(f"{path}: column(s) {missing} named in the mapping are not in the file "
                       f"(it has {list(raw.columns)[:20]}); fix `columns:` in the mapping")
    frame = raw.rename(columns=columns)
    frame.columns = [str(c).strip().replace(".", "_") for c in frame.columns]
    for col, recode in (spec.get("values") or {}).items():
        if col in frame.columns:
            frame[col] = frame[col].map(lambda v, r=recode: r.get(v, v))
    target = target or spec.get("target", "converted")
    if target not in frame.columns:
        raise _problem(f"{path}: no target column {target!r} after mapping; map your outcome "
                       "column to it (e.g. `columns: {y: converted}`)")
    frame[target] = _as_bool(frame[target], f"{path}: target column {target!r}")
    if not spec.get("order_column"):
        frame["row_order"] = np.arange(len(frame))
    frame.attrs.update(target=target, leak_columns=list(spec.get("leak_columns") or []),
                       order_column=spec.get("order_column") or "row_order", source=str(path))
    return frame


def _as_bool(values: pd.Series, where: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        if values.isna().any():
            raise _problem(f"{where}: {int(values.isna().sum())} empty values; every lead needs "
                           "a known outcome")
        return values.astype(bool)
    text = values.astype("string").str.strip().str.lower()
    yes, no = text.isin(TRUE_WORDS), text.isin(FALSE_WORDS)
    bad = ~(yes | no)
    if bad.any():
        examples = sorted(set(values[bad].astype(str).head(20)))[:5]
        raise _problem(f"{where}: {int(bad.sum())} values are not yes/no, e.g. {examples}; "
                       "recode them in the mapping's `values:` section")
    return yes.astype(bool)


def course_leads_frame(leads: pd.DataFrame, as_of: str | pd.Timestamp,
                       maturity_days: int = 180) -> pd.DataFrame:
    """The course's ``leads`` table as a "leads with outcome" frame ready for scoring.

    Keeps leads created at least ``maturity_days`` before ``as_of`` (younger leads have not had
    the full 180 days to convert, so their "not converted" is not yet known), drops personal and
    simulation-only columns (company, contact, phone, ``true_grade``) and sets the scoring
    attributes: target ``converted``, time order ``created_date``.
    """
    _need(leads, ["lead_id", "created_date", "converted"], "leads")
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=maturity_days)
    mature = leads.loc[(leads["created_date"] <= cutoff) & leads["converted"].notna()]
    if mature.empty:
        raise _problem(f"leads: no lead created before {cutoff:%Y-%m-%d} has a known outcome; "
                       "lower maturity_days or use a longer history")
    drop = [c for c in ("company", "contact_name", "phone", "true_grade") if c in mature.columns]
    frame = mature.drop(columns=drop).reset_index(drop=True)
    frame["converted"] = _as_bool(frame["converted"], "leads: converted")
    frame.attrs.update(target="converted", leak_columns=[], order_column="created_date",
                       source="leads")
    return frame


def feature_columns(frame: pd.DataFrame, target: str,
                    exclude: tuple[str, ...] | list[str] = ()) -> tuple[list[str], list[str]]:
    """Split the usable columns into numeric and categorical feature lists.

    Identifiers (columns ending in ``_id``), the target, dates and ``exclude`` are left out.
    """
    numeric, categorical = [], []
    for col in frame.columns:
        if col == target or col in exclude or col.endswith("_id") or col == "row_order":
            continue
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            continue
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            categorical.append(col)
        else:
            numeric.append(col)
    return numeric, categorical


# --------------------------------------------------------------------------------------------
# splitting and models

def split_frame(frame: pd.DataFrame, how: str = "time", test_size: float = 0.25,
                order: str | None = None, group: str | None = None, target: str | None = None,
                seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split into a training and a test frame.

    ``how="time"``: the last ``test_size`` share by ``order`` is the test set (the honest
    setting for scoring tomorrow's leads). ``how="group"``: whole groups (e.g. customers) go to
    one side. ``how="random"``: stratified by ``target`` when given.
    """
    if not 0 < test_size < 1:
        raise _problem(f"test_size must be between 0 and 1, got {test_size}")
    if how == "time":
        order = order or frame.attrs.get("order_column")
        if not order or order not in frame.columns:
            raise _problem(f"a time split needs an order column; {order!r} is not in the frame. "
                           "Pass order='created_date' (or how='random').")
        ranked = frame.sort_values(order, kind="stable")
        cut = int(round(len(ranked) * (1 - test_size)))
        return ranked.iloc[:cut], ranked.iloc[cut:]
    rng = np.random.default_rng(seed)
    if how == "group":
        if not group or group not in frame.columns:
            raise _problem(f"a group split needs a group column; {group!r} is not in the frame")
        groups = pd.unique(frame[group])
        test_groups = rng.choice(groups, size=int(round(len(groups) * test_size)), replace=False)
        mask = frame[group].isin(test_groups)
        return frame.loc[~mask], frame.loc[mask]
    if how == "random":
        u = pd.Series(rng.random(len(frame)), index=frame.index)
        if target:
            rank = u.groupby(frame[target]).rank(pct=True)
        else:
            rank = u.rank(pct=True)
        mask = rank > 1 - test_size
        return frame.loc[~mask], frame.loc[mask]
    raise _problem(f"how must be 'time', 'group' or 'random', got {how!r}")


def make_model(kind: str, numeric: list[str], categorical: list[str], seed: int = 0) -> Any:
    """A scikit-learn pipeline: preprocessing plus classifier.

    ``kind="logistic"``: median imputation and scaling for numbers, one-hot encoding for
    categories, then a logistic regression (coefficients readable). ``kind="boosting"``:
    ordinal-encoded categories passed as categorical to a histogram gradient-boosted model.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    if not numeric and not categorical:
        raise _problem("no feature columns left to learn from; check the features you passed")
    if kind == "logistic":
        pre = ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                  OneHotEncoder(handle_unknown="ignore", min_frequency=10)),
             categorical),
        ])
        return Pipeline([("prep", pre), ("model", LogisticRegression(max_iter=2000))])
    if kind == "boosting":
        pre = ColumnTransformer([
            ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                   encoded_missing_value=-1), categorical),
            ("num", "passthrough", numeric),
        ])
        mask = [True] * len(categorical) + [False] * len(numeric)
        model = HistGradientBoostingClassifier(
            categorical_features=mask, learning_rate=0.05, max_iter=300, max_leaf_nodes=15,
            min_samples_leaf=40, l2_regularization=1.0, early_stopping=True,
            validation_fraction=0.15, n_iter_no_change=20, random_state=seed)
        return Pipeline([("prep", pre), ("model", model)])
    raise _problem(f"kind must be 'logistic' or 'boosting', got {kind!r}")


@dataclass
class ScoredModel:
    """A fitted model, its test-set scores and quality figures."""

    kind: str
    model: Any
    features: list[str]
    test: pd.DataFrame
    auc: float
    brier: float
    base_rate: float
    extra: dict[str, Any] = field(default_factory=dict)


def _prepare(frame: pd.DataFrame, categorical: list[str]) -> pd.DataFrame:
    """Plain numpy dtypes for scikit-learn: categories as text ("missing" for empty), numbers as
    float with NaN (the loader's nullable Int64/Float64 carry pd.NA, which sklearn refuses)."""
    x = frame.copy()
    for col in x.columns:
        if col in categorical:
            x[col] = x[col].astype("string").fillna("missing").astype(object)
        else:
            x[col] = pd.to_numeric(x[col], errors="coerce").astype("float64")
    return x


def fit_and_score(frame: pd.DataFrame, target: str | None = None, kind: str = "logistic",
                  how: str = "time", exclude: tuple[str, ...] | list[str] = (),
                  test_size: float = 0.25, order: str | None = None, group: str | None = None,
                  seed: int = 0, n_threads: int | None = 1) -> ScoredModel:
    """Fit a propensity model on the training part and score the test part.

    Returns
    -------
    ScoredModel
        ``test`` holds the test rows with a ``score`` column (predicted probability); ``auc`` is
        the ROC AUC on the test rows, ``brier`` the Brier score (lower is better calibrated).
        ``n_threads`` caps native (OpenMP/BLAS) threads; ``None`` leaves the library default.
    """
    from sklearn.metrics import brier_score_loss, roc_auc_score

    target = target or frame.attrs.get("target", "converted")
    _need(frame, [target], "leads")
    y = _as_bool(frame[target], f"leads: target {target!r}")
    frame = frame.assign(**{target: y})
    numeric, categorical = feature_columns(frame, target, exclude=[*exclude,
                                                                   *([group] if group else [])])
    train, test = split_frame(frame, how=how, test_size=test_size, order=order, group=group,
                              target=target, seed=seed)
    for part, name in ((train, "training"), (test, "test")):
        if part[target].nunique() < 2:
            raise _problem(f"the {name} part has only one outcome ({part[target].iloc[0]}); a "
                           "model needs both converted and not converted leads. Use a larger "
                           "file or how='random'.")
    from threadpoolctl import threadpool_limits

    model = make_model(kind, numeric, categorical, seed=seed)
    cols = numeric + categorical
    # One native thread: on a shared or busy machine OpenMP threads competing for cores make
    # gradient boosting 10-20 times slower; these models are small enough for one core.
    with threadpool_limits(limits=n_threads):
        model.fit(_prepare(train[cols], categorical), train[target])
        p = model.predict_proba(_prepare(test[cols], categorical))[:, 1]
    scored = test.assign(score=p)
    return ScoredModel(kind, model, cols, scored,
                       auc=float(roc_auc_score(test[target], p)),
                       brier=float(brier_score_loss(test[target], p)),
                       base_rate=float(test[target].mean()),
                       extra={"target": target, "n_train": len(train), "n_test": len(test)})


def leakage_comparison(frame: pd.DataFrame, leak: tuple[str, ...] | list[str] | None = None,
                       target: str | None = None, kinds: tuple[str, ...] = ("logistic",
                                                                           "boosting"),
                       how: str = "time", seed: int = 0) -> pd.DataFrame:
    """ROC AUC with and without the columns that leak the outcome.

    Returns
    -------
    DataFrame
        One row per model kind: ``kind, auc_with_leak, auc_honest, inflation``.
    """
    leak = list(leak if leak is not None else frame.attrs.get("leak_columns", []))
    if not leak:
        raise _problem("no leak columns given; pass leak=['duration'] (or list them under "
                       "`leak_columns:` in the mapping file)")
    _need(frame, leak, "leads")
    rows = []
    for kind in kinds:
        with_leak = fit_and_score(frame, target, kind, how, seed=seed).auc
        honest = fit_and_score(frame, target, kind, how, exclude=leak, seed=seed).auc
        rows.append({"kind": kind, "auc_with_leak": with_leak, "auc_honest": honest,
                     "inflation": with_leak - honest})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# gains, lift, calibration, capacity

def _check_scores(y: Any, score: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    if y.shape != s.shape or y.ndim != 1:
        raise _problem(f"outcomes and scores must be two equal-length columns, got {y.shape} and "
                       f"{s.shape}")
    if np.isnan(y).any() or np.isnan(s).any():
        raise _problem("outcomes or scores contain empty values; score every lead and drop rows "
                       "without a known outcome")
    return y, s


def gains_table(y: Any, score: Any, bins: int = 10) -> pd.DataFrame:
    """Decile gains and lift table: leads ranked by score, cut into ``bins`` equal groups.

    Returns
    -------
    DataFrame
        One row per group (1 = highest scores): ``leads, conversions, rate, cum_leads,
        cum_conversions, capture`` (share of all conversions found so far), ``lift`` (group rate
        / overall rate) and ``cum_lift``.
    """
    y, s = _check_scores(y, score)
    if len(y) < bins:
        raise _problem(f"{len(y)} leads cannot be cut into {bins} groups; use fewer bins")
    order = np.argsort(-s, kind="stable")
    group = np.arange(len(y)) * bins // len(y) + 1
    t = (pd.DataFrame({"group": group, "y": y[order]}).groupby("group")["y"]
         .agg(leads="size", conversions="sum"))
    total, base = t["conversions"].sum(), y.mean()
    t["conversions"] = t["conversions"].astype(int)
    t["rate"] = t["conversions"] / t["leads"]
    t["cum_leads"] = t["leads"].cumsum()
    t["cum_conversions"] = t["conversions"].cumsum()
    t["capture"] = t["cum_conversions"] / total if total else 0.0
    t["lift"] = t["rate"] / base if base else np.nan
    t["cum_lift"] = (t["cum_conversions"] / t["cum_leads"]) / base if base else np.nan
    if not total:
        raise _problem("no conversions among these leads: gains and lift are undefined")
    return t.reset_index()


def calibration_table(y: Any, score: Any, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability against observed rate, in ``bins`` score quantile groups."""
    y, s = _check_scores(y, score)
    q = pd.qcut(pd.Series(s).rank(method="first"), bins, labels=False) + 1
    return (pd.DataFrame({"bin": q, "predicted": s, "observed": y}).groupby("bin")
            .agg(leads=("observed", "size"), predicted=("predicted", "mean"),
                 observed=("observed", "mean")).reset_index())


def capacity_view(scored: pd.DataFrame, capacity: int, score: str = "score",
                  target: str | None = None) -> dict[str, Any]:
    """Who to call with capacity for ``capacity`` calls, and what to expect.

    A capacity larger than the list is not an error: every lead is called (``capped`` is True).

    Returns
    -------
    dict
        ``called`` (the chosen rows, best first), ``n_called``, ``expected_conversions`` (sum of
        predicted probabilities), ``random_expected`` (same number of calls at random),
        ``expected_lift``, ``observed_conversions`` (when ``target`` is in the frame),
        ``capped``.
    """
    _need(scored, [score], "scored leads")
    if capacity is None or capacity <= 0:
        raise _problem(f"capacity must be a positive number of calls, got {capacity}")
    s = pd.to_numeric(scored[score], errors="coerce")
    if s.isna().any():
        raise _problem(f"scored leads: {int(s.isna().sum())} rows have no score; score all leads")
    capped = capacity > len(scored)
    n = min(int(capacity), len(scored))
    top = scored.assign(**{score: s}).nlargest(n, score)
    expected = float(top[score].sum())
    random_expected = float(s.mean() * n)
    out = {"called": top, "n_called": n, "expected_conversions": expected,
           "random_expected": random_expected,
           "expected_lift": expected / random_expected if random_expected else None,
           "capped": capped}
    target = target or scored.attrs.get("target")
    if target and target in scored.columns:
        out["observed_conversions"] = int(top[target].sum())
    return out


# --------------------------------------------------------------------------------------------
# plots and widget

def plot_gains(gains: pd.DataFrame, ax: Any = None, label: str = "model") -> Any:
    """Cumulative gains curve: share of conversions found against share of leads called."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(5, 4))[1]
    x = np.r_[0, gains["cum_leads"] / gains["cum_leads"].iloc[-1]]
    ax.plot(x, np.r_[0, gains["capture"]], marker="o", label=label)
    ax.plot([0, 1], [0, 1], color="grey", ls="--", label="random calling")
    ax.set(xlabel="share of leads called (best scores first)",
           ylabel="share of all conversions reached", title="Cumulative gains")
    ax.legend()
    return ax


def plot_calibration(table: pd.DataFrame, ax: Any = None, label: str = "model") -> Any:
    """Reliability diagram: predicted probability against observed conversion rate."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(4.5, 4))[1]
    top = float(max(table["predicted"].max(), table["observed"].max()))
    ax.plot([0, top], [0, top], color="grey", ls="--", label="perfect calibration")
    ax.plot(table["predicted"], table["observed"], marker="o", label=label)
    ax.set(xlabel="predicted conversion probability", ylabel="observed conversion rate",
           title="Calibration")
    ax.legend()
    return ax


def explore_capacity(scored: pd.DataFrame, score: str = "score", target: str | None = None,
                     max_capacity: int | None = None) -> Any:
    """Widget: set the daily call capacity; see expected conversions and where it sits on the
    gains curve."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    target = target or scored.attrs.get("target")
    n = len(scored)
    slider = w.IntSlider(value=max(1, n // 10), min=1, max=max_capacity or n, step=max(1, n // 200),
                         description="calls/day", continuous_update=False)
    out = w.Output()
    s = scored[score].to_numpy()
    ranked = np.sort(s)[::-1]
    cum_expected = np.cumsum(ranked)

    def draw(*_: Any) -> None:
        view = capacity_view(scored, slider.value, score=score, target=target)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(6, 3.5))
            ax.plot(np.arange(1, n + 1), cum_expected, label="call best-scored first")
            ax.plot([0, n], [0, cum_expected[-1]], ls="--", color="grey", label="call at random")
            ax.axvline(view["n_called"], color="#d9534f")
            ax.set(xlabel="calls made", ylabel="expected conversions",
                   title=f"{view['n_called']} calls -> {view['expected_conversions']:.0f} "
                         f"expected sales (random: {view['random_expected']:.0f}, lift "
                         f"{view['expected_lift']:.2f}x)")
            ax.legend()
            plt.show()

    slider.observe(draw, names="value")
    draw()
    return w.VBox([slider, out])
