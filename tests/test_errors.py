"""helpers.errors: the one error type and the helpers that build its messages."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import errors
from helpers.errors import (
    ConfigProblem,
    DataProblem,
    Problem,
    config_problem,
    did_you_mean,
    require_columns,
    rows_preview,
    sample_rows,
)


def test_require_columns_names_what_is_missing_and_how_to_fix():
    frame = pd.DataFrame({"客户编号": ["a"], "金额": [1.0]})
    require_columns(frame, ["客户编号"], "rfm")  # present: no error
    with pytest.raises(DataProblem, match=r"rfm: column\(s\) \['customer_id'\] missing") as err:
        require_columns(frame, ["customer_id", "客户编号"], "rfm")
    assert "金额" in str(err.value) and "mapping" in str(err.value)
    with pytest.raises(DataProblem, match="expected a table"):
        require_columns([1, 2], ["customer_id"], "rfm")


def test_errors_are_value_errors_and_config_problems_are_data_problems():
    # callers that catch ValueError (pandas habits) keep working
    assert issubclass(DataProblem, ValueError)
    assert issubclass(ConfigProblem, DataProblem)
    problem = config_problem("stages.yaml", "stages.1.max_days", "must increase")
    assert isinstance(problem, ConfigProblem) and problem.file == "stages.yaml"
    assert str(problem) == "stages.yaml: key 'stages.1.max_days' must increase."


def test_problem_text_lists_rows_values_and_the_fix():
    p = Problem("unparseable", column="amount", source_column="金额", count=7, rows=[3, 5],
                values=["12,x", "?"], detail="7 values are not numbers.", fix="correct them")
    text = p.text()
    assert text.startswith("column '金额' (course column 'amount'): 7 values are not numbers.")
    assert "Rows: 3 ('12,x'), 5 ('?') and 5 more." in text
    assert text.endswith("Fix: correct them")
    assert Problem("x", detail="plain").text() == "plain"


def test_rows_preview_shows_only_flagged_rows_and_counts_the_rest():
    df = pd.DataFrame({"id": [f"C{i}" for i in range(7)], "amount": [1, -1, 2, -2, -3, -4, -5]})
    text = rows_preview(df, df["amount"] < 0, ["id", "amount", "no_such_column"], n=2)
    assert "C1" in text and "C3" in text and "C4" not in text
    assert text.endswith("(and 3 more)")
    assert "no_such_column" not in text


def test_sample_rows_and_did_you_mean():
    assert sample_rows(np.array([1, 2, 3]), n=2) == [1, 2]
    assert all(type(v) is int for v in sample_rows(np.arange(3)))
    assert did_you_mean("stagse", ["stages", "customer_types"]) == " (did you mean 'stages'?)"
    assert "allowed" in did_you_mean("zzz", ["stages"])


def test_errors_module_imports_nothing_of_the_package():
    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m.split(".")[0] == "helpers"]


IDS = ["11010119900307123X", "310115198512240018", "44030419991231002X"]


def test_redact_personal_masks_phones_ids_emails_and_cards_only():
    from helpers.errors import luhn_ok, redact_personal

    assert redact_personal("call +86 138-1234-5678 / 021-62345678") == (
        "call +86 138-****-5678 / 021-****5678")
    assert redact_personal("ID 11010119900307123X") == "ID 110101********123X"
    assert redact_personal("mail zhang.san@example.com") == "mail z********@example.com"
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert redact_personal("4111111111111111") == "************1111"
    kept = "order 4111111111111112, 2024-03-05, amount 12345.67, invoice INV-000123"
    assert redact_personal(kept) == kept
    assert redact_personal(None) is None


def test_problem_text_and_previews_never_print_raw_personal_values():
    p = Problem("unparseable", column="signup_date", count=3, rows=[2, 3, 4], values=IDS,
                detail=f"e.g. {IDS[0]} is not a date; call 13812345678.")
    text = p.text()
    assert not [v for v in IDS + ["13812345678"] if v in text]
    assert "110101********123X" in text and "138****5678" in text
    df = pd.DataFrame({"id_number": IDS, "email": ["a.b@example.com"] * 3, "n": [1, 2, 3]})
    preview = rows_preview(df, df["n"] > 1, ["id_number", "email", "n"])
    assert not [v for v in IDS[1:] + ["a.b@example.com"] if v in preview]
    assert "310115********0018" in preview and "a**@example.com" in preview
    assert sample_rows(IDS, n=2) == ["110101********123X", "310115********0018"]


def test_a_wrong_mapping_over_id_numbers_raises_without_printing_them(tmp_path):
    from helpers.data import load_table

    ids = IDS * 5
    path = tmp_path / "clients.csv"
    pd.DataFrame({"客户编号": [f"C{i}" for i in range(15)], "客户类别": ["individual"] * 15,
                  "客户名称": ["某某"] * 15, "证件号码": ids,
                  "手机": ["13812345678"] * 15}).to_csv(path, index=False)
    before = path.read_bytes()
    mapping = tmp_path / "wrong.yaml"  # the ID column mapped onto a date, the phone too
    mapping.write_text("table: customers\ncolumns:\n  客户编号: customer_id\n"
                       "  证件号码: signup_date\n  手机: last_updated\n", encoding="utf-8")
    with pytest.raises(DataProblem) as err:
        load_table(path, "customers", mapping=mapping)
    message = str(err.value)
    assert "证件号码" in message and "signup_date" in message  # still says where and what
    assert not [v for v in set(ids) | {"13812345678"} if v in message]
    assert "110101********123X" in message
    assert path.read_bytes() == before
