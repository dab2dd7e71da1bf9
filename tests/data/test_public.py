"""public_dataset(): the full public file when present, else the bundled extract in its format."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.data import PUBLIC_DATASETS, load_table, public_dataset
from helpers.data._public import PUBLIC_DIR
from helpers.errors import DataProblem
from helpers.paths import MAPPINGS_DIR
from helpers.simulate.public import BGNBD_CDNOW, build_public, cdnow_lookalike
from tests.conftest import shared_file

NOWHERE = "/nonexistent/shared"
NAMES = ["online_retail", "cdnow_sample", "cdnow_master", "bank_marketing", "credit_default"]


# --------------------------------------------------------------------------- the resolver
def test_every_name_has_an_extract_under_one_megabyte() -> None:
    assert sorted(PUBLIC_DATASETS) == sorted(NAMES)
    for name in NAMES:
        path = public_dataset(name, shared_dir=NOWHERE, quiet=True)
        assert path.parent.parent == PUBLIC_DIR and path.is_file(), name
        assert path.stat().st_size < 1_000_000, name


def test_full_file_wins_and_the_choice_is_printed(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    full = tmp_path / "bank_marketing" / "bank-full.csv"
    full.parent.mkdir()
    full.write_text('"age";"y"\n30;"no"\n', encoding="utf-8")
    assert public_dataset("bank_marketing", shared_dir=tmp_path) == full
    out = capsys.readouterr().out
    assert "full file" in out and "CC BY 4.0" in out and "Moro" in out
    assert public_dataset("bank_marketing", shared_dir=NOWHERE).name == "bank-full.csv"
    out = capsys.readouterr().out
    assert "extract" in out and "5,000" in out
    public_dataset("cdnow_sample", shared_dir=NOWHERE)
    assert "SIMULATED" in capsys.readouterr().out


def test_unknown_name_and_missing_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(DataProblem, match="credit_default"):
        public_dataset("credit")
    with pytest.raises(DataProblem, match="neither the full file"):
        public_dataset("credit_default", shared_dir=tmp_path, extract_dir=tmp_path)


# --------------------------------------------------------------------------- the extracts
def _extract(name: str) -> Path:
    return public_dataset(name, shared_dir=NOWHERE, quiet=True)


def test_extracts_read_with_the_full_files_readers() -> None:
    from helpers.calls import load_leads_with_outcome
    from helpers.receivables import read_credit_default

    credit = read_credit_default(_extract("credit_default"))
    assert len(credit) == 3000 and 0.18 < credit["defaulted"].mean() < 0.26  # full file: 22.12 %
    bank = load_leads_with_outcome(_extract("bank_marketing"), MAPPINGS_DIR / "bank_marketing.yaml")
    assert len(bank.frame) == 5000 and 0.10 < bank.frame[bank.target].mean() < 0.14  # 11.7 %
    retail = load_table(_extract("online_retail"), "transactions",
                        mapping=MAPPINGS_DIR / "online_retail.yaml", on_invalid="keep")
    assert retail["customer_id"].nunique() == 300
    assert retail["customer_id"].isna().mean() == pytest.approx(135_080 / 541_909, abs=0.05)
    for name, mapping in [("cdnow_sample", "cdnow_sample.yaml"),
                          ("cdnow_master", "cdnow_master.yaml")]:
        tx = load_table(_extract(name), "transactions", mapping=MAPPINGS_DIR / mapping)
        assert tx["purchase_date"].min() >= pd.Timestamp("1997-01-01")
        assert tx["purchase_date"].max() <= pd.Timestamp("1998-06-30")
        assert tx["amount"].gt(0).all() and tx["quantity"].ge(1).all()


def test_sample_lookalike_has_cdnows_fixed_width_layout() -> None:
    raw = _extract("cdnow_sample").read_bytes()
    lines = raw.split(b"\r\n")[:-1]
    assert raw.endswith(b"\r\n") and {len(x) for x in lines} == {31}
    frame = pd.read_csv(_extract("cdnow_sample"), sep=r"\s+", header=None)
    assert frame[1].nunique() == 2357 and frame[1].max() == 2357
    assert frame.groupby(1)[0].nunique().eq(1).all()  # one master id per sample id
    master = _extract("cdnow_master").read_bytes()
    assert master.startswith(b" customer_id  date number_of_cds  dollar_value\r\n")


def test_lookalike_recovers_the_published_bgnbd_parameters() -> None:
    from helpers.value import calibration_holdout, fit_bgnbd

    tx = load_table(_extract("cdnow_sample"), "transactions",
                    mapping=MAPPINGS_DIR / "cdnow_sample.yaml")
    cal = calibration_holdout(tx, "1997-09-30", "1998-06-30", freq="D", freq_multiplier=7)
    params = fit_bgnbd(cal).params
    assert params["r"] == pytest.approx(BGNBD_CDNOW["r"], rel=0.15)
    assert params["alpha"] == pytest.approx(BGNBD_CDNOW["alpha"], rel=0.25)
    assert params["a"] == pytest.approx(BGNBD_CDNOW["a"], rel=0.4)
    assert params["b"] == pytest.approx(BGNBD_CDNOW["b"], rel=0.4)


def test_lookalike_is_seeded_and_customers_drop_out() -> None:
    a, b = cdnow_lookalike(500, 3), cdnow_lookalike(500, 3)
    pd.testing.assert_frame_equal(a, b)
    first = a.groupby("customer").date.min()
    assert first.max() <= pd.Timestamp("1997-03-31")
    repeat = a.groupby("customer").size() - 1
    assert 0.35 < (repeat > 0).mean() < 0.65  # CDNOW: 1,411 of 2,357 never repeat in 78 weeks
    assert np.isclose(a.dollars.mean(), 35, rtol=0.3)


# --------------------------------------------------------------------------- against the full files
@pytest.mark.shared_data
@pytest.mark.parametrize("name, header", [("bank_marketing", 1), ("credit_default", 2)])
def test_text_extracts_are_lines_of_the_full_file(name: str, header: int) -> None:
    full = shared_file(*PUBLIC_DATASETS[name].shared.split("/")).read_bytes()
    part = _extract(name).read_bytes()
    full_lines, part_lines = full.splitlines(keepends=True), part.splitlines(keepends=True)
    assert part_lines[:header] == full_lines[:header]
    assert set(part_lines[header:]) <= set(full_lines[header:])


@pytest.mark.shared_data
def test_online_retail_extract_keeps_whole_customers() -> None:
    full_path = shared_file("online_retail", "online_retail.csv.gz")
    full = pd.read_csv(full_path, dtype=str)
    part = pd.read_csv(_extract("online_retail"), dtype=str)
    assert list(part.columns) == list(full.columns)
    with gzip.open(full_path, "rb") as f, gzip.open(_extract("online_retail"), "rb") as g:
        assert g.readline() == f.readline()  # the same header line, byte for byte
    ids = part["CustomerID"].dropna().unique()
    assert (full["CustomerID"].isin(ids).sum() == part["CustomerID"].isin(ids).sum())


@pytest.mark.shared_data
def test_rebuild_gives_the_committed_files(tmp_path: Path) -> None:
    shared_file("credit_default")
    written = build_public(out_dir=tmp_path)
    for name, path in written.items():
        assert path.read_bytes() == _extract(name).read_bytes(), name
