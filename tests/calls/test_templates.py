"""The one check of {placeholder} blanks in configuration texts."""

from __future__ import annotations

import pytest

from helpers.calls._templates import placeholders, template_problems, unknown_placeholders


def test_placeholders_and_unknown_names():
    assert placeholders("Hi {agent}, {{literal}} {date:%d %b}") == ["agent", "date"]
    assert unknown_placeholders("{agent} {date}", ["agent", "date"]) == []
    assert unknown_placeholders("{agnet}", ["agent"]) == [
        "{agnet} names no field (did you mean 'agent'?)"]
    assert unknown_placeholders("{zzz}", ["agent"]) == ["{zzz} names no field (allowed: "
                                                        "['agent'])"]


def test_unpaired_braces_are_a_problem_not_a_crash():
    assert "expected '}'" in template_problems("{agent", ["agent"])[0]
    with pytest.raises(ValueError, match="write a blank as"):
        placeholders("oops }")
