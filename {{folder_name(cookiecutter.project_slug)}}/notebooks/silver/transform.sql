-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Silver: typed, cleaned, de-duplicated
-- MAGIC
-- MAGIC Turns the bronze rows of every entity into typed, cleaned tables and keeps them up to date.
-- MAGIC
-- MAGIC 1. **Type and clean** each bronze row into a staging table: `try_cast` to the real types, trim,
-- MAGIC    upper-case keys and regions, lower-case emails and statuses. Each row gets the list of
-- MAGIC    reasons it is unusable (missing key, a value that does not parse, an unknown status...).
-- MAGIC 2. **Quarantine** rows with reasons in `silver_quarantine`, one row per bronze row, with the
-- MAGIC    raw record and the reason. Nothing is lost: every bronze row is in silver or in quarantine.
-- MAGIC 3. **De-duplicate** the valid rows on the business key, keeping the latest `updated_at` (ties
-- MAGIC    go to the file that landed first), so late and out-of-order records never overwrite newer ones.
-- MAGIC 4. **Upsert** with `MERGE` (SCD type 1) into `silver_products`, `silver_orders` and
-- MAGIC    `silver_customers`; rows only change when their content hash changes.
-- MAGIC 5. **History** of customers (SCD type 2) in `silver_customers_history`: one version per change of
-- MAGIC    name, email or region, with `valid_from` / `valid_to` / `is_current`. It is rebuilt from all
-- MAGIC    valid records and merged, so a late record lands in the right place in the history. The first
-- MAGIC    version is valid from 1900-01-01, so facts older than the first record still find a version.
-- MAGIC
-- MAGIC Each run re-reads bronze, so a failed run is repaired by running again.
-- MAGIC
-- MAGIC | Parameter | Meaning |
-- MAGIC |---|---|
-- MAGIC | `catalog` | Unity Catalog catalog of the project's schema |
-- MAGIC | `schema` | schema that holds the tables |
-- MAGIC | `run_id` | the job run (recorded on quarantined rows) |

-- COMMAND ----------

CREATE WIDGET TEXT catalog DEFAULT '{{ cookiecutter.dev_catalog }}';
CREATE WIDGET TEXT schema DEFAULT '{{ cookiecutter.schema }}';
CREATE WIDGET TEXT run_id DEFAULT 'manual';

-- COMMAND ----------

-- DBTITLE 1,Silver tables
CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_products') (
    product_id STRING NOT NULL,
    name STRING,
    category STRING,
    list_price DECIMAL(10, 2),
    updated_at TIMESTAMP,
    _row_hash STRING COMMENT 'Hash of the business columns; a MERGE only rewrites changed rows',
    _source_file STRING,
    _ingested_at TIMESTAMP,
    CONSTRAINT silver_products_pk PRIMARY KEY (product_id) RELY
)
USING DELTA
COMMENT 'Current products (SCD type 1)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_orders') (
    order_id STRING NOT NULL,
    customer_id STRING,
    product_id STRING,
    quantity INT,
    unit_price DECIMAL(10, 2),
    amount DECIMAL(12, 2),
    status STRING,
    order_ts TIMESTAMP,
    order_date DATE,
    updated_at TIMESTAMP,
    _row_hash STRING COMMENT 'Hash of the business columns; a MERGE only rewrites changed rows',
    _source_file STRING,
    _ingested_at TIMESTAMP,
    CONSTRAINT silver_orders_pk PRIMARY KEY (order_id) RELY
)
USING DELTA
CLUSTER BY (order_date)
COMMENT 'Current state of each order (SCD type 1)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_history') (
    customer_version_key STRING NOT NULL COMMENT 'Surrogate key: hash of customer_id and valid_from',
    customer_id STRING NOT NULL,
    name STRING,
    email STRING,
    region STRING,
    updated_at TIMESTAMP COMMENT 'Source timestamp of the record that started this version',
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP COMMENT 'NULL while the version is current',
    is_current BOOLEAN,
    _attributes_hash STRING,
    CONSTRAINT silver_customers_history_pk PRIMARY KEY (customer_version_key) RELY
)
USING DELTA
COMMENT 'Every version of each customer (SCD type 2)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_customers') (
    customer_id STRING NOT NULL,
    name STRING,
    email STRING,
    region STRING,
    updated_at TIMESTAMP,
    _row_hash STRING,
    CONSTRAINT silver_customers_pk PRIMARY KEY (customer_id) RELY
)
USING DELTA
COMMENT 'Current customers (SCD type 1), the current versions of silver_customers_history';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_quarantine') (
    entity STRING COMMENT 'orders, customers or products',
    business_key STRING COMMENT 'The cleaned key; NULL when missing or the line is malformed',
    reason STRING COMMENT 'Every reason the row was rejected, separated by "; "',
    record STRING COMMENT 'The bronze row as JSON, exactly as it arrived',
    _source_file STRING,
    _ingested_at TIMESTAMP,
    _run_id STRING COMMENT 'Run that ingested the row into bronze',
    _record_id STRING COMMENT 'Hash of file and record: one quarantine row per bronze row',
    _quarantined_run_id STRING COMMENT 'Run that quarantined the row'
)
USING DELTA
COMMENT 'Bronze rows that could not be used, with the reason';

ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_products') SET TAGS ('layer' = 'silver');
ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_orders') SET TAGS ('layer' = 'silver');
ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_history') SET TAGS ('layer' = 'silver');
ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_customers') SET TAGS ('layer' = 'silver');
ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_quarantine') SET TAGS ('layer' = 'silver');

