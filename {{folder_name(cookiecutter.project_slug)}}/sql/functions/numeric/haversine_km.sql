-- ---
-- title: Great-circle distance in km
-- description: >
--   Distance between two points on Earth (latitude and longitude in degrees) along the surface,
--   with the haversine formula and the mean Earth radius (6371.0088 km), rounded to metres.
--   Latitudes outside -90 to 90 raise an error.
-- parameters: [catalog, schema]
-- examples:
--   - call: "haversine_km(51.5074, -0.1278, 48.8566, 2.3522)"
--     returns: 343.557
--   - call: "haversine_km(0, 0, 0, 180)"
--     returns: 20015.114
--   - call: "haversine_km(45, 7, 45, 7)"
--     returns: 0.0
--   - call: "haversine_km(NULL, 0, 0, 0)"
--     returns: null
--   - call: "haversine_km(91, 0, 0, 0)"
--     raises: latitudes must be between -90 and 90
-- ---
CREATE OR REPLACE FUNCTION haversine_km(
    lat1 DOUBLE COMMENT 'Latitude of the first point',
    lon1 DOUBLE COMMENT 'Longitude of the first point',
    lat2 DOUBLE COMMENT 'Latitude of the second point',
    lon2 DOUBLE COMMENT 'Longitude of the second point'
)
RETURNS DOUBLE
DETERMINISTIC
COMMENT 'Great-circle distance in kilometres between (lat1, lon1) and (lat2, lon2), to 3 decimals'
RETURN CASE
    WHEN abs(lat1) > 90 OR abs(lat2) > 90 THEN raise_error('haversine_km: latitudes must be between -90 and 90')
    ELSE round(
        2 * 6371.0088 * asin(sqrt(
            pow(sin(radians(lat2 - lat1) / 2), 2)
            + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2)
        )),
        3
    )
END;
