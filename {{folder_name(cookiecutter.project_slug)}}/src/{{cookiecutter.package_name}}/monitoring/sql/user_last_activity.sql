-- Latest successful audited action per user in [:start_time, :end_time).
SELECT
    LOWER(user_identity.email) AS user_name,
    MAX(event_time) AS last_event_time
FROM IDENTIFIER(:access_schema || '.audit')
WHERE
    event_date >= CAST(:start_time AS DATE)
    AND event_time >= :start_time
    AND event_time < :end_time
    AND user_identity.email IS NOT NULL
    AND COALESCE(response.status_code, 200) < 400
GROUP BY LOWER(user_identity.email)
ORDER BY user_name ASC
