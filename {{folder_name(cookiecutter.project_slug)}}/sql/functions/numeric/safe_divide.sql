-- ---
-- title: Divide without failing on zero
-- description: >
--   numerator / denominator, or NULL when the denominator is 0 (where ANSI SQL would raise a
--   division-by-zero error) or NULL.
-- parameters: [catalog, schema]
-- examples:
--   - call: "safe_divide(10, 4)"
--     returns: 2.5
--   - call: "safe_divide(-9, 3)"
--     returns: -3.0
--   - call: "safe_divide(0, 5)"
--     returns: 0.0
--   - call: "safe_divide(1, 0)"
--     returns: null
--   - call: "safe_divide(NULL, 2)"
--     returns: null
--   - call: "safe_divide(3, NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION safe_divide(
    numerator DOUBLE COMMENT 'The dividend',
    denominator DOUBLE COMMENT 'The divisor'
)
RETURNS DOUBLE
DETERMINISTIC
COMMENT 'numerator / denominator; NULL when denominator is 0 or NULL'
RETURN CASE WHEN denominator != 0 THEN numerator / denominator END;
