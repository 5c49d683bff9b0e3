"""Draw customers from the generative processes the models assume, and measure fits against them."""

from collections.abc import Callable, Sequence

import numpy as np


def bgnbd_customers(
    rng: np.random.Generator, n: int, *, r: float, alpha: float, a: float, b: float, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (x, t_x, T) for ``n`` customers of a BG/NBD population observed for ``T`` each.

    λ ~ Gamma(r, rate α), p ~ Beta(a, b); purchases after the first come at Poisson rate λ and after each
    of them the customer drops out with probability p.
    """
    rate = rng.gamma(r, 1.0 / alpha, n)
    dropout = rng.beta(a, b, n)
    x = np.zeros(n)
    recency = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        clock[idx] += rng.exponential(1.0 / rate[idx])
        bought = clock[idx] <= T[idx]
        buyers = idx[bought]
        x[buyers] += 1
        recency[buyers] = clock[buyers]
        active[idx[~bought]] = False
        active[buyers[rng.random(len(buyers)) < dropout[buyers]]] = False
    return x, recency, T


def gamma_gamma_customers(
    rng: np.random.Generator, n: int, *, p: float, q: float, gamma: float, mean_purchases: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return (x, z̄) for ``n`` repeat customers: x ≥ 1 values, each ~ Gamma(p, rate ν), ν ~ Gamma(q, γ)."""
    nu = rng.gamma(q, 1.0 / gamma, n)
    x = 1 + rng.poisson(mean_purchases - 1, n)
    # The sum of x Gamma(p, ν) values is Gamma(p·x, ν).
    total = rng.gamma(p * x, 1.0 / nu)
    return x.astype(float), total / x


def log_space_standard_errors(
    log_likelihood: Callable[[Sequence[float]], float], estimate: Sequence[float], step: float = 1e-4
) -> np.ndarray:
    """Return the standard errors of the log-parameters from the observed information (-Hessian⁻¹).

    The Hessian of the log-likelihood in log-parameters is taken by central second differences.
    """
    theta = np.log(np.asarray(estimate, dtype=float))
    k = len(theta)
    hessian = np.empty((k, k))

    def at(shift: np.ndarray) -> float:
        return log_likelihood(np.exp(theta + shift))

    eye = np.eye(k) * step
    for i in range(k):
        for j in range(k):
            hessian[i, j] = (
                at(eye[i] + eye[j]) - at(eye[i] - eye[j]) - at(-eye[i] + eye[j]) + at(-eye[i] - eye[j])
            ) / (4 * step * step)
    return np.sqrt(np.diag(np.linalg.inv(-hessian)))
