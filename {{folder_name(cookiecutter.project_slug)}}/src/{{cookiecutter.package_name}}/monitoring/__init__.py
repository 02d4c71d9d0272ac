"""Monitoring over Databricks system tables: cost, job health and query performance.

The SQL lives in ``sql/*.sql`` (package data) and takes every value through a bound parameter
and every table through ``IDENTIFIER(:<schema>_schema || '.<table>')``, so the same files run on
a SQL warehouse (Statement Execution API), on a cluster (Spark) and, in tests, on local Delta
tables that mirror the system tables (see :class:`SystemTables`).
"""

from .queries import QUERIES, Query, SystemTables
from .runners import SparkRunner, SqlRunner, StatementExecutionRunner

__all__ = [
    "QUERIES",
    "Query",
    "SparkRunner",
    "SqlRunner",
    "StatementExecutionRunner",
    "SystemTables",
]
