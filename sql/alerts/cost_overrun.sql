-- Alert: bundles and targets that will overrun their month's cost budget at the current burn, or
-- have already spent past it: the newest cost budget row of each, evaluated in the last 3 hours
-- (the budgets are kept hourly). One row each; the window ends at the warehouse clock.
SELECT x.bundle, x.target, x.budget_usd, x.spend_usd, x.burn_usd_per_day, x.projected_usd, x.state, x.overrun_at,
  x.spend_through, x.lag_hours, x.explanation, x.evaluated_at
FROM (
  SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.bundle, c.target ORDER BY c.window_end DESC, c.evaluated_at DESC) AS rn
  FROM {{ops}}.cost_budgets c
  WHERE c.scope = 'bundle' AND c.evaluated_at > current_timestamp() - INTERVAL 3 HOURS
    AND c.evaluated_at <= current_timestamp()
) x
WHERE x.rn = 1 AND x.state IN ('OVERRUN', 'OVER')
ORDER BY x.projected_usd - x.budget_usd DESC, x.bundle, x.target
