-- ---
-- title: Is the value missing or blank
-- description: >
--   TRUE when the value is NULL, empty or only whitespace.
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_blank(NULL)"
--     returns: true
--   - call: "is_blank('')"
--     returns: true
--   - call: "is_blank(' \\t ')"
--     returns: true
--   - call: "is_blank(' x ')"
--     returns: false
-- ---
CREATE OR REPLACE FUNCTION is_blank(
    value STRING COMMENT 'The value to check'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE when value is NULL, empty or whitespace only'
RETURN value IS NULL OR value RLIKE '^\\s*$';
