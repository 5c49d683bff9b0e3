"""Agreement with the ``lifetimes`` package on CDNOW, when it can be imported (a dev dependency)."""

import numpy as np
import pytest

from guanxi.insights.metrics import bgnbd, clv, gamma_gamma

# lifetimes sets a pandas option that pandas 3 deprecates; that is lifetimes' business, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:The 'mode.chained_assignment' option")


@pytest.fixture(scope="module")
def lifetimes():
    try:
        import lifetimes
        import pandas
    except Exception as error:  # on some Pythons its import fails for reasons other than ImportError
        pytest.skip(f"lifetimes cannot be imported here: {error!r}")
    return lifetimes, pandas


@pytest.fixture(scope="module")
def theirs(lifetimes, cdnow):
    package, pandas = lifetimes
    frequency, recency, age = (pandas.Series(v) for v in (cdnow.frequency, cdnow.recency, cdnow.T))
    repeat = cdnow.frequency > 0
    beta_geo = package.BetaGeoFitter().fit(frequency, recency, age)
    spend = package.GammaGammaFitter().fit(frequency[repeat], pandas.Series(cdnow.monetary_value)[repeat])
    return beta_geo, spend, (frequency, recency, age, pandas.Series(cdnow.monetary_value))


def test_fits_agree(cdnow, theirs):
    beta_geo, spend, _ = theirs

    ours = bgnbd.fit(cdnow.frequency, cdnow.recency, cdnow.T).params
    ours_spend = gamma_gamma.fit(cdnow.frequency, cdnow.monetary_value).params

    np.testing.assert_allclose(
        [ours.r, ours.alpha, ours.a, ours.b], beta_geo.params_[["r", "alpha", "a", "b"]].to_numpy(), rtol=1e-3
    )
    np.testing.assert_allclose(
        [ours_spend.p, ours_spend.q, ours_spend.gamma], spend.params_[["p", "q", "v"]].to_numpy(), rtol=1e-3
    )


def test_predictions_agree_for_every_customer_at_the_same_parameters(cdnow, theirs):
    beta_geo, _, (frequency, recency, age, _) = theirs
    params = bgnbd.BGNBDParams(*(float(beta_geo.params_[k]) for k in ("r", "alpha", "a", "b")))

    np.testing.assert_allclose(
        bgnbd.p_alive(params, cdnow.frequency, cdnow.recency, cdnow.T),
        beta_geo.conditional_probability_alive(frequency, recency, age),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        bgnbd.conditional_expected_purchases(params, 52, cdnow.frequency, cdnow.recency, cdnow.T),
        beta_geo.conditional_expected_number_of_purchases_up_to_time(52, frequency, recency, age),
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        bgnbd.expected_purchases(params, [10, 39, 78]),
        beta_geo.expected_number_of_purchases_up_to_time(np.array([10, 39, 78])),
        rtol=1e-8,
    )


def test_twelve_month_clv_agrees_with_weeks_as_the_time_unit(cdnow, theirs):
    beta_geo, spend, (frequency, recency, age, value) = theirs
    params = bgnbd.BGNBDParams(*(float(beta_geo.params_[k]) for k in ("r", "alpha", "a", "b")))
    spend_params = gamma_gamma.GammaGammaParams(*(float(spend.params_[k]) for k in ("p", "q", "v")))
    repeat = cdnow.frequency > 0

    ours = clv.customer_lifetime_value(
        params,
        spend_params,
        cdnow.frequency[repeat],
        cdnow.recency[repeat],
        cdnow.T[repeat],
        cdnow.monetary_value[repeat],
        time_units_per_month=4.345,  # lifetimes' weeks per month
        monthly_discount_rate=0.01,
    )
    their_clv = spend.customer_lifetime_value(
        beta_geo,
        frequency[repeat],
        recency[repeat],
        age[repeat],
        value[repeat],
        time=12,
        discount_rate=0.01,
        freq="W",
    )

    np.testing.assert_allclose(ours.clv, their_clv.to_numpy(), rtol=1e-8)
