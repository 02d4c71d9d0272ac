"""Reports on the metrics history: terminal tables with rich, and one static HTML page.

The HTML page has no external assets (inline CSS and SVG), so it can be attached to a ticket,
opened offline or published as a job artifact: one chart per dimension with the score of each
table over time, then the latest run of each table and the anomalies found.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pyspark.sql import SparkSession
from rich.console import Console
from rich.table import Table

from .anomaly import Anomaly
from .io import read_location
from .metrics import RuleResult, Status, dimension_scores
from .rules import Dimension

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
STATUS_STYLE = {"pass": "green", "warn": "yellow", "error": "bold red", "info": "dim"}
_WIDTH, _HEIGHT, _MARGIN = 640, 220, 40


def load_history(
    spark: SparkSession, location: str, table_name: str | None = None
) -> list[RuleResult]:
    """Every metrics row at `location` (a table or Delta folder), optionally for one table."""
    frame = read_location(spark, location)
    if table_name is not None:
        frame = frame.filter(frame.table_name == table_name)
    fields = RuleResult.__dataclass_fields__
    return [RuleResult(**{name: row[name] for name in fields}) for row in frame.collect()]


def runs_of(history: Iterable[RuleResult]) -> dict[tuple[str, str], list[RuleResult]]:
    """(table, run id) -> that run's results, in run-time order."""
    runs: dict[tuple[str, str], list[RuleResult]] = defaultdict(list)
    for result in sorted(history, key=lambda r: (r.run_time, r.table_name)):
        runs[(result.table_name, result.run_id)].append(result)
    return dict(runs)


def latest_runs(history: Iterable[RuleResult]) -> dict[str, list[RuleResult]]:
    """table -> the results of its newest run."""
    latest: dict[str, list[RuleResult]] = {}
    for (table, _), results in runs_of(history).items():
        latest[table] = results  # runs_of is in time order, so the last one wins
    return latest


def run_table(results: Sequence[RuleResult]) -> Table:
    """A rich table of one run's results."""
    first = results[0]
    table = Table(
        title=f"{first.table_name}: run {first.run_id} at {first.run_time:%Y-%m-%d %H:%M}"
    )
    for header in (
        "rule",
        "dimension",
        "status",
        "tested",
        "failed",
        "observed",
        "threshold",
        "message",
    ):
        table.add_column(header, overflow="fold")
    for result in results:
        table.add_row(
            result.rule,
            result.dimension,
            f"[{STATUS_STYLE[result.status]}]{result.status}[/]",
            _number(result.rows_tested),
            _number(result.rows_failed),
            _number(result.observed_value),
            result.threshold or "",
            result.message or "",
        )
    return table


def scores_table(results: Sequence[RuleResult]) -> Table:
    """A rich table of scores per dimension for one run."""
    table = Table(title="score per dimension")
    table.add_column("dimension")
    table.add_column("score", justify="right")
    for dimension, score in sorted(dimension_scores(results).items()):
        table.add_row(dimension, f"{score:.1f}%")
    return table


def print_report(
    history: Sequence[RuleResult], anomalies: Sequence[Anomaly], console: Console
) -> None:
    """The latest run of every table, its scores and the anomalies, on the terminal."""
    if not history:
        console.print("No quality metrics recorded yet.")
        return
    for results in latest_runs(history).values():
        console.print(run_table(results))
        console.print(scores_table(results))
    if anomalies:
        console.print("[bold]Anomalies[/]")
        for anomaly in anomalies:
            console.print(f"  {anomaly.describe()}")
    else:
        console.print("No anomalies in the latest runs.")


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:.4g}"


