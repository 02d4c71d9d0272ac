-- ---
-- title: Is the text an ISO date
-- description: >
--   TRUE when the text is exactly YYYY-MM-DD and names a real calendar day (so 2023-02-29 is
--   not). Data-quality predicate: NULL is FALSE.
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_valid_iso_date('2024-02-29')"
--     returns: true
--   - call: "is_valid_iso_date('2023-02-29')"
--     returns: false
--   - call: "is_valid_iso_date('2024-13-01')"
--     returns: false
--   - call: "is_valid_iso_date('2024-1-5')"
--     returns: false
--   - call: "is_valid_iso_date('01/02/2024')"
--     returns: false
--   - call: "is_valid_iso_date(NULL)"
--     returns: false
-- ---
CREATE OR REPLACE FUNCTION is_valid_iso_date(
    value STRING COMMENT 'The value to check'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE when value is YYYY-MM-DD and a real calendar day; FALSE otherwise, including NULL'
RETURN coalesce(value RLIKE '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND try_cast(value AS DATE) IS NOT NULL, FALSE);
