-- ---
-- title: Keep only the digits
-- description: >
--   Removes every character that is not 0-9, e.g. to compare phone numbers or identifiers typed
--   with spaces and punctuation. Leading zeros are kept; NULL when no digit is left.
-- parameters: [catalog, schema]
-- examples:
--   - call: "digits_only('+44 (0)20 7946-0958')"
--     returns: "4402079460958"
--   - call: "digits_only('007')"
--     returns: "007"
--   - call: "digits_only('abc')"
--     returns: null
--   - call: "digits_only(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION digits_only(
    value STRING COMMENT 'Any text'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'The digits of the value, in order; NULL when it has none'
RETURN nullif(regexp_replace(value, '[^0-9]', ''), '');
