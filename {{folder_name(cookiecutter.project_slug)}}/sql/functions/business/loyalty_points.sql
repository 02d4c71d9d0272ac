-- ---
-- title: Loyalty points of an order
-- description: >
--   One point per whole currency unit of a delivered order; orders in any other status, and
--   refunds (negative amounts), earn none.
-- parameters: [catalog, schema]
-- examples:
--   - call: "loyalty_points(249.99, 'delivered')"
--     returns: 249
--   - call: "loyalty_points(249.99, 'shipped')"
--     returns: 0
--   - call: "loyalty_points(-10, 'delivered')"
--     returns: 0
--   - call: "loyalty_points(10, NULL)"
--     returns: 0
--   - call: "loyalty_points(NULL, 'delivered')"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION loyalty_points(
    amount DECIMAL(12, 2) COMMENT 'Order amount',
    status STRING COMMENT 'Order status'
)
RETURNS INT
DETERMINISTIC
COMMENT 'floor(amount) for delivered orders with a positive amount, else 0; NULL when amount is NULL'
RETURN CASE
    WHEN amount IS NULL THEN NULL
    WHEN lower(trim(status)) = 'delivered' AND amount > 0 THEN cast(floor(amount) AS INT)
    ELSE 0
END;
