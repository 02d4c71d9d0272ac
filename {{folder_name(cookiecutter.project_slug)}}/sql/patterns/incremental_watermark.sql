-- ---
-- title: Incremental load with a watermark and a run log
-- description: >
--   Appends to target_table only the source rows whose order_column is after the watermark: the
--   greatest order_column value already loaded (initial_watermark before the first run). Every
--   finished run is recorded in run_log_table with the rows it loaded and the watermark reached.
--   Each loaded row carries the run that loaded it (_loaded_by_run); rows of runs that did not
--   finish are deleted before loading, so a failed run, or its retry with the same run_id, is
--   repaired by the next run, and repeating a finished run loads only what is new. Rows that
--   arrive later with an order_column at or before the watermark are not picked up: order on a
--   column that only grows, such as the time a row was last updated.
-- parameters:
--   - catalog
--   - schema
--   - run_id
--   - name: source_table
--     type: identifier
--     description: Table read incrementally.
--     default: silver_orders
--   - name: target_table
--     type: identifier
--     description: Append-only table of the loaded rows.
--     default: orders_reporting_feed
--   - name: order_column
--     type: identifier
--     description: Timestamp column that only grows; the watermark is its greatest loaded value.
--     default: updated_at
--   - name: run_log_table
--     type: identifier
--     description: Table with one row per finished run of each incremental load.
--     default: pipeline_run_log
--   - name: pipeline
--     type: string
--     description: Name of this load in the run log; each name has its own watermark.
--     default: orders_reporting_feed
--   - name: initial_watermark
--     type: timestamp
--     description: Watermark before the first run; rows after it are loaded by the first run.
--     default: 1900-01-01 00:00:00
-- ---

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :run_log_table) (
    pipeline STRING COMMENT 'Name of the incremental load',
    run_id STRING COMMENT 'The run',
    source_table STRING COMMENT 'Table read',
    target_table STRING COMMENT 'Table appended to',
    rows_loaded BIGINT COMMENT 'Rows the run appended',
    watermark TIMESTAMP COMMENT 'Greatest order value loaded so far; the next run starts after it',
    finished_at TIMESTAMP COMMENT 'When the run finished'
)
USING DELTA
COMMENT 'One row per finished run of each incremental load, with the watermark it reached';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
USING DELTA
COMMENT 'Rows appended incrementally, each with the run that loaded it'
AS
SELECT
    input_rows.*,
    cast(NULL AS STRING) AS _loaded_by_run
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS input_rows
WHERE FALSE;

-- Delete the rows of runs that did not finish: they were loaded, but the watermark they moved
-- was never recorded.
MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS destination
USING (
    SELECT DISTINCT earlier.run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :run_log_table) AS earlier
    WHERE earlier.pipeline = :pipeline
) AS finished
    ON destination._loaded_by_run = finished.run_id
WHEN NOT MATCHED BY SOURCE THEN DELETE;

INSERT INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
WITH last_watermark AS (
    SELECT coalesce(max(cast(IDENTIFIER(:order_column) AS TIMESTAMP)), :initial_watermark) AS watermark
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
)

SELECT
    input_rows.*,
    :run_id AS _loaded_by_run
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS input_rows
WHERE IDENTIFIER(:order_column) > (SELECT last_watermark.watermark FROM last_watermark);

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :run_log_table) AS destination
USING (
    WITH loaded AS (
        SELECT
            count_if(loaded_row._loaded_by_run = :run_id) AS rows_loaded,
            coalesce(
                max(cast(IDENTIFIER('loaded_row.' || :order_column) AS TIMESTAMP)), :initial_watermark
            ) AS watermark
        FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS loaded_row
    )

    SELECT
        :pipeline AS pipeline,
        :run_id AS run_id,
        :source_table AS source_table,
        :target_table AS target_table,
        loaded.rows_loaded,
        loaded.watermark,
        current_timestamp() AS finished_at
    FROM loaded
) AS incoming
    ON destination.pipeline = incoming.pipeline AND destination.run_id = incoming.run_id
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;

SELECT
    runs.run_id,
    runs.rows_loaded,
    runs.watermark,
    runs.finished_at
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :run_log_table) AS runs
WHERE runs.pipeline = :pipeline
ORDER BY runs.finished_at DESC
LIMIT 5;
