-- ---
-- title: Days since a date
-- description: >
--   Days from a date to today (negative for a future date). Not deterministic: the answer
--   changes every day, so Spark re-evaluates it on every call.
-- parameters: [catalog, schema]
-- examples:
--   - call: "days_since(current_date())"
--     returns: 0
--   - call: "days_since(date_sub(current_date(), 30))"
--     returns: 30
--   - call: "days_since(date_add(current_date(), 2))"
--     returns: -2
--   - call: "days_since(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION days_since(
    d DATE COMMENT 'The date'
)
RETURNS INT
NOT DETERMINISTIC
COMMENT 'Days from d to the current date; negative when d is in the future'
RETURN datediff(current_date(), d);
