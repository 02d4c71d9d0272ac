-- ---
-- title: Is the text a UUID
-- description: >
--   TRUE for a UUID in its canonical 8-4-4-4-12 hexadecimal form, in either case. Data-quality
--   predicate: NULL is FALSE.
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_valid_uuid('123e4567-e89b-12d3-a456-426614174000')"
--     returns: true
--   - call: "is_valid_uuid('123E4567-E89B-12D3-A456-426614174000')"
--     returns: true
--   - call: "is_valid_uuid('123e4567e89b12d3a456426614174000')"  # pragma: allowlist secret
--     returns: false
--   - call: "is_valid_uuid('not-a-uuid')"
--     returns: false
--   - call: "is_valid_uuid(NULL)"
--     returns: false
-- ---
CREATE OR REPLACE FUNCTION is_valid_uuid(
    value STRING COMMENT 'The value to check'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE when value is a UUID in 8-4-4-4-12 hexadecimal form; FALSE otherwise, including NULL'
RETURN coalesce(value RLIKE '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', FALSE);
