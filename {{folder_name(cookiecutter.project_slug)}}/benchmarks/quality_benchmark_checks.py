"""The benchmark's data and its 20 checks, shared by every framework's runner.

Standard library and pyspark only, so that the DQX and Great Expectations runners can import it
from their own virtual environments. The same 20 checks are expressed once per framework:
14 row checks, 2 uniqueness checks, 1 foreign key and 3 dataset checks (volume, an aggregate,
freshness). About 1% of the rows break each row check, so annotation work is real.
"""

from __future__ import annotations

from typing import Any

# One configuration for every runner, so each framework gets the same Spark.
SPARK_CONF = {
    "spark.master": "local[2]",
    "spark.driver.memory": "6g",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}

COLUMNS = """
    id,
    CAST(id % (rows DIV 3) AS BIGINT) AS customer_id,
    IF(id % 97 = 0, NULL, concat('user', id, '@example.com')) AS email,
    IF(id % 89 = 0, '', concat('Name ', id % 1000)) AS name,
    element_at(array('placed', 'shipped', 'delivered', 'cancelled', 'lost'),
               CAST(IF(id % 83 = 0, 5, id % 4 + 1) AS INT)) AS status,
    CAST(IF(id % 79 = 0, -1, id % 90) AS INT) AS age,
    CAST(id % 500 AS INT) AS quantity,
    CAST(id % 100 AS DECIMAL(10, 2)) AS unit_price,
    CAST((id % 500) * (id % 100) + IF(id % 73 = 0, 1, 0) AS DECIMAL(12, 2)) AS amount,
    IF(id % 71 = 0, 'XX',
       element_at(array('NL', 'DE', 'FR', 'US'), CAST(id % 4 + 1 AS INT))) AS country,
    IF(id % 67 = 0, 'bad', lpad(CAST(id % 100000 AS STRING), 6, '0')) AS code,
    IF(id % 61 = 0, '2024-02-30',
       date_format(date_add(DATE'2024-01-01', CAST(id % 60 AS INT)), 'yyyy-MM-dd')) AS day,
    timestamp_seconds(1704067200 + id % 5000000) AS created_at,
    timestamp_seconds(1704067200 + id % 5000000 + IF(id % 59 = 0, -10, 10)) AS updated_at
"""

REFERENCE_COUNTRIES = ["NL", "DE", "FR", "US"]


def generate(spark: Any, rows: int, path: str) -> None:
    """Write `rows` rows to Parquet at `path`; every runner reads the same files."""
    spark.range(rows).selectExpr(
        *[c.strip() for c in _split(COLUMNS.replace("rows", str(rows)))]
    ).write.mode("overwrite").parquet(path)


def _split(select_list: str) -> list[str]:
    """Split a SELECT list on top-level commas."""
    items, depth, current = [], 0, []
    for char in select_list:
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        depth += char == "("
        depth -= char == ")"
        current.append(char)
    items.append("".join(current))
    return [item for item in items if item.strip()]


# The 20 checks in this project's rule format (also the source for the other frameworks).
RULES: list[dict[str, Any]] = [
    {"name": "id_present", "check": {"type": "not_null", "column": "id"}},
    {"name": "email_present", "check": {"type": "not_null", "column": "email"}},
    {"name": "name_not_empty", "check": {"type": "not_empty", "column": "name"}},
    {
        "name": "status_known",
        "check": {
            "type": "in_set",
            "column": "status",
            "values": ["placed", "shipped", "delivered", "cancelled"],
        },
    },
    {"name": "age_range", "check": {"type": "in_range", "column": "age", "min": 0, "max": 120}},
    {
        "name": "quantity_range",
        "check": {"type": "in_range", "column": "quantity", "min": 0, "max": 1000},
    },
    {"name": "code_pattern", "check": {"type": "regex", "column": "code", "pattern": "^[0-9]{6}$"}},
    {"name": "email_format", "check": {"type": "format", "column": "email", "format": "email"}},
    {"name": "day_is_date", "check": {"type": "format", "column": "day", "format": "date"}},
    {"name": "name_length", "check": {"type": "length", "column": "name", "min": 1, "max": 40}},
    {
        "name": "amount_total",
        "check": {"type": "expression", "expression": "amount = quantity * unit_price"},
    },
    {
        "name": "updated_after_created",
        "check": {"type": "compare", "left": "updated_at", "operator": ">=", "right": "created_at"},
    },
    {
        "name": "country_known",
        "check": {"type": "in_set", "column": "country", "values": REFERENCE_COUNTRIES},
    },
    {"name": "created_present", "check": {"type": "not_null", "column": "created_at"}},
    {"name": "id_unique", "check": {"type": "unique", "columns": ["id"]}},
    {"name": "customer_day_unique", "check": {"type": "unique", "columns": ["customer_id", "day"]}},
    {
        "name": "country_reference",
        "check": {
            "type": "foreign_key",
            "columns": ["country"],
            "reference": "countries",
            "reference_columns": ["code"],
        },
    },
    {"name": "volume", "check": {"type": "row_count", "min": 1}},
    {
        "name": "average_amount",
        "check": {
            "type": "aggregate",
            "function": "avg",
            "column": "amount",
            "min": 0,
            "max": 100000,
        },
    },
    {"name": "fresh", "check": {"type": "freshness", "column": "created_at", "max_age": "10000d"}},
]
