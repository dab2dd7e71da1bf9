"""The public datasets of the course: the full file in ``../shared`` when present, else an extract.

Notebooks 03, 06, 07 and 09 compare the course's methods with published figures on real data
(UCI Online Retail, CDNOW, UCI Bank Marketing, UCI default of credit card clients). A trainee's
laptop has no ``../shared/datasets`` folder, so the course ships small extracts in
``datasets/public/`` written in the same format as the original files (same separator, columns,
header lines, encoding and line ends): the notebooks' readers work on either. CDNOW's terms do not
clearly allow redistribution, so its "extract" is a CDNOW-shaped look-alike simulated from the
BG/NBD and Gamma-Gamma models with CDNOW's published parameters. ``datasets/public/README.md``
gives sources, licences and attribution; ``python -m helpers.simulate.public`` rebuilds the
extracts from ``../shared``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.paths import DATASETS_DIR, SHARED_DATASETS_DIR

__all__ = ["PUBLIC_DATASETS", "PUBLIC_DIR", "PublicDataset", "public_dataset"]

#: Where the bundled extracts live.
PUBLIC_DIR = DATASETS_DIR / "public"


@dataclass(frozen=True)
class PublicDataset:
    """One public dataset: the full file's place in ``../shared``, the extract's, and credits."""

    name: str
    shared: str
    extract: str
    what: str
    attribution: str
    licence: str
    simulated: bool = False


_UCI = "UCI Machine Learning Repository"
PUBLIC_DATASETS: dict[str, PublicDataset] = {d.name: d for d in (
    PublicDataset(
        "online_retail", "online_retail/online_retail.csv.gz", "online_retail/online_retail.csv.gz",
        "UCI Online Retail, the invoice lines of 350 customers (all their rows) and of a sample "
        "of the invoices without a customer",
        f"Chen, D., Sain, S. L. & Guo, K. (2012), J. Database Marketing & Customer Strategy "
        f"Management 19(3):197-208; {_UCI}, id 352", "CC BY 4.0"),
    PublicDataset(
        "cdnow_sample", "cdnow/CDNOW_sample.txt", "cdnow/CDNOW_sample_lookalike.txt",
        "a CDNOW-shaped look-alike of the 2,357-customer sample, SIMULATED from BG/NBD "
        "(r 0.243, alpha 4.414, a 0.793, b 2.426) and Gamma-Gamma (p 6.25, q 3.74, gamma 15.44); "
        "not CDNOW's data",
        "model parameters from Fader, Hardie & Lee (2005), Marketing Science 24(2):275-284, and "
        "Fader & Hardie (2013); the real data: Fader & Hardie (2001), Interfaces 31(3)",
        "simulated by the course (CC BY 4.0 like the course data); CDNOW's own terms do not "
        "clearly allow redistribution", simulated=True),
    PublicDataset(
        "cdnow_master", "cdnow/CDNOW_master.txt", "cdnow/CDNOW_master_lookalike.txt",
        "a CDNOW-shaped look-alike of the master file (5,000 first-time buyers of Q1 1997), "
        "SIMULATED like cdnow_sample; not CDNOW's data",
        "as cdnow_sample", "simulated by the course", simulated=True),
    PublicDataset(
        "bank_marketing", "bank_marketing/bank-full.csv", "bank_marketing/bank-full.csv",
        "UCI Bank Marketing (bank-full.csv), a random 5,000 of its 45,211 calls",
        f"Moro, S., Laureano, R. & Cortez, P. (2011), Proc. ESM 2011; {_UCI}, id 222",
        "CC BY 4.0"),
    PublicDataset(
        "credit_default", "credit_default/default of credit card clients.csv",
        "credit_default/default of credit card clients.csv",
        "UCI default of credit card clients, a random 3,000 of its 30,000 clients",
        f"Yeh, I.-C. & Lien, C.-h. (2009), Expert Systems with Applications 36(2):2473-2480; "
        f"{_UCI}, id 350", "CC BY 4.0"),
)}


def public_dataset(name: str, shared_dir: str | Path | None = None,
                   extract_dir: str | Path | None = None, quiet: bool = False) -> Path:
    """The path of a public dataset: the full file when present, else the course's extract.

    Parameters
    ----------
    name : str
        One of ``online_retail``, ``cdnow_sample``, ``cdnow_master``, ``bank_marketing``,
        ``credit_default``.
    shared_dir : str or Path, optional
        Folder of the full files (default ``../shared/datasets`` beside the project).
    extract_dir : str or Path, optional
        Folder of the extracts (default ``datasets/public``).
    quiet : bool
        Do not print which file is used and its attribution.

    Returns
    -------
    Path
        The full file if it exists, else the extract (same format, so the same reader works).

    Raises
    ------
    DataProblem
        If the name is unknown, or neither the full file nor the extract exists.

    Examples
    --------
    >>> public_dataset("bank_marketing", shared_dir="/nowhere", quiet=True).name
    'bank-full.csv'
    """
    spec = PUBLIC_DATASETS.get(name)
    if spec is None:
        raise DataProblem(f"public_dataset: no dataset {name!r}; choose one of "
                          f"{sorted(PUBLIC_DATASETS)}.")
    full = Path(SHARED_DATASETS_DIR if shared_dir is None else shared_dir) / spec.shared
    extract = Path(PUBLIC_DIR if extract_dir is None else extract_dir) / spec.extract
    if full.is_file():
        path, which = full, "the full file"
    elif extract.is_file():
        path, which = extract, ("the course's simulated look-alike" if spec.simulated
                                else "the course's extract")
    else:
        raise DataProblem(
            f"public_dataset({name!r}): neither the full file {full} nor the extract {extract} "
            "exists. Fix: download the original (see datasets/public/README.md) and pass its "
            "path, or restore datasets/public/ from the course repository.")
    if not quiet:  # in the edition's language; the citation stays as published
        what = f"\n  {tr(spec.what)}." if path == extract else ""
        print(tr("{name}: using {which}, {path}{what}\n  Source: {source}. Licence: {licence}.",
                 name=name, which=tr(which), path=path, what=what, source=spec.attribution,
                 licence=tr(spec.licence)))
    return path
