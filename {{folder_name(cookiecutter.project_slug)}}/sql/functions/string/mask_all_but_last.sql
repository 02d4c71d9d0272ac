-- ---
-- title: Mask all but the last characters
-- description: >
--   Replaces every character but the last `visible` ones with an asterisk, e.g. to show card or
--   account numbers. A value no longer than `visible` is returned as it is; `visible` <= 0
--   masks everything.
-- parameters: [catalog, schema]
-- examples:
--   - call: "mask_all_but_last('4111111111111111', 4)"
--     returns: "************1111"
--   - call: "mask_all_but_last('1234', 4)"
--     returns: "1234"
--   - call: "mask_all_but_last('12', 4)"
--     returns: "12"
--   - call: "mask_all_but_last('secret', 0)"
--     returns: "******"
--   - call: "mask_all_but_last('', 2)"
--     returns: ""
--   - call: "mask_all_but_last(NULL, 4)"
--     returns: null
--   - call: "mask_all_but_last('abc', NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION mask_all_but_last(
    value STRING COMMENT 'The value to mask',
    visible INT COMMENT 'How many trailing characters stay visible'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'The value with all but its last `visible` characters replaced by *'
RETURN CASE
    WHEN visible <= 0 THEN repeat('*', length(value))
    WHEN length(value) <= visible THEN value
    ELSE concat(repeat('*', length(value) - visible), substr(value, -visible))
END;
