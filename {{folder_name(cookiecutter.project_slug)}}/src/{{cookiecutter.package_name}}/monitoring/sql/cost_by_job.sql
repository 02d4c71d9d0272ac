-- Cost of job compute per job at list price, over [:start_time, :end_time).
WITH prices AS (
-- List prices in one currency; a NULL price_end_time means the price still applies.
    SELECT
        sku_name,
        cloud,
        usage_unit,
        price_start_time,
        CAST(pricing.effective_list.default AS DECIMAL(38, 18)) AS unit_price,
        COALESCE(price_end_time, TIMESTAMP '9999-12-31 00:00:00') AS price_end_time
    FROM IDENTIFIER(:billing_schema || '.list_prices')
    WHERE currency_code = :currency
),

latest_jobs AS (
    -- system.lakeflow.jobs keeps every version of a job (SCD2): keep the latest name.
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

job_usage AS (
    SELECT
        u.workspace_id,
        u.usage_metadata.job_id,
        u.usage_quantity,
        u.usage_quantity * p.unit_price AS list_cost
    FROM IDENTIFIER(:billing_schema || '.usage') AS u
    LEFT JOIN prices AS p
        ON
            u.sku_name = p.sku_name
            AND u.cloud = p.cloud
            AND u.usage_unit = p.usage_unit
            AND u.usage_end_time > p.price_start_time
            AND u.usage_end_time <= p.price_end_time
    -- ORIGINAL, RETRACTION and RESTATEMENT records all count: retractions carry negative
    -- quantities, so the sum is the corrected usage. Keeping only ORIGINAL over-counts.
    WHERE
        u.usage_start_time >= :start_time AND u.usage_start_time < :end_time
        AND u.usage_metadata.job_id IS NOT NULL
)

SELECT
    ju.workspace_id,
    ju.job_id,
    j.name AS job_name,
    SUM(ju.usage_quantity) AS usage_quantity,
    SUM(ju.list_cost) AS list_cost
FROM job_usage AS ju
LEFT JOIN latest_jobs AS j
    ON ju.workspace_id = j.workspace_id AND ju.job_id = j.job_id
GROUP BY ju.workspace_id, ju.job_id, j.name
ORDER BY list_cost DESC, ju.workspace_id ASC, ju.job_id ASC
