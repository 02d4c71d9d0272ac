-- ---
-- title: Amount of an order line
-- description: >
--   quantity * unit_price less a percentage discount, rounded to cents. A NULL discount means
--   none; a discount outside 0 to 100 raises an error.
-- parameters: [catalog, schema]
-- examples:
--   - call: "order_line_amount(2, 19.99, 0)"
--     returns: 39.98
--   - call: "order_line_amount(3, 10.00, 15)"
--     returns: 25.5
--   - call: "order_line_amount(1, 249.00, NULL)"
--     returns: 249.0
--   - call: "order_line_amount(0, 10, 0)"
--     returns: 0.0
--   - call: "order_line_amount(NULL, 10, 0)"
--     returns: null
--   - call: "order_line_amount(2, NULL, 0)"
--     returns: null
--   - call: "order_line_amount(1, 10, 120)"
--     raises: discount_pct must be between 0 and 100
-- ---
CREATE OR REPLACE FUNCTION order_line_amount(
    quantity INT COMMENT 'Units ordered',
    unit_price DECIMAL(10, 2) COMMENT 'Price of one unit',
    discount_pct DECIMAL(5, 2) COMMENT 'Discount in percent, 0 to 100, or NULL for none'
)
RETURNS DECIMAL(12, 2)
DETERMINISTIC
COMMENT 'quantity * unit_price * (1 - discount_pct / 100), rounded to cents'
RETURN CASE
    WHEN discount_pct < 0 OR discount_pct > 100
        THEN raise_error('order_line_amount: discount_pct must be between 0 and 100')
    ELSE cast(round(quantity * unit_price * (100 - coalesce(discount_pct, 0)) / 100, 2) AS DECIMAL(12, 2))
END;
