-- ---
-- title: Fiscal quarter of a date
-- description: >
--   The fiscal quarter (1 to 4) a date falls in, for a fiscal year that starts on the first day
--   of `start_month`. A start_month outside 1 to 12 raises an error.
-- parameters: [catalog, schema]
-- examples:
--   - call: "fiscal_quarter(DATE '2024-07-15', 7)"
--     returns: 1
--   - call: "fiscal_quarter(DATE '2024-06-30', 7)"
--     returns: 4
--   - call: "fiscal_quarter(DATE '2024-10-01', 7)"
--     returns: 2
--   - call: "fiscal_quarter(DATE '2024-02-10', 1)"
--     returns: 1
--   - call: "fiscal_quarter(NULL, 7)"
--     returns: null
--   - call: "fiscal_quarter(DATE '2024-01-01', 0)"
--     raises: start_month must be between 1 and 12
-- ---
CREATE OR REPLACE FUNCTION fiscal_quarter(
    d DATE COMMENT 'The date',
    start_month INT COMMENT 'First month of the fiscal year, 1 to 12'
)
RETURNS INT
DETERMINISTIC
COMMENT 'Fiscal quarter (1 to 4) of d for a fiscal year starting in start_month'
RETURN CASE
    WHEN start_month IS NULL OR start_month NOT BETWEEN 1 AND 12
        THEN raise_error('fiscal_quarter: start_month must be between 1 and 12')
    ELSE cast(floor(pmod(month(d) - start_month, 12) / 3) AS INT) + 1
END;
