"""The public CDNOW sample, read from the data files that ship inside the ``lifetimes`` wheel.

Only the CSV files are read (``lifetimes`` itself is never imported here), so the tests and the benchmark
work whether or not its code runs on this Python. ``lifetimes`` is a development dependency.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from ._common import FloatArray

_DATASETS = "lifetimes/datasets"


@dataclass(frozen=True, slots=True)
class CDNOWSummary:
    """2 357 CDNOW customers, 39-week calibration period, time in weeks (Fader, Hardie & Lee 2005).

    ``monetary_value`` is the average value of the repeat purchases (0 for customers without any).
    """

    customer_id: FloatArray
    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    monetary_value: FloatArray


def dataset_path(name: str) -> Path | None:
    """Return the path of a data file shipped with ``lifetimes``, or None if it is not installed."""
    try:
        distribution = metadata.distribution("lifetimes")
    except metadata.PackageNotFoundError:
        return None
    path = Path(str(distribution.locate_file(f"{_DATASETS}/{name}")))
    return path if path.is_file() else None


def load_cdnow_summary() -> CDNOWSummary | None:
    """Return the CDNOW calibration summary, or None when the ``lifetimes`` data files are absent."""
    path = dataset_path("cdnow_customers_summary_with_transactions.csv")
    if path is None:
        return None
    # Columns: ID, x, t_x, T, zbar; the first four equal cdnow_customers_summary.csv row for row.
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return CDNOWSummary(
        customer_id=table[:, 0],
        frequency=table[:, 1],
        recency=table[:, 2],
        T=table[:, 3],
        monetary_value=table[:, 4],
    )
