-- The columns Unity Catalog holds now for the tables a deploy declares a schema for (dbt model
-- contracts), for `postflight precheck`. Rows: id (catalog.schema.table, lower case).
WITH ids AS ({{rows}})
SELECT lower(concat_ws('.', c.table_catalog, c.table_schema, c.table_name)) AS table_name,
  c.column_name, c.full_data_type, c.is_nullable, c.ordinal_position
FROM system.information_schema.columns c
WHERE lower(concat_ws('.', c.table_catalog, c.table_schema, c.table_name)) IN (SELECT id FROM ids)
ORDER BY table_name, c.ordinal_position
