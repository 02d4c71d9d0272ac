-- ---
-- title: Keep the latest row per key
-- description: >
--   Writes target_table with one row per key_column: the one with the greatest order_column.
--   Rows that tie on both are told apart by a hash of their content, so the choice is the same
--   on every run. Rows without a key are left out (quarantine them first). This is the
--   QUALIFY row_number() = 1 idiom, written with a subquery because open-source Spark 4.0 has no
--   QUALIFY.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Table that may hold several rows per key.
--     default: customers_valid
--   - name: target_table
--     type: identifier
--     description: Table written with the latest row of each key.
--     default: customers_current
--   - name: key_column
--     type: identifier
--     description: Column that identifies a row.
--     default: customer_id
--   - name: order_column
--     type: identifier
--     description: Column whose greatest value marks the latest row, usually a timestamp.
--     default: updated_at
-- ---

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
USING DELTA
COMMENT 'The latest row of each key'
AS
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
WHERE ranked._row_number = 1;

WITH input_rows AS (
    SELECT count(*) AS input_count
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table)
),

latest_rows AS (
    SELECT count(*) AS latest_count
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
)

SELECT
    input_rows.input_count AS source_rows,
    latest_rows.latest_count AS latest_rows
FROM input_rows CROSS JOIN latest_rows;
