-- ---
-- title: Age in whole years
-- description: >
--   Completed years between birth_date and as_of. Someone born on 29 February has a birthday on
--   28 February in other years. NULL when as_of is before birth_date.
-- parameters: [catalog, schema]
-- examples:
--   - call: "age_in_years(DATE '1990-03-01', DATE '2024-03-01')"
--     returns: 34
--   - call: "age_in_years(DATE '1990-03-01', DATE '2024-02-29')"
--     returns: 33
--   - call: "age_in_years(DATE '2000-02-29', DATE '2024-02-28')"
--     returns: 23
--   - call: "age_in_years(DATE '2000-02-29', DATE '2025-02-28')"
--     returns: 25
--   - call: "age_in_years(DATE '2024-03-01', DATE '2024-01-01')"
--     returns: null
--   - call: "age_in_years(NULL, DATE '2024-01-01')"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION age_in_years(
    birth_date DATE COMMENT 'Date of birth',
    as_of DATE COMMENT 'Date the age is computed for'
)
RETURNS INT
DETERMINISTIC
COMMENT 'Whole years from birth_date to as_of; NULL when as_of is before birth_date'
RETURN CASE
    WHEN as_of < birth_date THEN NULL
    ELSE cast(floor(months_between(as_of, birth_date) / 12) AS INT)
END;
