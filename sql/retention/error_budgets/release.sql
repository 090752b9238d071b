-- Removes from the hot table the error_budgets rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- The newest hour of each subject and SLO stays: the promotion gate reads it.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.error_budgets AS t
USING (
  SELECT DISTINCT due.subject, due.slo, due.window_end, due.h
  FROM (
    SELECT x.subject, x.slo, x.window_end, xxhash64(
      x.subject, x.slo, x.window_end, x.target, x.good, x.total, x.budget_remaining, x.burn_rates, x.alert,
      x.deployment_id, x.bundle, x.bundle_target, x.rule, x.exhausted, x.burn_by_deployment, x.explanation,
      x.evaluated_at
    ) AS h
    FROM (SELECT b.*, MAX(b.window_end) OVER (PARTITION BY b.subject, b.slo) AS newest_end FROM {{ops}}.error_budgets b) x
    WHERE x.window_end < timestamp_millis(:hot_before_ms)
      AND x.window_end < x.newest_end
  ) due
  JOIN {{ops}}.error_budgets_archive a
    ON a.subject = due.subject AND a.slo = due.slo AND a.window_end = due.window_end
    AND xxhash64(
      a.subject, a.slo, a.window_end, a.target, a.good, a.total, a.budget_remaining, a.burn_rates, a.alert,
      a.deployment_id, a.bundle, a.bundle_target, a.rule, a.exhausted, a.burn_by_deployment, a.explanation,
      a.evaluated_at
    ) = due.h
) AS s
ON t.subject = s.subject AND t.slo = s.slo AND t.window_end = s.window_end
WHEN MATCHED AND xxhash64(
  t.subject, t.slo, t.window_end, t.target, t.good, t.total, t.budget_remaining, t.burn_rates, t.alert,
  t.deployment_id, t.bundle, t.bundle_target, t.rule, t.exhausted, t.burn_by_deployment, t.explanation,
  t.evaluated_at
) = s.h THEN DELETE
