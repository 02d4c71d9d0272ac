-- ---
-- title: SCD type 2 MERGE (every version per key)
-- description: >
--   Keeps the full history of each key in target_table: one row per version, with valid_from,
--   valid_to (NULL while current) and is_current. A new version starts at each source row whose
--   content differs from the key's previous row in order_column order (content is every column
--   except order_column and the lineage columns whose names start with an underscore). The
--   history is computed from every row of source_table and merged: versions are updated,
--   inserted or deleted, so late and out-of-order rows land in the right place, several changes
--   in one run all become versions, and a re-run changes nothing. source_table must hold every
--   row version (such as the valid rows rebuilt from bronze); order_column should be a timestamp.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Every valid row version of every key.
--     default: customers_valid
--   - name: target_table
--     type: identifier
--     description: History table, one row per version of each key.
--     default: silver_customers_history
--   - name: key_column
--     type: identifier
--     description: Column that identifies a row.
--     default: customer_id
--   - name: order_column
--     type: identifier
--     description: Timestamp column that orders a key's rows; a version starts at its value.
--     default: updated_at
-- ---

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
USING DELTA
COMMENT 'Every version of each key (SCD type 2)'
AS
SELECT
    cast(NULL AS STRING) AS _version_key,
    input_rows.*,
    cast(NULL AS STRING) AS _row_hash,
    cast(NULL AS TIMESTAMP) AS valid_from,
    cast(NULL AS TIMESTAMP) AS valid_to,
    cast(NULL AS BOOLEAN) AS is_current
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS input_rows
WHERE FALSE;

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS destination
USING (
    WITH hashed AS (
        SELECT
            input_rows.*,
            sha2(to_json(map_filter(
                from_json(to_json(struct(input_rows.*)), 'MAP<STRING, STRING>'),
                (column_name, column_value) -> column_name != :order_column AND NOT startswith(column_name, '_')
            )), 256) AS _row_hash
        FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS input_rows
        WHERE IDENTIFIER(:key_column) IS NOT NULL AND IDENTIFIER(:order_column) IS NOT NULL
    ),

    -- One row per key and instant: rows that share both are told apart by their content.
    one_per_instant AS (
        SELECT ranked.* EXCEPT (_row_number)
        FROM (
            SELECT
                hashed.*,
                row_number() OVER (
                    PARTITION BY IDENTIFIER(:key_column), IDENTIFIER(:order_column)
                    ORDER BY hashed._row_hash ASC
                ) AS _row_number
            FROM hashed
        ) AS ranked
        WHERE ranked._row_number = 1
    ),

    changes AS (
        SELECT
            one_per_instant.*,
            lag(one_per_instant._row_hash) OVER (
                PARTITION BY IDENTIFIER(:key_column) ORDER BY IDENTIFIER(:order_column) ASC
            ) AS _previous_hash
        FROM one_per_instant
    ),

    versions AS (
        SELECT
            changes.* EXCEPT (_previous_hash),
            cast(IDENTIFIER(:order_column) AS TIMESTAMP) AS valid_from,
            lead(cast(IDENTIFIER(:order_column) AS TIMESTAMP)) OVER (
                PARTITION BY IDENTIFIER(:key_column) ORDER BY IDENTIFIER(:order_column) ASC
            ) AS valid_to
        FROM changes
        WHERE changes._previous_hash IS NULL OR changes._previous_hash != changes._row_hash
    )

    SELECT
        sha2(
            concat_ws('|', cast(IDENTIFIER(:key_column) AS STRING), cast(versions.valid_from AS STRING)),
            256
        ) AS _version_key,
        versions.*,
        versions.valid_to IS NULL AS is_current
    FROM versions
) AS incoming
    ON destination._version_key = incoming._version_key
WHEN MATCHED AND (
    destination._row_hash != incoming._row_hash OR NOT destination.valid_to <=> incoming.valid_to
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE THEN DELETE;

SELECT
    count(*) AS versions,
    count_if(key_versions.is_current) AS current_versions
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS key_versions;
