-- Cost budgets per scope, bundle, target and hour: the current hour's row is refreshed by every
-- evaluation in it.
MERGE INTO {{ops}}.cost_budgets AS t
USING ({{rows}}) AS s
ON t.scope = s.scope AND t.bundle = s.bundle AND t.target = s.target AND t.window_end = s.window_end
WHEN MATCHED THEN UPDATE SET month_start = s.month_start, budget_usd = s.budget_usd, spend_usd = s.spend_usd,
  dbus = s.dbus, unpriced_dbus = s.unpriced_dbus, burn_usd_per_day = s.burn_usd_per_day, burn_days = s.burn_days,
  projected_usd = s.projected_usd, state = s.state, overrun_at = s.overrun_at, spend_through = s.spend_through,
  lag_hours = s.lag_hours, burn_by_resource = s.burn_by_resource, explanation = s.explanation, evaluated_at = s.evaluated_at
WHEN NOT MATCHED THEN INSERT
  (scope, bundle, target, window_end, month_start, budget_usd, spend_usd, dbus, unpriced_dbus, burn_usd_per_day,
   burn_days, projected_usd, state, overrun_at, spend_through, lag_hours, burn_by_resource, explanation, evaluated_at)
VALUES (s.scope, s.bundle, s.target, s.window_end, s.month_start, s.budget_usd, s.spend_usd, s.dbus,
  s.unpriced_dbus, s.burn_usd_per_day, s.burn_days, s.projected_usd, s.state, s.overrun_at, s.spend_through,
  s.lag_hours, s.burn_by_resource, s.explanation, s.evaluated_at)
