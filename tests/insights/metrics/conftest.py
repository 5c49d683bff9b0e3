"""Fixtures for the pure metric tests: public data and seeded random generators, no database."""

import numpy as np
import pytest

from guanxi.insights.metrics._public_data import CDNOWSummary, load_cdnow_summary


@pytest.fixture(scope="session")
def cdnow() -> CDNOWSummary:
    data = load_cdnow_summary()
    if data is None:
        pytest.skip(
            "the CDNOW sample ships with the 'lifetimes' package (a dev dependency); it is not installed"
        )
    return data


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20050101)
