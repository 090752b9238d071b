-- Error budgets over time: one row per subject, SLO and hour (the current hour's row is refreshed
-- every tick), with the burn rate of each window as a column of its own.
CREATE OR REPLACE VIEW {{ops}}.error_budget_burn AS
SELECT b.subject, b.slo, b.bundle, b.bundle_target, b.window_end, b.evaluated_at, b.target AS slo_target,
  b.good, b.total, b.budget_remaining, b.exhausted, b.alert, b.rule,
  CAST(get_json_object(b.burn_rates, '$.5m') AS DOUBLE) AS burn_5m,
  CAST(get_json_object(b.burn_rates, '$.30m') AS DOUBLE) AS burn_30m,
  CAST(get_json_object(b.burn_rates, '$.1h') AS DOUBLE) AS burn_1h,
  CAST(get_json_object(b.burn_rates, '$.6h') AS DOUBLE) AS burn_6h,
  CAST(get_json_object(b.burn_rates, '$.3d') AS DOUBLE) AS burn_3d,
  b.deployment_id AS top_burner, b.explanation
FROM {{ops}}.error_budgets b