-- COMMAND ----------

-- DBTITLE 1,Products: type, clean and check every bronze row
CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_products_staging')
USING DELTA
AS
WITH typed AS (
    SELECT
        to_json(struct(product_id, name, category, list_price, updated_at, _rescued_data)) AS record,
        nullif(upper(trim(product_id)), '') AS product_id,
        nullif(trim(name), '') AS name,
        initcap(trim(category)) AS category,
        try_cast(trim(list_price) AS DECIMAL(10, 2)) AS list_price,
        try_cast(trim(updated_at) AS TIMESTAMP) AS updated_at,
        nullif(trim(list_price), '') AS raw_list_price,
        nullif(trim(updated_at), '') AS raw_updated_at,
        get_json_object(_rescued_data, '$._corrupt_record') AS corrupt_record,
        _source_file,
        _ingested_at,
        _run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.bronze_products')
)

SELECT
    *,
    sha2(concat_ws('|', _source_file, record), 256) AS _record_id,
    sha2(to_json(struct(name, category, list_price, updated_at)), 256) AS _row_hash,
    nullif(concat_ws('; ', filter(array(
        CASE WHEN corrupt_record IS NOT NULL THEN 'malformed line' END,
        CASE WHEN product_id IS NULL THEN 'missing product_id' END,
        CASE WHEN name IS NULL THEN 'missing name' END,
        CASE
            WHEN raw_list_price IS NULL THEN 'missing list_price'
            WHEN list_price IS NULL THEN 'list_price is not a decimal: ' || raw_list_price
            WHEN list_price < 0 THEN 'list_price must not be negative'
        END,
        CASE
            WHEN raw_updated_at IS NULL THEN 'missing updated_at'
            WHEN updated_at IS NULL THEN 'updated_at is not a timestamp: ' || raw_updated_at
        END
    ), reason -> reason IS NOT NULL)), '') AS reason
FROM typed;

-- COMMAND ----------

-- DBTITLE 1,Products: quarantine rejected rows, upsert the latest valid row per product
MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.silver_quarantine') AS target
USING (
    SELECT DISTINCT
        'products' AS entity,
        CASE WHEN corrupt_record IS NULL THEN product_id END AS business_key,
        reason,
        record,
        _source_file,
        _ingested_at,
        _run_id,
        _record_id,
        :run_id AS _quarantined_run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_products_staging')
    WHERE reason IS NOT NULL
) AS source
    ON target._record_id = source._record_id
WHEN NOT MATCHED THEN INSERT *;

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.silver_products') AS target
USING (
    SELECT
        product_id,
        name,
        category,
        list_price,
        updated_at,
        _row_hash,
        _source_file,
        _ingested_at
    FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY product_id ORDER BY updated_at DESC, _source_file ASC, _record_id ASC
            ) AS latest
        FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_products_staging')
        WHERE reason IS NULL
    ) AS ranked
    WHERE latest = 1
) AS source
    ON target.product_id = source.product_id
WHEN MATCHED AND source._row_hash != target._row_hash AND source.updated_at >= target.updated_at THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;

DROP TABLE IF EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_products_staging');

-- COMMAND ----------

-- DBTITLE 1,Customers: type, clean and check every bronze row
CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_staging')
USING DELTA
AS
WITH typed AS (
    SELECT
        to_json(struct(customer_id, name, email, region, updated_at, _rescued_data)) AS record,
        nullif(upper(trim(customer_id)), '') AS customer_id,
        nullif(trim(name), '') AS name,
        nullif(lower(trim(email)), '') AS email,
        nullif(upper(trim(region)), '') AS region,
        try_cast(trim(updated_at) AS TIMESTAMP) AS updated_at,
        nullif(trim(updated_at), '') AS raw_updated_at,
        get_json_object(_rescued_data, '$._corrupt_record') AS corrupt_record,
        _source_file,
        _ingested_at,
        _run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.bronze_customers')
)

