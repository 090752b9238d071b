-- Removes from the hot table the check_results rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- A check result moves with its deployment.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.check_results AS t
USING (
  SELECT DISTINCT due.deployment_id, due.check_name, due.subject, due.look, due.h
  FROM (
    SELECT x.deployment_id, x.check_name, x.subject, x.look, xxhash64(
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
  JOIN {{ops}}.check_results_archive a
    ON a.deployment_id = due.deployment_id AND a.check_name = due.check_name AND a.subject = due.subject AND a.look = due.look
    AND xxhash64(
      a.deployment_id, a.check_name, a.subject, a.look, a.status, a.critical, a.observed, a.baseline_n,
      a.baseline_center, a.baseline_spread, a.threshold, a.statistic, a.p_value, a.effect, a.post_n, a.plane,
      a.evidence_age_s, a.explanation, a.suppressed_by, a.tick_id, a.evaluated_at
    ) = due.h
) AS s
ON t.deployment_id = s.deployment_id AND t.check_name = s.check_name AND t.subject = s.subject AND t.look = s.look
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.check_name, t.subject, t.look, t.status, t.critical, t.observed, t.baseline_n,
  t.baseline_center, t.baseline_spread, t.threshold, t.statistic, t.p_value, t.effect, t.post_n, t.plane,
  t.evidence_age_s, t.explanation, t.suppressed_by, t.tick_id, t.evaluated_at
) = s.h THEN DELETE
