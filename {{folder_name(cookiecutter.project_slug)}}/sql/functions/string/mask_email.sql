-- ---
-- title: Mask an email address
-- description: >
--   Hides the local part of an email address except its first character, for reports and logs
--   that must not show personal data. Values without a local part before the @ become NULL.
-- parameters: [catalog, schema]
-- examples:
--   - call: "mask_email('ada@example.com')"
--     returns: "a***@example.com"
--   - call: "mask_email('a@b.co')"
--     returns: "a***@b.co"
--   - call: "mask_email('@example.com')"
--     returns: null
--   - call: "mask_email('no-at-sign')"
--     returns: null
--   - call: "mask_email(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION mask_email(
    email STRING COMMENT 'An email address'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'The address with its local part masked after the first character; NULL when it has none'
RETURN CASE
    WHEN instr(email, '@') < 2 THEN NULL
    ELSE concat(substr(email, 1, 1), '***', substr(email, instr(email, '@')))
END;
