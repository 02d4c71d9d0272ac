"""Quality runs: actions, outputs, metrics, thresholds, edge inputs and how many Spark jobs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.errors import AnalysisException, PySparkException
from pyspark.sql import DataFrame, SparkSession

from {{ cookiecutter.package_name }}.quality import (
    QualityEngine,
    QualityGateError,
    run_checks,
)
from {{ cookiecutter.package_name }}.quality.metrics import (
    METRICS_SCHEMA,
)

from .conftest import rules

NOW = datetime(2024, 3, 1, tzinfo=UTC)

NOT_NULL_EMAIL = {
    "name": "email_present",
    "dimension": "completeness",
    "check": {"type": "not_null", "column": "email"},
}
ADULT = {
    "name": "adult",
    "dimension": "accuracy",
    "criticality": "warn",
    "check": {"type": "in_range", "column": "age", "min": 18},
}


def engine(spark: SparkSession) -> QualityEngine:
    return QualityEngine(spark, clock=lambda: NOW)


def spark_jobs(spark: SparkSession, action: Callable[[], object]) -> int:
    """How many Spark jobs `action` starts (counted with the status tracker, no listener)."""
    context = spark.sparkContext
    group = "quality-job-count"
    context.setJobGroup(group, "count the jobs of one action")
    try:
        before = set(context.statusTracker().getJobIdsForGroup(group))
        action()
        return len(set(context.statusTracker().getJobIdsForGroup(group)) - before)
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]


def table(spark: SparkSession, path: Path) -> DataFrame:
    return spark.read.format("delta").load(str(path))


def test_quarantine_splits_rows_and_writes_metrics(
    spark: SparkSession, people: DataFrame, tmp_path: Path
) -> None:
    valid, quarantine, metrics = (
        str(tmp_path / name) for name in ("valid", "quarantine", "metrics")
    )
    outcome = run_checks(
        people,
        rules(NOT_NULL_EMAIL, ADULT),
        valid_to=valid,
        quarantine_to=quarantine,
        metrics_to=metrics,
        run_id="run-1",
        engine=engine(spark),
    )
    assert (outcome.rows, outcome.quarantined_rows, outcome.status, outcome.valid_written) == (
        3,
        1,
        "error",
        True,
    )
    assert outcome.scores == {
        "completeness": pytest.approx(100 * 2 / 3),
        "accuracy": pytest.approx(100 * 2 / 3),
    }
    warning = [("adult", "accuracy", "age = -3 is not >= 18")]
    expected_valid = spark.createDataFrame(
        [(1, []), (2, warning)],
        "id int, _warnings array<struct<rule:string,dimension:string,message:string>>",
    )
    assert_df_equality(
        table(spark, valid).select("id", "_warnings"),
        expected_valid,
        ignore_row_order=True,
        ignore_nullable=True,
    )
    assert "_errors" not in table(spark, valid).columns
    quarantined = table(spark, quarantine).collect()
    assert [
        (row["id"], row["_run_id"], [e["message"] for e in row["_errors"]]) for row in quarantined
    ] == [(3, "run-1", ["email is null"])]
    expected_metrics = spark.createDataFrame(
        [
            (
                "run-1",
                NOW,
                "people",
                "_volume",
                "completeness",
                "volume",
                "info",
                3,
                None,
                3.0,
                None,
                "info",
                "3 rows",
            ),
            (
                "run-1",
                NOW,
                "people",
                "email_present",
                "completeness",
                "not_null",
                "error",
                3,
                1,
                1 / 3,
                "any failing row",
                "error",
                "1 of 3 rows failed (33.33%)",
            ),
            (
                "run-1",
                NOW,
                "people",
                "adult",
                "accuracy",
                "in_range",
                "warn",
                3,
                1,
                1 / 3,
                "any failing row",
                "warn",
                "1 of 3 rows failed (33.33%)",
            ),
        ],
        METRICS_SCHEMA,
    )
    assert_df_equality(
        table(spark, metrics), expected_metrics, ignore_row_order=True, ignore_nullable=True
    )


def test_warn_keeps_every_row_annotated(
    spark: SparkSession, people: DataFrame, tmp_path: Path
) -> None:
    outcome = run_checks(
        people,
        rules(NOT_NULL_EMAIL, action="warn"),
        valid_to=str(tmp_path / "valid"),
        quarantine_to=str(tmp_path / "quarantine"),
        engine=engine(spark),
    )
    written = table(spark, tmp_path / "valid").orderBy("id").collect()
    assert [len(row["_errors"]) for row in written] == [0, 0, 1]
    assert not (tmp_path / "quarantine").exists()
    assert outcome.status == "error"
    assert outcome.valid_written


def test_fail_writes_quarantine_and_metrics_but_no_valid_rows(
    spark: SparkSession, people: DataFrame, tmp_path: Path
) -> None:
    with pytest.raises(QualityGateError) as caught:
        run_checks(
            people,
            rules(NOT_NULL_EMAIL, ADULT, action="fail"),
            valid_to=str(tmp_path / "valid"),
            quarantine_to=str(tmp_path / "quarantine"),
            metrics_to=str(tmp_path / "metrics"),
            run_id="run-2",
            engine=engine(spark),
        )
    assert str(caught.value) == (
        "people: 1 rule(s) in error (run run-2)\n"
        "  email_present [completeness]: 1 of 3 rows failed (33.33%)"
    )
    assert caught.value.outcome.valid_written is False
    assert not (tmp_path / "valid").exists()
    assert table(spark, tmp_path / "quarantine").count() == 1
    assert table(spark, tmp_path / "metrics").count() == 3


def test_fail_publishes_when_only_warnings(
    spark: SparkSession, people: DataFrame, tmp_path: Path
) -> None:
    outcome = run_checks(
        people, rules(ADULT, action="fail"), valid_to=str(tmp_path / "valid"), engine=engine(spark)
    )
    assert outcome.status == "warn"
    assert table(spark, tmp_path / "valid").count() == 3


def test_valid_only_output_is_one_write(
    spark: SparkSession, people: DataFrame, tmp_path: Path
) -> None:
    outcome = run_checks(
        people, rules(NOT_NULL_EMAIL), valid_to=str(tmp_path / "valid"), engine=engine(spark)
    )
    assert outcome.quarantined_rows == 1
    assert sorted(row["id"] for row in table(spark, tmp_path / "valid").collect()) == [1, 2]


@pytest.mark.parametrize(
    ("threshold", "criticality", "status"),
    [
        (None, "error", "error"),
        (None, "warn", "warn"),
        ({"warn": 0}, "warn", "warn"),
        ({"warn": 1}, "warn", "pass"),
        ({"warn": "30%", "error": "50%"}, "error", "warn"),
        ({"warn": "10%", "error": "20%"}, "error", "error"),
        ({"error": 1}, "error", "pass"),
        ({"error": "34%"}, "error", "pass"),
    ],
)
def test_threshold_tiers(
    spark: SparkSession, people: DataFrame, threshold: dict | None, criticality: str, status: str
) -> None:
    rule = {**NOT_NULL_EMAIL, "criticality": criticality}
    if threshold is not None:
        rule["threshold"] = threshold
    outcome = run_checks(people, rules(rule), engine=engine(spark))
    assert {r.rule: r.status for r in outcome.results}["email_present"] == status


def test_empty_input(spark: SparkSession, people: DataFrame, tmp_path: Path) -> None:
    outcome = run_checks(
        people.limit(0),
        rules(NOT_NULL_EMAIL, ADULT, {"name": "some", "check": {"type": "row_count", "min": 1}}),
        valid_to=str(tmp_path / "valid"),
        quarantine_to=str(tmp_path / "quarantine"),
        metrics_to=str(tmp_path / "metrics"),
        engine=engine(spark),
    )
    assert [(r.rule, r.rows_tested, r.rows_failed, r.status) for r in outcome.results] == [
        ("_volume", 0, None, "info"),
        ("email_present", 0, 0, "pass"),
        ("adult", 0, 0, "pass"),
        ("some", 0, None, "error"),
    ]
    assert table(spark, tmp_path / "valid").count() == 0
    assert table(spark, tmp_path / "metrics").count() == 4


def test_all_null_input(spark: SparkSession) -> None:
    df = spark.createDataFrame([(None, None), (None, None)], "email string, age int")
    outcome = run_checks(
        df,
        rules(
            NOT_NULL_EMAIL, ADULT, {"name": "u", "check": {"type": "unique", "columns": ["email"]}}
        ),
        engine=engine(spark),
    )
    assert [(r.rule, r.rows_failed, r.status) for r in outcome.results[1:]] == [
        ("email_present", 2, "error"),
        ("adult", 0, "pass"),
        ("u", 0, "pass"),
    ]
    assert outcome.quarantined_rows == 2


def test_table_names_work_as_outputs(spark: SparkSession, people: DataFrame) -> None:
    run_checks(
        people,
        rules(NOT_NULL_EMAIL),
        valid_to="quality_valid_people",
        quarantine_to="quality_bad_people",
        engine=engine(spark),
    )
    assert spark.table("quality_valid_people").count() == 2
    assert spark.table("quality_bad_people").count() == 1


@pytest.fixture(scope="module")
def wide(spark: SparkSession) -> DataFrame:
    """1,000 rows in three partitions, so that every key set really needs a shuffle."""
    return spark.range(0, 1000, numPartitions=3).selectExpr(
        "CAST(id AS INT) AS id",
        "id % 7 AS k",
        "IF(id % 10 = 0, NULL, 'a@example.com') AS email",
        "CAST(id % 90 AS INT) AS age",
        "IF(id % 2 = 0, 'NL', 'DE') AS country",
        "id AS low",
        "id + 1 AS high",
    )


ROW_RULES = [
    NOT_NULL_EMAIL,
    ADULT,
    {"name": "email_format", "check": {"type": "format", "column": "email", "format": "email"}},
    {"name": "country", "check": {"type": "in_set", "column": "country", "values": ["NL", "DE"]}},
    {"name": "email_length", "check": {"type": "length", "column": "email", "min": 3}},
    {
        "name": "low_high",
        "check": {"type": "compare", "left": "low", "operator": "<=", "right": "high"},
    },
]
ID_RULES = [
    {"name": "id_unique", "check": {"type": "unique", "columns": ["id"]}},
    {
        "name": "adult_id_unique",
        "filter": "age >= 18",
        "check": {"type": "unique", "columns": ["id"]},
    },
    {
        "name": "per_id",
        "check": {"type": "aggregate", "function": "count", "group_by": ["id"], "max": 1},
    },
]
DATASET_RULES = [
    {"name": "rows", "check": {"type": "row_count", "min": 1}},
    {
        "name": "ages",
        "check": {"type": "aggregate", "function": "max", "column": "age", "max": 150},
    },
    {"name": "schema", "check": {"type": "schema", "columns": {"id": "int"}}},
]


def noop_jobs(spark: SparkSession, df: DataFrame, *entries: dict) -> int:
    checked = engine(spark).apply(df, rules(*entries))
    count = spark_jobs(spark, checked.annotated.write.format("noop").mode("overwrite").save)
    assert spark_jobs(spark, checked.results) == 0  # metrics came with the write
    return count


def test_job_count_is_one_plus_two_per_key_set(spark: SparkSession, wide: DataFrame) -> None:
    """A run costs one job for the pass, plus two per distinct key set (the aggregation's
    shuffle map stage and the broadcast of its failing groups), whatever the number of rules."""
    assert noop_jobs(spark, wide, *ROW_RULES) == 1
    assert noop_jobs(spark, wide, *ROW_RULES, *DATASET_RULES) == 1
    assert noop_jobs(spark, wide, *ROW_RULES, *ID_RULES, *DATASET_RULES) == 3
    by_k = {"name": "k_unique", "check": {"type": "unique", "columns": ["k"]}}
    assert noop_jobs(spark, wide, *ROW_RULES, *ID_RULES, *DATASET_RULES, by_k) == 5
    one_by_one = sum(noop_jobs(spark, wide, rule) for rule in ROW_RULES + ID_RULES)
    assert one_by_one == len(ROW_RULES) + 3 * len(ID_RULES)


def test_references_cost_one_job_each(spark: SparkSession, wide: DataFrame) -> None:
    reference = spark.range(0, 2, numPartitions=2).selectExpr(
        "element_at(array('NL', 'DE'), CAST(id + 1 AS INT)) AS code"
    )
    checked = QualityEngine(spark, {"countries": reference}, clock=lambda: NOW).apply(
        wide,
        rules(
            {
                "name": "fk",
                "check": {
                    "type": "foreign_key",
                    "columns": ["country"],
                    "reference": "countries",
                    "reference_columns": ["code"],
                },
            },
            {
                "name": "c1",
                "check": {
                    "type": "cross_table",
                    "function": "count",
                    "reference": "countries",
                    "operator": ">=",
                },
            },
            {
                "name": "c2",
                "check": {
                    "type": "cross_table",
                    "function": "count",
                    "column": "country",
                    "reference": "countries",
                    "reference_column": "code",
                    "operator": "<=",
                },
            },
        ),
    )
    # The foreign key looks for the input's keys that the reference lacks (an anti join of keys
    # only, with the small reference broadcast): that broadcast, the shuffle map stage of the
    # input's distinct keys and the pass itself. No key is missing, so Spark drops the join back.
    assert spark_jobs(spark, checked.annotated.write.format("noop").mode("overwrite").save) == 3
    # Both cross-table rules share one global aggregation of the reference (map stage + result).
    assert spark_jobs(spark, checked.results) == 2
    assert [r.status for r in checked.results()] == ["info", "pass", "pass", "error"]


def test_split_computes_the_checks_once(
    spark: SparkSession, people: DataFrame, tmp_path: Path
) -> None:
    """Valid and quarantine outputs come from one computation: each input row is read once."""
    reads = spark.sparkContext.accumulator(0)

    def counted(row: object) -> object:
        reads.add(1)
        return row

    df = spark.createDataFrame(people.rdd.map(counted), people.schema)
    run_checks(
        df,
        rules(NOT_NULL_EMAIL),
        valid_to=str(tmp_path / "v"),
        quarantine_to=str(tmp_path / "q"),
        engine=engine(spark),
    )
    assert reads.value == 3
    assert table(spark, tmp_path / "v").count() + table(spark, tmp_path / "q").count() == 3


def refuse(error: PySparkException) -> Callable[..., DataFrame]:
    def persist(*_: object) -> DataFrame:
        raise error

    return persist


SERVERLESS_REFUSAL = AnalysisException(
    errorClass="NOT_SUPPORTED_WITH_SERVERLESS",
    messageParameters={"operation": "PERSIST TABLE"},
    message="[NOT_SUPPORTED_WITH_SERVERLESS] PERSIST TABLE is not supported on serverless.",
)


def test_split_without_caching_on_serverless_writes_the_same_rows(
    spark: SparkSession, people: DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The classic DataFrame class overrides `persist`, so patch the class in use.
    monkeypatch.setattr(type(people), "persist", refuse(SERVERLESS_REFUSAL))

    outcome = run_checks(
        people,
        rules(NOT_NULL_EMAIL),
        valid_to=str(tmp_path / "v"),
        quarantine_to=str(tmp_path / "q"),
        engine=engine(spark),
    )

    assert (outcome.rows, outcome.quarantined_rows, outcome.valid_written) == (3, 1, True)
    assert table(spark, tmp_path / "v").count() == 2
    assert table(spark, tmp_path / "q").count() == 1


def test_other_persist_failures_are_not_hidden(
    spark: SparkSession, people: DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_of_memory = PySparkException(message="executor lost")
    monkeypatch.setattr(type(people), "persist", refuse(out_of_memory))

    with pytest.raises(PySparkException, match="executor lost"):
        run_checks(
            people,
            rules(NOT_NULL_EMAIL),
            valid_to=str(tmp_path / "v"),
            quarantine_to=str(tmp_path / "q"),
            engine=engine(spark),
        )
