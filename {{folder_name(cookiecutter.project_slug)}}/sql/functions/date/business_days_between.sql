-- ---
-- title: Business days between two dates
-- description: >
--   The number of Mondays to Fridays from start_date (included) to end_date (excluded). Public
--   holidays are not known here: subtract them with a calendar table. 0 when end_date is not
--   after start_date.
-- parameters: [catalog, schema]
-- examples:
--   - call: "business_days_between(DATE '2024-03-04', DATE '2024-03-11')"
--     returns: 5
--   - call: "business_days_between(DATE '2024-03-08', DATE '2024-03-11')"
--     returns: 1
--   - call: "business_days_between(DATE '2024-03-09', DATE '2024-03-11')"
--     returns: 0
--   - call: "business_days_between(DATE '2024-03-11', DATE '2024-03-11')"
--     returns: 0
--   - call: "business_days_between(DATE '2024-03-11', DATE '2024-03-04')"
--     returns: 0
--   - call: "business_days_between(DATE '2024-01-01', DATE '2024-12-31')"
--     returns: 261
--   - call: "business_days_between(NULL, DATE '2024-03-11')"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION business_days_between(
    start_date DATE COMMENT 'First day counted',
    end_date DATE COMMENT 'First day not counted'
)
RETURNS INT
DETERMINISTIC
COMMENT 'Weekdays (Monday to Friday) in [start_date, end_date); 0 when end_date <= start_date'
RETURN CASE
    WHEN end_date <= start_date THEN 0
    ELSE size(filter(sequence(start_date, date_sub(end_date, 1)), day -> dayofweek(day) NOT IN (1, 7)))
END;
