"""Build ``datasets/public/``: small extracts of the public datasets, in their original formats.

``python -m helpers.simulate.public`` (defaults: from ``../shared/datasets`` into
``datasets/public``) rebuilds every file; the same inputs always give byte-identical files.
Text extracts copy the original lines verbatim (header lines, separator, quoting, encoding and
line ends unchanged) and keep a seeded random subset of the data lines in their original order,
so the readers of the full files read them unchanged. CDNOW is not redistributed: its files are
simulated from the BG/NBD and Gamma-Gamma models with the published CDNOW parameters, in the
exact fixed-width layout of ``CDNOW_sample.txt`` and ``CDNOW_master.txt``. See
:mod:`helpers.data._public` for the reader's side (:func:`helpers.data.public_dataset`).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data._public import PUBLIC_DATASETS, PUBLIC_DIR
from helpers.paths import SHARED_DATASETS_DIR

__all__ = ["BGNBD_CDNOW", "GAMMA_GAMMA_CDNOW", "build_public", "cdnow_lookalike",
           "sample_lines"]

#: BG/NBD parameters of CDNOW (Fader, Hardie & Lee 2005; weeks) and Gamma-Gamma (Fader & Hardie).
BGNBD_CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GAMMA_GAMMA_CDNOW = {"p": 6.25, "q": 3.74, "gamma": 15.44}
COHORT = ("1997-01-01", "1997-03-31")
END = "1998-06-30"
SEED = 2024
#: Share of Online Retail's invoices without a CustomerID that the extract keeps.
ANONYMOUS_SHARE = 0.08
SIZES = {"online_retail_customers": 300, "bank_marketing": 5000, "credit_default": 3000, "cdnow_sample": 2357,
         "cdnow_master": 5000}


def sample_lines(lines: Sequence[bytes], header: int, keep: int, seed: int) -> list[bytes]:
    """The ``header`` first lines and ``keep`` randomly chosen data lines, in file order."""
    data = lines[header:]
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(data), size=min(keep, len(data)), replace=False))
    return [*lines[:header], *(data[i] for i in chosen)]


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _text_extract(src: Path, dst: Path, header: int, keep: int) -> Path:
    lines = src.read_bytes().splitlines(keepends=True)
    return _write(dst, b"".join(sample_lines(lines, header, keep, SEED)))


def _gzip_bytes(content: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(content)
    return buf.getvalue()


def _online_retail(src: Path, dst: Path) -> Path:
    """All lines of a random set of customers, and of a share of the anonymous invoices."""
    with gzip.open(src, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    rows = list(csv.reader(io.StringIO(b"".join(lines[1:]).decode("utf-8"))))
    if len(rows) != len(lines) - 1:  # a quoted field spans lines: fall back to pandas' parser
        raise ValueError(f"{src}: multi-line fields; cannot copy lines verbatim")
    customer = np.array([r[6] for r in rows], dtype=object)
    invoice = np.array([r[0] for r in rows], dtype=object)
    rng = np.random.default_rng(SEED)
    known = np.sort(pd.unique(customer[customer != ""]).astype(str))
    chosen = set(rng.choice(known, size=SIZES["online_retail_customers"], replace=False))
    anon_inv = np.sort(pd.unique(invoice[customer == ""]).astype(str))
    k = round(ANONYMOUS_SHARE * len(anon_inv))
    anon = set(rng.choice(anon_inv, size=k, replace=False))
    keep = [i for i, (c, v) in enumerate(zip(customer, invoice, strict=True))
            if c in chosen or (c == "" and v in anon)]
    return _write(dst, _gzip_bytes(lines[0] + b"".join(lines[i + 1] for i in keep)))


def cdnow_lookalike(n: int, seed: int) -> pd.DataFrame:
    """Purchases of ``n`` first-time buyers simulated from CDNOW's BG/NBD and Gamma-Gamma fits.

    Each customer's first purchase falls uniformly in the first quarter of 1997; repeat purchases
    follow a Poisson process with weekly rate ``lambda ~ Gamma(r, alpha)`` until the customer
    drops out (after each repeat purchase with probability ``p ~ Beta(a, b)``) or June 1998 ends.
    A purchase's value is ``Gamma(p, nu)`` with ``nu ~ Gamma(q, gamma)``; CDs about one per $15.

    Returns
    -------
    DataFrame
        ``customer, date, cds, dollars`` sorted by customer and date (customer 1..n).
    """
    b, g = BGNBD_CDNOW, GAMMA_GAMMA_CDNOW
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(COHORT[0])
    first = rng.integers(0, (pd.Timestamp(COHORT[1]) - start).days + 1, n)
    horizon = (pd.Timestamp(END) - start).days - first  # days observable after the first buy
    lam = rng.gamma(b["r"], 1 / b["alpha"], n) / 7.0  # per day
    drop = rng.beta(b["a"], b["b"], n)
    max_repeats = rng.geometric(drop)  # the repeat purchase after which each one drops out
    # the Poisson process over the whole horizon: its arrival times given the count are sorted
    # uniforms; the customer makes the first ``max_repeats`` of them, then is gone
    n_arrivals = rng.poisson(lam * horizon)
    who = np.repeat(np.arange(n), n_arrivals)
    when = rng.random(len(who)) * horizon[who]
    order = np.lexsort((when, who))
    who, when = who[order], when[order]
    rank = np.arange(len(who)) - np.repeat(np.r_[0, np.cumsum(n_arrivals)[:-1]], n_arrivals)
    made = rank < max_repeats[who]
    nu = rng.gamma(g["q"], 1 / g["gamma"], n)
    cust = np.r_[np.arange(n), who[made]]
    day = np.r_[first, first[who[made]] + np.floor(when[made]).astype(int)]
    value = np.round(rng.gamma(g["p"], 1 / nu[cust]), 2)
    cds = np.maximum(1, np.round(value / 15.0 * rng.lognormal(0, 0.2, len(cust)))).astype(int)
    df = pd.DataFrame({"customer": cust + 1, "date": start + pd.to_timedelta(day, unit="D"),
                       "cds": cds, "dollars": value})
    return df.sort_values(["customer", "date"], kind="stable").reset_index(drop=True)


def _cdnow_text(df: pd.DataFrame, master_ids: np.ndarray | None) -> bytes:
    """CDNOW's fixed-width layout: master file (with header) or sample (master and sample ids)."""
    date = df["date"].dt.strftime("%Y%m%d").to_numpy()
    if master_ids is None:
        body = [f" {c:05d} {d} {k:2d} {v:7.2f}\r\n" for c, d, k, v in
                zip(df.customer, date, df.cds, df.dollars, strict=True)]
        return (" customer_id  date number_of_cds  dollar_value\r\n" + "".join(body)).encode()
    body = [f" {master_ids[c - 1]:05d} {c:04d} {d} {k:2d} {v:7.2f}\r\n" for c, d, k, v in
            zip(df.customer, date, df.cds, df.dollars, strict=True)]
    return "".join(body).encode()


