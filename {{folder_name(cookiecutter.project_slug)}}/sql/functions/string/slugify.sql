-- ---
-- title: Make a URL slug
-- description: >
--   Lower-cases a text and replaces every run of characters other than a-z and 0-9 with one
--   hyphen, without leading or trailing hyphens. Non-ASCII letters are dropped. NULL when
--   nothing is left.
-- parameters: [catalog, schema]
-- examples:
--   - call: "slugify('Espresso Machine (Deluxe)')"
--     returns: espresso-machine-deluxe
--   - call: "slugify('  Hello, World!  ')"
--     returns: hello-world
--   - call: "slugify('Café 2')"
--     returns: caf-2
--   - call: "slugify('---')"
--     returns: null
--   - call: "slugify(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION slugify(
    value STRING COMMENT 'Any text'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'Lower-case a-z, 0-9 and single hyphens; NULL when nothing is left'
RETURN nullif(regexp_replace(regexp_replace(lower(value), '[^a-z0-9]+', '-'), '^-+|-+$', ''), '');
