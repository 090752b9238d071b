-- Copies the check_results rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- A check result moves with its deployment.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.check_results_archive AS t
USING (
  SELECT
    deployment_id, check_name, subject, look, status, critical, observed, baseline_n, baseline_center,
    baseline_spread, threshold, statistic, p_value, effect, post_n, plane, evidence_age_s, explanation,
    suppressed_by, tick_id, evaluated_at, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.deployment_id, due.check_name, due.subject, due.look ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.deployment_id, x.check_name, x.subject, x.look, x.status, x.critical, x.observed, x.baseline_n,
        x.baseline_center, x.baseline_spread, x.threshold, x.statistic, x.p_value, x.effect, x.post_n, x.plane,
        x.evidence_age_s, x.explanation, x.suppressed_by, x.tick_id, x.evaluated_at
      ) AS h
      FROM {{ops}}.check_results x
      LEFT JOIN (
        -- Deployments that stay hot: younger than the window, still under verification, or per bundle
        -- and target the newest (a deploy's previous version) or the newest HEALTHY (a rollback's target).
        SELECT d.*,
          coalesce(d.finished_at, d.started_at, d.recorded_at) IS NULL OR coalesce(d.finished_at, d.started_at, d.recorded_at) >= timestamp_millis(:hot_before_ms)
            OR (coalesce(d.status, '') IN ('SUCCEEDED', 'PARTIAL') AND (
              NOT coalesce(v.is_final, false)
              OR ROW_NUMBER() OVER (PARTITION BY d.bundle, d.target, coalesce(d.status, '') IN ('SUCCEEDED', 'PARTIAL')
                ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC) = 1
              OR (coalesce(v.state, '') = 'HEALTHY' AND ROW_NUMBER() OVER (
                PARTITION BY d.bundle, d.target, coalesce(d.status, '') IN ('SUCCEEDED', 'PARTIAL') AND coalesce(v.state, '') = 'HEALTHY'
                ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC) = 1)
            )) AS stays
        FROM {{ops}}.deployments d LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
      ) dep ON dep.deployment_id = x.deployment_id
      WHERE x.evaluated_at < timestamp_millis(:hot_before_ms)
        AND NOT coalesce(dep.stays, false)
    ) due
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.deployment_id = s.deployment_id AND t.check_name = s.check_name AND t.subject = s.subject AND t.look = s.look
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.check_name, t.subject, t.look, t.status, t.critical, t.observed, t.baseline_n,
  t.baseline_center, t.baseline_spread, t.threshold, t.statistic, t.p_value, t.effect, t.post_n, t.plane,
  t.evidence_age_s, t.explanation, t.suppressed_by, t.tick_id, t.evaluated_at
) <> s.h THEN UPDATE SET
  status = s.status, critical = s.critical, observed = s.observed, baseline_n = s.baseline_n,
  baseline_center = s.baseline_center, baseline_spread = s.baseline_spread, threshold = s.threshold,
  statistic = s.statistic, p_value = s.p_value, effect = s.effect, post_n = s.post_n, plane = s.plane,
  evidence_age_s = s.evidence_age_s, explanation = s.explanation, suppressed_by = s.suppressed_by,
  tick_id = s.tick_id, evaluated_at = s.evaluated_at,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  deployment_id, check_name, subject, look, status, critical, observed, baseline_n, baseline_center,
  baseline_spread, threshold, statistic, p_value, effect, post_n, plane, evidence_age_s, explanation,
  suppressed_by, tick_id, evaluated_at, archived_at
) VALUES (
  s.deployment_id, s.check_name, s.subject, s.look, s.status, s.critical, s.observed, s.baseline_n,
  s.baseline_center, s.baseline_spread, s.threshold, s.statistic, s.p_value, s.effect, s.post_n, s.plane,
  s.evidence_age_s, s.explanation, s.suppressed_by, s.tick_id, s.evaluated_at, timestamp_millis(:now_ms)
)
