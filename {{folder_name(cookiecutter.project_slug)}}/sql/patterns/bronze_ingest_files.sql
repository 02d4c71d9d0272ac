-- ---
-- title: Bronze ingestion of landing files
-- description: >
--   Appends the records of every file under landing_path that is not in the bronze table yet.
--   Each declared column is kept exactly as it arrived (declare them as STRING, so nothing is
--   lost before silver types them), next to lineage columns: _rescued_data (what did not fit
--   the declared columns, such as an unknown field or a malformed line, as JSON), _source_file,
--   _ingested_at and _run_id. A file whose path is already in the table is skipped, so a re-run,
--   or the same file landing twice, adds nothing. The first run creates the table.
-- parameters:
--   - catalog
--   - schema
--   - run_id
--   - name: table_name
--     type: identifier
--     description: Bronze table the records are appended to.
--     default: bronze_orders
--   - name: landing_path
--     type: string
--     description: Folder whose files are ingested, usually in the landing volume.
--     default: /Volumes/{{ cookiecutter.dev_catalog }}/{{ cookiecutter.schema }}/landing/orders
--   - name: file_format
--     type: string
--     description: Format of the landing files.
--     default: csv
--     choices: [csv, json, parquet]
--   - name: columns
--     type: string
--     description: The columns of a record, as a DDL list (the read_files schema).
--     default: >-
--       order_id STRING, customer_id STRING, product_id STRING, quantity STRING,
--       unit_price STRING, status STRING, order_ts STRING, updated_at STRING
-- ---

-- The table has the declared columns, then the lineage columns. It is created from the
-- declaration, not from the files, so an empty landing folder still gets its table.
CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :schema || '.' || :table_name)
USING DELTA
COMMENT 'Landing records as they arrived, one row per record; append-only'
AS
SELECT
    declared.record.*,
    cast(NULL AS STRING) AS _rescued_data,
    cast(NULL AS STRING) AS _source_file,
    cast(NULL AS TIMESTAMP) AS _ingested_at,
    cast(NULL AS STRING) AS _run_id
FROM (SELECT from_json(cast(NULL AS STRING), :columns) AS record) AS declared
WHERE FALSE;

INSERT INTO IDENTIFIER(:catalog || '.' || :schema || '.' || :table_name)
WITH landed AS (
    SELECT
        -- A round trip through JSON keeps exactly the declared columns, whatever else the
        -- reader adds to a row.
        from_json(to_json(struct(landed_file.*)), :columns) AS record,
        landed_file._rescued_data,
        landed_file._metadata.file_path AS _source_file
    FROM read_files(
        :landing_path,
        format => :file_format,
        header => TRUE,
        schema => :columns,
        `rescuedDataColumn` => '_rescued_data'
    ) AS landed_file
),

already_loaded AS (
    SELECT DISTINCT loaded._source_file
    FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :table_name) AS loaded
)

SELECT
    landed.record.*,
    landed._rescued_data,
    landed._source_file,
    current_timestamp() AS _ingested_at,
    :run_id AS _run_id
FROM landed
LEFT ANTI JOIN already_loaded
    ON landed._source_file = already_loaded._source_file;

SELECT
    bronze._source_file,
    count(*) AS records,
    count(bronze._rescued_data) AS records_with_rescued_data,
    max(bronze._ingested_at) AS ingested_at
FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :table_name) AS bronze
WHERE bronze._run_id = :run_id
GROUP BY bronze._source_file
ORDER BY bronze._source_file;
