-- ---
-- title: Format a person's name
-- description: >
--   Cleans whitespace like clean_text and capitalises the first letter of each word, lower-
--   casing the rest.
-- parameters: [catalog, schema]
-- examples:
--   - call: "proper_name('  ada   LOVELACE ')"
--     returns: Ada Lovelace
--   - call: "proper_name('GRACE hopper')"
--     returns: Grace Hopper
--   - call: "proper_name('')"
--     returns: null
--   - call: "proper_name(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION proper_name(
    value STRING COMMENT 'A name as entered'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'The name with whitespace cleaned and each word capitalised; NULL when blank'
RETURN initcap(nullif(trim(regexp_replace(value, '\\s+', ' ')), ''));
