-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Maintenance: compact, cluster, clean up, collect statistics
-- MAGIC
-- MAGIC Workspace maintenance for the medallion tables, run weekly by the `medallion_maintenance`
-- MAGIC job. Every cell below is marked `workspace-only`: the local runner reports them as skipped,
-- MAGIC because they tune storage, not results (`tests/medallion` still runs the OPTIMIZE and VACUUM
-- MAGIC cells on local Delta to prove they work).
-- MAGIC
-- MAGIC - `OPTIMIZE` compacts small files; `silver_orders` and `gold_daily_revenue` use liquid
-- MAGIC   clustering (`CLUSTER BY` in their definitions), so `OPTIMIZE` clusters them too;
-- MAGIC   `silver_quarantine` is Z-ordered by entity.
-- MAGIC - `VACUUM` removes files older than `retention_hours` (keep at least 168: time travel and
-- MAGIC   concurrent readers need them).
-- MAGIC - `ANALYZE TABLE ... COMPUTE STATISTICS FOR ALL COLUMNS` refreshes optimizer statistics.
-- MAGIC
-- MAGIC With predictive optimization enabled on the catalog, Databricks does all three by itself and
-- MAGIC this job can be removed.
-- MAGIC
-- MAGIC `OPTIMIZE`, `VACUUM` and `ANALYZE` do not accept `IDENTIFIER(...)`, so each statement is built
-- MAGIC from the back-quoted table name (backticks removed from the parameters, so a parameter can
-- MAGIC only ever name a table) and run with `EXECUTE IMMEDIATE`, as the Databricks documentation
-- MAGIC advises where `IDENTIFIER` is not supported.
-- MAGIC
-- MAGIC | Parameter | Meaning |
-- MAGIC |---|---|
-- MAGIC | `catalog` | Unity Catalog catalog of the project's schema |
-- MAGIC | `schema` | schema that holds the tables |
-- MAGIC | `retention_hours` | how long VACUUM keeps unreferenced files (default 168, seven days) |

-- COMMAND ----------

CREATE WIDGET TEXT catalog DEFAULT '{{ cookiecutter.dev_catalog }}';
CREATE WIDGET TEXT schema DEFAULT '{{ cookiecutter.schema }}';
CREATE WIDGET TEXT retention_hours DEFAULT '168';

-- The quoted `catalog`.`schema`. prefix of every table name, and the statement to run.
DECLARE OR REPLACE VARIABLE table_prefix STRING;
DECLARE OR REPLACE VARIABLE retain STRING;
DECLARE OR REPLACE VARIABLE maintenance_statement STRING;
DECLARE OR REPLACE VARIABLE all_columns STRING DEFAULT ' COMPUTE STATISTICS FOR ALL COLUMNS';
SET VAR table_prefix = '`' || replace(:catalog, '`', '') || '`.`' || replace(:schema, '`', '') || '`.';
SET VAR retain = ' RETAIN ' || cast(:retention_hours AS INT) || ' HOURS';

-- COMMAND ----------

-- workspace-only: compaction and clustering tune storage on the workspace, not results
SET VAR maintenance_statement = 'OPTIMIZE ' || table_prefix || 'silver_orders';
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'OPTIMIZE ' || table_prefix || 'gold_daily_revenue';
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'OPTIMIZE ' || table_prefix || 'silver_quarantine ZORDER BY (entity)';
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'OPTIMIZE ' || table_prefix || 'silver_customers_history';
EXECUTE IMMEDIATE maintenance_statement;

-- COMMAND ----------

-- workspace-only: VACUUM deletes files for good, a decision for the workspace's retention policy
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'bronze_orders' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'bronze_customers' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'bronze_products' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'silver_orders' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'silver_products' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'silver_customers' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'silver_customers_history' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'silver_quarantine' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'gold_daily_revenue' || retain;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'VACUUM ' || table_prefix || 'gold_customer_lifetime_value' || retain;
EXECUTE IMMEDIATE maintenance_statement;

-- COMMAND ----------

-- workspace-only: open-source Spark cannot compute statistics for Delta tables
SET VAR maintenance_statement = 'ANALYZE TABLE ' || table_prefix || 'silver_orders' || all_columns;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'ANALYZE TABLE ' || table_prefix || 'gold_daily_revenue' || all_columns;
EXECUTE IMMEDIATE maintenance_statement;
SET VAR maintenance_statement = 'ANALYZE TABLE ' || table_prefix || 'gold_customer_lifetime_value' || all_columns;
EXECUTE IMMEDIATE maintenance_statement;
