-- ---
-- title: Customer and daily sales analytics
-- description: >
--   Builds the analytics tables over what the pipeline template writes: the current version of
--   each customer (deduplicate_latest), daily figures per order status (aggregate_daily_metrics)
--   with running totals and 7-day moving averages (aggregate_running_totals), and a customer
--   value table with each customer's orders, lifetime value (cancelled orders excluded), value
--   tier, loyalty points and cancellation rate, computed with the library's functions, which
--   the template installs first.
-- parameters:
--   - catalog
--   - schema
--   - name: customers_valid
--     type: identifier
--     description: Valid customer records, one or more per customer.
--     default: customers_valid
--   - name: customers_current
--     type: identifier
--     description: Table written with the latest record of each customer.
--     default: customers_current
--   - name: customer_key
--     type: identifier
--     description: Business key of a customer.
--     default: customer_id
--   - name: updated_column
--     type: identifier
--     description: Timestamp of a record's last change.
--     default: updated_at
--   - name: silver_orders
--     type: identifier
--     description: Current state of each order.
--     default: silver_orders
--   - name: order_ts_column
--     type: identifier
--     description: When an order was placed; places it on a day.
--     default: order_ts
--   - name: status_column
--     type: identifier
--     description: Order status, which splits the daily figures.
--     default: status
--   - name: amount_column
--     type: identifier
--     description: Order amount.
--     default: amount
--   - name: daily_metrics
--     type: identifier
--     description: Table of daily figures per status.
--     default: gold_daily_metrics
--   - name: daily_trends
--     type: identifier
--     description: Table of running totals and moving averages.
--     default: gold_daily_trends
--   - name: customer_value
--     type: identifier
--     description: Table written with the value of each current customer.
--     default: gold_customer_value
-- steps:
--   - function: value_tier
--   - function: loyalty_points
--   - function: safe_divide
--   - pattern: deduplicate_latest
--     parameters:
--       source_table: customers_valid
--       target_table: customers_current
--       key_column: customer_key
--       order_column: updated_column
--   - pattern: aggregate_daily_metrics
--     parameters:
--       source_table: silver_orders
--       target_table: daily_metrics
--       timestamp_column: order_ts_column
--       dimension_column: status_column
--       amount_column: amount_column
--       key_column: customer_key
--   - pattern: aggregate_running_totals
--     parameters: {source_table: daily_metrics, target_table: daily_trends}
-- ---

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :customer_value)
USING DELTA
COMMENT 'Orders, lifetime value, value tier and loyalty points of each current customer'
AS
WITH order_totals AS (
    SELECT
        placed.customer_id,
        count(*) AS orders_placed,
        count_if(placed.status = 'cancelled') AS orders_cancelled,
        sum(CASE WHEN placed.status != 'cancelled' THEN placed.amount END) AS lifetime_value,
        sum(loyalty_points(placed.amount, placed.status)) AS points,
        max(placed.order_ts) AS last_order_at
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :silver_orders) AS placed
    GROUP BY placed.customer_id
)

SELECT
    customers.customer_id,
    customers.customer_name,
    customers.region,
    coalesce(order_totals.orders_placed, 0) AS orders_placed,
    cast(coalesce(order_totals.lifetime_value, 0) AS DECIMAL(12, 2)) AS lifetime_value,
    value_tier(order_totals.lifetime_value) AS tier,
    coalesce(order_totals.points, 0) AS loyalty_points,
    safe_divide(order_totals.orders_cancelled, order_totals.orders_placed) AS cancellation_rate,
    order_totals.last_order_at
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :customers_current) AS customers
LEFT JOIN order_totals
    ON customers.customer_id = order_totals.customer_id;

SELECT
    customer_values.tier,
    count(*) AS customers,
    sum(customer_values.lifetime_value) AS lifetime_value
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :customer_value) AS customer_values
GROUP BY customer_values.tier
ORDER BY lifetime_value DESC;
