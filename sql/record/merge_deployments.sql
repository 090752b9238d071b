-- Records deployments (CI `record`, or the simulator acting as CI). Idempotent: the id is derived
-- from bundle, target, version and the CI run or deploy sequence, so a retried step updates the
-- same row. Stages may arrive out of order: a status never goes back (PENDING < STARTED < the
-- deploy's outcome), the deploy's earliest start and its finish, once known, are kept.
MERGE INTO {{ops}}.deployments AS t
USING ({{rows}}) AS s
ON t.deployment_id = s.deployment_id
WHEN MATCHED THEN UPDATE SET
  status = CASE
    WHEN (CASE s.status WHEN 'PENDING' THEN 0 WHEN 'STARTED' THEN 1 ELSE 2 END)
      >= (CASE t.status WHEN 'PENDING' THEN 0 WHEN 'STARTED' THEN 1 ELSE 2 END) THEN s.status
    ELSE t.status END,
  resources = CASE
    WHEN (CASE s.status WHEN 'PENDING' THEN 0 WHEN 'STARTED' THEN 1 ELSE 2 END)
      >= (CASE t.status WHEN 'PENDING' THEN 0 WHEN 'STARTED' THEN 1 ELSE 2 END) THEN s.resources
    ELSE t.resources END,
  started_at = least(t.started_at, s.started_at),
  finished_at = coalesce(s.finished_at, t.finished_at),
  expected_changes = s.expected_changes,
  ci_run_url = coalesce(s.ci_run_url, t.ci_run_url)
WHEN NOT MATCHED THEN INSERT
  (deployment_id, bundle, target, version, previous_version, actor, ci_run_url, started_at, finished_at,
   status, resources, expected_changes, trace_id, recorded_at)
VALUES
  (s.deployment_id, s.bundle, s.target, s.version, s.previous_version, s.actor, s.ci_run_url, s.started_at,
   s.finished_at, s.status, s.resources, s.expected_changes, s.trace_id, s.recorded_at)
