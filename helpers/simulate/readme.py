"""datasets/README.md: the data dictionary, written from helpers.tables and truth.json."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.tables import TABLES, data_dictionary

TRUTH_KEYS = {
    "generator": "always `helpers.simulate`; marks a folder the generator may rewrite",
    "format_version": "version of the file layout",
    "seed": "seed the data was generated with",
    "scale": "size relative to the bundled data (1 = about 3,000 customers)",
    "as_of": "end of observation: recency, overdue days and collection stages count to it",
    "transactions_period": "first and last day transactions may fall on",
    "calls_period": "first and last day of the call records",
    "counts": "rows per table",
    "customer_kind_counts": "individuals and organisations",
    "customer_type_counts": "customers per latent `true_type`",
    "top20_revenue_share": "share of net revenue from the top 20% of customers",
    "script_test": "the A/B test of call scripts: true and observed P(sale | answered sales "
    "call) for script A and B, the true relative uplift of B, and the calls per arm",
    "alert": "the planted alert: daily conversion of answered sales calls drops below "
    "`threshold` on `dip_dates` (the only run of `run_days` such days); the true and observed "
    "dip rates and the lowest rate on any other day",
    "collection_stages_at_as_of": "open invoices and open balance per collection stage at "
    "`as_of` (M0 not yet due, M1 1-30 days past due, M2 31-60, M3 61-90, M3+ over 90)",
    "payer_profile_counts": "credit customers per latent payment behaviour (on_time, "
    "after_reminder, chronic_late, partial, disputer, never)",
    "payer_profile_customers": "customer IDs of the chronic_late, partial, disputer and never "
    "payers",
    "credit_customers": "customers buying on credit (they have invoices)",
    "lapsed_last_purchase_dates": "each lapsed customer's last purchase date",
    "extreme_service_customers": "customers who contact service dozens to hundreds of times a "
    "year (the cost-to-serve case)",
    "lead_conversion_by_true_grade": "share of leads converted per latent grade A/B/C",
    "stale_share": "share of customer records last updated more than two years before `as_of`",
    "never_bought": "customers on the list who never bought (about 12%): count, share and IDs; "
    "conversion over all customers differs from conversion over buyers",
    "lookalike_signal": "the attributes that mark loyal customers (and high-value organisations) "
    "before they buy: the look-alike signal of notebook 04",
    "channel_rate_factor": "static covariate: factor by which each acquisition channel "
    "multiplies a customer's purchase rate (lambda), on top of the type's rate",
    "service_heavy": "the service-heavy, loss-making customers (contacts per year): the tail of "
    "the whale curve",
    "lapsed_last_invoice_part_paid_p": "chance that a lapsed credit customer's last invoice stays "
    "part-paid (the lapsed group of the collection worked case)",
    "open_balance_m0_share": "share of the open balance at `as_of` that is M0 (not yet due, so "
    "not overdue)",
    "experiments": "the two randomised experiments in `experiments/`: control rates and the "
    "planted uplift per collection play (stage x customer type) and per call script",
    "raw_export": "facts about `raw/`: rows, distinct customers, duplicate rows, encodings, "
    "date formats and stale rows",
}

TYPES_TEXT = """\
| true_type | share | how they behave |
| --- | --- | --- |
| loyal | ~15% | buy about 6-7 times a year up to the as-of date, mid-sized orders, few returns, mostly positive attitude, pay on time; came mostly by referral or to a store, older (born around 1972), higher income, children |
| occasional | ~30% | buy two or three times a year, mid-sized orders |
| new | ~10% | signed up in the last six months; several first orders since |
| lapsed | ~14% | stopped buying 9-18 months before the as-of date; negative attitude and late or missing payments are common; records often stale |
| bargain_hunter | ~12% | about 80% of their lines carry a 15-40% discount (others: about 12%, 5-20%); most returns; price-oriented; contact service about 12 times a year, many complaints, so nearly all lose money |
| high_value_org | ~8% | organisations with large, frequent orders on credit (net 30 or 60); the largest share of revenue; mostly good ratings; came from trade shows and referrals |
| chronic_late_payer | ~11% | about half organisations; buy on credit and pay 1-3 months late, in parts, or dispute; mostly negative attitude |

About 12% of the customers (never lapsed or high-value organisations) have **never bought**:
they are on the list (registered, quoted, met at a fair) without a transaction; their `true_type`
is what they would become. The acquisition channel multiplies the purchase rate (referral x1.5,
marketplace x0.7; `channel_rate_factor` in `truth.json`).

Value is heavy-tailed: each customer's spending level is log-normal around their type's level.
Profit follows the 80/20/30 shape of a whale curve: the top 20% of customers earn most of the
profit, the service-heavy bargain hunters and a few extreme service users at the bottom give a
large part of it back, so the cumulative profit curve peaks well above 100% at about 70% of the
customers. Sales peak in the run-up to
"Double 11" (1-11 November) and in the three weeks before the Spring Festival, with a lull in
the festival week. Margins differ by product category (electronics about 12% of list price,
apparel about 45%); discounts come off the margin, so heavily discounted lines can lose money.
A handful of individuals contact service dozens to hundreds of times a year, which makes them
unprofitable once service time is costed.

Credit customers (all organisations, most chronic late payers, some others) get one invoice per
order. Payment behaviour (latent, in `truth.json`): on time, after a reminder (M1), chronically
late (M2-M3), partial (two to four instalments), disputer (some invoices unpaid for months, more
complaints) and never. No payment comes before the issue date or exceeds the open balance; at
the as-of date there are open invoices in every stage M0-M3+, and about a third of the open
balance is M0 (not yet due: not overdue). A lapsed credit customer's last invoice often stays
part-paid.

