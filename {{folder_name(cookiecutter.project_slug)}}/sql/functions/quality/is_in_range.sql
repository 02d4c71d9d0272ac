-- ---
-- title: Is the value within bounds
-- description: >
--   TRUE when lower_bound <= value <= upper_bound. A NULL bound leaves that side open. Data-
--   quality predicate: a NULL value is FALSE.
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_in_range(5, 0, 10)"
--     returns: true
--   - call: "is_in_range(0, 0, 10)"
--     returns: true
--   - call: "is_in_range(10.5, 0, 10)"
--     returns: false
--   - call: "is_in_range(-1, NULL, 10)"
--     returns: true
--   - call: "is_in_range(100, 0, NULL)"
--     returns: true
--   - call: "is_in_range(NULL, 0, 10)"
--     returns: false
-- ---
CREATE OR REPLACE FUNCTION is_in_range(
    value DOUBLE COMMENT 'The value to check',
    lower_bound DOUBLE COMMENT 'Smallest allowed value, or NULL',
    upper_bound DOUBLE COMMENT 'Largest allowed value, or NULL'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE when value is within [lower_bound, upper_bound] (NULL bounds are open); FALSE for NULL'
RETURN coalesce(value >= coalesce(lower_bound, value) AND value <= coalesce(upper_bound, value), FALSE);
