-- ---
-- title: Is the text an E.164 phone number
-- description: >
--   TRUE for an international phone number in E.164 form: a plus sign and 8 to 15 digits, the
--   first not 0. Strip spaces and punctuation first (digits_only). Data-quality predicate: NULL
--   is FALSE.
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_valid_phone('+442079460958')"
--     returns: true
--   - call: "is_valid_phone('+14155550123')"
--     returns: true
--   - call: "is_valid_phone('442079460958')"
--     returns: false
--   - call: "is_valid_phone('+44 20 7946 0958')"
--     returns: false
--   - call: "is_valid_phone('+0123456789')"
--     returns: false
--   - call: "is_valid_phone(NULL)"
--     returns: false
-- ---
CREATE OR REPLACE FUNCTION is_valid_phone(
    value STRING COMMENT 'The value to check'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE when value is +, then 8 to 15 digits not starting with 0; FALSE otherwise, including NULL'
RETURN coalesce(value RLIKE '^[+][1-9][0-9]{7,14}$', FALSE);
