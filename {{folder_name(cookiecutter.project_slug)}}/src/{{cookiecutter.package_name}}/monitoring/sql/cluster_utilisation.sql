-- CPU and memory use per cluster over [:start_time, :end_time), from per-minute node metrics.
WITH latest_clusters AS (
    -- system.compute.clusters keeps every version of a cluster (SCD2): keep the latest name.
    SELECT
        workspace_id,
        cluster_id,
        cluster_name
    FROM (
        SELECT
            workspace_id,
            cluster_id,
            cluster_name,
            ROW_NUMBER() OVER (PARTITION BY workspace_id, cluster_id ORDER BY change_time DESC) AS version_rank
        FROM IDENTIFIER(:compute_schema || '.clusters')
    ) AS versions
    WHERE version_rank = 1
),

node_minutes AS (
    SELECT
        workspace_id,
        cluster_id,
        end_time,
        mem_used_percent,
        cpu_user_percent + cpu_system_percent AS cpu_percent
    FROM IDENTIFIER(:compute_schema || '.node_timeline')
    WHERE start_time >= :start_time AND start_time < :end_time
)

SELECT
    n.workspace_id,
    n.cluster_id,
    c.cluster_name,
    COUNT(*) AS node_minutes,
    ROUND(AVG(n.cpu_percent), 2) AS avg_cpu_percent,
    ROUND(MAX(n.cpu_percent), 2) AS max_cpu_percent,
    ROUND(AVG(n.mem_used_percent), 2) AS avg_memory_percent,
    MAX(n.end_time) AS last_seen
FROM node_minutes AS n
LEFT JOIN latest_clusters AS c
    ON n.workspace_id = c.workspace_id AND n.cluster_id = c.cluster_id
GROUP BY n.workspace_id, n.cluster_id, c.cluster_name
ORDER BY avg_cpu_percent ASC, n.cluster_id ASC
