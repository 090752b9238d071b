-- Alert: subjects whose error budget is exhausted: the newest budget row of each subject and SLO
-- evaluated in the last 24 hours, as the promotion gate reads it (an exhausted budget freezes
-- promotion of anything but fixes). One row each; the window ends at the warehouse clock.
SELECT x.subject, x.slo, x.bundle, x.bundle_target, x.target AS slo_target, x.good, x.total, x.budget_remaining,
  x.alert AS burn_alert, x.deployment_id AS top_burner, x.explanation, x.evaluated_at
FROM (
  SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.subject, b.slo ORDER BY b.window_end DESC, b.evaluated_at DESC) AS rn
  FROM {{ops}}.error_budgets b
  WHERE b.evaluated_at > current_timestamp() - INTERVAL 24 HOURS AND b.evaluated_at <= current_timestamp()
) x
WHERE x.rn = 1 AND x.exhausted
ORDER BY x.budget_remaining
