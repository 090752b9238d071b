-- Read by the promotion gate: the newest error budget of every subject and SLO of a bundle in the
-- target promoted to, with whether it is exhausted (an exhausted budget freezes promotion of
-- anything but fixes). Params: bundle, target, since_ms (budgets older than this are stale).
SELECT subject, slo, target, good, total, budget_remaining, exhausted, alert, deployment_id, explanation,
  unix_millis(evaluated_at) AS evaluated_ms
FROM (
  SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.subject, b.slo ORDER BY b.window_end DESC) AS rn
  FROM {{ops}}.error_budgets b
  WHERE b.bundle = :bundle AND b.bundle_target = :target AND b.evaluated_at >= timestamp_millis(:since_ms)
) x
WHERE rn = 1
ORDER BY exhausted DESC, budget_remaining
