"""Two small randomised experiments with planted uplifts: collection plays and call scripts.

Written to ``experiments/`` beside the tables (they are not course tables): one row per
randomised unit, a random ``arm`` column and a yes/no outcome. In both, the treatment's chance
of success is ``p_treatment = p_control + uplift * (1 - p_control)``: the same form as the
playbook's planning ``uplift`` (notebook 10), so a lesson can compare the assumption with what
an experiment measures. The planted values are in ``truth.json`` (``experiments``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.simulate._common import ids

#: Stages of helpers/config/collection_stages.yaml and the chance that an account in the stage
#: pays within 30 days under the stage's default play (the control arm), by customer type.
PAY_CONTROL = {
    "M0": 0.85, "M1": 0.6, "M2": 0.4, "M3": 0.25, "M3+": 0.12,
}
TYPE_FACTOR = {"key_account": 1.1, "negative": 0.8, "lapsed": 0.7, "disputing": 0.6,
               "unresponsive": 0.4}
#: Planted uplift of each type's own play over the stage's default play (share of the control
#: arm's non-payers it converts), per stage; the playbook's own figures are planning guesses.
PLAY_UPLIFT = {
    "key_account": {"M0": 0.10, "M1": 0.10, "M2": 0.15, "M3": 0.10, "M3+": 0.05},
    "negative": {"M0": 0.05, "M1": 0.20, "M2": 0.15, "M3": 0.10, "M3+": 0.0},
    "lapsed": {"M0": 0.05, "M1": 0.10, "M2": 0.10, "M3": 0.05, "M3+": 0.0},
    "disputing": {"M0": 0.0, "M1": 0.15, "M2": 0.10, "M3": 0.05, "M3+": 0.05},
    "unresponsive": {"M0": 0.0, "M1": 0.05, "M2": 0.05, "M3": 0.0, "M3+": 0.0},
}
ACCOUNTS_PER_PLAY = 80

#: Script ids of helpers/config/call_scripts.yaml by stage; the control arm uses no script
#: (the agent's own words). Success: the call moves on (opening, spin, objection) or ends in a
#: sale (closing).
SCRIPT_STAGES = {
    "opening": ("open_intro", "open_rapport", "open_interest"),
    "spin": ("spin_situation", "spin_problem", "spin_implication", "spin_need_payoff"),
    "objection": ("obj_price", "obj_timing", "obj_email", "obj_competitor"),
    "closing": ("close_assumptive", "close_limited_offer"),
}
SCRIPT_CONTROL = {"opening": 0.5, "spin": 0.35, "objection": 0.2, "closing": 0.25}
SCRIPT_UPLIFT = {
    "open_intro": 0.0, "open_rapport": 0.10, "open_interest": 0.05,
    "spin_situation": 0.0, "spin_problem": 0.08, "spin_implication": 0.15,
    "spin_need_payoff": 0.12, "obj_price": 0.10, "obj_timing": 0.05, "obj_email": -0.05,
    "obj_competitor": 0.08, "close_assumptive": 0.03, "close_limited_offer": 0.12,
}
CALLS_PER_SCRIPT = 160


def _treated(p_control: np.ndarray, uplift: np.ndarray) -> np.ndarray:
    return p_control + uplift * (1 - p_control)


def collection_experiment(rng: np.random.Generator) -> pd.DataFrame:
    """Accounts randomised 50/50 to their type's play or the stage's default play."""
    cells = [(s, t) for t in PLAY_UPLIFT for s in PAY_CONTROL]
    stage = np.repeat([c[0] for c in cells], ACCOUNTS_PER_PLAY)
    ctype = np.repeat([c[1] for c in cells], ACCOUNTS_PER_PLAY)
    arm = np.where(rng.random(len(stage)) < 0.5, "type_play", "default_play")
    p0 = np.array([min(0.97, PAY_CONTROL[s] * TYPE_FACTOR[t]) for s, t in zip(stage, ctype,
                                                                              strict=True)])
    up = np.array([PLAY_UPLIFT[t][s] for s, t in zip(stage, ctype, strict=True)])
    p = np.where(arm == "type_play", _treated(p0, up), p0)
    paid = rng.random(len(stage)) < p
    return pd.DataFrame({"account_id": ids("E", len(stage)), "stage": stage,
                         "customer_type": ctype, "arm": arm, "paid_30d": paid})


def script_experiment(rng: np.random.Generator) -> pd.DataFrame:
    """Sales calls randomised 50/50 to a script or to no script (the agent's own words)."""
    sid = [s for scripts in SCRIPT_STAGES.values() for s in scripts]
    stage_of = {s: st for st, scripts in SCRIPT_STAGES.items() for s in scripts}
    script = np.repeat(sid, CALLS_PER_SCRIPT)
    stage = np.array([stage_of[s] for s in script], dtype=object)
    arm = np.where(rng.random(len(script)) < 0.5, "script", "control")
    p0 = pd.Series(stage).map(SCRIPT_CONTROL).to_numpy(dtype=float)
    up = pd.Series(script).map(SCRIPT_UPLIFT).to_numpy(dtype=float)
    p = np.where(arm == "script", _treated(p0, up), p0)
    success = rng.random(len(script)) < p
    return pd.DataFrame({"trial_id": ids("X", len(script)), "script_id": script, "stage": stage,
                         "arm": arm, "success": success})


def experiment_truth() -> dict:
    """The planted control rates and uplifts (for truth.json)."""
    return {
        "form": "p_treatment = p_control + uplift * (1 - p_control)",
        "collection_plays": {
            "file": "experiments/collection_plays.csv",
            "p_control": {t: {s: round(min(0.97, p * TYPE_FACTOR[t]), 4)
                              for s, p in PAY_CONTROL.items()} for t in TYPE_FACTOR},
            "uplift": PLAY_UPLIFT,
            "accounts_per_play": ACCOUNTS_PER_PLAY,
        },
        "call_scripts": {
            "file": "experiments/call_scripts.csv",
            "p_control": SCRIPT_CONTROL,
            "uplift": SCRIPT_UPLIFT,
            "calls_per_script": CALLS_PER_SCRIPT,
        },
    }


def write_experiments(folder: Path, rng: np.random.Generator) -> dict[str, Path]:
    """Write ``experiments/collection_plays.csv`` and ``experiments/call_scripts.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"experiment_plays": folder / "collection_plays.csv",
             "experiment_scripts": folder / "call_scripts.csv"}
    collection_experiment(rng).to_csv(paths["experiment_plays"], index=False,
                                      lineterminator="\n")
    script_experiment(rng).to_csv(paths["experiment_scripts"], index=False, lineterminator="\n")
    return paths
