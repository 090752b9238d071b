-- A deployment's checks as last judged: the newest look of each check on each subject, with how
-- many looks it took. Params: deployment_id.
WITH ranked AS (
  SELECT c.check_name, c.subject, c.look, c.status, c.critical, c.observed, c.baseline_n, c.baseline_center,
    c.baseline_spread, c.threshold, c.statistic, c.p_value, c.effect, c.post_n, c.plane, c.evidence_age_s,
    c.explanation, c.suppressed_by, c.evaluated_at,
    ROW_NUMBER() OVER (PARTITION BY c.check_name, c.subject ORDER BY c.look DESC) AS newest,
    COUNT(*) OVER (PARTITION BY c.check_name, c.subject) AS looks
  FROM {{ops}}.check_results c
  WHERE c.deployment_id = :deployment_id
)
SELECT check_name, subject, look, looks, status, critical, observed, baseline_n, baseline_center, baseline_spread,
  threshold, statistic, p_value, effect, post_n, plane, evidence_age_s, explanation, suppressed_by,
  unix_millis(evaluated_at) AS evaluated_ms
FROM ranked
WHERE newest = 1
ORDER BY check_name, subject
