"""Where code runs: the cluster's Spark session on Databricks, a local Delta one elsewhere."""

from .session import get_spark, local_spark, on_databricks

__all__ = ["get_spark", "local_spark", "on_databricks"]
