-- ---
-- title: Monday of the week
-- description: >
--   The Monday of the ISO week a date falls in (weeks start on Monday).
-- parameters: [catalog, schema]
-- examples:
--   - call: "start_of_week(DATE '2024-03-06')"
--     returns: 2024-03-04
--   - call: "start_of_week(DATE '2024-03-04')"
--     returns: 2024-03-04
--   - call: "start_of_week(DATE '2024-03-10')"
--     returns: 2024-03-04
--   - call: "start_of_week(DATE '2023-12-31')"
--     returns: 2023-12-25
--   - call: "start_of_week(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION start_of_week(
    d DATE COMMENT 'The date'
)
RETURNS DATE
DETERMINISTIC
COMMENT 'The Monday on or before d'
RETURN date_sub(d, pmod(dayofweek(d) + 5, 7));
