"""helpers.config: one reader for every YAML file, every problem reported at once."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import field_validator

from helpers.config import CONFIG_DIR, ConfigModel, read_config, read_yaml, validate_config
from helpers.errors import ConfigProblem


class Step(ConfigModel):
    name: str
    max_days: int | None = None


class Plan(ConfigModel):
    file = "no_such_bundled_file.yaml"
    steps: list[Step]
    mode: Literal["days", "months"] = "days"
    charge_off: str

    @field_validator("steps")
    @classmethod
    def _increasing(cls, steps: list[Step]) -> list[Step]:
        days = [s.max_days for s in steps if s.max_days is not None]
        bad = [f"{a} then {b}" for a, b in zip(days, days[1:], strict=False) if b <= a]
        if bad:
            raise ValueError("boundaries must increase\n- " + "\n- ".join(bad))
        return steps


def test_every_problem_is_reported_at_once_with_its_key_path(tmp_path):
    f = tmp_path / "plan.yaml"
    f.write_text("steps:\n  - {name: M1, max_dayz: 30}\nmode: day\ncolour: red\n",
                 encoding="utf-8")
    with pytest.raises(ConfigProblem) as err:
        read_config(Plan, f)
    text = str(err.value)
    assert text.startswith(f"{f} has 4 problem(s):")
    assert f"{f}: steps.0.max_dayz: unknown key 'max_dayz' (did you mean 'max_days'?)" in text
    assert f"{f}: mode: Input should be 'days' or 'months' (did you mean 'days'?)" in text
    assert f"{f}: colour: unknown key 'colour'; allowed keys: charge_off, mode, steps" in text
    assert f"{f}: charge_off: Field required" in text
    assert err.value.file == str(f)


def test_semantic_checks_report_each_finding_on_its_own_line():
    raw = {"steps": [{"name": "a", "max_days": 30}, {"name": "b", "max_days": 10},
                     {"name": "c", "max_days": 5}], "charge_off": "c"}
    with pytest.raises(ConfigProblem) as err:
        validate_config(Plan, raw, "plan.yaml")
    lines = str(err.value).splitlines()
    assert "- plan.yaml: steps: boundaries must increase" in lines
    assert "- plan.yaml: steps: 30 then 10" in lines and "- plan.yaml: steps: 10 then 5" in lines


def test_a_valid_file_gives_a_typed_frozen_result(tmp_path):
    f = tmp_path / "plan.yaml"
    f.write_text("steps: [{name: M1, max_days: 30}, {name: M2}]\ncharge_off: M2\n")
    plan = read_config(Plan, f)
    assert plan.steps[0].max_days == 30 and plan.steps[1].max_days is None
    with pytest.raises(Exception):  # noqa: B017  (pydantic's frozen-instance error)
        plan.mode = "months"  # type: ignore[misc]
    assert validate_config(Plan, plan) is plan


def test_broken_yaml_missing_files_and_wrong_top_level(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - name: M1\n   max_days: 3\n", encoding="utf-8")
    with pytest.raises(ConfigProblem, match=r"bad.yaml: not valid YAML at line 3"):
        read_yaml(bad)
    with pytest.raises(ConfigProblem, match="does not exist"):
        read_config(Plan, tmp_path / "nowhere.yaml")
    with pytest.raises(ConfigProblem, match="does not exist"):
        read_config(Plan)  # the bundled file it names is not there
    with pytest.raises(ConfigProblem, match="expected keys and values at the top level"):
        validate_config(Plan, ["a", "list"], "list.yaml")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("name: 客户".encode("gbk"))
    with pytest.raises(ConfigProblem, match="not UTF-8"):
        read_yaml(gbk)


def test_every_bundled_yaml_file_is_read_by_a_schema():
    # each bundled file names the schema that reads it: a file no schema declares is dead config
    from helpers import config as config_module

    declared = {cls.file for cls in _subclasses(ConfigModel) if cls.file}
    bundled = {p.name for p in CONFIG_DIR.glob("*.yaml")}
    assert bundled <= declared, f"YAML files no schema reads: {sorted(bundled - declared)}"
    for cls in _subclasses(ConfigModel):
        if cls.file and cls.file in bundled:
            read_config(cls)  # the bundled file is valid against its schema
    assert config_module.__name__ == "helpers.config"


def _subclasses(cls: type) -> list[type]:
    import helpers.calls
    import helpers.data
    import helpers.handouts
    import helpers.receivables
    import helpers.segments
    import helpers.value  # noqa: F401

    out, todo = [], [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            out.append(sub)
            todo.append(sub)
    return out
