-- ---
-- title: Percentage change
-- description: >
--   The change from old_value to new_value as a percentage of the size of old_value, rounded to
--   two decimals. NULL when old_value is 0 or NULL.
-- parameters: [catalog, schema]
-- examples:
--   - call: "percent_change(100, 125)"
--     returns: 25.0
--   - call: "percent_change(200, 150)"
--     returns: -25.0
--   - call: "percent_change(-50, -25)"
--     returns: 50.0
--   - call: "percent_change(3, 4)"
--     returns: 33.33
--   - call: "percent_change(0, 10)"
--     returns: null
--   - call: "percent_change(NULL, 10)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION percent_change(
    old_value DOUBLE COMMENT 'The earlier value',
    new_value DOUBLE COMMENT 'The later value'
)
RETURNS DOUBLE
DETERMINISTIC
COMMENT '100 * (new_value - old_value) / abs(old_value), rounded to 2 decimals; NULL when old_value is 0'
RETURN CASE WHEN old_value != 0 THEN round((new_value - old_value) / abs(old_value) * 100, 2) END;
