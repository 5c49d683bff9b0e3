"""Time the BG/NBD and Gamma-Gamma fits on CDNOW, ours against ``lifetimes``' when it can be imported.

Run ``python -m guanxi.insights.metrics._benchmark [runs]``. Prints the median wall time of ``runs`` fits
(default 21) and the fitted parameters of both, so a speed-up never hides a different answer. Nothing
here is asserted: timings depend on the machine; the spec's budget is "≤ 1 s" and ours aims at 10 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from . import bgnbd, gamma_gamma
from ._public_data import load_cdnow_summary


def _median_seconds(work: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = work()  # warm-up: imports, caches
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def _lifetimes_fitters() -> tuple[Any, Any, Any] | None:
    try:
        import pandas

        with warnings.catch_warnings():  # lifetimes sets a pandas option that pandas 3 deprecates
            warnings.simplefilter("ignore")
            from lifetimes import BetaGeoFitter, GammaGammaFitter
    except Exception:  # any import failure means "not available on this Python"
        return None
    return pandas, BetaGeoFitter, GammaGammaFitter


def main(argv: list[str]) -> int:
    """Print the timing table; return 1 if the CDNOW data files are not installed."""
    out = sys.stdout.write
    runs = int(argv[0]) if argv else 21
    data = load_cdnow_summary()
    if data is None:
        out("The CDNOW data ships with the 'lifetimes' package: pip install lifetimes\n")
        return 1
    repeat = data.frequency > 0

    ours_bg, fit_bg = _median_seconds(lambda: bgnbd.fit(data.frequency, data.recency, data.T), runs)
    ours_gg, fit_gg = _median_seconds(
        lambda: gamma_gamma.fit(data.frequency[repeat], data.monetary_value[repeat]), runs
    )
    p = fit_bg.params
    out(f"CDNOW, {len(data.frequency)} customers, median of {runs} runs\n")
    out(
        f"guanxi    BG/NBD fit {ours_bg * 1e3:8.2f} ms  r={p.r:.4f} alpha={p.alpha:.4f} a={p.a:.4f} b={p.b:.4f}"
    )
    out(f"  LL={fit_bg.log_likelihood:.2f}\n")
    g = fit_gg.params
    out(f"guanxi    Gamma-Gamma {ours_gg * 1e3:7.2f} ms  p={g.p:.4f} q={g.q:.4f} gamma={g.gamma:.4f}\n")

    fitters = _lifetimes_fitters()
    if fitters is None:
        out("lifetimes cannot be imported here; no comparison\n")
        return 0
    pandas, beta_geo, gamma_gamma_fitter = fitters
    frequency = pandas.Series(data.frequency)
    recency = pandas.Series(data.recency)
    age = pandas.Series(data.T)
    theirs_bg, their_bg = _median_seconds(lambda: beta_geo().fit(frequency, recency, age), runs)
    theirs_gg, their_gg = _median_seconds(
        lambda: gamma_gamma_fitter().fit(frequency[repeat], pandas.Series(data.monetary_value)[repeat]), runs
    )
    tp = their_bg.params_
    out(f"lifetimes BG/NBD fit {theirs_bg * 1e3:8.2f} ms  r={tp['r']:.4f} alpha={tp['alpha']:.4f} ")
    out(f"a={tp['a']:.4f} b={tp['b']:.4f}\n")
    tg = their_gg.params_
    out(
        f"lifetimes Gamma-Gamma {theirs_gg * 1e3:7.2f} ms  p={tg['p']:.4f} q={tg['q']:.4f} gamma={tg['v']:.4f}\n"
    )
    out(f"speed-up: BG/NBD {theirs_bg / ours_bg:.1f}x, Gamma-Gamma {theirs_gg / ours_gg:.1f}x\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
