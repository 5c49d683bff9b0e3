"""BG/NBD: published CDNOW results, parameter recovery, numerical checks. No database."""

import numpy as np
import pytest
from scipy.special import hyp2f1

from guanxi.insights.metrics import bgnbd
from guanxi.insights.metrics.bgnbd import BGNBDParams

from .simulate import bgnbd_customers, log_space_standard_errors

# Fader, Hardie & Lee (2005), CDNOW 2 357 customers, 39-week calibration.
PUBLISHED = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    return bgnbd.fit(cdnow.frequency, cdnow.recency, cdnow.T)


def test_cdnow_fit_reproduces_the_published_parameters_and_log_likelihood(cdnow_fit):
    params = cdnow_fit.params

    assert cdnow_fit.converged
    assert cdnow_fit.n_customers == 2357
    assert (round(params.r, 3), round(params.alpha, 3), round(params.a, 3), round(params.b, 3)) == (
        0.243,
        4.414,
        0.793,
        2.426,
    )
    assert round(cdnow_fit.log_likelihood, 1) == -9582.4


def test_cdnow_published_conditional_expectation_for_the_papers_example_customer(cdnow_fit):
    # Given x = 2, t_x = 30.43, T = 38.86: 1.226 purchases expected in the next 39 weeks.
    expected = bgnbd.conditional_expected_purchases(cdnow_fit.params, 39, [2], [30.43], [38.86])

    assert round(float(expected[0]), 3) == 1.226


def test_cdnow_fit_is_a_maximum_no_nearby_point_is_better(cdnow, cdnow_fit):
    best = cdnow_fit.log_likelihood
    p = cdnow_fit.params
    for factor in (0.99, 1.01):
        for name in ("r", "alpha", "a", "b"):
            moved = BGNBDParams(
                **{**{k: getattr(p, k) for k in ("r", "alpha", "a", "b")}, name: getattr(p, name) * factor}
            )
            assert bgnbd.log_likelihood(moved, cdnow.frequency, cdnow.recency, cdnow.T) < best


def test_weights_of_identical_rows_give_the_same_fit(cdnow, cdnow_fit):
    rows = np.column_stack([cdnow.frequency, cdnow.recency, cdnow.T])
    distinct, counts = np.unique(rows, axis=0, return_counts=True)

    weighted = bgnbd.fit(distinct[:, 0], distinct[:, 1], distinct[:, 2], weights=counts)

    assert len(distinct) < len(rows)
    assert weighted.n_customers == 2357
    assert weighted.log_likelihood == pytest.approx(cdnow_fit.log_likelihood, abs=1e-6)
    assert weighted.params.r == pytest.approx(cdnow_fit.params.r, rel=1e-5)
    assert weighted.params.b == pytest.approx(cdnow_fit.params.b, rel=1e-4)


def test_changing_the_time_unit_rescales_alpha_only(cdnow, cdnow_fit):
    in_days = bgnbd.fit(cdnow.frequency, cdnow.recency * 7, cdnow.T * 7)

    assert in_days.params.alpha == pytest.approx(cdnow_fit.params.alpha * 7, rel=1e-4)
    assert in_days.params.r == pytest.approx(cdnow_fit.params.r, rel=1e-4)
    assert in_days.params.a == pytest.approx(cdnow_fit.params.a, rel=1e-3)
    # Densities in days are 1/7 of those in weeks for every observed purchase time.
    shift = cdnow.frequency.sum() * np.log(7)
    assert in_days.log_likelihood == pytest.approx(cdnow_fit.log_likelihood - shift, abs=1e-4)


def test_analytic_gradient_matches_finite_differences(cdnow):
    data = bgnbd._prepare(cdnow.frequency, cdnow.recency, cdnow.T, np.ones(len(cdnow.T)))
    point = np.log([0.3, 5.0, 0.7, 2.0])
    _, gradient = bgnbd._log_likelihood_and_gradient(point, data)
    step = 1e-6
    numeric = [
        (
            bgnbd._log_likelihood_and_gradient(point + e, data)[0]
            - bgnbd._log_likelihood_and_gradient(point - e, data)[0]
        )
        / (2 * step)
        for e in np.eye(4) * step
    ]

    np.testing.assert_allclose(gradient, numeric, rtol=1e-5)


def test_conditional_expectation_equals_the_papers_formula_without_euler_transformation(cdnow_fit, cdnow):
    r, alpha, a, b = (cdnow_fit.params.r, cdnow_fit.params.alpha, cdnow_fit.params.a, cdnow_fit.params.b)
    x, tx, T, t = cdnow.frequency, cdnow.recency, cdnow.T, 39.0
    numerator = (a + b + x - 1) / (a - 1)
    numerator *= 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
        r + x, b + x, a + b + x - 1, t / (alpha + T + t)
    )
    denominator = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)

    ours = bgnbd.conditional_expected_purchases(cdnow_fit.params, t, x, tx, T)

    np.testing.assert_allclose(ours, numerator / denominator, rtol=1e-9)


