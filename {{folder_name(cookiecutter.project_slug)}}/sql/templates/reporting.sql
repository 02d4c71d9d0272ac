-- ---
-- title: Quarterly revenue and data-quality reporting
-- description: >
--   Builds the reporting tables over what the pipeline and analytics templates write: an
--   append-only feed of order changes for downstream consumers, loaded incrementally with a
--   watermark and a run log (incremental_watermark); revenue per calendar quarter and region
--   with the fiscal year and quarter and the change from the previous quarter, computed with
--   the library's date and numeric functions, which the template installs first; and the
--   latest outcome of every data-quality check.
-- parameters:
--   - catalog
--   - schema
--   - run_id
--   - name: silver_orders
--     type: identifier
--     description: Current state of each order.
--     default: silver_orders
--   - name: customers_current
--     type: identifier
--     description: Latest record of each customer, for the region.
--     default: customers_current
--   - name: reporting_feed
--     type: identifier
--     description: Append-only feed of order changes.
--     default: orders_reporting_feed
--   - name: updated_column
--     type: identifier
--     description: Timestamp of an order's last change; the feed's watermark.
--     default: updated_at
--   - name: run_log_table
--     type: identifier
--     description: Run log of the incremental loads.
--     default: pipeline_run_log
--   - name: pipeline
--     type: string
--     description: Name of the feed's load in the run log.
--     default: orders_reporting_feed
--   - name: initial_watermark
--     type: timestamp
--     description: Watermark before the feed's first run.
--     default: 1900-01-01 00:00:00
--   - name: fiscal_year_start_month
--     type: int
--     description: First month of the fiscal year.
--     default: 7
--     minimum: 1
--     maximum: 12
--   - name: revenue_report
--     type: identifier
--     description: Table written with revenue per quarter and region.
--     default: gold_revenue_by_quarter
--   - name: dq_results
--     type: identifier
--     description: Data-quality check results.
--     default: dq_results
--   - name: quality_report
--     type: identifier
--     description: Table written with the latest outcome of each check.
--     default: gold_quality_report
-- steps:
--   - function: quarter_label
--   - function: fiscal_year
--   - function: fiscal_quarter
--   - function: percent_change
--   - pattern: incremental_watermark
--     parameters:
--       source_table: silver_orders
--       target_table: reporting_feed
--       order_column: updated_column
-- ---

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :revenue_report)
USING DELTA
COMMENT 'Revenue of orders not cancelled, per calendar quarter and region, with fiscal periods'
AS
WITH dated AS (
    SELECT
        quarter_label(orders.order_date) AS calendar_quarter,
        fiscal_year(orders.order_date, :fiscal_year_start_month) AS fiscal_year,
        fiscal_quarter(orders.order_date, :fiscal_year_start_month) AS fiscal_quarter,
        coalesce(customers.region, 'UNKNOWN') AS region,
        orders.amount
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :silver_orders) AS orders
    LEFT JOIN IDENTIFIER(:catalog || '.' || :schema || '.' || :customers_current) AS customers
        ON orders.customer_id = customers.customer_id
    WHERE orders.status != 'cancelled'
),

quarterly AS (
    SELECT
        dated.calendar_quarter,
        dated.fiscal_year,
        dated.fiscal_quarter,
        dated.region,
        count(*) AS order_count,
        cast(sum(dated.amount) AS DECIMAL(18, 2)) AS revenue
    FROM dated
    GROUP BY dated.calendar_quarter, dated.fiscal_year, dated.fiscal_quarter, dated.region
)

SELECT
    quarterly.calendar_quarter,
    quarterly.fiscal_year,
    quarterly.fiscal_quarter,
    quarterly.region,
    quarterly.order_count,
    quarterly.revenue,
    percent_change(
        lag(quarterly.revenue) OVER (PARTITION BY quarterly.region ORDER BY quarterly.calendar_quarter ASC),
        quarterly.revenue
    ) AS revenue_change_pct
FROM quarterly;

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :quality_report)
USING DELTA
COMMENT 'The latest outcome of every data-quality check of every table'
AS
SELECT
    ranked.checked_table,
    ranked.check_name,
    ranked.observed,
    ranked.threshold,
    CASE
        WHEN ranked.passed IS NULL THEN 'not checked'
        WHEN ranked.passed THEN 'passed'
        ELSE 'failed'
    END AS outcome,
    ranked.run_id,
    ranked.checked_at
FROM (
    SELECT
        results.*,
        row_number() OVER (
            PARTITION BY results.checked_table, results.check_name ORDER BY results.checked_at DESC
        ) AS recency
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :dq_results) AS results
) AS ranked
WHERE ranked.recency = 1;

SELECT
    revenue.calendar_quarter,
    revenue.region,
    revenue.order_count,
    revenue.revenue,
    revenue.revenue_change_pct
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :revenue_report) AS revenue
ORDER BY revenue.calendar_quarter ASC, revenue.region ASC;
