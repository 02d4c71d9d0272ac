-- Runs that finished in [:start_time, :end_time) and took more than :slow_factor times their
-- job's median SUCCEEDED duration in the same window, and at least :min_duration_seconds.
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
),

runs AS (
    -- A run is split into hourly slices; only the final slice carries result_state.
    SELECT
        workspace_id,
        job_id,
        run_id,
        MIN(period_start_time) AS started_at,
        MAX(period_end_time) AS ended_at,
        MAX(result_state) AS result_state
    FROM IDENTIFIER(:lakeflow_schema || '.job_run_timeline')
    WHERE period_end_time < :end_time AND period_end_time >= :start_time - INTERVAL 7 DAYS
    GROUP BY workspace_id, job_id, run_id
),

finished_runs AS (
    SELECT
        workspace_id,
        job_id,
        run_id,
        result_state,
        ended_at,
        TIMESTAMPDIFF(SECOND, started_at, ended_at) AS duration_seconds
    FROM runs
    WHERE result_state IS NOT NULL AND ended_at >= :start_time
),

job_medians AS (
    SELECT
        workspace_id,
        job_id,
        PERCENTILE(duration_seconds, 0.5) AS median_seconds
    FROM finished_runs
    WHERE result_state = 'SUCCEEDED'
    GROUP BY workspace_id, job_id
)

SELECT
    r.workspace_id,
    r.job_id,
    j.name AS job_name,
    r.run_id,
    r.result_state,
    r.duration_seconds,
    m.median_seconds,
    r.ended_at
FROM finished_runs AS r
INNER JOIN job_medians AS m
    ON r.workspace_id = m.workspace_id AND r.job_id = m.job_id
LEFT JOIN latest_jobs AS j
    ON r.workspace_id = j.workspace_id AND r.job_id = j.job_id
WHERE
    r.duration_seconds > m.median_seconds * :slow_factor
    AND r.duration_seconds >= :min_duration_seconds
ORDER BY r.duration_seconds DESC, r.run_id ASC
