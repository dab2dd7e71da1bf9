"""The personal-data scan of the notebook harness finds clear values and passes masked ones."""

from __future__ import annotations

import pandas as pd

from helpers.data.privacy import mask_frame
from helpers.paths import DATASETS_DIR
from tests.notebooks.personal import file_text, find_personal, leaks, personal_values


def test_values_cover_every_source():
    values = personal_values()
    customers = pd.read_csv(DATASETS_DIR / "customers.csv", dtype=str)
    individuals = customers[customers["customer_kind"] == "individual"]
    assert individuals["id_number"].isin(values.id_numbers).all()
    assert set(individuals["name"][individuals["name"].str.len() >= 3]) <= values.names
    assert "Lucas Rossi" in values.names and "6563104019323" in values.phones  # leads
    # an organisation's registered name is not a person's, its credit code is scanned
    organisations = customers[customers["customer_kind"] == "organisation"]
    assert not set(organisations["name"]) & values.names
    assert organisations["id_number"].isin(values.id_numbers).all()


def test_raw_export_formats_are_found():
    """Phones as the CRM export writes them: +86, spaces, dashes, full-width digits."""
    text = file_text(DATASETS_DIR / "raw" / "crm_export.csv")
    found = find_personal(text)
    for kind in ("phone", "id_number", "email", "name"):
        assert len(found[kind]) > 500, kind
    assert "15712078694" in found["phone"]  # written １５７１２０７８６９４ in the export


def test_gbk_export_is_read():
    assert find_personal(file_text(DATASETS_DIR / "raw" / "crm_export_gbk.csv"))["name"]


def test_masked_tables_pass_and_revealed_fail():
    for file, table in (("customers.csv", "customers"), ("leads.csv", "leads")):
        df = pd.read_csv(DATASETS_DIR / file, dtype=str)
        assert find_personal(mask_frame(df, table).to_csv()) == {}
        assert find_personal(mask_frame(df, table, reveal_personal=True).to_csv())


def test_leaks_names_the_place_and_a_few_values():
    values = personal_values()
    phones = sorted(values.phones)[:5]
    found = leaks({"cell 3": " ".join(phones), "cell 4": "nothing here 2024-01-01 12345678901"})
    assert list(found) == ["cell 3"]
    assert found["cell 3"]["phone"][-1] == "… 5 in all"


def test_ordinary_text_is_not_a_name():
    text = "客户管理 customer relationship management 有限公司 13800000000 2024-01-01"
    assert find_personal(text) == {}