def test_p_alive_is_one_without_repeat_purchases_and_falls_with_silence():
    params = PUBLISHED

    alive = bgnbd.p_alive(params, [0, 3, 3, 3], [0, 30, 20, 5], [38, 38, 38, 38])

    assert alive[0] == 1.0
    assert alive[1] > alive[2] > alive[3] > 0
    # 1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)) by hand for the second customer.
    by_hand = 1 / (1 + 0.793 / (2.426 + 2) * ((4.414 + 38) / (4.414 + 30)) ** (0.243 + 3))
    assert alive[1] == pytest.approx(by_hand, rel=1e-12)


def test_expectations_are_zero_at_horizon_zero_and_grow_with_the_horizon():
    params = PUBLISHED

    assert bgnbd.expected_purchases(params, 0.0)[0] == pytest.approx(0.0, abs=1e-12)
    unconditional = bgnbd.expected_purchases(params, [13, 26, 39, 78])
    conditional = bgnbd.cumulative_expected_purchases(params, [0, 13, 39], [2], [30.43], [38.86])

    assert np.all(np.diff(unconditional) > 0)
    assert conditional[0, 0] == pytest.approx(0.0, abs=1e-12)
    assert conditional[0, 2] == pytest.approx(
        bgnbd.conditional_expected_purchases(params, 39, [2], [30.43], [38.86])[0], rel=1e-12
    )


def test_a_equal_to_one_is_handled_as_its_limit():
    near = bgnbd.conditional_expected_purchases(BGNBDParams(0.5, 5.0, 1.0 + 1e-4, 2.0), 30, [3], [20], [30])
    exactly = bgnbd.conditional_expected_purchases(BGNBDParams(0.5, 5.0, 1.0, 2.0), 30, [3], [20], [30])

    assert np.isfinite(exactly[0])
    assert exactly[0] == pytest.approx(near[0], rel=1e-3)


def test_large_frequencies_stay_finite():
    expected = bgnbd.conditional_expected_purchases(PUBLISHED, 365, [500, 2000], [360, 364], [365, 365])
    alive = bgnbd.p_alive(PUBLISHED, [500], [10], [365])

    assert np.all(np.isfinite(expected))
    assert np.all(expected > 0)
    assert alive[0] == pytest.approx(0.0, abs=1e-12)


def test_parameters_are_recovered_from_simulated_customers(rng):
    truth = BGNBDParams(r=0.8, alpha=6.0, a=0.6, b=2.5)
    T = rng.uniform(26, 78, 4000)
    x, tx, T = bgnbd_customers(rng, 4000, r=truth.r, alpha=truth.alpha, a=truth.a, b=truth.b, T=T)

    fitted = bgnbd.fit(x, tx, T)
    estimate = (fitted.params.r, fitted.params.alpha, fitted.params.a, fitted.params.b)
    errors = log_space_standard_errors(
        lambda theta: bgnbd.log_likelihood(BGNBDParams(*theta), x, tx, T), estimate
    )

    # An MLE is within 4 standard errors of the truth with probability > 0.9999 per parameter; the
    # standard errors themselves must be small, or the check would pass for any estimate.
    distance = np.abs(np.log(estimate) - np.log([truth.r, truth.alpha, truth.a, truth.b]))
    assert fitted.converged
    assert np.all(errors < 0.25)
    assert np.all(distance < 4 * errors), (estimate, errors)


def test_the_fit_does_not_depend_on_the_starting_point(cdnow, cdnow_fit):
    elsewhere = bgnbd.fit(
        cdnow.frequency, cdnow.recency, cdnow.T, initial=BGNBDParams(r=2.0, alpha=50.0, a=3.0, b=0.5)
    )

    assert elsewhere.log_likelihood == pytest.approx(cdnow_fit.log_likelihood, abs=1e-5)
    assert elsewhere.params.r == pytest.approx(cdnow_fit.params.r, rel=1e-4)


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "message"),
    [
        ([1, 2], [1], [2, 3], "differ in length"),
        ([-1], [0], [5], "whole numbers"),
        ([1.5], [1], [5], "whole numbers"),
        ([1], [6], [5], "between 0 and T"),
        ([0], [2], [5], "must be 0"),
        ([1], [np.nan], [5], "finite"),
    ],
)
def test_invalid_summaries_are_refused(frequency, recency, T, message):
    with pytest.raises(ValueError, match=message):
        bgnbd.fit(frequency, recency, T)


def test_a_population_without_repeat_purchases_cannot_be_fitted():
    with pytest.raises(ValueError, match="repeat purchase"):
        bgnbd.fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
