-- The current verdict per deployment. `since` moves only when the state changes;
-- first_verdict_at is set once, when the deployment is first judged.
MERGE INTO {{ops}}.verdicts AS t
USING ({{rows}}) AS s
ON t.deployment_id = s.deployment_id
WHEN MATCHED THEN UPDATE SET
  since = CASE WHEN t.state = s.state THEN t.since ELSE s.updated_at END,
  state = s.state, reason = s.reason, is_final = s.is_final, post_runs = s.post_runs,
  until = CASE WHEN s.is_final THEN s.updated_at ELSE NULL END,
  updated_at = s.updated_at, tick_id = s.tick_id, recheck_at = s.recheck_at
WHEN NOT MATCHED THEN INSERT (deployment_id, state, reason, is_final, post_runs, since, until, first_verdict_at, updated_at, tick_id, recheck_at)
VALUES (s.deployment_id, s.state, s.reason, s.is_final, s.post_runs, s.updated_at,
  CASE WHEN s.is_final THEN s.updated_at ELSE NULL END, s.updated_at, s.updated_at, s.tick_id, s.recheck_at)
