"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013 note).

A customer's order values are Gamma(p, ν) with a per-customer rate ν ~ Gamma(q, γ) across customers,
so a customer's mean order value is p/ν and the population mean is pγ/(q-1) (finite only when q > 1).
The model is fitted on the customers with at least one repeat purchase, using their number of repeat
purchases x and the average value z̄ of those x purchases; it assumes spend does not depend on how often
a customer buys, which the caller can check with a correlation of x and z̄ before relying on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

from ._common import FloatArray, as_float_array, as_weights, check_same_length

_LOG_BOUND = 20.0


@dataclass(frozen=True, slots=True)
class GammaGammaParams:
    """Order value ~ Gamma(p, ν), ν ~ Gamma(q, γ)."""

    p: float
    q: float
    gamma: float


@dataclass(frozen=True, slots=True)
class GammaGammaFit:
    """A maximum-likelihood fit: the parameters, the log-likelihood at them and how the optimiser ended."""

    params: GammaGammaParams
    log_likelihood: float
    n_customers: float
    iterations: int
    converged: bool


def _spend_arrays(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = as_float_array(frequency, "frequency")
    value = as_float_array(monetary_value, "monetary_value")
    check_same_length(frequency=x, monetary_value=value)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(value))):
        raise ValueError("frequency and monetary_value must be finite")
    if np.any(x < 0) or np.any(value < 0):
        raise ValueError("frequency and monetary_value must be >= 0")
    return x, value


def _log_likelihood_and_gradient(
    log_params: FloatArray, x: FloatArray, value: FloatArray, weight: FloatArray
) -> tuple[float, FloatArray]:
    """Return the weighted log-likelihood of the average values and its gradient in log-parameters.

    The density of z̄ given x is Γ(px+q) / (Γ(px) Γ(q)) · γ^q · x^(px) · z̄^(px-1) / (γ + x z̄)^(px+q).
    """
    p, q, gamma = np.exp(log_params)
    px = p * x
    log_x = np.log(x)
    log_value = np.log(value)
    log_gamma_xz = np.log(gamma + x * value)
    digamma_pxq = digamma(px + q)
    per_customer = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + px * log_x
        + (px - 1.0) * log_value
        - (px + q) * log_gamma_xz
    )
    d_p = weight @ (x * (digamma_pxq - digamma(px) + log_x + log_value - log_gamma_xz))
    d_q = weight @ (digamma_pxq - digamma(q) + np.log(gamma) - log_gamma_xz)
    d_gamma = weight @ (q / gamma - (px + q) / (gamma + x * value))
    gradient = np.array([d_p * p, d_q * q, d_gamma * gamma])
    return float(weight @ per_customer), gradient


def _starting_point(x: FloatArray, value: FloatArray, weight: FloatArray) -> FloatArray:
    """Start at p = 1, q = 2 and γ making the population mean pγ/(q-1) equal the observed mean."""
    mean_value = float(weight @ value / weight.sum())
    return np.log(np.array([1.0, 2.0, max(mean_value, 1e-9)]))


def fit(
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    initial: GammaGammaParams | None = None,
) -> GammaGammaFit:
    """Fit p, q, γ by maximum likelihood on the customers with x > 0 and a positive average value.

    Rows with x = 0 or z̄ = 0 carry no spend information and are left out (pass everyone; the filter is
    here). L-BFGS-B with the analytic gradient works on log-parameters. Raise ``ValueError`` when no row
    is left.
    """
    x, value = _spend_arrays(frequency, monetary_value)
    weight = as_weights(weights, len(x))
    keep = (x > 0) & (value > 0) & (weight > 0)
    x, value, weight = x[keep], value[keep], weight[keep]
    if len(x) == 0:
        raise ValueError("Gamma-Gamma needs at least one customer with a repeat purchase of positive value")
    scale = float(weight.sum())

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        ll, gradient = _log_likelihood_and_gradient(log_params, x, value, weight)
        return -ll / scale, -gradient / scale

    start = np.log([initial.p, initial.q, initial.gamma]) if initial else _starting_point(x, value, weight)
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 3,
        options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9},
    )
    p, q, gamma = (float(v) for v in np.exp(result.x))
    ll, _ = _log_likelihood_and_gradient(result.x, x, value, weight)
    return GammaGammaFit(
        params=GammaGammaParams(p=p, q=q, gamma=gamma),
        log_likelihood=ll,
        n_customers=scale,
        iterations=int(result.nit),
        converged=bool(result.success),
    )


def log_likelihood(
    params: GammaGammaParams,
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    *,
    weights: ArrayLike | None = None,
) -> float:
    """Return the Gamma-Gamma log-likelihood of the rows with x > 0 and z̄ > 0 under ``params``."""
    x, value = _spend_arrays(frequency, monetary_value)
    weight = as_weights(weights, len(x))
    keep = (x > 0) & (value > 0)
    log_params = np.log([params.p, params.q, params.gamma])
    return _log_likelihood_and_gradient(log_params, x[keep], value[keep], weight[keep])[0]


def population_mean_value(params: GammaGammaParams) -> float:
    """Return E[order value] = pγ/(q-1) for a customer we know nothing about; raise if q <= 1."""
    if params.q <= 1.0:
        raise ValueError("the population mean order value is infinite when q <= 1")
    return params.p * params.gamma / (params.q - 1.0)


def conditional_expected_average_profit(
    params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike
) -> FloatArray:
    """Return each customer's expected order value given x repeat purchases averaging z̄.

    E[Z | x, z̄] = p(γ + x z̄) / (px + q - 1): a weighted mean of the population mean pγ/(q-1) and the
    customer's own z̄, the weight on z̄ growing with x. Customers with x = 0 get the population mean.
    Raise ``ValueError`` if q <= 1.
    """
    x, value = _spend_arrays(frequency, monetary_value)
    population = population_mean_value(params)
    p, q, gamma = params.p, params.q, params.gamma
    own = p * (gamma + x * value) / (p * x + q - 1.0)
    return np.where(x > 0, own, population)
