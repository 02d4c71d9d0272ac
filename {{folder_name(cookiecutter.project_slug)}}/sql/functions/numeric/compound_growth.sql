-- ---
-- title: Compound growth
-- description: >
--   principal grown by rate per period over a number of periods (principal * (1 + rate) ^
--   periods), rounded to two decimals. A negative number of periods raises an error.
-- parameters: [catalog, schema]
-- examples:
--   - call: "compound_growth(1000, 0.05, 10)"
--     returns: 1628.89
--   - call: "compound_growth(1000, 0.05, 0)"
--     returns: 1000.0
--   - call: "compound_growth(100, -0.1, 2)"
--     returns: 81.0
--   - call: "compound_growth(NULL, 0.05, 1)"
--     returns: null
--   - call: "compound_growth(100, 0.05, -1)"
--     raises: periods must not be negative
-- ---
CREATE OR REPLACE FUNCTION compound_growth(
    principal DOUBLE COMMENT 'Starting amount',
    rate DOUBLE COMMENT 'Growth per period, e.g. 0.05 for 5 percent',
    periods INT COMMENT 'Number of periods, 0 or more'
)
RETURNS DOUBLE
DETERMINISTIC
COMMENT 'principal * (1 + rate) ^ periods, rounded to 2 decimals'
RETURN CASE
    WHEN periods < 0 THEN raise_error('compound_growth: periods must not be negative')
    ELSE round(principal * pow(1 + rate, periods), 2)
END;
