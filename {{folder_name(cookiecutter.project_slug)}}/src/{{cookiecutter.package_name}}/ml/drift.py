"""Population stability index (PSI): how far a distribution moved from its baseline.

The baseline cuts each training column into (up to) ten quantile bins and keeps the share of
rows in each; a later sample is cut at the same edges. PSI = sum((actual - expected) *
ln(actual / expected)) over the bins, with empty bins counted as a tiny share so the logarithm
stays finite. The usual reading: below 0.1 stable, 0.1 to 0.25 a shift worth a look, above 0.25
a shift that changes what the model sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

BINS = 10
EMPTY_SHARE = 1e-4


@dataclass(frozen=True)
class Distribution:
    """Inner bin edges (bins are (-inf, e1], (e1, e2], ... (en, inf)) and the share in each."""

    edges: tuple[float, ...]
    shares: tuple[float, ...]

    def to_dict(self) -> dict[str, list[float]]:
        return {"edges": list(self.edges), "shares": list(self.shares)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Distribution:
        try:
            edges, shares = tuple(map(float, data["edges"])), tuple(map(float, data["shares"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"a baseline distribution needs numeric edges and shares: {error}"
            ) from error
        if len(shares) != len(edges) + 1:
            raise ValueError(
                f"a baseline distribution with {len(edges)} edges needs {len(edges) + 1} "
                f"shares, got {len(shares)}"
            )
        return cls(edges, shares)


def _values(values: Iterable[float]) -> np.ndarray:
    array = np.asarray(list(values), dtype="float64")
    array = array[~np.isnan(array)]
    if array.size == 0:
        raise ValueError("a distribution needs at least one value that is not missing")
    return array


def _shares(values: np.ndarray, edges: tuple[float, ...]) -> tuple[float, ...]:
    # side="left": a value equal to an edge falls in the bin that the edge closes.
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
    return tuple(float(share) for share in counts / values.size)


def baseline(values: Iterable[float], bins: int = BINS) -> Distribution:
    """Quantile bins of `values` and the share of `values` in each."""
    array = _values(values)
    quantiles = np.quantile(array, np.linspace(0, 1, bins + 1)[1:-1])
    edges = tuple(float(edge) for edge in np.unique(quantiles))
    return Distribution(edges, _shares(array, edges))


def psi(expected: Distribution, values: Iterable[float]) -> float:
    """The population stability index of `values` against the `expected` distribution."""
    actual = np.clip(np.asarray(_shares(_values(values), expected.edges)), EMPTY_SHARE, None)
    reference = np.clip(np.asarray(expected.shares), EMPTY_SHARE, None)
    return float(np.sum((actual - reference) * np.log(actual / reference)))
