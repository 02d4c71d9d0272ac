"""Profiling proposes a rule file that the profiled data passes."""

from __future__ import annotations

from datetime import date

import yaml
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.quality import (
    QualityEngine,
    dump_rules,
    parse_rules,
)
from {{ cookiecutter.package_name }}.quality.profiling import (
    profile,
    propose_rules,
)


def test_profile_proposes_rules_the_data_passes(spark: SparkSession) -> None:
    rows = [
        (
            index,
            f"user{index}@example.com",
            ["NL", "DE", "FR"][index % 3],
            float(index),
            None if index == 7 else f"n{index}",
            date(2024, 1, 1 + index % 28),
        )
        for index in range(40)
    ]
    df = spark.createDataFrame(
        rows, "id int, email string, country string, amount double, note string, day date"
    )
    found = profile(df, table_name="people")
    assert found.rows == 40
    by_name = {column.name: column for column in found.columns}
    assert by_name["note"].nulls == 1
    assert by_name["country"].values == ["DE", "FR", "NL"]
    assert by_name["id"].unique
    assert not by_name["country"].unique

    proposal = propose_rules(found)
    names = [rule.name for rule in proposal.rules]
    assert names == [
        "schema",
        "not_empty",
        "id_not_null",
        "id_unique",
        "id_range",
        "email_not_null",
        "email_unique",
        "email_format",
        "country_not_null",
        "country_allowed_values",
        "amount_not_null",
        "amount_unique",
        "amount_range",
        "note_mostly_present",
        "note_length",
        "day_not_null",
        "day_range",
    ]
    note = proposal.rules[names.index("note_mostly_present")]
    assert note.threshold is not None
    assert note.threshold.describe() == "warn > 4%"
    day = proposal.rules[names.index("day_range")].check
    assert (day.min, day.max) == ("2024-01-01", "2024-01-28")

    again = parse_rules(yaml.safe_load(dump_rules(proposal)))
    checked = QualityEngine(spark).apply(df, again)
    checked.annotated.write.format("noop").mode("overwrite").save()
    assert {r.rule: r.status for r in checked.results() if r.status not in ("pass", "info")} == {}


def test_profile_of_an_empty_or_sampled_table(spark: SparkSession) -> None:
    df = spark.createDataFrame([], "id int, name string")
    proposal = propose_rules(profile(df))
    assert [rule.name for rule in proposal.rules] == [
        "schema",
        "not_empty",
        "id_not_null",
        "name_not_null",
    ]
    sampled = profile(spark.range(1000).selectExpr("CAST(id AS INT) AS id"), sample_fraction=0.1)
    assert 50 < sampled.rows < 150
