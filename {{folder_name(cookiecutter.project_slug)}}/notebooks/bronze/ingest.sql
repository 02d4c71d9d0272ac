-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Bronze: ingest new landing files
-- MAGIC
-- MAGIC Appends every file that has landed in the landing volume since the last run to one bronze
-- MAGIC table per entity: `orders` (CSV), `customers` (JSON lines) and `products` (CSV).
-- MAGIC
-- MAGIC - Every column is kept as a string, exactly as it arrived: typing happens in silver, so no
-- MAGIC   value is lost here.
-- MAGIC - `_rescued_data` holds what does not fit the declared columns (an unknown extra column,
-- MAGIC   a line that cannot be parsed) as JSON, with the file path.
-- MAGIC - `_source_file`, `_ingested_at` and `_run_id` record where and when each row came from.
-- MAGIC - A file is read once: files whose path is already in the bronze table are skipped, so a
-- MAGIC   re-run, or the same file landing again, adds nothing.
-- MAGIC
-- MAGIC | Parameter | Meaning |
-- MAGIC |---|---|
-- MAGIC | `catalog` | Unity Catalog catalog of the project's schema |
-- MAGIC | `schema` | schema that holds the tables |
-- MAGIC | `landing_path` | the landing volume, e.g. `/Volumes/<catalog>/<schema>/landing` |
-- MAGIC | `run_id` | the job run that ingests (`{% raw %}{{job.run_id}}{% endraw %}` in the job) |

-- COMMAND ----------

CREATE WIDGET TEXT catalog DEFAULT '{{ cookiecutter.dev_catalog }}';
CREATE WIDGET TEXT schema DEFAULT '{{ cookiecutter.schema }}';
CREATE WIDGET TEXT landing_path DEFAULT '/Volumes/{{ cookiecutter.dev_catalog }}/{{ cookiecutter.schema }}/landing';
CREATE WIDGET TEXT run_id DEFAULT 'manual';

-- COMMAND ----------

-- DBTITLE 1,Bronze tables: raw strings plus ingestion metadata
CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.bronze_orders') (
    order_id STRING,
    customer_id STRING,
    product_id STRING,
    quantity STRING,
    unit_price STRING,
    status STRING,
    order_ts STRING,
    updated_at STRING,
    _rescued_data STRING COMMENT 'Fields that did not fit the declared columns, as JSON',
    _source_file STRING COMMENT 'Path of the landing file the row came from',
    _ingested_at TIMESTAMP COMMENT 'When the row was ingested',
    _run_id STRING COMMENT 'Job run that ingested the row'
)
USING DELTA
COMMENT 'Orders as they landed (CSV), one row per line, append-only';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.bronze_customers') (
    customer_id STRING,
    name STRING,
    email STRING,
    region STRING,
    updated_at STRING,
    _rescued_data STRING COMMENT 'Fields that did not fit the declared columns, as JSON',
    _source_file STRING COMMENT 'Path of the landing file the row came from',
    _ingested_at TIMESTAMP COMMENT 'When the row was ingested',
    _run_id STRING COMMENT 'Job run that ingested the row'
)
USING DELTA
COMMENT 'Customers as they landed (JSON lines), one row per record, append-only';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.bronze_products') (
    product_id STRING,
    name STRING,
    category STRING,
    list_price STRING,
    updated_at STRING,
    _rescued_data STRING COMMENT 'Fields that did not fit the declared columns, as JSON',
    _source_file STRING COMMENT 'Path of the landing file the row came from',
    _ingested_at TIMESTAMP COMMENT 'When the row was ingested',
    _run_id STRING COMMENT 'Job run that ingested the row'
)
USING DELTA
COMMENT 'Products as they landed (CSV), one row per line, append-only';

ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.bronze_orders') SET TAGS ('layer' = 'bronze');
ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.bronze_customers') SET TAGS ('layer' = 'bronze');
ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.bronze_products') SET TAGS ('layer' = 'bronze');

-- COMMAND ----------

-- DBTITLE 1,Orders: append the CSV files not ingested yet
INSERT INTO IDENTIFIER(:catalog || '.' || :schema || '.bronze_orders')
WITH seen AS (
    SELECT DISTINCT loaded._source_file
    FROM IDENTIFIER(:catalog || '.' || :schema || '.bronze_orders') AS loaded
)

SELECT
    landed.order_id,
    landed.customer_id,
    landed.product_id,
    landed.quantity,
    landed.unit_price,
    landed.status,
    landed.order_ts,
    landed.updated_at,
    landed._rescued_data,
    landed._metadata.file_path AS _source_file,
    current_timestamp() AS _ingested_at,
    :run_id AS _run_id
FROM
    read_files(
        :landing_path || '/orders',
        format => 'csv',
        header => TRUE,
        schema => 'order_id STRING, customer_id STRING, product_id STRING, quantity STRING, unit_price STRING,
                   status STRING, order_ts STRING, updated_at STRING',
        `rescuedDataColumn` => '_rescued_data'
    ) AS landed
LEFT ANTI JOIN seen
    ON landed._metadata.file_path = seen._source_file;

-- COMMAND ----------

-- DBTITLE 1,Customers: append the JSON files not ingested yet
INSERT INTO IDENTIFIER(:catalog || '.' || :schema || '.bronze_customers')
WITH seen AS (
    SELECT DISTINCT loaded._source_file
    FROM IDENTIFIER(:catalog || '.' || :schema || '.bronze_customers') AS loaded
)

SELECT
    landed.customer_id,
    landed.name,
    landed.email,
    landed.region,
    landed.updated_at,
    landed._rescued_data,
    landed._metadata.file_path AS _source_file,
    current_timestamp() AS _ingested_at,
    :run_id AS _run_id
FROM
    read_files(
        :landing_path || '/customers',
        format => 'json',
        schema => 'customer_id STRING, name STRING, email STRING, region STRING, updated_at STRING',
        `rescuedDataColumn` => '_rescued_data'
    ) AS landed
LEFT ANTI JOIN seen
    ON landed._metadata.file_path = seen._source_file;

-- COMMAND ----------

-- DBTITLE 1,Products: append the CSV files not ingested yet
INSERT INTO IDENTIFIER(:catalog || '.' || :schema || '.bronze_products')
WITH seen AS (
    SELECT DISTINCT loaded._source_file
    FROM IDENTIFIER(:catalog || '.' || :schema || '.bronze_products') AS loaded
)

SELECT
    landed.product_id,
    landed.name,
    landed.category,
    landed.list_price,
    landed.updated_at,
    landed._rescued_data,
    landed._metadata.file_path AS _source_file,
    current_timestamp() AS _ingested_at,
    :run_id AS _run_id
FROM
    read_files(
        :landing_path || '/products',
        format => 'csv',
        header => TRUE,
        schema => 'product_id STRING, name STRING, category STRING, list_price STRING, updated_at STRING',
        `rescuedDataColumn` => '_rescued_data'
    ) AS landed
LEFT ANTI JOIN seen
    ON landed._metadata.file_path = seen._source_file;
