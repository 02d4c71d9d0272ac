-- ---
-- title: Calendar quarter label
-- description: >
--   A label such as 2024-Q1 for the calendar quarter of a date, which sorts in time order.
-- parameters: [catalog, schema]
-- examples:
--   - call: "quarter_label(DATE '2024-01-01')"
--     returns: "2024-Q1"
--   - call: "quarter_label(DATE '2024-04-01')"
--     returns: "2024-Q2"
--   - call: "quarter_label(DATE '2024-12-31')"
--     returns: "2024-Q4"
--   - call: "quarter_label(NULL)"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION quarter_label(
    d DATE COMMENT 'The date'
)
RETURNS STRING
DETERMINISTIC
COMMENT 'The calendar quarter of d as YYYY-Qn'
RETURN concat(cast(year(d) AS STRING), '-Q', cast(quarter(d) AS STRING));
