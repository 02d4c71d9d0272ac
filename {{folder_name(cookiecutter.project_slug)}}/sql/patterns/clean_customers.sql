-- ---
-- title: Data cleaning of customer records
-- description: >
--   Cleans every bronze customer record into a staging table: identifiers trimmed and
--   upper-cased, names (customer_name) with whitespace collapsed and capitalised, emails trimmed and
--   lower-cased, regions upper-cased, timestamps typed with try_cast. Each row carries
--   _rejection_reason, every reason it cannot be used (missing or malformed values, an unknown
--   region, a line that could not be parsed), or NULL when it is valid; quarantine_rejected
--   routes the rows on that column. _record (the raw record as JSON) and _record_hash (one per
--   landed record) keep what arrived. The staging table is rebuilt from all of bronze on every
--   run, so a re-run gives the same result.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Bronze customer records (customer_id, name, email, region, updated_at).
--     default: bronze_customers
--   - name: target_table
--     type: identifier
--     description: Staging table written with the cleaned records and their rejection reasons.
--     default: customers_staged
--   - name: allowed_regions
--     type: string
--     description: Comma-separated regions a customer may belong to.
--     default: AMER,APAC,EMEA
-- ---

CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table)
USING DELTA
COMMENT 'Customers cleaned from bronze, with every reason a row cannot be used (NULL when valid)'
AS
WITH cleaned AS (
    SELECT
        nullif(upper(trim(landed.customer_id)), '') AS customer_id,
        initcap(nullif(trim(regexp_replace(landed.name, '\\s+', ' ')), '')) AS customer_name,
        nullif(lower(trim(landed.email)), '') AS email,
        nullif(upper(trim(landed.region)), '') AS region,
        try_cast(trim(landed.updated_at) AS TIMESTAMP) AS updated_at,
        nullif(trim(landed.updated_at), '') AS raw_updated_at,
        get_json_object(landed._rescued_data, '$._corrupt_record') AS malformed_line,
        to_json(struct(
            landed.customer_id, landed.name, landed.email, landed.region, landed.updated_at, landed._rescued_data
        )) AS _record,
        landed._source_file,
        landed._ingested_at,
        landed._run_id
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table) AS landed
)

SELECT
    cleaned.customer_id,
    cleaned.customer_name,
    cleaned.email,
    cleaned.region,
    cleaned.updated_at,
    cleaned._record,
    sha2(concat_ws('|', cleaned._source_file, cleaned._record), 256) AS _record_hash,
    cleaned._source_file,
    cleaned._ingested_at,
    cleaned._run_id,
    nullif(concat_ws('; ', filter(array(
        CASE WHEN cleaned.malformed_line IS NOT NULL THEN 'malformed line' END,
        CASE WHEN cleaned.customer_id IS NULL THEN 'missing customer_id' END,
        CASE WHEN cleaned.customer_name IS NULL THEN 'missing name' END,
        CASE
            WHEN cleaned.email IS NULL THEN 'missing email'
            WHEN NOT cleaned.email RLIKE '^[^@ ]+@[^@ ]+[.][^@ ]+$' THEN 'invalid email'
        END,
        CASE
            WHEN cleaned.region IS NULL THEN 'missing region'
            WHEN NOT array_contains(
                transform(split(:allowed_regions, ','), allowed -> upper(trim(allowed))),
                cleaned.region
            ) THEN 'unknown region ' || cleaned.region
        END,
        CASE
            WHEN cleaned.raw_updated_at IS NULL THEN 'missing updated_at'
            WHEN cleaned.updated_at IS NULL THEN 'updated_at is not a timestamp'
        END
    ), reason -> reason IS NOT NULL)), '') AS _rejection_reason
FROM cleaned;

SELECT
    count(*) AS records,
    count_if(staged._rejection_reason IS NULL) AS valid_records,
    count_if(staged._rejection_reason IS NOT NULL) AS rejected_records
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :target_table) AS staged;
