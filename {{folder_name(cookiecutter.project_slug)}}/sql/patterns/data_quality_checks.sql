-- ---
-- title: Data-quality checks in SQL
-- description: >
--   Measures a table in one scan and records each check in results_table with what was
--   observed, the threshold and whether it passed: total_rows (at least min_row_count),
--   null_keys (none), duplicate_keys (at most max_duplicate_keys), null_fraction of
--   required_column (at most max_null_fraction) and hours_since_update, the age of the newest
--   timestamp_column value (at most max_age_hours; 0 means not checked). Repeating a run
--   replaces its results. The last statement names the failed checks, and raises an error
--   with them when fail_on_error is true, so that a job stops before bad data spreads.
-- parameters:
--   - catalog
--   - schema
--   - run_id
--   - name: table_name
--     type: identifier
--     description: Table to check.
--     default: silver_orders
--   - name: key_column
--     type: identifier
--     description: Column that must be present and unique.
--     default: order_id
--   - name: required_column
--     type: identifier
--     description: Column whose share of NULLs is checked.
--     default: customer_id
--   - name: timestamp_column
--     type: identifier
--     description: Timestamp column whose newest value tells how fresh the table is.
--     default: updated_at
--   - name: results_table
--     type: identifier
--     description: Table that collects check results of every table and run.
--     default: dq_results
--   - name: min_row_count
--     type: int
--     description: Fewest rows the table may have.
--     default: 1
--     minimum: 0
--   - name: max_duplicate_keys
--     type: int
--     description: Most rows that may repeat a key already seen.
--     default: 0
--     minimum: 0
--   - name: max_null_fraction
--     type: double
--     description: Largest share (0 to 1) of rows whose required_column may be NULL.
--     default: 0.0
--     minimum: 0
--     maximum: 1
--   - name: max_age_hours
--     type: int
--     description: Most hours since the newest timestamp_column value; 0 skips the check.
--     default: 0
--     minimum: 0
--   - name: fail_on_error
--     type: boolean
--     description: Raise an error naming the failed checks, to stop the job.
--     default: false
-- ---

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :results_table) (
    run_id STRING COMMENT 'The run that checked',
    checked_table STRING COMMENT 'The table checked',
    check_name STRING COMMENT 'What was checked',
    observed DOUBLE COMMENT 'What was measured',
    threshold DOUBLE COMMENT 'The limit it was compared with; NULL when not checked',
    passed BOOLEAN COMMENT 'Whether the check passed; NULL when not checked',
    checked_at TIMESTAMP COMMENT 'When it was checked'
)
USING DELTA
COMMENT 'Data-quality check results, one row per run, table and check';

MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :results_table) AS destination
USING (
    WITH measured AS (
        SELECT
            count(*) AS total_rows,
            count_if(IDENTIFIER(:key_column) IS NULL) AS null_keys,
            count(IDENTIFIER(:key_column)) - count(DISTINCT IDENTIFIER(:key_column)) AS duplicate_keys,
            coalesce(count_if(IDENTIFIER(:required_column) IS NULL) / nullif(count(*), 0), 0) AS null_fraction,
            cast(
                (unix_seconds(current_timestamp()) - unix_seconds(max(IDENTIFIER(:timestamp_column)))) / 3600
                AS DOUBLE
            ) AS hours_since_update
        FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :table_name)
    ),

    checks AS (
        SELECT
            stack(
                5,
                'total_rows', cast(measured.total_rows AS DOUBLE), cast(:min_row_count AS DOUBLE),
                measured.total_rows >= :min_row_count,
                'null_keys', cast(measured.null_keys AS DOUBLE), cast(0 AS DOUBLE),
                measured.null_keys = 0,
                'duplicate_keys', cast(measured.duplicate_keys AS DOUBLE),
                cast(:max_duplicate_keys AS DOUBLE), measured.duplicate_keys <= :max_duplicate_keys,
                'null_fraction', measured.null_fraction, cast(:max_null_fraction AS DOUBLE),
                measured.null_fraction <= :max_null_fraction,
                'hours_since_update', measured.hours_since_update,
                cast(nullif(:max_age_hours, 0) AS DOUBLE),
                measured.hours_since_update <= nullif(:max_age_hours, 0)
            ) AS (check_name, observed, threshold, passed)
        FROM measured
    )

    SELECT
        :run_id AS run_id,
        :table_name AS checked_table,
        checks.check_name,
        checks.observed,
        checks.threshold,
        checks.passed,
        current_timestamp() AS checked_at
    FROM checks
) AS incoming
    ON
        destination.run_id = incoming.run_id
        AND destination.checked_table = incoming.checked_table
        AND destination.check_name = incoming.check_name
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;

SELECT
    results.check_name,
    results.observed,
    results.threshold,
    CASE
        WHEN results.passed IS NULL THEN 'not checked'
        WHEN results.passed THEN 'passed'
        ELSE 'failed'
    END AS outcome
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :results_table) AS results
WHERE results.run_id = :run_id AND results.checked_table = :table_name
ORDER BY results.check_name ASC;

WITH failed AS (
    SELECT array_sort(collect_list(results.check_name)) AS check_names
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :results_table) AS results
    WHERE results.run_id = :run_id AND results.checked_table = :table_name AND NOT results.passed
)

SELECT
    CASE
        WHEN size(failed.check_names) = 0 THEN 'all checks passed'
        WHEN :fail_on_error
            THEN raise_error(
                'data quality checks failed on ' || :table_name || ': ' || array_join(failed.check_names, ', ')
            )
        ELSE 'failed: ' || array_join(failed.check_names, ', ')
    END AS outcome
FROM failed;
