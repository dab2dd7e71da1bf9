"""The bad-input gallery, continued: encodings and amounts, tables together, writing, config files.

Four sections, each a table of cases with the same rule as :mod:`tests.data.test_gallery`: every
case asserts its outcome (the exact error class and the file, column or row it names, the
warning, or the correct value) and every input file is byte-identical afterwards.

- ``FILES``: more single files through :func:`helpers.data.load_table` (same ``Value`` /
  ``Error`` / ``Warn`` outcomes and checker as the first gallery);
- ``TABLES``: files that are each fine but wrong together, through
  :func:`helpers.data.load_inputs` and :func:`helpers.data.load_course_data` (orphan keys);
- ``WRITES``: output folders :func:`helpers.data.write_table` cannot write into;
- ``CONFIGS``: edited configuration files (playbooks, call scripts, classification standards,
  segment maps, stage files) through their ``load_*`` functions and
  :func:`helpers.config.read_config`: a :class:`~helpers.errors.ConfigProblem` naming the file and
  the key.

Then property tests for the families: amount formats, date formats, encodings.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.calls import load_scripts
from helpers.config import CONFIG_DIR, read_config
from helpers.data import load_course_data, load_inputs, load_table, write_table
from helpers.data._coerce import MISSING_TOKENS
from helpers.errors import ConfigProblem, DataProblem
from helpers.receivables import Stages, load_collection_playbook, load_stages
from helpers.segments import load_segment_map, load_standard
from tests.data.test_gallery import CU, TXC, D, Value, Warn, error, excel, run_case, text, tx

# --------------------------------------------------------------------------------------------
# 1. more single files

GREEK = CU + "C1,individual,Ελένη Παππά,2024-01-01\nC2,individual,Νίκος Ιωάννου,2024-01-02\n"
RUSSIAN = CU + "C1,individual,Иван Петров,2024-01-01\nC2,individual,Анна Смирнова,2024-01-02\n"
KOREAN = CU + ("C1,individual,김민수 서울특별시 강남구,2024-01-01\n"
               "C2,individual,이영희 부산광역시 해운대구 우동,2024-01-02\n")
BIG5 = CU + "C1,individual,陳大文,2024-01-01\nC2,individual,黃小明,2024-01-02\n"
EURO = ("transaction_id;customer_id;purchase_date;amount;city\n"
        "T1;C1;2024-01-02;1.234,56;Düsseldorf\nT2;C2;2024-01-03;12,50;Köln\n")

FILES: list[tuple[str, Callable[[Path], Path], str, dict[str, Any], Any]] = [
    ("big5 without encoding is refused, not garbled", text(BIG5, "big5"), "customers", {},
     error("encoding is unclear", "big5", "encoding=")),
    ("big5 with encoding given", text(BIG5, "big5"), "customers", {"encoding": "big5"},
     Value("name", ["陳大文", "黃小明"])),
    ("greek cp1253 is not read as Western", text(GREEK, "cp1253"), "customers", {},
     error("encoding is unclear", "cp1253", "Ελένη")),
    ("cyrillic cp1251 is not read as Western", text(RUSSIAN, "cp1251"), "customers", {},
     error("encoding is unclear", "cp1251", "Иван")),
    ("korean cp949 is not read as Chinese", text(KOREAN, "cp949"), "customers", {},
     error("encoding is unclear", "cp949", "김민수")),
    ("korean with encoding given", text(KOREAN, "cp949"), "customers", {"encoding": "cp949"},
     Value("name", ["김민수 서울특별시 강남구", "이영희 부산광역시 해운대구 우동"])),
    ("cyrillic with encoding given", text(RUSSIAN, "cp1251"), "customers",
     {"encoding": "cp1251"}, Value("name", ["Иван Петров", "Анна Смирнова"])),
    ("latin-1 semicolon export with decimal commas", text(EURO, "latin-1"), "transactions", {},
     Value("amount", [1234.56, 12.5])),
    ("latin-1 semicolon export keeps its city names", text(EURO, "latin-1"), "transactions", {},
     Value("city", ["Düsseldorf", "Köln"])),
    ("mapping encoding overrides detection", text(GREEK, "cp1253"), "customers",
     {"mapping": {"read": {"encoding": "cp1253"}, "columns": {}}},
     Value("name", ["Ελένη Παππά", "Νίκος Ιωάννου"])),
    ("1e308 in a ; file with decimal commas", tx(["1e308", "5,5"]), "transactions", {},
     error("amount", "cannot be read as numbers", "1e308")),
    ("portuguese latin-1 is not read as GBK", text(CU + "C1,individual,Conceição,2024-01-01\n"
                                                   "C2,individual,Ação Lda,2024-01-02\n",
                                                   "latin-1"), "customers", {},
     error("encoding is unclear", "cp1252", "Conceição")),
    ("unit after the amount is refused, not dropped", tx(["12.50 CNY", "5"], ","),
     "transactions", {}, error("amount", "cannot be read as numbers", "12.50 CNY")),
    ("Infinity spelt out", tx(["Infinity", "5"], ","), "transactions", {},
     error("not finite", "amount")),
    ("2099 dates with a given as-of", text(TXC + f"T1,C1,2099-12-31,5\nT2,C2,{D},6\n"),
     "transactions", {"as_of": "2024-06-30"}, Warn("future_dates", "2099")),
    ("year 1600 is out of pandas' range", text(TXC + f"T1,C1,1600-01-01,5\nT2,C2,{D},6\n"),
     "transactions", {}, error("outside the years 1678-2261", "1600-01-01", "purchase_date")),
    ("day-first dates with dots", text(TXC + "T1,C1,03.04.2023,5\nT2,C2,25.12.2023,6\n"),
     "transactions", {}, Value("purchase_date", [pd.Timestamp("2023-04-03"),
                                                  pd.Timestamp("2023-12-25")])),
    ("Chinese dates", text(TXC + "T1,C1,2023年4月3日,5\nT2,C2,2023年12月25日,6\n"),
     "transactions", {}, Value("purchase_date", [pd.Timestamp("2023-04-03"),
                                                  pd.Timestamp("2023-12-25")])),
    ("ID 4.40106E+17 in a customers file", text(CU + f"4.40106E+17,individual,A,{D}\n"
                                                 f"C2,individual,B,{D}\n"), "customers", {},
     error("scientific notation", "4.40106E+17", "customer_id")),
    ("a repeated Chinese header", text("客户编号,客户名称,客户名称,客户类别,建档日期\n"
                                       "C1,张三,李四,individual,2024-01-01\n"), "customers", {},
     error("more than once", "客户名称")),
    ("a header and a course name meaning the same", text("customer_id,name,客户名称,"
                                                          "customer_kind,signup_date\n"
                                                          f"C1,A,B,individual,{D}\n"),
     "customers", {}, error("'name' and '客户名称' both mean the course column 'name'")),
    ("a semicolon row with an extra field", tx(["5", "6;7"]), "transactions", {},
     error("more fields than the header", "Rows: 3")),
    ("a second sheet with data in the workbook",
     excel({"2024": pd.DataFrame({"customer_id": ["C1"], "customer_kind": ["individual"],
                                  "name": ["A"], "signup_date": [D]}),
            "2023": pd.DataFrame({"customer_id": ["C0"], "customer_kind": ["individual"],
                                  "name": ["Z"], "signup_date": [D]})}), "customers", {},
     Warn("several_sheets", "'2023'")),
    ("an empty second sheet is not a caution",
     excel({"Customers": pd.DataFrame({"customer_id": ["C1"], "customer_kind": ["individual"],
                                       "name": ["A"], "signup_date": [D]}),
            "Empty": pd.DataFrame()}), "customers", {"sheet": "Customers"},
     Value("name", ["A"])),
    ("a sheet that does not exist", excel({"Customers": pd.DataFrame({"x": [1]})}), "customers",
     {"sheet": "Kunden"}, error("Kunden", "sheet=")),
    ("header only, no data rows", text(CU), "customers", {}, error("no data rows")),
    ("an empty file", text(""), "customers", {}, error("empty")),
]


@pytest.mark.parametrize(("builder", "table", "kwargs", "expected"),
                         [c[1:] for c in FILES], ids=[c[0] for c in FILES])
def test_more_files(tmp_path, builder, table, kwargs, expected):
    run_case(builder(tmp_path), table, kwargs, expected)


# --------------------------------------------------------------------------------------------
# 2. tables that are wrong together: transactions of customers that do not exist

TX2 = TXC + "T1,C1,2024-01-02,5\nT2,C9,2024-01-03,6\nT3,C8,2024-01-04,7\n"
CU1 = CU + "C1,individual,A,2024-01-01\n"


def _inputs(folder: Path, **kw: Any) -> Any:
    return load_inputs(["transactions"], optional=["customers"],
                       files={"transactions": folder / "transactions.csv",
                              "customers": folder / "customers.csv"}, context="notebook 03", **kw)


TABLES: list[tuple[str, Callable[[Path], Any], Any]] = [
    ("orphans through load_inputs", _inputs,
     ("DataProblem", "transactions.customer_id", "2 row(s)", "C9, C8", "on_invalid='drop'")),
    ("orphans dropped through load_inputs", lambda f: _inputs(f, on_invalid="drop"),
     ("rows", 1)),
    ("orphans kept through load_inputs", lambda f: _inputs(f, on_invalid="keep"),
     ("rows", 3)),
    ("orphans through load_course_data", lambda f: load_course_data(f),
     ("DataProblem", "transactions.customer_id", "C9")),
    ("orphans dropped through load_course_data", lambda f: load_course_data(f, on_invalid="drop"),
     ("rows", 1)),
    ("no customers file: transactions alone are not checked", lambda f: load_inputs(
        ["transactions"], files={"transactions": f / "transactions.csv"}), ("rows", 3)),
]


@pytest.mark.parametrize(("load", "expected"), [c[1:] for c in TABLES],
                         ids=[c[0] for c in TABLES])
def test_tables_together(tmp_path, load, expected):
    (tmp_path / "transactions.csv").write_text(TX2, encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CU1, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    try:
        if expected[0] == "DataProblem":
            with pytest.raises(DataProblem) as err:
                load(tmp_path)
            for part in expected[1:]:
                assert part in str(err.value), f"{part!r} not in:\n{err.value}"
        else:
            data = load(tmp_path)
            assert len(data.transactions) == expected[1]
            if expected[1] == 1:   # dropped, and said so in the report
                assert data.transactions["customer_id"].tolist() == ["C1"]
                assert any("C9" in n or "2 row" in n for n in data.reports["transactions"].notes)
    finally:
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# --------------------------------------------------------------------------------------------
# 3. output folders that cannot be written into


def _file_as_folder(tmp: Path) -> Path:
    (tmp / "out").write_text("I am a file", encoding="utf-8")
    return tmp / "out"


def _below_a_file(tmp: Path) -> Path:
    return _file_as_folder(tmp) / "sub"


WRITES: list[tuple[str, Callable[[Path], Path], tuple[str, ...]]] = [
    ("output folder is a file", _file_as_folder, ("is a file, not a folder", "output_dir")),
    ("output folder below a file", _below_a_file, ("is a file, not a folder",)),
    ("output folder read-only", lambda t: t / "ro", ("Permission denied", "output_dir")),
    ("output folder is the bundled data", lambda t: Path("datasets"), ("write_table",)),
]


@pytest.mark.parametrize(("folder", "texts"), [c[1:] for c in WRITES],
                         ids=[c[0] for c in WRITES])
def test_write_table_refuses(tmp_path, monkeypatch, folder, texts):
    out = folder(tmp_path)
    if out.name == "ro":  # the tests may run as root, which ignores chmod: refuse as the OS would
        out.mkdir()

        def denied(*args: Any, **kwargs: Any) -> Any:
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(tempfile, "mkstemp", denied)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(DataProblem) as err:
        write_table(pd.DataFrame({"a": [1]}), "result", output_dir=out)
    for part in texts:
        assert part in str(err.value), f"{part!r} not in:\n{err.value}"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing left behind
    if out.is_file():
        assert out.read_text(encoding="utf-8") == "I am a file"


# --------------------------------------------------------------------------------------------
# 4. configuration files


def _bundled(name: str) -> Any:
    return yaml.safe_load((CONFIG_DIR / name).read_text(encoding="utf-8"))


def _edit(name: str, change: Callable[[Any], Any]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        raw = _bundled(name)
        raw = change(raw) or raw
        path = folder / name
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return path
    return build


def _raw(name: str, content: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        return path
    return build


def _two_catch_alls(raw: dict) -> None:
    raw["customer_types"][2]["when"] = {}


def _misspelt_placeholder(raw: dict) -> None:
    stage = next(iter(raw["stages"]))
    raw["stages"][stage]["default"]["script_en"] += " Your balance is {balanse}."


def _overlapping_keywords(raw: dict) -> None:
    raw["scripts"][0]["keywords"].append("too expensive")  # obj_price has "expensive"


def _same_keyword_twice(raw: dict) -> None:
    raw["scripts"][1]["keywords"].append("budget")


def _script_blank(raw: dict) -> None:
    raw["scripts"][0]["text"] += " {compnay}"


def _no_fallback(raw: dict) -> None:
    raw["scripts"] = [s for s in raw["scripts"] if s["id"] != "spin_situation"]


def _stages_decrease(raw: dict) -> None:
    raw["stages"][2]["max_days"] = 20


def _unknown_stage_key(raw: dict) -> None:
    raw["stages"][1]["max_dayz"] = raw["stages"][1].pop("max_days")


def _segments_overlap(raw: dict) -> None:
    raw["segments"][1]["r"] = [3, 5]   # loyal now covers champions' cells


def _rules_overlap(raw: dict) -> None:
    rules = raw["dimensions"]["value"]["rules"]       # medium reaches into high's quantiles
    rules[1]["when"]["revenue_last_year"]["q_below"] = 0.9


def _unknown_dimension_key(raw: dict) -> None:
    raw["dimensions"]["value"]["mdoe"] = raw["dimensions"]["value"].pop("mode")


def _playbook_unknown_type(raw: dict) -> None:
    stage = next(iter(raw["stages"]))
    raw["stages"][stage]["vip"] = {"channel": "call"}


def _playbook_bad_channel(raw: dict) -> None:
    stage = next(iter(raw["stages"]))
    raw["stages"][stage]["default"]["channel"] = "fax"


CB = "collection_playbook.yaml"
CS = "call_scripts.yaml"
ST = "collection_stages.yaml"
RFM = "rfm_segments.yaml"
STD = "classification_standard.yaml"

CONFIGS: list[tuple[str, Callable[[Path], Path], Callable[[Path], Any], tuple[str, ...]]] = [
    ("playbook with two catch-all customer types", _edit(CB, _two_catch_alls),
     load_collection_playbook, ("customer_types.2.when", "only the last type")),
    ("playbook placeholder misspelt", _edit(CB, _misspelt_placeholder), load_collection_playbook,
     ("{balanse}", "did you mean 'balance'")),
    ("playbook names an unknown customer type", _edit(CB, _playbook_unknown_type),
     load_collection_playbook, ("vip", "is not a customer type")),
    ("playbook with an unknown channel", _edit(CB, _playbook_bad_channel),
     load_collection_playbook, ("channel", "fax")),
    ("call script keyword inside another script's", _edit(CS, _overlapping_keywords),
     load_scripts, ("'too expensive'", "contains 'expensive'", "obj_price")),
    ("call script keyword in two scripts", _edit(CS, _same_keyword_twice), load_scripts,
     ("'budget'", "is also a keyword of", "obj_price")),
    ("call script blank misspelt", _edit(CS, _script_blank), load_scripts,
     ("{compnay}", "did you mean 'company'")),
    ("call scripts without the fallback", _edit(CS, _no_fallback), load_scripts,
     ("spin_situation",)),
    ("stage boundaries that decrease", _edit(ST, _stages_decrease), load_stages,
     ("stages.2.max_days",)),
    ("stage file with a misspelt key", _edit(ST, _unknown_stage_key), load_stages,
     ("max_dayz", "did you mean 'max_days'")),
    ("segment map with overlapping segments", _edit(RFM, _segments_overlap), load_segment_map,
     ("champions", "loyal")),
    ("classification rules that overlap", _edit(STD, _rules_overlap), load_standard,
     ("value", "overlap")),
    ("classification dimension with a misspelt key", _edit(STD, _unknown_dimension_key),
     load_standard, ("mdoe", "did you mean 'mode'")),
    ("YAML syntax error", _raw(ST, "stages:\n  - name: M0\n   max_days: 0\n"), load_stages,
     ("collection_stages.yaml",)),
    ("an empty config file", _raw(ST, ""), load_stages, ("collection_stages.yaml", "stages")),
    ("a list where a mapping belongs", _raw(ST, "- M0\n- M1\n"),
     lambda p: read_config(Stages, p), ("collection_stages.yaml",)),
    ("a config file that does not exist", lambda f: f / "nowhere.yaml", load_stages,
     ("nowhere.yaml",)),
]


@pytest.mark.parametrize(("builder", "loader", "texts"), [c[1:] for c in CONFIGS],
                         ids=[c[0] for c in CONFIGS])
def test_config_files(tmp_path, builder, loader, texts):
    path = builder(tmp_path)
    before = path.read_bytes() if path.exists() else None
    try:
        with pytest.raises(ConfigProblem) as err:
            loader(path)
        for part in texts:
            assert part in str(err.value), f"{part!r} not in:\n{err.value}"
        assert path.name in str(err.value)
    finally:
        assert (path.read_bytes() if path.exists() else None) == before


def test_bundled_config_files_still_load():
    """The checks added for the gallery hold for the bundled files (no false alarms)."""
    assert load_scripts().scripts and load_collection_playbook().types
    assert load_stages().names and load_segment_map().names and load_standard().dimensions


# --------------------------------------------------------------------------------------------
# 5. property tests: amount formats, date formats, encodings

_PROPS = settings(max_examples=20, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])


def _european(x: float) -> str:
    whole, frac = f"{x:,.2f}".split(".")
    return whole.replace(",", ".") + "," + frac


@_PROPS
@given(st.lists(st.decimals(min_value=1000, max_value=9_999_999, places=2), min_size=2,
                max_size=6))
def test_amounts_with_decimal_comma_read_as_written(tmp_path, amounts):
    values = [float(a) for a in amounts]
    path = tmp_path / "eu.csv"
    path.write_text(TXC.replace(",", ";") + "".join(
        f"T{i};C{i};2024-01-02;{_european(v)}\n" for i, v in enumerate(values)), encoding="utf-8")
    frame = load_table(path, "transactions")
    assert frame["amount"].tolist() == pytest.approx(values)


@_PROPS
@given(st.lists(st.decimals(min_value=0, max_value=9_999_999, places=2), min_size=2, max_size=6),
       st.sampled_from(["{:,.2f}", "{:.2f}", "¥{:,.2f}", "¥ {:.2f}", "({:,.2f})"]))
def test_amounts_with_decimal_point_read_as_written(tmp_path, amounts, fmt):
    values = [float(a) for a in amounts]
    sign = -1.0 if fmt.startswith("(") else 1.0
    path = tmp_path / "cn.csv"
    path.write_text(TXC + "".join(f'T{i},C{i},2024-01-02,"{fmt.format(v)}"\n'
                                  for i, v in enumerate(values)), encoding="utf-8")
    assert load_table(path, "transactions")["amount"].tolist() == pytest.approx(
        [sign * v for v in values])


@_PROPS
@given(st.lists(st.dates(min_value=pd.Timestamp("1990-01-01").date(),
                         max_value=pd.Timestamp("2030-12-31").date()), min_size=1, max_size=6),
       st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S"]))
def test_unambiguous_date_formats_read_as_written(tmp_path, dates, fmt):
    path = tmp_path / "d.csv"
    path.write_text(TXC + "".join(f"T{i},C{i},{d.strftime(fmt)},5\n"
                                  for i, d in enumerate(dates)), encoding="utf-8")
    frame = load_table(path, "transactions", as_of="2031-01-01")
    assert frame["purchase_date"].tolist() == [pd.Timestamp(d) for d in dates]


@_PROPS
@given(st.lists(st.dates(min_value=pd.Timestamp("2000-01-01").date(),
                         max_value=pd.Timestamp("2029-12-31").date()), min_size=1, max_size=6))
def test_day_month_order_is_settled_or_warned_never_guessed(tmp_path, dates):
    path = tmp_path / "dm.csv"
    path.write_text(TXC + "".join(f"T{i},C{i},{d:%d/%m/%Y},5\n" for i, d in enumerate(dates)),
                    encoding="utf-8")
    frame, report = load_table(path, "transactions", return_report=True, as_of="2031-01-01",
                               accept=["ambiguous_date_order"])
    read = frame["purchase_date"].tolist()
    if any(d.day > 12 for d in dates):      # one value settles it: read day-first
        assert read == [pd.Timestamp(d) for d in dates]
    else:                                   # every value fits both orders: said, never silent
        assert any("warning (accepted)" in n for n in report.notes), report.notes


latin_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüßéèàçñøåÄÖÜÉ ", min_size=3,
                      max_size=20).filter(lambda s: s.strip() == s and s.strip() != ""
                                          and s.lower() not in MISSING_TOKENS)
chinese_names = st.text(alphabet="张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗明华国建文军平", min_size=2,
                        max_size=4)


@_PROPS
@given(st.lists(latin_names, min_size=1, max_size=5), st.sampled_from(["latin-1", "cp1252",
                                                                        "utf-8", "utf-8-sig"]))
def test_western_names_survive_any_western_encoding(tmp_path, names, encoding):
    path = tmp_path / "w.csv"
    path.write_bytes((CU + "".join(f"C{i},individual,{n},2024-01-01\n"
                                   for i, n in enumerate(names))).encode(encoding))
    try:
        assert load_table(path, "customers")["name"].tolist() == names
    except DataProblem as exc:  # allowed only as a refusal to guess, never a wrong reading
        assert "encoding is unclear" in str(exc)


@_PROPS
@given(st.lists(chinese_names, min_size=8, max_size=12), st.sampled_from(["gbk", "gb18030",
                                                                         "utf-8", "utf-16"]))
def test_chinese_names_survive_any_chinese_encoding(tmp_path, names, encoding):
    path = tmp_path / "c.csv"
    path.write_bytes((CU + "".join(f"C{i},individual,{n},2024-01-01\n"
                                   for i, n in enumerate(names))).encode(encoding))
    assert load_table(path, "customers")["name"].tolist() == names


def test_gallery_size_by_category():
    """The closing note's table: at least 80 cases across both gallery files."""
    from tests.data.test_gallery import CASES
    sizes = {"files (test_gallery)": len(CASES), "files (more)": len(FILES),
             "tables together": len(TABLES), "writing": len(WRITES), "config files": len(CONFIGS)}
    assert sum(sizes.values()) >= 80, sizes
