-- ---
-- title: Running totals and moving averages
-- description: >
--   From a table of daily figures shaped like the one aggregate_daily_metrics writes
--   (activity_date, dimension, total_amount), computes per dimension value the running total,
--   the average over the last seven days (days without rows count as absent, not as zero), the
--   change from the previous day with figures, and each value's rank within its day. The
--   target table is rebuilt on every run.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Daily figures with activity_date, dimension and total_amount.
--     default: gold_daily_metrics
--   - name: target_table
--     type: identifier
--     description: Table written with the trends.
--     default: gold_daily_trends
-- ---

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
USING DELTA
COMMENT 'Running totals, 7-day moving averages and daily ranks per dimension value'
AS
SELECT
    daily.activity_date,
    daily.dimension,
    daily.total_amount,
    sum(daily.total_amount) OVER (
        PARTITION BY daily.dimension ORDER BY daily.activity_date ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS running_total,
    cast(avg(daily.total_amount) OVER (
        PARTITION BY daily.dimension ORDER BY daily.activity_date ASC
        RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW
    ) AS DECIMAL(38, 2)) AS moving_average_7d,
    daily.total_amount - lag(daily.total_amount) OVER (
        PARTITION BY daily.dimension ORDER BY daily.activity_date ASC
    ) AS change_from_previous,
    rank() OVER (
        PARTITION BY daily.activity_date ORDER BY daily.total_amount DESC
    ) AS rank_in_day
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS daily;

SELECT
    trends.dimension,
    max(trends.running_total) AS total
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS trends
GROUP BY trends.dimension
ORDER BY trends.dimension;
