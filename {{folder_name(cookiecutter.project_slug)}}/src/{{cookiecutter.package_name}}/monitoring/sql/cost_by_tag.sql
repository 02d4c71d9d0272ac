-- Cost at list price per value of one custom tag (:tag_key), over [:start_time, :end_time).
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

tagged_usage AS (
    SELECT
        u.usage_quantity,
        COALESCE(u.custom_tags[:tag_key], '(untagged)') AS tag_value,
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
    WHERE u.usage_start_time >= :start_time AND u.usage_start_time < :end_time
)

SELECT
    tag_value,
    SUM(usage_quantity) AS usage_quantity,
    SUM(list_cost) AS list_cost
FROM tagged_usage
GROUP BY tag_value
ORDER BY list_cost DESC, tag_value ASC
