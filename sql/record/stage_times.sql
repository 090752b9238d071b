-- When a deployment's recorded stages started, for its trace's spans: every stage and attempt with
-- its earliest start and its end. Params: deployment_id.
SELECT stage, attempt, status, unix_millis(started_at) AS started_ms, unix_millis(finished_at) AS finished_ms, span_id
FROM {{ops}}.deployment_events
WHERE deployment_id = :deployment_id
ORDER BY started_at, stage
