"""Reports: terminal tables with rich and one self-contained HTML page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rich.console import Console

from {{ cookiecutter.package_name }}.quality.anomaly import (
    detect_anomalies,
)
from {{ cookiecutter.package_name }}.quality.metrics import (
    RuleResult,
    dimension_scores,
)
from {{ cookiecutter.package_name }}.quality.report import (
    latest_runs,
    print_report,
    render_html,
    score_series,
)

START = datetime(2024, 1, 1, tzinfo=UTC)


def result(
    day: int,
    table: str,
    rule: str,
    dimension: str,
    failed: int | None,
    status: str,
    value: float | None = None,
) -> RuleResult:
    return RuleResult(
        run_id=f"{table}-{day}",
        run_time=START + timedelta(days=day),
        table_name=table,
        rule=rule,
        dimension=dimension,
        check_type="not_null",
        criticality="error",
        rows_tested=100,
        rows_failed=failed,
        observed_value=value if value is not None else (failed or 0) / 100,
        threshold="any failing row",
        status=status,
        message=f"{failed} of 100 rows failed",
    )


def history() -> list[RuleResult]:
    rows = []
    for day in range(7):
        failed = 30 if day == 6 else 1
        rows += [
            result(day, "orders", "_volume", "completeness", None, "info", 100.0),
            result(day, "orders", "id_present", "completeness", failed, "error"),
            result(
                day, "orders", "fresh", "timeliness", None, "pass" if day < 6 else "error", 60.0
            ),
            result(day, "customers", "email_valid", "validity", 0, "pass"),
        ]
    return rows


def test_scores_per_dimension() -> None:
    latest = latest_runs(history())
    assert sorted(latest) == ["customers", "orders"]
    assert dimension_scores(latest["orders"]) == {"completeness": 70.0, "timeliness": 0.0}
    series = score_series(history())
    assert [score for _, score in series["completeness"]["orders"]] == [99.0] * 6 + [70.0]
    assert set(series) == {"completeness", "timeliness", "validity"}


def test_terminal_report() -> None:
    console = Console(width=200, record=True)
    print_report(history(), detect_anomalies(history()), console)
    text = console.export_text()
    assert "orders: run orders-6 at 2024-01-07 00:00" in text
    assert "id_present" in text
    assert "score per dimension" in text
    assert "orders.id_present: 0.3 is above the usual 0.01" in text
    empty = Console(width=100, record=True)
    print_report([], [], empty)
    assert "No quality metrics recorded yet." in empty.export_text()


def test_html_report_is_self_contained_with_a_chart_per_dimension() -> None:
    page = render_html(history(), detect_anomalies(history()), title="Shop quality")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 3
    assert re.findall(r'aria-label="(\w+)"', page) == ["completeness", "validity", "timeliness"]
    assert page.count("<polyline") == 3  # one table per dimension in this history
    assert "orders.id_present: 0.3 is above the usual 0.01" in page
    assert not re.search(r"(src|href)=", page)  # no external assets
    assert re.findall(r"https?://[^\"']+", page) == ["http://www.w3.org/2000/svg"] * 3
    single = render_html(history()[:4], [])
    assert "No anomalies in the latest runs." in single
    assert "<h1>Data quality</h1><p>No quality metrics recorded yet.</p>" in render_html([], [])


def test_html_escapes_text() -> None:
    hostile = result(0, "<script>", "r", "validity", 1, "warn")
    page = render_html([hostile], [])
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