SELECT
    *,
    sha2(concat_ws('|', _source_file, record), 256) AS _record_id,
    sha2(to_json(struct(name, email, region)), 256) AS _attributes_hash,
    nullif(concat_ws('; ', filter(array(
        CASE WHEN corrupt_record IS NOT NULL THEN 'malformed line' END,
        CASE WHEN customer_id IS NULL THEN 'missing customer_id' END,
        CASE WHEN name IS NULL THEN 'missing name' END,
        CASE
            WHEN email IS NULL THEN 'missing email'
            WHEN NOT email RLIKE '^[^@ ]+@[^@ ]+[.][^@ ]+$' THEN 'email is not valid: ' || email
        END,
        CASE
            WHEN region IS NULL THEN 'missing region'
            WHEN region NOT IN ('AMER', 'APAC', 'EMEA') THEN 'unknown region: ' || region
        END,
        CASE
            WHEN raw_updated_at IS NULL THEN 'missing updated_at'
            WHEN updated_at IS NULL THEN 'updated_at is not a timestamp: ' || raw_updated_at
        END
    ), reason -> reason IS NOT NULL)), '') AS reason
FROM typed;

-- COMMAND ----------

-- DBTITLE 1,Customers: quarantine, history (SCD type 2), current state (SCD type 1)
MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.silver_quarantine') AS target
USING (
    SELECT DISTINCT
        'customers' AS entity,
        CASE WHEN corrupt_record IS NULL THEN customer_id END AS business_key,
        reason,
        record,
        _source_file,
        _ingested_at,
        _run_id,
        _record_id,
        :run_id AS _quarantined_run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_staging')
    WHERE reason IS NOT NULL
) AS source
    ON target._record_id = source._record_id
WHEN NOT MATCHED THEN INSERT *;

-- A version starts at each record whose attributes differ from the previous record's. The
-- history is a function of all valid records, so versions that a late record splits or
-- merges are updated, inserted or deleted by the same MERGE.
MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_history') AS target
USING (
    WITH one_per_timestamp AS (
        SELECT *
        FROM (
            SELECT
                *,
                row_number() OVER (
                    PARTITION BY customer_id, updated_at ORDER BY _source_file ASC, _record_id ASC
                ) AS duplicate_number
            FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_staging')
            WHERE reason IS NULL
        ) AS numbered
        WHERE duplicate_number = 1
    ),

    changes AS (
        SELECT
            *,
            lag(_attributes_hash) OVER (PARTITION BY customer_id ORDER BY updated_at) AS previous_hash
        FROM one_per_timestamp
    ),

    versions AS (
        SELECT
            customer_id,
            name,
            email,
            region,
            updated_at,
            _attributes_hash,
            CASE
                WHEN row_number() OVER (PARTITION BY customer_id ORDER BY updated_at) = 1
                    THEN TIMESTAMP '1900-01-01 00:00:00'
                ELSE updated_at
            END AS valid_from,
            lead(updated_at) OVER (PARTITION BY customer_id ORDER BY updated_at) AS valid_to
        FROM changes
        WHERE previous_hash IS NULL OR previous_hash != _attributes_hash
    )

    SELECT
        sha2(customer_id || '|' || cast(valid_from AS STRING), 256) AS customer_version_key,
        customer_id,
        name,
        email,
        region,
        updated_at,
        valid_from,
        valid_to,
        valid_to IS NULL AS is_current,
        _attributes_hash
    FROM versions
) AS source
    ON target.customer_version_key = source.customer_version_key