Calls cover the working days of 2025 (08:00-21:00). Individuals answer most at lunch (12-13 h)
and in the evening (19-20 h), organisations in office hours (9-11 h, 14-16 h); lapsed customers
and late payers answer less. Sales calls are randomised 50/50 to script A or B; B's true sale
rate is 5% higher, and the observed difference is set to 1.5 standard errors (about a 93%
probability that B is better; the 95% interval includes zero). On 10-12 June 2025 the centre's conversion drops to about 4%; on
every other working day it stays at 13% or more (a day that falls lower by chance is topped up).

Leads: trade-show leads are mostly grade A, detailed inquiries (specs, quantity, payment terms,
delivery date) mostly B, price-only inquiries and search-engine leads mostly C, with noise;
grade A converts most often.

`raw/crm_export.csv` is a deliberately dirty export of about 40% of the customers: Chinese
headers (姓名, 手机, 注册日期 and 更新时间 are not the course's standard names; see
`mappings/crm_export_zh.yaml`), Chinese values (个人/企业, 男/女, 积极/中立/消极, 是/否), about 8%
near-duplicate records (similar characters, 有限公司 vs 有限责任公司, trailing or full-width
spaces, staler
dates), phones as `13800138000`, `+86 138-0013-8000`, `138 0013 8000`, full-width digits,
`86-…` or landlines with an extension (`转 806`, `ext.806`), dates as `2024-03-05`, `2024/3/5`,
`05/03/2024` (day/month/year) or `2024年3月5日`, cities as 北京市 / 北京 / Beijing / 京, a few
lower-case ID numbers and missing values. `raw/crm_export_gbk.csv` holds the same text encoded
in GBK; `raw/crm_export_truth.csv` gives each raw row (`raw_row`, 1 = first data row) its true
`customer_id` and whether it is a duplicate of an earlier row.

`experiments/` holds two small randomised experiments (not course tables; planted values in
`truth.json` under `experiments`). In both the treatment succeeds with
`p_control + uplift x (1 - p_control)`, the form of the playbook's planning `uplift`.

- `experiments/collection_plays.csv`: one row per overdue account; `account_id`, `stage`
  (M0-M3+), `customer_type` (key_account, negative, lapsed, disputing, unresponsive; the
  playbook's types), `arm` (`type_play`: the type's own play; `default_play`: the stage's
  default play, randomised 50/50) and `paid_30d` (paid within 30 days).
- `experiments/call_scripts.csv`: one row per sales call; `trial_id`, `script_id` (an id of
  `helpers/config/call_scripts.yaml`), `stage` (opening, spin, objection, closing), `arm`
  (`script` or `control`: the agent's own words, randomised 50/50) and `success` (the call moved
  on to the next stage; for closing scripts: a sale).
"""


def write_readme(folder: Path, truth: dict, written: dict[str, Path]) -> Path:
    """Write the data dictionary for the dataset in ``folder``."""
    seed = truth["seed"]
    head = f"""\
# Course datasets · 课程数据

Simulated data for the customer-classification course: every person and company is invented.
Generated by `python -m helpers.simulate --seed {seed} --out <folder>` (scale
{truth['scale']:g}). Observation ends on the as-of date **{truth['as_of']}**.

Do not edit these files: regenerate them. The same seed always gives byte-identical files (a
test checks that the bundled folder equals a fresh generation with seed 2024):

```bash
python -m helpers.simulate --seed 2024 --out datasets    # or: make data
python -m helpers.simulate --seed 17 --out my_data       # a trainee's own dataset
```

Every notebook takes `data_dir="my_data"` as a parameter to run on another dataset. The writer
refuses a folder that is not empty unless it holds an earlier output of the generator.

Tables: UTF-8 CSV, dates `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM:SS`, amounts in CNY with two
decimals, booleans `True`/`False`, empty cells for unknown values. Load them with
`helpers.data.load_course_data(data_dir)`.
"""
    parts = [head, _files_section(folder, written), "## How the data was generated\n\n"
             "Each customer has a latent type, `customers.true_type` (a lesson may hide it; "
             "tests use it to check what a method recovers):\n\n" + TYPES_TEXT]
    parts.append("## truth.json\n\nThe planted truths, for self-checks and tests.\n\n"
                 + _md_table(pd.DataFrame({"key": [f"`{k}`" for k in truth],
                                           "meaning": [TRUTH_KEYS.get(k, "") for k in truth]})))
    parts.append("## Data dictionary\n\nGenerated from `helpers.tables` (`data_dictionary()`); "
                 "`personal` columns are masked in anything the course writes or shows unless "
                 "`reveal_personal=True`.")
    for name, table in TABLES.items():
        dd = data_dictionary(name).drop(columns="table")
        parts.append(f"### {name} · {table.zh}\n\n{table.description} Key: `{table.key}`. "
                     f"Rows: {truth['counts'][name]:,}.\n\n" + _md_table(dd))
    path = folder / "README.md"
    path.write_text("\n\n".join(p.strip("\n") for p in parts) + "\n", encoding="utf-8")
    return path


def _files_section(folder: Path, written: dict[str, Path]) -> str:
    rows = ["| file | size |", "| --- | --- |"]
    total = 0
    for path in written.values():
        size = path.stat().st_size
        total += size
        rows.append(f"| `{path.relative_to(folder).as_posix()}` | {size / 1024:,.0f} KB |")
    rows.append(f"| total (without this README) | {total / 2**20:,.1f} MB |")
    return "## Files\n\n" + "\n".join(rows)


def _md_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    sep = "| " + " | ".join("---" for _ in df.columns) + " |"
    body = ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |"
            for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])
