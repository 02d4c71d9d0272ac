-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Gold: business aggregates
-- MAGIC
-- MAGIC Builds the tables that dashboards and analysts read, from the silver layer.
-- MAGIC
-- MAGIC - `gold_daily_revenue`: revenue, orders and units per order date, product and customer
-- MAGIC   region. The region is the customer's region **when the order was placed** (a join on the
-- MAGIC   SCD type 2 history), so a customer who moves does not move past revenue. Cancelled orders
-- MAGIC   do not count; orders whose product or customer is unknown (quarantined) count under
-- MAGIC   `unknown`. Rebuilt on every run (`INSERT OVERWRITE`), clustered by `order_date`.
-- MAGIC - `gold_customer_lifetime_value`: per customer, first and last order date, orders, lifetime
-- MAGIC   revenue and average order value, with the customer's current name and region. Merged
-- MAGIC   incrementally: only customers whose figures changed are rewritten.
-- MAGIC
-- MAGIC | Parameter | Meaning |
-- MAGIC |---|---|
-- MAGIC | `catalog` | Unity Catalog catalog of the project's schema |
-- MAGIC | `schema` | schema that holds the tables |

-- COMMAND ----------

CREATE WIDGET TEXT catalog DEFAULT '{{ cookiecutter.dev_catalog }}';
CREATE WIDGET TEXT schema DEFAULT '{{ cookiecutter.schema }}';

-- COMMAND ----------

-- DBTITLE 1,Gold tables
CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.gold_daily_revenue') (
    order_date DATE,
    product_id STRING,
    product_name STRING,
    category STRING,
    region STRING COMMENT 'Customer region when the order was placed',
    orders BIGINT,
    units BIGINT,
    revenue DECIMAL(18, 2)
)
USING DELTA
CLUSTER BY (order_date)
COMMENT 'Revenue per day, product and customer region; cancelled orders excluded';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.gold_customer_lifetime_value') (
    customer_id STRING,
    name STRING,
    region STRING COMMENT 'Current region',
    first_order_date DATE,
    last_order_date DATE,
    orders BIGINT,
    lifetime_revenue DECIMAL(18, 2),
    average_order_value DECIMAL(18, 2)
)
USING DELTA
COMMENT 'Orders and revenue per customer over all time; cancelled orders excluded';

ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.gold_daily_revenue') SET TAGS ('layer' = 'gold');
ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.gold_customer_lifetime_value') SET TAGS ('layer' = 'gold');

-- COMMAND ----------

-- DBTITLE 1,Daily revenue by product and region (rebuilt)
INSERT OVERWRITE IDENTIFIER(:catalog || '.' || :schema || '.gold_daily_revenue')
SELECT
    orders.order_date,
    orders.product_id,
    coalesce(products.name, 'unknown') AS product_name,
    coalesce(products.category, 'unknown') AS category,
    coalesce(customers.region, 'unknown') AS region,
    count(DISTINCT orders.order_id) AS orders,
    cast(sum(orders.quantity) AS BIGINT) AS units,
    cast(sum(orders.amount) AS DECIMAL(18, 2)) AS revenue
FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_orders') AS orders
LEFT JOIN IDENTIFIER(:catalog || '.' || :schema || '.silver_products') AS products
    ON orders.product_id = products.product_id
LEFT JOIN IDENTIFIER(:catalog || '.' || :schema || '.silver_customers_history') AS customers
    ON
        orders.customer_id = customers.customer_id
        AND orders.order_ts >= customers.valid_from
        AND (customers.valid_to IS NULL OR orders.order_ts < customers.valid_to)
WHERE orders.status != 'cancelled'
GROUP BY ALL;

-- COMMAND ----------

-- DBTITLE 1,Customer lifetime value (merged)
MERGE INTO IDENTIFIER(:catalog || '.' || :schema || '.gold_customer_lifetime_value') AS target
USING (
    WITH totals AS (
        SELECT
            customer_id,
            min(order_date) AS first_order_date,
            max(order_date) AS last_order_date,
            count(*) AS orders,
            cast(sum(amount) AS DECIMAL(18, 2)) AS lifetime_revenue
        FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_orders')
        WHERE status != 'cancelled'
        GROUP BY customer_id
    )

    SELECT
        coalesce(customers.customer_id, totals.customer_id) AS customer_id,
        coalesce(customers.name, 'unknown') AS name,
        coalesce(customers.region, 'unknown') AS region,
        totals.first_order_date,
        totals.last_order_date,
        coalesce(totals.orders, 0) AS orders,
        coalesce(totals.lifetime_revenue, 0) AS lifetime_revenue,
        cast(coalesce(totals.lifetime_revenue / totals.orders, 0) AS DECIMAL(18, 2)) AS average_order_value
    FROM IDENTIFIER(:catalog || '.' || :schema || '.silver_customers') AS customers
    FULL OUTER JOIN totals
        ON customers.customer_id = totals.customer_id
) AS source
    ON target.customer_id = source.customer_id
WHEN MATCHED AND NOT (
    target.name <=> source.name
    AND target.region <=> source.region
    AND target.first_order_date <=> source.first_order_date
    AND target.last_order_date <=> source.last_order_date
    AND target.orders <=> source.orders
    AND target.lifetime_revenue <=> source.lifetime_revenue
    AND target.average_order_value <=> source.average_order_value
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
WHEN NOT MATCHED BY SOURCE THEN DELETE;
