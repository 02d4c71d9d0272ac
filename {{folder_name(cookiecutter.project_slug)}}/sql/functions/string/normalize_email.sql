-- ---
-- title: Normalise an email address
-- description: >
--   Trims surrounding whitespace and lower-cases an email address, so that the same address
--   always compares equal; a blank value becomes NULL. It does not validate the address: see
--   is_valid_email.
-- parameters: [catalog, schema]
-- examples:
--   - call: "normalize_email(' ADA@Example.COM ')"
--     returns: "ada@example.com"
--   - call: "normalize_email('grace@example.com')"
--     returns: "grace@example.com"
--   - call: "normalize_email('Not An Email')"
--     returns: not an email
--   - call: "normalize_email('  ')"
--     returns: null
--   - call: "normalize_email(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION normalize_email(
    email STRING COMMENT 'An email address as entered'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'The address trimmed and lower-cased; NULL when blank'
RETURN nullif(lower(regexp_replace(email, '^\\s+|\\s+$', '')), '');
