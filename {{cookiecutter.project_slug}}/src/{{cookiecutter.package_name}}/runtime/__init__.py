"""Where code runs: a Spark session that is local Delta on a laptop and the cluster's on Databricks."""

from .session import get_spark, local_spark, on_databricks

__all__ = ["get_spark", "local_spark", "on_databricks"]
