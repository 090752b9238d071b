-- One row per CI stage and attempt, with timings and attributes (OpenTelemetry span ids). Events
-- may arrive out of order or twice: the earliest start is kept, and a STARTED never replaces the
-- stage's outcome.
MERGE INTO {{ops}}.deployment_events AS t
USING ({{rows}}) AS s
ON t.deployment_id = s.deployment_id AND t.stage = s.stage AND t.attempt = s.attempt
WHEN MATCHED THEN UPDATE SET
  started_at = least(t.started_at, s.started_at),
  finished_at = CASE WHEN s.status = 'STARTED' THEN t.finished_at ELSE coalesce(s.finished_at, t.finished_at) END,
  status = CASE WHEN s.status = 'STARTED' AND t.status <> 'STARTED' THEN t.status ELSE s.status END,
  attributes = CASE WHEN s.status = 'STARTED' AND t.status <> 'STARTED' THEN t.attributes ELSE s.attributes END
WHEN NOT MATCHED THEN INSERT
  (deployment_id, stage, attempt, started_at, finished_at, status, attributes, trace_id, span_id)
VALUES (s.deployment_id, s.stage, s.attempt, s.started_at, s.finished_at, s.status, s.attributes, s.trace_id, s.span_id)