def score_series(
    history: Iterable[RuleResult],
) -> dict[str, dict[str, list[tuple[datetime, float]]]]:
    """dimension -> table -> [(run time, score)] in time order."""
    series: dict[str, dict[str, list[tuple[datetime, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for (table, _), results in runs_of(history).items():
        for dimension, score in dimension_scores(results).items():
            series[dimension][table].append((results[0].run_time, score))
    return series


def svg_chart(lines: dict[str, list[tuple[datetime, float]]], title: str) -> str:
    """An inline SVG line chart of scores (0-100%) over time, one line per table."""
    times = [moment.timestamp() for points in lines.values() for moment, _ in points]
    first, last = min(times), max(times)
    span = (last - first) or 1.0
    plot_width, plot_height = _WIDTH - 2 * _MARGIN, _HEIGHT - 2 * _MARGIN

    def x(moment: datetime) -> float:
        if last == first:
            return _MARGIN + plot_width / 2
        return _MARGIN + plot_width * (moment.timestamp() - first) / span

    def y(score: float) -> float:
        return _MARGIN + plot_height * (1 - score / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{_MARGIN}" y="20" class="title">{html.escape(title)}</text>',
    ]
    for level in (0, 50, 100):
        parts.append(
            f'<line x1="{_MARGIN}" x2="{_WIDTH - _MARGIN}" y1="{y(level):.1f}" '
            f'y2="{y(level):.1f}" class="grid"/>'
            f'<text x="4" y="{y(level) + 4:.1f}" class="axis">{level}%</text>'
        )
    parts.append(
        f'<text x="{_MARGIN}" y="{_HEIGHT - 8}" class="axis">'
        f"{datetime.fromtimestamp(first, UTC):%Y-%m-%d}</text>"
        f'<text x="{_WIDTH - _MARGIN}" y="{_HEIGHT - 8}" class="axis" text-anchor="end">'
        f"{datetime.fromtimestamp(last, UTC):%Y-%m-%d}</text>"
    )
    for index, (table, points) in enumerate(sorted(lines.items())):
        color = PALETTE[index % len(PALETTE)]
        coordinates = " ".join(f"{x(moment):.1f},{y(score):.1f}" for moment, score in points)
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coordinates}"/>'
        )
        for moment, score in points:
            label = html.escape(f"{table} {moment:%Y-%m-%d %H:%M}: {score:.1f}%")
            parts.append(
                f'<circle cx="{x(moment):.1f}" cy="{y(score):.1f}" r="3" fill="{color}">'
                f"<title>{label}</title></circle>"
            )
        parts.append(
            f'<text x="{_WIDTH - _MARGIN + 4}" y="{y(points[-1][1]):.1f}" class="axis" '
            f'fill="{color}">{html.escape(table)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
    "table{border-collapse:collapse;margin:1rem 0}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}"
    ".pass{color:#2ca02c}.warn{color:#b8860b}.error{color:#d62728;font-weight:bold}.info{color:#777}"
    "svg .grid{stroke:#ddd}svg .axis{font-size:11px;fill:#555}"
    "svg .title{font-size:14px;font-weight:bold}"
)


def _html_run(results: Sequence[RuleResult]) -> str:
    first = results[0]
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(text)}</td>" for text in (result.rule, result.dimension))
        + f'<td class="{result.status}">{result.status}</td>'
        + "".join(
            f"<td>{html.escape(text)}</td>"
            for text in (
                _number(result.rows_tested),
                _number(result.rows_failed),
                _number(result.observed_value),
                result.threshold or "",
                result.message or "",
            )
        )
        + "</tr>"
        for result in results
    )
    header = "".join(
        f"<th>{name}</th>"
        for name in (
            "rule",
            "dimension",
            "status",
            "tested",
            "failed",
            "observed",
            "threshold",
            "message",
        )
    )
    title = f"{first.table_name}: run {first.run_id} at {first.run_time:%Y-%m-%d %H:%M}"
    return f"<h3>{html.escape(title)}</h3><table><tr>{header}</tr>{rows}</table>"


def render_html(
    history: Sequence[RuleResult], anomalies: Sequence[Anomaly], title: str = "Data quality"
) -> str:
    """The whole report as one self-contained HTML page."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    if not history:
        body.append("<p>No quality metrics recorded yet.</p>")
    else:
        body.append("<h2>Score per dimension over time</h2>")
        series = score_series(history)
        for dimension in Dimension:
            if dimension.value in series:
                body.append(svg_chart(series[dimension.value], dimension.value))
        body.append("<h2>Latest runs</h2>")
        body += [_html_run(results) for results in latest_runs(history).values()]
        body.append("<h2>Anomalies</h2>")
        if anomalies:
            items = "".join(f"<li>{html.escape(a.describe())}</li>" for a in anomalies)
            body.append(f"<ul>{items}</ul>")
        else:
            body.append("<p>No anomalies in the latest runs.</p>")
    statuses = ", ".join(f"{s.value}" for s in Status)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}<footer><small>Statuses: {statuses}.</small></footer></body></html>"
    )
