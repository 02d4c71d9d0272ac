-- ---
-- title: Daily metrics per dimension
-- description: >
--   Aggregates a table per day of timestamp_column and value of dimension_column: rows
--   (row_total), distinct keys, and the total, average, smallest and largest amount_column. The result is
--   merged into target_table, so only the days whose figures changed are rewritten, and days
--   that no longer have rows are removed; a re-run changes nothing. NULL dimension values form
--   their own group.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Table to aggregate.
--     default: silver_orders
--   - name: target_table
--     type: identifier
--     description: Table of daily figures.
--     default: gold_daily_metrics
--   - name: timestamp_column
--     type: identifier
--     description: Timestamp or date column that places a row on a day.
--     default: order_ts
--   - name: dimension_column
--     type: identifier
--     description: Column whose values split each day's figures.
--     default: status
--   - name: amount_column
--     type: identifier
--     description: Numeric column that is summed and averaged.
--     default: amount
--   - name: key_column
--     type: identifier
--     description: Column whose distinct values are counted per day.
--     default: customer_id
-- ---

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) (
    activity_date DATE COMMENT 'The day',
    dimension STRING COMMENT 'Value of the dimension column, as text',
    row_total BIGINT COMMENT 'Rows of the day',
    distinct_keys BIGINT COMMENT 'Distinct values of the key column',
    total_amount DECIMAL(38, 2) COMMENT 'Sum of the amount column',
    average_amount DECIMAL(38, 2) COMMENT 'Average of the amount column',
    min_amount DECIMAL(38, 2) COMMENT 'Smallest amount',
    max_amount DECIMAL(38, 2) COMMENT 'Largest amount',
    refreshed_at TIMESTAMP COMMENT 'When the figures last changed'
)
USING DELTA
CLUSTER BY (activity_date)
COMMENT 'Daily figures per dimension value';

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS destination
USING (
    SELECT
        to_date(IDENTIFIER(:timestamp_column)) AS activity_date,
        cast(IDENTIFIER(:dimension_column) AS STRING) AS dimension,
        count(*) AS row_total,
        count(DISTINCT IDENTIFIER(:key_column)) AS distinct_keys,
        cast(sum(IDENTIFIER(:amount_column)) AS DECIMAL(38, 2)) AS total_amount,
        cast(avg(IDENTIFIER(:amount_column)) AS DECIMAL(38, 2)) AS average_amount,
        cast(min(IDENTIFIER(:amount_column)) AS DECIMAL(38, 2)) AS min_amount,
        cast(max(IDENTIFIER(:amount_column)) AS DECIMAL(38, 2)) AS max_amount,
        current_timestamp() AS refreshed_at
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table)
    WHERE IDENTIFIER(:timestamp_column) IS NOT NULL
    GROUP BY to_date(IDENTIFIER(:timestamp_column)), cast(IDENTIFIER(:dimension_column) AS STRING)
) AS incoming
    ON destination.activity_date = incoming.activity_date AND destination.dimension <=> incoming.dimension
WHEN MATCHED AND NOT (
    destination.row_total = incoming.row_total
    AND destination.distinct_keys = incoming.distinct_keys
    AND destination.total_amount <=> incoming.total_amount
    AND destination.min_amount <=> incoming.min_amount
    AND destination.max_amount <=> incoming.max_amount
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE THEN DELETE;

SELECT
    daily.activity_date,
    daily.dimension,
    daily.row_total,
    daily.total_amount
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS daily
ORDER BY daily.activity_date ASC, daily.dimension ASC;
