-- ---
-- title: Quarantine rejected rows
-- description: >
--   Routes a staging table on its _rejection_reason column: rows with a reason are added to the
--   quarantine table (entity, business key, reason, the raw record, where it came from), once
--   per landed record however often the run is repeated; rows without one become the valid
--   table. Nothing is lost: every staged row is valid or quarantined. The staging table needs
--   the columns clean_customers and silver_transform_orders write: _rejection_reason, _record,
--   _record_hash and _source_file.
-- parameters:
--   - catalog
--   - schema
--   - run_id
--   - name: source_table
--     type: identifier
--     description: Staging table with a _rejection_reason column (NULL when the row is valid).
--     default: orders_staged
--   - name: valid_table
--     type: identifier
--     description: Table written with the valid rows, without the rejection columns.
--     default: orders_valid
--   - name: quarantine_table
--     type: identifier
--     description: Table that collects rejected rows of every entity, with their reasons.
--     default: quarantine
--   - name: entity
--     type: string
--     description: What the rows are (orders, customers...), recorded with each rejected row.
--     default: orders
--   - name: key_column
--     type: identifier
--     description: Column with the business key, recorded with each rejected row.
--     default: order_id
-- ---

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :quarantine_table) (
    entity STRING COMMENT 'What the row is: orders, customers...',
    business_key STRING COMMENT 'The business key as cleaned; NULL when it was missing',
    reason STRING COMMENT 'Every reason the row was rejected, separated by semicolons',
    record STRING COMMENT 'The record as it arrived, as JSON',
    record_hash STRING COMMENT 'Identifies the landed record: one quarantine row per record',
    source_file STRING COMMENT 'The landing file the record came from',
    quarantined_at TIMESTAMP COMMENT 'When the row was quarantined',
    run_id STRING COMMENT 'The run that quarantined it'
)
USING DELTA
COMMENT 'Rows that could not be used, with the reasons; one row per rejected record';

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :quarantine_table) AS destination
USING (
    SELECT DISTINCT
        :entity AS entity,
        cast(IDENTIFIER('staged.' || :key_column) AS STRING) AS business_key,
        staged._rejection_reason AS reason,
        staged._record AS record,
        staged._record_hash AS record_hash,
        staged._source_file AS source_file,
        current_timestamp() AS quarantined_at,
        :run_id AS run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS staged
    WHERE staged._rejection_reason IS NOT NULL
) AS incoming
    ON destination.entity = incoming.entity AND destination.record_hash = incoming.record_hash
WHEN NOT MATCHED THEN INSERT *;

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :valid_table)
USING DELTA
COMMENT 'Staged rows that passed every check'
AS
SELECT staged.* EXCEPT (_rejection_reason, _record)
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS staged
WHERE staged._rejection_reason IS NULL;

SELECT
    :entity AS entity,
    count_if(staged._rejection_reason IS NULL) AS valid_rows,
    count_if(staged._rejection_reason IS NOT NULL) AS quarantined_rows
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS staged;
