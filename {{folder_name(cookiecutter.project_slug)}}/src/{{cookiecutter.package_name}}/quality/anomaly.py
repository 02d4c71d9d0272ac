"""Anomalies in the metrics history: is this run's value unlike the runs before it?

Every metric in the metrics table is a time series per (table, rule): `_volume` is the row
count, a `not_null` rule's value is its null rate, a `freshness` rule's is the data's age in
seconds, and so on. The method is the modified z-score of Iglewicz and Hoaglin: the distance
from the median of the previous runs in units of their median absolute deviation (MAD),
flagged above 3.5. Median and MAD ignore the outliers they look for, so the method needs no
tuning and no clean training period. When the MAD is zero (over half the history is one value)
the mean absolute deviation takes its place; when every past value is the same, any change
is an anomaly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from .metrics import RuleResult

CUTOFF = 3.5  # Iglewicz & Hoaglin's recommended cut-off for the modified z-score
MIN_HISTORY = 5
WINDOW = 30
_MAD_SCALE = 0.6745  # makes the MAD comparable to a standard deviation for normal data
_MEAN_AD_SCALE = 0.7979  # the same for the mean absolute deviation


@dataclass(frozen=True)
class Anomaly:
    """One value that is far from its history."""

    table_name: str
    rule: str
    run_id: str
    run_time: datetime
    value: float
    expected: float
    score: float

    @property
    def direction(self) -> str:
        return "above" if self.value > self.expected else "below"

    def describe(self) -> str:
        return (
            f"{self.table_name}.{self.rule}: {self.value:g} is {self.direction} the usual "
            f"{self.expected:g} (score {self.score:.1f}, run {self.run_id})"
        )


def robust_score(value: float, history: Sequence[float]) -> tuple[float, float]:
    """(modified z-score of `value` against `history`, the history's median)."""
    center = median(history)
    deviations = [abs(item - center) for item in history]
    mad = median(deviations)
    if mad > 0:
        return _MAD_SCALE * (value - center) / mad, center
    mean_deviation = sum(deviations) / len(deviations)
    if mean_deviation > 0:
        return _MEAN_AD_SCALE * (value - center) / mean_deviation, center
    if value == center:
        return 0.0, center
    return (float("inf") if value > center else float("-inf")), center


def detect_anomalies(
    history: Iterable[RuleResult],
    *,
    latest_only: bool = True,
    min_history: int = MIN_HISTORY,
    window: int = WINDOW,
    cutoff: float = CUTOFF,
) -> list[Anomaly]:
    """Values whose modified z-score against the `window` runs before them exceeds `cutoff`.

    Only runs with at least `min_history` earlier values are judged. With `latest_only`, only
    each series' newest value is judged (what a run wants to know about itself).
    """
    series: dict[tuple[str, str], list[RuleResult]] = defaultdict(list)
    for result in history:
        if result.observed_value is not None:
            series[(result.table_name, result.rule)].append(result)
    found: list[Anomaly] = []
    for points in series.values():
        points.sort(key=lambda point: point.run_time)
        start = len(points) - 1 if latest_only else min_history
        for index in range(max(start, min_history), len(points)):
            past = [p.observed_value for p in points[max(0, index - window) : index]]
            point = points[index]
            assert point.observed_value is not None
            score, center = robust_score(point.observed_value, past)  # type: ignore[arg-type]
            if abs(score) > cutoff:
                found.append(
                    Anomaly(
                        table_name=point.table_name,
                        rule=point.rule,
                        run_id=point.run_id,
                        run_time=point.run_time,
                        value=point.observed_value,
                        expected=center,
                        score=score,
                    )
                )
    return found
