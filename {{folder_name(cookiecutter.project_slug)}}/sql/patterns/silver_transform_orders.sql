-- ---
-- title: Silver transformation of order records
-- description: >
--   Types every bronze order record into a staging table: identifiers trimmed and upper-cased,
--   quantity, unit_price and timestamps cast with try_cast (a value that does not parse becomes
--   NULL instead of failing the run), status lower-cased, amount = quantity * unit_price and
--   order_date derived. Each row carries _rejection_reason, every reason it cannot be used, or
--   NULL when it is valid, so that quarantine_rejected can route it; _record and _record_hash
--   keep the raw record. Rebuilt from all of bronze on every run, so a re-run converges.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Bronze table of order records, every column a string.
--     default: bronze_orders
--   - name: target_table
--     type: identifier
--     description: Staging table written with the typed records and their rejection reasons.
--     default: orders_staged
--   - name: allowed_statuses
--     type: string
--     description: Comma-separated order statuses the business knows.
--     default: placed,shipped,delivered,cancelled
-- ---

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
USING DELTA
COMMENT 'Orders typed from bronze, with every reason a row cannot be used (NULL when valid)'
AS
WITH typed AS (
    SELECT
        nullif(upper(trim(landed.order_id)), '') AS order_id,
        nullif(upper(trim(landed.customer_id)), '') AS customer_id,
        nullif(upper(trim(landed.product_id)), '') AS product_id,
        try_cast(trim(landed.quantity) AS INT) AS quantity,
        try_cast(trim(landed.unit_price) AS DECIMAL(10, 2)) AS unit_price,
        nullif(lower(trim(landed.status)), '') AS status,
        try_cast(trim(landed.order_ts) AS TIMESTAMP) AS order_ts,
        try_cast(trim(landed.updated_at) AS TIMESTAMP) AS updated_at,
        nullif(trim(landed.quantity), '') AS raw_quantity,
        nullif(trim(landed.unit_price), '') AS raw_unit_price,
        nullif(trim(landed.order_ts), '') AS raw_order_ts,
        nullif(trim(landed.updated_at), '') AS raw_updated_at,
        get_json_object(landed._rescued_data, '$._corrupt_record') AS malformed_line,
        to_json(struct(
            landed.order_id, landed.customer_id, landed.product_id, landed.quantity, landed.unit_price,
            landed.status, landed.order_ts, landed.updated_at, landed._rescued_data
        )) AS _record,
        landed._source_file,
        landed._ingested_at,
        landed._run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS landed
),

priced AS (
    SELECT
        typed.*,
        try_cast(typed.quantity * typed.unit_price AS DECIMAL(12, 2)) AS amount
    FROM typed
)

SELECT
    priced.order_id,
    priced.customer_id,
    priced.product_id,
    priced.quantity,
    priced.unit_price,
    priced.amount,
    priced.status,
    priced.order_ts,
    to_date(priced.order_ts) AS order_date,
    priced.updated_at,
    priced._record,
    sha2(concat_ws('|', priced._source_file, priced._record), 256) AS _record_hash,
    priced._source_file,
    priced._ingested_at,
    priced._run_id,
    nullif(concat_ws('; ', filter(array(
        CASE WHEN priced.malformed_line IS NOT NULL THEN 'malformed line' END,
        CASE WHEN priced.order_id IS NULL THEN 'missing order_id' END,
        CASE WHEN priced.customer_id IS NULL THEN 'missing customer_id' END,
        CASE WHEN priced.product_id IS NULL THEN 'missing product_id' END,
        CASE
            WHEN priced.raw_quantity IS NULL THEN 'missing quantity'
            WHEN priced.quantity IS NULL THEN 'quantity is not a whole number'
            WHEN priced.quantity <= 0 THEN 'quantity must be positive'
        END,
        CASE
            WHEN priced.raw_unit_price IS NULL THEN 'missing unit_price'
            WHEN priced.unit_price IS NULL THEN 'unit_price is not a decimal'
            WHEN priced.unit_price < 0 THEN 'unit_price must not be negative'
        END,
        CASE
            WHEN priced.amount IS NULL AND priced.quantity > 0 AND priced.unit_price >= 0
                THEN 'amount is out of range'
        END,
        CASE
            WHEN priced.status IS NULL THEN 'missing status'
            WHEN NOT array_contains(
                transform(split(:allowed_statuses, ','), allowed -> lower(trim(allowed))),
                priced.status
            ) THEN 'unknown status ' || priced.status
        END,
        CASE
            WHEN priced.raw_order_ts IS NULL THEN 'missing order_ts'
            WHEN priced.order_ts IS NULL THEN 'order_ts is not a timestamp'
        END,
        CASE
            WHEN priced.raw_updated_at IS NULL THEN 'missing updated_at'
            WHEN priced.updated_at IS NULL THEN 'updated_at is not a timestamp'
        END
    ), reason -> reason IS NOT NULL)), '') AS _rejection_reason
FROM priced;

SELECT
    count(*) AS records,
    count_if(staged._rejection_reason IS NULL) AS valid_records,
    count_if(staged._rejection_reason IS NOT NULL) AS rejected_records
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS staged;
