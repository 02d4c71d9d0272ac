-- Statements that started in [:start_time, :end_time) and ran longer than :min_duration_ms.
SELECT
    statement_id,
    executed_by,
    compute.warehouse_id,
    execution_status,
    total_duration_ms,
    waiting_at_capacity_duration_ms AS queued_ms,
    read_bytes,
    spilled_local_bytes,
    start_time,
    SUBSTRING(statement_text, 1, 200) AS statement_preview
FROM IDENTIFIER(:query_schema || '.history')
WHERE
    start_time >= :start_time
    AND start_time < :end_time
    AND total_duration_ms > :min_duration_ms
ORDER BY total_duration_ms DESC, statement_id ASC