WHEN MATCHED AND (
    source._attributes_hash != target._attributes_hash
    OR NOT source.valid_to <=> target.valid_to
    OR source.updated_at != target.updated_at
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE THEN DELETE;

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.silver_customers') AS target
USING (
    SELECT
        customer_id,
        name,
        email,
        region,
        updated_at,
        _attributes_hash AS _row_hash
    FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_history')
    WHERE is_current
) AS source
    ON target.customer_id = source.customer_id
WHEN MATCHED AND source._row_hash != target._row_hash THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;

DROP TABLE IF EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_staging');

-- COMMAND ----------

-- DBTITLE 1,Orders: type, clean and check every bronze row
CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.silver_orders_staging')
USING DELTA
AS
WITH typed AS (
    SELECT
        to_json(struct(
            order_id, customer_id, product_id, quantity, unit_price, status, order_ts, updated_at, _rescued_data
        )) AS record,
        nullif(upper(trim(order_id)), '') AS order_id,
        nullif(upper(trim(customer_id)), '') AS customer_id,
        nullif(upper(trim(product_id)), '') AS product_id,
        try_cast(trim(quantity) AS INT) AS quantity,
        try_cast(trim(unit_price) AS DECIMAL(10, 2)) AS unit_price,
        nullif(lower(trim(status)), '') AS status,
        try_cast(trim(order_ts) AS TIMESTAMP) AS order_ts,
        try_cast(trim(updated_at) AS TIMESTAMP) AS updated_at,
        nullif(trim(quantity), '') AS raw_quantity,
        nullif(trim(unit_price), '') AS raw_unit_price,
        nullif(trim(order_ts), '') AS raw_order_ts,
        nullif(trim(updated_at), '') AS raw_updated_at,
        get_json_object(_rescued_data, '$._corrupt_record') AS corrupt_record,
        _source_file,
        _ingested_at,
        _run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.bronze_orders')
)

SELECT
    *,
    cast(quantity * unit_price AS DECIMAL(12, 2)) AS amount,
    to_date(order_ts) AS order_date,
    sha2(concat_ws('|', _source_file, record), 256) AS _record_id,
    sha2(to_json(struct(customer_id, product_id, quantity, unit_price, status, order_ts, updated_at)), 256)
        AS _row_hash,
    nullif(concat_ws('; ', filter(array(
        CASE WHEN corrupt_record IS NOT NULL THEN 'malformed line' END,
        CASE WHEN order_id IS NULL THEN 'missing order_id' END,
        CASE WHEN customer_id IS NULL THEN 'missing customer_id' END,
        CASE WHEN product_id IS NULL THEN 'missing product_id' END,
        CASE
            WHEN raw_quantity IS NULL THEN 'missing quantity'
            WHEN quantity IS NULL THEN 'quantity is not an integer: ' || raw_quantity
            WHEN quantity <= 0 THEN 'quantity must be positive'
        END,
        CASE
            WHEN raw_unit_price IS NULL THEN 'missing unit_price'
            WHEN unit_price IS NULL THEN 'unit_price is not a decimal: ' || raw_unit_price
            WHEN unit_price < 0 THEN 'unit_price must not be negative'
        END,
        CASE
            WHEN status IS NULL THEN 'missing status'
            WHEN status NOT IN ('placed', 'shipped', 'delivered', 'cancelled')
                THEN 'unknown status: ' || status
        END,
        CASE
            WHEN raw_order_ts IS NULL THEN 'missing order_ts'
            WHEN order_ts IS NULL THEN 'order_ts is not a timestamp: ' || raw_order_ts
        END,
        CASE
            WHEN raw_updated_at IS NULL THEN 'missing updated_at'
            WHEN updated_at IS NULL THEN 'updated_at is not a timestamp: ' || raw_updated_at
        END
    ), reason -> reason IS NOT NULL)), '') AS reason
FROM typed;

-- COMMAND ----------

-- DBTITLE 1,Orders: quarantine rejected rows, upsert the latest valid row per order
MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.silver_quarantine') AS target
USING (
    SELECT DISTINCT
        'orders' AS entity,
        CASE WHEN corrupt_record IS NULL THEN order_id END AS business_key,
        reason,
        record,
        _source_file,
        _ingested_at,
        _run_id,
        _record_id,
        :run_id AS _quarantined_run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_orders_staging')
    WHERE reason IS NOT NULL
) AS source
    ON target._record_id = source._record_id
WHEN NOT MATCHED THEN INSERT *;

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.silver_orders') AS target
USING (
    SELECT
        order_id,
        customer_id,
        product_id,
        quantity,
        unit_price,
        amount,
        status,
        order_ts,
        order_date,
        updated_at,
        _row_hash,
        _source_file,
        _ingested_at
    FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY order_id ORDER BY updated_at DESC, _source_file ASC, _record_id ASC
            ) AS latest
        FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_orders_staging')
        WHERE reason IS NULL
    ) AS ranked
    WHERE latest = 1
) AS source
    ON target.order_id = source.order_id
WHEN MATCHED AND source._row_hash != target._row_hash AND source.updated_at >= target.updated_at THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;

DROP TABLE IF EXISTS IDENTIFIER(:catalog || '.' || :schema || '.silver_orders_staging');
