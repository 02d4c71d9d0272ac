"""Cost at list price from system.billing: by job, by tag, by SKU and by cluster."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .queries import QUERIES
from .records import TimeWindow, to_records
from .runners import SqlRunner


@dataclass(frozen=True)
class JobCost:
    workspace_id: str
    job_id: str
    job_name: str | None
    usage_quantity: Decimal
    list_cost: Decimal | None
    """None when no list price covered the usage (unknown SKU or currency)."""


@dataclass(frozen=True)
class TagCost:
    tag_value: str
    usage_quantity: Decimal
    list_cost: Decimal | None


@dataclass(frozen=True)
class SkuCost:
    sku_name: str
    billing_origin_product: str | None
    usage_unit: str
    usage_quantity: Decimal
    list_cost: Decimal | None


@dataclass(frozen=True)
class ClusterCost:
    workspace_id: str
    cluster_id: str
    usage_quantity: Decimal
    list_cost: Decimal | None


def cost_by_job(runner: SqlRunner, window: TimeWindow, currency: str = "USD") -> list[JobCost]:
    """Job compute cost per job, most expensive first."""
    rows = runner.run(QUERIES["cost_by_job"], {**window.values(), "currency": currency})
    return to_records(JobCost, rows)


def cost_by_tag(
    runner: SqlRunner, window: TimeWindow, tag_key: str, currency: str = "USD"
) -> list[TagCost]:
    """Cost per value of the custom tag ``tag_key`` (``(untagged)`` when absent)."""
    values = {**window.values(), "currency": currency, "tag_key": tag_key}
    return to_records(TagCost, runner.run(QUERIES["cost_by_tag"], values))


def cost_by_sku(runner: SqlRunner, window: TimeWindow, currency: str = "USD") -> list[SkuCost]:
    """Cost per SKU, product and usage unit."""
    rows = runner.run(QUERIES["cost_by_sku"], {**window.values(), "currency": currency})
    return to_records(SkuCost, rows)


def cost_by_cluster(
    runner: SqlRunner, window: TimeWindow, currency: str = "USD"
) -> list[ClusterCost]:
    """Cost per classic cluster."""
    rows = runner.run(QUERIES["cost_by_cluster"], {**window.values(), "currency": currency})
    return to_records(ClusterCost, rows)
