-- ---
-- title: Customer value tier
-- description: >
--   The tier of a customer's lifetime value: none (no value), bronze (under 100), silver (under
--   500), gold (under 2000) or platinum.
-- parameters: [catalog, schema]
-- examples:
--   - call: "value_tier(NULL)"
--     returns: none
--   - call: "value_tier(0)"
--     returns: none
--   - call: "value_tier(99.99)"
--     returns: bronze
--   - call: "value_tier(100)"
--     returns: silver
--   - call: "value_tier(1999.99)"
--     returns: gold
--   - call: "value_tier(2000)"
--     returns: platinum
-- ---
CREATE OR REPLACE FUNCTION value_tier(
    lifetime_value DECIMAL(12, 2) COMMENT 'Total the customer has spent'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'none, bronze (< 100), silver (< 500), gold (< 2000) or platinum'
RETURN CASE
    WHEN lifetime_value IS NULL OR lifetime_value <= 0 THEN 'none'
    WHEN lifetime_value < 100 THEN 'bronze'
    WHEN lifetime_value < 500 THEN 'silver'
    WHEN lifetime_value < 2000 THEN 'gold'
    ELSE 'platinum'
END;
