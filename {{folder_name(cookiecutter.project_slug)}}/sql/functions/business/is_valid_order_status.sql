-- ---
-- title: Is it a known order status
-- description: >
--   TRUE for the statuses the pipeline knows (placed, shipped, delivered, cancelled), ignoring
--   case and surrounding spaces. Data-quality predicate: NULL is FALSE.
-- parameters: [catalog, schema]
-- examples:
--   - call: "is_valid_order_status('placed')"
--     returns: true
--   - call: "is_valid_order_status('PLACED')"
--     returns: true
--   - call: "is_valid_order_status('refunded')"
--     returns: false
--   - call: "is_valid_order_status('')"
--     returns: false
--   - call: "is_valid_order_status(NULL)"
--     returns: false
-- ---
CREATE OR REPLACE FUNCTION is_valid_order_status(
    status STRING COMMENT 'The value to check'
)
RETURNS BOOLEAN
DETERMINISTIC
COMMENT 'TRUE for placed, shipped, delivered and cancelled (any case); FALSE otherwise, including NULL'
RETURN coalesce(lower(trim(status)) IN ('placed', 'shipped', 'delivered', 'cancelled'), FALSE);
