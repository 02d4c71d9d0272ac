-- ---
-- title: Is it a plausible email address
-- description: >
--   TRUE for text shaped like an email address: a local part, one @, and a domain with a dot
--   and a top-level domain of two letters or more. Data-quality predicate: NULL is FALSE
--   (missing is not valid).
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_valid_email('ada@example.com')"
--     returns: true
--   - call: "is_valid_email('first.last+tag@mail.example.co.uk')"
--     returns: true
--   - call: "is_valid_email('ada@example')"
--     returns: false
--   - call: "is_valid_email('ada@@example.com')"
--     returns: false
--   - call: "is_valid_email('ada @example.com')"
--     returns: false
--   - call: "is_valid_email('')"
--     returns: false
--   - call: "is_valid_email(NULL)"
--     returns: false
-- ---
CREATE OR REPLACE FUNCTION is_valid_email(
    email STRING COMMENT 'The value to check'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE when email looks like local@domain.tld; FALSE otherwise, including NULL'
RETURN coalesce(email RLIKE '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+([.][A-Za-z0-9-]+)*[.][A-Za-z]{2,}$', FALSE);
