-- ---
-- title: Hours between two timestamps
-- description: >
--   Elapsed hours from start_ts to end_ts, rounded to two decimals; negative when end_ts is
--   earlier.
-- parameters: [catalog, schema]
-- examples:
--   - call: "hours_between(TIMESTAMP '2024-03-01 08:00:00', TIMESTAMP '2024-03-01 09:30:00')"
--     returns: 1.5
--   - call: "hours_between(TIMESTAMP '2024-03-01 09:30:00', TIMESTAMP '2024-03-01 08:00:00')"
--     returns: -1.5
--   - call: "hours_between(TIMESTAMP '2024-03-01 00:00:00', TIMESTAMP '2024-03-02 00:00:20')"
--     returns: 24.01
--   - call: "hours_between(NULL, TIMESTAMP '2024-03-01 08:00:00')"
--     returns: null
-- ---
CREATE OR REPLACE FUNCTION hours_between(
    start_ts TIMESTAMP COMMENT 'Start',
    end_ts TIMESTAMP COMMENT 'End'
)
RETURNS DOUBLE
DETERMINISTIC
COMMENT 'Hours from start_ts to end_ts, rounded to 2 decimals'
RETURN round((unix_micros(end_ts) - unix_micros(start_ts)) / 3.6e9, 2);
