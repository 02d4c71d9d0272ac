-- ---
-- title: Delta table maintenance
-- description: >
--   Keeps a Delta table fast and its storage in check: sets the table properties for optimized
--   writes, automatic compaction and how long history is kept, compacts small files (and
--   clusters tables with CLUSTER BY) with OPTIMIZE, removes unreferenced files older than
--   retention_hours with VACUUM, and refreshes optimizer statistics. OPTIMIZE, VACUUM and
--   ANALYZE do not take IDENTIFIER(...), so they are built from the back-quoted name and run
--   with EXECUTE IMMEDIATE, which takes an expression on Databricks Runtime 17.3 and SQL
--   warehouses; those statements are workspace-only (open-source Spark 4.0 takes a literal or a
--   variable only). With predictive optimization on the catalog, Databricks does this itself.
-- parameters:
--   - catalog
--   - schema
--   - name: table_name
--     type: identifier
--     description: Delta table to maintain.
--     default: silver_orders
--   - name: retention_hours
--     type: int
--     description: VACUUM keeps unreferenced files this long; 168 (7 days) or more.
--     default: 168
--     minimum: 168
-- ---

ALTER TABLE IDENTIFIER(:catalog || '.' || :schema || '.' || :table_name) SET TBLPROPERTIES (
    'delta.autoOptimize.optimizeWrite' = 'true',
    'delta.autoOptimize.autoCompact' = 'true',
    'delta.logRetentionDuration' = 'interval 30 days',
    'delta.deletedFileRetentionDuration' = 'interval 7 days'
);

-- workspace-only: EXECUTE IMMEDIATE with an expression needs Databricks Runtime 17.3 or a SQL warehouse
EXECUTE IMMEDIATE 'OPTIMIZE `' || replace(:catalog, '`', '``') || '`.`' || replace(:schema, '`', '``')
|| '`.`' || replace(:table_name, '`', '``') || '`';

-- workspace-only: EXECUTE IMMEDIATE with an expression needs Databricks Runtime 17.3 or a SQL warehouse
EXECUTE IMMEDIATE 'VACUUM `' || replace(:catalog, '`', '``') || '`.`' || replace(:schema, '`', '``')
|| '`.`' || replace(:table_name, '`', '``') || '` RETAIN ' || cast(:retention_hours AS STRING) || ' HOURS';

-- workspace-only: EXECUTE IMMEDIATE with an expression needs Databricks Runtime 17.3 or a SQL warehouse
EXECUTE IMMEDIATE 'ANALYZE TABLE `' || replace(:catalog, '`', '``') || '`.`' || replace(:schema, '`', '``')
|| '`.`' || replace(:table_name, '`', '``') || '` COMPUTE STATISTICS FOR ALL COLUMNS';

SHOW TBLPROPERTIES IDENTIFIER(:catalog || '.' || :schema || '.' || :table_name);
