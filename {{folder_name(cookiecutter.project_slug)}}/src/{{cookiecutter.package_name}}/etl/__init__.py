"""The PySpark ETL workflow: landing order files to cleaned orders and daily revenue."""

from .workflow import EtlConfig, EtlResult, run

__all__ = ["EtlConfig", "EtlResult", "run"]
