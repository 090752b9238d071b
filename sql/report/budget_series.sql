-- The error budgets of the report's period for the :top subjects and SLOs whose budget ran lowest
-- in it (ties broken by name, so both engines pick the same), one row per hour each: what the
-- report draws as budget remaining and burn rate over time.
WITH b AS (
  SELECT x.subject, x.slo, x.bundle, x.bundle_target, x.window_end, x.target AS slo_target, x.good, x.total,
    x.budget_remaining, x.exhausted, x.alert, x.rule,
    CAST(get_json_object(x.burn_rates, '$.1h') AS DOUBLE) AS burn_1h,
    CAST(get_json_object(x.burn_rates, '$.6h') AS DOUBLE) AS burn_6h,
    CAST(get_json_object(x.burn_rates, '$.3d') AS DOUBLE) AS burn_3d
  FROM {{ops}}.error_budgets x
  WHERE x.window_end >= timestamp_millis(:since_ms) AND x.window_end < timestamp_millis(:until_ms)
    AND (:bundle = '' OR x.bundle = :bundle) AND (:target = '' OR x.bundle_target = :target)
),
lowest AS (
  SELECT subject, slo, min(budget_remaining) AS lowest_remaining
  FROM b
  GROUP BY subject, slo
),
ranked AS (
  SELECT subject, slo, lowest_remaining,
    ROW_NUMBER() OVER (ORDER BY lowest_remaining ASC NULLS LAST, subject, slo) AS line_rank
  FROM lowest
)
SELECT k.line_rank, b.*
FROM b
JOIN ranked k ON k.subject = b.subject AND k.slo = b.slo
WHERE k.line_rank <= :top
ORDER BY k.line_rank, b.window_end