def build_public(shared_dir: str | Path = SHARED_DATASETS_DIR,
                 out_dir: str | Path = PUBLIC_DIR) -> dict[str, Path]:
    """Write every extract (and the two CDNOW look-alikes) into ``out_dir``.

    Parameters
    ----------
    shared_dir : str or Path
        Folder of the full files (``../shared/datasets``); the CDNOW look-alikes need none.
    out_dir : str or Path
        Target folder (``datasets/public``).

    Returns
    -------
    dict of str to Path
        The file written per dataset name.
    """
    src, out = Path(shared_dir), Path(out_dir)
    spec = PUBLIC_DATASETS
    written = {
        "bank_marketing": _text_extract(src / spec["bank_marketing"].shared,
                                        out / spec["bank_marketing"].extract, 1,
                                        SIZES["bank_marketing"]),
        "credit_default": _text_extract(src / spec["credit_default"].shared,
                                        out / spec["credit_default"].extract, 2,
                                        SIZES["credit_default"]),
        "online_retail": _online_retail(src / spec["online_retail"].shared,
                                        out / spec["online_retail"].extract),
    }
    n_sample, n_master = SIZES["cdnow_sample"], SIZES["cdnow_master"]
    master_ids = np.sort(np.random.default_rng(SEED + 1).choice(
        np.arange(1, 23_571), size=n_sample, replace=False))
    written["cdnow_sample"] = _write(out / spec["cdnow_sample"].extract, _cdnow_text(
        cdnow_lookalike(n_sample, SEED), master_ids))
    written["cdnow_master"] = _write(out / spec["cdnow_master"].extract, _cdnow_text(
        cdnow_lookalike(n_master, SEED + 2), None))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m helpers.simulate.public [--shared DIR] [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(SHARED_DATASETS_DIR),
                        help="folder of the full public files (default ../shared/datasets)")
    parser.add_argument("--out", default=str(PUBLIC_DIR), help="target folder")
    args = parser.parse_args(argv)
    try:
        written = build_public(args.shared, args.out)
    except (OSError, ValueError) as problem:
        print(f"could not build the extracts: {problem}", file=sys.stderr)
        return 2
    for name, path in written.items():
        print(f"{name:16s} {path}  ({path.stat().st_size / 1024:,.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
