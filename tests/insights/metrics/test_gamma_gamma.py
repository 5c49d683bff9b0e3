"""Gamma-Gamma: published CDNOW results, parameter recovery, the conditional expectation. No database."""

import numpy as np
import pytest

from guanxi.insights.metrics import gamma_gamma
from guanxi.insights.metrics.gamma_gamma import GammaGammaParams

from .simulate import gamma_gamma_customers, log_space_standard_errors

# Fader, Hardie & Lee (2005) / Fader & Hardie (2013): the 946 CDNOW customers with repeat purchases.
PUBLISHED = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    return gamma_gamma.fit(cdnow.frequency, cdnow.monetary_value)


def test_cdnow_fit_reproduces_the_published_parameters(cdnow, cdnow_fit):
    params = cdnow_fit.params

    assert cdnow_fit.converged
    assert cdnow_fit.n_customers == 946
    assert (round(params.p, 2), round(params.q, 2)) == (6.25, 3.74)
    # γ is 15.448 at the maximum; the published 15.44 lies on the same flat ridge (its standard error is
    # about 4): within one unit of the last published digit, and no better than our maximum.
    assert params.gamma == pytest.approx(15.44, abs=0.01)
    at_published = gamma_gamma.log_likelihood(PUBLISHED, cdnow.frequency, cdnow.monetary_value)
    assert cdnow_fit.log_likelihood >= at_published
    assert cdnow_fit.log_likelihood - at_published < 0.01


def test_conditional_expected_average_profit_is_the_credibility_weighted_mean():
    params = PUBLISHED
    population = 6.25 * 15.44 / (3.74 - 1)

    expected = gamma_gamma.conditional_expected_average_profit(params, [0, 1, 10], [0, 20.0, 20.0])

    assert expected[0] == pytest.approx(population, rel=1e-12)
    assert expected[1] == pytest.approx(6.25 * (15.44 + 20.0) / (6.25 + 3.74 - 1), rel=1e-12)
    # More purchases pull the estimate from the population mean towards the customer's own average.
    assert abs(expected[2] - 20.0) < abs(expected[1] - 20.0)


def test_cdnow_expected_average_profit_agrees_with_the_observed_mean(cdnow, cdnow_fit):
    repeat = cdnow.frequency > 0

    expected = gamma_gamma.conditional_expected_average_profit(
        cdnow_fit.params, cdnow.frequency[repeat], cdnow.monetary_value[repeat]
    )

    # Shrinkage towards the population mean moves individual customers, hardly the average.
    assert float(cdnow.monetary_value[repeat].mean()) == pytest.approx(35.08, abs=0.005)
    assert float(expected.mean()) == pytest.approx(35.08, rel=0.01)


def test_analytic_gradient_matches_finite_differences(cdnow):
    repeat = cdnow.frequency > 0
    x, value = cdnow.frequency[repeat], cdnow.monetary_value[repeat]
    weight = np.ones(len(x))
    point = np.log([5.0, 3.0, 12.0])
    _, gradient = gamma_gamma._log_likelihood_and_gradient(point, x, value, weight)
    step = 1e-6
    numeric = [
        (
            gamma_gamma._log_likelihood_and_gradient(point + e, x, value, weight)[0]
            - gamma_gamma._log_likelihood_and_gradient(point - e, x, value, weight)[0]
        )
        / (2 * step)
        for e in np.eye(3) * step
    ]

    np.testing.assert_allclose(gradient, numeric, rtol=1e-5)


def test_parameters_are_recovered_from_simulated_customers(rng):
    truth = GammaGammaParams(p=6.0, q=4.0, gamma=15.0)
    x, value = gamma_gamma_customers(rng, 3000, p=truth.p, q=truth.q, gamma=truth.gamma, mean_purchases=3.0)

    fitted = gamma_gamma.fit(x, value)
    estimate = (fitted.params.p, fitted.params.q, fitted.params.gamma)
    errors = log_space_standard_errors(
        lambda theta: gamma_gamma.log_likelihood(GammaGammaParams(*theta), x, value), estimate
    )

    # Within 4 standard errors (probability > 0.9999 each), and the errors small enough to mean something.
    distance = np.abs(np.log(estimate) - np.log([truth.p, truth.q, truth.gamma]))
    assert fitted.converged
    assert np.all(errors < 0.25)
    assert np.all(distance < 4 * errors), (estimate, errors)


def test_customers_without_repeat_purchases_are_left_out_of_the_fit(cdnow, cdnow_fit):
    repeat = cdnow.frequency > 0

    only_repeat = gamma_gamma.fit(cdnow.frequency[repeat], cdnow.monetary_value[repeat])

    assert only_repeat.log_likelihood == pytest.approx(cdnow_fit.log_likelihood, abs=1e-9)


def test_a_mean_order_value_needs_q_above_one():
    with pytest.raises(ValueError, match="q <= 1"):
        gamma_gamma.conditional_expected_average_profit(
            GammaGammaParams(p=2.0, q=0.9, gamma=10.0), [1], [5.0]
        )


def test_nothing_to_fit_is_refused():
    with pytest.raises(ValueError, match="at least one customer"):
        gamma_gamma.fit([0, 0], [0.0, 0.0])
