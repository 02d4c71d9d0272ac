"""read_files on local Spark: declared columns, rescued data and `_metadata`, as on Databricks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime.files import (
    ReadFilesError,
    list_data_files,
    read_files,
)

SCHEMA = "id STRING, quantity INT"
RESCUED = {"schema": SCHEMA, "rescuedDataColumn": "_rescued_data"}


def rescued(frame_rows: list, path: Path) -> list[tuple]:
    """(id, quantity, rescued fields without the file path) per row, sorted by id."""
    result = []
    for row in frame_rows:
        data = json.loads(row["_rescued_data"]) if row["_rescued_data"] else None
        if data is not None:
            assert data.pop("_file_path").endswith(path.name)
        result.append((row["id"], row["quantity"], data))
    return sorted(result, key=lambda item: str(item[0]))


def test_csv_columns_by_header_with_rescued_values(spark: SparkSession, tmp_path: Path) -> None:
    first = tmp_path / "a_1.csv"
    first.write_text("id,quantity\n1,2\n2,two\nnot csv\n")
    second = tmp_path / "a_2.csv"
    second.write_text("quantity,id,channel\n5,3,web\n")
    frame = read_files(spark, str(tmp_path), {"format": "csv", "header": True, **RESCUED})
    assert frame.columns == ["id", "quantity", "_rescued_data", "_metadata"]
    rows = frame.orderBy("id").collect()
    assert rescued([r for r in rows if r["_metadata"]["file_name"] == "a_1.csv"], first) == [
        ("1", 2, None),
        ("2", None, {"quantity": "two"}),
        ("not csv", None, {"_corrupt_record": "not csv"}),
    ]
    assert rescued([r for r in rows if r["_metadata"]["file_name"] == "a_2.csv"], second) == [
        ("3", 5, {"channel": "web"}),
    ]


def test_a_declared_column_missing_from_a_file_is_null(spark: SparkSession, tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("id\n7\n")
    frame = read_files(spark, str(tmp_path), {"format": "csv", "header": True, **RESCUED})
    assert [tuple(row) for row in frame.select("id", "quantity", "_rescued_data").collect()] == [
        ("7", None, None)
    ]


def test_json_fields_nested_values_and_malformed_lines(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(
        '{"id": "1", "quantity": 2, "extra": {"k": 1}}\n'
        '{"id": {"x": 1}, "quantity": "x"}\n'
        '{"id": "3\n'
    )
    frame = read_files(spark, str(path), {"format": "json", **RESCUED})
    assert rescued(frame.collect(), path) == [
        ("1", 2, {"extra": '{"k":"1"}'}),
        (None, None, {"_corrupt_record": '{"id": "3'}),
        ('{"x": 1}', None, {"quantity": "x"}),  # a JSON object in a string field keeps its text
    ]


def test_metadata_column_names_the_file(spark: SparkSession, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("id,quantity\n1,2\n")
    frame = read_files(spark, str(tmp_path), {"header": "true", **RESCUED})
    metadata = frame.select("_metadata.file_path", "_metadata.file_name").first()
    assert metadata.file_path.endswith("/c.csv")
    assert metadata.file_name == "c.csv"


def test_an_empty_folder_gives_the_declared_columns_and_no_rows(
    spark: SparkSession, tmp_path: Path
) -> None:
    frame = read_files(spark, str(tmp_path), {"format": "json", **RESCUED})
    expected = spark.createDataFrame([], f"{SCHEMA}, _rescued_data STRING")
    assert_df_equality(frame.drop("_metadata"), expected)
    assert frame.select("_metadata.file_path").count() == 0


def test_without_a_schema_spark_reads_as_usual(spark: SparkSession, tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("id,quantity\n1,2\n")
    frame = read_files(spark, str(tmp_path), {"format": "csv", "header": True, "inferSchema": True})
    expected = spark.createDataFrame([(1, 2)], "id INT, quantity INT")
    assert_df_equality(frame.drop("_metadata"), expected)


def test_parquet_with_a_schema_is_read_with_it(spark: SparkSession, tmp_path: Path) -> None:
    spark.createDataFrame([("1", 2)], SCHEMA).write.parquet(str(tmp_path / "p"))
    frame = read_files(spark, str(tmp_path / "p"), {"format": "parquet", "schema": SCHEMA})
    assert_df_equality(frame.drop("_metadata"), spark.createDataFrame([("1", 2)], SCHEMA))


def test_hidden_and_underscore_files_are_not_data(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.csv", "sub/b.csv", ".hidden.csv", "_SUCCESS"):
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in list_data_files(str(tmp_path))] == [
        "a.csv",
        "sub/b.csv",
    ]


@pytest.mark.parametrize(
    ("files", "options", "message"),
    [
        ({}, {"format": "csv", "rescuedDataColumn": "_r"}, "needs schema"),
        ({"a.txt": "x"}, {"schema": SCHEMA}, "cannot tell the format"),
        ({"a.csv": "1,2\n"}, {"format": "csv", "schema": SCHEMA}, "needs header => true"),
        ({"a.csv": "id\n"}, {"format": "csv", "schema": "id WHATEVER("}, "not a valid DDL schema"),
    ],
)
def test_calls_the_runner_cannot_reproduce(
    spark: SparkSession, tmp_path: Path, files: dict[str, str], options: dict, message: str
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    with pytest.raises(ReadFilesError, match=message):
        read_files(spark, str(tmp_path), options)


def test_a_missing_path_is_named(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(ReadFilesError, match="does not exist locally"):
        read_files(spark, str(tmp_path / "missing"), {"format": "csv"})
