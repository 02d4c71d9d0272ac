# Databricks notebook source
# MAGIC %md
# MAGIC # Quality: check the silver tables
# MAGIC
# MAGIC Runs the rule files in `quality/rules/` against the silver tables they name, in one pass per
# MAGIC table. Rows with errors are appended to `<table>_dq_quarantine`, every rule's metrics to
# MAGIC `quality_metrics`, and the task fails when a rule with criticality `error` is in error
# MAGIC (warnings never fail it). See README.md, "Data quality".
# MAGIC
# MAGIC | Parameter | Meaning |
# MAGIC |---|---|
# MAGIC | `catalog`, `schema` | where the tables are |
# MAGIC | `run_id` | the job run, recorded on metrics and quarantined rows |
# MAGIC | `bundle_root` | the deployed bundle's files (rule files and the package source) |
# MAGIC | `tables` | comma-separated rule files to run (empty: all of them) |

# COMMAND ----------

dbutils.widgets.text("catalog", "{{ cookiecutter.dev_catalog }}")
dbutils.widgets.text("schema", "{{ cookiecutter.schema }}")
dbutils.widgets.text("run_id", "manual")
dbutils.widgets.text("bundle_root", "../..")
dbutils.widgets.text("tables", "")

# COMMAND ----------

# The package comes from the bundle's synced source, so the task needs no wheel install.
import sys
from pathlib import Path

bundle_root = Path(dbutils.widgets.get("bundle_root")).resolve()
sys.path.insert(0, str(bundle_root / "src"))

from {{ cookiecutter.package_name }}.quality.job import (
    check_tables,
    summary,
)

# COMMAND ----------

tables = [name for name in dbutils.widgets.get("tables").split(",") if name.strip()]
outcomes = check_tables(
    spark,
    bundle_root / "quality" / "rules",
    catalog=dbutils.widgets.get("catalog"),
    schema=dbutils.widgets.get("schema"),
    run_id=dbutils.widgets.get("run_id"),
    tables=tables or None,
)
print(summary(outcomes))
