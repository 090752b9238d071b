-- Copies the error_budgets rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- The newest hour of each subject and SLO stays: the promotion gate reads it.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.error_budgets_archive AS t
USING (
  SELECT
    subject, slo, window_end, target, good, total, budget_remaining, burn_rates, alert, deployment_id, bundle,
    bundle_target, rule, exhausted, burn_by_deployment, explanation, evaluated_at, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.subject, due.slo, due.window_end ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.subject, x.slo, x.window_end, x.target, x.good, x.total, x.budget_remaining, x.burn_rates, x.alert,
        x.deployment_id, x.bundle, x.bundle_target, x.rule, x.exhausted, x.burn_by_deployment, x.explanation,
        x.evaluated_at
      ) AS h
      FROM (SELECT b.*, MAX(b.window_end) OVER (PARTITION BY b.subject, b.slo) AS newest_end FROM {{ops}}.error_budgets b) x
      WHERE x.window_end < timestamp_millis(:hot_before_ms)
        AND x.window_end < x.newest_end
    ) due
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.subject = s.subject AND t.slo = s.slo AND t.window_end = s.window_end
WHEN MATCHED AND xxhash64(
  t.subject, t.slo, t.window_end, t.target, t.good, t.total, t.budget_remaining, t.burn_rates, t.alert,
  t.deployment_id, t.bundle, t.bundle_target, t.rule, t.exhausted, t.burn_by_deployment, t.explanation,
  t.evaluated_at
) <> s.h THEN UPDATE SET
  target = s.target, good = s.good, total = s.total, budget_remaining = s.budget_remaining,
  burn_rates = s.burn_rates, alert = s.alert, deployment_id = s.deployment_id, bundle = s.bundle,
  bundle_target = s.bundle_target, rule = s.rule, exhausted = s.exhausted,
  burn_by_deployment = s.burn_by_deployment, explanation = s.explanation, evaluated_at = s.evaluated_at,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  subject, slo, window_end, target, good, total, budget_remaining, burn_rates, alert, deployment_id, bundle,
  bundle_target, rule, exhausted, burn_by_deployment, explanation, evaluated_at, archived_at
) VALUES (
  s.subject, s.slo, s.window_end, s.target, s.good, s.total, s.budget_remaining, s.burn_rates, s.alert,
  s.deployment_id, s.bundle, s.bundle_target, s.rule, s.exhausted, s.burn_by_deployment, s.explanation,
  s.evaluated_at, timestamp_millis(:now_ms)
)
