-- Each subject's current error budget per SLO: its newest row, as the promotion gate reads it
-- (sql/gate/budget_frozen.sql). evaluated_at tells a stale budget (a subject no longer under
-- verification) from a live one. Reads the table, not error_budget_burn: every view here stands on
-- postflight's tables alone, so the views can be created in any order.
CREATE OR REPLACE VIEW {{ops}}.error_budgets_now AS
SELECT x.subject, x.slo, x.bundle, x.bundle_target, x.window_end, x.evaluated_at, x.target AS slo_target, x.good,
  x.total, x.budget_remaining, x.exhausted, x.alert, x.rule,
  CAST(get_json_object(x.burn_rates, '$.5m') AS DOUBLE) AS burn_5m,
  CAST(get_json_object(x.burn_rates, '$.30m') AS DOUBLE) AS burn_30m,
  CAST(get_json_object(x.burn_rates, '$.1h') AS DOUBLE) AS burn_1h,
  CAST(get_json_object(x.burn_rates, '$.6h') AS DOUBLE) AS burn_6h,
  CAST(get_json_object(x.burn_rates, '$.3d') AS DOUBLE) AS burn_3d,
  x.deployment_id AS top_burner, x.explanation
FROM (
  SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.subject, b.slo ORDER BY b.window_end DESC, b.evaluated_at DESC) AS rn
  FROM {{ops}}.error_budgets b
) x
WHERE x.rn = 1
