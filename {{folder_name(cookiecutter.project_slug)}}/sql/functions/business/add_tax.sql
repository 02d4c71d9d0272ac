-- ---
-- title: Amount with tax
-- description: >
--   An amount with tax added at tax_rate (a fraction: 0.2 for twenty percent), rounded to
--   cents. A rate outside 0 to 1 raises an error, which catches rates given in percent.
-- parameters: [catalog, schema]
-- examples:
--   - call: "add_tax(100.00, 0.2)"
--     returns: 120.0
--   - call: "add_tax(19.99, 0.0825)"
--     returns: 21.64
--   - call: "add_tax(10, 0)"
--     returns: 10.0
--   - call: "add_tax(NULL, 0.2)"
--     returns: null
--   - call: "add_tax(10, NULL)"
--     returns: null
--   - call: "add_tax(10, 20)"
--     raises: tax_rate is a fraction between 0 and 1
-- ---
CREATE OR REPLACE FUNCTION add_tax(
    amount DECIMAL(12, 2) COMMENT 'Amount before tax',
    tax_rate DECIMAL(6, 4) COMMENT 'Tax rate as a fraction, 0 to 1'
)
RETURNS DECIMAL(12, 2)
DETERMINISTIC
COMMENT 'amount * (1 + tax_rate), rounded to cents'
RETURN CASE
    WHEN tax_rate < 0 OR tax_rate > 1
        THEN raise_error('add_tax: tax_rate is a fraction between 0 and 1, such as 0.2')
    ELSE cast(round(amount * (1 + tax_rate), 2) AS DECIMAL(12, 2))
END;
