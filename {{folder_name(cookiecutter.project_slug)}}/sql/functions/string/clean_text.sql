-- ---
-- title: Clean free text
-- description: >
--   Collapses every run of whitespace (spaces, tabs, line breaks) into one space, trims the
--   ends and turns a blank value into NULL.
-- parameters: [catalog, schema]
-- examples:
--   - call: "clean_text('  Espresso   Machine ')"
--     returns: Espresso Machine
--   - call: "clean_text('a\\tb\\nc')"
--     returns: a b c
--   - call: "clean_text('Café  Crème')"
--     returns: Café Crème
--   - call: "clean_text('   ')"
--     returns: null
--   - call: "clean_text('')"
--     returns: null
--   - call: "clean_text(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION clean_text(
    value STRING COMMENT 'Any text'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'The text with whitespace runs collapsed to one space and trimmed; NULL when blank'
RETURN nullif(trim(regexp_replace(value, '\\s+', ' ')), '');
