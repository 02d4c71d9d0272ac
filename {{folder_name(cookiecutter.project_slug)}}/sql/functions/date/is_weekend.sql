-- ---
-- title: Is the date a weekend day
-- description: >
--   TRUE on Saturdays and Sundays, FALSE on other days, NULL for NULL.
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_weekend(DATE '2024-03-09')"
--     returns: true
--   - call: "is_weekend(DATE '2024-03-10')"
--     returns: true
--   - call: "is_weekend(DATE '2024-03-11')"
--     returns: false
--   - call: "is_weekend(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION is_weekend(
    d DATE COMMENT 'The date'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE when d is a Saturday or a Sunday'
RETURN dayofweek(d) IN (1, 7);
