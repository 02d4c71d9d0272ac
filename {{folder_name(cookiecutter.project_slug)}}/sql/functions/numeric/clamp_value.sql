-- ---
-- title: Clamp a value into a range
-- description: >
--   The value limited to [lower_bound, upper_bound]. A NULL bound leaves that side open; a NULL
--   value stays NULL. A lower bound above the upper bound raises an error.
-- parameters: [catalog, schema]
-- examples:
--   - call: "clamp_value(5, 0, 10)"
--     returns: 5.0
--   - call: "clamp_value(-3, 0, 10)"
--     returns: 0.0
--   - call: "clamp_value(42, 0, 10)"
--     returns: 10.0
--   - call: "clamp_value(42, 0, NULL)"
--     returns: 42.0
--   - call: "clamp_value(NULL, 0, 10)"
--     returns: null
--   - call: "clamp_value(1, 10, 0)"
--     raises: lower_bound must not exceed upper_bound
-- ---
CREATE OR REPLACE FUNCTION clamp_value(
    value DOUBLE COMMENT 'The value',
    lower_bound DOUBLE COMMENT 'Smallest allowed value, or NULL',
    upper_bound DOUBLE COMMENT 'Largest allowed value, or NULL'
)
RETURNS DOUBLE
DETERMINISTIC
COMMENT 'value limited to [lower_bound, upper_bound]; a NULL bound leaves that side open'
RETURN CASE
    WHEN lower_bound > upper_bound THEN raise_error('clamp_value: lower_bound must not exceed upper_bound')
    WHEN value IS NOT NULL THEN least(greatest(value, lower_bound), upper_bound)
END;
