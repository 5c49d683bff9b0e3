"""The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While a customer is alive they buy at a Poisson rate λ; right after each purchase they drop out for good
with probability p. Across customers λ ~ Gamma(shape r, rate α) and p ~ Beta(a, b).

Each customer is summarised by three numbers measured from their first purchase:

- ``frequency`` x: the number of repeat purchase occasions (purchases after the first one);
- ``recency`` t_x: the time of the last purchase (0 when x = 0);
- ``T``: the time from the first purchase to the end of the observation.

The time unit is the caller's choice (days in the app, weeks in the paper); α and every horizon ``t``
are in that unit. Orders on the same day should be merged into one purchase occasion first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from ._common import FloatArray, as_float_array, as_weights, check_same_length

# Bounds on the log-parameters keep exp() finite while leaving every realistic value inside.
_LOG_BOUND = 20.0
# a = 1 makes (a+b+x-1)/(a-1) a removable 0/0; nudging a by this much changes results by ~1e-7.
_A_NEAR_ONE = 1e-7


@dataclass(frozen=True, slots=True)
class BGNBDParams:
    """Population parameters: λ ~ Gamma(r, α), p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True, slots=True)
class BGNBDFit:
    """A maximum-likelihood fit: the parameters, the log-likelihood at them and how the optimiser ended."""

    params: BGNBDParams
    log_likelihood: float
    n_customers: float
    iterations: int
    converged: bool


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Fit data rearranged so the likelihood touches each distinct value once."""

    zero_T: FloatArray  # distinct T of customers without repeat purchases
    zero_weight: FloatArray
    x_values: FloatArray  # distinct x > 0 and their total weight
    x_weight: FloatArray
    x: FloatArray  # one row per repeat customer (or weighted group of identical ones)
    recency: FloatArray
    T: FloatArray
    weight: FloatArray
    total_weight: float


def summary_arrays(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> tuple[FloatArray, ...]:
    """Return (x, t_x, T) as float arrays after checking the BG/NBD summary invariants.

    Raise ``ValueError`` unless the arrays have one length, are finite, x is a whole number >= 0,
    0 <= t_x <= T, and t_x = 0 whenever x = 0.
    """
    x = as_float_array(frequency, "frequency")
    tx = as_float_array(recency, "recency")
    age = as_float_array(T, "T")
    check_same_length(frequency=x, recency=tx, T=age)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(tx)) and np.all(np.isfinite(age))):
        raise ValueError("frequency, recency and T must be finite")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ValueError("frequency must hold whole numbers >= 0")
    if np.any(tx < 0) or np.any(tx > age):
        raise ValueError("recency must lie between 0 and T")
    if np.any(tx[x == 0] != 0):
        raise ValueError("recency must be 0 for customers without repeat purchases")
    return x, tx, age


def _prepare(x: FloatArray, tx: FloatArray, age: FloatArray, weight: FloatArray) -> _Prepared:
    zero = x == 0
    zero_T, zero_inverse = np.unique(age[zero], return_inverse=True)
    zero_weight = np.bincount(zero_inverse, weights=weight[zero], minlength=len(zero_T))
    repeat = ~zero & (weight > 0)
    x_values, x_inverse = np.unique(x[repeat], return_inverse=True)
    x_weight = np.bincount(x_inverse, weights=weight[repeat], minlength=len(x_values))
    return _Prepared(
        zero_T=zero_T,
        zero_weight=zero_weight,
        x_values=x_values,
        x_weight=x_weight,
        x=x[repeat],
        recency=tx[repeat],
        T=age[repeat],
        weight=weight[repeat],
        total_weight=float(weight.sum()),
    )


def _log_likelihood_and_gradient(log_params: FloatArray, data: _Prepared) -> tuple[float, FloatArray]:
    """Return the weighted log-likelihood and its gradient with respect to the log-parameters.

    Per customer, L = Γ(r+x) α^r / Γ(r) · B(a, b+x) / B(a, b) · [(α+T)^-(r+x)
    + [x>0] · a/(b+x-1) · (α+t_x)^-(r+x)]; the bracket is summed in log space (logaddexp).
    """
    r, alpha, a, b = np.exp(log_params)
    log_alpha = np.log(alpha)

    # Customers with x = 0 contribute r·log(α / (α+T)).
    zero_log_ratio = log_alpha - np.log(alpha + data.zero_T)
    ll = r * (data.zero_weight @ zero_log_ratio)
    d_r = data.zero_weight @ zero_log_ratio
    d_alpha = r * (data.zero_weight @ (1.0 / alpha - 1.0 / (alpha + data.zero_T)))
    if len(data.x) == 0:
        return float(ll), np.array([d_r * r, d_alpha * alpha, 0.0, 0.0])

    # Terms that depend on x only, once per distinct x.
    xv, xw = data.x_values, data.x_weight
    digamma_ab = digamma(a + b)
    digamma_abx = digamma(a + b + xv)
    ll += xw @ (gammaln(r + xv) - gammaln(r) + betaln(a, b + xv) - betaln(a, b)) + r * log_alpha * xw.sum()
    d_r += xw @ (digamma(r + xv) - digamma(r)) + log_alpha * xw.sum()
    d_alpha += r / alpha * xw.sum()
    d_a = xw @ (digamma_ab - digamma_abx)
    d_b = xw @ (digamma(b + xv) - digamma_abx - digamma(b) + digamma_ab)

    # The bracket: "still alive at T" and "dropped out right after t_x", mixed in log space.
    x, weight = data.x, data.weight
    rx = r + x
    log_alpha_T = np.log(alpha + data.T)
    log_alpha_tx = np.log(alpha + data.recency)
    alive = -rx * log_alpha_T
    dropped = np.log(a) - np.log(b + x - 1.0) - rx * log_alpha_tx
    total = np.logaddexp(alive, dropped)
    share = np.exp(dropped - total)  # posterior weight of the "dropped out" branch
    ll += weight @ total
    d_r -= weight @ ((1.0 - share) * log_alpha_T + share * log_alpha_tx)
    d_alpha -= weight @ (rx * ((1.0 - share) / (alpha + data.T) + share / (alpha + data.recency)))
    d_a += (weight @ share) / a
    d_b -= weight @ (share / (b + x - 1.0))

    gradient = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return float(ll), gradient


def _starting_point(data: _Prepared) -> FloatArray:
    """Start at r = 1, a = b = 1 and α matching the mean purchase rate, so the start is unit-free."""
    n = data.total_weight
    mean_T = float(data.zero_weight @ data.zero_T + data.weight @ data.T) / n
    mean_x = float(data.x_weight @ data.x_values) / n
    alpha = mean_T / max(mean_x, 1e-3)
    return np.log(np.array([1.0, alpha, 1.0, 1.0]))


def fit(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    initial: BGNBDParams | None = None,
) -> BGNBDFit:
    """Fit r, α, a, b by maximum likelihood.

    The optimiser (L-BFGS-B with the analytic gradient) works on log-parameters, so every parameter stays
    positive without constraints. ``weights`` counts identical customers: pass one row per distinct
    (x, t_x, T) with its count to fit the same model faster. Customers with x = 0 are grouped by T
    internally. Raise ``ValueError`` on invalid summaries or when no customer has a repeat purchase
    (the maximum then lies on the boundary of the parameter space).
    """
    x, tx, age = summary_arrays(frequency, recency, T)
    weight = as_weights(weights, len(x))
    data = _prepare(x, tx, age, weight)
    if data.total_weight <= 0 or len(data.x) == 0:
        raise ValueError("BG/NBD needs at least one customer with a repeat purchase")
    scale = data.total_weight

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        ll, gradient = _log_likelihood_and_gradient(log_params, data)
        return -ll / scale, -gradient / scale

    start = np.log([initial.r, initial.alpha, initial.a, initial.b]) if initial else _starting_point(data)
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
        options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9},
    )
    r, alpha, a, b = (float(value) for value in np.exp(result.x))
    ll, _ = _log_likelihood_and_gradient(result.x, data)
    return BGNBDFit(
        params=BGNBDParams(r=r, alpha=alpha, a=a, b=b),
        log_likelihood=ll,
        n_customers=data.total_weight,
        iterations=int(result.nit),
        converged=bool(result.success),
    )


def log_likelihood(
    params: BGNBDParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    weights: ArrayLike | None = None,
) -> float:
    """Return the (weighted) BG/NBD log-likelihood of the summaries under ``params``."""
    x, tx, age = summary_arrays(frequency, recency, T)
    data = _prepare(x, tx, age, as_weights(weights, len(x)))
    log_params = np.log([params.r, params.alpha, params.a, params.b])
    return _log_likelihood_and_gradient(log_params, data)[0]


def _p_alive(params: BGNBDParams, x: FloatArray, tx: FloatArray, age: FloatArray) -> FloatArray:
    repeat = x > 0
    safe_b = np.where(repeat, params.b + x - 1.0, 1.0)
    log_odds_dropped = (
        np.log(params.a)
        - np.log(safe_b)
        + (params.r + x) * (np.log(params.alpha + age) - np.log(params.alpha + tx))
    )
    return np.where(repeat, expit(-log_odds_dropped), 1.0)


def p_alive(params: BGNBDParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
    """Return P(alive at T | x, t_x, T) = 1 / (1 + [x>0] · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)).

    A customer without repeat purchases cannot have dropped out yet (dropout follows a purchase), so
    their P(alive) is 1; read it together with the expected purchases, which stay low for them.
    """
    x, tx, age = summary_arrays(frequency, recency, T)
    return _p_alive(params, x, tx, age)


def _purchases_while_alive(params: BGNBDParams, t: ArrayLike, x: FloatArray, age: FloatArray) -> FloatArray:
    """Return E[purchases in (T, T+t] | alive at T, x] (the paper's numerator).

    The paper writes (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; z)] with
    z = t/(α+T+t). Euler's transformation turns the bracket into 1 - (1-z)^(a-1) · 2F1(a+b-1-r, a-1;
    a+b+x-1; z), whose series stays well conditioned for large x.
    """
    r, alpha, b = params.r, params.alpha, params.b
    a = params.a
    if abs(a - 1.0) < _A_NEAR_ONE:
        a = 1.0 + _A_NEAR_ONE
    horizon = np.asarray(t, dtype=np.float64)
    if np.any(horizon < 0):
        raise ValueError("the horizon t must be >= 0")
    c = a + b + x - 1.0
    one_minus_z = (alpha + age) / (alpha + age + horizon)
    z = horizon / (alpha + age + horizon)
    bracket = 1.0 - one_minus_z ** (a - 1.0) * hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
    return np.asarray(c / (a - 1.0) * bracket, dtype=np.float64)


def conditional_expected_purchases(
    params: BGNBDParams, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Return the expected number of purchases in the next ``t`` time units for each customer.

    E[Y(t) | x, t_x, T] = P(alive) · E[purchases in (T, T+t] | alive]; ``t`` is a scalar or an array
    broadcastable to the customers.
    """
    x, tx, age = summary_arrays(frequency, recency, T)
    return _p_alive(params, x, tx, age) * _purchases_while_alive(params, t, x, age)


def expected_purchases(params: BGNBDParams, t: ArrayLike) -> FloatArray:
    """Return E[X(t)], the expected repeat purchases of a new customer within ``t`` of the first one.

    E[X(t)] = (a+b-1)/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b; a+b-1; t/(α+t))]. Summed over customers with
    their own t, it is what a holdout period is compared against in the paper's tracking plots.
    """
    horizon = np.atleast_1d(np.asarray(t, dtype=np.float64))
    zeros = np.zeros_like(horizon)
    return _purchases_while_alive(params, horizon, zeros, zeros)


def cumulative_expected_purchases(
    params: BGNBDParams, horizons: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Return a (customers × horizons) matrix of E[Y(t) | x, t_x, T] for every horizon t.

    Differences along a row give the expected purchases per period (for example per month for CLV).
    """
    x, tx, age = summary_arrays(frequency, recency, T)
    steps = as_float_array(horizons, "horizons")
    alive = _p_alive(params, x, tx, age)[:, None]
    return alive * _purchases_while_alive(params, steps[None, :], x[:, None], age[:, None])
