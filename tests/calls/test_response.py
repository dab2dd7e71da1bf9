"""Response classes, urgency and the contact plan."""

from __future__ import annotations

import pandas as pd

from helpers.calls import classify_response, interaction_profile, load_response_config
from tests.calls.conftest import AS_OF


def test_response_classes_urgency_and_plan(calls):
    prof = interaction_profile(calls, AS_OF)
    out = classify_response(prof, AS_OF, customers=pd.Series(["c1", "c2", "c3", "c4", "c9"]))
    cls = out["response_class"].to_dict()
    assert cls == {"c1": "engaged", "c2": "refuser", "c3": "hard_to_reach", "c4": "hesitant",
                   "c9": "not_yet_called"}
    assert out.loc["c4", "urgency"] == "urgent" and out.loc["c1", "urgency"] == "wait_and_see"
    cfg = load_response_config()
    assert out.loc["c4", "contact_every_days"] == cfg.urgency.urgent_contact_every_days
    assert out.loc["c2", "contact_every_days"] == 90 and "email" in out.loc["c2", "channel"]
    # next contact: last call + interval, never in the past
    assert out.loc["c1", "next_contact"] == (AS_OF - pd.Timedelta(days=20)
                                             + pd.Timedelta(days=7)).normalize() or \
        out.loc["c1", "next_contact"] == AS_OF
    assert (out["next_contact"] >= AS_OF.normalize()).all()
    assert out.loc["c9", "n_calls"] == 0 and not out["response_class"].isna().any()
    assert out.loc["c2", "response_class_zh"] == "拒绝型"


def test_a_config_given_as_dict_is_validated(calls):
    raw = load_response_config().model_dump()
    raw["classes"] = [raw["classes"][-1]]  # one catch-all class
    out = classify_response(interaction_profile(calls, AS_OF), AS_OF, config=raw)
    assert set(out["response_class"]) == {"hesitant"}
