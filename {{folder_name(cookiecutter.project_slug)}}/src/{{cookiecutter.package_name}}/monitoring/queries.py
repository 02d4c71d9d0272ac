"""The catalogue of monitoring queries and where the system tables are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

# A named parameter marker: a colon followed by a name, not part of a `::` cast.
_MARKER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True)
class SystemTables:
    """The schema (``catalog.schema``) that holds each group of system tables.

    On Databricks they are ``system.billing``, ``system.lakeflow`` and so on. Locally Spark's
    catalog has one level of schemas, so :meth:`local` maps ``system.<name>`` to
    ``spark_catalog.system_<name>`` (for example ``system.billing.usage`` becomes
    ``spark_catalog.system_billing.usage``) with the same table names and columns.
    """

    billing: str = "system.billing"
    lakeflow: str = "system.lakeflow"
    compute: str = "system.compute"
    query: str = "system.query"
    access: str = "system.access"

    @classmethod
    def local(cls, catalog: str = "spark_catalog", prefix: str = "system_") -> SystemTables:
        """The local mirror: ``<catalog>.<prefix><name>`` for each system schema."""
        return cls(
            **{name: f"{catalog}.{prefix}{name}" for name in cls.__dataclass_fields__}  # type: ignore[arg-type]
        )

    def parameters(self) -> dict[str, str]:
        """The ``<name>_schema`` parameters every query may reference."""
        return {f"{name}_schema": getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Query:
    """One SQL file in ``sql/`` and what it reports."""

    name: str
    description: str

    @property
    def sql(self) -> str:
        """The statement text, read from the package."""
        return resources.files(__package__).joinpath("sql", f"{self.name}.sql").read_text("utf-8")

    @property
    def parameter_names(self) -> frozenset[str]:
        """Every ``:name`` marker in the statement (comments excluded)."""
        return frozenset(_MARKER.findall(_COMMENT.sub("", self.sql)))

    def bind(self, tables: SystemTables, values: dict[str, Any]) -> dict[str, Any]:
        """The parameters this statement uses, or an error naming the ones missing."""
        available = {**tables.parameters(), **values}
        missing = sorted(self.parameter_names - available.keys())
        if missing:
            raise ValueError(f"query {self.name!r} needs parameter(s): {', '.join(missing)}")
        return {name: available[name] for name in sorted(self.parameter_names)}


QUERIES: dict[str, Query] = {
    query.name: query
    for query in (
        Query("cost_by_job", "List-price cost of job compute per job"),
        Query("cost_by_tag", "List-price cost per value of one custom tag"),
        Query("cost_by_sku", "List-price cost per SKU and product"),
        Query("cost_by_cluster", "List-price cost per cluster"),
        Query("failed_job_runs", "Job runs that ended FAILED, ERROR or TIMED_OUT"),
        Query("slow_job_runs", "Job runs much slower than their job's median"),
        Query("long_running_queries", "SQL statements that ran longer than a threshold"),
        Query("spilling_queries", "SQL statements that spilled to local disk"),
        Query("cluster_utilisation", "CPU and memory use per cluster"),
        Query("user_last_activity", "Latest audited action per user"),
    )
}
