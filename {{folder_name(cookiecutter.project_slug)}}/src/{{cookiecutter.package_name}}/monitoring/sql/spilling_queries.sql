-- Statements that started in [:start_time, :end_time) and spilled more than :min_spill_bytes
-- to local disk (memory pressure: a larger warehouse or a better plan would help).
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
    AND spilled_local_bytes > :min_spill_bytes
ORDER BY spilled_local_bytes DESC, statement_id ASC
