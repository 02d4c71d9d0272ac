-- ---
-- title: Fiscal year of a date
-- description: >
--   The fiscal year a date falls in, for a fiscal year that starts on the first day of
--   `start_month`. Fiscal years are named by the calendar year they end in, so with start_month
--   7 the year from July 2024 to June 2025 is 2025. A start_month outside 1 to 12 raises an
--   error.
-- parameters: [catalog, schema]
-- examples:
--   - call: "fiscal_year(DATE '2024-07-01', 7)"
--     returns: 2025
--   - call: "fiscal_year(DATE '2024-06-30', 7)"
--     returns: 2024
--   - call: "fiscal_year(DATE '2024-12-31', 1)"
--     returns: 2024
--   - call: "fiscal_year(DATE '2024-04-01', 4)"
--     returns: 2025
--   - call: "fiscal_year(NULL, 7)"
--     returns: null
--   - call: "fiscal_year(DATE '2024-01-01', 13)"
--     raises: start_month must be between 1 and 12
-- ---
CREATE OR REPLACE FUNCTION fiscal_year(
    d DATE COMMENT 'The date',
    start_month INT COMMENT 'First month of the fiscal year, 1 to 12'
)
RETURNS INT
DETERMINISTIC
COMMENT 'Fiscal year of d (named by the calendar year it ends in) for a year starting in start_month'
RETURN CASE
    WHEN start_month IS NULL OR start_month NOT BETWEEN 1 AND 12
        THEN raise_error('fiscal_year: start_month must be between 1 and 12')
    WHEN start_month = 1 OR month(d) < start_month THEN year(d)
    ELSE year(d) + 1
END;
