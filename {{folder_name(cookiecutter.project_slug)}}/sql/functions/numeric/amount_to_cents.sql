-- ---
-- title: Amount in cents
-- description: >
--   A money amount as a whole number of cents, for exact sums and comparisons. Amounts with
--   more than two decimals are rounded half up.
-- parameters: [catalog, schema]
-- examples:
--   - call: "amount_to_cents(19.99)"
--     returns: 1999
--   - call: "amount_to_cents(0.1)"
--     returns: 10
--   - call: "amount_to_cents(-5.25)"
--     returns: -525
--   - call: "amount_to_cents(0)"
--     returns: 0
--   - call: "amount_to_cents(19.999)"
--     returns: 2000
--   - call: "amount_to_cents(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION amount_to_cents(
    amount DECIMAL(18, 2) COMMENT 'A money amount'
)
RETURNS BIGINT
DETERMINISTIC
COMMENT 'amount * 100 as a whole number of cents'
RETURN cast(amount * 100 AS BIGINT);
