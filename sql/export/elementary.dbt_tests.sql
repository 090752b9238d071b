-- Exports the dbt tests the Elementary dbt package knows ({{dbt_artifacts}}: the schema it writes
-- to) for `postflight backtest` (docs/embedded-layout.md): write the result to
-- elementary.dbt_tests.ndjson or elementary.dbt_tests.parquet.
SELECT * FROM {{dbt_artifacts}}.dbt_tests
