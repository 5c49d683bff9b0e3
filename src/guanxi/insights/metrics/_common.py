"""Input checks shared by the metric modules."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def as_float_array(values: ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a one-dimensional float array, or raise ``ValueError``."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def check_same_length(**arrays: np.ndarray) -> int:
    """Return the common length of ``arrays``, or raise ``ValueError`` naming the mismatch."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"arrays differ in length: {lengths}")
    return next(iter(lengths.values()), 0)


def as_weights(weights: ArrayLike | None, length: int) -> FloatArray:
    """Return per-row weights (ones when ``weights`` is None); weights must be finite and >= 0."""
    if weights is None:
        return np.ones(length)
    array = as_float_array(weights, "weights")
    if len(array) != length:
        raise ValueError(f"weights has length {len(array)}, expected {length}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError("weights must be finite and non-negative")
    return array
