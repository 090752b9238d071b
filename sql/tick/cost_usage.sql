-- What each job run and pipeline update of the deployed jobs and pipelines cost since its
-- baseline horizon: DBUs from system.billing.usage (every record type, so retractions and
-- restatements net out), priced with system.billing.list_prices at the usage time. Billing lags
-- by hours (the slow plane): a run's hourly records arrive over time, so billed_to_ms says how far
-- each run's have come. One statement for every deployment due.
-- The horizon is a parameter, not a column of the rows: a constant lets the engine skip the
-- usage_date partitions (DuckDB: row groups) before it, where a joined value makes it read the
-- table's whole history on every tick.
-- Rows in: subject_type ('job' | 'pipeline'), subject_id. Params: workspace_id, since_ms.
-- Rows out: subject_type, subject_id, run_id, from_ms, billed_to_ms, dbus, dollars (NULL when a
-- record has no price in USD), records.
WITH s AS ({{rows}}),
u AS (
  SELECT s.subject_type, s.subject_id, b.usage_metadata.job_run_id AS run_id, b.sku_name, b.cloud,
    b.usage_start_time, b.usage_end_time, b.usage_quantity
  FROM system.billing.usage b JOIN s ON b.usage_metadata.job_id = s.subject_id
  WHERE s.subject_type = 'job' AND b.workspace_id = :workspace_id AND b.usage_unit = 'DBU'
    AND b.usage_date >= CAST(timestamp_millis(:since_ms) AS DATE)
    AND b.usage_start_time >= timestamp_millis(:since_ms)
  UNION ALL
  SELECT s.subject_type, s.subject_id, b.usage_metadata.dlt_update_id AS run_id, b.sku_name, b.cloud,
    b.usage_start_time, b.usage_end_time, b.usage_quantity
  FROM system.billing.usage b JOIN s ON b.usage_metadata.dlt_pipeline_id = s.subject_id
  WHERE s.subject_type = 'pipeline' AND b.workspace_id = :workspace_id AND b.usage_unit = 'DBU'
    AND b.usage_date >= CAST(timestamp_millis(:since_ms) AS DATE)
    AND b.usage_start_time >= timestamp_millis(:since_ms)
),
priced AS (
  SELECT u.subject_type, u.subject_id, u.run_id, u.usage_start_time, u.usage_end_time, u.usage_quantity,
    p.pricing.default AS price
  FROM u LEFT JOIN system.billing.list_prices p
    ON p.sku_name = u.sku_name AND p.cloud = u.cloud AND p.currency_code = 'USD' AND p.usage_unit = 'DBU'
    AND u.usage_start_time >= p.price_start_time
    AND (p.price_end_time IS NULL OR u.usage_start_time < p.price_end_time)
)
SELECT subject_type, subject_id, run_id,
  unix_millis(min(usage_start_time)) AS from_ms, unix_millis(max(usage_end_time)) AS billed_to_ms,
  -- DBUs summed and handed over exactly (DECIMAL): DuckDB's CAST to DOUBLE is not correctly rounded
  -- and Spark's is, so the check's statistics would differ by an ulp between engines. Dollars in
  -- DOUBLE: they only price the explanation, to the cent, and multiplying DECIMAL(38,18) by
  -- DECIMAL(30,18) per record was half of this statement's time.
  sum(usage_quantity) AS dbus,
  CASE WHEN count(price) = count(*)
    THEN sum(CAST(usage_quantity AS DOUBLE) * CAST(price AS DOUBLE)) END AS dollars,
  count(*) AS records
FROM priced
WHERE run_id IS NOT NULL
GROUP BY subject_type, subject_id, run_id
