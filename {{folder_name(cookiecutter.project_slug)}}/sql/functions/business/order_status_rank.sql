-- ---
-- title: Order status position
-- description: >
--   The position of an order status in its lifecycle: placed 1, shipped 2, delivered 3,
--   cancelled 4 (final). Case and surrounding spaces are ignored; unknown statuses are NULL.
-- parameters: [catalog, schema]
-- examples:
--   - call: "order_status_rank('placed')"
--     returns: 1
--   - call: "order_status_rank(' SHIPPED ')"
--     returns: 2
--   - call: "order_status_rank('delivered')"
--     returns: 3
--   - call: "order_status_rank('cancelled')"
--     returns: 4
--   - call: "order_status_rank('lost')"
--     returns: null
--   - call: "order_status_rank(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION order_status_rank(
    status STRING COMMENT 'An order status'
)
RETURNS INT
DETERMINISTIC
COMMENT '1 placed, 2 shipped, 3 delivered, 4 cancelled; NULL for unknown statuses'
RETURN CASE lower(trim(status))
    WHEN 'placed' THEN 1
    WHEN 'shipped' THEN 2
    WHEN 'delivered' THEN 3
    WHEN 'cancelled' THEN 4
END;
