-- ---
-- title: SCD type 1 MERGE (current state per key)
-- description: >
--   Upserts the latest row of each key from source_table into target_table, which keeps one
--   row per key with its current values. A key's row is rewritten only when its content
--   changes (a hash of every column except order_column and the lineage columns whose names
--   start with an underscore) and the source row is not older than the target row, so late
--   records never overwrite newer ones and a re-run changes nothing. With delete_missing, keys
--   that are no longer in the source are deleted. The first run creates the table with the
--   source's columns and _row_hash.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Valid rows, possibly several per key.
--     default: orders_valid
--   - name: target_table
--     type: identifier
--     description: Table with the current row of each key.
--     default: silver_orders
--   - name: key_column
--     type: identifier
--     description: Column that identifies a row.
--     default: order_id
--   - name: order_column
--     type: identifier
--     description: Column whose greatest value marks the latest row, usually a timestamp.
--     default: updated_at
--   - name: delete_missing
--     type: boolean
--     description: Delete target rows whose key is no longer in the source.
--     default: false
-- ---

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
USING DELTA
COMMENT 'Current state of each key (SCD type 1)'
AS
SELECT
    input_rows.*,
    cast(NULL AS STRING) AS _row_hash
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS input_rows
WHERE FALSE;

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS destination
USING (
    SELECT
        latest.*,
        sha2(to_json(map_filter(
            from_json(to_json(struct(latest.*)), 'MAP<STRING, STRING>'),
            (column_name, column_value) -> column_name != :order_column AND NOT startswith(column_name, '_')
        )), 256) AS _row_hash
    FROM (
        SELECT ranked.* EXCEPT (_row_number)
        FROM (
            SELECT
                input_rows.*,
                row_number() OVER (
                    PARTITION BY IDENTIFIER(:key_column)
                    ORDER BY IDENTIFIER(:order_column) DESC, sha2(to_json(struct(input_rows.*)), 256) ASC
                ) AS _row_number
            FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS input_rows
            WHERE IDENTIFIER(:key_column) IS NOT NULL
        ) AS ranked
        WHERE ranked._row_number = 1
    ) AS latest
) AS incoming
    ON IDENTIFIER('destination.' || :key_column) = IDENTIFIER('incoming.' || :key_column)
WHEN MATCHED AND (
    destination._row_hash != incoming._row_hash
    AND IDENTIFIER('incoming.' || :order_column) >= IDENTIFIER('destination.' || :order_column)
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE AND :delete_missing THEN DELETE;

SELECT count(*) AS current_rows
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table);
