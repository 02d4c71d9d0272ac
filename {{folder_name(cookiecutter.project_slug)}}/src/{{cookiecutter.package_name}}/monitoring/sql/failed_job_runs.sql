-- Job runs that ended FAILED, ERROR or TIMED_OUT in [:start_time, :end_time).
-- job_run_timeline uses SUCCEEDED/FAILED/SKIPPED/CANCELLED/TIMED_OUT/ERROR/BLOCKED, not the
-- REST API's SUCCESS/TIMEDOUT, and sets result_state only on a run's final hourly slice.
WITH latest_jobs AS (
    SELECT
        workspace_id,
        job_id,
        name
    FROM (
        SELECT
            workspace_id,
            job_id,
            name,
            ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) AS version_rank
        FROM IDENTIFIER(:lakeflow_schema || '.jobs')
    ) AS versions
    WHERE version_rank = 1
)

SELECT
    r.workspace_id,
    r.job_id,
    j.name AS job_name,
    r.run_id,
    r.result_state,
    r.termination_code,
    r.period_end_time AS ended_at
FROM IDENTIFIER(:lakeflow_schema || '.job_run_timeline') AS r
LEFT JOIN latest_jobs AS j
    ON r.workspace_id = j.workspace_id AND r.job_id = j.job_id
WHERE
    r.period_end_time >= :start_time
    AND r.period_end_time < :end_time
    AND r.result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')
ORDER BY ended_at DESC, r.run_id ASC
