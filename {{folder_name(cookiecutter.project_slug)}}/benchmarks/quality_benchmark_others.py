"""Run the benchmark's 20 checks with DQX or Great Expectations, in their own virtual environment.

    <venv>/bin/python benchmarks/quality_benchmark_others.py dqx|gx <parquet folder> <rows> [repeat]

Prints one JSON line: {"seconds": best time}. quality_benchmark.py calls it for a framework
it cannot import itself; when it can, it uses `dqx_runner` / `gx_runner` in its own process,
interleaved with the other approaches, which is fairer on a busy machine.

- DQX annotates rows (`_errors`/`_warnings`) like this project; its result is written to the
  `noop` sink so the whole plan runs. Its WorkspaceClient is a mock: no network call is made.
- Great Expectations validates and reports counts (it does not annotate rows); the foreign key
  and the SQL expression run as `UnexpectedRowsExpectation` queries.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_benchmark_checks import REFERENCE_COUNTRIES, SPARK_CONF

STATUSES = ["placed", "shipped", "delivered", "cancelled"]


def session() -> SparkSession:
    builder = SparkSession.builder.appName("quality-benchmark-other")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def dqx_runner(spark: SparkSession, df: DataFrame) -> Callable[[], None]:
    """DQX annotating the rows."""
    engine, checks, references = _dqx(spark)

    def run() -> None:
        checked, observation = engine.apply_checks_by_metadata(df, checks, ref_dfs=references)
        checked.write.format("noop").mode("overwrite").save()
        assert observation.get  # the metrics, collected during the write

    return run


def dqx_split_runner(spark: SparkSession, df: DataFrame) -> Callable[[], None]:
    """DQX splitting the rows into valid and invalid, both written."""
    engine, checks, references = _dqx(spark)

    def run() -> None:
        valid, invalid, observation = engine.apply_checks_by_metadata_and_split(
            df, checks, ref_dfs=references
        )
        invalid.write.format("noop").mode("overwrite").save()
        valid.write.format("noop").mode("overwrite").save()
        assert observation.get

    return run


def dqx_engine(spark: SparkSession) -> Any:
    """A DQX engine on a mocked WorkspaceClient (no network call) that collects per-check
    counts during the write, as this project does."""
    from unittest.mock import MagicMock

    from databricks.labs.dqx.engine import DQEngine
    from databricks.labs.dqx.metrics_observer import DQMetricsObserver
    from databricks.sdk import WorkspaceClient

    observer = DQMetricsObserver(name="bench")
    return DQEngine(MagicMock(spec=WorkspaceClient), spark=spark, observer=observer)


def _dqx(spark: SparkSession) -> tuple[object, list[dict], dict[str, DataFrame]]:
    """A DQX engine (mocked WorkspaceClient), the 20 checks and the reference frames."""
    engine = dqx_engine(spark)
    countries = spark.createDataFrame([(c,) for c in REFERENCE_COUNTRIES], "code string")

    def check(function: str, **arguments: object) -> dict:
        return {"criticality": "error", "check": {"function": function, "arguments": arguments}}

    checks = [
        check("is_not_null", column="id"),
        check("is_not_null", column="email"),
        check("is_not_null_and_not_empty", column="name"),
        # DQX 0.16+ reads list items as SQL expressions: string literals need quotes.
        check("is_in_list", column="status", allowed=[f"'{value}'" for value in STATUSES]),
        check("is_in_range", column="age", min_limit=0, max_limit=120),
        check("is_in_range", column="quantity", min_limit=0, max_limit=1000),
        check("regex_match", column="code", regex="^[0-9]{6}$"),
        check("is_valid_email", column="email"),
        check("is_valid_date", column="day"),
        check("sql_expression", expression="length(name) BETWEEN 1 AND 40"),
        check("sql_expression", expression="amount = quantity * unit_price"),
        check("sql_expression", expression="updated_at >= created_at"),
        check("is_in_list", column="country", allowed=[f"'{c}'" for c in REFERENCE_COUNTRIES]),
        check("is_not_null", column="created_at"),
        check("is_unique", columns=["id"]),
        check("is_unique", columns=["customer_id", "day"]),
        check("foreign_key", columns=["country"], ref_columns=["code"], ref_df_name="countries"),
        check("is_aggr_not_less_than", column="*", aggr_type="count", limit=1),
        check("is_aggr_not_greater_than", column="amount", aggr_type="avg", limit=100000),
        check("is_data_fresh", column="created_at", max_age_minutes=10000 * 24 * 60),
    ]
    return engine, checks, {"countries": countries}


def gx_runner(spark: SparkSession, df: DataFrame) -> Callable[[], None]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral")
    batch_definition = (
        context.data_sources.add_spark(name="spark")
        .add_dataframe_asset(name="bench")
        .add_batch_definition_whole_dataframe("all")
    )
    spark.createDataFrame(
        [(c,) for c in REFERENCE_COUNTRIES], "code string"
    ).createOrReplaceTempView("countries")
    suite = gx.ExpectationSuite(name="bench")
    for expectation in [
        gxe.ExpectColumnValuesToNotBeNull(column="id"),
        gxe.ExpectColumnValuesToNotBeNull(column="email"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="name", min_value=1),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES),
        gxe.ExpectColumnValuesToBeBetween(column="age", min_value=0, max_value=120),
        gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=0, max_value=1000),
        gxe.ExpectColumnValuesToMatchRegex(column="code", regex="^[0-9]{6}$"),
        gxe.ExpectColumnValuesToMatchRegex(
            column="email", regex=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
        ),
        gxe.ExpectColumnValuesToMatchStrftimeFormat(column="day", strftime_format="%Y-%m-%d"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="name", max_value=40),
        gxe.UnexpectedRowsExpectation(
            unexpected_rows_query="SELECT * FROM {batch} WHERE NOT amount = quantity * unit_price"
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="updated_at", column_B="created_at", or_equal=True
        ),
        gxe.ExpectColumnValuesToBeInSet(column="country", value_set=REFERENCE_COUNTRIES),
        gxe.ExpectColumnValuesToNotBeNull(column="created_at"),
        gxe.ExpectColumnValuesToBeUnique(column="id"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_id", "day"]),
        gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=(
                "SELECT * FROM {batch} WHERE country NOT IN (SELECT code FROM countries)"
            )
        ),
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnMeanToBeBetween(column="amount", min_value=0, max_value=100000),
        gxe.ExpectColumnMaxToBeBetween(column="created_at", min_value="2000-01-01"),
    ]:
        suite.add_expectation(expectation)
    suite = context.suites.add(suite)

    def run() -> None:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
        batch.validate(suite)

    return run


def main() -> None:
    framework, data, _rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    spark = session()
    df = spark.read.parquet(data)
    df.write.format("noop").mode("overwrite").save()  # warm-up, as for the other approaches
    run = {"dqx": dqx_runner, "great": gx_runner, "gx": gx_runner}[framework](spark, df)
    run()  # warm-up run
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    print(json.dumps({"seconds": min(timings)}))


if __name__ == "__main__":
    main()
