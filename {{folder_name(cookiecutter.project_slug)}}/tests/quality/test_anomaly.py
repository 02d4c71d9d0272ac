"""Anomaly detection on the metrics history: robust, no tuning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from {{ cookiecutter.package_name }}.quality.anomaly import (
    detect_anomalies,
    robust_score,
)
from {{ cookiecutter.package_name }}.quality.metrics import (
    RuleResult,
)

START = datetime(2024, 1, 1, tzinfo=UTC)


def history(
    values: list[float | None], rule: str = "_volume", table: str = "orders"
) -> list[RuleResult]:
    return [
        RuleResult(
            run_id=f"r{day}",
            run_time=START + timedelta(days=day),
            table_name=table,
            rule=rule,
            dimension="completeness",
            check_type="volume",
            criticality="info",
            rows_tested=None,
            rows_failed=None,
            observed_value=value,
            threshold=None,
            status="info",
        )
        for day, value in enumerate(values)
    ]


def test_a_volume_drop_is_found_and_described() -> None:
    found = detect_anomalies(history([1000, 1010, 990, 1005, 995, 1002, 400]))
    assert len(found) == 1
    assert found[0].run_id == "r6"
    assert found[0].direction == "below"
    assert (
        found[0].describe() == "orders._volume: 400 is below the usual 1001 (score -81.1, run r6)"
    )


def test_normal_variation_and_short_history_are_not_anomalies() -> None:
    assert detect_anomalies(history([1000, 1010, 990, 1005, 995, 1002, 1008])) == []
    assert detect_anomalies(history([1000, 1, 5000])) == []


def test_outliers_in_the_history_do_not_mask_new_ones() -> None:
    # One earlier spike would inflate a standard deviation; the median and MAD ignore it.
    assert len(detect_anomalies(history([10, 11, 10, 500, 11, 10, 12, 40]))) == 1


def test_every_point_can_be_judged() -> None:
    found = detect_anomalies(history([10, 11, 10, 11, 10, 90, 11, 10, 0]), latest_only=False)
    assert [a.run_id for a in found] == ["r5", "r8"]


def test_flat_history_flags_any_change_and_missing_values_are_skipped() -> None:
    assert [a.value for a in detect_anomalies(history([0.0] * 6 + [0.01]))] == [0.01]
    assert detect_anomalies(history([0.0] * 6 + [0.0])) == []
    assert detect_anomalies(history([None] * 8)) == []


def test_series_are_per_table_and_rule() -> None:
    mixed = history([5.0] * 6 + [5.0]) + history([5.0] * 6 + [9.0], rule="null_rate")
    assert [(a.rule, a.value) for a in detect_anomalies(mixed)] == [("null_rate", 9.0)]


@pytest.mark.parametrize(
    ("value", "past", "expected"),
    [
        (10.0, [10.0, 12.0, 8.0, 10.0, 11.0, 9.0], 0.0),
        (20.0, [10.0, 12.0, 8.0, 10.0, 11.0, 9.0], 0.6745 * 10 / 1.0),
        (3.0, [1.0, 1.0, 1.0, 1.0, 5.0], 0.7979 * 2.0 / 0.8),
        (0.0, [1.0, 1.0, 1.0], float("-inf")),
    ],
)
def test_robust_score(value: float, past: list[float], expected: float) -> None:
    assert robust_score(value, past)[0] == pytest.approx(expected)
